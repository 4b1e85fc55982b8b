"""Accounts: registration, login, profile, export, deletion."""

from __future__ import annotations

from sqlalchemy import select

from website.accounts.models import User
from website.extensions import db


def load_user(session_token: str) -> User | None:
    """Flask-Login loader: the user whose current session token this is."""
    return db.session.scalar(select(User).where(User.session_token == session_token))
