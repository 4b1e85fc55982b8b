"""Sending each pending task of a webhook system, from the job runner (never in a web request).

A task is claimed (website/jobs claim_rows), held for the attempt (still_held, committed before
the POST), sent as a Standard Webhooks request whose `webhook-id` is the task's own (a resend
after a crash is recognisably the same message), and its outcome stored: "sent" (waiting for
the system's signed answer), or another try after a backoff, or failed for good after
WEBHOOK_MAX_ATTEMPTS or a refusal a retry cannot fix (shown on the admin's request page)."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import ColumnElement, and_, case, delete, or_, select, update

from website.extensions import db, rowcount, utcnow
from website.jobs import Job, claim_rows, register_job, still_held, wake_on_insert
from website.rights.tasks import ASKS, record_told
from website.systems.models import RequestTask, System
from website.systems.service import TOLD_TYPES
from website.webhooks import signing
from website.webhooks.addresses import EndpointError, check_endpoint
from website.webhooks.keys import SecretError, secret_of
from website.webhooks.models import SeenAnswer

log = logging.getLogger(__name__)
CLAIM_SECONDS = 60
ROUND = 50
MAX_BACKOFF = timedelta(hours=6)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is not followed: it could lead past the endpoint check."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        """Never a new request."""
        return None


OPENER = urllib.request.build_opener(NoRedirects)


class PermanentFailure(Exception):
    """A failure no retry can fix (a refused address, a 4xx answer, no secret)."""


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


def post(task: RequestTask) -> None:
    """Send the task once; raises on any failure (PermanentFailure when a retry cannot help)."""
    system = task.system
    try:
        check_endpoint(system.endpoint)
        secret = secret_of(system)
    except (EndpointError, SecretError) as error:
        raise PermanentFailure(str(error)) from None
    body = json.dumps(payload(task), separators=(",", ":")).encode()
    request = urllib.request.Request(  # noqa: S310 - check_endpoint: http(s) only
        system.endpoint, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "privacy-site-webhooks",
        **signing.headers(secret, webhook_id(task), body)})
    timeout = current_app.config["WEBHOOK_TIMEOUT_SECONDS"]
    try:
        with OPENER.open(request, timeout=timeout) as response:
            response.read(1024)
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:
            raise PermanentFailure(f"The endpoint answered {error.code}: a webhook does not "
                                   "follow redirects.") from None
        if 400 <= error.code < 500 and error.code not in (408, 409, 425, 429):
            raise PermanentFailure(f"The endpoint answered {error.code}.") from None
        raise


def deliver_pending(limit: int = ROUND) -> tuple[int, int]:
    """Send what is due, a few claimed at a time. (sent, failed)"""
    sent = failed = 0
    tried: list[int] = []  # each task once per round: a failure waits for its backoff
    while sent + failed < limit:
        due = and_(_due(utcnow()), RequestTask.id.not_in(tried)) if tried else _due(utcnow())
        batch = claim_rows(RequestTask, due, RequestTask.claimed_until,
                           CLAIM_SECONDS, min(10, limit - sent - failed))
        if not batch:
            break
        tried.extend(batch)
        for task_id in batch:
            task = db.session.get(RequestTask, task_id, populate_existing=True)
            if task is not None and deliver_one(task):
                sent += 1
            else:
                failed += 1
    return sent, failed


def deliver_one(task: RequestTask) -> bool:
    """Send one claimed task and store the outcome; True when the system took it."""
    timeout = current_app.config["WEBHOOK_TIMEOUT_SECONDS"]
    if not still_held(RequestTask, RequestTask.claimed_until, task.id, task.claimed_until,
                      timeout + CLAIM_SECONDS):
        return False
    task = db.session.get(RequestTask, task.id, populate_existing=True)  # type: ignore[assignment]
    try:
        post(task)
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the task
        record_failure(task, error)
        db.session.commit()
        return False
    record_sent(task)
    return True


def record_sent(task: RequestTask) -> None:
    """The system took the task: "sent", unless its answer already came (it may answer before
    this worker gets here: then the task is settled and stays so); one UPDATE; commits."""
    now, pending = utcnow(), RequestTask.state == "pending"
    db.session.execute(
        update(RequestTask).where(RequestTask.id == task.id).values(
            attempts=RequestTask.attempts + 1, claimed_until=None, last_error="",
            state=case((pending, "sent"), else_=RequestTask.state),
            sent_at=case((pending, now), else_=RequestTask.sent_at)),
        execution_options={"synchronize_session": False})
    if task.rights_request.request_type in TOLD_TYPES:
        db.session.refresh(task)
        if task.state == "sent":
            record_told(task.rights_request, task, f"by webhook to {task.system.name}")
    db.session.commit()


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
                          every=app.config["WEBHOOK_POLL_SECONDS"]))
    wake_on_insert(RequestTask.__tablename__, "webhooks")
