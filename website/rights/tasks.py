"""Tasks: what each system of the register must do for a verified rights request.

When a request is verified, every system holding data of its kind gets a task (email systems
are sent their templated request at once); the request can be completed only once every task
is done or waived with a written reason. Art. 19: an erasure, correction or restriction is
passed to every recipient (a system run by a processor); who was told, and when, is on the
request's tasks (told_at), shown on its admin page and to the requester, and audited.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, current_app
from sqlalchemy import select

from website.accounts.models import User
from website.audit import record_audit
from website.extensions import db, utcnow
from website.mail.service import queue_email
from website.rights.models import RightsRequest
from website.rights.service import on_verified
from website.rights.terms import TYPES, RightsError
from website.systems import exports
from website.systems.models import OPEN_TASK_STATES, RequestTask, System
from website.systems.service import TOLD_TYPES, is_recipient, systems_for

NOTE_MAX = 5000
# What a system is asked to do, per request type (the email's words; the admin reads them too).
ASKS = {
    "access": "send us a copy of the personal data you hold about this person",
    "portability": "send us the personal data this person gave you, in a machine-readable file",
    "deletion": "erase the personal data you hold about this person, and confirm it (Art. 17, 19)",
    "correction": "correct the personal data you hold about this person as they ask (Art. 16, "
                  "19); the details follow",
    "restriction": "stop using this person's data apart from storing it until we tell you "
                   "(Art. 18, 19)",
    "objection": "stop processing this person's data for our legitimate interests (Art. 21)",
}
WANTS_EXPORT = ("access", "portability")


def tasks_of(item: RightsRequest) -> list[RequestTask]:
    """The request's tasks, in the order they were made."""
    query = select(RequestTask).where(RequestTask.request_id == item.id).order_by(RequestTask.id)
    return list(db.session.scalars(query))


def open_tasks(item: RightsRequest) -> list[RequestTask]:
    """The tasks still waiting (pending, or sent and not answered)."""
    return [task for task in tasks_of(item) if task.state in OPEN_TASK_STATES]


def require_settled(item: RightsRequest) -> None:
    """RightsError unless every task is done or waived: a request is not complete before."""
    waiting = open_tasks(item)
    if waiting:
        names = ", ".join(task.system.name for task in waiting)
        raise RightsError(f"Still waiting on {len(waiting)} system(s): {names}. Mark each task "
                          "done, or waive it with a written reason, before completing.")


def create_tasks(item: RightsRequest) -> list[RequestTask]:
    """A task for every system holding data of this request's kind; email systems are sent
    their request now (in the verification's transaction)."""
    db.session.flush()  # the request has its id
    if tasks_of(item):
        return []  # verified once only; never two sets of tasks
    made = []
    for system in systems_for(item.request_type):
        task = RequestTask(request_id=item.id, system_id=system.id, system=system,
                           state="pending", created_at=utcnow())
        db.session.add(task)
        made.append(task)
    db.session.flush()
    for task in made:
        if task.system.kind == "email":
            send_request_email(item, task)
    return made


def send_request_email(item: RightsRequest, task: RequestTask) -> None:
    """Queue the templated request to the processor's privacy address (the caller commits)."""
    system = task.system
    config = current_app.config
    queue_email(
        system.contact_email,
        f"Data-protection request {item.reference} ({item.request_type}) for {system.name}",
        "system_task", "en", reference=item.reference, rights_request=item, system=system,
        action=str(TYPES[item.request_type][0]).lower(), ask=ASKS[item.request_type],
        due=item.due_in_force.isoformat() if item.due_in_force else "",
        wants_export=item.request_type in WANTS_EXPORT,
        company=config.get("COMPANY_NAME") or "The company", reply_to=config["CONTACT_EMAIL"],
    )
    now = utcnow()
    task.state, task.sent_at = "sent", now
    record_told(item, task, f"by email to {system.contact_email}")


def record_told(item: RightsRequest, task: RequestTask, how: str,
                actor_id: int | None = None) -> None:
    """Art. 19: write on the request that this recipient was told (once)."""
    if item.request_type not in TOLD_TYPES or not is_recipient(task.system) or task.told_at:
        return
    task.told_at = utcnow()
    record_audit("rights.recipient_told", item.reference,
                 {"system": task.system.name, "processor": task.system.processor, "how": how},
                 actor_id=actor_id)


def recipients_told(item: RightsRequest) -> list[RequestTask]:
    """Art. 19: the recipients told of this request, with when (the page and status show it)."""
    return [task for task in tasks_of(item) if task.told_at is not None]


