"""Accounts: registration, login, password reset, the user's own details, admins."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import bcrypt
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from website.accounts.models import PasswordResetToken, User, new_session_token
from website.audit import record_audit
from website.extensions import db, utcnow
from website.forms import normalise_phone
from website.mail.service import queue_email

PASSWORD_MIN_LENGTH = 10
# bcrypt only reads the first 72 bytes; longer passwords are refused rather than cut silently.
PASSWORD_MAX_BYTES = 72
RESET_TOKEN_LIFETIME = timedelta(hours=1)
LOGIN_FAILED = "Email or password is incorrect."
EMAIL_TAKEN = "An account with this email address already exists."


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
        return f"Use at least {PASSWORD_MIN_LENGTH} characters."
    if len(password.encode("utf-8", "replace")) > PASSWORD_MAX_BYTES:
        return f"Use at most {PASSWORD_MAX_BYTES} bytes (about {PASSWORD_MAX_BYTES} letters)."
    if any(ord(char) < 32 or ord(char) == 127 for char in password):
        return "The password contains control characters that cannot be typed."
    if "\ufffd" in password:
        return "The password contains characters that could not be read. Retype it."
    return None




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


# --- users --------------------------------------------------------------------------------

def find_user_by_email(email: str) -> User | None:
    """The user with this (already normalised) address, compared case-insensitively."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def register_user(email: str, password: str, name: str) -> User:
    """Create an account and queue its welcome email; AccountError if the email is taken."""
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise AccountError("email", EMAIL_TAKEN)
    user = User(email=email, password_hash=hash_password(password), name=name.strip())
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AccountError("email", EMAIL_TAKEN) from None
    queue_email(user.email, "Welcome to the Privacy Centre", "welcome", user=user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user these credentials belong to, or None (the same for every kind of failure)."""
    try:
        user = find_user_by_email(normalise_email(email))
    except ValueError:
        user = None
    if not check_password(password, user.password_hash if user else None):
        return None
    user.last_login_at = utcnow()
    if _hash_cost(user.password_hash) < int(current_app.config["BCRYPT_ROUNDS"]):
        user.password_hash = hash_password(password)
    db.session.commit()
    return user


def update_account(
    user: User, name: str, organisation: str, email: str, phone: str, address: str
) -> User:
    """Save the user's own details; a changed email must not belong to another account."""
    email = normalise_email(email)
    old_email = user.email
    if email != old_email.lower():
        other = find_user_by_email(email)
        if other is not None and other.id != user.id:
            raise AccountError("email", EMAIL_TAKEN)
    user.name, user.organisation = name.strip(), organisation.strip()
    user.email, user.phone, user.address = email, normalise_phone(phone), address.strip()
    if email != old_email.lower():
        # Tell the old address, so a hijacked session cannot quietly take the account over.
        queue_email(old_email, "Your email address was changed", "email_changed",
                    user=user, old_email=old_email)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AccountError("email", EMAIL_TAKEN) from None
    return user


def set_password(user: User, password: str) -> None:
    """Change the password and end every session of this user (the caller commits)."""
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()


# --- password reset -----------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def request_password_reset(email: str) -> None:
    """Email a single-use reset link if the address has an account; silently nothing if not."""
    try:
        user = find_user_by_email(normalise_email(email))
    except ValueError:
        return
    if user is None:
        return
    token = secrets.token_urlsafe(32)
    db.session.add(PasswordResetToken(
        user_id=user.id, token_hash=_token_hash(token), expires_at=utcnow() + RESET_TOKEN_LIFETIME
    ))
    reset_url = f"{current_app.config['SITE_URL']}/password/reset/{token}"
    minutes = int(RESET_TOKEN_LIFETIME.total_seconds() // 60)
    queue_email(user.email, "Reset your password", "password_reset",
                user=user, reset_url=reset_url, minutes=minutes)
    db.session.commit()


def reset_token_is_valid(token: str) -> bool:
    """True when the link is known, unused and not expired."""
    query = select(PasswordResetToken.id).where(
        PasswordResetToken.token_hash == _token_hash(token),
        PasswordResetToken.used_at.is_(None),
        PasswordResetToken.expires_at > utcnow(),
    )
    return db.session.scalar(query) is not None


def reset_password(token: str, password: str) -> User | None:
    """Use the link once to set a new password and end every session; None if it is spent."""
    now = utcnow()
    # One UPDATE both checks and spends the token, so two racing requests cannot both use it.
    spent = db.session.execute(
        update(PasswordResetToken)
        .where(
            PasswordResetToken.token_hash == _token_hash(token),
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(PasswordResetToken.user_id)
    ).scalar_one_or_none()
    if spent is None:
        db.session.rollback()
        return None
    user = db.session.get(User, spent)
    set_password(user, password)
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    queue_email(user.email, "Your password was changed", "password_changed", user=user)
    db.session.commit()
    return user


# --- admins -------------------------------------------------------------------------------

def create_admin(email: str, password: str | None) -> tuple[User, bool]:
    """Create an admin, or promote the existing user; returns (user, created). Audited."""
    email = normalise_email(email)
    if password is not None and (problem := password_problem(password)):
        raise AccountError("password", problem)
    user = find_user_by_email(email)
    created = user is None
    if created:
        if password is None:
            raise AccountError("password", "A new admin needs a password.")
        user = User(email=email, password_hash=hash_password(password), is_admin=True)
        db.session.add(user)
    else:
        user.is_admin = True
        if password is not None:
            set_password(user, password)
    db.session.flush()
    action = "user.create_admin" if created else "user.promote_admin"
    record_audit(action, target=f"user:{user.id}",
                 details={"password_set": password is not None}, actor="cli")
    db.session.commit()
    return user, created
