"""The queue of open tasks: which request waits on which system, soonest due first, and which
are late (the request's due date has passed, the clock not paused)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, func, select

from website.extensions import db, utcnow
from website.paging import Page, Run, paginate
from website.rights.models import RightsRequest
from website.rights.queue import clock_running
from website.rights.terms import OPEN
from website.systems.models import OPEN_TASK_STATES, RequestTask

PER_PAGE = 50
DUE = RightsRequest.due_in_force


def late_condition(today: date) -> ColumnElement[bool]:
    """SQL: the request's due date has passed and its clock is running."""
    return (DUE < today) & clock_running()


def is_late(task: RequestTask, today: date | None = None) -> bool:
    """The task's request is past its due date (and not paused)."""
    due = task.rights_request.due_in_force
    today = today or utcnow().date()
    return due is not None and due < today and task.rights_request.paused_at is None


def task_queue_page(system_id: int | None = None, late: bool = False,
                    page: int = 1) -> Page[RequestTask]:
    """One page of open tasks, the requests soonest due first.

    Read from the open requests in due-date order (the rights queue's index) down to their
    open tasks (ix_request_tasks_request), so no page sorts every task: only an open request
    has open tasks (completing needs them settled; rejecting waives them)."""
    conditions: list[ColumnElement[bool]] = [
        RightsRequest.status.in_(OPEN), RequestTask.request_id == RightsRequest.id,
        RequestTask.state.in_(OPEN_TASK_STATES)]
    if system_id is not None:
        conditions.append(RequestTask.system_id == system_id)
    if late:
        conditions.append(late_condition(utcnow().date()))
    total = db.session.scalar(select(func.count(RequestTask.id)).where(*conditions)) or 0
    run = Run(conditions, [DUE, RightsRequest.id, RequestTask.id])
    return paginate(select(RequestTask), RequestTask.id, [(run, total)], page, PER_PAGE)


def late_count() -> int:
    """How many open tasks belong to requests past their due date (the dashboard's figure)."""
    query = select(func.count(RequestTask.id)).where(
        RightsRequest.status.in_(OPEN), RequestTask.request_id == RightsRequest.id,
        RequestTask.state.in_(OPEN_TASK_STATES), late_condition(utcnow().date()))
    return db.session.scalar(query) or 0
