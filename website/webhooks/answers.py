"""A webhook system's answer to its task: a POST to /hooks/tasks/<task_id>, signed with the
system's own secret (Standard Webhooks, 5-minute window, each webhook-id taken once), JSON
`{"status": "done" | "refused", "summary", "data", "reason"}`. An access request's data goes
into the requester's export (the task's part, as an admin's upload does); an erasure's counts
and summary are its note; a refusal is the task waived with the system's reason.

Every refusal is an AnswerError with its HTTP status, raised before anything is written."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from website.extensions import db, utcnow
from website.rights.tasks import WANTS_EXPORT, settle_by_system
from website.rights.terms import RightsError
from website.systems.models import OPEN_TASK_STATES, RequestTask
from website.webhooks import signing
from website.webhooks.keys import SecretError, secret_of
from website.webhooks.models import SeenAnswer

STATUSES = ("done", "refused")
FIELDS = frozenset({"status", "summary", "data", "reason"})
TEXT_MAX = 5000


class AnswerError(Exception):
    """An answer refused: the HTTP status and the reason sent back."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def check_body(raw: bytes) -> dict[str, Any]:
    """The answer as data, or AnswerError(400) naming what is wrong."""
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise AnswerError(400, "The body is not JSON.") from None
    if not isinstance(answer, dict):
        raise AnswerError(400, "The body is a JSON object.")
    unknown = set(answer) - FIELDS
    if unknown:
        raise AnswerError(400, f"Unknown fields: {', '.join(sorted(unknown))}.")
    if answer.get("status") not in STATUSES:
        raise AnswerError(400, 'The status is "done" or "refused".')
    for name in ("summary", "reason"):
        value = answer.get(name, "")
        if not isinstance(value, str) or len(value) > TEXT_MAX:
            raise AnswerError(400, f"The {name} is a text of at most {TEXT_MAX} characters.")
    if "data" in answer and not isinstance(answer["data"], (dict, list)):
        raise AnswerError(400, "The data is a JSON object or list.")
    if answer["status"] == "refused" and not answer.get("reason", "").strip():
        raise AnswerError(400, "A refusal needs its reason.")
    return answer


def take_answer(task_id: int, headers: dict[str, str], raw: bytes) -> RequestTask:
    """Verify and apply one answer; commits. AnswerError (nothing changed) when refused."""
    task = db.session.get(RequestTask, task_id)
    if task is None or task.system.kind != "webhook":
        raise AnswerError(404, "There is no such webhook task.")
    try:
        secret = secret_of(task.system)
    except SecretError:
        raise AnswerError(401, "This system has no signing secret.") from None
    message_id = headers.get("webhook-id", "")
    try:
        signing.verify(secret, message_id, headers.get("webhook-timestamp", ""),
                       headers.get("webhook-signature", ""), raw)
    except signing.SignatureError as error:
        raise AnswerError(401, str(error)) from None
    if len(message_id) > 100 or db.session.scalar(select(SeenAnswer.id).where(
            SeenAnswer.system_id == task.system_id, SeenAnswer.webhook_id == message_id)):
        raise AnswerError(409, "This webhook-id was already received (a replay).")
    answer = check_body(raw)
    item = task.rights_request
    if task.state not in OPEN_TASK_STATES or item.status not in ("verified", "in_progress"):
        raise AnswerError(409, "This task is closed: it takes no more answers.")
    state, note, export = plan(task, answer)
    db.session.add(SeenAnswer(system_id=task.system_id, webhook_id=message_id, seen_at=utcnow()))
    try:
        settle_by_system(item, task, state, note, export)
        db.session.commit()
    except RightsError as error:
        db.session.rollback()
        raise AnswerError(422, str(error)) from None
    except IntegrityError:
        db.session.rollback()
        raise AnswerError(409, "This webhook-id was already received (a replay).") from None
    return task


def plan(task: RequestTask, answer: dict[str, Any]) -> tuple[str, str, tuple[str, bytes] | None]:
    """(state, note, export) for the task from a checked answer."""
    name = task.system.name
    summary = str(answer.get("summary", "")).strip()
    if answer["status"] == "refused":
        return "waived", f"Refused by {name}: {answer['reason'].strip()}", None
    data = answer.get("data")
    if task.rights_request.request_type in WANTS_EXPORT:
        if data is None:
            raise AnswerError(400, "An access task's answer carries the person's data.")
        body = json.dumps(data, ensure_ascii=False, indent=1).encode()
        note = summary or f"Export sent by {name} ({len(body)} bytes)."
        return "done", note, (f"{name[:150]}-answer.json", body)
    counts = f" {json.dumps(data, ensure_ascii=False, sort_keys=True)}" if data else ""
    note = (summary or f"Done by {name}.") + counts
    if len(note) > TEXT_MAX * 2:
        raise AnswerError(400, "The summary and data are too long for a task's note.")
    return "done", note, None
