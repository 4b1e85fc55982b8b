"""Admin roles: each admin route declares one; grant and revoke from the CLI (the migration that
gives today's admins every role is in tests/test_migrations.py)."""

from __future__ import annotations

from sqlalchemy import text

from website.accounts.guards import declared_roles
from website.accounts.models import User
from website.extensions import db


def test_every_admin_route_declares_its_role(app) -> None:
    """No admin route is left to a default: each names the roles that may open it."""
    with app.test_request_context():
        undeclared = sorted(
            rule.endpoint for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("admin.") and declared_roles(rule.endpoint) is None
        )
    assert undeclared == []


def test_a_route_without_a_declared_role_is_closed_to_every_admin(app, client, auth) -> None:
    """A page someone adds to the admin area and forgets to declare is refused, not open."""
    app.add_url_rule("/admin/forgotten", "admin.forgotten", lambda: "the secret page")
    auth.login(admin=True)
    response = client.get("/admin/forgotten")
    assert response.status_code == 403
    assert "the secret page" not in response.text


def test_grant_opens_only_that_roles_pages(app, client, auth, users, runner) -> None:
    """An account with policy_editor opens the policy pages, not the queues or the audit log."""
    user_id = users.create(email="eve@example.com")
    auth.login(user_id)
    assert client.get("/admin/policy").status_code == 403
    result = runner.invoke(args=["users", "grant", "eve@example.com", "policy_editor"])
    assert result.exit_code == 0, result.output
    assert "policy_editor" in result.output
    assert client.get("/admin/policy").status_code == 200
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/rights").status_code == 403
    assert client.get("/admin/audit").status_code == 403
    with app.app_context():
        actions = db.session.execute(text(
            "SELECT action, actor FROM audit_log WHERE action = 'user.grant_role'"
        )).all()
    assert [(row.action, row.actor) for row in actions] == [("user.grant_role", "cli")]


def test_revoking_the_last_role_ends_the_sessions(app, client, auth, users, runner) -> None:
    """Without any role left, the account's open sessions end at once (not only the admin
    pages: it must log in again)."""
    users.create(email="root@example.com", admin=True)  # another administrator
    user_id = users.create(email="hal@example.com", roles="request_handler")
    auth.login(user_id)
    assert client.get("/admin/rights").status_code == 200
    result = runner.invoke(args=["users", "revoke", "hal@example.com", "request_handler"])
    assert result.exit_code == 0, result.output
    assert client.get("/account").status_code == 302  # logged out
    with app.app_context():
        assert db.session.get(User, user_id).roles == ""


def test_revoking_one_of_several_roles_keeps_the_session(app, client, auth, users, runner):
    """Taking one role leaves the others and the session."""
    user_id = users.create(email="root@example.com", admin=True)
    auth.login(user_id)
    users.create(email="other-root@example.com", admin=True)
    result = runner.invoke(args=["users", "revoke", "root@example.com", "policy_editor"])
    assert result.exit_code == 0, result.output
    assert client.get("/admin/policy").status_code == 403
    assert client.get("/admin/rights").status_code == 200


def test_the_only_administrator_keeps_the_role(app, users, runner) -> None:
    """Nothing may leave the site without an administrator."""
    users.create(email="root@example.com", admin=True)
    result = runner.invoke(args=["users", "revoke", "root@example.com", "administrator"])
    assert result.exit_code != 0
    assert "only administrator" in result.output
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "root@example.com"))
        assert "administrator" in user.roles


def test_unknown_role_and_unknown_account_are_refused_clearly(runner, users) -> None:
    """A typo names the known roles; an unknown address says so; nothing is written."""
    users.create(email="eve@example.com")
    result = runner.invoke(args=["users", "grant", "eve@example.com", "superuser"])
    assert result.exit_code != 0 and "policy_editor" in result.output
    result = runner.invoke(args=["users", "grant", "nobody@example.com", "policy_editor"])
    assert result.exit_code != 0 and "No account" in result.output


def test_create_admin_gives_every_role(app, runner) -> None:
    """`create-admin` makes an account holding all three roles."""
    result = runner.invoke(args=["users", "create-admin", "boss@example.com",
                                 "--password", "a long password"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "boss@example.com"))
        assert user.roles == "administrator policy_editor request_handler"

