"""Registration: an account, a welcome email, and the under-13 rule."""

from __future__ import annotations

import bcrypt

from tests.accounts.helpers import GOOD_PASSWORD, outbox, register_data, user_by_email
from tests.conftest import body_text


def test_register_page_says_not_for_children(client):
    page = client.get("/register").get_data(as_text=True)
    assert "not for children under 13" in page
    for name in ("email", "name", "password", "password_confirm", "age_confirm"):
        assert f'name="{name}"' in page


def test_register_creates_account_logs_in_and_queues_welcome(app, client):
    response = client.post("/register", data=register_data(email="  Grace@Example.COM "))
    assert response.status_code == 303
    assert response.headers["Location"] == "/account"
    user = user_by_email(app, "grace@example.com")
    assert user is not None and user.name == "Grace Hopper"
    assert user.password_hash.startswith("$2b$")
    assert bcrypt.checkpw(GOOD_PASSWORD.encode(), user.password_hash.encode())
    assert client.get("/account").status_code == 200
    [welcome] = outbox(app, "grace@example.com")
    assert welcome.subject == "Welcome to the Privacy Centre"
    assert "http://localhost/account" in welcome.body_text


def test_welcome_email_arrives_over_smtp(app, client, smtp, runner):
    client.post("/register", data=register_data())
    result = runner.invoke(args=["outbox", "send"])
    assert "sent 1, failed 0" in result.output
    [message] = smtp.to("grace@example.com")
    assert message["Subject"] == "Welcome to the Privacy Centre"
    assert "http://localhost/account" in body_text(message)


def test_age_confirmation_is_required(app, client):
    response = client.post("/register", data=register_data(age_confirm=None))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This service is not for children under 13" in page
    assert 'value="grace@example.com"' in page and 'value="Grace Hopper"' in page
    assert GOOD_PASSWORD not in page
    assert user_by_email(app, "grace@example.com") is None


def test_email_unique_case_insensitively(app, client, users):
    users.create(email="grace@example.com")
    response = client.post("/register", data=register_data(email="GRACE@example.com"))
    assert response.status_code == 200
    assert "An account with this email address already exists." in response.get_data(as_text=True)
    assert outbox(app) == []


def test_password_rules(client):
    cases = {
        "short": "Use at least 10 characters.",
        "é" * 40: "Use at most 72 bytes",
    }
    for password, message in cases.items():
        data = register_data(password=password, password_confirm=password)
        page = client.post("/register", data=data).get_data(as_text=True)
        assert message in page, password
    page = client.post("/register", data=register_data(password_confirm="something else")
                       ).get_data(as_text=True)
    assert "The two passwords do not match." in page


def test_bcrypt_cost_follows_config(app, client):
    app.config["BCRYPT_ROUNDS"] = 12
    client.post("/register", data=register_data())
    assert user_by_email(app, "grace@example.com").password_hash.startswith("$2b$12$")


def test_default_cost_is_at_least_12():
    from website.config import Config

    assert Config().BCRYPT_ROUNDS >= 12


def test_invalid_email_gets_field_message(client):
    page = client.post("/register", data=register_data(email="grace@")).get_data(as_text=True)
    assert "Enter the part after the @, like name@example.com." in page
    assert 'value="grace@"' in page
