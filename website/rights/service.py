"""Data-rights requests: submit, verify by email, follow, and the admin's transitions."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from flask import Flask, current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from website.accounts.models import User
from website.accounts.service import confirmed_owner, owned_email, owns_email, same_address
from website.audit import record_audit
from website.extensions import db, utcnow
from website.i18n import gettext, language, localised_url
from website.i18n import lazy_gettext as _l
from website.mail.service import queue_email
from website.processing import add_limit
from website.references import new_reference
from website.rights.models import RightsRequest, RightsRequestEvent
from website.submissions import earlier_reference, record_submission

# One plain sentence per right, shown on the form and in the emails.
# Lazy: the owner reads them in the page's language, the admin pages in English.
TYPES: dict[str, tuple[str, str]] = {
    "access": (_l("Access"), _l("Get a copy of the personal data we hold about you.")),
    "correction": (
        _l("Correction"),
        _l("Have personal data about you that is wrong or incomplete put right."),
    ),
    "deletion": (
        _l("Deletion"), _l("Have your account and the personal data we hold about you erased.")
    ),
    "portability": (
        _l("Portability"),
        _l("Receive your data in a structured, machine-readable file you can take elsewhere."),
    ),
    "restriction": (
        _l("Restriction"),
        _l("Have us stop using your data, apart from storing it, while a concern is settled."),
    ),
    "objection": (
        _l("Objection"), _l("Object to our use of your data for our legitimate interests.")
    ),
}
STATUSES: dict[str, str] = {
    "received": _l("Received (waiting for email confirmation)"),
    "verified": _l("Verified"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
    "rejected": _l("Rejected"),
}
OPEN = ("verified", "in_progress")
CLOSED = ("completed", "rejected")
EXPORT_DAYS = 7
MAX_EXTENSION_MONTHS = 2
# Types whose outcome an admin writes by hand (the others do real work when completed).
MANUAL_TYPES = ("correction", "restriction", "objection")
# Completed only with an outcome written for the owner (an access request: what was found).
OUTCOME_REQUIRED = ("access", *MANUAL_TYPES)
# Types that limit processing as soon as they are verified (see website/processing.py).
LIMITING_TYPES = ("restriction", "objection")
REFERENCE_SHAPE = re.compile(r"RR-[0-9A-Z]{4,16}")
VERIFIED_HOOKS = "rights_verified_hooks"
SUBMISSION_FORM = "rights"  # the form's name for its submission keys


def N_(text: str) -> str:  # the marker pybabel extracts by default
    """Mark an English text that is stored as it is (the admin pages show it so) and shown to
    the owner in their page's language (`shown_note`)."""
    return text


# The history lines the site writes itself (an admin's own words are shown as written).
VERIFIED_AT_ONCE = N_("Verified at once: submitted while logged in as the owner.")
CONFIRMED_BY_LINK = N_("Confirmed by the emailed link.")
WORK_STARTED = N_("Work on the request has started.")
EXPORT_DOWNLOADED = N_("The owner downloaded the data export.")
CLOSED_ERASED = N_("Closed: the personal data it concerned was erased.")
PERSONAL_DATA_ERASED = N_("Personal data erased.")
# What the site wrote itself: it says nothing about the person, so an erasure keeps it.
SYSTEM_NOTES = frozenset({VERIFIED_AT_ONCE, CONFIRMED_BY_LINK, WORK_STARTED, EXPORT_DOWNLOADED,
                          CLOSED_ERASED, PERSONAL_DATA_ERASED})


def shown_note(note: str) -> str:
    """A stored history line or outcome for the owner: in the page's language when the site
    wrote it, as written otherwise."""
    return gettext(note) if note else note


@dataclass(frozen=True)
class Agent:
    """An authorised agent (CCPA §7063) filing a request for the person at its address."""

    name: str
    email: str


class RightsError(ValueError):
    """An action that is not allowed on the request in its current state."""


def token_hash(token: str) -> str:
    """The SHA-256 of a token: only this is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def _keyed_token(purpose: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, purpose.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _status_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="rights-status-link")


def access_token(item: RightsRequest) -> str:
    """The owner's status-page token: signed, dated, valid RIGHTS_STATUS_LINK_DAYS days."""
    return _status_signer().dumps(item.reference)


def status_token_state(item: RightsRequest, token: str) -> Literal["ok", "expired", "bad"]:
    """Whether a status-link token opens this request now, has expired, or is not its own."""
    max_age = int(current_app.config["RIGHTS_STATUS_LINK_DAYS"]) * 86400
    if len(token) > 200:
        return "bad"
    try:
        reference = _status_signer().loads(token, max_age=max_age)
    except SignatureExpired:
        reference = _status_signer().loads(token)  # genuine, only too old
        return "expired" if reference == item.reference else "bad"
    except BadSignature:
        return "bad"
    return "ok" if reference == item.reference else "bad"


def export_token(item: RightsRequest) -> str:
    """The token of the export link; it changes whenever a new export window opens."""
    return _keyed_token(f"rights-export:{item.reference}:{item.export_expires_at}")


