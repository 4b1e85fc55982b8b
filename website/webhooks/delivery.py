"""Sending each pending task of a webhook system, from the job runner (never in a web request).

Several tasks go at once (a thread pool of WEBHOOK_CONCURRENCY, at most WEBHOOK_PER_SYSTEM to
one system); the threads only make the POST (website/webhooks/sending.py), the database work
stays in the job's thread. A task is claimed (website/jobs claim_rows), held for the attempt
(still_held, committed before the POST), sent as a Standard Webhooks request whose `webhook-id`
is the task's own (a resend after a crash is recognisably the same message), and its outcome
stored once: "sent" (waiting for the system's signed answer), or another try after a backoff,
or failed for good after WEBHOOK_MAX_ATTEMPTS or a refusal a retry cannot fix (shown on the
admin's request page)."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select, update
from sqlalchemy.orm import joinedload

from website.extensions import db, rowcount, utcnow
from website.jobs import Job, claim_rows, register_job, still_held_rows
from website.rights.tasks import ASKS, record_told
from website.systems.models import RequestTask, System
from website.systems.service import TOLD_TYPES
from website.webhooks import signing
from website.webhooks.addresses import allowed_hosts
from website.webhooks.keys import SecretError, secret_of
from website.webhooks.models import SeenAnswer
from website.webhooks.sending import Outgoing, PermanentFailure, send

log = logging.getLogger(__name__)
CLAIM_SECONDS = 60
ROUND = 200  # tasks per round at most; a full round asks for another at once
MAX_BACKOFF = timedelta(hours=6)


def webhook_id(task: RequestTask) -> str:
    """The task's stable message id: the same on every try."""
    return f"msg_task_{task.id}"


def _due(now: datetime) -> ColumnElement[bool]:
    webhook_systems = select(System.id).where(System.kind == "webhook").scalar_subquery()
    return and_(RequestTask.state == "pending", RequestTask.failed_at.is_(None),
                RequestTask.system_id.in_(webhook_systems),
                or_(RequestTask.next_attempt_at.is_(None), RequestTask.next_attempt_at <= now))


def payload(task: RequestTask) -> dict[str, object]:
    """What the system is told: the request, the person, and where to answer."""
    item = task.rights_request
    site = current_app.config["SITE_URL"].rstrip("/")
    return {
        "type": "rights.task", "task_id": task.id, "reference": item.reference,
        "request_type": item.request_type, "ask": ASKS.get(item.request_type, ""),
        "details": item.details,
        "subject": {"email": item.email, "account_id": item.user_id},
        "callback_url": f"{site}/hooks/tasks/{task.id}",  # website/webhooks/views.py answer
    }


class DeliveryRound:
    """One round's bookkeeping: which systems still have due tasks, how many of each are in
    flight (at most WEBHOOK_PER_SYSTEM: a slow system never takes every thread), and each task
    tried once per round (a failure waits for its backoff)."""

    def __init__(self, limit: int) -> None:
        config = current_app.config
        self.limit, self.per_system = limit, config["WEBHOOK_PER_SYSTEM"]
        self.timeout, self.allowed = config["WEBHOOK_TIMEOUT_SECONDS"], allowed_hosts()
        self.tried: list[int] = []
        self.busy: Counter[int] = Counter()
        self.sent = self.failed = 0
        self.systems = list(db.session.scalars(
            select(RequestTask.system_id).where(_due(utcnow())).distinct()))

    def take(self, room: int) -> Iterator[Outgoing]:
        """Claim and prepare up to `room` more tasks, fairly across systems."""
        for system_id in list(self.systems):
            wanted = min(room, self.per_system - self.busy[system_id],
                         self.limit - len(self.tried))
            if wanted <= 0:
                continue
            due = and_(_due(utcnow()), RequestTask.system_id == system_id)
            if self.tried:
                due = and_(due, RequestTask.id.not_in(self.tried))
            claimed = claim_rows(RequestTask, due, RequestTask.claimed_until, CLAIM_SECONDS,
                                 wanted)
            if not claimed:
                self.systems.remove(system_id)
                continue
            self.tried.extend(claimed)
            prepared = self.prepare(claimed)
            self.failed += len(claimed) - len(prepared)
            self.busy[system_id] += len(prepared)
            room -= len(prepared)
            yield from prepared

    def prepare(self, task_ids: list[int]) -> list[Outgoing]:
        """The signed webhooks of tasks claimed together, their attempt recorded (still_held,
        committed before the POST); a task whose claim lapsed is left alone, one whose secret
        cannot be opened fails for good (recorded)."""
        tasks = self.load(task_ids)
        held: set[int] = set()
        for lease in {task.claimed_until for task in tasks}:  # one claim: one lease value
            same = [task.id for task in tasks if task.claimed_until == lease]
            held.update(still_held_rows(RequestTask, RequestTask.claimed_until, same, lease,
                                        self.timeout + CLAIM_SECONDS))
        ready, refused = [], False
        for task in tasks:
            if task.id not in held:
                continue
            try:
                secret = secret_of(task.system)
            except SecretError as error:
                record_failure(task, PermanentFailure(str(error)))
                refused = True
                continue
            body = json.dumps(payload(task), separators=(",", ":")).encode()
            headers = {"Content-Type": "application/json", "User-Agent": "privacy-site-webhooks",
                       **signing.headers(secret, webhook_id(task), body)}
            ready.append(Outgoing(task.id, task.system_id, task.system.endpoint, body, headers,
                                  self.timeout, self.allowed))
        if refused:
            db.session.commit()
        return ready

    def finished(self, results: list[tuple[Outgoing, BaseException | None]]) -> None:
        """Store the outcomes of sends that ended (in the job's thread, with its session), in
        one transaction."""
        tasks = {task.id: task for task in self.load([out.task_id for out, _ in results])}
        for outgoing, error in results:
            self.busy[outgoing.system_id] -= 1
            task = tasks[outgoing.task_id]  # a held task is not deleted (its request is open)
            if error is None:
                record_sent(task)
                self.sent += 1
            else:
                record_failure(task, error if isinstance(error, Exception) else
                               Exception(str(error)))
                self.failed += 1
        db.session.commit()

    @staticmethod
    def load(task_ids: list[int]) -> list[RequestTask]:
        """The tasks fresh from the database, with their request and system, in one query."""
        query = (select(RequestTask).where(RequestTask.id.in_(task_ids))
                 .options(joinedload(RequestTask.rights_request), joinedload(RequestTask.system))
                 .order_by(RequestTask.id).execution_options(populate_existing=True))
        return list(db.session.scalars(query).unique())


