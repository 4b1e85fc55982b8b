"""Which deadlines have come (the events), who hears of each (the admins of the role concerned),
and sending each alert once through the outbox: a job of the runner checks every few minutes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from website.accounts.models import User
from website.accounts.roles import Role
from website.alerts.models import SentAlert
from website.extensions import db, utcnow
from website.i18n import localised_url
from website.incidents.models import Incident
from website.jobs import Job, register_job
from website.mail.models import OutboxEmail
from website.mail.service import queue_email
from website.rights.models import RightsRequest
from website.rights.terms import OPEN
from website.subprocessors.service import open_objections

log = logging.getLogger(__name__)

CHECK_SECONDS = 300  # the job's round: every five minutes
BREACH_UNDECIDED = timedelta(hours=48)  # of the 72 hours of Art. 33(1)
DUE_WARNINGS = (7, 1)  # days before a rights request's due date
OUTBOX_STALE = timedelta(hours=1)
OBJECTION_WARNING = timedelta(days=7)  # an unanswered objection this close to the start
FAILED_LOOKBACK = timedelta(days=7)  # failures older than this were seen before the alerts
# The outbox reference of alert emails: an alert that fails is not itself alerted on.
ALERT_REFERENCE = "alert"


@dataclass(frozen=True)
class Alert:
    """One event the team must hear of: its key (sent once), the role told, what and where."""

    key: str
    role: Role
    subject: str
    text: str
    url: str


def admin_url(endpoint: str, **values: str) -> str:
    """An absolute link into the admin area (English, no prefix)."""
    return localised_url(endpoint, "en", **values)


def breach_alerts() -> Iterator[Alert]:
    """Breaches whose clock passed 48 hours with no decision on telling the authority."""
    query = select(Incident).where(
        Incident.aware_at <= utcnow() - BREACH_UNDECIDED, Incident.authority_decision == "",
        Incident.authority_notified_at.is_(None))
    for incident in db.session.scalars(query):
        yield Alert(f"breach-48h:{incident.reference}", Role.ADMINISTRATOR,
                    f"Breach {incident.reference}: 48 hours without a decision",
                    "The 72-hour clock of Art. 33(1) has passed 48 hours and nobody has decided "
                    f"whether to notify the supervisory authority.\n\n{incident.summary}",
                    admin_url("admin.incident", reference=incident.reference))


def rights_alerts() -> Iterator[Alert]:
    """Open rights requests (clock running) 7 days and 1 day from due, and overdue ones."""
    today = utcnow().date()
    due = RightsRequest.due_in_force
    query = select(RightsRequest).where(
        RightsRequest.status.in_(OPEN), RightsRequest.paused_at.is_(None), due.is_not(None),
        due <= today + timedelta(days=max(DUE_WARNINGS)))
    for item in db.session.scalars(query):
        due_on = item.due_in_force
        assert due_on is not None
        left = (due_on - today).days
        url = admin_url("admin.rights_detail", reference=item.reference)
        if left < 0:
            yield Alert(f"rights-overdue:{item.reference}:{due_on}", Role.REQUEST_HANDLER,
                        f"Rights request {item.reference} is overdue",
                        f"It was due on {due_on}: answer it now, or extend it with reasons.", url)
            continue
        warning = min(days for days in DUE_WARNINGS if left <= days)
        yield Alert(f"rights-due-{warning}:{item.reference}:{due_on}", Role.REQUEST_HANDLER,
                    f"Rights request {item.reference} is due in {left} day{'s' * (left != 1)}",
                    f"It is due on {due_on}.", url)


def objection_alerts() -> Iterator[Alert]:
    """Objections still unanswered 7 days before their sub-processor starts (Art. 28(2))."""
    soon = utcnow() + OBJECTION_WARNING
    for objection in open_objections():
        starts = objection.system.starts_at
        if starts is not None and starts <= soon:
            yield Alert(f"objection:{objection.id}", Role.ADMINISTRATOR,
                        f"Objection to {objection.system.processor} unanswered",
                        f"{objection.system.processor} starts on {starts:%Y-%m-%d}; the "
                        "objection must be answered before then.", admin_url("admin.objections"))


def mail_alerts() -> Iterator[Alert]:
    """Emails that failed for good, and mail waiting in the outbox for over an hour."""
    now = utcnow()
    failed = select(OutboxEmail).where(
        OutboxEmail.failed_at >= now - FAILED_LOOKBACK, OutboxEmail.reference != ALERT_REFERENCE)
    dashboard = admin_url("admin.dashboard")
    for email in db.session.scalars(failed):
        about = f" (about {email.reference})" if email.reference else ""
        yield Alert(f"mail-failed:{email.id}", Role.ADMINISTRATOR,
                    f"An email failed for good{about}",
                    f"To {email.to_address}, \"{email.subject}\": {email.last_error}", dashboard)
    oldest = db.session.scalar(select(OutboxEmail).where(
        OutboxEmail.sent_at.is_(None), OutboxEmail.failed_at.is_(None),
        OutboxEmail.created_at <= now - OUTBOX_STALE).order_by(OutboxEmail.id).limit(1))
    if oldest is not None:
        yield Alert(f"outbox-stale:{oldest.id}", Role.ADMINISTRATOR,
                    "Mail has waited in the outbox for over an hour",
                    f"The oldest was queued at {oldest.created_at:%Y-%m-%d %H:%M} UTC "
                    f"(last error: {oldest.last_error or 'none'}). Check the mail server.",
                    dashboard)


def due_alerts() -> list[Alert]:
    """Every event now due, sent or not."""
    return [*breach_alerts(), *rights_alerts(), *objection_alerts(), *mail_alerts()]


def admins_holding(role: Role) -> list[User]:
    """The accounts holding `role`, with a confirmed address."""
    query = select(User).where(User.roles != "", User.email_confirmed_at.is_not(None))
    return [user for user in db.session.scalars(query) if user.has_role(role)]


def send_alert(alert: Alert) -> bool:
    """Queue the alert to the role's admins and record its key, in one transaction; False when
    it was sent before (by this worker or another)."""
    admins = admins_holding(alert.role)
    db.session.add(SentAlert(key=alert.key, recipients=len(admins)))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    for admin in admins:
        queue_email(admin.email, alert.subject, "alert", locale="en",
                    reference=ALERT_REFERENCE, alert=alert)
    db.session.commit()
    return True


def send_due_alerts() -> int:
    """Send every due alert not sent before; how many were sent."""
    alerts = due_alerts()
    if not alerts:
        return 0
    sent = set(db.session.scalars(select(SentAlert.key).where(
        SentAlert.key.in_([alert.key for alert in alerts]))))
    return sum(send_alert(alert) for alert in alerts if alert.key not in sent)


def alerts_round() -> bool:
    """One round of the job (more is never due at once: the next round comes with the timer)."""
    count = send_due_alerts()
    if count:
        log.info("Sent %d deadline alert(s) to the team.", count)
    return False


def register_alerts(app: Flask) -> None:
    """Check the deadlines on the job runner every CHECK_SECONDS."""
    register_job(app, Job("alerts", alerts_round, every=CHECK_SECONDS))
