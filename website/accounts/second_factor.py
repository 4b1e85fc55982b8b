"""The login's second step (/login/code) and the recent authentication (/reauth)."""

from __future__ import annotations

import hashlib
import time

from flask import current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from limits import parse_many
from werkzeug.wrappers import Response

from website.accounts import bp, mfa, service
from website.accounts.forms import LoginCodeForm, ReauthForm
from website.accounts.models import User
from website.accounts.sessions import (
    landing_page,
    recently_authenticated,
    stamp_reauthentication,
    start_session,
)
from website.accounts.throttle import configured
from website.audit import record_audit
from website.extensions import db, limiter
from website.i18n import lazy_gettext as _l
from website.security import safe_local_path

# Between the password and the code: whose password was right, when, and what was asked.
PENDING_KEY = "pending_second_factor"
PENDING_SECONDS = 300
CODE_FAILED = _l("That code is not right, or it was used already. Try the next code.")
REAUTH_FAILED = _l("That password or code is not right.")


def ask_for_code(user: User, remember: bool, next_path: str | None) -> Response:
    """The password was right and the account has a second factor: ask for the code next."""
    session.clear()
    session[PENDING_KEY] = {"token": user.session_token, "at": time.time(),
                            "remember": remember, "next": next_path or ""}
    return redirect(url_for("accounts.login_code"), 303)


def pending_user() -> User | None:
    """The account whose password was typed a moment ago on this browser, if any."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return service.load_user(str(pending.get("token", "")))


def pending_account_key() -> str:
    """Rate-limit key for the account waiting for its code (hashed session token)."""
    pending = session.get(PENDING_KEY)
    token = str(pending.get("token", "")) if isinstance(pending, dict) else ""
    return "code:" + hashlib.sha256(token.encode()).hexdigest()


def code_failed(response: Response) -> bool:
    """Count only wrong codes against the limits."""
    return response.status_code == 401


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(configured("LOGIN_CODE_LIMIT_PER_IP"), methods=["POST"], deduct_when=code_failed)
@limiter.limit(configured("LOGIN_CODE_LIMIT_PER_ACCOUNT"), methods=["POST"],
               key_func=pending_account_key, deduct_when=code_failed)
def login_code() -> ResponseReturnValue:
    """The second step of login: a TOTP code or a recovery code (field `code`)."""
    user = pending_user()
    if user is None:
        return redirect(url_for("accounts.login"), 303)
    form = LoginCodeForm()
    if form.validate_on_submit():
        if mfa.check_code(user, form.code.data):
            pending = session[PENDING_KEY]
            db.session.commit()
            start_session(user, remember=bool(pending["remember"]))
            target = safe_local_path(pending["next"]) or landing_page(user)
            return redirect(target, 303)
        db.session.commit()
        return render_template("accounts/login_code.html", form=form, failed=CODE_FAILED), 401
    return render_template("accounts/login_code.html", form=form, failed=None)


def reauthenticate(user: User, password: str, code: str) -> bool:
    """True (and the session's authentication is recent again) when the password or the code
    is right; a wrong one is audited and counted (LOGIN_CODE_LIMIT_PER_ACCOUNT: past it,
    nothing is checked until the window passes). The caller's page says what to type."""
    limits = parse_many(configured("LOGIN_CODE_LIMIT_PER_ACCOUNT")())
    key = ("reauth", str(user.id))
    if limiter.enabled and not all(limiter.limiter.test(limit, *key) for limit in limits):
        return False
    right = bool(password) and service.check_password(password, user.password_hash)
    if not right and code:
        right = mfa.check_code(user, code)
    if right:
        stamp_reauthentication()
    else:
        if limiter.enabled:
            for limit in limits:
                limiter.limiter.hit(limit, *key)
        record_audit("user.reauth_failed", target=f"user:{user.id}", actor_id=user.id)
    db.session.commit()
    return right


@bp.route("/reauth", methods=["GET", "POST"])
@login_required
@limiter.limit(configured("LOGIN_CODE_LIMIT_PER_IP"), methods=["POST"], deduct_when=code_failed)
def reauth() -> ResponseReturnValue:
    """Type the password (or a code) again before a sensitive action; then on to `next`."""
    target = safe_local_path(request.values.get("next")) or url_for("accounts.account")
    form = ReauthForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if reauthenticate(user, form.password.data or "", form.code.data or ""):
            return redirect(target, 303)
        page = render_template("accounts/reauth.html", form=form, failed=REAUTH_FAILED,
                               next=target, minutes=current_app.config["RECENT_AUTH_MINUTES"])
        return page, 401
    return render_template("accounts/reauth.html", form=form, failed=None, next=target,
                           recent=recently_authenticated(),
                           minutes=current_app.config["RECENT_AUTH_MINUTES"])