def deliver_pending(limit: int = ROUND) -> tuple[int, int]:
    """Send up to `limit` due tasks, WEBHOOK_CONCURRENCY at once; (sent, failed).

    The POSTs run in a thread pool and touch no database; claiming, the record of each attempt
    and each outcome stay in this thread with its session."""
    work = DeliveryRound(limit)
    threads = current_app.config["WEBHOOK_CONCURRENCY"]
    in_flight: dict[Future[None], Outgoing] = {}
    with ThreadPoolExecutor(threads, thread_name_prefix="webhook") as pool:
        while True:
            for outgoing in work.take(threads - len(in_flight)):
                in_flight[pool.submit(send, outgoing)] = outgoing
            if not in_flight:
                break
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            work.finished([(in_flight.pop(future), future.exception()) for future in done])
    return work.sent, work.failed


def record_sent(task: RequestTask) -> None:
    """The system took the task: "sent", unless its answer already came (it may answer before
    this worker gets here: then the task is settled and stays so, and still gets its send
    time); one UPDATE (the caller commits)."""
    now, pending = utcnow(), RequestTask.state == "pending"
    db.session.execute(
        update(RequestTask).where(RequestTask.id == task.id).values(
            attempts=RequestTask.attempts + 1, claimed_until=None, last_error="",
            state=case((pending, "sent"), else_=RequestTask.state),
            sent_at=case((pending, now), else_=func.coalesce(RequestTask.sent_at, now))),
        execution_options={"synchronize_session": False})
    if task.rights_request.request_type in TOLD_TYPES:
        db.session.refresh(task)
        if task.state == "sent":
            record_told(task.rights_request, task, f"by webhook to {task.system.name}")


def record_failure(task: RequestTask, error: Exception) -> None:
    """Count the try; wait before the next, or mark the task failed for good (the caller
    commits)."""
    task.attempts += 1
    task.last_error = f"{error.__class__.__name__}: {error}"[:500]
    task.claimed_until = None
    config = current_app.config
    if isinstance(error, PermanentFailure) or task.attempts >= config["WEBHOOK_MAX_ATTEMPTS"]:
        log.warning("webhook task %s failed for good: %s", task.id, task.last_error)
        task.failed_at = utcnow()
        return
    wait = timedelta(seconds=config["WEBHOOK_RETRY_SECONDS"] * 2 ** (task.attempts - 1))
    task.next_attempt_at = utcnow() + min(wait, MAX_BACKOFF)


def forget_old_answer_ids() -> int:
    """Drop the answer ids older than twice the replay window and a minute (a timestamp may
    lie 5 minutes ahead): an answer that old is refused by its timestamp already. Commits."""
    cutoff = utcnow() - timedelta(seconds=2 * signing.TOLERANCE_SECONDS + 60)
    result = db.session.execute(delete(SeenAnswer).where(SeenAnswer.seen_at < cutoff))
    db.session.commit()
    return rowcount(result)


def deliver_due_webhooks() -> bool:
    """The job runner's round; True when a full round went (more may be waiting)."""
    forget_old_answer_ids()
    sent, failed = deliver_pending()
    return sent + failed >= ROUND


def register_delivery(app: Flask) -> None:
    """Send webhook tasks from the site's job runner: every WEBHOOK_POLL_SECONDS, and at once
    after any commit that created tasks (website/jobs/triggers.py)."""
    register_job(app, Job("webhooks", deliver_due_webhooks,
                          every=app.config["WEBHOOK_POLL_SECONDS"],
                          woken_by=(RequestTask.__tablename__,)))
