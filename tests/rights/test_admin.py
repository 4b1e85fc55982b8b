"""The admin queue and every admin action: emails, history, audit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.fixtures.mail import body_text
from tests.rights.conftest import days_ago, deliver, stored
from website.audit import AuditEntry
from website.extensions import db, utcnow
from website.references import new_reference
from website.rights.dates import add_months
from website.rights.models import RightsRequest


def seed(app, **fields) -> str:
    """Insert a request straight into the database; return its reference."""
    values = {
        "reference": new_reference("RR"), "request_type": "access", "name": "Someone",
        "email": "someone@example.com", "status": "verified", "verified_at": utcnow(),
        "due_on": utcnow().date() + timedelta(days=20),
    }
    values.update(fields)
    with app.app_context():
        db.session.add(RightsRequest(**values))
        db.session.commit()
    return values["reference"]


def audit_actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(e.action, e.target) for e in db.session.scalars(select(AuditEntry))]


def test_queue_needs_an_admin(app, client, auth):
    auth.login()
    assert client.get("/admin/rights").status_code == 403


def test_queue_sorted_by_due_date_with_overdue_and_due_soon_marked(app, client, auth):
    today = utcnow().date()
    late = seed(app, due_on=today - timedelta(days=2))
    soon = seed(app, due_on=today + timedelta(days=5), status="in_progress")
    later = seed(app, due_on=today + timedelta(days=25))
    extended = seed(app, due_on=today - timedelta(days=40), extended_due_on=today + timedelta(
        days=10))
    closed = seed(app, due_on=today - timedelta(days=90), status="completed")
    unverified = seed(app, status="received", due_on=None, verified_at=None)
    auth.login(admin=True)
    page = client.get("/admin/rights").get_data(as_text=True)
    positions = [page.index(ref) for ref in (late, soon, extended, later)]
    assert positions == sorted(positions)
    assert closed not in page and unverified not in page  # the default view: open work
    row = lambda ref: page[page.index(ref):].split("</tr>")[0]  # noqa: E731
    assert "badge badge--overdue" in row(late)
    assert "badge badge--due-soon" in row(soon)
    assert "badge" not in row(later) and "badge" not in row(extended)
    everything = client.get("/admin/rights?status=all").get_data(as_text=True)
    assert everything.index(closed) < everything.index(late) < everything.index(unverified)
    assert "badge badge--overdue" not in everything[everything.index(closed):].split("</tr>")[0]


def test_due_in_force_is_one_rule_on_the_page_and_in_sql(app, client, auth):
    today = utcnow().date()
    extended = seed(app, due_on=today - timedelta(days=3), extended_due_on=today + timedelta(
        days=30))
    plain = seed(app, due_on=today + timedelta(days=4))
    auth.login(admin=True)
    page = client.get("/admin/rights").get_data(as_text=True)
    row = page[page.index(extended):].split("</tr>")[0]
    assert f"{(today + timedelta(days=30)).isoformat()} (extended)" in row
    assert page.index(plain) < page.index(extended)
    with app.app_context():
        for item in db.session.scalars(select(RightsRequest)):
            in_sql = db.session.scalar(
                select(RightsRequest.due_in_force).where(RightsRequest.id == item.id))
            assert in_sql == item.due_in_force == (item.extended_due_on or item.due_on)


def test_queue_filters_and_pages(app, client, auth):
    for n in range(55):
        seed(app, request_type="deletion" if n % 5 == 0 else "access",
             due_on=utcnow().date() + timedelta(days=n))
    seed(app, request_type="objection", status="rejected")
    auth.login(admin=True)
    first = client.get("/admin/rights").get_data(as_text=True)
    assert "55 requests" in first and "Page 1 of 2" in first and 'rel="next"' in first
    assert first.count("/admin/rights/RR-") == 50
    second = client.get("/admin/rights?page=2").get_data(as_text=True)
    assert second.count("/admin/rights/RR-") == 5
    deletions = client.get("/admin/rights?type=deletion").get_data(as_text=True)
    assert "11 requests" in deletions
    rejected = client.get("/admin/rights?type=objection&status=rejected").get_data(as_text=True)
    assert "1 request," in rejected
    for bad, message in (("type=nonsense", "Unknown"), ("status=lost", "Unknown"),
                         ("page=-1", "whole number"), ("page=abc", "whole number"),
                         ("page=99999999999", "whole number")):
        response = client.get(f"/admin/rights?{bad}")
        assert response.status_code == 400
        assert message in response.get_data(as_text=True), bad


def test_start_complete_correction_emails_owner_and_audits(rights, app, client, auth):
    reference = rights.submit_and_verify(request_type="correction")
    admin_id = auth.login(admin=True)
    assert client.post(f"/admin/rights/{reference}/start").status_code == 303
    assert stored(app, reference).status == "in_progress"
    response = client.post(f"/admin/rights/{reference}/complete", data={"outcome": ""})
    assert response.status_code == 400
    assert "Write the outcome" in response.get_data(as_text=True)
    client.post(f"/admin/rights/{reference}/complete",
                data={"outcome": "Your phone number is now corrected."})
    item = stored(app, reference)
    assert item.status == "completed" and item.closed_at is not None
    deliver(app)
    subjects = [m["Subject"] for m in rights.smtp.to("grace@example.com")]
    assert any("working on" in s for s in subjects)
    done = [m for m in rights.smtp.to("grace@example.com") if "completed" in m["Subject"]]
    assert "Your phone number is now corrected." in body_text(done[0])
    assert ("rights.start", reference) in audit_actions(app)
    assert ("rights.complete", reference) in audit_actions(app)
    with app.app_context():
        item = db.session.scalar(select(RightsRequest).where(RightsRequest.reference == reference))
        history = [(e.from_status, e.to_status, e.actor_id) for e in item.events]
    assert history == [("", "received", None), ("received", "verified", None),
                       ("verified", "in_progress", admin_id),
                       ("in_progress", "completed", admin_id)]
    page = rights.client.get(f"/rights/status/{reference}").get_data(as_text=True)
    assert "Your phone number is now corrected." in page
    assert "We started work on your request." in page
    # A closed request cannot change again.
    response = client.post(f"/admin/rights/{reference}/reject", data={"reason": "No."})
    assert response.status_code == 400 and stored(app, reference).status == "completed"


def test_reject_needs_a_reason_and_tells_of_the_right_to_complain(rights, app, client, auth):
    reference = rights.submit_and_verify(request_type="objection")
    auth.login(admin=True)
    response = client.post(f"/admin/rights/{reference}/reject", data={"reason": "  "})
    assert response.status_code == 400
    assert "needs a reason" in response.get_data(as_text=True)
    assert stored(app, reference).status == "verified"
    client.post(f"/admin/rights/{reference}/reject",
                data={"reason": "We have no data about this address.", "confirm": "yes"})
    assert stored(app, reference).status == "rejected"
    deliver(app)
    [message] = [m for m in rights.smtp.to("grace@example.com") if "rejected" in m["Subject"]]
    text = body_text(message)
    assert "We have no data about this address." in text
    assert "complain to a data-protection authority" in text
    page = rights.client.get(f"/rights/status/{reference}").get_data(as_text=True)
    assert "We have no data about this address." in page and "complain" in page
    assert ("rights.rejected", reference) in audit_actions(app)


def test_extend_once_by_up_to_two_months_with_a_reason(rights, app, client, auth):
    reference = rights.submit_and_verify(request_type="portability")
    auth.login(admin=True)
    assert client.post(f"/admin/rights/{reference}/extend",
                       data={"months": "2", "reason": ""}).status_code == 400
    assert client.post(f"/admin/rights/{reference}/extend",
                       data={"months": "3", "reason": "Complex"}).status_code == 400
    response = client.post(f"/admin/rights/{reference}/extend",
                           data={"months": "2", "reason": "Many systems to search."})
    assert response.status_code == 303
    item = stored(app, reference)
    assert item.extended_due_on == add_months(item.verified_at.date(), 3)
    assert item.status == "verified"
    deliver(app)
    [message] = [m for m in rights.smtp.to("grace@example.com") if "more time" in m["Subject"]]
    assert "Many systems to search." in body_text(message)
    assert item.extended_due_on.strftime("%-d %B %Y") in body_text(message)
    again = client.post(f"/admin/rights/{reference}/extend",
                        data={"months": "1", "reason": "Still more."})
    assert again.status_code == 400
    assert "already been extended" in again.get_data(as_text=True)
    assert ("rights.extend", reference) in audit_actions(app)


def test_no_extension_after_the_original_due_date(app, client, auth):
    reference = seed(app, verified_at=days_ago(40), due_on=utcnow().date() - timedelta(days=9))
    auth.login(admin=True)
    response = client.post(f"/admin/rights/{reference}/extend",
                           data={"months": "1", "reason": "Late"})
    assert response.status_code == 400
    assert "has passed" in response.get_data(as_text=True)
    assert stored(app, reference).extended_due_on is None


def test_deletion_is_completed_only_by_approval(rights, app, client, auth):
    access = rights.submit_and_verify(request_type="access")
    deletion = rights.submit_and_verify(request_type="deletion")
    auth.login(admin=True)
    assert client.post(f"/admin/rights/{deletion}/complete", data={"outcome": "x"}).status_code \
        == 400
    assert client.post(f"/admin/rights/{access}/approve_deletion").status_code == 400
    assert client.post(f"/admin/rights/{access}/nonsense").status_code == 404
    assert client.post("/admin/rights/RR-NOTTHERE/start").status_code == 404
    assert stored(app, deletion).status == "verified"


def test_detail_page_shows_history_and_actions(rights, app, client, auth):
    reference = rights.submit_and_verify(request_type="deletion")
    auth.login(admin=True)
    page = client.get(f"/admin/rights/{reference}").get_data(as_text=True)
    assert "grace@example.com" in page and "Approve deletion" in page
    assert "Extend" in page and "Reject" in page and "Confirmed by the emailed link." in page


def test_dashboard_tile_counts(app, client, auth):
    today = utcnow().date()
    seed(app, due_on=today - timedelta(days=1))
    seed(app, due_on=today + timedelta(days=3), status="in_progress")
    seed(app, status="received", due_on=None, verified_at=None)
    auth.login(admin=True)
    html = client.get("/admin/").get_data(as_text=True)
    assert "Verified: 1" in html and "In progress: 1" in html
    assert "Received (unconfirmed): 1" in html
    assert "1 overdue" in html and "1 due within 7 days" in html
