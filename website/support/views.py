"""Support requests: the public form, its confirmation page, and the account page's list."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from website.extensions import csrf, limiter
from website.forms import body_not_utf8
from website.i18n import lazy_gettext as _l
from website.records.service import collection_notice
from website.support import bp, service
from website.support.forms import SupportRequestForm
from website.support.models import SupportRequest

# References this browser submitted, kept in its (signed) session so its own confirmation page
# can show the request's content; anyone else holding the URL sees nothing of it.
SESSION_KEY = "support_references"
SESSION_KEEP = 10
NOT_YOURS = _l(
    "There is no support request to show at this address. If you sent one, its reference is in"
    " the confirmation email we sent you."
)


def support_rate_limit() -> str:
    """The per-IP limit on submissions, from config (SUPPORT_RATE_LIMIT)."""
    return current_app.config["SUPPORT_RATE_LIMIT"]


def remember_reference(reference: str) -> None:
    """Let this browser see the request it just sent."""
    kept = [ref for ref in session.get(SESSION_KEY, []) if ref != reference]
    session[SESSION_KEY] = (kept + [reference])[-SESSION_KEEP:]


def may_see(support_request: SupportRequest) -> bool:
    """The browser that sent it, or its logged-in owner."""
    if support_request.reference in session.get(SESSION_KEY, []):
        return True
    return current_user.is_authenticated and support_request.user_id == current_user.id


@bp.route("/support", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(support_rate_limit, methods=["POST"])
def new_request() -> ResponseReturnValue:
    """The support form; a valid request is stored, confirmed by email and shown by reference."""
    unreadable = body_not_utf8()
    form = SupportRequestForm()
    if form.sent_by_bot:
        # A bot filled the honeypot: the same kind of answer, but nothing stored or sent.
        return redirect(url_for("support.received"), 303)
    if request.method == "GET" and current_user.is_authenticated:
        form.name.data = current_user.name
        form.email.data = current_user.email
        form.organisation.data = current_user.organisation
        form.phone.data = current_user.phone
    if form.validate_on_submit() and not unreadable:
        requester = service.Requester(
            name=form.name.data,
            email=form.email.data,
            organisation=form.organisation.data or "",
            phone=form.phone.data or "",
        )
        user_id = current_user.id if current_user.is_authenticated else None
        support_request = service.submit_request(
            requester, form.category.data, form.subject.data, form.message.data, user_id,
            submission=form.submission_key,
        )
        remember_reference(support_request.reference)
        return redirect(
            url_for("support.submitted", reference=support_request.reference), 303
        )
    status = 400 if form.is_submitted() else 200
    notice = collection_notice("support")
    return render_template(
        "support/new.html", form=form, unreadable=unreadable, notice=notice
    ), status


@bp.get("/support/requests/<reference>")
def submitted(reference: str) -> str:
    """A request's reference, status and content, for the browser that sent it or its owner."""
    support_request = service.request_by_reference(reference)
    # Unknown and someone else's look the same: a reference's existence is not revealed either.
    if support_request is None or not may_see(support_request):
        abort(404, str(NOT_YOURS))
    return render_template(
        "support/submitted.html",
        support_request=support_request,
        category_label=service.CATEGORIES.get(support_request.category, support_request.category),
        urgent=support_request.category == service.URGENT_CATEGORY,
        expected_reply=service.expected_reply(support_request.category),
    )


@bp.get("/support/received")
def received() -> str:
    """A generic thank-you page with no request details."""
    return render_template("support/received.html")


@bp.app_template_global()
def support_status_label(status: str) -> str:
    """A request's status as its requester reads it (in the page's language)."""
    label = str(service.STATUS_LABELS.get(status, status))
    return label[:1].upper() + label[1:]  # "Open", "Offen", "Ouverte": it starts the line


@bp.app_template_global()
def support_category_label(key: str) -> str:
    """The human label of a category key (in the page's language)."""
    return str(service.CATEGORIES.get(key, key))
