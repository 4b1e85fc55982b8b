"""Admin: the support queue. Reads and changes requests only through website.support.service."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from website.accounts.guards import role_required
from website.accounts.roles import Role
from website.accounts.service import account_names, accounts_with_role
from website.admin import acting_admin, bp, or_404
from website.audit import Actor
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


def request_or_404(reference: str) -> SupportRequest:
    """The request, or a 404 page."""
    return or_404(service.request_by_reference(reference),
                  "There is no support request with that reference.")


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


Action = Callable[[SupportRequest], ResponseReturnValue]
Route = Callable[[str], ResponseReturnValue]


def support_action(name: str) -> Callable[[Action], Route]:
    """A POST action on one request, for request handlers: `/support/<reference>/<name>`,
    endpoint `admin.support_<name>`; the view receives the request (a 404 when there is none)."""

    def decorate(action: Action) -> Route:
        @wraps(action)
        def view(reference: str) -> ResponseReturnValue:
            return action(request_or_404(reference))

        endpoint = f"support_{name}"
        return bp.post(f"/support/<reference>/{name}", endpoint=endpoint)(
            role_required(Role.REQUEST_HANDLER)(view))

    return decorate


def done(support_request: SupportRequest, message: str | None) -> ResponseReturnValue:
    """Back to the request's page, with a success message when there is one."""
    if message:
        flash(message, "success")
    return redirect(url_for("admin.support_detail", reference=support_request.reference), 303)


def refused(support_request: SupportRequest, message: str) -> ResponseReturnValue:
    """The request's page again (400), saying what was wrong."""
    flash(message, "error")
    return render_detail(support_request, ReplyForm(formdata=None), 400)


@support_action("reply")
def support_reply(support_request: SupportRequest) -> ResponseReturnValue:
    """Send a reply by email (and close the request when asked)."""
    form = ReplyForm()
    if not form.validate_on_submit():
        return render_detail(support_request, form, 400)
    if support_request.email == service.ERASED:
        form.body.errors.append("This request was anonymised: there is no address to reply to.")
        return render_detail(support_request, form, 400)
    service.reply_to_request(support_request, form.body.data, acting_admin(), form.close.data)
    return done(support_request, f"Reply sent to {support_request.email}.")


@support_action("close")
def support_close(support_request: SupportRequest) -> ResponseReturnValue:
    """Close the request."""
    return change_status(support_request, service.close_request, "Request closed.")


@support_action("reopen")
def support_reopen(support_request: SupportRequest) -> ResponseReturnValue:
    """Reopen the request."""
    return change_status(support_request, service.reopen_request, "Request reopened.")


def change_status(
    support_request: SupportRequest, change: Callable[[SupportRequest, Actor], None], message: str,
) -> ResponseReturnValue:
    """Close or reopen (the form carries only its CSRF token)."""
    if not StatusForm().validate_on_submit():
        return done(support_request, None)
    change(support_request, acting_admin())
    return done(support_request, message)


@support_action("category")
def support_category(support_request: SupportRequest) -> ResponseReturnValue:
    """Move the request to another category; the urgent one puts it at the top of the queue."""
    form = CategoryForm()
    form.category.choices = list(service.CATEGORIES.items())
    if not form.validate_on_submit():
        return refused(support_request, "Choose a category from the list.")
    service.change_category(support_request, form.category.data, acting_admin())
    return done(support_request, f"Category changed to {service.CATEGORIES[form.category.data]}.")


@support_action("note")
def support_note(support_request: SupportRequest) -> ResponseReturnValue:
    """Keep an internal note on the request (the requester never sees it)."""
    form = NoteForm()
    if not form.validate_on_submit():
        return render_detail(support_request, ReplyForm(formdata=None), 400, note_form=form)
    service.add_note(support_request, form.body.data, acting_admin())
    return done(support_request, "Note kept.")


@support_action("assign")
def support_assign(support_request: SupportRequest) -> ResponseReturnValue:
    """Give the request to one handler, or to nobody."""
    form = AssignForm()
    form.assignee.choices = assign_form(support_request).assignee.choices
    if not form.validate_on_submit():
        return refused(support_request, "Choose someone from the list.")
    assignee = int(form.assignee.data) if form.assignee.data else None
    service.assign(support_request, assignee, acting_admin())
    return done(support_request, "Assigned." if assignee else "Nobody is assigned now.")
