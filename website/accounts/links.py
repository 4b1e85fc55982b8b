"""The emailed links of accounts: password reset, and the link that proves an address.

An address counts for an account only after its owner followed a link sent to it: on
registration and on every change (`website.accounts.service.owned_email` reads the result)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from website.accounts.models import EmailConfirmation, PasswordResetToken, User
from website.accounts.service import (
    AccountError,
    address_taken_notice,
    check_password,
    end_all_sessions,
    find_user_by_email,
    normalise_email,
    send_confirmation,
    set_password,
    token_hash,
)
from website.extensions import db, utcnow
from website.i18n import gettext as _
from website.i18n import lazy_gettext as _l
from website.i18n import localised_url
from website.mail.service import queue_email

RESET_TOKEN_LIFETIME = timedelta(hours=1)
TOKEN_MAX = 100


# --- password reset -----------------------------------------------------------------------

def request_password_reset(email: str, flooded: bool = False) -> None:
    """Email a reset link to an account's address, or a "no account here" note to any other.

    Both cases make a token, render one email and write it to the outbox, so the answer takes
    the same time whether or not the address has an account. `flooded` (the address's ceiling
    is past): nothing new is sent while a link already sent still works, so a flood neither
    fills the mailbox nor ever stops the owner's reset."""
    try:
        email = normalise_email(email)
    except ValueError:
        return
    user = find_user_by_email(email)
    if flooded and (user is None or _working_reset_link(user)):
        return
    token = secrets.token_urlsafe(32)
    # No account: the note goes out in the page's language; a reset link in the account's.
    locale = user.locale if user else None
    reset_url = localised_url("accounts.reset_password", locale, token=token)
    minutes = int(RESET_TOKEN_LIFETIME.total_seconds() // 60)
    if user is None:
        queue_email(email, _l("Reset your password"), "password_reset_unknown",
                    register_url=localised_url("accounts.register"))
    else:
        db.session.add(PasswordResetToken(
            user_id=user.id, token_hash=token_hash(token),
            expires_at=utcnow() + RESET_TOKEN_LIFETIME,
        ))
        queue_email(user.email, _l("Reset your password"), "password_reset", locale,
                    reset_url=reset_url, minutes=minutes)
    db.session.commit()


def _working_reset_link(user: User) -> bool:
    """True when a reset link sent to the account is unused and unexpired."""
    query = select(PasswordResetToken.id).where(
        PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None),
        PasswordResetToken.expires_at > utcnow(),
    ).limit(1)
    return db.session.scalar(query) is not None


def reset_token_is_valid(token: str) -> bool:
    """True when the link is known, unused and not expired."""
    query = select(PasswordResetToken.id).where(
        PasswordResetToken.token_hash == token_hash(token),
        PasswordResetToken.used_at.is_(None),
        PasswordResetToken.expires_at > utcnow(),
    )
    return db.session.scalar(query) is not None


def reset_password(token: str, password: str) -> User | None:
    """Use the link once to set a new password and end every session; None if it is spent.

    The link was sent to the account's address, so following it also confirms that address."""
    now = utcnow()
    # One UPDATE both checks and spends the token, so two racing requests cannot both use it.
    spent = db.session.execute(
        update(PasswordResetToken)
        .where(
            PasswordResetToken.token_hash == token_hash(token),
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
    assert user is not None  # the token's user_id cascades: its user exists
    set_password(user, password)
    user.email_confirmed_at = user.email_confirmed_at or now
    # Whoever asked to move the account elsewhere (an impostor, perhaps) loses that request:
    # its link is spent below and "send the link again" has no address to mail (finding 5).
    user.pending_email = None
    _spend_all(user, now)
    queue_email(user.email, _l("Your password was changed"), "password_changed", user.locale)
    db.session.commit()
    return user


def _spend_all(user: User, now: object) -> None:
    """Every outstanding reset and confirmation link of the user stops working."""
    for model in (PasswordResetToken, EmailConfirmation):
        db.session.execute(
            update(model).where(model.user_id == user.id, model.used_at.is_(None))
            .values(used_at=now)
        )


# --- proving an address -------------------------------------------------------------------

@dataclass(frozen=True)
class PendingConfirmation:
    """An unused, unexpired confirmation link: whose, and for which address."""

    user_id: int
    email: str
    is_change: bool


def pending_confirmation(token: str | None) -> PendingConfirmation | None:
    """What the link would confirm, or None when it is unknown, used or expired."""
    if not token or len(token) > TOKEN_MAX:
        return None
    row = db.session.scalar(select(EmailConfirmation).where(
        EmailConfirmation.token_hash == token_hash(token),
        EmailConfirmation.used_at.is_(None),
        EmailConfirmation.expires_at > utcnow(),
    ))
    if row is None:
        return None
    user = db.session.get(User, row.user_id)
    assert user is not None  # the confirmation's user_id cascades: its user exists
    return PendingConfirmation(row.user_id, row.email, row.email != user.email)


def confirm_email(token: str, user_id_logged_in: int | None, password: str) -> User:
    """Follow a confirmation link: the address now counts for the account; AccountError if not.

    Only the account's holder may confirm (logged in as it, or typing its password), so an
    address owner who clicks a link someone else caused does not hand their address over.
    A change of address takes effect here and ends every session of the account."""
    pending = pending_confirmation(token)
    if pending is None:
        raise AccountError("token", _("This link is not valid any more."))
    user = db.session.get(User, pending.user_id)
    assert user is not None  # the confirmation's user_id cascades: its user exists
    if user.id != user_id_logged_in and not check_password(password, user.password_hash):
        raise AccountError("password", _("That password is not right."))
    now = utcnow()
    if pending.is_change:
        other = find_user_by_email(pending.email)
        if other is not None and other.id != user.id:
            raise AccountError("token", _("Another account uses this address now."))
        old_email = user.email
        user.email = pending.email
        queue_email(old_email, _l("Your email address was changed"), "email_changed", user.locale,
                    old_email=old_email, new_email=pending.email)
    user.email_confirmed_at = now
    user.pending_email = None
    end_all_sessions(user)
    _spend_all(user, now)
    db.session.commit()
    return user


def request_email_change(user: User, new_email: str, password: str) -> bool:
    """Ask to move the account to a new address: True when a change was asked for.

    Needs the current password. The new address gets a link (or, if another account has it,
    a note to its owner: the answer here is the same); the current address gets a notice."""
    new_email = normalise_email(new_email)
    if new_email == user.email.lower():
        return False
    if not password:
        raise AccountError(
            "password", _("Enter your current password to change your email address.")
        )
    if not check_password(password, user.password_hash):
        raise AccountError("password", _("That password is not right."))
    other = find_user_by_email(new_email)
    if other is not None:
        address_taken_notice(new_email)
    else:
        send_confirmation(user, new_email)
    user.pending_email = new_email
    queue_email(user.email, _l("A change of your email address was asked for"),
                "email_change_requested", user.locale, new_email=new_email)
    db.session.commit()
    return True


def resend_confirmation(user: User) -> None:
    """A new link for the address waiting to be confirmed (the pending one, else the current)."""
    email = user.pending_email or user.email
    if email == user.email and user.email_confirmed_at is not None:
        return
    if find_user_by_email(email) not in (None, user):
        address_taken_notice(email)
    else:
        send_confirmation(user, email)
    db.session.commit()
