"""Data-rights requests: the form, email verification, the owner's status page, the export,
and the account's own export and deletion."""

from __future__ import annotations

import json

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, logout_user

from website.accounts.service import owned_email
from website.accounts.sessions import recent_auth_required
from website.audit import record_audit
from website.extensions import csrf, db, limiter, utcnow
from website.forms import body_not_utf8
from website.i18n import gettext as _
from website.i18n import lazy_gettext as _l
from website.records.service import collection_notice
from website.rights import agents, bp, links, service, tasks, terms, workflow
from website.rights.export import request_export
from website.rights.forms import (
    ActionForm,
    ConfirmRequestForm,
    DeleteAccountForm,
    NewStatusLinkForm,
    RightsRequestForm,
)
from website.rights.history import history_line
from website.rights.models import RightsRequest
from website.rights.personal_data import (
    export_personal_data,
)

SESSION_KEY = "rights_references"
# The request this browser sent last and has still to confirm: the "check your email" page
# names its address and reference, and "send again" resends its confirmation.
PENDING_KEY = "rights_pending"
# The request just confirmed: its status page says so once (only that page takes the note).
CONFIRMED_KEY = "rights_confirmed"
NOT_FOUND = _l("There is no request at this address, or it is not yours to see.")


bp.add_app_template_global(terms.shown_note)
bp.add_app_template_global(history_line)


@bp.app_template_global()
def rights_export_link(item: RightsRequest) -> str | None:
    """The download link of a completed access or portability request while it works."""
    if not links.export_available(item):
        return None
    return url_for("rights.export_download", reference=item.reference,
                   token=links.export_token(item))


@bp.app_template_global()
def rights_type_label(request_type: str) -> str:
    """A right's name, in the page's language."""
    pair = terms.TYPES.get(request_type)
    return str(pair[0]) if pair else request_type


@bp.app_template_global()
def rights_status_label(status: str) -> str:
    """A request's status, in the page's language."""
    return str(terms.STATUSES.get(status, status))


def rights_rate_limit() -> str:
    """The per-IP limit on new requests, from config."""
    return current_app.config["RIGHTS_RATE_LIMIT"]


def remember_reference(reference: str) -> None:
    """Let this browser see the request's status page without the token from now on."""
    references = [r for r in session.get(SESSION_KEY, []) if r != reference]
    session[SESSION_KEY] = [*references[-19:], reference]


def browser_references() -> list[str]:
    """The requests this browser made (its signed session): the only ones it may change."""
    pending = session.get(PENDING_KEY)
    return [*session.get(SESSION_KEY, []), *([pending] if isinstance(pending, str) else [])]


def owned_or_404(reference: str, token: str | None = None) -> RightsRequest:
    """The request, for its verified owner only; anyone else gets the same 404 as unknown."""
    rights_request = service.get_by_reference(reference)
    user = current_user if current_user.is_authenticated else None
    if not links.owner_can_view(rights_request, user, session.get(SESSION_KEY, []), token):
        if token and rights_request is not None and rights_request.verified_at is not None:
            if links.status_token_state(rights_request, token) == "expired":
                abort(410, _("This status link has expired. Ask for a new one at %(url)s.",
                             url=url_for("rights.new_status_link")))
        abort(404, str(NOT_FOUND))
    assert rights_request is not None  # owner_can_view refuses a request that does not exist
    return rights_request