def status_url(item: RightsRequest) -> str:
    """The absolute status-page link with the owner's token, for emails (in their language)."""
    return localised_url("rights.status", item.locale, reference=item.reference,
                         token=access_token(item))


def get_by_reference(reference: str) -> RightsRequest | None:
    """The request with this reference, or None (also for anything not shaped like one)."""
    if not REFERENCE_SHAPE.fullmatch(reference):
        return None
    return db.session.scalar(select(RightsRequest).where(RightsRequest.reference == reference))


def add_event(item: RightsRequest, to_status: str, note: str, actor_id: int | None) -> None:
    """Append one line to the request's history (who, when, from which status, what)."""
    item.events.append(
        RightsRequestEvent(
            actor_id=actor_id, from_status=item.status, to_status=to_status, note=note
        )
    )
    item.status = to_status


def notify(item: RightsRequest, subject: str, template: str, **context: Any) -> None:
    """Email the owner about a change (in the same transaction as the change), in the language
    of the page the request came from; `subject` is lazy (`_l`)."""
    with language(item.locale):
        subject = f"{subject} [{item.reference}]"
    queue_email(
        item.email,
        subject,
        template,
        item.locale,
        reference=item.reference,
        rights_request=item,
        type_label=TYPES[item.request_type][0],
        status_label=STATUSES[item.status],
        due=item.due_in_force,
        status_url=status_url(item),
        **context,
    )


def submit_request(
    request_type: str, name: str, email: str, details: str, user: User | None = None,
    agent: Agent | None = None, mine: Collection[str] = (), submission: str | None = None,
) -> tuple[RightsRequest, str | None]:
    """Store a new request; email the confirmation link (or verify at once for the account owner).

    The same request sent again by the same browser before it is confirmed is not stored twice:
    the waiting one takes the new wording and its confirmation email is sent again. `mine` are
    the references this browser made (its signed session); a waiting request for the same
    address made elsewhere is never touched, shown or re-sent from here: whoever types someone's
    address makes a request of their own, which only that mailbox can confirm. A request an
    agent files is confirmed by the person from their own address, always.
    `submission` is the browser's key for this sending of the form: the same key again within
    its window returns the request it made, and nothing more is stored or sent.
    Returns the request and the raw verification token (None when verified at once; "" for a
    form sent again: its email went with the first)."""
    earlier = earlier_submission(submission)
    if earlier is not None:
        return earlier, None if earlier.verified_at is not None else ""
    at_once = owns_email(user, email) and agent is None
    waiting = None if at_once else waiting_request(email, request_type)
    if waiting is not None and waiting.reference in mine:
        waiting.name, waiting.details = name, details
        waiting.agent_name, waiting.agent_email = (agent.name, agent.email) if agent else ("", "")
        token = send_confirmation(waiting)
        return commit_submission(waiting, token, submission)
    now = utcnow()
    item = RightsRequest(
        reference=new_reference("RR"),
        created_at=now,
        request_type=request_type,
        name=name,
        email=email,
        details=details,
        status="received",
        agent_name=agent.name if agent else "", agent_email=agent.email if agent else "",
    )
    item.events.append(RightsRequestEvent(from_status="", to_status="received", note=""))
    db.session.add(item)
    if at_once:
        # Only an account that has confirmed this very address skips the emailed link.
        assert user is not None  # owns_email is False without a user
        item.user_id = user.id
        mark_verified(item, user.id, VERIFIED_AT_ONCE)
        return commit_submission(item, None, submission)
    token = send_confirmation(item)
    return commit_submission(item, token, submission)


def commit_submission(
    item: RightsRequest, token: str | None, submission: str | None
) -> tuple[RightsRequest, str | None]:
    """Commit the request with its submission key; when the same key was committed a moment
    earlier (the form sent twice at once), that request instead."""
    record_submission(SUBMISSION_FORM, submission, item.reference)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        earlier = earlier_submission(submission)
        if earlier is None:
            raise
        return earlier, None if earlier.verified_at is not None else ""
    return item, token


def earlier_submission(submission: str | None) -> RightsRequest | None:
    """The request an earlier sending of the form with this key made (within its window)."""
    reference = earlier_reference(SUBMISSION_FORM, submission)
    return get_by_reference(reference) if reference else None


def waiting_request(email: str, request_type: str) -> RightsRequest | None:
    """The unconfirmed, unexpired request of this type from this address, if there is one."""
    return db.session.scalar(
        select(RightsRequest)
        .where(func.lower(RightsRequest.email) == email.strip().lower(),
               RightsRequest.request_type == request_type,
               RightsRequest.status == "received",
               RightsRequest.verify_expires_at > utcnow())
        .order_by(RightsRequest.id.desc())
        .limit(1)
    )


def send_confirmation(item: RightsRequest) -> str:
    """Queue the confirmation email with a fresh link (an earlier link stops working).

    The link expires when the unconfirmed request would be purged, counted from its creation,
    so sending again never makes a request live longer. The caller commits."""
    token = secrets.token_urlsafe(32)
    days = current_app.config["RETENTION_DAYS"]["unverified_rights_requests"]
    item.verify_token_hash = token_hash(token)
    item.verify_expires_at = (item.created_at or utcnow()) + timedelta(days=days)
    verify_url = localised_url("rights.verify", item.locale, token=token)
    notify(item, _l("Please confirm your data-rights request"), "rights_verify",
           verify_url=verify_url, valid_days=days)
    return token


