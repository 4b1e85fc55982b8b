"""Jobs the site runs by itself once a day, one runner across every worker on every host.

The lease is a row per job in `scheduled_runs`: a worker takes it with one conditional UPDATE
(only when the last run started more than a day ago and no lease is live), which the database
grants to exactly one caller on SQLite and PostgreSQL alike. The job runner (website/jobs/)
asks every CHECK_SECONDS in each worker, whether or not requests come.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import JSON, String, Text, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from website.extensions import Model, db, rowcount, utcnow
from website.jobs import Job, register_job

log = logging.getLogger(__name__)

INTERVAL = timedelta(days=1)
LEASE = timedelta(hours=1)
# How often one worker asks the database whether a run is due (a time kept in memory).
CHECK_SECONDS = 300.0


class ScheduledRun(Model):
    """A daily job's lease and its last run: when, by whom, what it did."""

    __tablename__ = "scheduled_runs"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    lease_until: Mapped[datetime | None]
    holder: Mapped[str] = mapped_column(String(120), default="", server_default="")
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    last_error: Mapped[str] = mapped_column(Text, default="", server_default="")


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:120]


def claim(name: str, now: datetime | None = None) -> bool:
    """Take the job's lease when a run is due and nobody holds it; True for the one winner."""
    now = now or utcnow()
    if db.session.scalar(select(ScheduledRun.name).where(ScheduledRun.name == name)) is None:
        try:
            db.session.execute(insert(ScheduledRun).values(name=name))
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # another worker made the row at the same moment
    result = db.session.execute(
        update(ScheduledRun)
        .where(
            ScheduledRun.name == name,
            or_(ScheduledRun.lease_until.is_(None), ScheduledRun.lease_until < now),
            or_(ScheduledRun.last_started_at.is_(None),
                ScheduledRun.last_started_at <= now - INTERVAL),
        )
        .values(lease_until=now + LEASE, holder=_holder(), last_started_at=now),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return rowcount(result) == 1


def finish(name: str, counts: dict[str, int] | None, error: str = "") -> None:
    """Release the lease and keep what the run did (or why it failed)."""
    db.session.execute(
        update(ScheduledRun).where(ScheduledRun.name == name).values(
            lease_until=None, last_finished_at=utcnow(), last_counts=counts, last_error=error,
        ),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


def run_if_due(name: str, job: Callable[[], dict[str, int]]) -> dict[str, int] | None:
    """Run the job when this caller wins the lease; its counts, or None when not due."""
    if not claim(name):
        return None
    try:
        counts = job()
    except Exception as error:  # recorded for the dashboard, retried tomorrow
        db.session.rollback()
        log.exception("scheduled job %s failed", name)
        # The first line only: a database error's full text carries its SQL and parameters.
        summary = str(error).split("\n", 1)[0]
        finish(name, None, error=f"{type(error).__name__}: {summary}"[:1000])
        return None
    finish(name, counts)
    return counts


def last_run(name: str) -> ScheduledRun | None:
    """The job's row: when it last ran and what it did; None before its first run."""
    return db.session.get(ScheduledRun, name)


def register_daily(app: Flask, name: str, job: Callable[[], dict[str, int]], setting: str) -> None:
    """Run the job from the site's job runner, at most once a day across every worker and host
    (each runner asks every CHECK_SECONDS; the lease lets one of them run it)."""

    def run_when_due() -> bool:
        run_if_due(name, job)
        return False

    register_job(app, Job(name, run_when_due, every=CHECK_SECONDS, enabled_by=setting))
