"""Registered users and their password-reset tokens."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ColumnElement, ForeignKey, String, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from website.accounts.roles import ALL_ROLES, Role, format_roles, parse_roles
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
    # The admin roles held (website/accounts/roles.py), space-separated; "" for a customer.
    roles: Mapped[str] = mapped_column(String(100), default="", server_default="")
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
    # The TOTP second factor (base32), or None; the last time step accepted (no code twice).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None]
    mfa_enrolled_at: Mapped[datetime | None]

    @property
    def role_set(self) -> frozenset[Role]:
        """The roles this account holds."""
        return parse_roles(self.roles or "")

    def has_role(self, *roles: Role) -> bool:
        """True when the account holds at least one of `roles`."""
        return bool(self.role_set & set(roles))

    @hybrid_property
    def is_admin(self) -> bool:
        """An admin is an account holding any role."""
        return bool(self.role_set)

    @is_admin.inplace.setter
    def _is_admin_setter(self, value: bool) -> None:
        # True gives every role (what `create-admin` and the test helpers mean); False none.
        self.roles = format_roles(ALL_ROLES if value else frozenset())

    @is_admin.inplace.expression
    @classmethod
    def _is_admin_expression(cls) -> ColumnElement[bool]:
        return cls.roles != ""

    @property
    def has_second_factor(self) -> bool:
        """True when the account asks for a code after the password."""
        return self.totp_secret is not None

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


class RecoveryCode(Model):
    """A one-time code that stands in for the second factor (only its hash is stored)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
