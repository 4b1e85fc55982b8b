"""Ask before an irreversible admin action: one page that says what will happen and re-posts
the same form with `confirm=yes`."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template, request

CONFIRM_FIELD = "confirm"
# The token is re-issued on the page; what the admin typed is carried over unchanged.
NOT_CARRIED = (CONFIRM_FIELD, "csrf_token")


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page says: a question, what will happen, and the button's words."""

    title: str
    consequences: list[str]
    button: str
    cancel_url: str
    quoted: dict[str, str] = field(default_factory=dict)


def confirmed() -> bool:
    """True when the posted form says `confirm=yes`."""
    return request.form.get(CONFIRM_FIELD) == "yes"


def confirmation_page(confirmation: Confirmation) -> tuple[str, int]:
    """200 with the question and a form re-posting every posted field plus `confirm=yes`."""
    carried = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in NOT_CARRIED
    ]
    page = render_template(
        "admin/confirm.html", confirmation=confirmation, carried=carried, action=request.path
    )
    return page, 200
