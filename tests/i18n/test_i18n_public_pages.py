"""The public shell in German and French: home, cookie page, retention schedule, error pages,
the banner, hreflang links, the sitemap, and pages that stay cookie-free and cacheable."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from tests.consent.conftest import set_cookie_names
from website.errors import render_error
from website.i18n import ENVIRON_KEY, TRANSLATIONS
from website.pagecache import PUBLIC_CACHE_CONTROL

PAGES = ["/", "/cookies", "/privacy/retention"]
WORDS = {
    "de": {
        "/": ["Ihre Daten, klar erklärt", "Cookie-Einstellungen", "Datenschutzerklärung"],
        "/cookies": ["Cookie-Einstellungen", "Alle Cookies, die wir setzen können",
                     "Unbedingt erforderlich (immer aktiv)", "Auswahl speichern", "365 Tage",
                     "bis Sie den Browser schließen", "notwendig"],
        "/privacy/retention": ["Wie lange wir Ihre Daten speichern", "Rechtsgrundlage",
                               "2 Jahre (730 Tage) ab dem Besuch", "Solange das Konto besteht"],
    },
    "fr": {
        "/": ["Vos données, expliquées simplement", "Paramètres des cookies"],
        "/cookies": ["Tous les cookies que nous pouvons déposer", "Enregistrer mes choix",
                     "Strictement nécessaires (toujours actifs)", "365 jours", "nécessaires"],
        "/privacy/retention": ["Combien de temps nous conservons vos données",
                               "2 ans (730 jours) à compter de la visite",
                               "Tant que le compte existe"],
    },
}
BUTTONS = {"de": ("Alle akzeptieren", "Alle ablehnen"), "fr": ("Tout accepter", "Tout refuser")}


def text_of(html: str) -> str:
    """What a reader sees: tags gone, entities decoded, white space collapsed (a no-break
    space, as French puts before a colon, stays)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def english_left(code: str, text: str) -> list[str]:
    """Interface sentences (three words or more) shown in English on a page in `code`."""
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    left = []
    for message in catalog:
        if not isinstance(message.id, str) or len(message.id.split()) < 3 or "%(" in message.id:
            continue
        if message.string and message.string != message.id and message.id in text:
            left.append(message.id)
    return left


