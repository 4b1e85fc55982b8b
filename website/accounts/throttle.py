"""Rate limits on the account forms: per IP address, and per account for failed logins."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Response, current_app, request

from website.accounts.service import comparable_email

# Each can be overridden in app.config; "N per minute;M per hour" as Flask-Limiter reads it.
DEFAULT_LIMITS = {
    "LOGIN_LIMIT_PER_IP": "10 per minute;100 per hour",
    "LOGIN_LIMIT_PER_ACCOUNT": "5 per minute;20 per hour",
    "REGISTER_LIMIT_PER_IP": "10 per minute;50 per hour",
    "PASSWORD_FORGOT_LIMIT_PER_IP": "5 per minute;30 per hour",
    "PASSWORD_FORGOT_LIMIT_PER_EMAIL": "3 per 10 minutes;10 per day",
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


def login_failed(response: Response) -> bool:
    """Count only failed logins (wrong email or password) against the limits."""
    return response.status_code == 401


def form_refused(response: Response) -> bool:
    """Count only refused attempts (a wrong current password) against the limits."""
    return response.status_code == 400
