"""The breach register: record an incident, decide, draft the authority's notification (Art. 33).

Telling the people affected (Art. 34) lives in website/incidents/notices.py. Every change is
audited (website/audit.py) in the same transaction as the change itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from flask import render_template
from sqlalchemy import select

from website.audit import Actor, record_audit
from website.extensions import db, utcnow
from website.incidents.models import Incident
from website.references import new_reference

# Art. 33(1): notify the supervisory authority without undue delay and, where feasible, not
# later than 72 hours after having become aware of the breach.
CLOCK = timedelta(hours=72)
AUTHORITY_DECISIONS = {
    "notify": "Notify the supervisory authority",
    "not_required": "No notification: the breach is unlikely to result in a risk to people",
}
PEOPLE_DECISIONS = {
    "notify": "Tell the people affected, each by email",
    "public_notice": "Tell them by a public notice (individual notice is disproportionate)",
    "not_required": "No notice: no high risk, or Art. 34(3)(a) or (b) applies",
}


@dataclass(frozen=True)
class IncidentFields:
    """What the register holds about a breach (Art. 33(3) and 33(5))."""

    aware_at: datetime
    summary: str
    categories: str
    people_count: int | None
    records_count: int | None
    consequences: str
    measures: str
    contact: str


@dataclass(frozen=True)
class Decisions:
    """The two decisions and their reasons."""

    authority: str
    authority_reason: str
    people: str
    people_reason: str
    delay_reason: str


class LateWithoutReasonError(ValueError):
    """A notification after 72 hours must give the reasons for the delay (Art. 33(1))."""


def deadline(incident: Incident) -> datetime:
    """When the 72 hours from awareness end."""
    return incident.aware_at + CLOCK


def clock_running(incident: Incident) -> bool:
    """True until the authority is notified or a notification is decided unnecessary."""
    if incident.authority_decision == "not_required":
        return False
    return incident.authority_notified_at is None


def is_overdue(incident: Incident, now: datetime | None = None) -> bool:
    """The clock still runs and the 72 hours are over."""
    return clock_running(incident) and (now or utcnow()) > deadline(incident)


def is_late(incident: Incident, at: datetime | None = None) -> bool:
    """A notification made now (or at `at`) comes after the 72 hours."""
    return (at or utcnow()) > deadline(incident)


def hours_left(incident: Incident, now: datetime | None = None) -> float:
    """Hours until the deadline (negative once past it)."""
    return (deadline(incident) - (now or utcnow())).total_seconds() / 3600


def incident_by_reference(reference: str) -> Incident | None:
    """The incident with this reference, or None."""
    return db.session.scalar(select(Incident).where(Incident.reference == reference))


def list_incidents() -> list[Incident]:
    """Every incident, the most recent awareness first."""
    return list(db.session.scalars(select(Incident).order_by(Incident.aware_at.desc())))


def running_clocks() -> list[Incident]:
    """Incidents whose 72-hour clock still runs, the nearest deadline first (the dashboard)."""
    query = (
        select(Incident)
        .where(Incident.authority_notified_at.is_(None),
               Incident.authority_decision != "not_required")
        .order_by(Incident.aware_at)
    )
    return list(db.session.scalars(query))


def create_incident(fields: IncidentFields, actor: Actor) -> Incident:
    """Record a breach; committed and audited."""
    incident = Incident(reference=new_reference("BR"), **asdict(fields))
    db.session.add(incident)
    db.session.flush()
    record_audit("incident.create", target=incident.reference,
                 details={"aware_at": fields.aware_at.isoformat(timespec="minutes")},
                 actor_id=actor.id, actor=actor.email)
    db.session.commit()
    return incident


def update_incident(incident: Incident, fields: IncidentFields, actor: Actor) -> list[str]:
    """Save the record as typed; committed and audited with the names of the changed fields."""
    changed = [name for name, value in asdict(fields).items()
               if getattr(incident, name) != value]
    for name in changed:
        setattr(incident, name, getattr(fields, name))
    if changed:
        record_audit("incident.update", target=incident.reference, details={"changed": changed},
                     actor_id=actor.id, actor=actor.email)
    db.session.commit()
    return changed


def record_decisions(incident: Incident, decisions: Decisions, actor: Actor) -> None:
    """Record whether the authority and the people are told, and why; committed and audited."""
    now = utcnow()
    if (incident.authority_decision, incident.authority_reason) != (
            decisions.authority, decisions.authority_reason):
        incident.authority_decided_at = now
    if (incident.people_decision, incident.people_reason) != (
            decisions.people, decisions.people_reason):
        incident.people_decided_at = now
    incident.authority_decision = decisions.authority
    incident.authority_reason = decisions.authority_reason
    incident.people_decision = decisions.people
    incident.people_reason = decisions.people_reason
    incident.delay_reason = decisions.delay_reason
    record_audit("incident.decide", target=incident.reference, details=asdict(decisions),
                 actor_id=actor.id, actor=actor.email)
    db.session.commit()


def mark_authority_notified(incident: Incident, actor: Actor) -> None:
    """Record that the authority was notified now: the clock stops. Refused after 72 hours
    while the record gives no reasons for the delay."""
    now = utcnow()
    if is_late(incident, now) and not incident.delay_reason.strip():
        raise LateWithoutReasonError(incident.reference)
    incident.authority_notified_at = now
    incident.authority_decision = "notify"
    record_audit("incident.authority_notified", target=incident.reference,
                 details={"late": is_late(incident, now)}, actor_id=actor.id, actor=actor.email)
    db.session.commit()


def authority_notification(incident: Incident, company: str, now: datetime | None = None) -> str:
    """The notification to the supervisory authority, drafted from the record (plain text)."""
    now = now or utcnow()
    return render_template(
        "incidents/authority_notification.txt", incident=incident, company=company,
        deadline=deadline(incident), late=is_late(incident, incident.authority_notified_at or now),
        drafted_at=now,
    )


def record_download(incident: Incident, actor: Actor) -> None:
    """Audit a download of the drafted notification (what left the site, and when)."""
    record_audit("incident.authority_draft", target=incident.reference,
                 actor_id=actor.id, actor=actor.email)
    db.session.commit()
