"""Support handling (issue 27, item 9): an admin moves a request to another category (the urgent
one marks it urgent), replies name their author; the requester sees a capitalised status and
when to expect a reply."""

from __future__ import annotations

from sqlalchemy import select

from tests.support.helpers import VALID
from website.audit import AuditEntry
from website.extensions import db
from website.support.models import SupportRequest


def sent_request(app, client) -> str:
    """A support request sent through the form; its reference."""
    assert client.post("/support", data=VALID).status_code in (302, 303)
    with app.app_context():
        return db.session.scalars(select(SupportRequest.reference)).one()


def test_changing_the_category_to_urgent_moves_it_to_the_top(app, client, auth, users):
    reference = sent_request(app, client)
    admin = users.create(email="hedy@example.com", name="Hedy Lamarr", admin=True)
    auth.login(admin)
    page = client.get(f"/admin/support/{reference}").get_data(as_text=True)
    assert "Change category" in page and "urgent" not in page.split("<h1>")[1].split("</h1>")[0]
    moved = client.post(f"/admin/support/{reference}/category",
                        data={"category": "compromised_key"})
    assert moved.status_code == 303
    page = client.get(f"/admin/support/{reference}").get_data(as_text=True)
    assert "badge badge--urgent" in page
    assert client.get("/admin/").get_data(as_text=True).count("urgent") >= 1
    with app.app_context():
        assert db.session.scalars(select(SupportRequest.category)).one() == "compromised_key"
        audit = db.session.scalars(select(AuditEntry.action)).all()
    assert "support.category" in audit
    bad = client.post(f"/admin/support/{reference}/category", data={"category": "nonsense"})
    assert bad.status_code == 400 and "Choose a category from the list." in bad.get_data(
        as_text=True)


def test_replies_name_who_wrote_them(app, client, auth, users):
    reference = sent_request(app, client)
    admin = users.create(email="hedy@example.com", name="Hedy Lamarr", admin=True)
    auth.login(admin)
    assert client.post(f"/admin/support/{reference}/reply",
                       data={"body": "We are looking into it."}).status_code == 303
    page = client.get(f"/admin/support/{reference}").get_data(as_text=True)
    replies = page[page.index("<h2>Replies</h2>"):page.index("<h2>Reply</h2>")]
    assert "Hedy Lamarr (hedy@example.com)" in replies


def test_the_requester_sees_a_capitalised_status_and_the_expected_reply(app, client):
    reference = sent_request(app, client)
    page = client.get(f"/support/requests/{reference}").get_data(as_text=True)
    assert '<span class="badge">Open</span>' in page
    assert "Expected reply" in page and "Within 2 working days" in page


def test_internal_notes_stay_with_the_handlers(app, client, auth, users, smtp):
    reference = sent_request(app, client)
    requester_page = f"/support/requests/{reference}"
    admin = users.create(email="hedy@example.com", name="Hedy Lamarr", admin=True)
    auth.login(admin)
    assert client.post(f"/admin/support/{reference}/note", data={"body": "  "}).status_code == 400
    assert client.post(f"/admin/support/{reference}/note",
                       data={"body": "Billing says the invoice was resent."}).status_code == 303
    page = client.get(f"/admin/support/{reference}").get_data(as_text=True)
    notes = page[page.index("<h2>Internal notes</h2>"):page.index("<h2>Assign</h2>")]
    assert "Billing says the invoice was resent." in notes and "Hedy Lamarr" in notes
    auth.logout()
    assert "invoice was resent" not in client.get(requester_page).get_data(as_text=True)
    assert not [m for m in smtp.messages if "invoice was resent" in m.as_string()]


def test_a_request_is_assigned_to_a_handler(app, client, auth, users):
    reference = sent_request(app, client)
    admin = users.create(email="hedy@example.com", name="Hedy Lamarr", admin=True)
    handler = users.create(email="hal@example.com", name="Hal Handler", roles="request_handler")
    customer = users.create(email="cus@example.com", name="Cus Tomer")
    auth.login(admin)
    assert client.post(f"/admin/support/{reference}/assign",
                       data={"assignee": str(customer)}).status_code == 400
    assert client.post(f"/admin/support/{reference}/assign",
                       data={"assignee": str(handler)}).status_code == 303
    page = client.get(f"/admin/support/{reference}").get_data(as_text=True)
    assert "<dt>Assigned to</dt><dd>Hal Handler (hal@example.com)</dd>" in page
    with app.app_context():
        assert db.session.scalars(select(SupportRequest.assignee_id)).one() == handler
    assert client.post(f"/admin/support/{reference}/assign",
                       data={"assignee": ""}).status_code == 303
    assert "<dt>Assigned to</dt><dd>Nobody yet</dd>" in client.get(
        f"/admin/support/{reference}").get_data(as_text=True)
