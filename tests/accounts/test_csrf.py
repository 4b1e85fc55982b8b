"""The account forms behind a login refuse a POST without a valid CSRF token; the forms a
visitor without cookies sees carry none (the cross-origin check guards them)."""

from __future__ import annotations

import pytest

from tests.accounts.helpers import csrf_from, outbox, reset_link


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


def test_register_without_any_token_then_the_account_forms_carry_one(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post("/register", data={
        "email": "grace@example.com", "name": "Grace", "password": "a long passphrase",
        "password_confirm": "a long passphrase", "age_confirm": "y"},
        headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 303
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/account/delete"' in page
    delete_token = page[page.index('action="/account/delete"'):]
    assert csrf_from(delete_token)
