"""Posting a choice: the redirect or JSON answer, the cookie, and one proof row per decision."""

from __future__ import annotations

import re

import pytest

from tests.consent.conftest import has_banner, set_cookie_header

CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


def test_accept_all_from_banner_redirects_back_and_records_proof(client, rows):
    response = client.post(
        "/cookies/consent", data={"choice": "accept_all", "next": "/privacy", "origin": "banner"},
        headers={"User-Agent": CHROME},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/privacy"
    header = set_cookie_header(response, "consent")
    assert header and "HttpOnly" in header and "SameSite=Lax" in header
    assert "Max-Age=15724800" in header  # CONSENT_MAX_AGE_DAYS = 182 days
    [record] = rows.consent_records()
    assert record.granted == ["necessary", "analytics"] and record.refused == []
    assert record.source == "banner" and record.policy_version == 1
    assert record.browser_family == "Chrome" and record.user_id is None
    assert len(record.consent_id) >= 22
    back = client.get("/privacy")
    assert not has_banner(back)
    assert "Your choice is saved: analytics allowed." in back.get_data(as_text=True)


def test_consent_records_hold_no_ip_address(app):
    from website.consent.models import ConsentRecord, PageView

    for model in (ConsentRecord, PageView):
        columns = {c.name for c in model.__table__.columns}
        assert not {name for name in columns if "ip" in name.split("_") or "addr" in name}
        assert "user_agent" not in columns


def test_reject_all_records_refusal_and_sets_no_analytics_cookie(client, rows):
    response = client.post("/cookies/consent", data={"choice": "reject_all"})
    assert response.status_code == 303 and response.headers["Location"] == "/cookies"
    assert set_cookie_header(response, "analytics_id") is None
    [record] = rows.consent_records()
    assert record.granted == ["necessary"] and record.refused == ["analytics"]
    page = client.get("/cookies").get_data(as_text=True)
    assert "Analytics: refused" in page
    assert record.consent_id in page


def test_json_answer_for_the_script(client, rows):
    response = client.post(
        "/cookies/consent", data={"choice": "accept_all"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["categories"] == {"necessary": True, "analytics": True}
    assert body["consent_id"] == rows.consent_records()[0].consent_id
    assert set_cookie_header(response, "consent")


def test_settings_page_form_ticks_analytics_exactly_when_granted(client):
    def analytics_box() -> str:
        page = client.get("/cookies").get_data(as_text=True)
        return re.search(r'<input[^>]*id="cat-analytics"[^>]*>', page).group(0)

    assert "checked" not in analytics_box()
    client.post("/cookies/consent", data={"choice": "save", "analytics": "on"})
    assert "checked" in analytics_box()
    client.post("/cookies/consent", data={"choice": "save"})
    assert "checked" not in analytics_box()


def test_save_records_settings_then_withdrawal_under_one_consent_id(client, rows):
    client.post("/cookies/consent", data={"choice": "save", "analytics": "on",
                                          "origin": "settings"})
    client.post("/cookies/consent", data={"choice": "save", "origin": "settings"})
    client.post("/cookies/consent", data={"choice": "reject_all", "origin": "settings"})
    first, second, third = rows.consent_records()
    assert (first.source, first.granted) == ("settings", ["necessary", "analytics"])
    assert (second.source, second.refused) == ("withdrawal", ["analytics"])
    assert third.source == "settings"  # nothing left to withdraw
    assert first.consent_id == second.consent_id == third.consent_id


def test_withdrawal_takes_as_many_clicks_as_giving(client, rows):
    # Giving on the settings page: "Cookie settings" link, then "Accept all". Withdrawing: the
    # same link, then "Reject all". Both buttons sit in the same form on /cookies.
    page = client.get("/").get_data(as_text=True)
    assert '<a href="/cookies">Cookie settings</a>' in page
    settings = client.get("/cookies").get_data(as_text=True)
    assert 'value="accept_all">Accept all</button>' in settings
    assert 'value="reject_all">Reject all</button>' in settings
    client.post("/cookies/consent", data={"choice": "accept_all", "origin": "settings"})
    client.post("/cookies/consent", data={"choice": "reject_all", "origin": "settings"})
    assert [r.source for r in rows.consent_records()] == ["settings", "withdrawal"]


def test_logged_in_choice_records_the_user(client, auth, rows):
    user_id = auth.login()
    client.post("/cookies/consent", data={"choice": "accept_all"})
    assert rows.consent_records()[0].user_id == user_id


def test_every_decision_is_a_new_row(client, rows):
    for choice in ("accept_all", "accept_all", "reject_all", "accept_all"):
        client.post("/cookies/consent", data={"choice": choice})
    assert len(rows.consent_records()) == 4


@pytest.mark.parametrize("choice", ["", "accept", "ACCEPT_ALL", "drop table", "x" * 5000])
def test_unknown_choice_is_a_400_page_and_records_nothing(client, rows, choice):
    response = client.post("/cookies/consent", data={"choice": choice, "analytics": "on"})
    assert response.status_code == 400
    assert "Choose Accept all, Reject all or Save choices." in response.get_data(as_text=True)
    assert rows.consent_records() == []


def test_missing_choice_is_400_and_json_clients_get_json(client):
    assert client.post("/cookies/consent", data={}).status_code == 400
    response = client.post("/cookies/consent", data={"choice": "maybe"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 400 and "message" in response.get_json()


def test_unknown_categories_are_ignored(client, rows):
    client.post("/cookies/consent", data={"choice": "save", "marketing": "on", "analytics": "on",
                                          "necessary": "off"})
    [record] = rows.consent_records()
    assert record.granted == ["necessary", "analytics"] and record.refused == []


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example",
     "javascript:alert(1)", "http:/evil.example", "evil.example", "/\x00/x", "  //evil.example"],
)
def test_off_site_next_is_ignored(client, target):
    response = client.post("/cookies/consent", data={"choice": "reject_all", "next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/cookies"


def test_local_next_with_query_is_kept(client):
    response = client.post("/cookies/consent",
                           data={"choice": "reject_all", "next": "/privacy/diff?from=1&to=1"})
    assert response.headers["Location"] == "/privacy/diff?from=1&to=1"


def test_the_choice_needs_no_token_but_another_site_cannot_make_it(app, client, rows):
    app.config["WTF_CSRF_ENABLED"] = True
    assert "csrf_token" not in client.get("/").text
    forged = client.post("/cookies/consent", data={"choice": "accept_all"},
                         headers={"Sec-Fetch-Site": "cross-site"})
    assert forged.status_code == 403 and "Set-Cookie" not in forged.headers
    assert rows.consent_records() == []
    ok = client.post("/cookies/consent", data={"choice": "accept_all"},
                     headers={"Sec-Fetch-Site": "same-origin"})
    assert ok.status_code == 303
    by_script = client.post("/cookies/consent", data={"choice": "reject_all"},
                            headers={"Origin": "http://localhost", "Accept": "application/json"})
    assert by_script.status_code == 200
    assert len(rows.consent_records()) == 2


def test_get_on_the_consent_endpoint_is_not_allowed(client):
    assert client.get("/cookies/consent").status_code == 405


def test_recorded_policy_version_is_the_one_in_force(app, client, rows):
    from datetime import date, timedelta

    from website.policy.service import current_version, publish_version

    with app.app_context():
        publish_version("# P\n\nSame day A.\n", date(2025, 9, 1))
        publish_version("# P\n\nSame day B.\n", date(2025, 9, 1))
        publish_version("# P\n\nLater.\n", date.today() + timedelta(days=3))
        in_force = current_version().number
    client.post("/cookies/consent", data={"choice": "reject_all"})
    assert in_force == 3
    assert rows.consent_records()[0].policy_version == in_force


def test_the_proof_is_stored_when_its_commit_does_not_wait_for_the_disk(app, client, rows):
    app.config["DURABLE_CONSENT_PROOF"] = False
    response = client.post("/cookies/consent", data={"choice": "accept_all"})
    assert response.status_code == 303
    [record] = rows.consent_records()
    assert "analytics" in record.granted
    client.get("/privacy")  # a page view, also committed without waiting
    assert client.get("/privacy").status_code == 200
