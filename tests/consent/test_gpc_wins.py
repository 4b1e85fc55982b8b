"""GPC wins over any earlier grant; only an exception confirmed on /cookies under GPC counts."""

from __future__ import annotations

import re

from tests.consent.conftest import set_cookie_header

GPC = {"Sec-GPC": "1"}


def analytics_box(page: str) -> str:
    """The cookie page's analytics checkbox."""
    return re.search(r'<input[^>]*id="cat-analytics"[^>]*>', page).group(0)


def test_a_replayed_banner_grant_under_gpc_adds_one_record_not_one_per_request(client, rows):
    client.post("/cookies/consent", data={"choice": "accept_all", "origin": "banner"})
    granted_cookie = client.get_cookie("consent").value
    for _ in range(5):
        # A client that keeps sending the old cookie (curl, a proxy, a blocked Set-Cookie).
        client.set_cookie("consent", granted_cookie)
        response = client.get("/privacy", headers=GPC)
        assert response.status_code == 200
    assert [r.source for r in rows.consent_records()] == ["banner", "gpc"]
    assert rows.page_views() == []


def test_gpc_wins_over_a_grant_made_on_the_cookie_page(client, rows):
    client.post("/cookies/consent", data={"choice": "save", "analytics": "on",
                                          "origin": "settings"})
    client.get("/")
    assert len(rows.page_views()) == 1
    page = client.get("/cookies", headers=GPC).get_data(as_text=True)
    assert "We honoured it" in page
    assert "checked" not in analytics_box(page)
    assert 'name="gpc_exception"' in page  # the exception is offered
    client.get("/privacy", headers=GPC)
    client.get("/privacy", headers=GPC)
    assert len(rows.page_views()) == 1
    assert [r.source for r in rows.consent_records()] == ["settings", "gpc"]


def test_a_grant_under_gpc_without_the_confirmation_does_not_count(client, rows):
    response = client.post("/cookies/consent", data={"choice": "save", "analytics": "on",
                                                     "origin": "settings"}, headers=GPC)
    assert response.status_code == 303
    page = client.get("/cookies", headers=GPC).get_data(as_text=True)
    assert "confirm the exception" in page
    assert rows.consent_records() == []
    client.get("/privacy", headers=GPC)
    assert rows.page_views() == []


def test_an_exception_confirmed_under_gpc_counts_and_is_recorded_as_such(client, rows):
    client.post("/cookies/consent", data={"choice": "save", "analytics": "on",
                                          "gpc_exception": "on", "origin": "settings"},
                headers=GPC)
    records = rows.consent_records()
    assert [r.source for r in records] == ["gpc_exception"]
    assert records[0].granted == ["necessary", "analytics"]
    for _ in range(3):
        client.get("/privacy", headers=GPC)
    assert len(rows.page_views()) == 3
    assert len(rows.consent_records()) == 1
    page = client.get("/cookies", headers=GPC).get_data(as_text=True)
    assert "you confirmed an exception" in page
    assert "checked" in analytics_box(page)


def test_an_exception_ticked_without_the_signal_is_an_ordinary_choice(client, rows):
    client.post("/cookies/consent", data={"choice": "accept_all", "gpc_exception": "on",
                                          "origin": "settings"})
    assert [r.source for r in rows.consent_records()] == ["settings"]
    response = client.get("/privacy", headers=GPC)
    assert set_cookie_header(response, "analytics_id") is None
    assert [r.source for r in rows.consent_records()] == ["settings", "gpc"]


def test_script_grant_under_gpc_without_confirmation_is_refused_with_a_reason(client, rows):
    response = client.post("/cookies/consent", data={"choice": "accept_all"},
                           headers={**GPC, "Accept": "application/json"})
    assert response.status_code == 409
    assert "Global Privacy Control" in response.get_json()["error"]
    assert rows.consent_records() == []
    refusal = client.post("/cookies/consent", data={"choice": "reject_all"},
                          headers={**GPC, "Accept": "application/json"})
    assert refusal.get_json()["categories"] == {"necessary": True, "analytics": False}
