"""Requests received by email, phone or post, entered by an admin at /admin/rights/new."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.rights.conftest import deliver, link_in, stored
from website.audit import AuditEntry
from website.extensions import db, utcnow
from website.rights.dates import one_calendar_month_after

ENTRY = {"request_type": "access", "name": "Grace Hopper", "email": "grace@example.com",
         "details": "Phoned in: wants a copy of everything.", "channel": "phone"}


def confirm(client, path: str) -> None:
    """Follow an emailed confirmation link (a page with a button, or the link itself)."""
    page = client.get(path)  # a GET changes nothing: it shows the button
    assert page.status_code == 200 and 'method="post"' in page.get_data(as_text=True)
    response = client.post(path)
    assert response.status_code == 303, response.status_code


def test_identity_clear_on_receipt_the_month_runs_from_received_on(rights, app, client, auth):
    received = utcnow().date() - timedelta(days=10)
    auth.login(admin=True)
    response = client.post("/admin/rights/new", data={
        **ENTRY, "received_on": received.isoformat(), "identity_checked": "y"})
    assert response.status_code == 303
    item = stored(app)
    assert response.headers["Location"].endswith(f"/admin/rights/{item.reference}")
    assert item.status == "verified" and item.channel == "phone"
    assert item.received_on == received and item.due_on == one_calendar_month_after(received)
    page = client.get(f"/admin/rights/{item.reference}").get_data(as_text=True)
    assert f"{received.isoformat()} by phone" in page and item.due_on.isoformat() in page
    deliver(app)
    [message] = rights.smtp.to("grace@example.com")
    assert "confirmed" in message["Subject"]
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "rights.enter"))
        assert entry.actor == "admin@example.com" and entry.target == item.reference
        assert entry.details["channel"] == "phone" and entry.details["identity_checked"] is True


def test_identity_not_checked_the_month_runs_from_confirmation(rights, app, client, auth):
    received = utcnow().date() - timedelta(days=20)
    auth.login(admin=True)
    response = client.post("/admin/rights/new", data={
        **ENTRY, "channel": "post", "received_on": received.isoformat()})
    assert response.status_code == 303
    item = stored(app)
    assert item.status == "received" and item.due_on is None and item.verified_at is None
    deliver(app)
    [message] = rights.smtp.to("grace@example.com")
    confirm(app.test_client(), link_in(message, "/rights/verify/"))
    item = stored(app, item.reference)
    assert item.status == "verified"
    assert item.due_on == one_calendar_month_after(utcnow().date())
    assert item.channel == "post" and item.received_on == received


def test_bad_entries_are_refused_with_the_typed_values_kept(app, client, auth):
    auth.login(admin=True)
    tomorrow = (utcnow().date() + timedelta(days=1)).isoformat()
    cases = [
        ({"received_on": tomorrow}, "cannot be in the future"),
        ({"received_on": "31/12/2026"}, "YYYY-MM-DD"),
        ({"received_on": "2026-02-30"}, "YYYY-MM-DD"),
        ({"received_on": "2020-01-01"}, "more than a year ago"),
        ({"received_on": ""}, "Give the date"),
        ({"channel": "pigeon", "received_on": utcnow().date().isoformat()}, "Not a valid choice"),
        ({"request_type": "everything", "received_on": utcnow().date().isoformat()},
         "Not a valid choice"),
        ({"email": "not an address", "received_on": utcnow().date().isoformat()},
         "Enter an email address"),
    ]
    for change, message in cases:
        response = client.post("/admin/rights/new", data={**ENTRY, **change})
        assert response.status_code == 400, change
        page = response.get_data(as_text=True)
        assert message in page and "Phoned in: wants a copy of everything." in page, change
    assert stored(app) is None


def test_the_queue_links_to_the_intake_form(app, client, auth):
    auth.login(admin=True)
    assert 'href="/admin/rights/new"' in client.get("/admin/rights").get_data(as_text=True)
    page = client.get("/admin/rights/new").get_data(as_text=True)
    assert 'name="received_on"' in page and 'name="identity_checked"' in page
