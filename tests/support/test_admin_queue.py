"""The admin support queue: order, filters, pages, replies by email, close/reopen, audit, access."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.fixtures.mail import body_text
from tests.support.helpers import all_requests
from website.audit import AuditEntry
from website.extensions import db
from website.mail.service import send_pending
from website.support.models import SupportReply

ROW_REFERENCE = re.compile(r'<a href="/admin/support/(SR-\w+)">')


def listed(client, query: str = "") -> list[str]:
    """References on a queue page, in order."""
    response = client.get(f"/admin/support{query}")
    assert response.status_code == 200
    return ROW_REFERENCE.findall(response.get_data(as_text=True))


def audit_entries(app) -> list[tuple[str, str, str, int | None]]:
    """The support actions in the audit log, oldest first."""
    with app.app_context():
        query = select(AuditEntry).where(AuditEntry.action.startswith("support."))
        rows = db.session.scalars(query.order_by(AuditEntry.id))
        return [(e.action, e.target, e.actor, e.actor_id) for e in rows]


def test_urgent_requests_come_first_then_newest(client, auth, make_request):
    old_normal = make_request(category="general", age=30)
    new_normal = make_request(category="billing", age=1)
    old_urgent = make_request(category="compromised_key", age=60)
    new_urgent = make_request(category="compromised_key", age=5)
    auth.login(admin=True)
    assert listed(client) == [new_urgent, old_urgent, new_normal, old_normal]
    page = client.get("/admin/support").get_data(as_text=True)
    assert page.count('<span class="badge badge--urgent">urgent</span>') == 2


def test_filters_by_status_and_category(client, auth, make_request):
    open_billing = make_request(category="billing", age=3)
    closed_billing = make_request(category="billing", status="closed", age=2)
    open_general = make_request(category="general", age=1)
    auth.login(admin=True)
    assert listed(client) == [open_general, open_billing], "open is the default"
    assert listed(client, "?status=closed") == [closed_billing]
    assert listed(client, "?status=all") == [open_general, closed_billing, open_billing]
    assert listed(client, "?status=all&category=billing") == [closed_billing, open_billing]
    assert listed(client, "?category=general") == [open_general]
    assert listed(client, "?status=nonsense&category=nonsense&page=abc") == [
        open_general, open_billing,
    ]
    page = client.get("/admin/support?status=closed&category=billing").get_data(as_text=True)
    assert '<option value="closed" selected>' in page
    assert '<option value="billing" selected>' in page


def test_pages_of_fifty_cover_every_request_once(app, client, auth, make_request):
    urgent = [make_request(category="compromised_key", age=i) for i in range(3)]
    normal = [make_request(age=10 + i) for i in range(99)]
    auth.login(admin=True)
    first, second, third = (listed(client, f"?page={n}") for n in (1, 2, 3))
    assert first[:3] == urgent and len(first) == 50
    assert first + second + third == urgent + normal
    assert len(third) == 2
    page = client.get("/admin/support?page=2").get_data(as_text=True)
    assert "Page 2 of 3" in page
    assert 'href="/admin/support?page=3&amp;status=open" rel="next"' in page
    assert listed(client, "?page=999") == third, "past the end shows the last page"
    filtered = client.get("/admin/support?category=compromised_key").get_data(as_text=True)
    assert "Page 1 of" not in filtered and "3 requests" in filtered


def test_detail_reply_is_emailed_stored_and_audited(app, client, auth, smtp, make_request):
    reference = make_request(email="grace@example.com", subject="Invoice", message="Wrong VAT")
    with app.app_context():
        send_pending()
    smtp.messages.clear()
    admin_id = auth.login(admin=True)
    page = client.get(f"/admin/support/{reference}").get_data(as_text=True)
    assert "Wrong VAT" in page and "grace@example.com" in page and "No replies yet." in page
    response = client.post(f"/admin/support/{reference}/reply",
                           data={"body": "We have corrected the VAT.\nSorry!"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/support/{reference}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Reply sent to grace@example.com." in page
    assert "We have corrected the VAT." in page
    with app.app_context():
        assert send_pending() == (1, 0)
        (reply,) = db.session.scalars(select(SupportReply))
        assert reply.author_id == admin_id
    (email,) = smtp.to("grace@example.com")
    assert reference in email["Subject"] and "Invoice" in email["Subject"]
    assert "We have corrected the VAT." in body_text(email)
    assert audit_entries(app) == [("support.reply", reference, "admin@example.com", admin_id)]
    assert all_requests(app)[0].status == "open"


def test_reply_and_close_in_one_step(app, client, auth, make_request):
    reference = make_request()
    admin_id = auth.login(admin=True)
    client.post(f"/admin/support/{reference}/reply", data={"body": "Done.", "close": "y"})
    assert all_requests(app)[0].status == "closed"
    assert [a for a, *_ in audit_entries(app)] == ["support.reply", "support.close"]
    assert all(actor_id == admin_id for *_, actor_id in audit_entries(app))


def test_empty_reply_gets_a_message_and_nothing_is_sent(app, client, auth, make_request):
    reference = make_request()
    auth.login(admin=True)
    response = client.post(f"/admin/support/{reference}/reply", data={"body": "  "})
    assert response.status_code == 400
    assert "Write the reply." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(SupportReply)).first() is None
    assert audit_entries(app) == []


def test_close_and_reopen_are_audited(app, client, auth, make_request):
    reference = make_request()
    admin_id = auth.login(admin=True)
    assert client.post(f"/admin/support/{reference}/close").status_code == 303
    (row,) = all_requests(app)
    assert row.status == "closed" and row.closed_at is not None
    assert reference in listed(client, "?status=closed")
    page = client.get(f"/admin/support/{reference}").get_data(as_text=True)
    assert "Reopen request" in page
    client.post(f"/admin/support/{reference}/reopen")
    (row,) = all_requests(app)
    assert row.status == "open" and row.closed_at is None
    assert audit_entries(app) == [
        ("support.close", reference, "admin@example.com", admin_id),
        ("support.reopen", reference, "admin@example.com", admin_id),
    ]


def test_unknown_reference_is_404(client, auth):
    auth.login(admin=True)
    assert client.get("/admin/support/SR-NOPE2345").status_code == 404
    assert client.post("/admin/support/SR-NOPE2345/close").status_code == 404


ADMIN_PAGES = [
    ("get", "/admin/support"), ("get", "/admin/support/{ref}"),
    ("post", "/admin/support/{ref}/reply"), ("post", "/admin/support/{ref}/close"),
    ("post", "/admin/support/{ref}/reopen"),
]


@pytest.mark.parametrize(("method", "path"), ADMIN_PAGES)
def test_non_admin_gets_403(app, client, auth, make_request, method, path):
    reference = make_request()
    auth.login()
    response = getattr(client, method)(path.format(ref=reference), data={"body": "x"})
    assert response.status_code == 403
    assert all_requests(app)[0].status == "open"
    assert audit_entries(app) == []


@pytest.mark.parametrize(("method", "path"), ADMIN_PAGES)
def test_anonymous_is_sent_to_login(app, client, make_request, method, path):
    reference = make_request()
    response = getattr(client, method)(path.format(ref=reference), data={"body": "x"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert audit_entries(app) == []


def test_admin_posts_need_a_csrf_token(app, client, auth, make_request):
    reference = make_request()
    auth.login(admin=True)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/admin/support/{reference}/close").status_code == 400
    assert client.post(f"/admin/support/{reference}/reply", data={"body": "x"}).status_code == 400
    assert all_requests(app)[0].status == "open"
    page = client.get(f"/admin/support/{reference}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(f"/admin/support/{reference}/close", data={"csrf_token": token})
    assert all_requests(app)[0].status == "closed"


def test_dashboard_tile_counts_open_and_urgent(app, client, auth, make_request):
    make_request(category="compromised_key")
    make_request(category="compromised_key", status="closed")
    make_request(category="general")
    auth.login(admin=True)
    html = client.get("/admin/").get_data(as_text=True)
    assert "<strong>2</strong> open requests" in html
    assert "1 urgent" in html


def test_no_reply_to_an_anonymised_request(app, client, auth, make_request):
    from website.support import service

    reference = make_request(email="gone@example.com")
    with app.app_context():
        service.anonymise_requests("gone@example.com")
        db.session.commit()
    auth.login(admin=True)
    response = client.post(f"/admin/support/{reference}/reply", data={"body": "Hello?"})
    assert response.status_code == 400
    assert "there is no address to reply to" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(SupportReply)).first() is None


def test_queue_searches_by_reference_or_email_in_every_status(client, auth, make_request):
    closed = make_request(email="Grace@Example.com", status="closed")
    open_one = make_request(email="grace@example.com")
    other = make_request(email="someone@example.com")
    auth.login(admin=True)
    assert set(listed(client, "?q=GRACE@example.com")) == {closed, open_one}
    assert listed(client, f"?q={other.lower()}") == [other]
    assert listed(client, "?q=grace@example.com&status=open") == [open_one]
    page = client.get("/admin/support?q=grace").get_data(as_text=True)
    assert ROW_REFERENCE.findall(page) == [] and "Search by a request reference" in page