def task_of(item: RightsRequest, task_id: int) -> RequestTask:
    """One of the request's tasks, or RightsError."""
    task = db.session.get(RequestTask, task_id)
    if task is None or task.request_id != item.id:
        raise RightsError("There is no such task on this request.")
    return task


def _require_task_open(item: RightsRequest, task: RequestTask) -> None:
    if item.status not in ("verified", "in_progress"):
        raise RightsError("Only the tasks of an open request can change.")
    if task.state not in OPEN_TASK_STATES:
        raise RightsError("This task is already settled.")


def mark_done(item: RightsRequest, task: RequestTask, actor: User, note: str,
              export: tuple[str, bytes] | None = None) -> None:
    """A task done, with what was done: a note, or the system's export (file name, bytes)
    for the requester's export; commits."""
    _require_task_open(item, task)
    note = note.strip()
    if export is not None:
        try:
            upload = exports.attach(task, *export)
        except exports.UploadError as error:
            raise RightsError(str(error)) from None
        note = note or f"Export uploaded: {upload.filename} ({upload.size} bytes)."
    if not note:
        raise RightsError("Say what was done, or upload the system's export.")
    _settle(item, task, actor, "done", note)
    record_told(item, task, "by our team", actor.id)
    db.session.commit()


def waive(item: RightsRequest, task: RequestTask, actor: User, reason: str) -> None:
    """A task waived, with the written reason why it needs no action; commits."""
    _require_task_open(item, task)
    reason = reason.strip()
    if not reason:
        raise RightsError("A waived task needs a written reason.")
    _settle(item, task, actor, "waived", reason)
    db.session.commit()


def waive_open(item: RightsRequest, actor: User, reason: str) -> None:
    """Waive every open task (the request was rejected); the caller commits."""
    for task in open_tasks(item):
        _settle(item, task, actor, "waived", reason)


def _settle(item: RightsRequest, task: RequestTask, actor: User | None, state: str,
            note: str) -> None:
    task.state, task.note = state, note
    task.settled_at, task.settled_by_id = utcnow(), actor.id if actor else None
    record_audit(f"rights.task_{state}", item.reference,
                 {"system": task.system.name, "task": task.id},
                 actor_id=actor.id if actor else None,
                 actor=actor.email if actor else f"system:{task.system.name}")


def settle_by_system(item: RightsRequest, task: RequestTask, state: str, note: str,
                     export: tuple[str, bytes] | None = None) -> None:
    """A webhook system's own answer: done (with its export for an access request) or waived
    (it refused, with its reason); RightsError when the task is closed; the caller commits."""
    _require_task_open(item, task)
    if export is not None:
        try:
            exports.attach(task, *export)
        except exports.UploadError as error:
            raise RightsError(str(error)) from None
    _settle(item, task, None, state, note)
    if state == "done":
        record_told(item, task, f"confirmed by {task.system.name}")


def resend(item: RightsRequest, task: RequestTask, actor: User) -> None:
    """Send an email system its request again, or queue a failed webhook again; commits."""
    _require_task_open(item, task)
    if task.system.kind == "webhook":
        if task.failed_at is None:
            raise RightsError("Only a webhook that failed for good is sent again by hand; "
                              "the others are retried on their own.")
        task.failed_at, task.next_attempt_at, task.attempts = None, None, 0
        task.state = "pending"  # the webhook job sends it at its next round
    elif task.system.kind != "email":
        raise RightsError("Only an email or webhook system is sent its request again.")
    else:
        send_request_email(item, task)
    record_audit("rights.task_resent", item.reference, {"system": task.system.name},
                 actor_id=actor.id, actor=actor.email)
    db.session.commit()


def waiting_on(request_ids: Iterable[int]) -> dict[int, list[str]]:
    """For a queue page: request id -> the systems it still waits on."""
    ids = list(request_ids)
    if not ids:
        return {}
    query = (select(RequestTask.request_id, System.name)
             .join(System, System.id == RequestTask.system_id)
             .where(RequestTask.request_id.in_(ids), RequestTask.state.in_(OPEN_TASK_STATES))
             .order_by(RequestTask.request_id, System.name))
    found: dict[int, list[str]] = {}
    for request_id, name in db.session.execute(query):
        found.setdefault(request_id, []).append(name)
    return found


def register_tasks(app: Flask) -> None:
    """Verification makes the request's tasks."""
    on_verified(app, create_tasks)
