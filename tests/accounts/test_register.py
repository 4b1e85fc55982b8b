"""Registration: an account, a welcome email, and the under-13 rule."""

from __future__ import annotations

import bcrypt

from tests.accounts.helpers import (
    GOOD_PASSWORD,
    confirm_link,
    outbox,
    register_data,
    user_by_email,
)
from tests.fixtures.mail import body_text


def test_register_page_says_not_for_children(client):
    page = client.get("/register").get_data(as_text=True)
    assert "not for children under 13" in page
    for name in ("email", "name", "password", "password_confirm", "age_confirm"):
        assert f'name="{name}"' in page


def test_register_creates_account_and_emails_a_confirmation_link(app, client):
    # Registration no longer logs in at once (SPEC: the address counts only once its owner
    # follows the link, and a taken address gets the same answer): "check your inbox".
    response = client.post("/register", data=register_data(email="  Grace@Example.COM "))
    assert response.status_code == 303
    assert response.headers["Location"] == "/register/sent"
    user = user_by_email(app, "grace@example.com")
    assert user is not None and user.name == "Grace Hopper"
    assert user.email_confirmed_at is None
    assert user.password_hash.startswith("$2b$")
    assert bcrypt.checkpw(GOOD_PASSWORD.encode(), user.password_hash.encode())
    assert client.get("/account").status_code == 302
    [welcome] = outbox(app, "grace@example.com")
    assert welcome.subject == "Welcome to the Privacy Centre: confirm your email address"
    assert "Grace Hopper" not in welcome.body_text  # nothing typed at registration is quoted
    # The link moves its token into the session; the clean page has one button and,
    # when not logged in as the account, asks for its password.
    link = confirm_link(welcome.body_text)
    response = client.get(link)
    assert response.status_code == 303 and response.headers["Location"] == "/account/email/confirm"
    page = client.get("/account/email/confirm").get_data(as_text=True)
    assert "grace@example.com" in page and 'name="password"' in page
    assert user_by_email(app, "grace@example.com").email_confirmed_at is None  # GET: nothing
    wrong = client.post("/account/email/confirm", data={"password": "not the password"})
    assert "That password is not right." in wrong.get_data(as_text=True)
    response = client.post("/account/email/confirm", data={"password": GOOD_PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/account"
    assert user_by_email(app, "grace@example.com").email_confirmed_at is not None
    assert client.get("/account").status_code == 200
    # Used once: the link is spent.
    client.get(link)
    assert client.get("/account/email/confirm").status_code == 410


def test_welcome_email_arrives_over_smtp(app, client, smtp, runner):
    client.post("/register", data=register_data())
    result = runner.invoke(args=["outbox", "send"])
    assert "sent 1, failed 0" in result.output
    [message] = smtp.to("grace@example.com")
    assert message["Subject"] == "Welcome to the Privacy Centre: confirm your email address"
    assert "http://localhost/account/email/confirm/" in body_text(message)


def test_age_confirmation_is_required(app, client):
    response = client.post("/register", data=register_data(age_confirm=None))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This service is not for children under 13" in page
    assert 'value="grace@example.com"' in page and 'value="Grace Hopper"' in page
    assert GOOD_PASSWORD not in page
    assert user_by_email(app, "grace@example.com") is None


def test_email_unique_case_insensitively_without_saying_so(app, client, users):
    # The old answer ("An account with this email address already exists.") told a stranger
    # who has an account; now the answer is the same and the owner is told by email.
    users.create(email="grace@example.com")
    response = client.post("/register", data=register_data(email="GRACE@example.com"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/register/sent"
    [notice] = outbox(app)
    assert notice.to_address == "grace@example.com"
    assert notice.subject == "Someone tried to use your email address"
    assert "http://localhost/password/forgot" in notice.body_text


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
