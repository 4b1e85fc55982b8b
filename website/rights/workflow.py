"""The admin's actions on a rights request. Each one is one transaction: the change, its
history line, the owner's email and the audit entry are committed together."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from sqlalchemy import delete, select

from website import processing
from website.accounts.models import User
from website.audit import record_audit
from website.extensions import db, utcnow
from website.mail.models import OutboxEmail
from website.mail.service import Mailer, claim, deliver, deliver_one, queue_email
from website.rights.models import RightsRequest
from website.rights.personal_data import ErasureReport, erase_personal_data
from website.rights.service import (
    EXPORT_DAYS,
    MANUAL_TYPES,
    MAX_EXTENSION_MONTHS,
    OPEN,
    TYPES,
    RightsError,
    add_event,
    export_token,
    extended_due_date,
    notify,
    status_url,
    token_hash,
)

log = logging.getLogger(__name__)


def _audit(action: str, request: RightsRequest, actor: User, **details: object) -> None:
    # The target is the reference, never the owner's address or name (they may be erased later).
    record_audit(f"rights.{action}", request.reference, dict(details),
                 actor_id=actor.id, actor=actor.email)


def _require_open(request: RightsRequest) -> None:
    if request.status not in OPEN:
        raise RightsError("Only a verified or in-progress request can be changed.")


def _check_start(request: RightsRequest) -> None:
    if request.status != "verified":
        raise RightsError("Only a verified request can be started.")


def _check_complete(request: RightsRequest) -> None:
    _require_open(request)
    if request.request_type == "deletion":
        raise RightsError("A deletion request is completed by approving the deletion.")


def _check_extend(request: RightsRequest) -> None:
    _require_open(request)
    if request.extended_due_on is not None:
        raise RightsError("This request has already been extended once.")
    if request.due_on is None or utcnow().date() > request.due_on:
        raise RightsError("The original due date has passed: it can no longer be extended.")


def _check_approve_deletion(request: RightsRequest) -> None:
    _require_open(request)
    if request.request_type != "deletion":
        raise RightsError("Only a deletion request can be approved for deletion.")


# Whether each action is possible on a request in its current state (raises RightsError if not).
PRECONDITIONS = {
    "start": _check_start,
    "complete": _check_complete,
    "approve_deletion": _check_approve_deletion,
    "reject": _require_open,
    "extend": _check_extend,
}


def available_actions(request: RightsRequest) -> list[str]:
    """The actions an admin can take on the request now, in the order the page shows them."""
    possible = []
    for action, check in PRECONDITIONS.items():
        try:
            check(request)
        except RightsError:
            continue
        possible.append(action)
    return possible


def start(request: RightsRequest, actor: User) -> None:
    """Verified -> in progress."""
    _check_start(request)
    add_event(request, "in_progress", "Work on the request has started.", actor.id)
    notify(request, "We are working on your data-rights request", "rights_update")
    _audit("start", request, actor, from_status="verified", to_status="in_progress")
    db.session.commit()


def complete(request: RightsRequest, actor: User, outcome: str) -> None:
    """Close with an outcome; access and portability open the export download for 7 days."""
    _check_complete(request)
    outcome = outcome.strip()
    if request.request_type in MANUAL_TYPES and not outcome:
        raise RightsError("Write the outcome: it is sent to the owner.")
    if request.request_type in ("access", "portability"):
        request.export_expires_at = utcnow() + timedelta(days=EXPORT_DAYS)
        request.export_token_hash = token_hash(export_token(request))
        outcome = outcome or (
            f"Your data export is ready. Download it from the status page within {EXPORT_DAYS} "
            "days."
        )
    _close(request, actor, "completed", outcome)
    notify(request, "Your data-rights request is completed", "rights_update", outcome=outcome)
    db.session.commit()


def reject(request: RightsRequest, actor: User, reason: str) -> None:
    """Close as rejected; the owner gets the reason and their right to complain."""
    _require_open(request)
    reason = reason.strip()
    if not reason:
        raise RightsError("A rejection needs a reason: it is sent to the owner.")
    _close(request, actor, "rejected", reason)
    notify(request, "Your data-rights request was rejected", "rights_rejected", reason=reason)
    db.session.commit()


def extend(request: RightsRequest, actor: User, months: int, reason: str) -> None:
    """Extend the deadline once, by one or two months, before the original due date."""
    _check_extend(request)
    reason = reason.strip()
    if months not in range(1, MAX_EXTENSION_MONTHS + 1):
        raise RightsError("An extension is one or two months.")
    if not reason:
        raise RightsError("An extension needs a reason: it is sent to the owner.")
    old_due = request.due_on
    assert old_due is not None  # _check_extend refused a request without a due date
    new_due = request.extended_due_on = extended_due_date(request, months)
    request.extension_reason = reason
    add_event(request, request.status,
              f"Due date extended from {old_due.isoformat()} to "
              f"{new_due.isoformat()}: {reason}", actor.id)
    notify(request, "Your data-rights request needs more time", "rights_extended",
           reason=reason, old_due=old_due)
    _audit("extend", request, actor, months=months, due_on=new_due.isoformat())
    db.session.commit()


def approve_deletion(request: RightsRequest, actor: User) -> tuple[ErasureReport, int]:
    """Erase the owner's data and complete the request, in one transaction.

    Returns the report and the id of the final email, which is sent and then forgotten."""
    _check_approve_deletion(request)
    address = request.email
    outcome = (
        "Your account and personal data have been erased. We kept only this request's "
        "reference, type, status and dates, as proof that we answered it, for 24 months."
    )
    request.approved_at = utcnow()
    report = erase_personal_data(address, actor.id, current_request=request)
    _close(request, actor, "completed", outcome)
    _audit("approve_deletion", request, actor, account_deleted=report.account_deleted,
           support_requests=report.support_requests, rights_requests=report.rights_requests)
    email = _final_email(request, address, outcome, "Completed")
    db.session.commit()
    return report, email.id


def _final_email(request: RightsRequest, address: str, outcome: str, label: str) -> OutboxEmail:
    return queue_email(
        address, f"Your data has been erased [{request.reference}]", "rights_update",
        request=request, type_label=TYPES[request.request_type][0], status_label=label,
        due=request.due_in_force, status_url=status_url(request), outcome=outcome,
    )


def send_and_forget(email_id: int) -> bool:
    """Deliver one email now and delete it, so no copy of the erased address is kept.

    When delivery fails it stays queued; the outbox retries and the retention purge removes it."""
    if not claim(email_id):
        return False
    email = db.session.get(OutboxEmail, email_id)
    assert email is not None  # claimed just now, so it exists
    try:
        deliver(email)
    except (OSError, smtplib.SMTPException):
        log.warning("erasure confirmation not delivered yet; left in the outbox")
        email.claimed_until = None
        db.session.commit()
        return False
    db.session.execute(delete(OutboxEmail).where(OutboxEmail.id == email_id))
    db.session.commit()
    return True


def lift_restriction(request: RightsRequest, actor: User, reason: str) -> None:
    """Tell the owner the restriction ends, and only once the email is delivered, lift it."""
    reason = reason.strip()
    if not reason:
        raise RightsError("Lifting a restriction needs a reason: it is sent to the owner.")
    if "restriction" not in (limit.kind for limit in processing.limits_in_force(request.email)):
        raise RightsError("No restriction is in force for this address.")
    notice = _lifting_notice(request, reason)
    db.session.commit()
    delivered = False
    if claim(notice.id):
        with Mailer() as mailer:
            email = db.session.get(OutboxEmail, notice.id)
            delivered = email is not None and deliver_one(mailer, email)
    if not delivered:
        raise RightsError("The owner could not be told yet, so the restriction stays. The notice "
                          "stays in the outbox; try again once it has gone.")
    processing.lift_restriction(request.email)
    add_event(request, request.status, f"Restriction lifted after telling the owner: {reason}",
              actor.id)
    _audit("lift_restriction", request, actor)
    db.session.commit()


def _lifting_notice(request: RightsRequest, reason: str) -> OutboxEmail:
    # Art. 18(3): the person who obtained the restriction is told before it is lifted.
    subject = f"The restriction of your data ends [{request.reference}]"
    waiting = db.session.scalar(select(OutboxEmail).where(
        OutboxEmail.reference == request.reference, OutboxEmail.subject == subject,
        OutboxEmail.sent_at.is_(None), OutboxEmail.failed_at.is_(None)))
    if waiting is not None:
        # A notice from an earlier try is still queued: it goes now, not a second one later.
        db.session.delete(waiting)
    return queue_email(request.email, subject, "rights_lifting", reference=request.reference,
                       request=request, reason=reason, status_url=status_url(request))


def _close(request: RightsRequest, actor: User, status: str, text: str) -> None:
    from_status = request.status
    request.outcome = text
    request.closed_at = utcnow()
    add_event(request, status, text, actor.id)
    _audit(status if status == "rejected" else "complete", request, actor,
           from_status=from_status, to_status=status)