def resend_confirmation(reference: str) -> str:
    """Send the confirmation email of a waiting request again: "sent", "confirmed" or "gone"."""
    item = get_by_reference(reference)
    if item is None:
        return "gone"
    if item.status != "received":
        return "confirmed"
    if item.verify_expires_at is None or item.verify_expires_at <= utcnow():
        return "gone"
    send_confirmation(item)
    db.session.commit()
    return "sent"


def on_verified(app: Flask, hook: Callable[[RightsRequest], object]) -> None:
    """Call `hook(request)` whenever a request is verified, in the same transaction (the
    systems' tasks are made so: website/rights/tasks.py)."""
    app.extensions.setdefault(VERIFIED_HOOKS, []).append(hook)


def mark_verified(item: RightsRequest, actor_id: int | None, note: str) -> None:
    """Received -> verified: the one-month clock starts today, or on the day the request was
    received when the requester's identity was clear on receipt (ICO)."""
    item.verified_at = utcnow()
    item.due_on = item.due_date()
    if item.user_id is None:
        owner = confirmed_owner(item.email)
        item.user_id = owner.id if owner else None
    add_event(item, "verified", note, actor_id)
    if item.request_type in LIMITING_TYPES:
        # In force from verification (Art. 18(1), 21): not only once an admin has decided.
        add_limit(item.email, item.request_type, item.reference)
    for hook in current_app.extensions.get(VERIFIED_HOOKS, []):
        hook(item)
    notify(item, _l("Your data-rights request is confirmed"), "rights_verified")


def verification_state(token: str) -> tuple[str, RightsRequest | None]:
    """What the emailed token would do: ("ok" | "unknown" | "expired" | "used", request)."""
    if not token or len(token) > 100:
        return "unknown", None
    item = db.session.scalar(
        select(RightsRequest).where(RightsRequest.verify_token_hash == token_hash(token))
    )
    if item is None:
        return "unknown", None
    if item.verified_at is not None or item.status != "received":
        return "used", item
    if item.verify_expires_at is None or item.verify_expires_at < utcnow():
        return "expired", item
    return "ok", item


def verify(token: str) -> tuple[str, RightsRequest | None]:
    """Confirm by the emailed token (a POST): the outcome as `verification_state` names it."""
    outcome, item = verification_state(token)
    if outcome == "ok":
        assert item is not None  # "ok" always comes with its request
        mark_verified(item, None, CONFIRMED_BY_LINK)
        db.session.commit()
    return outcome, item


def owner_can_view(
    item: RightsRequest | None, user: Any, session_references: list[str], token: str | None
) -> bool:
    """True only for the verified owner: their unexpired link, their session, or their account.

    An account sees a request it was linked to, or one made from the address it has
    confirmed (`owns_email`): an address merely typed into the account proves nothing."""
    if item is None or item.verified_at is None:
        return False
    if token and status_token_state(item, token) == "ok":
        return True
    if item.reference in session_references:
        return True
    if user is not None and getattr(user, "is_authenticated", False):
        return item.user_id == user.id or owns_email(user, item.email)
    return False


def send_new_status_link(reference: str, email: str) -> None:
    """Email a fresh status link when the reference and address match a confirmed request.

    The answer is the same either way; the link goes to the stored address only."""
    item = get_by_reference(reference.strip().upper())
    if item is None or item.verified_at is None or not same_address(item.email, email):
        return
    notify(item, _l("A new link to your data-rights request"), "rights_status_link")
    db.session.commit()


def requests_for_user(user: User) -> list[RightsRequest]:
    """The user's own rights requests, newest first (by account, or by its confirmed address)."""
    owned = owned_email(user)
    condition = RightsRequest.user_id == user.id
    if owned is not None:
        condition = or_(condition, func.lower(RightsRequest.email) == owned)
    query = select(RightsRequest).where(condition).order_by(RightsRequest.created_at.desc())
    return list(db.session.scalars(query))


def export_available(item: RightsRequest) -> bool:
    """True while the owner may download the export of a completed access/portability request."""
    return bool(
        item.export_token_hash
        and item.export_expires_at
        and item.export_expires_at > utcnow()
    )


def export_token_valid(item: RightsRequest, token: str) -> bool:
    """True when the token opens this request's export now."""
    if not export_available(item) or not token:
        return False
    return hmac.compare_digest(token_hash(token), item.export_token_hash or "")


def log_export_download(item: RightsRequest) -> None:
    """Write the download into the request's history and the audit log."""
    item.events.append(
        RightsRequestEvent(from_status=item.status, to_status=item.status,
                           note=EXPORT_DOWNLOADED)
    )
    record_audit("rights.export_downloaded", item.reference, {})
    db.session.commit()


def extended_due_date(item: RightsRequest, months: int) -> date:
    """The new due date: counted from verification, one month plus the extension (the model's
    rule, pauses included)."""
    return item.due_date(months)
