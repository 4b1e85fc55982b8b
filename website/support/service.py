"""Support requests: taking them, finding them, answering and closing them, erasing them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import false, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlalchemy.sql import ColumnElement

from website.audit import Actor, record_audit
from website.extensions import db, utcnow
from website.i18n import lazy_gettext as _l
from website.mail.service import queue_email
from website.paging import Page, Run, count, paginate
from website.references import new_reference
from website.search import QueueSearch
from website.submissions import earlier_reference, record_submission
from website.support.models import SupportNote, SupportReply, SupportRequest

# Category keys (stored) and their labels (shown). One place; the form and the queue read it.
# Lazy: the visitor reads them in the page's language, the admin pages in English.
CATEGORIES: dict[str, str] = {
    "general": _l("General question"),
    "billing": _l("Billing"),
    "api_problem": _l("Technical problem with the API"),
    "compromised_key": _l("A compromised API key"),
    "account_data": _l("Account and data"),
}
# A leaked key lets anyone call the API as its owner: it goes to the top of the queue.
URGENT_CATEGORY = "compromised_key"
SUBMISSION_FORM = "support"  # the form's name for its submission keys
STATUSES = ("open", "closed")
# As the requester reads a status on their own pages.
STATUS_LABELS: dict[str, str] = {"open": _l("open"), "closed": _l("closed")}
# When the requester can expect our answer (shown on their request's page while it is open).
EXPECTED_REPLY = {URGENT_CATEGORY: _l("Within 4 hours"), "": _l("Within 2 working days")}


def expected_reply(category: str) -> str:
    """When an open request of this category is answered, as the requester reads it."""
    return str(EXPECTED_REPLY.get(category, EXPECTED_REPLY[""]))
MESSAGE_MAX = 10_000
SUBJECT_MAX = 200
PER_PAGE = 50
ERASED = "[erased]"
REFERENCE_SHAPE = re.compile(r"SR-[0-9A-Z]{4,16}")


@dataclass(frozen=True)
class Requester:
    """Who is asking, as typed on the form."""

    name: str
    email: str
    organisation: str = ""
    phone: str = ""


def submit_request(
    requester: Requester, category: str, subject: str, message: str, user_id: int | None = None,
    submission: str | None = None,
) -> SupportRequest:
    """Store a request and queue its confirmation email in the same transaction.

    `submission` is the browser's key for this sending of the form: the same key again within
    its window returns the request it made, and nothing more is stored or sent."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown support category {category!r}")
    earlier = earlier_submission(submission)
    if earlier is not None:
        return earlier
    support_request = SupportRequest(
        reference=new_reference("SR"),
        user_id=user_id,
        name=requester.name,
        organisation=requester.organisation,
        email=requester.email,
        phone=requester.phone,
        category=category,
        subject=subject,
        message=message,
        status="open",
    )
    db.session.add(support_request)
    db.session.flush()
    queue_email(
        support_request.email,
        _l("We received your support request %(reference)s",
           reference=support_request.reference),
        "support_confirmation",
        support_request.locale,
        reference=support_request.reference,
        support_request=support_request,
        category_label=CATEGORIES[category],
        urgent=category == URGENT_CATEGORY,
    )
    record_submission(SUBMISSION_FORM, submission, support_request.reference)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        earlier = earlier_submission(submission)  # the same key, sent at the same moment
        if earlier is None:
            raise
        return earlier
    return support_request


def earlier_submission(submission: str | None) -> SupportRequest | None:
    """The request an earlier sending of the form with this key made (within its window)."""
    reference = earlier_reference(SUBMISSION_FORM, submission)
    return request_by_reference(reference) if reference else None


def request_by_reference(reference: str) -> SupportRequest | None:
    """The request with this reference (any letter case), or None."""
    reference = reference.strip().upper()
    if not REFERENCE_SHAPE.fullmatch(reference):
        return None  # not one of ours; never sent to the database (PostgreSQL refuses NUL)
    return db.session.scalar(select(SupportRequest).where(SupportRequest.reference == reference))


