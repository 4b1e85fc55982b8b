"""Global Privacy Control, forged cookies, and asking again after time or a registry change."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.consent.conftest import has_banner, set_cookie_header
from website.consent import registry
from website.policy.service import publish_version

GPC = {"Sec-GPC": "1"}


def test_gpc_is_a_refusal_without_banner_or_analytics(client, rows):
    for path in ("/", "/privacy", "/cookies"):
        response = client.get(path, headers=GPC)
        assert not has_banner(response)
        assert set_cookie_header(response, "analytics_id") is None
    assert rows.page_views() == []
    assert rows.consent_records() == []  # a signal sent on every request needs no proof row
    page = client.get("/cookies", headers=GPC).get_data(as_text=True)
    assert "Global Privacy Control (GPC) signal. We honoured it" in page
    box = re.search(r'<input[^>]*id="cat-analytics"[^>]*>', page).group(0)
    assert "checked" not in box


def test_gpc_well_known_file(client):
    response = client.get("/.well-known/gpc.json")
    assert response.status_code == 200
    body = response.get_json()
    assert body["gpc"] is True and date.fromisoformat(body["lastUpdate"])


def test_exception_confirmed_on_cookie_page_beats_gpc(client, rows):
    client.post("/cookies/consent", data={"choice": "save", "analytics": "on",
                                          "gpc_exception": "on", "origin": "settings"},
                headers=GPC)
    client.get("/privacy", headers=GPC)
    assert [v.path for v in rows.page_views()] == ["/privacy"]
    page = client.get("/cookies", headers=GPC).get_data(as_text=True)
    assert "you confirmed an exception on this page" in page
    assert [r.source for r in rows.consent_records()] == ["gpc_exception"]


def test_gpc_turns_off_a_banner_grant_once_and_records_it(client, rows):
    client.post("/cookies/consent", data={"choice": "accept_all", "origin": "banner"})
    client.get("/")  # analytics on: one page view, visitor cookie set
    assert len(rows.page_views()) == 1
    first = client.get("/privacy", headers=GPC)
    assert set_cookie_header(first, "consent")
    assert set_cookie_header(first, "analytics_id").startswith("analytics_id=;")
    for _ in range(3):
        client.get("/privacy", headers=GPC)
    records = rows.consent_records()
    assert [r.source for r in records] == ["banner", "gpc"]
    assert records[1].granted == ["necessary"] and records[1].refused == ["analytics"]
    assert records[0].consent_id == records[1].consent_id
    assert len(rows.page_views()) == 1
    client.get("/privacy")  # signal gone: the recorded refusal stands
    assert len(rows.page_views()) == 1


@pytest.mark.parametrize(
    "value",
    ["garbage", "", "a.b.c", "eyJpZCI6IngifQ.forged", "%00" * 10, "x" * 3900],
)
def test_corrupt_consent_cookie_counts_as_no_consent(client, rows, value):
    client.set_cookie("consent", value)
    response = client.get("/privacy")
    assert response.status_code == 200 and has_banner(response)
    assert rows.page_views() == []
    assert client.get("/cookies").status_code == 200


def test_cookie_signed_with_another_key_is_ignored(app, client, rows):
    forged = rows.forge_choice()
    app.config["SECRET_KEY"] = "someone-else"
    other = rows.forge_choice()
    app.config["SECRET_KEY"] = "test-secret-key"
    client.set_cookie("consent", other)
    assert has_banner(client.get("/"))
    assert rows.page_views() == []
    client.set_cookie("consent", forged)
    assert not has_banner(client.get("/"))
    assert len(rows.page_views()) == 1


@pytest.mark.parametrize("granted", [("analytics",), ()])
def test_choice_is_asked_again_after_max_age_never_sooner(client, rows, granted):
    client.set_cookie("consent", rows.forge_choice(granted=granted, age_days=181))
    assert not has_banner(client.get("/"))
    client.set_cookie("consent", rows.forge_choice(granted=granted, age_days=183))
    response = client.get("/")
    assert has_banner(response)
    assert "Please choose again" in response.get_data(as_text=True)
    views_before = len(rows.page_views())
    client.get("/privacy")
    assert len(rows.page_views()) == views_before  # an expired consent is no consent


def test_max_age_comes_from_config(app, client, rows):
    app.config["CONSENT_MAX_AGE_DAYS"] = 10
    client.set_cookie("consent", rows.forge_choice(age_days=9))
    assert not has_banner(client.get("/"))
    client.set_cookie("consent", rows.forge_choice(age_days=11))
    assert has_banner(client.get("/"))


def test_policy_revisions_material_or_not_do_not_ask_again(app, client, rows):
    # SPEC (issue 12): only a change in what the consent covers asks again, not a revision.
    client.post("/cookies/consent", data={"choice": "reject_all"})
    with app.app_context():
        publish_version("# Policy\n\nSmall fix.\n", date(2025, 9, 1), summary="typo")
        publish_version("# Policy\n\nNew purposes.\n", date(2025, 10, 1), summary="new",
                        material=True)
    assert not has_banner(client.get("/"))
    client.post("/cookies/consent", data={"choice": "accept_all"})
    assert rows.consent_records()[-1].policy_version == 3


def test_a_change_in_the_cookie_registry_asks_again(app, client, rows, monkeypatch):
    client.post("/cookies/consent", data={"choice": "accept_all"})
    assert not has_banner(client.get("/"))
    assert len(rows.page_views()) == 1
    changed = registry.Cookie("ab_test", registry.ANALYTICS, "Which variant of a page you saw.")
    monkeypatch.setattr(registry, "COOKIES", [*registry.COOKIES, changed])
    response = client.get("/")
    assert has_banner(response)
    assert "our cookies have changed" in response.get_data(as_text=True)
    assert len(rows.page_views()) == 1  # a consent to a different list is no consent
    client.post("/cookies/consent", data={"choice": "accept_all"})
    assert not has_banner(client.get("/"))
    old, new = rows.consent_records()
    assert old.registry_fingerprint != new.registry_fingerprint


def test_a_purpose_reworded_asks_again(client, monkeypatch):
    client.post("/cookies/consent", data={"choice": "reject_all"})
    reworded = [registry.Category(c.key, c.name, c.description + " And more.", c.required)
                for c in registry.CATEGORIES]
    monkeypatch.setattr(registry, "CATEGORIES", reworded)
    assert has_banner(client.get("/"))


def test_a_cookie_from_before_fingerprints_is_asked_again(client, rows):
    client.set_cookie("consent", rows.forge_choice(registry_fingerprint=""))
    assert has_banner(client.get("/"))


def test_upcoming_material_revision_does_not_ask_yet(app, client):
    client.post("/cookies/consent", data={"choice": "reject_all"})
    with app.app_context():
        publish_version("# Policy\n\nLater.\n", date(2999, 1, 1), summary="future",
                        material=True)
    assert not has_banner(client.get("/"))