@pytest.mark.parametrize("code", ["de", "fr"])
@pytest.mark.parametrize("path", PAGES)
def test_public_pages_speak_the_language_of_their_url(client: FlaskClient, code: str,
                                                     path: str) -> None:
    response = client.get(f"/{code}{path}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{code}">' in html
    text = text_of(html)
    for words in WORDS[code][path]:
        assert words in text
    assert english_left(code, text) == []
    # The banner asks in the page's language, its two answers side by side, alike.
    accept, reject = BUTTONS[code]
    if path != "/cookies":  # the cookie page is itself the place to choose: no banner there
        banner = re.search(r'<section id="consent-banner".*?</section>', html, re.S).group(0)
        buttons = re.findall(r'<button type="submit" class="([^"]+)" name="choice" '
                             r'value="(\w+)">([^<]+)</button>', banner)
        assert buttons == [("button", "accept_all", accept), ("button", "reject_all", reject)]
        assert f'value="/{code}{path}"' in banner  # back to this page, in this language
        assert f'action="/{code}/cookies/consent"' in banner


def test_english_pages_are_unchanged(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html and "Your data, plainly explained" in html
    assert ">Accept all</button>" in html and ">Reject all</button>" in html
    cookies = text_of(client.get("/cookies").get_data(as_text=True))
    assert "Strictly necessary (always on)" in cookies and "365 days" in cookies
    assert "until you close the browser" in cookies


@pytest.mark.parametrize("code", ["de", "fr"])
def test_hreflang_links_name_every_language_absolutely(client: FlaskClient, code: str) -> None:
    html = client.get(f"/{code}/cookies").get_data(as_text=True)
    links = dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', html))
    assert links == {
        "en": "http://localhost/cookies", "de": "http://localhost/de/cookies",
        "fr": "http://localhost/fr/cookies", "x-default": "http://localhost/cookies",
    }
    # The switcher: plain links, each in its own language.
    assert '<a href="/en/cookies"' not in html
    assert '<a href="/cookies" hreflang="en" lang="en">English</a>' in html
    assert f'hreflang="{code}" lang="{code}" aria-current="true"' in html


def test_sitemap_lists_every_language_with_its_alternates(client: FlaskClient) -> None:
    body = client.get("/sitemap.xml").get_data(as_text=True)
    assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in body
    entries = re.findall(r"<url>(.*?)</url>", body, re.S)
    locs = [re.search(r"<loc>(.*?)</loc>", e).group(1) for e in entries]
    for path in ("/privacy", "/cookies", "/privacy/retention", "/privacy/versions/1"):
        for url in (f"http://localhost{path}", f"http://localhost/de{path}",
                    f"http://localhost/fr{path}"):
            assert url in locs
    assert "http://localhost/de/" in locs
    for entry in entries:
        alternates = re.findall(r'<xhtml:link rel="alternate" hreflang="([\w-]+)" href="', entry)
        assert alternates == ["en", "de", "fr", "x-default"]
    german = entries[locs.index("http://localhost/de/cookies")]
    assert 'hreflang="fr" href="http://localhost/fr/cookies"' in german
    # The same list whichever language's address it is fetched from.
    assert client.get("/de/sitemap.xml").get_data(as_text=True) == body


@pytest.mark.parametrize("path", ["/de/privacy", "/fr/cookies"])
def test_a_first_visit_sets_no_cookie_and_is_shared(client: FlaskClient, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    assert set_cookie_names(first) == set()
    assert first.headers["Cache-Control"] == PUBLIC_CACHE_CONTROL
    etag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag
    assert client.get(path).get_data() == first.get_data()


def test_each_language_is_its_own_stored_page(client: FlaskClient) -> None:
    english, german = client.get("/cookies"), client.get("/de/cookies")
    assert english.headers["ETag"] != german.headers["ETag"]
    # Asked again, each address gives back its own bytes, not the other language's.
    assert client.get("/de/cookies").get_data() == german.get_data()
    assert client.get("/cookies").get_data() == english.get_data()
    assert '<html lang="en">' in client.get("/cookies").get_data(as_text=True)


@pytest.mark.parametrize(("code", "title", "message", "home"), [
    ("de", "Seite nicht gefunden", "Unter dieser Adresse gibt es keine Seite.", "Die Startseite"),
    ("fr", "Page introuvable", "Il n’y a pas de page à cette adresse.", "La page d’accueil"),
])
def test_not_found_in_the_language_of_the_address(client: FlaskClient, code: str, title: str,
                                                  message: str, home: str) -> None:
    response = client.get(f"/{code}/nope")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f'<html lang="{code}">' in html
    text = text_of(html)
    assert title in text and message in text and home in text
    assert english_left(code, text) == []
    assert f'href="/{code}/"' in html  # the way home stays in the language


def test_method_not_allowed_in_german(client: FlaskClient) -> None:
    response = client.put("/de/cookies")
    assert response.status_code == 405
    text = text_of(response.get_data(as_text=True))
    assert "Methode nicht erlaubt" in text and "Fehler 405" in text


def test_json_error_in_french(client: FlaskClient) -> None:
    response = client.get("/fr/nope", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json == {"error": "Page introuvable",
                             "message": "Il n’y a pas de page à cette adresse."}


def test_too_many_requests_says_when_in_german(app) -> None:
    german = {ENVIRON_KEY: "de"}  # what the /de prefix leaves for Flask
    with app.test_request_context("/rights", environ_overrides=german,
                                  headers={"Accept": "application/json"}):
        body, code = render_error(429, retry_after=40)
    assert code == 429
    assert body == {"error": "Zu viele Anfragen", "message": "Sie haben dies zu oft gesendet. "
                    "Bitte versuchen Sie es in 40 Sekunden erneut."}


def test_collection_notice_in_french(client: FlaskClient) -> None:
    text = text_of(client.get("/fr/support").get_data(as_text=True))
    assert "Ce que nous faisons de ce que vous envoyez" in text
    assert "Nous les utilisons pour\u00a0: répondre à votre demande d’assistance" in text
    assert "Durées de conservation" in text


def test_form_script_gets_its_words_in_the_page_language(client: FlaskClient) -> None:
    html = client.get("/de/").get_data(as_text=True)
    words = json.loads(unescape(re.search(r"data-messages='([^']+)'", html).group(1)))
    assert words["problem"] == "Es gibt ein Problem"
    assert words["show_password"] == "Passwort anzeigen"
