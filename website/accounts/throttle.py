"""Rate limits on the account forms: per IP address, and per account and client for failed
logins and reset requests, so nobody elsewhere can lock the owner out (pen-test finding 1)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address
from limits import parse

from website.accounts.service import comparable_email
from website.extensions import limiter

# Each can be overridden in app.config; "N per minute;M per hour" as Flask-Limiter reads it.
DEFAULT_LIMITS = {
    "LOGIN_LIMIT_PER_IP": "10 per minute;100 per hour",
    # Failed logins for one account from one client: the wait grows (a minute, an hour, a day).
    "LOGIN_LIMIT_PER_ACCOUNT": "5 per minute;20 per hour;50 per day",
    # Failed logins for one account from everywhere together: a higher ceiling.
    "LOGIN_LIMIT_PER_ACCOUNT_CEILING": "100 per hour;300 per day",
    # Wrong second-factor codes (/login/code) and wrong passwords or codes on /reauth.
    "LOGIN_CODE_LIMIT_PER_IP": "10 per minute;100 per hour",
    "LOGIN_CODE_LIMIT_PER_ACCOUNT": "5 per minute;20 per hour",
    "REGISTER_LIMIT_PER_IP": "10 per minute;50 per hour",
    "PASSWORD_FORGOT_LIMIT_PER_IP": "5 per minute;30 per hour",
    # Reset requests for one address from one client.
    "PASSWORD_FORGOT_LIMIT_PER_EMAIL": "3 per 10 minutes;10 per day",
    # Reset emails to one address from everywhere: past it, no new link while one still works.
    "PASSWORD_FORGOT_EMAIL_CEILING": "20 per day",
    "PASSWORD_RESET_LIMIT_PER_IP": "10 per minute;50 per hour",
}


def configured(name: str) -> Callable[[], str]:
    """The limit named `name`, read from the app's config when a request needs it."""
    return lambda: current_app.config.get(name) or DEFAULT_LIMITS[name]


def submitted_email_key() -> str:
    """Rate-limit key for the email typed into the form (hashed; any text gives a key).

    The key is the address as the login and the lookups see it (normalised, lower case), so
    `lim@ｅxample.org` counts against `lim@example.org` instead of getting fresh tries."""
    typed = comparable_email(request.form.get("email", ""))
    return "email:" + hashlib.sha256(typed.encode("utf-8", "replace")).hexdigest()


def submitted_email_and_client_key() -> str:
    """Rate-limit key for the typed address together with the client's address."""
    return f"{submitted_email_key()}:{get_remote_address()}"


def over_email_ceiling() -> bool:
    """Count one reset request for the typed address from anywhere; True past the ceiling."""
    if not limiter.enabled:
        return False
    ceiling = parse(configured("PASSWORD_FORGOT_EMAIL_CEILING")())
    return not limiter.limiter.hit(ceiling, "forgot-ceiling", submitted_email_key())


def login_failed(response: Response) -> bool:
    """Count only failed logins (wrong email or password) against the limits."""
    return response.status_code == 401


def form_refused(response: Response) -> bool:
    """Count only refused attempts (a wrong current password) against the limits."""
    return response.status_code == 400
