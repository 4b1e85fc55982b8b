"""`flask users create-admin`, `grant`, `revoke`, `reset-mfa`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from website.accounts.admins import create_admin, grant_role, reset_second_factor, revoke_role
from website.accounts.roles import Role, role_named
from website.accounts.service import AccountError, find_user_by_email, normalise_email

users_cli = AppGroup("users", help="User accounts.")
ROLE_HELP = ", ".join(role.value for role in Role)


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--password", default=None,
              help="The new admin's password (10+ characters). Prompted for when not given.")
@click.option("--totp-secret", default=None,
              help="A base32 TOTP secret to use as the admin's second factor (for scripts).")
def create_admin_command(email: str, password: str | None, totp_secret: str | None) -> None:
    """Create an admin account for EMAIL with every role, or give the existing user with EMAIL
    every role.

    A new account needs a password: give --password or type it when asked. An existing
    user keeps their password unless --password is given. Written to the audit log.
    """
    try:
        existing = find_user_by_email(normalise_email(email))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from None
    if existing is None and password is None:
        password = click.prompt("Password for the new admin", hide_input=True,
                                confirmation_prompt=True)
    try:
        user, created = create_admin(email, password, totp_secret)
    except AccountError as error:
        raise click.UsageError(error.message) from None
    verb = "Created admin" if created else "Promoted to admin"
    click.echo(f"{verb}: {user.email} ({user.roles})")


def _role(name: str) -> Role:
    try:
        return role_named(name)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="ROLE") from None


@users_cli.command("grant")
@click.argument("email")
@click.argument("role")
def grant_command(email: str, role: str) -> None:
    """Give the account EMAIL the admin ROLE (policy_editor, request_handler, administrator)."""
    try:
        user = grant_role(email, _role(role))
    except AccountError as error:
        raise click.UsageError(error.message) from None
    click.echo(f"{user.email} now holds: {user.roles}")


@users_cli.command("revoke")
@click.argument("email")
@click.argument("role")
def revoke_command(email: str, role: str) -> None:
    """Take the admin ROLE from the account EMAIL; without any role left its sessions end.

    The only administrator keeps the role: grant it to someone else first."""
    try:
        user = revoke_role(email, _role(role))
    except AccountError as error:
        raise click.UsageError(error.message) from None
    click.echo(f"{user.email} now holds: {user.roles or 'no admin role (sessions ended)'}")


@users_cli.command("reset-mfa")
@click.argument("email")
def reset_mfa_command(email: str) -> None:
    """Remove the second factor of the account EMAIL (a lost device) and end its sessions.

    The owner logs in with the password and enrols again at /admin/mfa. Audited."""
    try:
        user = reset_second_factor(email)
    except AccountError as error:
        raise click.UsageError(error.message) from None
    click.echo(f"Second factor removed for {user.email}; it enrols again at /admin/mfa.")