@bp.route("/rights", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(rights_rate_limit, methods=["POST"])
def new_request() -> ResponseReturnValue:
    """The rights request form."""
    unreadable = body_not_utf8()
    form = RightsRequestForm()
    if unreadable:
        return render_template("rights/new.html", form=form, types=terms.TYPES,
                               unreadable=True, notice=collection_notice("rights")), 400
    if form.sent_by_bot:
        return redirect(url_for("rights.requested"), 303)
    if request.method == "GET" and current_user.is_authenticated:
        # As the support form does; only an address the account has proved (owned_email).
        form.name.data = current_user.name
        form.email.data = owned_email(current_user)
    if form.validate_on_submit():
        user = current_user if current_user.is_authenticated else None
        rights_request, token = agents.submit(
            form.request_type.data, form.name.data, form.email.data, form.details.data or "",
            user, form.agent(), mine=browser_references(), submission=form.submission_key,
        )
        if token is None:
            remember_reference(rights_request.reference)
            session[CONFIRMED_KEY] = rights_request.reference
            return redirect(url_for("rights.status", reference=rights_request.reference), 303)
        session[PENDING_KEY] = rights_request.reference
        return redirect(url_for("rights.requested"), 303)
    return render_template("rights/new.html", form=form, types=terms.TYPES,
                           notice=collection_notice("rights"))


@bp.get("/rights/requested")
def requested() -> ResponseReturnValue:
    """Check your email: the address and reference, to this browser only, and "send again"."""
    days = current_app.config["RETENTION_DAYS"]["unverified_rights_requests"]
    reference = session.get(PENDING_KEY)
    pending = service.get_by_reference(reference) if isinstance(reference, str) else None
    response = Response(render_template(
        "rights/requested.html", valid_days=days, pending=pending, types=terms.TYPES,
        resend_form=ActionForm(formdata=None),
    ))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/rights/requested/resend")
@limiter.limit(rights_rate_limit)
def resend() -> ResponseReturnValue:
    """Send the confirmation email of this browser's waiting request again (no new request)."""
    reference = session.get(PENDING_KEY)
    if ActionForm().validate_on_submit() and isinstance(reference, str):
        outcome = service.resend_confirmation(reference)
        messages = {
            "sent": (_("We have sent the email again. Only the link in the newest email works."),
                     "success"),
            "confirmed": (_("This request is already confirmed."), "info"),
            "gone": (_("This request has expired. Please send it again."), "error"),
        }
        flash(*messages[outcome])
    return redirect(url_for("rights.requested"), 303)


@bp.route("/rights/verify/<token>", methods=["GET", "POST"])
@csrf.exempt
def verify(token: str) -> ResponseReturnValue:
    """The emailed link: a page with one button; only its POST confirms (mail scanners GET)."""
    form = ConfirmRequestForm()
    confirming = form.validate_on_submit()
    if confirming:
        outcome, rights_request = service.verify(token)
    else:
        outcome, rights_request = service.verification_state(token)
    if outcome == "unknown":
        abort(404, _("This confirmation link is not valid. Please check that you copied all of "
                     "it."))
    if outcome == "expired":
        abort(410, _("This confirmation link has expired. Please send your request again."))
    if outcome == "used":
        abort(410, _("This confirmation link has already been used. Your request is confirmed; "
                     "use the status link in our emails to follow it."))
    if not confirming:
        return render_template("rights/verify.html", form=form, item=rights_request,
                               types=terms.TYPES)
    assert rights_request is not None  # only the "unknown" outcome comes without a request
    remember_reference(rights_request.reference)
    session[CONFIRMED_KEY] = rights_request.reference
    return redirect(url_for("rights.status", reference=rights_request.reference), 303)


@bp.route("/rights/new-link", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(rights_rate_limit, methods=["POST"])
def new_status_link() -> ResponseReturnValue:
    """Ask for a fresh status link: it goes to the request's own address, if they match."""
    form = NewStatusLinkForm()
    if form.validate_on_submit():
        service.send_new_status_link(form.reference.data, form.email.data)
        return render_template("rights/new_link_sent.html",
                               days=current_app.config["RIGHTS_STATUS_LINK_DAYS"])
    return render_template("rights/new_link.html", form=form)


@bp.get("/rights/status/<reference>")
def status(reference: str) -> ResponseReturnValue:
    """The request's status, due date and history, for its verified owner only."""
    token = request.args.get("token")
    rights_request = owned_or_404(reference, token)
    if token:
        remember_reference(reference)
        return redirect(url_for("rights.status", reference=reference), 303)
    export_url = rights_export_link(rights_request)
    just_confirmed = session.get(CONFIRMED_KEY) == reference
    if just_confirmed:
        session.pop(CONFIRMED_KEY)
        if session.get(PENDING_KEY) == reference:
            session.pop(PENDING_KEY)
    return render_template(
        "rights/status.html", item=rights_request, types=terms.TYPES,
        statuses=terms.STATUSES, due=rights_request.due_in_force,
        export_url=export_url, just_confirmed=just_confirmed,
        told=tasks.recipients_told(rights_request),
    )


@bp.get("/rights/status/<reference>/export/<token>")
def export_download(reference: str, token: str) -> ResponseReturnValue:
    """The JSON export of a completed access or portability request, every system's part in it
    (link valid 7 days)."""
    rights_request = owned_or_404(reference)
    if rights_request.request_type not in ("access", "portability"):
        abort(404, str(NOT_FOUND))
    if not links.export_token_valid(rights_request, token):
        abort(410, _("This download link has expired. Please make a new access request."))
    data = request_export(rights_request)
    links.log_export_download(rights_request)
    return json_download(data, f"personal-data-{reference}.json")


def json_download(data: dict, filename: str) -> Response:
    """A JSON attachment that is never cached."""
    body = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)
    response = Response(body, content_type="application/json; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/account/export")
@login_required
@recent_auth_required
def account_export() -> ResponseReturnValue:
    """What the account created, plus what is held under its address once it is confirmed."""
    user = current_user._get_current_object()
    data = export_personal_data(owned_email(user), user=user)
    record_audit("account.export", f"user:{current_user.id}", {}, actor_id=current_user.id)
    db.session.commit()
    return json_download(data, f"personal-data-{utcnow().date().isoformat()}.json")


@bp.post("/account/delete")
@login_required
def account_delete() -> tuple[str, int] | str:
    """Erase the account after the password is confirmed; say what was erased and kept."""
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return render_template("rights/account_delete.html", form=form), 400
    report = workflow.delete_account(current_user._get_current_object(), form.password.data or "")
    if report is None:
        form.password.errors.append(_("That password is not right. Nothing has been deleted."))
        return render_template("rights/account_delete.html", form=form), 400
    logout_user()
    session.clear()
    return render_template("rights/account_deleted.html", report=report)

