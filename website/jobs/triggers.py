"""Wake a job once the transaction that queued its work has committed.

A feature names the table its job works from (`wake_on_insert("outbox_emails", "mail")`); any
session that inserts rows into it (a view, a CLI command, another job) wakes that job after its
commit. Nothing is set on the request: services only write rows. A rollback wakes nothing.
Only a runner already running in this process is woken: a CLI process never starts one (its
mail goes with the site's next round, every MAIL_POLL_SECONDS)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from website.jobs.runner import runner_of

# Table name -> the jobs woken by rows inserted into it.
_WATCHED: dict[str, set[str]] = {}
# session.info key: the jobs this session's open transaction has new work for.
PENDING = "website.jobs.pending_wakes"


def wake_on_insert(table: str, job: str) -> None:
    """Wake `job` after every commit whose transaction inserted rows into `table`."""
    _WATCHED.setdefault(table, set()).add(job)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "do_orm_execute", _on_execute)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_transaction_end", _after_transaction_end)


def _note(session: Session, tables: Iterable[str]) -> None:
    for table in tables:
        jobs = _WATCHED.get(table)
        if jobs:
            session.info.setdefault(PENDING, set()).update(jobs)


def _before_flush(session: Session, flush_context: UOWTransaction, instances: Any) -> None:
    _note(session, (getattr(row, "__tablename__", "") for row in session.new))


def _on_execute(state: ORMExecuteState) -> None:
    # INSERT ... SELECT and bulk inserts (a policy announcement's batch) never pass a flush.
    if state.is_insert:
        table = getattr(state.statement, "table", None)
        _note(state.session, [getattr(table, "name", "")])


def _after_commit(session: Session) -> None:
    jobs = session.info.pop(PENDING, None)
    if not jobs or not has_app_context():
        return
    runner = runner_of(current_app._get_current_object())  # type: ignore[attr-defined]
    if runner.running():
        for job in sorted(jobs):
            runner.wake(job)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit
        session.info.pop(PENDING, None)
