"""Admin: enrol a TOTP second factor at /admin/mfa (QR code, the secret as text, recovery
codes shown once), and replace the recovery codes."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from website.accounts import mfa
from website.accounts.forms import ButtonForm, LoginCodeForm
from website.accounts.guards import role_required
from website.accounts.roles import ANY_ROLE
from website.accounts.sessions import recent_auth_required
from website.admin import bp
from website.audit import record_audit
from website.extensions import db

# The secret being enrolled lives in the (signed) session until a code proves the app has it.
ENROLLING_KEY = "mfa_enrolling_secret"


def enrolment_page(form: LoginCodeForm, status: int = 200,
                   failed: str | None = None) -> Response:
    """The QR code, the secret as text and the field for the first code."""
    secret = session.get(ENROLLING_KEY)
    if not secret:
        secret = session[ENROLLING_KEY] = mfa.new_secret()
    page = render_template(
        "admin/mfa.html", form=form, failed=failed, secret=secret,
        qr_svg=mfa.qr_svg(secret, current_user.email), enrolled=False,
    )
    return never_stored(page, status)


def never_stored(page: str, status: int = 200) -> Response:
    """A page showing a secret: no cache or history may keep it."""
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/mfa")
@role_required(ANY_ROLE)
def mfa_page() -> ResponseReturnValue:
    """Enrol a second factor, or see the one enrolled and replace the recovery codes."""
    user = current_user._get_current_object()
    if user.has_second_factor:
        return render_template("admin/mfa.html", enrolled=True, user=user,
                               unused=mfa.unused_recovery_codes(user), button=ButtonForm())
    return enrolment_page(LoginCodeForm())


@bp.post("/mfa")
@role_required(ANY_ROLE)
def mfa_enrol() -> ResponseReturnValue:
    """Check the first code against the secret shown, then keep it; the recovery codes once."""
    user = current_user._get_current_object()
    if user.has_second_factor:
        return redirect(url_for("admin.mfa_page"), 303)
    form = LoginCodeForm()
    secret = session.get(ENROLLING_KEY)
    if not secret or not form.validate_on_submit():
        return enrolment_page(form, 400)
    mfa.set_second_factor(user, secret)
    if not mfa.check_code(user, form.code.data):
        db.session.rollback()
        return enrolment_page(form, 400, "That code is not right. Type the code your app "
                                         "shows now (it changes every 30 seconds).")
    codes = mfa.new_recovery_codes(user)
    record_audit("user.enrol_mfa", target=f"user:{user.id}", actor_id=user.id)
    db.session.commit()
    session.pop(ENROLLING_KEY, None)
    return never_stored(render_template("admin/mfa_codes.html", codes=codes))


@bp.post("/mfa/recovery-codes")
@role_required(ANY_ROLE)
@recent_auth_required
def mfa_recovery_codes() -> ResponseReturnValue:
    """Replace the recovery codes (the old ones stop working); the new ones are shown once."""
    user = current_user._get_current_object()
    if not user.has_second_factor or not ButtonForm().validate_on_submit():
        flash("Enrol a second factor first.", "error")
        return redirect(url_for("admin.mfa_page"), 303)
    codes = mfa.new_recovery_codes(user)
    record_audit("user.new_recovery_codes", target=f"user:{user.id}", actor_id=user.id)
    db.session.commit()
    return never_stored(render_template("admin/mfa_codes.html", codes=codes))
