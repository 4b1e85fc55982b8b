"""Logging in and out: generic failures, fresh sessions, safe redirects, cookie flags."""

from __future__ import annotations

import pytest

from tests.accounts.helpers import csrf_from, user_by_email
from tests.fixtures.app import make_app
from tests.fixtures.users import PASSWORD


def login(client, email="ada@example.com", password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_login_then_account(app, client, users):
    users.create()
    response = login(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/account"
    assert "ada@example.com" in client.get("/account").get_data(as_text=True)
    assert user_by_email(app, "ada@example.com").last_login_at is not None


def test_email_is_matched_case_insensitively(client, users):
    users.create()
    assert login(client, email=" ADA@Example.com ").status_code == 303


def test_unknown_email_and_wrong_password_look_the_same(client, users):
    users.create()
    unknown = login(client, email="nobody@example.com")
    wrong = login(client, password="not the password")
    assert unknown.status_code == wrong.status_code == 401
    for response in (unknown, wrong):
        page = response.get_data(as_text=True)
        assert "Email or password is incorrect." in page
    assert unknown.get_data(as_text=True) == wrong.get_data(as_text=True).replace(
        'value="ada@example.com"', 'value="nobody@example.com"')
    assert client.get("/account").status_code == 302


def test_typed_email_is_kept_password_is_not(client, users):
    users.create()
    page = login(client, password="wrong password typed").get_data(as_text=True)
    assert 'value="ada@example.com"' in page
    assert "wrong password typed" not in page


def test_overlong_password_fails_like_any_wrong_password(client, users):
    users.create()
    response = login(client, password="x" * 200)
    assert response.status_code == 401


# A space is kept (it arrives decoded from %20), and so is a path of 2,000 characters, the most.
@pytest.mark.parametrize("target", [
    "/admin/", "/account?tab=requests", "/privacy#your-rights", "/privacy?q=two words",
    "/privacy?q=" + "a" * 1989,
])
def test_next_goes_to_local_path(client, users, target):
    users.create()
    response = client.post("/login", query_string={"next": target},
                           data={"email": "ada@example.com", "password": PASSWORD})
    assert response.headers["Location"] == target.replace(" ", "%20")  # sent as a URI


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example",
    "javascript:alert(1)", "http:/evil.example", "/\r\nSet-Cookie:x=1", "evil.example",
    "/\t/evil.example",
    # Browsers read any run of slashes after the scheme as the start of a host name.
    "///evil.example/", "/privacy?q=" + "a" * 1990,
])
def test_next_never_leaves_the_site(client, users, target):
    users.create()
    response = login(client, next=target)
    assert response.status_code == 303
    assert response.headers["Location"] == "/account"


def test_login_required_page_sends_next(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=%2Faccount")


def test_session_is_renewed_on_login(client, users):
    users.create()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"]


def test_csrf_still_works_after_login(app, users):
    users.create()
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    assert "csrf_token" not in client.get("/login").text  # a public form: no token
    response = login(client)
    assert response.status_code == 303
    page = client.get("/account").get_data(as_text=True)
    fresh = csrf_from(page)
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200
    assert client.post("/logout", data={"csrf_token": fresh}).status_code == 303
    assert client.get("/account").status_code == 302


def test_logout_is_post_only(client, auth):
    auth.login()
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 303
    assert client.get("/account").status_code == 302


def test_logout_form_in_header(client, auth):
    auth.login()
    page = client.get("/account").get_data(as_text=True)
    assert '<form class="inline" method="post" action="/logout">' in page


def set_cookie(response, name: str) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(name + "=")]
    assert cookies, f"{name} not set"
    return cookies[-1]


def test_session_cookie_flags(client, users):
    users.create()
    cookie = set_cookie(login(client), "session")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development and tests run over plain HTTP


def test_remember_me_cookie(app, client, users):
    users.create()
    response = login(client, remember="y")
    cookie = set_cookie(response, "remember_token")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # A new browser session with only the remember cookie is still logged in.
    other = app.test_client()
    other.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert other.get("/account").status_code == 200


def test_logout_forgets_remember_me(client, users):
    users.create()
    login(client, remember="y")
    response = client.post("/logout")
    assert "remember_token=;" in set_cookie(response, "remember_token")
    assert client.get_cookie("remember_token") is None
    assert client.get("/account").status_code == 302


def test_no_remember_cookie_without_remember(client, users):
    users.create()
    response = login(client)
    assert not [c for c in response.headers.getlist("Set-Cookie")
                if c.startswith("remember_token=")]


def test_production_cookies_are_secure(migrated, monkeypatch):
    from website.config import ProductionConfig

    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    config = ProductionConfig()
    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE
    app = make_app(migrated, SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    from tests.fixtures.users import Users

    Users(app).create(email="sec@example.com")
    response = login(app.test_client(), email="sec@example.com", remember="y")
    assert "Secure" in set_cookie(response, "session")
    assert "Secure" in set_cookie(response, "remember_token")


def test_logged_in_visitor_skips_login_and_register(client, auth):
    auth.login()
    assert client.get("/login").headers["Location"] == "/account"
    assert client.get("/register").headers["Location"] == "/account"
