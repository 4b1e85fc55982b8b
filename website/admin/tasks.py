"""Admin: the systems' tasks of rights requests (mark done, upload an export, waive, resend),
and the queue of open tasks by system."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from website.accounts.guards import role_required
from website.accounts.roles import Role
from website.admin import bp
from website.admin.rights import detail_page, request_or_404
from website.jobs import wake
from website.rights import tasks
from website.rights.task_queue import is_late, task_queue_page
from website.rights.terms import RightsError
from website.systems.forms import TaskDoneForm, TaskWaiveForm
from website.systems.service import active_systems

TASK_FORMS: dict[str, Any] = {"done": TaskDoneForm, "waive": TaskWaiveForm,
                              "resend": TaskWaiveForm}


@bp.post("/rights/<reference>/tasks/<int:task_id>/<action>")
@role_required(Role.REQUEST_HANDLER)
def task_action(reference: str, task_id: int, action: str) -> ResponseReturnValue:
    """Mark a system's task done (with a note or its export), waive it, or resend its email."""
    item = request_or_404(reference)
    if action not in TASK_FORMS:
        abort(404)
    form = TASK_FORMS[action]()
    admin = current_user._get_current_object()
    try:
        task = tasks.task_of(item, task_id)
        if action == "resend":
            tasks.resend(item, task, admin)
            message = f"The request went to {task.system.name} again."
            if task.system.kind == "webhook":
                wake(current_app, "webhooks")
                message = f"The task is queued for {task.system.name} again."
        elif not form.validate_on_submit():
            raise RightsError("; ".join(e for errors in form.errors.values() for e in errors))
        elif action == "waive":
            tasks.waive(item, task, admin, form.reason.data)
            message = f"The task for {task.system.name} is waived."
        else:
            upload = form.export.data
            export = (upload.filename or "", upload.read()) if upload else None
            tasks.mark_done(item, task, admin, form.note.data or "", export)
            message = f"The task for {task.system.name} is done."
    except RightsError as error:
        flash(f"The task did not change: {error}", "error")
        return detail_page(item), 400
    flash(message, "success")
    return redirect(url_for("admin.rights_detail", reference=reference, _anchor="tasks"), 303)


@bp.get("/tasks")
@role_required(Role.REQUEST_HANDLER)
def task_queue() -> str:
    """Open tasks, the requests soonest due first: which request waits on which system, and
    which are late."""
    system_arg = request.args.get("system", "")
    late = request.args.get("late", "") == "1"
    page_arg = request.args.get("page", "1")
    if not (page_arg.isascii() and page_arg.isdigit() and len(page_arg) < 7):
        abort(400, "The page number must be a whole number.")
    if system_arg and not (system_arg.isascii() and system_arg.isdigit()
                           and len(system_arg) < 10):
        abort(400, "Unknown system. Choose one from the list.")
    system_id = int(system_arg) if system_arg else None
    page = task_queue_page(system_id, late, int(page_arg))
    return render_template("admin/task_queue.html", page=page, systems=active_systems(),
                           system_id=system_id, late=late, is_late=is_late)
