"""When a session proved who is behind it: login time, the last password or code typed, and
the admin session's limits (30 minutes idle, 12 hours in all, no remember-me).

Flask's session cookie is signed with SECRET_KEY, so these times cannot be forged."""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie

from website.accounts.models import User
from website.security import safe_local_path

LOGIN_AT = "login_at"  # when the password (and second factor) last opened this session
AUTH_AT = "auth_at"  # when the password or a code was last typed: login or /reauth
SEEN_AT = "seen_at"  # an admin's last request (the idle clock)
REMEMBERED = "remembered"  # the session was restored from a remember-me cookie


def stamp_login(store: MutableMapping[str, Any], now: float | None = None) -> None:
    """Note in the session that its owner has just logged in (a recent authentication too)."""
    moment = time.time() if now is None else now
    store[LOGIN_AT] = store[AUTH_AT] = store[SEEN_AT] = moment
    store.pop(REMEMBERED, None)


def start_session(user: User, remember: bool) -> None:
    """Log the user in on a brand-new session, so a planted session id is worth nothing.

    Admins get no remember-me cookie: their sessions end after ADMIN_SESSION_HOURS."""
    session.clear()
    g.pop("csrf_token", None)  # the next form gets a token for the new session
    login_user(user, remember=remember and not user.is_admin)
    stamp_login(session)


def landing_page(user: User) -> str:
    """Where a login lands without a `next`: admins on their dashboard, others on /account."""
    return url_for("admin.dashboard") if user.is_admin else url_for("accounts.account")


def stamp_reauthentication() -> None:
    """Note that the owner has just typed their password or a code again."""
    session[AUTH_AT] = time.time()


def recently_authenticated() -> bool:
    """True when the password or a code was typed within RECENT_AUTH_MINUTES (10)."""
    typed = session.get(AUTH_AT)
    window = timedelta(minutes=current_app.config["RECENT_AUTH_MINUTES"]).total_seconds()
    return isinstance(typed, int | float) and 0 <= time.time() - typed <= window


def recent_auth_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """The view needs a recent authentication: otherwise /reauth?next=, then back here.

    For a POST the way back is the page the form was on (a GET), so nothing is done unasked."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user.is_authenticated and not recently_authenticated():
            back = request.full_path if request.method == "GET" else _referring_path()
            return redirect(url_for("accounts.reauth", next=back.rstrip("?")), 303)
        return view(*args, **kwargs)

    return wrapped


def _referring_path() -> str:
    """The page of this site the form was posted from (else /account)."""
    referrer = urlsplit(request.referrer or "")
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    same_site = referrer.netloc == request.host
    return (safe_local_path(path) if same_site else None) or url_for("accounts.account")


def admin_session_problem() -> str | None:
    """Why the current admin session must end (idle, too old, from a remember-me cookie), in
    the admin area's English."""
    config = current_app.config
    now = time.time()
    if session.get(REMEMBERED):
        return "Admins log in with their password every time."
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        # A session opened before these stamps existed: its clocks start now (not a recent
        # authentication: that needs a password or a code).
        session.setdefault(LOGIN_AT, now)
        session.setdefault(SEEN_AT, now)
        return None
    if not isinstance(login_at, int | float) or not isinstance(seen_at, int | float):
        return "Log in again."
    if now - seen_at > timedelta(minutes=config["ADMIN_IDLE_MINUTES"]).total_seconds():
        return f"You were logged out after {config['ADMIN_IDLE_MINUTES']} minutes without activity."
    if now - login_at > timedelta(hours=config["ADMIN_SESSION_HOURS"]).total_seconds():
        return f"Admin sessions last {config['ADMIN_SESSION_HOURS']} hours: log in again."
    if now - seen_at > 30:  # the cookie is rewritten at most every 30 s
        session[SEEN_AT] = now
    return None


def may_be_logged_in() -> bool:
    """False for a request without cookies: a login lives only in the session or remember-me
    cookie (no request loader here), so there is nobody for Flask-Login to look up."""
    return bool(request.cookies)


def end_expired_admin_session() -> ResponseReturnValue | None:
    """Before each request: an admin session past its limits is ended and sent to /login."""
    # current_user loads the session's user, or one from a remember-me cookie (noted above).
    if not may_be_logged_in() or not current_user.is_authenticated or not current_user.is_admin:
        return None
    problem = admin_session_problem()
    if problem is None:
        return None
    session.clear()
    logout_user()
    flash(problem, "info")
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")), 303)


def note_remembered(sender: Flask, user: Any) -> None:
    """Flask-Login restored the session from a remember-me cookie: not a login."""
    session[REMEMBERED] = True


def register_admin_sessions(app: Flask) -> None:
    """Install the admin session limits on every request."""
    user_loaded_from_cookie.connect(note_remembered, app)
    app.before_request(end_expired_admin_session)