def requests_for_user(user_id: int, limit: int = 200) -> list[SupportRequest]:
    """The requests a logged-in user sent, newest first."""
    query = (
        select(SupportRequest)
        .where(SupportRequest.user_id == user_id)
        .order_by(SupportRequest.created_at.desc(), SupportRequest.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def _person(email: str | None, user_id: int | None) -> ColumnElement[bool]:
    """Requests sent from this address (any letter case), or by this account.

    `email` is None for an account that has not confirmed its address: its own requests only."""
    if email is None:
        return SupportRequest.user_id == user_id if user_id is not None else false()
    person = func.lower(SupportRequest.email) == email.strip().lower()
    return person if user_id is None else or_(person, SupportRequest.user_id == user_id)


def requests_for_email(email: str | None, user_id: int | None = None) -> list[SupportRequest]:
    """Every request from this address or account, oldest first: for access rights."""
    query = (
        select(SupportRequest)
        .where(_person(email, user_id))
        .order_by(SupportRequest.created_at, SupportRequest.id)
    )
    return list(db.session.scalars(query))


def anonymise_requests(email: str | None, user_id: int | None = None) -> int:
    """Erase the person from their requests and replies; keep category, status and dates.

    Adds to the current transaction (the caller commits, so an erasure across features is one
    transaction). Returns how many requests were anonymised.
    """
    ids = list(db.session.scalars(select(SupportRequest.id).where(_person(email, user_id))))
    if not ids:
        return 0
    db.session.execute(
        update(SupportRequest)
        .where(SupportRequest.id.in_(ids))
        .values(name=ERASED, organisation="", email=ERASED, phone="", subject=ERASED,
                message=ERASED, user_id=None)
        .execution_options(synchronize_session=False)
    )
    # Replies quote and greet the person by name, and internal notes may speak of them: they go.
    for model in (SupportReply, SupportNote):
        db.session.execute(
            update(model).where(model.request_id.in_(ids)).values(body=ERASED)
            .execution_options(synchronize_session=False)
        )
    db.session.expire_all()
    return len(ids)


def as_export(support_request: SupportRequest) -> dict[str, Any]:
    """A request and its replies as plain JSON-ready values (for access and portability)."""
    return {
        "reference": support_request.reference,
        "name": support_request.name,
        "organisation": support_request.organisation,
        "email": support_request.email,
        "phone": support_request.phone,
        "category": support_request.category,
        "subject": support_request.subject,
        "message": support_request.message,
        "status": support_request.status,
        "created_at": support_request.created_at.isoformat(),
        "closed_at": support_request.closed_at.isoformat() if support_request.closed_at else None,
        "replies": [
            {"created_at": reply.created_at.isoformat(), "body": reply.body}
            for reply in support_request.replies
        ],
    }


def _queue_filter(
    status: str, category: str, search: QueueSearch | None = None
) -> list[ColumnElement[bool]]:
    """WHERE clauses for a status ("open", "closed" or anything else for all), category, search."""
    clauses: list[ColumnElement[bool]] = []
    if status in STATUSES:
        clauses.append(SupportRequest.status == status)
    if category:
        clauses.append(SupportRequest.category == category)
    if search is not None:
        if search.reference:
            clauses.append(SupportRequest.reference == search.reference)
        elif search.email:
            # lower(email) has an index of its own (migration admin_1).
            clauses.append(func.lower(SupportRequest.email) == search.email)
        else:
            clauses.append(false())
    return clauses


def _count(*clauses: ColumnElement[bool]) -> int:
    return count(SupportRequest.id, *clauses)


def queue_page(
    status: str = "open", category: str = "", page: int = 1, search: QueueSearch | None = None
) -> Page[SupportRequest]:
    """One page of the queue: urgent requests first, then the newest.

    Urgent and other requests are two index-ordered runs, one after the other, so no page
    sorts the whole table; the ids are paged on covering indexes (see SupportRequest).
    """
    category = category if category in CATEGORIES else ""
    base = _queue_filter(status, category, search)
    newest_first = (SupportRequest.created_at.desc(), SupportRequest.id.desc())
    if category:
        runs = [(Run(base, newest_first), _count(*base))]
    else:
        urgent = [*base, SupportRequest.category == URGENT_CATEGORY]
        other = [*base, SupportRequest.category != URGENT_CATEGORY]
        urgent_count = _count(*urgent)
        runs = [(Run(urgent, newest_first), urgent_count),
                (Run(other, newest_first), _count(*base) - urgent_count)]
    rows = select(SupportRequest).options(defer(SupportRequest.message))
    return paginate(rows, SupportRequest.id, runs, page, PER_PAGE)


def queue_counts() -> dict[str, int]:
    """Open requests, and how many of them are urgent: for the admin dashboard."""
    open_requests = _count(*_queue_filter("open", ""))
    urgent = _count(*_queue_filter("open", URGENT_CATEGORY))
    return {"open": open_requests, "urgent": urgent}


def reply_to_request(
    support_request: SupportRequest, body: str, actor: Actor, close: bool = False
) -> SupportReply:
    """Store an admin's reply, email it to the requester, audit it; optionally close."""
    reply = SupportReply(request=support_request, author_id=actor.id, body=body)
    db.session.add(reply)
    queue_email(
        support_request.email,
        f"Re: {support_request.subject} [{support_request.reference}]",
        "support_reply",
        support_request.locale,
        reference=support_request.reference,
        support_request=support_request,
        reply=reply,
    )
    _audit("support.reply", support_request, {"characters": len(body)}, actor)
    if close:
        _set_status(support_request, "closed", actor)
    db.session.commit()
    return reply


def change_category(support_request: SupportRequest, category: str, actor: Actor) -> None:
    """Move the request to another category (audited); "compromised_key" makes it urgent."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    if support_request.category == category:
        return
    _audit("support.category", support_request, {"from": support_request.category, "to": category},
           actor)
    support_request.category = category
    db.session.commit()


def add_note(support_request: SupportRequest, body: str, actor: Actor) -> SupportNote:
    """Keep an internal note on the request (never emailed; audited without its text)."""
    note = SupportNote(request=support_request, author_id=actor.id, body=body)
    db.session.add(note)
    _audit("support.note", support_request, {"characters": len(body)}, actor)
    db.session.commit()
    return note


def assign(support_request: SupportRequest, assignee_id: int | None, actor: Actor) -> None:
    """Give the request to one handler (None: to nobody); audited."""
    if support_request.assignee_id == assignee_id:
        return
    _audit("support.assign", support_request,
           {"from": support_request.assignee_id, "to": assignee_id}, actor)
    support_request.assignee_id = assignee_id
    db.session.commit()


def close_request(support_request: SupportRequest, actor: Actor) -> None:
    """Close a request (audited)."""
    _set_status(support_request, "closed", actor)
    db.session.commit()


def reopen_request(support_request: SupportRequest, actor: Actor) -> None:
    """Reopen a closed request (audited)."""
    _set_status(support_request, "open", actor)
    db.session.commit()


def _set_status(support_request: SupportRequest, status: str, actor: Actor) -> None:
    if support_request.status == status:
        return
    previous = support_request.status
    support_request.status = status
    support_request.closed_at = utcnow() if status == "closed" else None
    action = "support.close" if status == "closed" else "support.reopen"
    _audit(action, support_request, {"from": previous, "to": status}, actor)


def _audit(action: str, support_request: SupportRequest, details: dict[str, Any],
           actor: Actor) -> None:
    """Audit an admin's action on the request (in the caller's transaction)."""
    record_audit(action, support_request.reference, details, actor_id=actor.id, actor=actor.email)
