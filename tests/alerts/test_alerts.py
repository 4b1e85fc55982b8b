"""Deadlines that reach people: the admins of the role concerned are emailed (through the
outbox, to the test SMTP server) when a clock runs out, once per event, with a link to act."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.alerts.conftest import ADMIN, EDITOR, HANDLER, run_and_deliver
from tests.fixtures.mail import body_text
from website.alerts.models import SentAlert
from website.extensions import db, utcnow
from website.incidents import service as incidents
from website.jobs import runner_of, wake
from website.mail.models import OutboxEmail
from website.rights.models import RightsRequest

pytestmark = pytest.mark.dialect  # dates and times stored and compared

def incident(app, hours_ago: float) -> str:
    with app.app_context():
        fields = incidents.IncidentFields(
            aware_at=utcnow() - timedelta(hours=hours_ago), summary="Readable API log.",
            categories="", people_count=None, records_count=None, consequences="",
            measures="", contact="")
        return incidents.create_incident(fields, incidents.Actor(None, "tests")).reference


def rights_request(app, reference: str, due_in_days: int) -> None:
    with app.app_context():
        today = utcnow().date()
        db.session.add(RightsRequest(
            reference=reference, request_type="access", name="Ada", email="ada@example.com",
            status="in_progress", verified_at=utcnow() - timedelta(days=20),
            due_on=today + timedelta(days=due_in_days)))
        db.session.commit()


def test_a_breach_undecided_for_48_hours_alerts_the_administrators_once(
        app, team, smtp) -> None:
    young = incident(app, hours_ago=47)
    old = incident(app, hours_ago=49)
    assert run_and_deliver(app) == 1
    (message,) = smtp.to(ADMIN)
    assert old in message["Subject"] and young not in message["Subject"]
    assert f"/admin/incidents/{old}" in body_text(message)
    assert smtp.to(HANDLER) == smtp.to(EDITOR) == smtp.to("unconfirmed@example.com") == []
    assert run_and_deliver(app) == 0
    assert len(smtp.messages) == 1


def test_a_decision_stops_the_breach_alert(app, team, smtp) -> None:
    reference = incident(app, hours_ago=50)
    with app.app_context():
        item = incidents.incident_by_reference(reference)
        item.authority_decision = "not_required"
        db.session.commit()
    assert run_and_deliver(app) == 0 and smtp.messages == []


def test_rights_requests_7_days_1_day_and_overdue_alert_the_handlers_once_each(
        app, team, smtp) -> None:
    rights_request(app, "RR-SEVEN", due_in_days=7)
    rights_request(app, "RR-ONE", due_in_days=1)
    rights_request(app, "RR-LATE", due_in_days=-1)
    rights_request(app, "RR-FAR", due_in_days=12)
    assert run_and_deliver(app) == 3
    subjects = sorted(m["Subject"] for m in smtp.to(HANDLER))
    assert subjects == ["Rights request RR-LATE is overdue",
                        "Rights request RR-ONE is due in 1 day",
                        "Rights request RR-SEVEN is due in 7 days"]
    assert any("/admin/rights/RR-LATE" in body_text(m) for m in smtp.to(HANDLER))
    assert smtp.to(ADMIN) == []
    assert run_and_deliver(app) == 0 and len(smtp.messages) == 3
    # Six days on, the 7-day request is one day from due: a second, different alert.
    with app.app_context():
        item = db.session.scalar(select(RightsRequest).where(RightsRequest.reference == "RR-SEVEN"))
        item.due_on = utcnow().date() + timedelta(days=1)
        db.session.commit()
    assert run_and_deliver(app) == 1
    assert "RR-SEVEN is due in 1 day" in smtp.messages[-1]["Subject"]


def test_an_email_failed_for_good_and_a_stale_outbox_alert_the_administrators(
        app, team, smtp) -> None:
    with app.app_context():
        db.session.add(OutboxEmail(to_address="gone@example.com", subject="Your export",
                                   body_text="x", failed_at=utcnow(), sent_at=None,
                                   last_error="550 no such user", reference="RR-XYZ"))
        db.session.add(OutboxEmail(to_address="later@example.com", subject="Welcome",
                                   body_text="x", created_at=utcnow() - timedelta(hours=2),
                                   next_attempt_at=utcnow() + timedelta(hours=1)))
        db.session.commit()
    assert run_and_deliver(app) == 2
    by_subject = {m["Subject"]: body_text(m) for m in smtp.to(ADMIN)}
    assert sorted(by_subject) == ["An email failed for good (about RR-XYZ)",
                                  "Mail has waited in the outbox for over an hour"]
    assert "550 no such user" in by_subject["An email failed for good (about RR-XYZ)"]
    assert run_and_deliver(app) == 0 and len(smtp.messages) == 2
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SentAlert)) == 2


def test_the_job_runner_sends_the_alerts_by_itself(app, team, smtp) -> None:
    reference = incident(app, hours_ago=60)
    app.config["JOBS_ENABLED"] = True
    client = app.test_client()
    client.get("/healthz")  # the first request starts this process's runner
    runner = runner_of(app)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not smtp.to(ADMIN):
        wake(app, "alerts")
        wake(app, "mail")
        time.sleep(0.5)
    runner.stop(10)
    (message,) = smtp.to(ADMIN)
    assert reference in message["Subject"]


def test_an_objection_unanswered_a_week_before_the_start_alerts_the_administrators(
        app, team, smtp) -> None:
    from website.subprocessors.models import Objection, Subscriber
    from website.systems.models import System

    with app.app_context():
        system = System(name="Helpdesk", data="Tickets", purpose="Support",
                        legal_basis="contract", retention="1 year", kind="manual",
                        instructions="x", processor="Helpdesk Ltd",
                        starts_at=utcnow() + timedelta(days=20))
        subscriber = Subscriber(email="sam@example.com", confirmed_at=utcnow())
        db.session.add_all([system, subscriber])
        db.session.flush()
        db.session.add(Objection(subscriber_id=subscriber.id, system_id=system.id, reason="No"))
        db.session.commit()
    assert run_and_deliver(app) == 0
    with app.app_context():
        db.session.scalar(select(System)).starts_at = utcnow() + timedelta(days=6)
        db.session.commit()
    assert run_and_deliver(app) == 1
    (message,) = smtp.to(ADMIN)
    assert "Helpdesk Ltd" in message["Subject"]
    assert "/admin/subprocessors/objections" in body_text(message)
    assert smtp.to("sam@example.com") == []
    assert run_and_deliver(app) == 0
