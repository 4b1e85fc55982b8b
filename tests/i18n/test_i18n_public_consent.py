"""Consent in German and French: each record keeps the language the visitor answered in and the
fingerprint of the wording shown in it; a choice stands in every language (no new question)."""

from __future__ import annotations

import hashlib
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import Markup

from tests.consent.conftest import Db, has_banner, set_cookie_header

GPC = {"Sec-GPC": "1"}


@pytest.fixture
def rows(app: Flask) -> Db:
    """Consent records as stored."""
    return Db(app)


def shown_banner_fingerprint(page: str) -> str:
    """SHA-256 of the banner's wording as this page shows it (the partial: banner and script)."""
    banner = re.search(r'<section id="consent-banner".*?</script>', page, re.S).group(0)
    wording = Markup(banner).striptags()  # noqa: S704 - our own page; only its text is kept
    return hashlib.sha256(wording.encode()).hexdigest()


def test_a_choice_on_a_german_page_is_recorded_in_german(client: FlaskClient, rows: Db) -> None:
    page = client.get("/de/privacy").get_data(as_text=True)
    assert 'name="next" value="/de/privacy"' in page
    response = client.post("/de/cookies/consent",
                           data={"choice": "accept_all", "origin": "banner", "next": "/de/privacy"})
    assert response.status_code == 303 and response.headers["Location"] == "/de/privacy"
    [record] = rows.consent_records()
    assert record.locale == "de" and record.source == "banner"
    # The proof is of the German wording this visitor read.
    assert record.banner_fingerprint == shown_banner_fingerprint(page)
    back = client.get("/de/privacy").get_data(as_text=True)
    assert "Ihre Entscheidung ist gespeichert: Statistik erlaubt." in back


def test_the_banner_fingerprint_follows_the_language_the_registry_fingerprint_does_not(
    client: FlaskClient, rows: Db, app: Flask,
) -> None:
    english_page = client.get("/privacy").get_data(as_text=True)
    client.post("/cookies/consent", data={"choice": "reject_all", "origin": "banner"})
    client.delete_cookie("consent")
    client.post("/de/cookies/consent", data={"choice": "reject_all", "origin": "banner"})
    client.delete_cookie("consent")
    client.post("/fr/cookies/consent", data={"choice": "reject_all", "origin": "banner"})
    english, german, french = rows.consent_records()
    assert [english.locale, german.locale, french.locale] == ["en", "de", "fr"]
    assert english.banner_fingerprint == shown_banner_fingerprint(english_page)
    assert len({english.banner_fingerprint, german.banner_fingerprint,
                french.banner_fingerprint}) == 3
    assert english.registry_fingerprint == german.registry_fingerprint \
        == french.registry_fingerprint


def test_a_choice_made_in_german_stands_in_english_and_french(client: FlaskClient,
                                                              rows: Db) -> None:
    assert has_banner(client.get("/de/"))
    client.post("/de/cookies/consent", data={"choice": "accept_all", "origin": "banner"})
    for path in ("/privacy", "/fr/privacy", "/de/privacy"):
        assert not has_banner(client.get(path))  # switching language asks nothing again
    assert len(rows.consent_records()) == 1


def test_the_french_cookie_page_form_records_french(client: FlaskClient, rows: Db) -> None:
    page = client.get("/fr/cookies").get_data(as_text=True)
    assert 'action="/fr/cookies/consent"' in page
    response = client.post("/fr/cookies/consent",
                           data={"choice": "save", "analytics": "on", "origin": "settings"})
    assert response.status_code == 303 and response.headers["Location"] == "/fr/cookies"
    [record] = rows.consent_records()
    assert record.locale == "fr" and record.source == "settings"
    page = client.get("/fr/cookies").get_data(as_text=True)
    assert "Votre choix est enregistré\u00a0: mesure d’audience autorisée." in page
    assert "Mesure d’audience\u00a0: autorisés" in page


def test_the_script_s_json_answer_records_the_page_language(client: FlaskClient,
                                                            rows: Db) -> None:
    response = client.post("/de/cookies/consent", data={"choice": "accept_all"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.get_json()["categories"] == {"necessary": True, "analytics": True}
    assert set_cookie_header(response, "consent")
    [record] = rows.consent_records()
    assert record.locale == "de"


def test_a_refusal_by_gpc_is_recorded_in_the_page_language(client: FlaskClient,
                                                           rows: Db) -> None:
    client.post("/cookies/consent", data={"choice": "accept_all", "origin": "banner"})
    client.get("/fr/privacy", headers=GPC)
    banner, gpc = rows.consent_records()
    assert banner.locale == "en"
    assert gpc.source == "gpc" and gpc.locale == "fr"


def test_a_bad_choice_is_refused_in_german(client: FlaskClient, rows: Db) -> None:
    response = client.post("/de/cookies/consent", data={"choice": "maybe"})
    assert response.status_code == 400
    assert "Wählen Sie „Alle akzeptieren“, „Alle ablehnen“ oder „Auswahl speichern“." in \
        response.get_data(as_text=True)
    assert rows.consent_records() == []


def test_the_cookie_list_json_answers_in_german_with_the_same_keys(client: FlaskClient) -> None:
    english, german = client.get("/cookies.json").json, client.get("/de/cookies.json").json
    assert [c["key"] for c in german["categories"]] == [c["key"] for c in english["categories"]]
    assert [(c["name"], c["category"]) for c in german["cookies"]] == \
        [(c["name"], c["category"]) for c in english["cookies"]]
    assert german["categories"][0]["name"] == "Unbedingt erforderlich"
    assert english["categories"][0]["name"] == "Strictly necessary"
    assert {c["lifetime"] for c in german["cookies"]} >= {"bis Sie den Browser schließen"}


def test_the_consent_history_on_the_account_page_in_german(client: FlaskClient, auth,
                                                           rows: Db) -> None:
    auth.login()
    client.post("/de/cookies/consent", data={"choice": "reject_all", "origin": "banner"})
    page = client.get("/de/account").get_data(as_text=True)
    assert "Ihre Cookie-Einwilligungen" in page
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", page.split('id="consent-history-title"')[1],
                    re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[1:4] == ["notwendig", "Statistik", "Banner"]
