"""Admin sessions end after 30 minutes idle and 12 hours in all; admins get no remember-me."""

from __future__ import annotations

from tests.fixtures.users import PASSWORD
from website.accounts.sessions import LOGIN_AT, SEEN_AT


def shift(client, key: str, seconds: float) -> None:
    """Move one of the session's clocks into the past (as if that much time had gone by)."""
    with client.session_transaction() as session:
        session[key] -= seconds


def test_thirty_minutes_idle_ends_an_admin_session(client, auth) -> None:
    auth.login(admin=True)
    assert client.get("/admin/").status_code == 200
    shift(client, SEEN_AT, 31 * 60)
    response = client.get("/admin/")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/login?next=/admin/")
    assert "without activity" in client.get("/login").text
    assert client.get("/account").status_code == 302  # logged out everywhere on this browser


def test_activity_keeps_an_admin_session_alive(client, auth) -> None:
    auth.login(admin=True)
    shift(client, SEEN_AT, 29 * 60)
    assert client.get("/admin/").status_code == 200
    shift(client, SEEN_AT, 29 * 60)  # 58 minutes since login, never 30 idle
    assert client.get("/admin/").status_code == 200


def test_twelve_hours_end_an_admin_session_however_active(client, auth) -> None:
    auth.login(admin=True)
    shift(client, LOGIN_AT, 12 * 3600 + 60)
    response = client.get("/admin/rights")
    assert response.status_code == 303 and "/login" in response.headers["Location"]
    assert "12 hours" in client.get("/login").text


def test_a_customer_session_has_no_idle_limit(client, auth) -> None:
    auth.login()
    shift(client, SEEN_AT, 5 * 3600)
    assert client.get("/account").status_code == 200


def test_admins_get_no_remember_me_cookie(app, users) -> None:
    """`remember` is ignored for an admin; a customer still gets the cookie."""
    users.create(email="root@example.com", admin=True)
    users.create(email="ada@example.com")
    admin, customer = app.test_client(), app.test_client()
    admin.post("/login", data={"email": "root@example.com", "password": PASSWORD,
                               "remember": "y"})
    customer.post("/login", data={"email": "ada@example.com", "password": PASSWORD,
                                  "remember": "y"})
    assert admin.get_cookie("remember_token") is None
    assert customer.get_cookie("remember_token") is not None


def test_a_remember_me_cookie_opens_no_admin_session(app, users, runner) -> None:
    """A customer's year-long cookie, once the account is given a role, is not a login."""
    users.create(email="ada@example.com")
    client = app.test_client()
    client.post("/login", data={"email": "ada@example.com", "password": PASSWORD,
                                "remember": "y"})
    granted = runner.invoke(args=["users", "grant", "ada@example.com", "request_handler"])
    assert granted.exit_code == 0
    client.delete_cookie("session")  # the browser was closed; the remember cookie stays
    response = client.get("/admin/rights")
    assert response.status_code == 303 and "/login" in response.headers["Location"]
    assert client.get("/admin/rights").status_code == 302
