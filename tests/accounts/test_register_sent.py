"""After registering (issue 27, item 12): "check your email" names the address typed, to this
browser only, and sends again (rate-limited), the same for a new and a taken address; the
confirmation asks for the password only when this browser is not logged in as the account."""

from __future__ import annotations

from tests.accounts.helpers import GOOD_PASSWORD, confirm_link, outbox, register_data
from tests.fixtures.app import make_app
from tests.fixtures.users import Users


def test_the_page_names_the_address_and_sends_again(app, client):
    client.post("/register", data=register_data(email="Grace@Example.com"))
    response = client.get("/register/sent")
    assert response.headers["Cache-Control"] == "private, no-store"
    page = response.get_data(as_text=True)
    assert "We have sent a message to <strong>Grace@Example.com</strong>." in page
    assert 'action="/register/sent/resend"' in page and "Send the email again" in page
    again = client.post("/register/sent/resend")
    assert again.status_code == 303 and again.headers["Location"] == "/register/sent"
    assert "We have sent the email again." in client.get("/register/sent").get_data(as_text=True)
    first, second = outbox(app, "grace@example.com")
    assert first.subject == second.subject == (
        "Welcome to the Privacy Centre: confirm your email address")
    assert confirm_link(first.body_text) != confirm_link(second.body_text)


def test_another_browser_sees_no_address_and_sends_nothing(app, client):
    client.post("/register", data=register_data())
    stranger = app.test_client()
    page = stranger.get("/register/sent").get_data(as_text=True)
    assert "grace@example.com" not in page and "Send the email again" not in page
    assert "We have sent a message to the address you gave." in page
    assert stranger.post("/register/sent/resend").status_code == 303
    assert len(outbox(app, "grace@example.com")) == 1


def test_a_taken_address_gets_the_same_page_and_its_owner_the_note_again(app, client, users):
    users.create(email="grace@example.com")
    client.post("/register", data=register_data())
    page = client.get("/register/sent").get_data(as_text=True)
    assert "We have sent a message to <strong>grace@example.com</strong>." in page
    assert "Send the email again" in page
    client.post("/register/sent/resend")
    assert [m.subject for m in outbox(app, "grace@example.com")] == [
        "Someone tried to use your email address"] * 2


def test_send_again_is_rate_limited(app, migrated):
    limited = make_app(migrated, RATELIMIT_ENABLED=True)
    Users(limited)  # the same database, emptied by `app`
    client = limited.test_client()
    client.post("/register", data=register_data(), environ_base={"REMOTE_ADDR": "10.0.9.1"})
    statuses = [client.post("/register/sent/resend",
                            environ_base={"REMOTE_ADDR": f"10.0.9.{n}"}).status_code
                for n in range(2, 6)]
    # Three per address in ten minutes, from any IP address.
    assert statuses == [303, 303, 303, 429]
    assert len(outbox(app, "grace@example.com")) == 4


def test_confirming_asks_for_the_password_only_when_not_logged_in_as_the_account(app, client):
    client.post("/register", data=register_data())
    link = confirm_link(outbox(app, "grace@example.com")[0].body_text)
    other_browser = app.test_client()
    other_browser.get(link)
    page = other_browser.get("/account/email/confirm").get_data(as_text=True)
    assert 'name="password"' in page
    # Logged in as the account (on this browser), the button alone confirms.
    assert client.post("/login", data={"email": "grace@example.com",
                                       "password": GOOD_PASSWORD}).status_code == 303
    client.get(link)
    page = client.get("/account/email/confirm").get_data(as_text=True)
    assert 'name="password"' not in page and "Confirm this address" in page
    response = client.post("/account/email/confirm")
    assert response.status_code == 303 and response.headers["Location"] == "/account"
    assert "Your email address is confirmed." in client.get("/account").get_data(as_text=True)
