"""Data-rights requests: the form, email verification, the owner's status page, the export,
and the account's own export and deletion."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, logout_user

from website.accounts.service import check_password
from website.audit import record_audit
from website.extensions import csrf, db, limiter, utcnow
from website.rights import service
from website.rights.forms import DeleteAccountForm, RightsRequestForm
from website.rights.models import RightsRequest
from website.rights.personal_data import (
    erase_personal_data,
    export_personal_data,
)

bp = Blueprint("rights", __name__)

SESSION_KEY = "rights_references"
NOT_FOUND = "There is no request at this address, or it is not yours to see."


def rights_rate_limit() -> str:
    """The per-IP limit on new requests, from config."""
    return current_app.config["RIGHTS_RATE_LIMIT"]


def remember_reference(reference: str) -> None:
    """Let this browser see the request's status page without the token from now on."""
    references = [r for r in session.get(SESSION_KEY, []) if r != reference]
    session[SESSION_KEY] = [*references[-19:], reference]


def owned_or_404(reference: str, token: str | None = None) -> RightsRequest:
    """The request, for its verified owner only; anyone else gets the same 404 as unknown."""
    rights_request = service.get_by_reference(reference)
    user = current_user if current_user.is_authenticated else None
    if not service.owner_can_view(rights_request, user, session.get(SESSION_KEY, []), token):
        abort(404, NOT_FOUND)
    return rights_request


@bp.route("/rights", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(rights_rate_limit, methods=["POST"])
def new_request() -> Response | str:
    """The rights request form."""
    form = RightsRequestForm()
    if request.method == "POST" and not request.form and request.content_length:
        # The body could not be decoded as UTF-8 at all: Werkzeug parsed nothing.
        return render_template("rights/new.html", form=form, types=service.TYPES,
                               unreadable=True), 400
    if request.method == "POST" and form.website.data:
        return redirect(url_for("rights.requested"), 303)
    if form.validate_on_submit():
        user = current_user if current_user.is_authenticated else None
        rights_request, token = service.submit_request(
            form.request_type.data, form.name.data, form.email.data, form.details.data or "",
            user=user,
        )
        if token is None:
            remember_reference(rights_request.reference)
            return redirect(url_for("rights.status", reference=rights_request.reference), 303)
        return redirect(url_for("rights.requested"), 303)
    return render_template("rights/new.html", form=form, types=service.TYPES)


@bp.get("/rights/requested")
def requested() -> str:
    """Check your email: no personal data shown."""
    days = current_app.config["RETENTION_DAYS"]["unverified_rights_requests"]
    return render_template("rights/requested.html", valid_days=days)


@bp.get("/rights/verify/<token>")
def verify(token: str) -> Response:
    """Confirm a request by the emailed link."""
    outcome, rights_request = service.verify(token)
    if outcome == "unknown":
        abort(404, "This confirmation link is not valid. Please check that you copied all of it.")
    if outcome == "expired":
        abort(410, "This confirmation link has expired. Please send your request again.")
    if outcome == "used":
        abort(410, "This confirmation link has already been used. Your request is confirmed; "
                   "use the status link in our emails to follow it.")
    remember_reference(rights_request.reference)
    return redirect(url_for("rights.status", reference=rights_request.reference), 303)


@bp.get("/rights/status/<reference>")
def status(reference: str) -> Response | str:
    """The request's status, due date and history, for its verified owner only."""
    token = request.args.get("token")
    rights_request = owned_or_404(reference, token)
    if token:
        remember_reference(reference)
        return redirect(url_for("rights.status", reference=reference), 303)
    export_url = None
    if service.export_available(rights_request):
        export_url = url_for("rights.export_download", reference=reference,
                             token=service.export_token(rights_request))
    return render_template(
        "rights/status.html", item=rights_request, types=service.TYPES,
        statuses=service.STATUSES, due=service.effective_due(rights_request),
        export_url=export_url,
    )


@bp.get("/rights/status/<reference>/export/<token>")
def export_download(reference: str, token: str) -> Response:
    """The JSON export of a completed access or portability request (link valid 7 days)."""
    rights_request = owned_or_404(reference)
    if rights_request.request_type not in ("access", "portability"):
        abort(404, NOT_FOUND)
    if not service.export_token_valid(rights_request, token):
        abort(410, "This download link has expired. Please make a new access request.")
    data = export_personal_data(rights_request.email)
    service.log_export_download(rights_request)
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
def account_export() -> Response:
    """All personal data held about the logged-in user, as a JSON download."""
    data = export_personal_data(current_user.email)
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
    if not check_password(form.password.data or "", current_user.password_hash):
        form.password.errors.append("That password is not right. Nothing has been deleted.")
        return render_template("rights/account_delete.html", form=form), 400
    user_id = current_user.id
    report = erase_personal_data(current_user.email)
    record_audit("account.deleted", f"user:{user_id}", {"by": "owner"})
    db.session.commit()
    logout_user()
    session.clear()
    return render_template("rights/account_deleted.html", report=report)


@bp.app_template_global()
def rights_requests_for(user: object) -> list[RightsRequest]:
    """The user's rights requests, for the account page."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return service.requests_for_user(user)


@bp.app_template_global()
def rights_queue_summary() -> dict[str, object]:
    """Counts for the admin dashboard tile."""
    from website.rights.queue import queue_summary

    return queue_summary()
