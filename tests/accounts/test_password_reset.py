"""Password reset: the same answer for everyone, a single-use expiring link, sessions ended."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from tests.accounts.helpers import outbox, reset_link, user_by_email
from tests.fixtures.mail import body_text
from tests.fixtures.users import PASSWORD
from website.extensions import db

NEW = "a brand new passphrase"


def ask(client, email="ada@example.com"):
    return client.post("/password/forgot", data={"email": email})


def link_from_outbox(app, to="ada@example.com") -> str:
    [email] = [e for e in outbox(app, to) if e.subject == "Reset your password"]
    return reset_link(email.body_text)


def test_same_page_whether_or_not_the_account_exists(app, client, users):
    users.create()
    known = ask(client, "ada@example.com")
    unknown = ask(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert "Check your email" in known.get_data(as_text=True)
    # The CSRF token is signed with a timestamp: two requests a second apart differ there only.
    known_page, unknown_page = (re.sub(r'name="csrf_token" value="[^"]*"', "",
                                       r.get_data(as_text=True)) for r in (known, unknown))
    assert known_page.replace("ada@", "nobody@") == unknown_page
    assert len(outbox(app, "ada@example.com")) == 1
    # The same work either way (issue 11: 28-97 ms against 4-9 ms): an unknown address gets a
    # note that no account uses it, with no reset link.
    [note] = outbox(app, "nobody@example.com")
    assert "/password/reset/" not in note.body_text


def test_reset_email_arrives_with_absolute_link(app, client, users, smtp, runner):
    users.create()
    ask(client)
    runner.invoke(args=["outbox", "send"])
    [message] = smtp.to("ada@example.com")
    assert message["Subject"] == "Reset your password"
    assert message.is_multipart()
    kinds = {part.get_content_type() for part in message.walk()}
    assert {"text/plain", "text/html"} <= kinds
    path = reset_link(body_text(message))
    html = next(p for p in message.walk() if p.get_content_type() == "text/html")
    assert f'href="http://localhost{path}"' in html.get_payload(decode=True).decode()
    assert client.get(path).status_code == 200


def test_only_a_hash_of_the_token_is_stored(app, client, users):
    from website.accounts.models import PasswordResetToken

    users.create()
    ask(client)
    token = link_from_outbox(app).rsplit("/", 1)[1]
    with app.app_context():
        [row] = db.session.query(PasswordResetToken).all()
        assert row.token_hash != token and len(row.token_hash) == 64


def test_reset_sets_password_once_and_ends_every_session(app, client, users, auth):
    user_id = users.create()
    other_device = app.test_client()
    other_device.post("/login", data={"email": "ada@example.com", "password": PASSWORD,
                                      "remember": "y"})
    assert other_device.get("/account").status_code == 200
    ask(client)
    path = link_from_outbox(app)
    response = client.post(path, data={"password": NEW, "password_confirm": NEW})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    # Every other session, the remember-me cookie included, is over.
    assert other_device.get("/account").status_code == 302
    remembered = app.test_client()
    remembered.set_cookie("remember_token", other_device.get_cookie("remember_token").value)
    assert remembered.get("/account").status_code == 302
    # The old password is gone, the new one works, the link is spent.
    assert client.post("/login", data={"email": "ada@example.com", "password": PASSWORD}
                       ).status_code == 401
    assert client.post("/login", data={"email": "ada@example.com", "password": NEW}
                       ).status_code == 303
    again = client.post(path, data={"password": "yet another one!", "password_confirm":
                                    "yet another one!"})
    assert again.status_code == 410
    assert "expired or has already been used" in again.get_data(as_text=True)
    assert [e.subject for e in outbox(app, "ada@example.com")][-1] == "Your password was changed"
    assert user_by_email(app, "ada@example.com").id == user_id


def test_expired_link_is_refused(app, client, users):
    from website.accounts.models import PasswordResetToken

    users.create()
    ask(client)
    path = link_from_outbox(app)
    with app.app_context():
        db.session.execute(update(PasswordResetToken).values(
            expires_at=PasswordResetToken.expires_at - timedelta(hours=1, seconds=1)))
        db.session.commit()
    assert client.get(path).status_code == 410
    response = client.post(path, data={"password": NEW, "password_confirm": NEW})
    assert response.status_code == 410
    assert client.post("/login", data={"email": "ada@example.com", "password": PASSWORD}
                       ).status_code == 303


def test_link_expires_after_one_hour(app, client, users):
    from website.accounts.models import PasswordResetToken

    users.create()
    ask(client)
    with app.app_context():
        row = db.session.query(PasswordResetToken).one()
        assert timedelta(minutes=59) < row.expires_at - row.created_at <= timedelta(hours=1)


def test_unknown_token_is_refused(client):
    assert client.get("/password/reset/not-a-real-token").status_code == 410


def test_new_password_rules_apply(app, client, users):
    users.create()
    ask(client)
    path = link_from_outbox(app)
    page = client.post(path, data={"password": "short", "password_confirm": "short"})
    assert "Use at least 10 characters." in page.get_data(as_text=True)
    page = client.post(path, data={"password": NEW, "password_confirm": NEW + "x"})
    assert "The two passwords do not match." in page.get_data(as_text=True)
    assert client.get(path).status_code == 200  # still usable after failed attempts
