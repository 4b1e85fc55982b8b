"""Issue 11, attack 3, replayed through HTTP: sessions end on the server (logout, email change,
password reset, "log out everywhere"). The attack tests failed on main f249ede."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.accounts.helpers import GOOD_PASSWORD, confirm_link, log_in, outbox
from tests.fixtures.users import Users

# --- attack 3: sessions the server ends ---------------------------------------------------

def replay(app: Flask, cookies: dict[str, str]) -> int:
    """Open /account in a fresh browser holding only these cookies; the status code."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value, domain="localhost")
    return browser.get("/account").status_code


def cookies_of(client: FlaskClient) -> dict[str, str]:
    """The client's cookies by name."""
    return {name: client.get_cookie(name).value for name in ("session", "remember_token")
            if client.get_cookie(name) is not None}


def test_attack_3_logout_ends_the_session_and_the_remember_cookie_on_the_server(
    app: Flask, client: FlaskClient, users: Users
) -> None:
    users.create(password=GOOD_PASSWORD)
    log_in(client, "ada@example.com", remember="y")
    stolen = cookies_of(client)
    assert set(stolen) == {"session", "remember_token"}
    assert replay(app, stolen) == 200
    assert replay(app, {"remember_token": stolen["remember_token"]}) == 200
    client.post("/logout")
    assert replay(app, stolen) == 302
    assert replay(app, {"remember_token": stolen["remember_token"]}) == 302


def test_attack_3_an_email_change_ends_every_other_session(
    app: Flask, users: Users
) -> None:
    users.create(password=GOOD_PASSWORD)
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, "ada@example.com")
    log_in(phone, "ada@example.com", remember="y")
    stolen = cookies_of(phone)
    laptop.post("/account", data={"name": "Ada", "email": "ada.new@example.com",
                                  "password": GOOD_PASSWORD})
    laptop.get(confirm_link(outbox(app, "ada.new@example.com")[-1].body_text))
    assert laptop.post("/account/email/confirm").status_code == 303
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302
    assert replay(app, stolen) == 302


def test_a_password_reset_ends_every_session_and_remember_cookie(app: Flask, users: Users) -> None:
    users.create(password=GOOD_PASSWORD)
    phone = app.test_client()
    log_in(phone, "ada@example.com", remember="y")
    stolen = cookies_of(phone)
    browser = app.test_client()
    browser.post("/password/forgot", data={"email": "ada@example.com"})
    path = re.search(r"http://localhost(/password/reset/\S+)",
                     outbox(app, "ada@example.com")[-1].body_text).group(1)
    new = "another long passphrase"
    assert browser.post(path, data={"password": new, "password_confirm": new}).status_code == 303
    assert replay(app, stolen) == 302


def test_log_out_everywhere_from_the_account_page(app: Flask, users: Users) -> None:
    users.create(password=GOOD_PASSWORD)
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, "ada@example.com")
    log_in(phone, "ada@example.com", remember="y")
    stolen = cookies_of(phone)
    assert "Log out everywhere" in laptop.get("/account").get_data(as_text=True)
    response = laptop.post("/account/logout-everywhere")
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert laptop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 302
    assert replay(app, stolen) == 302
