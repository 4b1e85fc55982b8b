"""The admin's actions on a rights request. Each one is one transaction: the change, its
history line, the owner's email and the audit entry are committed together."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from sqlalchemy import delete, select

from website import processing
from website.accounts.models import User
from website.accounts.service import check_password, owned_email
from website.audit import record_audit
from website.extensions import db, utcnow
from website.i18n import gettext as _
from website.i18n import language
from website.i18n import lazy_gettext as _l
from website.mail.models import OutboxEmail
from website.mail.service import Mailer, claim, deliver, deliver_one, queue_email
from website.rights import clock, tasks
from website.rights.links import export_token, status_url, token_hash
from website.rights.models import RightsRequest
from website.rights.personal_data import ErasureReport, erase_personal_data
from website.rights.service import add_event, extended_due_date, notify
from website.rights.terms import (
    EXPORT_DAYS,
    MAX_EXTENSION_MONTHS,
    OPEN,
    OUTCOME_REQUIRED,
    STATUSES,
    TYPES,
    WORK_STARTED,
    RightsError,
)

log = logging.getLogger(__name__)


def _audit(action: str, item: RightsRequest, actor: User, **details: object) -> None:
    # The target is the reference, never the owner's address or name (they may be erased later).
    record_audit(f"rights.{action}", item.reference, dict(details),
                 actor_id=actor.id, actor=actor.email)


def _require_open(item: RightsRequest) -> None:
    if item.status not in OPEN:
        raise RightsError("Only a verified or in-progress request can be changed.")


def _check_start(item: RightsRequest) -> None:
    if item.status != "verified":
        raise RightsError("Only a verified request can be started.")


def _check_complete(item: RightsRequest) -> None:
    _require_open(item)
    if item.request_type == "deletion":
        raise RightsError("A deletion request is completed by approving the deletion.")
    tasks.require_settled(item)


def _check_extend(item: RightsRequest) -> None:
    _require_open(item)
    if item.extended_due_on is not None:
        raise RightsError("This request has already been extended once.")
    if item.due_on is None or utcnow().date() > item.due_on:
        raise RightsError("The original due date has passed: it can no longer be extended.")


def _check_approve_deletion(item: RightsRequest) -> None:
    _require_open(item)
    if item.request_type != "deletion":
        raise RightsError("Only a deletion request can be approved for deletion.")
    tasks.require_settled(item)


# Whether each action is possible on a request in its current state (raises RightsError if not).
PRECONDITIONS = {
    "start": _check_start,
    "complete": _check_complete,
    "approve_deletion": _check_approve_deletion,
    "reject": _require_open,
    "extend": _check_extend,
    "pause": clock.check_pause,
    "resume": clock.check_resume,
}


def available_actions(item: RightsRequest) -> list[str]:
    """The actions an admin can take on the request now, in the order the page shows them."""
    possible = []
    for action, check in PRECONDITIONS.items():
        try:
            check(item)
        except RightsError:
            continue
        possible.append(action)
    return possible


def start(item: RightsRequest, actor: User) -> None:
    """Verified -> in progress."""
    _check_start(item)
    add_event(item, "in_progress", WORK_STARTED, actor.id)
    notify(item, _l("We are working on your data-rights request"), "rights_update")
    _audit("start", item, actor, from_status="verified", to_status="in_progress")
    db.session.commit()


def complete(item: RightsRequest, actor: User, outcome: str) -> None:
    """Close with an outcome; access and portability open the export download for 7 days."""
    _check_complete(item)
    outcome = outcome.strip()
    if item.request_type in OUTCOME_REQUIRED and not outcome:
        raise RightsError("Write the outcome: it is sent to the owner.")
    if item.request_type in ("access", "portability"):
        item.export_expires_at = utcnow() + timedelta(days=EXPORT_DAYS)
        item.export_token_hash = token_hash(export_token(item))
        with language(item.locale):  # the site's words, sent to the owner: their language
            ready = _("Your data export is ready. Download it from the status page within "
                      "%(days)s days.", days=EXPORT_DAYS)
        # The admin's words first (what was found), then the site's own line about the export.
        outcome = f"{outcome}\n\n{ready}" if outcome else ready
    _close(item, actor, "completed", outcome)
    notify(item, _l("Your data-rights request is completed"), "rights_update", outcome=outcome)
    db.session.commit()


def reject(item: RightsRequest, actor: User, reason: str) -> None:
    """Close as rejected; the owner gets the reason and their right to complain."""
    _require_open(item)
    reason = reason.strip()
    if not reason:
        raise RightsError("A rejection needs a reason: it is sent to the owner.")
    tasks.waive_open(item, actor, f"The request was rejected: {reason}")
    _close(item, actor, "rejected", reason)
    notify(item, _l("Your data-rights request was rejected"), "rights_rejected", reason=reason)
    db.session.commit()


def extend(item: RightsRequest, actor: User, months: int, reason: str) -> None:
    """Extend the deadline once, by one or two months, before the original due date."""
    _check_extend(item)
    reason = reason.strip()
    if months not in range(1, MAX_EXTENSION_MONTHS + 1):
        raise RightsError("An extension is one or two months.")
    if not reason:
        raise RightsError("An extension needs a reason: it is sent to the owner.")
    old_due = item.due_on
    assert old_due is not None  # _check_extend refused a request without a due date
    new_due = item.extended_due_on = extended_due_date(item, months)
    item.extension_reason = reason
    add_event(item, item.status,
              f"Due date extended from {old_due.isoformat()} to "
              f"{new_due.isoformat()}: {reason}", actor.id)
    notify(item, _l("Your data-rights request needs more time"), "rights_extended",
           reason=reason, old_due=old_due)
    _audit("extend", item, actor, months=months, due_on=new_due.isoformat())
    db.session.commit()


def approve_deletion(item: RightsRequest, actor: User) -> ErasureReport:
    """Erase the owner's data and complete the request in one transaction, then send the final
    email at once and delete it (see send_and_forget): the erased address is not kept."""
    _check_approve_deletion(item)
    address = item.email
    with language(item.locale):  # the site's words, sent to the owner: their language
        outcome = _(
            "Your account and personal data have been erased. We kept only this request's "
            "reference, type, status and dates, as proof that we answered it, for 24 months.")
    item.approved_at = utcnow()
    report = erase_personal_data(address, actor.id, current_request=item)
    _close(item, actor, "completed", outcome)
    _audit("approve_deletion", item, actor, account_deleted=report.account_deleted,
           support_requests=report.support_requests, rights_requests=report.rights_requests)
    email = _final_email(item, address, outcome)
    db.session.commit()
    send_and_forget(email.id)
    return report


def delete_account(user: User, password: str) -> ErasureReport | None:
    """The owner's own deletion: None (nothing deleted) unless the password is the account's;
    else erase the account and what is held under its confirmed address, audited, committed."""
    if not check_password(password, user.password_hash):
        return None
    user_id = user.id
    # Only an address the account has confirmed erases what others hold under it.
    report = erase_personal_data(owned_email(user), user=user)
    record_audit("account.deleted", f"user:{user_id}", {"by": "owner"})
    db.session.commit()
    return report


def _final_email(item: RightsRequest, address: str, outcome: str) -> OutboxEmail:
    return queue_email(
        address, _l("Your data has been erased [%(reference)s]", reference=item.reference),
        "rights_update", item.locale,
        rights_request=item, type_label=TYPES[item.request_type][0],
        status_label=STATUSES["completed"],
        due=item.due_in_force, status_url=status_url(item), outcome=outcome,
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


def lift_restriction(item: RightsRequest, actor: User, reason: str) -> None:
    """Tell the owner the restriction ends, and only once the email is delivered, lift it."""
    reason = reason.strip()
    if not reason:
        raise RightsError("Lifting a restriction needs a reason: it is sent to the owner.")
    if "restriction" not in (limit.kind for limit in processing.limits_in_force(item.email)):
        raise RightsError("No restriction is in force for this address.")
    notice = _lifting_notice(item, reason)
    db.session.commit()
    delivered = False
    if claim(notice.id):
        with Mailer() as mailer:
            email = db.session.get(OutboxEmail, notice.id)
            delivered = email is not None and deliver_one(mailer, email)
    if not delivered:
        raise RightsError("The owner could not be told yet, so the restriction stays. The notice "
                          "stays in the outbox; try again once it has gone.")
    processing.lift_restriction(item.email)
    add_event(item, item.status, f"Restriction lifted after telling the owner: {reason}",
              actor.id)
    _audit("lift_restriction", item, actor)
    db.session.commit()


def _lifting_notice(item: RightsRequest, reason: str) -> OutboxEmail:
    # Art. 18(3): the person who obtained the restriction is told before it is lifted.
    with language(item.locale):  # as queued: a waiting notice is found by its subject
        subject = _("The restriction of your data ends [%(reference)s]", reference=item.reference)
    waiting = db.session.scalar(select(OutboxEmail).where(
        OutboxEmail.reference == item.reference, OutboxEmail.subject == subject,
        OutboxEmail.sent_at.is_(None), OutboxEmail.failed_at.is_(None)))
    if waiting is not None:
        # A notice from an earlier try is still queued: it goes now, not a second one later.
        db.session.delete(waiting)
    return queue_email(item.email, subject, "rights_lifting", item.locale, reference=item.reference,
                       rights_request=item, reason=reason, status_url=status_url(item))


def _close(item: RightsRequest, actor: User, status: str, text: str) -> None:
    from_status = item.status
    item.outcome = text
    item.closed_at = utcnow()
    add_event(item, status, text, actor.id)
    _audit(status if status == "rejected" else "complete", item, actor,
           from_status=from_status, to_status=status)
