"""The rights form fills in a logged-in user's name and confirmed address (issue 27, item 3),
as the support form does; an unconfirmed address is not offered."""

from __future__ import annotations

import re


def value_of(page: str, field: str) -> str | None:
    found = re.search(rf'<input[^>]*\bid="{field}"[^>]*>', page)
    assert found, field
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else None


def test_logged_in_user_finds_name_and_confirmed_address_filled_in(client, auth):
    auth.login()
    page = client.get("/rights").get_data(as_text=True)
    assert value_of(page, "name") == "Ada Lovelace"
    assert value_of(page, "email") == "ada@example.com"


def test_an_unconfirmed_address_is_not_filled_in(client, auth, users):
    auth.login(users.create(email="bob@example.com", name="Bob", confirmed=False))
    page = client.get("/rights").get_data(as_text=True)
    assert value_of(page, "name") == "Bob"
    assert value_of(page, "email") in (None, "")


def test_a_visitor_gets_an_empty_form(client):
    page = client.get("/rights").get_data(as_text=True)
    assert value_of(page, "name") in (None, "")
    assert value_of(page, "email") in (None, "")
