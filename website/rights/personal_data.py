"""Everything held about one email address: the export (Art. 15/20) and the erasure (Art. 17).

The export is one JSON document. Its keys:

- ``format``: "privacy-centre-export/1", so a reader can tell the layout.
- ``generated_at``: when the export was made (UTC, ISO 8601).
- ``email``: the address the export is about.
- ``account``: the registered account (name, organisation, email, email_confirmed_at,
  pending_email, phone, address, created_at,
  last_login_at, is_admin, roles, second_factor), or null when there is none.
- ``password_reset_requests``: password-reset links asked for (created_at, expires_at, used_at;
  never the token).
- ``support_requests``: every support request sent from that address or account, with its
  replies (reference, created_at, status, category, name, organisation, email, phone, subject,
  message, closed_at, replies: [{created_at, body}]).
- ``rights_requests``: every data-rights request, with its history.
- ``consent_records``: cookie-consent decisions made while logged in to the account.
- ``emails``: messages we sent or will send to that address (created_at, sent_at, subject).
- ``restrictions_and_objections``: each restriction or objection (kind, request, since, lifted_at).
- ``processing``: for each key above, and each system outside this site, the data, purposes,
  legal basis, recipients and retention period (Art. 15(1)), from the processing register.
- ``source``, ``your_rights``: where the data came from, and what the owner may do about it.
- ``keys``: this description, in short.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from website.accounts.models import EmailConfirmation, PasswordResetToken, User
from website.accounts.service import find_user_by_email
from website.audit import AuditEntry, pseudonymise_actor
from website.consent.service import consent_records_for_user, unlink_user
from website.extensions import db, rowcount, utcnow
from website.i18n import language
from website.i18n import lazy_gettext as _l
from website.mail.models import OutboxEmail
from website.mail.service import erase_mail_to
from website.processing import erase_limits, limits_as_export
from website.records.service import export_processing
from website.rights.models import RightsRequest, RightsRequestEvent
from website.rights.terms import CLOSED_ERASED, PERSONAL_DATA_ERASED, SYSTEM_NOTES
from website.subprocessors.service import erase_subscription
from website.support.service import anonymise_requests, as_export, requests_for_email
from website.systems.models import OPEN_TASK_STATES, RequestTask, TaskUpload

ERASED = "[erased]"
FINGERPRINT_PREFIX = "hmac-sha256:"
FORMAT = "privacy-centre-export/1"
KEYS = {
    "account": _l("Your registered account, or null when you have none."),
    "password_reset_requests": _l("Password-reset links you asked for (never the secret token)."),
    "support_requests": _l("Every support request sent from your address or account, with "
                           "replies."),
    "rights_requests": _l("Every data-rights request you made, with its history."),
    "consent_records": _l("Cookie choices you made while logged in (proof of consent)."),
    "emails": _l("Emails we sent or are about to send to your address."),
    "restrictions_and_objections": _l("Restrictions (Art. 18) and objections (Art. 21) you "
                                      "made."),
    "processing": _l("Why we hold each kind of data, who receives it, and how long we keep it."),
}
SOURCE = _l("You gave us this data: by registering, writing to us, or using the site.")
YOUR_RIGHTS = _l("You may ask for access, correction, deletion, portability, restriction or "
                 "objection at /rights, and complain to a data-protection authority (such as the "
                 "ICO).")


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value else None




def _rights_requests(email: str | None, user_id: int | None) -> list[RightsRequest]:
    conditions = []
    if email is not None:
        conditions.append(func.lower(RightsRequest.email) == email.lower())
    if user_id is not None:
        conditions.append(RightsRequest.user_id == user_id)
    if not conditions:
        return []
    query = select(RightsRequest).where(or_(*conditions)).order_by(RightsRequest.id)
    return list(db.session.scalars(query))


def _account(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {
        "name": user.name, "organisation": user.organisation, "email": user.email,
        "email_confirmed_at": _when(user.email_confirmed_at),
        "pending_email": user.pending_email,
        "phone": user.phone, "address": user.address, "is_admin": user.is_admin,
        "roles": sorted(user.role_set), "second_factor": user.has_second_factor,
        "created_at": _when(user.created_at), "last_login_at": _when(user.last_login_at),
    }



def _rights(item: RightsRequest) -> dict[str, Any]:
    return {
        "reference": item.reference, "request_type": item.request_type, "status": item.status,
        "name": item.name, "email": item.email, "details": item.details,
        "created_at": _when(item.created_at), "verified_at": _when(item.verified_at),
        "due_on": _when(item.due_on), "extended_due_on": _when(item.extended_due_on),
        "extension_reason": item.extension_reason, "outcome": item.outcome,
        "closed_at": _when(item.closed_at),
        "history": [
            {"at": _when(e.created_at), "from_status": e.from_status,
             "to_status": e.to_status, "note": e.note}
            for e in item.events
        ],
    }


def export_personal_data(
    email: str | None, user: User | None = None, locale: str | None = None
) -> dict[str, Any]:
    """Everything held about this email address, as one documented JSON-ready dict, its texts
    in `locale` (the request's language; None: the page's).

    With `email` None (an account whose address is not confirmed), only what `user`'s account
    itself created: nothing held under an address it has not proved it owns."""
    with language(locale):
        return _export(email, user)


def _export(email: str | None, user: User | None) -> dict[str, Any]:
    if user is None and email is not None:
        user = find_user_by_email(email)
    user_id = user.id if user else None
    resets = []
    if user is not None:
        resets = list(db.session.scalars(
            select(PasswordResetToken).where(PasswordResetToken.user_id == user.id)
            .order_by(PasswordResetToken.id)))
    emails: Iterable[OutboxEmail] = [] if email is None else db.session.scalars(
        select(OutboxEmail).where(func.lower(OutboxEmail.to_address) == email.lower())
        .order_by(OutboxEmail.id))
    return {
        "format": FORMAT,
        "generated_at": _when(utcnow()),
        "email": email if email is not None else (user.email if user else None),
        "account": _account(user),
        "password_reset_requests": [
            {"created_at": _when(t.created_at), "expires_at": _when(t.expires_at),
             "used_at": _when(t.used_at)} for t in resets],
        "support_requests": [as_export(s) for s in requests_for_email(email, user_id)],
        "rights_requests": [_rights(r) for r in _rights_requests(email, user_id)],
        "consent_records": consent_records_for_user(user.id) if user else [],
        "emails": [
            {"created_at": _when(m.created_at), "sent_at": _when(m.sent_at),
             "subject": m.subject} for m in emails],
        "restrictions_and_objections": limits_as_export(email),
        "processing": export_processing(),
        "source": str(SOURCE),
        "your_rights": str(YOUR_RIGHTS),
        "keys": {key: str(text) for key, text in KEYS.items()},
    }


def erasure_key() -> bytes:
    """The key of the erasure fingerprints: ERASURE_HMAC_KEY, or one derived from SECRET_KEY."""
    configured = current_app.config.get("ERASURE_HMAC_KEY")
    if configured:
        return configured.encode()
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"erasure-fingerprint", hashlib.sha256).digest()


def email_fingerprint(email: str) -> str:
    """A keyed one-way fingerprint of an address (HMAC-SHA256): without the key, guessing the
    address does not re-identify the person; with it, a later request can be matched."""
    digest = hmac.new(erasure_key(), email.strip().lower().encode(), hashlib.sha256)
    return FINGERPRINT_PREFIX + digest.hexdigest()


def erased_on(item: RightsRequest) -> date | None:
    """The day the request's personal data was erased (None while it is not): shown instead of
    the fingerprint that replaced the address."""
    if not item.email.startswith(FINGERPRINT_PREFIX):
        return None
    when = [event.created_at for event in item.events if event.note == PERSONAL_DATA_ERASED]
    found = when[-1] if when else item.closed_at  # erased before the history said so
    return found.date() if found else None


def erased_actor(email: str) -> str:
    """The stable pseudonym an erased account keeps in the audit log (Art. 5(2))."""
    return "erased-user:" + email_fingerprint(email).split(":", 1)[1][:16]



@dataclass
class ErasureReport:
    """What an erasure removed and what it kept."""

    account_deleted: bool = False
    password_reset_tokens: int = 0
    support_requests: int = 0
    consent_records: int = 0
    emails: int = 0
    rights_requests: int = 0
    audit_entries: int = 0
    kept: list[tuple[str, str]] = field(default_factory=list)


KEPT: list[tuple[str, str]] = [
    (_l("Your data-rights requests: reference, type, status and dates only"),
     _l("The law requires us to prove we answered them; we keep them 24 months after closing, "
        "with your name and details erased and your address replaced by a one-way fingerprint.")),
    (_l("Your cookie-consent records, no longer linked to you"),
     _l("They prove what a browser agreed to; nothing in them identifies you any more.")),
    (_l("Your support requests, with every personal detail replaced by “[erased]”"),
     _l("Only the reference, category, status and dates remain, for our support statistics.")),
]


def _erase_rights_request(item: RightsRequest, email: str) -> None:
    # Everything written about the person goes: their own words, the admins' outcomes,
    # reasons and history notes. What stays proves the request was answered.
    item.name = item.details = ERASED
    item.email = email_fingerprint(email)
    item.user_id = None
    if item.outcome:
        item.outcome = ERASED
    if item.extension_reason:
        item.extension_reason = ERASED
    for event in item.events:
        if event.note and event.note not in SYSTEM_NOTES:  # "work started" stays: it is neutral
            event.note = ERASED
    item.events.append(RightsRequestEvent(from_status=item.status, to_status=item.status,
                                          note=PERSONAL_DATA_ERASED))



def _erase_task_records(request_ids: list[int]) -> None:
    # What other systems sent about the person goes; the admins' notes on their tasks are
    # erased like outcomes. The tasks stay: they prove each system was asked (Art. 19).
    if not request_ids:
        return
    tasks = select(RequestTask.id).where(RequestTask.request_id.in_(request_ids))
    db.session.execute(delete(TaskUpload).where(TaskUpload.task_id.in_(tasks)))
    db.session.execute(update(RequestTask).where(
        RequestTask.request_id.in_(request_ids), RequestTask.note != "").values(note=ERASED))


def _waive_tasks_of_closed(request_ids: list[int]) -> None:
    # The person's other requests were closed by the erasure: their systems owe nothing more.
    if request_ids:
        db.session.execute(update(RequestTask).where(
            RequestTask.request_id.in_(request_ids), RequestTask.state.in_(OPEN_TASK_STATES),
        ).values(state="waived", note=CLOSED_ERASED, settled_at=utcnow()))


def _close_erased(item: RightsRequest, actor_id: int | None) -> None:
    # Nobody can be told about it any more, so it is closed rather than left in the queue.
    note = CLOSED_ERASED
    item.events.append(RightsRequestEvent(actor_id=actor_id, from_status=item.status,
                                          to_status="completed", note=note))
    item.status, item.outcome, item.closed_at = "completed", note, utcnow()


def erase_personal_data(
    email: str | None, actor_id: int | None = None, current_request: RightsRequest | None = None,
    user: User | None = None,
) -> ErasureReport:
    """Erase or anonymise everything held about this address; the caller commits (one step).

    With `email` None (an account whose address is not confirmed), only `user`'s account and
    what it created: nothing held under an address it has not proved it owns is touched."""
    report = ErasureReport(kept=list(KEPT))
    if user is None and email is not None:
        user = find_user_by_email(email)
    user_id = user.id if user else None
    report.support_requests = anonymise_requests(email, user_id)
    rights = _rights_requests(email, user_id)
    for item in rights:
        _erase_rights_request(item, email or item.email)
        if item.status not in ("completed", "rejected") and item is not current_request:
            _close_erased(item, actor_id)
    report.rights_requests = len(rights)
    _erase_task_records([item.id for item in rights if item.id is not None])
    _waive_tasks_of_closed([item.id for item in rights if item is not current_request])
    if email is not None:
        _erase_mail_audit_and_limits(email, report)
    report.audit_entries = _pseudonymise_audit(email, user)
    if user is not None:
        report.consent_records = unlink_user(user.id)
        report.password_reset_tokens = rowcount(db.session.execute(
            delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id)
        ))
        db.session.delete(user)
        report.account_deleted = True
    db.session.flush()
    return report


def _pseudonymise_audit(email: str | None, user: User | None) -> int:
    """The erased person, where they acted, becomes a stable pseudonym in the audit log; the
    hash chain still holds (it hashes a keyed digest of the actor, not the name)."""
    who = [func.lower(AuditEntry.actor) == email.lower()] if email else []
    if user is not None:
        who.append(AuditEntry.actor_id == user.id)
    if not who:
        return 0
    pseudonym = erased_actor(email or (user.email if user else ""))
    entries = list(db.session.scalars(select(AuditEntry).where(or_(*who))))
    for entry in entries:
        pseudonymise_actor(entry, pseudonym)
    return len(entries)


def _erase_mail_audit_and_limits(email: str, report: ErasureReport) -> None:
    lower = email.lower()
    # Another account may have asked to move to this address: forget that it was asked.
    db.session.execute(
        delete(EmailConfirmation).where(func.lower(EmailConfirmation.email) == lower))
    db.session.execute(
        update(User).where(func.lower(User.pending_email) == lower).values(pending_email=None))
    report.emails = erase_mail_to(lower)
    erase_limits(lower)
    erase_subscription(lower)
