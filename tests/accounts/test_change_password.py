"""Change the password on /account with the current one (issue 27, item 11): the other sessions
end, this browser stays logged in, the account is told by email, the change is audited."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.accounts.helpers import csrf_from, outbox, user_by_email
from tests.fixtures.users import PASSWORD
from website.audit import AuditEntry
from website.extensions import db

NEW = "a brand new passphrase"
FORM = {"current_password": PASSWORD, "password": NEW, "password_confirm": NEW}


def log_in(client: FlaskClient, password: str = PASSWORD) -> int:
    return client.post("/login", data={"email": "ada@example.com",
                                       "password": password}).status_code


def test_the_account_page_offers_the_form(client, auth):
    auth.login()
    page = client.get("/account").get_data(as_text=True)
    assert '<form method="post" action="/account/password"' in page
    for name, id_ in (("current_password", "current_password"), ("password", "new_password"),
                      ("password_confirm", "new_password_confirm")):
        assert re.search(f'<input [^>]*id="{id_}"[^>]*name="{name}"', page), name
    # Every id once: the details form has its own `password` field.
    assert page.count('id="password"') == 1


def test_change_with_the_current_password(app, users):
    users.create()
    here, elsewhere = app.test_client(), app.test_client()
    assert log_in(here) == 303 and log_in(elsewhere) == 303
    response = here.post("/account/password", data=FORM)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/account#password-heading")
    page = here.get("/account")
    assert page.status_code == 200  # this browser stays logged in
    assert "Your password has been changed. Every other device where you were logged in has " \
           "been logged out." in page.get_data(as_text=True)
    assert elsewhere.get("/account").status_code == 302  # the other session has ended
    assert log_in(app.test_client()) == 401
    assert log_in(app.test_client(), NEW) == 303
    assert [m.subject for m in outbox(app, "ada@example.com")] == ["Your password was changed"]
    user = user_by_email(app, "ada@example.com")
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "account.password_changed"))
        assert entry is not None and entry.actor_id == user.id
        assert entry.target == f"user:{user.id}"


def test_a_wrong_current_password_changes_nothing(app, client, users):
    users.create()
    log_in(client)
    response = client.post("/account/password", data={**FORM, "current_password": "guess"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert '<a href="#current_password">That is not your current password.</a>' in page
    assert log_in(app.test_client()) == 303
    assert outbox(app, "ada@example.com") == []
    assert client.get("/account").status_code == 200  # still logged in


def test_the_new_password_follows_the_rules_and_matches(client, auth):
    auth.login()
    short = client.post("/account/password", data={**FORM, "password": "short",
                                                     "password_confirm": "short"})
    assert short.status_code == 400
    assert 'href="#new_password"' in short.get_data(as_text=True)
    mismatch = client.post("/account/password", data={**FORM, "password_confirm": "other words"})
    page = mismatch.get_data(as_text=True)
    assert '<a href="#new_password_confirm">The two passwords do not match.</a>' in page
    empty = client.post("/account/password", data={}).get_data(as_text=True)
    assert '<a href="#current_password">Enter your current password.</a>' in empty


def test_it_needs_a_login_and_its_token(app, client, auth):
    assert client.post("/account/password", data=FORM).status_code == 302
    app.config["WTF_CSRF_ENABLED"] = True
    auth.login()
    assert client.post("/account/password", data=FORM).status_code == 400
    assert log_in(app.test_client()) == 303  # unchanged
    token = csrf_from(client.get("/account").get_data(as_text=True))
    assert client.post("/account/password", data={**FORM, "csrf_token": token}).status_code == 303
