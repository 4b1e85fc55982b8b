"""Wake a job once the transaction that queued its work has committed.

A job names the tables it works from (`Job(..., woken_by=("outbox_emails",))`); any session
that inserts rows into one of them (a view, a CLI command, another job) wakes that job after its
commit, in the app the session works for. Nothing is set on the request: services only write
rows. A rollback wakes nothing. Only a runner already running in this process is woken: a CLI
process never starts one (its mail goes with the site's next round, every MAIL_POLL_SECONDS).

The listeners below are installed on every Session once, at import (as website/database.py's
engine listeners are); which job a table wakes is the app's own (its runner's jobs)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from website.jobs.runner import runner_of

# session.info key: the jobs this session's open transaction has new work for.
PENDING = "website.jobs.pending_wakes"


def _note(session: Session, tables: Iterable[str]) -> None:
    if not has_app_context():
        return  # no app, no runner to wake
    inserted = set(tables)
    runner = runner_of(current_app._get_current_object())  # type: ignore[attr-defined]
    jobs = {job.name for job in runner.jobs.values() if inserted.intersection(job.woken_by)}
    if jobs:
        session.info.setdefault(PENDING, set()).update(jobs)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context: UOWTransaction, instances: Any) -> None:
    _note(session, (getattr(row, "__tablename__", "") for row in session.new))


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    # INSERT ... SELECT and bulk inserts (a policy announcement's batch) never pass a flush.
    if state.is_insert:
        table = getattr(state.statement, "table", None)
        _note(state.session, [getattr(table, "name", "")])


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    jobs = session.info.pop(PENDING, None)
    if not jobs or not has_app_context():
        return
    runner = runner_of(current_app._get_current_object())  # type: ignore[attr-defined]
    if runner.running():
        for job in sorted(jobs):
            runner.wake(job)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit
        session.info.pop(PENDING, None)
