"""Register, log in, log out, reset a password, and the user's own account."""

from __future__ import annotations

import hashlib

from flask import (
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, logout_user

from website.accounts import bp, links, service
from website.accounts.forms import (
    AccountForm,
    ButtonForm,
    ChangePasswordForm,
    ConfirmEmailForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from website.accounts.second_factor import ask_for_code
from website.accounts.sessions import landing_page, start_session
from website.accounts.throttle import (
    configured,
    form_refused,
    login_failed,
    over_email_ceiling,
    submitted_email_and_client_key,
    submitted_email_key,
)
from website.consent import service as consent_service
from website.extensions import csrf, db, limiter
from website.i18n import gettext as _
from website.policy.service import upcoming_versions
from website.records.service import collection_notice
from website.rights import service as rights_service
from website.security import safe_local_path
from website.support import service as support_service

# The emailed confirmation token, moved out of the URL into the session (as Django's
# password-reset view does), so it is not left in logs, history or a Referer header.
CONFIRM_TOKEN_KEY = "email_confirm_token"  # noqa: S105 - a session key
# The address this browser registered with: "check your email" names it and sends again.
REGISTERED_KEY = "registered_email"


def next_or(default: str) -> str:
    """The local `next` path from the form or query string, else `default`."""
    target = request.form.get("next") or request.args.get("next")
    return safe_local_path(target) or default


@bp.route("/register", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(configured("REGISTER_LIMIT_PER_IP"), methods=["POST"])
def register() -> ResponseReturnValue:
    """Create an account (13 or older), then land on the account page logged in."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = RegisterForm()
    if form.validate_on_submit():
        # The same answer whether the address is new or taken: nobody learns who has an account.
        service.register_user(form.email.data, form.password.data, form.name.data)
        session[REGISTERED_KEY] = form.email.data
        return redirect(url_for("accounts.register_sent"), 303)
    return render_template("accounts/register.html", form=form,
                           notice=collection_notice("accounts"))


@bp.get("/register/sent")
def register_sent() -> ResponseReturnValue:
    """Check your inbox, naming the address this browser registered, with "send again"."""
    page = render_template("accounts/register_sent.html", hours=service.CONFIRM_HOURS,
                           email=session.get(REGISTERED_KEY), button=ButtonForm(formdata=None))
    return page, {"Cache-Control": "private, no-store"}


def registered_email_key() -> str:
    """Rate-limit key for the address this browser registered (hashed)."""
    return "register:" + hashlib.sha256(str(session.get(REGISTERED_KEY)).encode()).hexdigest()


@bp.post("/register/sent/resend")
@limiter.limit(configured("PASSWORD_FORGOT_LIMIT_PER_IP"))
@limiter.limit(configured("PASSWORD_FORGOT_LIMIT_PER_EMAIL"), key_func=registered_email_key)
def resend_registration() -> ResponseReturnValue:
    """Send the registration email again, to the address this browser registered."""
    email = session.get(REGISTERED_KEY)
    if ButtonForm().validate_on_submit() and isinstance(email, str):
        service.resend_registration(email)
        flash(_("We have sent the email again. It can take a few minutes to arrive."), "success")
    return redirect(url_for("accounts.register_sent"), 303)


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(configured("LOGIN_LIMIT_PER_IP"), methods=["POST"], deduct_when=login_failed)
@limiter.limit(
    configured("LOGIN_LIMIT_PER_ACCOUNT"), methods=["POST"],
    key_func=submitted_email_and_client_key, deduct_when=login_failed,
)
@limiter.limit(
    configured("LOGIN_LIMIT_PER_ACCOUNT_CEILING"), methods=["POST"], key_func=submitted_email_key,
    deduct_when=login_failed,
)
def login() -> ResponseReturnValue:
    """Log in; wrong email and wrong password get the same answer (401)."""
    if current_user.is_authenticated:
        return redirect(next_or(landing_page(current_user)))
    form = LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is not None:
            if user.has_second_factor:
                return ask_for_code(user, form.remember.data, next_or(""))
            start_session(user, remember=form.remember.data)
            return redirect(next_or(landing_page(user)), 303)
        page = render_template("accounts/login.html", form=form, failed=service.LOGIN_FAILED)
        return page, 401
    return render_template("accounts/login.html", form=form, failed=None)


def end_sessions_here_and_everywhere() -> None:
    """End every session and remember-me cookie of the current user, on the server too."""
    if current_user.is_authenticated:
        service.end_all_sessions(current_user._get_current_object())
        db.session.commit()
    session.clear()
    logout_user()  # after clear(): it leaves the note that deletes the remember-me cookie


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Log out (POST only: a link or an image cannot log anyone out).

    The session token changes in the database, so a copy of this session cookie or of the
    remember-me cookie opens nothing any more (nor do the user's other sessions)."""
    end_sessions_here_and_everywhere()
    flash(_("You have been logged out."), "success")
    return redirect(url_for("pages.home"), 303)


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere() -> ResponseReturnValue:
    """End every session of the account, on every device, this one included."""
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("accounts.account"), 303)
    end_sessions_here_and_everywhere()
    flash(_("You have been logged out on every device."), "success")
    return redirect(url_for("accounts.login"), 303)


@bp.route("/password/forgot", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(configured("PASSWORD_FORGOT_LIMIT_PER_IP"), methods=["POST"])
@limiter.limit(
    configured("PASSWORD_FORGOT_LIMIT_PER_EMAIL"), methods=["POST"],
    key_func=submitted_email_and_client_key,
)
def forgot_password() -> ResponseReturnValue:
    """Ask for a reset link; the answer is the same whether or not the email has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        links.request_password_reset(form.email.data, flooded=over_email_ceiling())
        return render_template("accounts/forgot_sent.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(configured("PASSWORD_RESET_LIMIT_PER_IP"), methods=["POST"])
def reset_password(token: str) -> ResponseReturnValue:
    """Choose a new password from an emailed link (single use, one hour)."""
    if not links.reset_token_is_valid(token):
        return render_template("accounts/reset_invalid.html"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        if links.reset_password(token, form.password.data) is None:
            return render_template("accounts/reset_invalid.html"), 410
        session.clear()
        logout_user()
        flash(_("Your password has been changed. Log in with your new password."), "success")
        return redirect(url_for("accounts.login"), 303)
    return render_template("accounts/reset_password.html", form=form)


def account_page(form: AccountForm, password_form: ChangePasswordForm) -> str:
    """The account page with these two forms (either may carry errors)."""
    user = current_user._get_current_object()
    return render_template(
        "accounts/account.html", form=form, password_form=password_form, user=user,
        button=ButtonForm(), confirmed=service.owned_email(user) is not None,
        # By user id only: an account's address does not prove it owns requests sent from that
        # address before; the rights process verifies it for an access request.
        support_requests=support_service.requests_for_user(user.id),
        my_rights=rights_service.requests_for_user(user),
        consent_records=consent_service.consent_records_for_user(user.id),
        upcoming=upcoming_versions(),
    )


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> ResponseReturnValue:
    """The user's own details, requests and consent records."""
    user = current_user._get_current_object()
    form = AccountForm(obj=user)
    if form.validate_on_submit():
        try:
            changing = links.request_email_change(user, form.email.data, form.password.data or "")
            service.update_details(user, form.name.data, form.organisation.data or "",
                                   form.phone.data or "", form.address.data or "")
        except service.AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            flash(_("Your details have been saved."), "success")
            if changing:
                flash(_("We sent a link to your new address: the change takes effect when you "
                        "follow it."), "info")
            return redirect(url_for("accounts.account"), 303)
    return account_page(form, ChangePasswordForm(formdata=None))


@bp.post("/account/password")
@login_required
@limiter.limit(configured("LOGIN_LIMIT_PER_IP"), deduct_when=form_refused)
def change_password() -> ResponseReturnValue:
    """A new password, with the current one; this browser stays logged in, no other does."""
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(user, form.current_password.data, form.password.data)
        except service.AccountError as error:
            form.current_password.errors.append(error.message)
        else:
            start_session(user, remember=False)  # the change ended every session, this one too
            flash(_("Your password has been changed. Every other device where you were logged "
                    "in has been logged out."), "success")
            return redirect(url_for("accounts.account", _anchor="password-heading"), 303)
    return account_page(AccountForm(obj=user, formdata=None), form), 400


@bp.post("/account/email/resend")
@login_required
@limiter.limit(configured("PASSWORD_FORGOT_LIMIT_PER_IP"))
def resend_confirmation() -> ResponseReturnValue:
    """Send a new link for the address that waits to be confirmed."""
    if ButtonForm().validate_on_submit():
        links.resend_confirmation(current_user._get_current_object())
        flash(_("We sent you a new link. It works once, for %(hours)d hours.",
                hours=service.CONFIRM_HOURS), "info")
    return redirect(url_for("accounts.account"), 303)


@bp.get("/account/email/confirm/<token>")
def confirm_email_link(token: str) -> ResponseReturnValue:
    """The emailed link: keep the token in the session and show the clean page."""
    session[CONFIRM_TOKEN_KEY] = token[: links.TOKEN_MAX + 1]
    return redirect(url_for("accounts.confirm_email"), 303)


@bp.route("/account/email/confirm", methods=["GET", "POST"])
@limiter.limit(configured("PASSWORD_RESET_LIMIT_PER_IP"), methods=["POST"])
def confirm_email() -> ResponseReturnValue:
    """One button that confirms the address (a GET changes nothing: mail scanners follow links)."""
    token: str | None = session.get(CONFIRM_TOKEN_KEY)
    pending = links.pending_confirmation(token)
    if pending is None:
        return render_template("accounts/confirm_invalid.html"), 410
    assert token is not None  # no token has no pending confirmation
    logged_in_id = current_user.id if current_user.is_authenticated else None
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        try:
            user = links.confirm_email(token, logged_in_id, form.password.data or "")
        except service.AccountError as error:
            if error.field != "password":
                return render_template("accounts/confirm_invalid.html"), 410
            form.password.errors.append(error.message)
        else:
            start_session(user, remember=False)  # the old token ended every session
            flash(_("Your email address is confirmed."), "success")
            return redirect(url_for("accounts.account"), 303)
    return render_template("accounts/confirm_email.html", form=form, pending=pending,
                           needs_password=pending.user_id != logged_in_id)
