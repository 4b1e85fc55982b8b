"""Ask before an irreversible admin action: one page that says what will happen and re-posts
the same form with `confirm=yes`."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, g, render_template, request
from flask_login import current_user

from website.accounts.second_factor import reauthenticate
from website.accounts.sessions import recently_authenticated

CONFIRM_FIELD = "confirm"
# The token is re-issued on the page; what the admin typed is carried over unchanged, except
# the password or code of a recent authentication (never written back into a page).
NOT_CARRIED = (CONFIRM_FIELD, "csrf_token", "password", "code")


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page says: a question, what will happen, and the button's words."""

    title: str
    consequences: list[str]
    button: str
    cancel_url: str
    quoted: dict[str, str] = field(default_factory=dict)


def confirmed(recent_auth: bool = False) -> bool:
    """True when the posted form says `confirm=yes` (and, with `recent_auth`, the admin typed
    their password or a code within RECENT_AUTH_MINUTES, or types it on this very page).

    When the recent authentication is missing, the confirmation page asks for it in place:
    the form keeps everything typed, so nothing is lost."""
    if recent_auth and not recently_authenticated():
        g.confirm_needs_reauth = True
        if request.form.get(CONFIRM_FIELD) != "yes":
            return False
        password, code = request.form.get("password", ""), request.form.get("code", "")
        if not (password or code):
            g.confirm_reauth_failed = "Type your password (or a code) to confirm."
            return False
        if not reauthenticate(current_user._get_current_object(), password, code):
            g.confirm_reauth_failed = "That password or code is not right."
            return False
    return request.form.get(CONFIRM_FIELD) == "yes"


def confirmation_page(confirmation: Confirmation) -> tuple[str, int]:
    """200 with the question and a form re-posting every posted field plus `confirm=yes`."""
    carried = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in NOT_CARRIED
    ]
    failed = g.get("confirm_reauth_failed")
    page = render_template(
        "admin/confirm.html", confirmation=confirmation, carried=carried, action=request.path,
        reauth=g.get("confirm_needs_reauth", False), reauth_failed=failed,
        minutes=current_app.config["RECENT_AUTH_MINUTES"],
    )
    return page, 401 if failed else 200
