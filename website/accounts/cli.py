"""`flask users create-admin`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from website.accounts.service import AccountError, create_admin, find_user_by_email, normalise_email

users_cli = AppGroup("users", help="User accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--password", default=None,
              help="The new admin's password (10+ characters). Prompted for when not given.")
def create_admin_command(email: str, password: str | None) -> None:
    """Create an admin account for EMAIL, or make the existing user with EMAIL an admin.

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
        user, created = create_admin(email, password)
    except AccountError as error:
        raise click.UsageError(error.message) from None
    verb = "Created admin" if created else "Promoted to admin"
    click.echo(f"{verb}: {user.email}")
