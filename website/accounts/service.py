"""Accounts: registration, login, password reset, the user's own details, admins."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import cast

import bcrypt
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from website.accounts.models import EmailConfirmation, User, new_session_token
from website.accounts.roles import Role
from website.audit import record_audit
from website.extensions import db, utcnow
from website.forms import normalise_phone
from website.i18n import gettext as _
from website.i18n import lazy_gettext as _l
from website.i18n import localised_url
from website.mail.service import queue_email

PASSWORD_MIN_LENGTH = 10
# bcrypt only reads the first 72 bytes; longer passwords are refused rather than cut silently.
PASSWORD_MAX_BYTES = 72
LOGIN_FAILED = _l("Email or password is incorrect.")
CONFIRM_LIFETIME = timedelta(hours=48)
CONFIRM_HOURS = int(CONFIRM_LIFETIME.total_seconds() // 3600)
WELCOME_SUBJECT = _l("Welcome to the Privacy Centre: confirm your email address")


@dataclass
class AccountError(Exception):
    """A rule about accounts was broken; `field` names the form field it belongs to."""

    field: str
    message: str


def load_user(session_token: str) -> User | None:
    """Flask-Login loader: the user whose current session token this is."""
    return db.session.scalar(select(User).where(User.session_token == session_token))


# --- checking what people type ------------------------------------------------------------

def normalise_email(value: str) -> str:
    """The canonical, lower-case form of an address; ValueError with a readable message."""
    try:
        result = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise ValueError(str(error)) from None
    return result.normalized.lower()


def password_problem(password: str) -> str | None:
    """Why a new password cannot be used, or None when it can."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return _("Use at least %(count)d characters.", count=PASSWORD_MIN_LENGTH)
    if len(password.encode("utf-8", "replace")) > PASSWORD_MAX_BYTES:
        return _("Use at most %(count)d bytes (about %(count)d letters).", count=PASSWORD_MAX_BYTES)
    if any(ord(char) < 32 or ord(char) == 127 for char in password):
        return _("The password contains control characters that cannot be typed.")
    if "\ufffd" in password:
        return _("The password contains characters that could not be read. Retype it.")
    return None




def token_hash(token: str) -> str:
    """The SHA-256 of an emailed token: only this is stored."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


# --- passwords ----------------------------------------------------------------------------

def hash_password(password: str) -> str:
    """A bcrypt hash at the configured cost (BCRYPT_ROUNDS, 12 by default)."""
    rounds = max(int(current_app.config["BCRYPT_ROUNDS"]), 4)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode()


@cache
def _dummy_hash(rounds: int) -> bytes:
    return bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(rounds))


def check_password(password: str, hashed: str | None) -> bool:
    """True when the password matches; with no hash, spends the same time and says False."""
    data = password.encode("utf-8", "replace")
    too_long = len(data) > PASSWORD_MAX_BYTES
    if hashed is None or too_long:
        # Equal work for unknown emails, so response times do not reveal who has an account.
        rounds = max(int(current_app.config["BCRYPT_ROUNDS"]), 4)
        bcrypt.checkpw(data[:PASSWORD_MAX_BYTES], _dummy_hash(rounds))
        return False
    try:
        return bcrypt.checkpw(data, hashed.encode())
    except ValueError:
        return False


def _hash_cost(hashed: str) -> int:
    try:
        return int(hashed.split("$")[2])
    except (IndexError, ValueError):
        return 0


# --- who owns an address (the one rule every feature asks) ----------------------------------

def owned_email(user: object) -> str | None:
    """The address this account has proved it reads (it followed a link sent there), or None.

    Every feature that shows, exports, erases or auto-verifies what is held under an address
    asks this function: an address typed into a form proves nothing until then."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "email_confirmed_at", None) is None:
        return None
    return cast(User, user).email.lower()  # only a User has a confirmed address


def same_address(a: str, b: str) -> bool:
    """Two addresses are the same mailbox (compared in their normalised, lower-case form)."""
    return comparable_email(a) == comparable_email(b)


def comparable_email(value: str) -> str:
    """The normalised form of an address, or its trimmed lower case when it is not valid."""
    try:
        return normalise_email(value)
    except ValueError:
        return value.strip().lower()


def owns_email(user: object, email: str) -> bool:
    """True only when the account has confirmed this very address."""
    owned = owned_email(user)
    return owned is not None and same_address(owned, email)


def confirmed_owner(email: str) -> User | None:
    """The account that has confirmed this address, or None."""
    user = find_user_by_email(comparable_email(email))
    return user if owned_email(user) else None


# --- sessions -----------------------------------------------------------------------------

def end_all_sessions(user: User) -> None:
    """Every session and remember-me cookie of the user stops working (the caller commits).

    Flask-Login's id is the session token, checked against the database on every request."""
    user.session_token = new_session_token()


# --- users --------------------------------------------------------------------------------

