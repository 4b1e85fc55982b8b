"""The account forms behind a login refuse a POST without a valid CSRF token; the forms a
visitor without cookies sees carry none (the cross-origin check guards them)."""

from __future__ import annotations

import pytest

from tests.accounts.helpers import csrf_from, outbox, reset_link, user_by_email
from tests.fixtures.users import PASSWORD


@pytest.mark.parametrize("path", ["/logout", "/account"])
def test_post_without_token_is_refused(app, client, users, auth, path):
    auth.login(users.create())
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(path, data={"email": "ada@example.com", "name": "X",
                                       "csrf_token": "forged"})
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/register", "/login", "/password/forgot",
                                  "/password/reset/TOKEN"])
def test_public_forms_carry_no_token(app, client, users, path):
    users.create()
    client.post("/password/forgot", data={"email": "ada@example.com"})
    path = path.replace("/password/reset/TOKEN", reset_link(outbox(app)[0].body_text))
    page = app.test_client().get(path)
    assert "<form" in page.text and "csrf_token" not in page.text
    assert not page.headers.getlist("Set-Cookie")


def test_public_forms_need_no_token_then_the_account_forms_carry_one(app, users):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    same_origin = {"Sec-Fetch-Site": "same-origin"}
    response = client.post("/register", data={
        "email": "grace@example.com", "name": "Grace", "password": "a long passphrase",
        "password_confirm": "a long passphrase", "age_confirm": "y"}, headers=same_origin)
    assert response.status_code == 303
    assert "csrf_token" not in client.get("/login").get_data(as_text=True)
    users.create(email="ada@example.com")
    response = client.post("/login", data={"email": "ada@example.com", "password": PASSWORD},
                           headers=same_origin)
    assert response.status_code == 303
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/account/delete"' in page
    delete_token = page[page.index('action="/account/delete"'):]
    assert csrf_from(delete_token)


@pytest.mark.parametrize("token", [None, "expired-or-forged"])
def test_expired_form_comes_back_with_what_was_typed(app, client, users, auth, token):
    """Was: a bare 'The CSRF session token is missing.' page, and everything typed was lost."""
    user_id = auth.login(users.create(name="Ada Lovelace"))
    app.config["WTF_CSRF_ENABLED"] = True
    data = {"name": "Ada King", "organisation": "Analytical Engines", "email": "ada@example.com",
            "phone": "", "address": "12 St James's Square"}
    if token:
        data["csrf_token"] = token
    response = client.post("/account", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Your form expired; please send it again." in page
    assert "CSRF" not in page
    assert 'value="Ada King"' in page and 'value="Analytical Engines"' in page
    assert "12 St James&#39;s Square" in page
    # Nothing was saved, and the page carries a fresh token that works.
    assert user_by_email(app, "ada@example.com").name == "Ada Lovelace"
    again = client.post("/account", data={**data, "csrf_token": csrf_from(page)})
    assert again.status_code == 303
    assert user_by_email(app, "ada@example.com").name == "Ada King"
    assert user_id


def test_expired_token_elsewhere_says_so_plainly(app, client, users, auth):
    auth.login(users.create())
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/logout")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Your form expired; please send it again." in page and "CSRF" not in page
    assert client.get("/account").status_code == 200  # still logged in
