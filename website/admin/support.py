"""Admin: the support queue. Reads and changes requests only through website.support.service."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from website.accounts.guards import role_required
from website.accounts.roles import Role
from website.accounts.service import account_names, accounts_with_role
from website.admin import bp
from website.mail.service import failed_emails
from website.processing import flags_for
from website.search import HOW_TO_SEARCH, parse_search
from website.support import service
from website.support.forms import AssignForm, CategoryForm, NoteForm, ReplyForm, StatusForm
from website.support.models import SupportRequest

STATUS_FILTERS = ("open", "closed", "all")


def queue_filters(searching: bool = False) -> tuple[str, str, int]:
    """Status, category and page from the query string; anything unknown means the default.

    A search looks through every status unless one is chosen."""
    default = "all" if searching else "open"
    status = request.args.get("status") or default
    status = status if status in STATUS_FILTERS else default
    category = request.args.get("category", "")
    category = category if category in service.CATEGORIES else ""
    page_text = request.args.get("page", "1")
    valid_page = page_text.isascii() and page_text.isdigit() and len(page_text) < 7
    page = int(page_text) if valid_page else 1
    return status, category, page


def acting_admin() -> service.Actor:
    """The logged-in admin, as the audit log names them."""
    return service.Actor(id=current_user.id, email=current_user.email)


def request_or_404(reference: str) -> SupportRequest:
    """The request, or a 404 page."""
    support_request = service.request_by_reference(reference)
    if support_request is None:
        abort(404, "There is no support request with that reference.")
    return support_request


def render_detail(
    support_request: SupportRequest, form: ReplyForm, status: int = 200,
    note_form: NoteForm | None = None,
) -> tuple[str, int]:
    """The request page: message, replies, reply form, close or reopen."""
    return render_template(
        "admin/support_detail.html",
        support_request=support_request,
        form=form,
        status_form=StatusForm(),
        category_form=category_form(support_request),
        note_form=note_form or NoteForm(formdata=None),
        assign_form=assign_form(support_request),
        authors=account_names([*(reply.author_id for reply in support_request.replies),
                               *(note.author_id for note in support_request.notes),
                               support_request.assignee_id]),
        urgent_category=service.URGENT_CATEGORY,
        urgent=support_request.category == service.URGENT_CATEGORY,
        failed_mail=failed_emails(support_request.reference),
        limits=flags_for([support_request.email]).get(support_request.email.lower(), []),
    ), status


def category_form(support_request: SupportRequest) -> CategoryForm:
    """The category picker, set to the request's category."""
    form = CategoryForm(formdata=None, category=support_request.category)
    form.category.choices = list(service.CATEGORIES.items())
    return form


def assign_form(support_request: SupportRequest) -> AssignForm:
    """The handler picker: nobody, or an account holding the request-handler role."""
    form = AssignForm(formdata=None, assignee=str(support_request.assignee_id or ""))
    form.assignee.choices = [("", "Nobody yet"), *(
        (str(user.id), f"{user.name} ({user.email})" if user.name else user.email)
        for user in accounts_with_role(Role.REQUEST_HANDLER))]
    return form


@bp.get("/support")
@role_required(Role.REQUEST_HANDLER)
def support_queue() -> str:
    """The support queue: filter by status and category, urgent first, 50 a page."""
    search = parse_search(request.args.get("q"))
    status, category, page = queue_filters(searching=search is not None)
    result = service.queue_page(status, category, page, search)
    return render_template(
        "admin/support_queue.html",
        result=result,
        limits=flags_for(item.email for item in result.items),
        search=search,
        how_to_search=HOW_TO_SEARCH,
        status=status,
        category=category,
        categories=service.CATEGORIES,
        urgent_category=service.URGENT_CATEGORY,
    )


@bp.get("/support/<reference>")
@role_required(Role.REQUEST_HANDLER)
def support_detail(reference: str) -> tuple[str, int]:
    """One request with its replies."""
    return render_detail(request_or_404(reference), ReplyForm())


@bp.post("/support/<reference>/reply")
@role_required(Role.REQUEST_HANDLER)
def support_reply(reference: str) -> ResponseReturnValue:
    """Send a reply by email (and close the request when asked)."""
    support_request = request_or_404(reference)
    form = ReplyForm()
    if not form.validate_on_submit():
        return render_detail(support_request, form, 400)
    if support_request.email == service.ERASED:
        form.body.errors.append("This request was anonymised: there is no address to reply to.")
        return render_detail(support_request, form, 400)
    service.reply_to_request(support_request, form.body.data, acting_admin(), form.close.data)
    flash(f"Reply sent to {support_request.email}.", "success")
    return redirect(url_for("admin.support_detail", reference=support_request.reference), 303)


@bp.post("/support/<reference>/close")
@role_required(Role.REQUEST_HANDLER)
def support_close(reference: str) -> ResponseReturnValue:
    """Close the request."""
    support_request = request_or_404(reference)
    if StatusForm().validate_on_submit():
        service.close_request(support_request, acting_admin())
        flash("Request closed.", "success")
    return redirect(url_for("admin.support_detail", reference=support_request.reference), 303)


@bp.post("/support/<reference>/reopen")
@role_required(Role.REQUEST_HANDLER)
def support_reopen(reference: str) -> ResponseReturnValue:
    """Reopen the request."""
    support_request = request_or_404(reference)
    if StatusForm().validate_on_submit():
        service.reopen_request(support_request, acting_admin())
        flash("Request reopened.", "success")
    return redirect(url_for("admin.support_detail", reference=support_request.reference), 303)


@bp.post("/support/<reference>/category")
@role_required(Role.REQUEST_HANDLER)
def support_category(reference: str) -> ResponseReturnValue:
    """Move the request to another category; the urgent one puts it at the top of the queue."""
    support_request = request_or_404(reference)
    form = CategoryForm()
    form.category.choices = list(service.CATEGORIES.items())
    if not form.validate_on_submit():
        flash("Choose a category from the list.", "error")
        return render_detail(support_request, ReplyForm(formdata=None), 400)
    service.change_category(support_request, form.category.data, acting_admin())
    flash(f"Category changed to {service.CATEGORIES[form.category.data]}.", "success")
    return redirect(url_for("admin.support_detail", reference=support_request.reference), 303)


@bp.post("/support/<reference>/note")
@role_required(Role.REQUEST_HANDLER)
def support_note(reference: str) -> ResponseReturnValue:
    """Keep an internal note on the request (the requester never sees it)."""
    support_request = request_or_404(reference)
    form = NoteForm()
    if not form.validate_on_submit():
        return render_detail(support_request, ReplyForm(formdata=None), 400, note_form=form)
    service.add_note(support_request, form.body.data, acting_admin())
    flash("Note kept.", "success")
    return redirect(url_for("admin.support_detail", reference=support_request.reference), 303)


@bp.post("/support/<reference>/assign")
@role_required(Role.REQUEST_HANDLER)
def support_assign(reference: str) -> ResponseReturnValue:
    """Give the request to one handler, or to nobody."""
    support_request = request_or_404(reference)
    form = AssignForm()
    form.assignee.choices = assign_form(support_request).assignee.choices
    if not form.validate_on_submit():
        flash("Choose someone from the list.", "error")
        return render_detail(support_request, ReplyForm(formdata=None), 400)
    assignee = int(form.assignee.data) if form.assignee.data else None
    service.assign(support_request, assignee, acting_admin())
    flash("Assigned." if assignee else "Nobody is assigned now.", "success")
    return redirect(url_for("admin.support_detail", reference=support_request.reference), 303)