def find_user_by_email(email: str) -> User | None:
    """The user with this (already normalised) address, compared case-insensitively."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def _confirmation_url(user: User, email: str) -> str:
    token = secrets.token_urlsafe(32)
    db.session.add(EmailConfirmation(
        user_id=user.id, email=email, token_hash=token_hash(token),
        expires_at=utcnow() + CONFIRM_LIFETIME,
    ))
    return localised_url("accounts.confirm_email_link", user.locale, token=token)


def send_confirmation(user: User, email: str, welcome: bool = False) -> None:
    """Email a link that proves the owner reads `email` (the caller commits)."""
    hours = CONFIRM_HOURS
    subject = WELCOME_SUBJECT if welcome else _l("Confirm your email address")
    queue_email(email, subject, "welcome" if welcome else "email_confirm", user.locale,
                confirm_url=_confirmation_url(user, email), hours=hours)


def address_taken_notice(email: str) -> None:
    """Tell the owner of an address that someone tried to use it for another account
    (in the owner's language)."""
    owner = find_user_by_email(email)
    locale = owner.locale if owner else None
    queue_email(email, _l("Someone tried to use your email address"), "address_taken", locale,
                forgot_url=localised_url("accounts.forgot_password", locale))


def register_user(email: str, password: str, name: str) -> None:
    """Create an account and email its confirmation link; for a taken address, email its owner.

    Both cases do the same work (a bcrypt hash, one email) and the caller answers the same, so
    nobody learns from /register whether an address has an account."""
    email = normalise_email(email)
    password_hash = hash_password(password)
    if find_user_by_email(email) is not None:
        address_taken_notice(email)
        db.session.commit()
        return
    user = User(email=email, password_hash=password_hash, name=name.strip())
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # registered by a concurrent request a moment ago
        db.session.rollback()
        address_taken_notice(email)
        db.session.commit()
        return
    send_confirmation(user, email, welcome=True)
    db.session.commit()


def resend_registration(email: str) -> None:
    """Send again what registering with `email` sent: the confirmation link while its account
    waits for one, else the note to the address's owner (one email either way, as at first)."""
    email = normalise_email(email)
    user = find_user_by_email(email)
    if user is None:  # deleted since
        return
    if user.email_confirmed_at is None:
        send_confirmation(user, user.email, welcome=True)
    else:
        address_taken_notice(email)
    db.session.commit()


def authenticate(email: str, password: str) -> User | None:
    """The user these credentials belong to, or None (the same for every kind of failure)."""
    try:
        user = find_user_by_email(normalise_email(email))
    except ValueError:
        user = None
    if not check_password(password, user.password_hash if user else None) or user is None:
        return None
    user.last_login_at = utcnow()
    if _hash_cost(user.password_hash) < int(current_app.config["BCRYPT_ROUNDS"]):
        user.password_hash = hash_password(password)
    db.session.commit()
    return user


def update_details(user: User, name: str, organisation: str, phone: str, address: str) -> User:
    """Save the user's own contact details (the address has its own, confirmed change)."""
    user.name, user.organisation = name.strip(), organisation.strip()
    user.phone, user.address = normalise_phone(phone), address.strip()
    db.session.commit()
    return user


def set_password(user: User, password: str) -> None:
    """Change the password and end every session of this user (the caller commits)."""
    user.password_hash = hash_password(password)
    end_all_sessions(user)


def change_password(user: User, current: str, new: str) -> None:
    """Change the password of a logged-in user who knows the current one: every session ends
    (the caller starts this browser's anew), the account is told by email; audited."""
    if not check_password(current, user.password_hash):
        raise AccountError("current_password", _("That is not your current password."))
    set_password(user, new)
    record_audit("account.password_changed", target=f"user:{user.id}", actor_id=user.id)
    queue_email(user.email, _l("Your password was changed"), "password_changed", user.locale)
    db.session.commit()


# --- naming users ---------------------------------------------------------------------

def emails_by_id(user_ids: set[int]) -> dict[int, str]:
    """The email address of each user that still exists, for naming them (e.g. in the audit log)."""
    if not user_ids:
        return {}
    rows = db.session.execute(select(User.id, User.email).where(User.id.in_(user_ids)))
    return {user_id: email for user_id, email in rows}


def account_names(ids: Iterable[int | None]) -> dict[int, str]:
    """How admin pages name the accounts that acted: "Name (email)", or the email alone."""
    wanted = {id_ for id_ in ids if id_}
    if not wanted:
        return {}
    found = db.session.scalars(select(User).where(User.id.in_(wanted)))
    return {user.id: f"{user.name} ({user.email})" if user.name else user.email
            for user in found}


def accounts_with_role(role: Role) -> list[User]:
    """The accounts holding `role` (those a request can be assigned to), by name."""
    holders = db.session.scalars(select(User).where(User.roles != "").order_by(User.name))
    return [user for user in holders if user.has_role(role)]
