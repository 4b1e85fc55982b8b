"""The cookie registry is the one list: the page, the JSON and the code that sets cookies."""

from __future__ import annotations

import re

from tests.consent.conftest import set_cookie_names
from website.consent import registry


def test_cookies_json_format(client):
    response = client.get("/cookies.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert {"key": "necessary", "name": "Strictly necessary", "required": True,
            "description": body["categories"][0]["description"]} == body["categories"][0]
    assert [c["key"] for c in body["categories"]] == ["necessary", "analytics"]
    names = {c["name"]: c for c in body["cookies"]}
    assert {"session", "remember_token", "consent", "analytics_id", "policy_notice"} <= set(names)
    for cookie in body["cookies"]:
        assert set(cookie) == {"name", "category", "purpose", "lifetime"}
        assert cookie["category"] in {"necessary", "analytics"} and cookie["purpose"]
    assert names["analytics_id"]["category"] == "analytics"
    assert names["consent"]["lifetime"] == "182 days"
    assert names["session"]["lifetime"] == "until you close the browser"


def test_cookie_page_table_is_the_registry(client):
    page = client.get("/cookies").get_data(as_text=True)
    rows = re.findall(r'<tr><th scope="row"><code>([^<]+)</code></th><td[^>]*>([^<]+)</td>'
                      r"<td[^>]*>[^<]+</td><td[^>]*>([^<]+)</td></tr>", page)
    listed = [(c["name"], c["category"], c["lifetime"])
              for c in client.get("/cookies.json").get_json()["cookies"]]
    assert rows == listed
    for category in client.get("/cookies.json").get_json()["categories"]:
        assert category["name"] in page and category["description"] in page


def test_every_cookie_the_site_sets_is_listed(client, auth):
    listed = {c["name"] for c in client.get("/cookies.json").get_json()["cookies"]}
    seen: set[str] = set()
    seen |= set_cookie_names(client.get("/"))
    seen |= set_cookie_names(client.post("/cookies/consent", data={"choice": "accept_all"}))
    seen |= set_cookie_names(client.get("/privacy"))
    auth.login()
    seen |= set_cookie_names(client.get("/"))
    seen |= set_cookie_names(client.post("/cookies/consent", data={"choice": "reject_all"}))
    assert {"session", "consent", "analytics_id"} <= seen
    assert seen <= listed


def test_flask_cookie_names_follow_the_configuration(app, client):
    app.config["SESSION_COOKIE_NAME"] = "sid"
    names = {c["name"] for c in client.get("/cookies.json").get_json()["cookies"]}
    assert "sid" in names and "session" not in names


def test_setting_an_unlisted_cookie_fails_loudly(app):
    import pytest
    from flask import Response

    with app.test_request_context(), pytest.raises(KeyError):
        registry.set_cookie(Response(), "tracker", "1")


def test_adding_a_category_in_the_registry_is_all_it_takes(monkeypatch, client, rows):
    monkeypatch.setattr(registry, "CATEGORIES", [
        *registry.CATEGORIES,
        registry.Category("preferences", "Preferences", "Remembers your display settings."),
    ])
    monkeypatch.setattr(registry, "COOKIES", [
        *registry.COOKIES,
        registry.Cookie("prefs", "preferences", "Your display settings.", default_days=30),
    ])
    body = client.get("/cookies.json").get_json()
    assert body["categories"][-1]["key"] == "preferences"
    assert {"name": "prefs", "category": "preferences", "purpose": "Your display settings.",
            "lifetime": "30 days"} in body["cookies"]
    page = client.get("/cookies").get_data(as_text=True)
    assert 'name="preferences"' in page and "<code>prefs</code>" in page
    client.post("/cookies/consent", data={"choice": "save", "preferences": "on"})
    answer = client.post("/cookies/consent", data={"choice": "accept_all"},
                         headers={"Accept": "application/json"}).get_json()
    assert answer["categories"] == {"necessary": True, "analytics": True, "preferences": True}
    first, second = rows.consent_records()
    assert first.granted == ["necessary", "preferences"]
    assert first.refused == ["analytics"]
    assert second.granted == ["necessary", "analytics", "preferences"]
