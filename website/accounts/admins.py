"""Admins: creating them, their roles and their second factor, from the CLI. Each step is
audited, and none may leave the site without an administrator."""

from __future__ import annotations

from sqlalchemy import select

from website.accounts import mfa
from website.accounts.models import User
from website.accounts.roles import ALL_ROLES, Role, format_roles
from website.accounts.service import (
    AccountError,
    end_all_sessions,
    find_user_by_email,
    hash_password,
    normalise_email,
    password_problem,
    set_password,
)
from website.audit import record_audit
from website.extensions import db, utcnow


def administrators() -> list[User]:
    """Every account holding the administrator role."""
    query = select(User).where(User.roles.contains(Role.ADMINISTRATOR.value))
    return [user for user in db.session.scalars(query) if user.has_role(Role.ADMINISTRATOR)]


def create_admin(
    email: str, password: str | None, totp_secret: str | None = None
) -> tuple[User, bool]:
    """Create an admin with every role, or give the existing user every role; returns (user,
    created). With `totp_secret`, that is the account's second factor. Audited.

    The operator running the command vouches for the address, so it counts as confirmed."""
    email = normalise_email(email)
    if password is not None and (problem := password_problem(password)):
        raise AccountError("password", problem)
    secret = None
    if totp_secret is not None and (secret := mfa.valid_secret(totp_secret)) is None:
        raise AccountError("totp_secret", "The TOTP secret must be base32 (16-64 characters).")
    user = find_user_by_email(email)
    created = user is None
    if user is None:
        if password is None:
            raise AccountError("password", "A new admin needs a password.")
        user = User(email=email, password_hash=hash_password(password))
        db.session.add(user)
    elif password is not None:
        set_password(user, password)
    user.roles = format_roles(ALL_ROLES)
    if secret is not None:
        mfa.set_second_factor(user, secret)
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    db.session.flush()
    action = "user.create_admin" if created else "user.promote_admin"
    record_audit(action, target=f"user:{user.id}", actor="cli",
                 details={"password_set": password is not None, "totp_set": secret is not None})
    db.session.commit()
    return user, created


def _admin_by_email(email: str) -> User:
    try:
        user = find_user_by_email(normalise_email(email))
    except ValueError as error:
        raise AccountError("email", str(error)) from None
    if user is None:
        raise AccountError("email", f"No account has the address {email}.")
    return user


def grant_role(email: str, role: Role, actor: str = "cli") -> User:
    """Give the account `role` (its other roles stay). Audited."""
    user = _admin_by_email(email)
    user.roles = format_roles(user.role_set | {role})
    record_audit("user.grant_role", target=f"user:{user.id}", details={"role": role.value},
                 actor=actor)
    db.session.commit()
    return user


def revoke_role(email: str, role: Role, actor: str = "cli") -> User:
    """Take `role` from the account; with its last role gone, every session of it ends.
    The last administrator keeps the role (someone must be able to manage the admins)."""
    user = _admin_by_email(email)
    if role is Role.ADMINISTRATOR and [a.id for a in administrators()] == [user.id]:
        raise AccountError("role", f"{user.email} is the only administrator: grant the role to "
                                   "someone else first.")
    remaining = user.role_set - {role}
    user.roles = format_roles(remaining)
    if not remaining:
        end_all_sessions(user)
    record_audit("user.revoke_role", target=f"user:{user.id}",
                 details={"role": role.value, "sessions_ended": not remaining}, actor=actor)
    db.session.commit()
    return user


def reset_second_factor(email: str, actor: str = "cli") -> User:
    """Remove the account's second factor and recovery codes (a lost device); its sessions end,
    and an admin enrols again at /admin/mfa after the next login. Audited."""
    user = _admin_by_email(email)
    had = user.has_second_factor
    mfa.remove_second_factor(user)
    end_all_sessions(user)
    record_audit("user.reset_mfa", target=f"user:{user.id}", details={"had_second_factor": had},
                 actor=actor)
    db.session.commit()
    return user
