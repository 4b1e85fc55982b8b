"""Register, log in, log out, reset a password, and the user's own account."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from website.accounts import service
from website.accounts.forms import (
    AccountForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from website.accounts.models import User
from website.accounts.throttle import configured, login_failed, submitted_email_key
from website.extensions import csrf, limiter
from website.security import safe_local_path

bp = Blueprint("accounts", __name__)

ResponseLike = Response | str | tuple[str, int]


def start_session(user: User, remember: bool) -> None:
    """Log the user in on a brand-new session, so a planted session id is worth nothing."""
    session.clear()
    g.pop("csrf_token", None)  # the next form gets a token for the new session
    login_user(user, remember=remember)


def next_or(default: str) -> str:
    """The local `next` path from the form or query string, else `default`."""
    target = request.form.get("next") or request.args.get("next")
    return safe_local_path(target) or default


@bp.route("/register", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(configured("REGISTER_LIMIT_PER_IP"), methods=["POST"])
def register() -> ResponseLike:
    """Create an account (13 or older), then land on the account page logged in."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = service.register_user(form.email.data, form.password.data, form.name.data)
        except service.AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            start_session(user, remember=False)
            flash("Your account has been created. Welcome!", "success")
            return redirect(url_for("accounts.account"), 303)
    return render_template("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(configured("LOGIN_LIMIT_PER_IP"), methods=["POST"], deduct_when=login_failed)
@limiter.limit(
    configured("LOGIN_LIMIT_PER_ACCOUNT"), methods=["POST"], key_func=submitted_email_key,
    deduct_when=login_failed,
)
def login() -> ResponseLike:
    """Log in; wrong email and wrong password get the same answer (401)."""
    if current_user.is_authenticated:
        return redirect(next_or(url_for("accounts.account")))
    form = LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user, remember=form.remember.data)
            return redirect(next_or(url_for("accounts.account")), 303)
        page = render_template("accounts/login.html", form=form, failed=service.LOGIN_FAILED)
        return page, 401
    return render_template("accounts/login.html", form=form, failed=None)


@bp.post("/logout")
def logout() -> Response:
    """End this session (POST only: a link or an image cannot log anyone out)."""
    session.clear()
    logout_user()  # after clear(): it leaves the note that deletes the remember-me cookie
    flash("You have been logged out.", "success")
    return redirect("/", 303)


@bp.route("/password/forgot", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(configured("PASSWORD_FORGOT_LIMIT_PER_IP"), methods=["POST"])
@limiter.limit(
    configured("PASSWORD_FORGOT_LIMIT_PER_EMAIL"), methods=["POST"], key_func=submitted_email_key
)
def forgot_password() -> ResponseLike:
    """Ask for a reset link; the answer is the same whether or not the email has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        service.request_password_reset(form.email.data)
        return render_template("accounts/forgot_sent.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(configured("PASSWORD_RESET_LIMIT_PER_IP"), methods=["POST"])
def reset_password(token: str) -> ResponseLike:
    """Choose a new password from an emailed link (single use, one hour)."""
    if not service.reset_token_is_valid(token):
        return render_template("accounts/reset_invalid.html"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        if service.reset_password(token, form.password.data) is None:
            return render_template("accounts/reset_invalid.html"), 410
        session.clear()
        logout_user()
        flash("Your password has been changed. Log in with your new password.", "success")
        return redirect(url_for("accounts.login"), 303)
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> ResponseLike:
    """The user's own details, requests and consent records."""
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    form = AccountForm(obj=user)
    if form.validate_on_submit():
        try:
            service.update_account(
                user, form.name.data, form.organisation.data or "", form.email.data,
                form.phone.data or "", form.address.data or "",
            )
        except service.AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            flash("Your details have been saved.", "success")
            return redirect(url_for("accounts.account"), 303)
    return render_template("accounts/account.html", form=form, user=user)
