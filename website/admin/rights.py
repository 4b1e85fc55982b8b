"""Admin: the rights-request queue and the actions on one request."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from website.accounts.guards import role_required
from website.accounts.roles import Role
from website.accounts.service import account_names
from website.admin import bp, or_404
from website.admin.confirm import Confirmation, confirmation_page, confirmed
from website.mail.service import failed_emails
from website.processing import flags_for
from website.rights import clock, service, stages, tasks, terms, workflow
from website.rights.forms import (
    CHANNELS,
    ActionForm,
    CompleteForm,
    ExtendForm,
    IntakeForm,
    LiftForm,
    PauseForm,
    RejectForm,
    ResumeForm,
)
from website.rights.intake import Received, enter_request
from website.rights.models import RightsRequest
from website.rights.personal_data import erased_on
from website.rights.queue import DUE_FILTERS, STATUS_FILTERS, queue_page, urgency
from website.search import HOW_TO_SEARCH, parse_search
from website.systems.forms import TaskDoneForm, TaskWaiveForm


def request_or_404(reference: str) -> RightsRequest:
    """The request with this reference, or 404."""
    return or_404(service.get_by_reference(reference),
                  "There is no rights request with this reference.")


@bp.get("/rights")
@role_required(Role.REQUEST_HANDLER)
def rights_queue() -> str:
    """Open requests first by due date; filters by type and status; 50 a page."""
    search = parse_search(request.args.get("q"))
    request_type = request.args.get("type", "")
    # A search looks through every status unless one is chosen.
    status = request.args.get("status") or ("all" if search else "open")
    due = request.args.get("due", "")
    page_arg = request.args.get("page", "1")
    if request_type and request_type not in terms.TYPES:
        abort(400, "Unknown request type. Choose one from the list.")
    if status not in STATUS_FILTERS:
        abort(400, "Unknown status. Choose one from the list.")
    if due and due not in DUE_FILTERS:
        abort(400, "Unknown due date filter. Choose one from the list.")
    if not (page_arg.isascii() and page_arg.isdigit() and len(page_arg) < 7):
        abort(400, "The page number must be a whole number.")
    page = queue_page(request_type, status, int(page_arg), due, search)
    return render_template(
        "admin/rights_queue.html", page=page, types=terms.TYPES, statuses=terms.STATUSES,
        limits=flags_for(item.email for item in page.items),
        waiting=tasks.waiting_on(item.id for item in page.items), days_left=stages.days_left,
        erased_on=erased_on,
        status_filters=STATUS_FILTERS, urgency=urgency, how_to_search=HOW_TO_SEARCH,
        request_type=request_type, status=status, due=due, search=search,
    )


def detail_page(item: RightsRequest, **forms: object) -> str:
    """The detail page with the forms of the actions possible now.

    Only the form that was posted keeps what was typed: the others start empty (formdata=None),
    so a failed extension's reason never reappears in the rejection box."""
    forms.setdefault("action_form", ActionForm(formdata=None))
    forms.setdefault("complete_form", CompleteForm(formdata=None))
    forms.setdefault("reject_form", RejectForm(formdata=None))
    forms.setdefault("extend_form", ExtendForm(formdata=None))
    forms.setdefault("lift_restriction_form", LiftForm(formdata=None))
    forms.setdefault("pause_form", PauseForm(formdata=None))
    forms.setdefault("resume_form", ResumeForm(formdata=None))
    actions = workflow.available_actions(item)
    return render_template(
        "admin/rights_detail.html", item=item, types=terms.TYPES, statuses=terms.STATUSES,
        due=item.due_in_force, urgency=urgency(item),
        failed_mail=failed_emails(item.reference),
        limits=flags_for([item.email]).get(item.email.lower(), []),
        actions=actions, primary=stages.primary_action(actions), stages=stages.stages(item),
        days_left=stages.days_left(item), tasks=tasks.tasks_of(item), gone=erased_on(item),
        actors=account_names(event.actor_id for event in item.events),
        task_done_form=TaskDoneForm(formdata=None), task_waive_form=TaskWaiveForm(formdata=None),
        export_days=current_app.config["RETENTION_DAYS"]["system_exports"],
        **forms,
    )


@bp.route("/rights/new", methods=["GET", "POST"])
@role_required(Role.REQUEST_HANDLER)
def rights_new() -> ResponseReturnValue:
    """Enter a request received by email, phone or post."""
    form = IntakeForm()
    if request.method == "GET":
        return render_template("admin/rights_new.html", form=form, types=terms.TYPES)
    if not form.validate_on_submit():
        return render_template("admin/rights_new.html", form=form, types=terms.TYPES), 400
    admin = current_user._get_current_object()
    received_on = form.received_date
    assert received_on is not None  # validate_on_submit required a valid date
    item = enter_request(Received(
        request_type=form.request_type.data, name=form.name.data, email=form.email.data,
        details=form.details.data or "", received_on=received_on,
        channel=form.channel.data, identity_checked=bool(form.identity_checked.data),
    ), admin)
    if item.status == "verified":
        assert item.due_on is not None  # a verified request has its due date
        flash(f"Entered as verified; due {item.due_on.isoformat()}, counted from the day it "
              f"was received by {CHANNELS[item.channel].lower()}.", "success")
    else:
        flash("Entered. A confirmation link went to the address: the month runs from when "
              "the requester follows it.", "success")
    return redirect(url_for("admin.rights_detail", reference=item.reference), 303)


