"""The clock, honestly kept: an admin asks the requester a question and the due date stops
until the answer; then it moves by the days paused (RightsRequest.due_date, one rule). The
pause is emailed, audited, in the history and on /rights/status/<reference>; a paused request
is not overdue."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.fixtures.mail import body_text
from tests.rights.conftest import deliver, link_in, stored
from website.audit import AuditEntry
from website.extensions import db, utcnow
from website.rights.dates import add_months


def test_a_pause_moves_the_due_date_by_the_days_paused(app, client, auth, rights, smtp):
    reference = rights.submit_and_verify()
    auth.login(admin=True)
    due = stored(app, reference).due_on
    asked = client.post(f"/admin/rights/{reference}/pause",
                        data={"question": "Please send the invoice number on your account."})
    assert asked.status_code == 303
    deliver(app)
    message = [m for m in smtp.to("grace@example.com") if "question" in m["Subject"]][-1]
    assert "Please send the invoice number" in body_text(message)
    assert "paused" in body_text(message)
    # The requester sees the pause on their status page.
    owner = app.test_client()
    owner.get(link_in(message, f"/rights/status/{reference}"))
    status = owner.get(f"/rights/status/{reference}").get_data(as_text=True)
    assert "Paused since" in status and "Please send the invoice number" in status
    # Ten days later the answer comes.
    rights.age(reference, paused_at=utcnow() - timedelta(days=10))
    assert client.post(f"/admin/rights/{reference}/resume",
                       data={"note": "Invoice INV-7 received."}).status_code == 303
    item = stored(app, reference)
    assert item.paused_at is None and item.paused_days == 10
    assert item.due_on == due + timedelta(days=10) == item.due_date()
    status = owner.get(f"/rights/status/{reference}").get_data(as_text=True)
    assert "Paused since" not in status
    assert "Due date moved by 10 day(s)" in status  # the history line
    deliver(app)
    assert any("going ahead" in m["Subject"] for m in smtp.to("grace@example.com"))
    with app.app_context():
        actions = [e.action for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.target == reference))]
    assert "rights.pause" in actions and "rights.resume" in actions


def test_an_extension_after_a_pause_keeps_the_days_paused(app, client, auth, rights, smtp):
    reference = rights.submit_and_verify()
    auth.login(admin=True)
    client.post(f"/admin/rights/{reference}/pause", data={"question": "Which account?"})
    rights.age(reference, paused_at=utcnow() - timedelta(days=4))
    client.post(f"/admin/rights/{reference}/resume", data={"note": ""})
    client.post(f"/admin/rights/{reference}/extend", data={"months": "1", "reason": "Complex."})
    item = stored(app, reference)
    assert item.extended_due_on == add_months(item.verified_at.date(), 2) + timedelta(days=4)


def test_a_paused_request_is_not_overdue_and_cannot_be_paused_twice(
        app, client, auth, rights, smtp):
    reference = rights.submit_and_verify()
    auth.login(admin=True)
    rights.age(reference, due_on=date(2020, 1, 1))
    assert reference in client.get("/admin/rights?due=overdue").get_data(as_text=True)
    client.post(f"/admin/rights/{reference}/pause", data={"question": "Which account?"})
    assert reference not in client.get("/admin/rights?due=overdue").get_data(as_text=True)
    again = client.post(f"/admin/rights/{reference}/pause", data={"question": "And?"})
    assert again.status_code == 400 and "already paused" in again.get_data(as_text=True)
    empty = client.post(f"/admin/rights/{reference}/resume", data={"note": ""})
    assert empty.status_code == 303
    bad = client.post(f"/admin/rights/{reference}/resume", data={"note": ""})
    assert bad.status_code == 400 and "no question waiting" in bad.get_data(as_text=True)
    blank = client.post(f"/admin/rights/{reference}/pause", data={"question": "  "})
    assert blank.status_code == 400 and "Write the question" in blank.get_data(as_text=True)
