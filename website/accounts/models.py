"""Registered users and their password-reset tokens."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from website.extensions import Model, utcnow
from website.i18n import page_locale


def new_session_token() -> str:
    """A random value that identifies the user's sessions; changing it logs them all out."""
    return secrets.token_urlsafe(24)


class User(UserMixin, Model):
    """A customer of the API (or an admin) with an account on the site."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    is_admin: Mapped[bool] = mapped_column(default=False)
    # Flask-Login's id for the user's sessions and remember-me cookies: a new value ends them all.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # Set when the owner followed a link sent to `email`; until then the address proves nothing.
    email_confirmed_at: Mapped[datetime | None]
    # An address asked for on /account, waiting for its link to be followed.
    pending_email: Mapped[str | None] = mapped_column(String(254))
    # The language of the page it came from (`/de/...`: "de"): the language of its emails.
    locale: Mapped[str] = mapped_column(String(8), default=page_locale, server_default="en")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    def get_id(self) -> str:
        """Flask-Login id: the session token, so a password change or logout-all ends sessions."""
        return self.session_token


class PasswordResetToken(Model):
    """A single-use, expiring password-reset link (only its hash is stored)."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


class EmailConfirmation(Model):
    """A single-use, expiring link that proves the account's owner reads `email` (hash only)."""

    __tablename__ = "email_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]
