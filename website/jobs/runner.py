"""One thread per worker process that runs the site's background work.

Each kind of work is a `Job`: a function that does one round (deliver what is due, purge what is
past its time) and says whether more is due at once. The runner calls a job when its timer comes
round (`every` seconds) or when someone `wake`s it (a commit that queued mail: see
website/jobs/triggers.py); between rounds the thread sleeps on an event, so an idle site costs
nothing. A round that fails is retried sooner than its timer, doubling from 1 s; a database
outage is logged once (website/outages.py), not per round.

Workers run the same jobs at once: a job takes its rows with `website.jobs.claims.claim_rows`
(`FOR UPDATE SKIP LOCKED` on PostgreSQL), or, where only one may run at all, a lease
(`website.scheduled`)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from website.extensions import db
from website.outages import database as database_outage

log = logging.getLogger(__name__)

EXTENSION = "website.jobs"
# Longest sleep between two looks at the timers (a job's `every` may be longer).
MAX_SLEEP_SECONDS = 60.0


@dataclass(frozen=True)
class Job:
    """A kind of background work the site runs by itself."""

    name: str
    # One round of the work, called inside an app context; True when more is due at once.
    run: Callable[[], bool]
    # Seconds between rounds when nothing wakes the job.
    every: float
    # A config flag that switches the job off (None: always on while JOBS_ENABLED).
    enabled_by: str | None = None
    # Tables whose new rows wake the job once their transaction commits (jobs/triggers.py).
    woken_by: tuple[str, ...] = ()


class JobRunner:
    """The jobs of one app, and the thread that runs them in this process."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()
        self.wakeup = threading.Event()
        self.woken: set[str] = set()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.pid = 0
        self.failures: dict[str, int] = {}

    def add(self, job: Job) -> None:
        """Register a kind of work (before the runner starts)."""
        self.jobs[job.name] = job

    def running(self) -> bool:
        """True when this process's thread is alive (a forked child has none yet)."""
        return self.thread is not None and self.pid == os.getpid() and self.thread.is_alive()

    def start(self) -> None:
        """Start this process's thread, once."""
        with self.lock:
            if self.running():
                return
            self.stopping.clear()
            self.pid = os.getpid()
            self.thread = threading.Thread(target=self.loop, name="jobs", daemon=True)
            self.thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Let the current round finish and end the thread."""
        self.stopping.set()
        self.wakeup.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def wake(self, name: str) -> None:
        """Run the job's next round now rather than at its timer."""
        with self.lock:
            self.woken.add(name)
        self.wakeup.set()

    def loop(self) -> None:
        """Run each job when due or woken; sleep until the next is due."""
        next_round = dict.fromkeys(self.jobs, 0.0)
        while not self.stopping.is_set():
            with self.lock:
                woken, self.woken = self.woken, set()
                self.wakeup.clear()
            for job in self.jobs.values():
                if not self.enabled(job):
                    continue
                if job.name in woken or next_round[job.name] <= time.monotonic():
                    next_round[job.name] = self.run_round(job)
            pause = min(next_round.values(), default=0.0) - time.monotonic()
            self.wakeup.wait(min(max(pause, 0.0), MAX_SLEEP_SECONDS))

    def enabled(self, job: Job) -> bool:
        """False when the job's config flag switches it off."""
        return job.enabled_by is None or bool(self.app.config.get(job.enabled_by))

    def run_round(self, job: Job) -> float:
        """One round of the job; when its next round is due (monotonic time)."""
        started = time.monotonic()
        with self.app.app_context():
            try:
                more = job.run()
            except SQLAlchemyError as error:
                database_outage.failed(error)
                return self.retry_at(job)
            except Exception:
                if self.failures.get(job.name, 0) == 0:
                    log.exception("background job %s failed; retrying with backoff", job.name)
                return self.retry_at(job)
            finally:
                discard_session()
        database_outage.answered(started)
        self.failures[job.name] = 0
        return time.monotonic() if more else time.monotonic() + job.every

    def retry_at(self, job: Job) -> float:
        """After a failed round: 1, 2, 4 ... seconds, never later than the job's timer."""
        failures = self.failures[job.name] = self.failures.get(job.name, 0) + 1
        return time.monotonic() + min(2.0 ** (failures - 1), job.every)


def runner_of(app: Flask) -> JobRunner:
    """The app's runner (made on first use)."""
    runner = app.extensions.get(EXTENSION)
    if runner is None:
        runner = app.extensions.setdefault(EXTENSION, JobRunner(app))
    return runner


def register_job(app: Flask, job: Job) -> None:
    """Add a kind of background work to the app's runner."""
    runner_of(app).add(job)


def start_jobs(app: Flask) -> bool:
    """Start the runner's thread in this process when JOBS_ENABLED; True when it runs."""
    if not app.config["JOBS_ENABLED"]:
        return False
    runner_of(app).start()
    return True


def wake(app: Flask, name: str) -> None:
    """Ask for the job's next round now (a no-op where the runner is off)."""
    runner = runner_of(app)
    if runner.running() or start_jobs(app):
        runner.wake(name)


def register_jobs(app: Flask) -> None:
    """Start the runner with the first request a worker serves, when no server hook started it
    (deploy/gunicorn.conf.py starts it as soon as a worker boots)."""

    @app.before_request
    def start_runner() -> None:
        if app.config["JOBS_ENABLED"] and not runner_of(app).running():
            start_jobs(app)


def discard_session() -> None:
    """End a round's session. A database that stopped answering cannot take the rollback: the
    connection is dropped with the session, and the runner lives on (the outage is logged once)."""
    try:
        db.session.remove()
    except Exception:  # a dead connection must not end the runner's thread
        log.debug("the round's session ended without its rollback", exc_info=True)
