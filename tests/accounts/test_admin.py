"""Admins: the create-admin command and the admin guard."""

from __future__ import annotations

import bcrypt
from sqlalchemy import select

from tests.accounts.helpers import user_by_email
from tests.fixtures.users import PASSWORD
from website.audit import AuditEntry
from website.extensions import db


def audit_actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        query = select(AuditEntry).where(AuditEntry.action.like("user.%"))
        return [(e.action, e.actor) for e in db.session.scalars(query)]


def test_create_admin_with_password(app, runner):
    result = runner.invoke(args=["users", "create-admin", "Boss@Example.com",
                                 "--password", "an admin passphrase"])
    assert result.exit_code == 0, result.output
    assert "Created admin: boss@example.com" in result.output
    user = user_by_email(app, "boss@example.com")
    assert user.is_admin
    assert user.email_confirmed_at is not None  # the operator vouches for the address
    assert bcrypt.checkpw(b"an admin passphrase", user.password_hash.encode())
    assert audit_actions(app) == [("user.create_admin", "cli")]


def test_create_admin_prompts_for_password(app, runner):
    result = runner.invoke(args=["users", "create-admin", "boss@example.com"],
                           input="an admin passphrase\nan admin passphrase\n")
    assert result.exit_code == 0, result.output
    assert "Password for the new admin" in result.output
    assert "an admin passphrase" not in result.output
    assert user_by_email(app, "boss@example.com").is_admin


def test_create_admin_promotes_existing_user(app, runner, users):
    users.create(confirmed=False)
    result = runner.invoke(args=["users", "create-admin", "ADA@example.com"])
    assert result.exit_code == 0, result.output
    assert "Promoted to admin: ada@example.com" in result.output
    user = user_by_email(app, "ada@example.com")
    assert user.is_admin and user.email_confirmed_at is not None
    assert bcrypt.checkpw(PASSWORD.encode(), user.password_hash.encode())
    assert audit_actions(app) == [("user.promote_admin", "cli")]


def test_create_admin_refuses_bad_input(app, runner):
    result = runner.invoke(args=["users", "create-admin", "not-an-email", "--password", "x" * 12])
    assert result.exit_code != 0 and "@-sign" in result.output
    result = runner.invoke(
        args=["users", "create-admin", "boss@example.com", "--password", "short"])
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    assert user_by_email(app, "boss@example.com") is None
    assert audit_actions(app) == []


def test_admin_guard(client, auth, users):
    anonymous = client.get("/admin/")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/login?next=%2Fadmin%2F")
    auth.login()
    assert client.get("/admin/").status_code == 403
    auth.logout()
    auth.login(admin=True)
    response = client.get("/admin/")
    assert response.status_code == 200 and "<h1>Admin</h1>" in response.get_data(as_text=True)


def test_admin_logs_in_through_the_form_and_reaches_admin(client, runner):
    runner.invoke(args=["users", "create-admin", "boss@example.com",
                        "--password", "an admin passphrase"])
    response = client.post("/login?next=/admin/", data={
        "email": "boss@example.com", "password": "an admin passphrase"})
    assert response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
