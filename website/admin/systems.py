"""Admin: the register of systems that hold personal data (this site is one, read-only)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from website.accounts.guards import role_required
from website.accounts.roles import Role
from website.accounts.sessions import recent_auth_required
from website.admin import bp, or_404
from website.admin.confirm import Confirmation, confirmation_page, confirmed
from website.records.register import LEGAL_BASES
from website.records.service import entry_data, entry_purposes, entry_retention
from website.systems import service
from website.systems.forms import KIND_LABELS, SystemForm
from website.systems.models import System
from website.webhooks.keys import issue_secret

# The register needs the `administrator` role (SPEC). Until the roles merge every admin holds
# it: at merge, switch this one line to the role guard, e.g. role_required("administrator").
administrator_required = role_required(Role.ADMINISTRATOR)


def system_or_404(system_id: int) -> System:
    """The system, or 404."""
    return or_404(service.get_system(system_id), "There is no system with this number.")


def register_page(form: SystemForm, status: int = 200) -> tuple[str, int]:
    """The register: this site first, then every system, and the form to add one."""
    return render_template(
        "admin/systems.html", this_site=service.SiteSystem(), systems=service.active_systems(),
        form=form, bases=LEGAL_BASES, kinds=KIND_LABELS,
    ), status


@bp.route("/systems", methods=["GET", "POST"])
@administrator_required
def systems() -> ResponseReturnValue:
    """The register of systems; a POST adds one."""
    form = SystemForm()
    if request.method == "GET":
        return register_page(SystemForm(formdata=None))
    if not form.validate_on_submit():
        return register_page(form, 400)
    try:
        system = service.save_system(None, form.values(), current_user._get_current_object())
    except service.SystemError as error:
        form.name.errors = [*form.name.errors, str(error)]
        return register_page(form, 400)
    flash(f"{system.name} is in the register; the record of processing, the retention page "
          "and every new export now include it.", "success")
    if system.kind == "webhook":
        return secret_page(system)
    return redirect(url_for("admin.system", system_id=system.id), 303)


@bp.get("/systems/site")
@administrator_required
def site_system() -> str:
    """This site as a system: read-only, derived from the code's processing register."""
    this_site = service.SiteSystem()
    rows = [{"data": entry_data(e), "purposes": entry_purposes(e),
             "legal_basis": str(e.legal_basis), "recipients": [str(r) for r in e.recipients],
             "retention": entry_retention(e)} for e in this_site.entries]
    return render_template("admin/system_site.html", this_site=this_site, rows=rows)


@bp.route("/systems/<int:system_id>", methods=["GET", "POST"])
@administrator_required
def system(system_id: int) -> ResponseReturnValue:
    """One system: change it (action=save) or take it out of the register (action=retire)."""
    item = system_or_404(system_id)
    if request.method == "GET":
        return render_template("admin/system.html", system=item, form=SystemForm(obj=item))
    if request.form.get("action") == "retire":
        return retire(item)
    form = SystemForm()
    if not form.validate_on_submit():
        return render_template("admin/system.html", system=item, form=form), 400
    try:
        service.save_system(item, form.values(), current_user._get_current_object())
    except service.SystemError as error:
        form.name.errors = [*form.name.errors, str(error)]
        return render_template("admin/system.html", system=item, form=form), 400
    flash("Saved.", "success")
    if item.kind == "webhook" and not item.secret_sealed:
        return secret_page(item)
    return redirect(url_for("admin.system", system_id=item.id), 303)


def secret_page(item: System) -> tuple[str, int]:
    """A new signing secret for a webhook system, shown this once (never stored in the clear,
    never in a cookie or a URL)."""
    secret = issue_secret(item, current_user._get_current_object())
    return render_template("admin/system_secret.html", system=item, secret=secret), 200


@bp.post("/systems/<int:system_id>/secret")
@administrator_required
@recent_auth_required
def rotate_secret(system_id: int) -> ResponseReturnValue:
    """Replace a webhook system's signing secret (after a recent sign-in); shown once."""
    item = system_or_404(system_id)
    if item.kind != "webhook" or item.retired_at is not None:
        abort(404)
    return secret_page(item)


def retire(item: System) -> ResponseReturnValue:
    """Take the system out of the register, after asking (its past tasks stay)."""
    if item.retired_at is not None:
        flash("This system is already out of the register.", "info")
        return redirect(url_for("admin.system", system_id=item.id), 303)
    if not confirmed():
        return confirmation_page(Confirmation(
            title=f"Take {item.name} out of the register?",
            consequences=[f"New rights requests give {item.name} no task.",
                          "The record of processing, the retention page and new exports stop "
                          "listing it; its past tasks stay on their requests."],
            button=f"Take {item.name} out", cancel_url=url_for("admin.system", system_id=item.id),
        ))
    service.retire_system(item, current_user._get_current_object())
    flash(f"{item.name} is out of the register.", "success")
    return redirect(url_for("admin.systems"), 303)
