"""Data-rights requests: submission, the emailed confirmation, verification, the owner's
requests (the workflow after it: website/rights/workflow.py)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection
from datetime import date, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from website.accounts.models import User
from website.accounts.service import confirmed_owner, owned_email, owns_email, same_address
from website.extensions import db, utcnow
from website.i18n import language, localised_url
from website.i18n import lazy_gettext as _l
from website.mail.service import queue_email
from website.processing import add_limit
from website.references import new_reference
from website.rights.links import status_url, token_hash
from website.rights.models import RightsRequest, RightsRequestEvent
from website.rights.terms import (
    CONFIRMED_BY_LINK,
    LIMITING_TYPES,
    REFERENCE_SHAPE,
    STATUSES,
    TYPES,
    VERIFIED_AT_ONCE,
    Agent,
)
from website.submissions import earlier_reference, record_submission

VERIFIED_HOOKS = "rights_verified_hooks"
SUBMISSION_FORM = "rights"  # the form's name for its submission keys


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


def extended_due_date(item: RightsRequest, months: int) -> date:
    """The new due date: counted from verification, one month plus the extension (the model's
    rule, pauses included)."""
    return item.due_date(months)
