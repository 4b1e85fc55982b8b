"""The admin queue of rights requests: sorted by the due date in force, filtered, paginated."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select

from website.extensions import db, utcnow
from website.paging import Page, Run, count, paginate
from website.rights.models import RightsRequest
from website.rights.personal_data import email_fingerprint
from website.rights.terms import CLOSED, OPEN, STATUSES, TYPES
from website.search import QueueSearch

PER_PAGE = 50
DUE_SOON_DAYS = 7
# "open" (the default) is the work still to do; "all" is every request.
STATUS_FILTERS = ("open", "all", *STATUSES)
# Open requests past their due date, or due within DUE_SOON_DAYS.
DUE_FILTERS = ("overdue", "soon")
# The due date in force; an expression index (migration rights_1) serves the sort.
EFFECTIVE_DUE = RightsRequest.due_in_force


def urgency(item: RightsRequest, today: date | None = None) -> str:
    """"overdue", "due_soon" or "" for an open request's due date."""
    due = item.due_in_force
    if item.status not in OPEN or due is None or item.paused_at is not None:
        return ""  # a paused clock is not late: the due date moves when it runs again
    today = today or utcnow().date()
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return ""


def _filters(request_type: str, status: str, due: str = "",
             search: QueueSearch | None = None) -> list:
    conditions = []
    if request_type:
        conditions.append(RightsRequest.request_type == request_type)
    if status == "open":
        conditions.append(RightsRequest.status.in_(OPEN))
    elif status != "all":
        conditions.append(RightsRequest.status == status)
    if due:
        conditions.extend(_due_conditions(due, utcnow().date()))
    if search is not None:
        conditions.append(_search_condition(search))
    return conditions


def _due_conditions(due: str, today: date) -> list:
    """Open requests overdue, or due from today to DUE_SOON_DAYS from now."""
    running = clock_running()
    if due == "overdue":
        return [RightsRequest.status.in_(OPEN), EFFECTIVE_DUE < today, running]
    return [RightsRequest.status.in_(OPEN), EFFECTIVE_DUE >= today,
            EFFECTIVE_DUE <= today + timedelta(days=DUE_SOON_DAYS), running]


def clock_running() -> ColumnElement[bool]:
    """SQL: the request's clock is not paused. Written as "not among the (few) paused ids", so
    the queue's covering index still answers counts and pages (ix_rights_requests_paused_at)."""
    paused = select(RightsRequest.id).where(RightsRequest.paused_at.is_not(None))
    return RightsRequest.id.not_in(paused)


def _search_condition(search: QueueSearch) -> ColumnElement[bool]:
    """An exact reference, or an email address whatever its case (both served by indexes)."""
    if search.reference:
        return RightsRequest.reference == search.reference
    if search.email:  # an erased request keeps the address's fingerprint: "did you erase me?"
        return or_(func.lower(RightsRequest.email) == search.email,
                   RightsRequest.email == email_fingerprint(search.email))
    return false()


def _count(conditions: list) -> int:
    return count(RightsRequest.id, *conditions)


def queue_page(
    request_type: str = "", status: str = "open", page: int = 1, due: str = "",
    search: QueueSearch | None = None,
) -> Page[RightsRequest]:
    """One page of requests, soonest due first; requests with no due date come last."""
    if request_type and request_type not in TYPES:
        raise ValueError("unknown request type")
    if status not in STATUS_FILTERS:
        raise ValueError("unknown status")
    if due and due not in DUE_FILTERS:
        raise ValueError("unknown due filter")
    conditions = _filters(request_type, status, due, search)
    by_due = [EFFECTIVE_DUE, RightsRequest.id]
    if status in ("open", "completed", "rejected", "in_progress", "verified"):
        runs = [(Run(conditions, by_due), _count(conditions))]  # all of these have a due date
    else:
        # Unconfirmed requests have no due date: listed after the dated ones, oldest first.
        # Two index-ordered runs, the same on SQLite (NULLs first) and PostgreSQL (last).
        dated = [*conditions, EFFECTIVE_DUE.is_not(None)]
        undated = [*conditions, EFFECTIVE_DUE.is_(None)]
        dated_total = _count(dated)
        runs = [(Run(dated, by_due), dated_total),
                (Run(undated, [RightsRequest.id]), _count(conditions) - dated_total)]
    return paginate(select(RightsRequest), RightsRequest.id, runs, page, PER_PAGE)


def queue_summary() -> dict[str, object]:
    """Counts by status, and how many open requests are overdue or due within 7 days."""
    rows = db.session.execute(
        select(RightsRequest.status, func.count(RightsRequest.id)).group_by(RightsRequest.status)
    )
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({status: n for status, n in rows})
    today = utcnow().date()
    overdue = _count(_due_conditions("overdue", today))
    soon = _count(_due_conditions("soon", today))
    return {"counts": counts, "overdue": overdue, "due_soon": soon, "closed": CLOSED}


REGISTER_COLUMNS = ["reference", "type", "received", "due", "completed", "outcome"]


def outcome_category(status: str) -> str:
    """The outcome as a category only (the text written to the person stays out)."""
    return status if status in ("completed", "rejected") else "open"


def register_rows() -> Iterator[list[Any]]:
    """The register of verified rights requests, oldest first: reference, type, received,
    due, completed and outcome category; nothing the person wrote and no address."""
    after = 0
    while True:
        query = (select(RightsRequest.id, RightsRequest.reference, RightsRequest.request_type,
                        RightsRequest.received_on, RightsRequest.created_at,
                        RightsRequest.due_in_force, RightsRequest.closed_at,
                        RightsRequest.status)
                 .where(RightsRequest.verified_at.is_not(None), RightsRequest.id > after)
                 .order_by(RightsRequest.id).limit(1000))
        batch = list(db.session.execute(query))
        for _, reference, kind, received_on, created_at, due, closed, status in batch:
            yield [reference, kind, received_on or created_at.date(), due,
                   closed.date() if closed else None, outcome_category(status)]
        if len(batch) < 1000:
            return
        after = batch[-1][0]
