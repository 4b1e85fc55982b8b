"""Helpers for the account tests."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from website.extensions import db

GOOD_PASSWORD = "a long passphrase"


def outbox(app: Flask, to: str | None = None) -> list:
    """Rows of the outbox (optionally only those to one address), oldest first."""
    from website.mail.models import OutboxEmail

    with app.app_context():
        query = select(OutboxEmail).order_by(OutboxEmail.id)
        if to is not None:
            query = query.where(OutboxEmail.to_address == to)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def user_by_email(app: Flask, email: str):
    """The User row for an address, detached (None when there is none)."""
    from website.accounts.models import User

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def csrf_from(html: str) -> str:
    """The csrf_token hidden field's value in a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if match is None:
        match = re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no csrf_token in the page"
    return match.group(1)


def reset_link(text: str) -> str:
    """The /password/reset/<token> path in an email body."""
    match = re.search(r"http://localhost(/password/reset/[A-Za-z0-9_\-]+)", text)
    assert match, text
    return match.group(1)


def register_data(**overrides: str) -> dict[str, str]:
    """A valid registration form, with some fields changed."""
    data = {
        "email": "grace@example.com", "name": "Grace Hopper", "password": GOOD_PASSWORD,
        "password_confirm": GOOD_PASSWORD, "age_confirm": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def confirm_link(text: str) -> str:
    """The /account/email/confirm/<token> path in an email body."""
    match = re.search(r"http://localhost(/account/email/confirm/[A-Za-z0-9_\-]+)", text)
    assert match, text
    return match.group(1)


def log_in(client, email: str, password: str = GOOD_PASSWORD, **extra: str):
    """POST the login form."""
    return client.post("/login", data={"email": email, "password": password, **extra})