@bp.get("/rights/<reference>")
@role_required(Role.REQUEST_HANDLER)
def rights_detail(reference: str) -> str:
    """One request: its data, history and the actions allowed now."""
    return detail_page(request_or_404(reference))


@bp.post("/rights/<reference>/<action>")
@role_required(Role.REQUEST_HANDLER)
def rights_action(reference: str, action: str) -> ResponseReturnValue:
    """Start, complete, reject, extend, pause or resume the clock, approve deletion or lift a
    restriction."""
    item = request_or_404(reference)
    forms = {"start": ActionForm, "complete": CompleteForm, "reject": RejectForm,
             "extend": ExtendForm, "approve_deletion": ActionForm,
             "lift_restriction": LiftForm, "pause": PauseForm, "resume": ResumeForm}
    if action not in forms:
        abort(404)
    form: Any = forms[action]()  # WTForms is untyped: its forms are Any
    posted = {"action_form" if forms[action] is ActionForm else f"{action}_form": form}
    if not form.validate_on_submit():
        flash("The action was not done: please correct the form.", "error")
        return detail_page(item, **posted), 400
    if action in CONFIRMED_ACTIONS and action in workflow.available_actions(item):
        # Approving an erasure also needs a recent authentication (asked on the same page).
        if not confirmed(recent_auth=action == "approve_deletion"):
            return confirmation_page(CONFIRMED_ACTIONS[action](item, form))
    try:
        message = run_action(item, action, form)
    except terms.RightsError as error:
        flash(str(error), "error")
        return detail_page(item, **posted), 400
    flash(message, "success")
    return redirect(url_for("admin.rights_detail", reference=reference), 303)


def run_action(item: RightsRequest, action: str, form: Any) -> str:
    """Call the workflow for one action; return the message for the admin."""
    admin = current_user._get_current_object()
    if action == "start":
        workflow.start(item, admin)
        return "The request is in progress; the owner has been told."
    if action == "complete":
        workflow.complete(item, admin, form.outcome.data or "")
        return "The request is completed; the owner has been told."
    if action == "reject":
        workflow.reject(item, admin, form.reason.data)
        return "The request is rejected; the owner has the reason and their right to complain."
    if action == "extend":
        workflow.extend(item, admin, int(form.months.data), form.reason.data)
        return "The due date is extended; the owner has been told why."
    if action == "pause":
        clock.pause(item, admin, form.question.data)
        return "The question went to the requester; the clock is paused until they answer."
    if action == "resume":
        days = clock.resume(item, admin, form.note.data or "")
        return f"The clock runs again; the due date moved by {days} day(s)."
    if action == "lift_restriction":
        workflow.lift_restriction(item, admin, form.reason.data)
        return "The owner has been told; the restriction is lifted."
    report = workflow.approve_deletion(item, admin)
    return (
        f"Erased: account {'deleted' if report.account_deleted else 'none found'}, "
        f"{counted(report.support_requests, 'support request')} anonymised, "
        f"{counted(report.consent_records, 'consent record')} unlinked, "
        f"{counted(report.emails, 'email')} deleted."
    )


def counted(number: int, thing: str) -> str:
    """'1 email', '2 emails' (the admin pages are in English)."""
    return f"{number} {thing}" if number == 1 else f"{number} {thing}s"


def reject_confirmation(item: RightsRequest, form: RejectForm) -> Confirmation:
    """What rejecting the request will do."""
    return Confirmation(
        title=f"Reject request {item.reference}?",
        consequences=[
            f"Close request {item.reference} ({terms.TYPES[item.request_type][0].lower()}, "
            f"from {item.name}) as rejected; it cannot be reopened.",
            f"Email {item.email} the reason below, and tell them they may complain to a "
            "data-protection authority.",
        ],
        button=f"Reject and email {item.email}",
        cancel_url=url_for("admin.rights_detail", reference=item.reference),
        quoted={"Reason sent to the owner": form.reason.data or ""},
    )


def erasure_confirmation(item: RightsRequest, form: object) -> Confirmation:
    """What approving the deletion will do."""
    return Confirmation(
        title=f"Erase the data of {item.email}?",
        consequences=[
            f"Erase the data of {item.email}: delete the account registered with this address "
            "(if any), anonymise its support and other rights requests, unlink its consent "
            "records and delete its emails.",
            f"Complete request {item.reference} and send a last email to {item.email}; after "
            "that the address is not kept.",
        ],
        button=f"Erase the data of {item.email}",
        cancel_url=url_for("admin.rights_detail", reference=item.reference),
    )


# The irreversible actions: each asks first, with the page its function describes.
CONFIRMED_ACTIONS = {"reject": reject_confirmation, "approve_deletion": erasure_confirmation}
