"""The breach register (GDPR Art. 33): the record, the 72-hour clock, decisions, the draft."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.incidents.helpers import RECORD, age, incident_row, record_incident, when
from website.audit import AuditEntry
from website.extensions import db


def audit_actions(app, target: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.target == target).order_by(AuditEntry.id)))


def test_only_admins_reach_the_register(client, auth):
    assert client.get("/admin/incidents").status_code == 302
    auth.login()
    assert client.get("/admin/incidents").status_code == 403
    assert client.post("/admin/incidents", data=RECORD).status_code == 403


def test_a_breach_is_recorded_with_every_field_and_a_reference_nobody_can_guess(app, client,
                                                                                 auth):
    auth.login(admin=True)
    first = record_incident(client, hours_ago=2)
    second = record_incident(client, hours_ago=1)
    assert re.fullmatch(r"BR-[2-9A-HJ-NP-Z]{8}", first)
    assert first != second
    incident = incident_row(app, first)
    assert incident.summary == RECORD["summary"]
    assert (incident.people_count, incident.records_count) == (1200, 4800)
    assert incident.contact == RECORD["contact"]
    page = client.get(f"/admin/incidents/{first}").get_data(as_text=True)
    assert RECORD["measures"] in page
    listing = client.get("/admin/incidents").get_data(as_text=True)
    assert first in listing and second in listing
    assert audit_actions(app, first) == ["incident.create"]


def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(app, client, auth):
    auth.login(admin=True)
    cases = [
        ({"aware_at": "yesterday"}, "Give the time as YYYY-MM-DD HH:MM"),
        ({"aware_at": "2026-02-30 10:00"}, "Give the time as YYYY-MM-DD HH:MM"),
        ({"aware_at": "2999-01-01 10:00"}, "cannot be in the future"),
        ({"people_count": "lots"}, "Give a whole number"),
        ({"records_count": "-5"}, "Give a whole number"),
        ({"summary": ""}, "Say what happened."),
        ({"summary": "bad \x00 byte"}, "control characters"),
    ]
    for change, message in cases:
        data = {**RECORD, "aware_at": when(1), **change}
        response = client.post("/admin/incidents", data=data)
        assert response.status_code == 400, change
        page = response.get_data(as_text=True)
        assert message in page, change
        assert RECORD["consequences"] in page
    with app.app_context():
        assert audit_actions(app, "") == []


def test_the_record_can_be_corrected_and_the_change_is_audited(app, client, auth):
    auth.login(admin=True)
    reference = record_incident(client)
    data = {**RECORD, "aware_at": when(3), "measures": "Keys rotated; customers told."}
    response = client.post(f"/admin/incidents/{reference}", data=data)
    assert response.status_code == 303
    assert incident_row(app, reference).measures == "Keys rotated; customers told."
    response = client.post(f"/admin/incidents/{reference}", data={**data, "people_count": "x"})
    assert response.status_code == 400
    assert "Give a whole number" in response.get_data(as_text=True)
    assert audit_actions(app, reference) == ["incident.create", "incident.update"]
    assert client.get("/admin/incidents/BR-NOSUCH22").status_code == 404


def test_the_72_hour_clock_shows_on_the_dashboard_and_is_marked_when_overdue(app, client, auth):
    auth.login(admin=True)
    fresh = record_incident(client, hours_ago=5)
    late = record_incident(client, hours_ago=73)
    page = client.get("/admin/").get_data(as_text=True)
    clocks = re.findall(r'<li class="card breach-clock">(.*?)</li>', page, flags=re.S)
    assert len(clocks) == 2
    [late_clock] = [c for c in clocks if late in c]
    [fresh_clock] = [c for c in clocks if fresh in c]
    assert "overdue" in late_clock
    assert "overdue" not in fresh_clock
    # The clock passes 72 hours: the same incident is now marked.
    age(app, fresh, 72.1)
    page = client.get("/admin/").get_data(as_text=True)
    assert page.count("badge--overdue\">overdue") == 2
    detail = client.get(f"/admin/incidents/{late}").get_data(as_text=True)
    assert "Overdue" in detail


def test_a_notification_after_72_hours_needs_the_reasons_for_the_delay(app, client, auth):
    auth.login(admin=True)
    reference = record_incident(client, hours_ago=80)
    response = client.post(f"/admin/incidents/{reference}/notified")
    assert response.status_code == 400
    assert "record the reasons for the delay first" in response.get_data(as_text=True)
    assert incident_row(app, reference).authority_notified_at is None
    draft = client.get(f"/admin/incidents/{reference}/authority.txt").get_data(as_text=True)
    assert "[REQUIRED: the reasons for notifying after 72 hours]" in draft
    client.post(f"/admin/incidents/{reference}/decisions", data={
        "authority": "notify", "authority_reason": "Email addresses exposed: a risk.",
        "people": "", "people_reason": "",
        "delay_reason": "The log's exposure was only understood after the forensic review."})
    assert client.post(f"/admin/incidents/{reference}/notified").status_code == 303
    assert incident_row(app, reference).authority_notified_at is not None
    response = client.get(f"/admin/incidents/{reference}/authority.txt")
    assert response.headers["Content-Disposition"].startswith("attachment")
    draft = response.get_data(as_text=True)
    assert "Reasons for the delay" in draft
    assert "only understood after the forensic review" in draft
    # The clock has stopped: the dashboard no longer counts it.
    assert reference not in client.get("/admin/").get_data(as_text=True)


def test_decisions_are_recorded_with_their_reasons(app, client, auth):
    auth.login(admin=True)
    reference = record_incident(client)
    url = f"/admin/incidents/{reference}/decisions"
    response = client.post(url, data={"authority": "not_required", "authority_reason": "",
                                      "people": "not_required", "people_reason": ""})
    assert response.status_code == 400
    assert response.get_data(as_text=True).count("Give the reason for this decision.") >= 2
    response = client.post(url, data={"authority": "maybe", "authority_reason": "x"})
    assert response.status_code == 400
    assert "Choose one of the options." in response.get_data(as_text=True)
    response = client.post(url, data={
        "authority": "not_required", "authority_reason": "Encrypted with a key never exposed.",
        "people": "not_required", "people_reason": "Art. 34(3)(a): the data was encrypted."})
    assert response.status_code == 303
    incident = incident_row(app, reference)
    assert incident.authority_decision == "not_required"
    assert incident.people_reason == "Art. 34(3)(a): the data was encrypted."
    assert incident.authority_decided_at is not None and incident.people_decided_at is not None
    assert audit_actions(app, reference)[-1] == "incident.decide"
    # No notification needed: the clock stops, even past 72 hours.
    age(app, reference, 100)
    assert reference not in client.get("/admin/").get_data(as_text=True)


def test_the_authority_notification_is_drafted_from_the_record(app, client, auth):
    auth.login(admin=True)
    reference = record_incident(client, hours_ago=10)
    page = client.get(f"/admin/incidents/{reference}").get_data(as_text=True)
    assert "NOTIFICATION OF A PERSONAL DATA BREACH" in page
    response = client.get(f"/admin/incidents/{reference}/authority.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    draft = response.get_data(as_text=True)
    for value in (reference, RECORD["summary"], RECORD["categories"], "1,200", "4,800",
                  RECORD["consequences"], RECORD["measures"], RECORD["contact"]):
        assert value in draft
    assert "Reasons for the delay" not in draft  # within 72 hours
    assert "incident.authority_draft" in audit_actions(app, reference)
