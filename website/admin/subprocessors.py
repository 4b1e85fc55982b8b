"""Admin: objections to coming sub-processors, each answered before the processor's start."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from website.accounts.guards import role_required
from website.accounts.roles import Role
from website.admin import bp
from website.extensions import db
from website.subprocessors import service
from website.subprocessors.forms import AnswerForm
from website.subprocessors.models import Objection


def objections_page(form: AnswerForm | None = None, status: int = 200) -> tuple[str, int]:
    """Open objections (earliest start first) and the latest answered ones."""
    return render_template("admin/objections.html", open=service.open_objections(),
                           answered=service.answered_objections(),
                           form=form or AnswerForm(formdata=None)), status


@bp.get("/subprocessors/objections")
@role_required(Role.ADMINISTRATOR)
def objections() -> tuple[str, int]:
    """The objections the team must answer before each sub-processor starts."""
    return objections_page()


@bp.post("/subprocessors/objections/<int:objection_id>")
@role_required(Role.ADMINISTRATOR)
def answer_objection(objection_id: int) -> ResponseReturnValue:
    """Answer one objection (field `answer`); the subscriber is emailed the answer."""
    objection = db.session.get(Objection, objection_id)
    if objection is None:
        abort(404, "There is no objection with this number.")
    form = AnswerForm()
    if objection.answered_at is not None:
        flash("This objection was already answered.", "error")
        return redirect(url_for("admin.objections"), 303)
    if not form.validate_on_submit():
        return objections_page(form, 400)
    service.answer(objection, form.answer.data, current_user._get_current_object())
    flash("The answer is stored and on its way to the subscriber.", "success")
    return redirect(url_for("admin.objections"), 303)
