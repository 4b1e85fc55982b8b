"""The language offer (issue 27, item 14): a browser that prefers German or French is offered
that language on the English home page, in its own words: a link, never a redirect; "No, thanks"
lasts the browser session (sessionStorage, no cookie); the page is the same bytes for everyone."""

from __future__ import annotations

import pytest

from tests.fixtures.browser import assert_no_violations

OFFER = "[data-language-offer]:not([hidden])"


def test_the_home_page_is_the_same_bytes_whatever_the_browser_prefers(client):
    english = client.get("/", headers={"Accept-Language": "en-GB"})
    german = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert english.get_data() == german.get_data()
    assert "Set-Cookie" not in german.headers
    page = german.get_data(as_text=True)
    assert ('<aside class="notice notice-inline language-offer" lang="de" aria-label="Sprache"'
            ' data-language-offer="de" hidden>') in page
    assert '<a href="/de/" hreflang="de">Diese Seite auf Deutsch lesen</a>' in page
    assert '<a href="/fr/" hreflang="fr">Lire cette page en français</a>' in page


@pytest.mark.parametrize("path", ["/de/", "/fr/", "/privacy"])
def test_only_the_english_home_page_offers(client, path):
    page = client.get(path).get_data(as_text=True)
    assert "data-language-offer" not in page


@pytest.mark.browser
@pytest.mark.parametrize(("locale", "offered", "link", "dismiss"), [
    ("de-DE", "de", "Diese Seite auf Deutsch lesen", "Nein, danke"),
    ("fr-CA", "fr", "Lire cette page en français", "Non merci"),
])
def test_a_browser_preferring_another_language_is_offered_it_once(
        browser, live_server, locale, offered, link, dismiss):
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(live_server + "/")
    assert page.url == live_server + "/"  # never a redirect
    offer = page.locator(OFFER)
    assert offer.count() == 1 and offer.get_attribute("lang") == offered
    assert offer.get_by_role("link").inner_text() == link
    offer.get_by_role("button", name=dismiss).click()
    assert page.locator(OFFER).count() == 0
    page.reload()
    assert page.locator(OFFER).count() == 0  # not again in this browser session
    assert context.cookies() == []  # nothing kept in a cookie: the registry does not change
    assert page.evaluate("sessionStorage.getItem('language-offer-dismissed')") == "1"
    # A new session is offered again, and the link leads to the page in that language.
    fresh = browser.new_context(locale=locale)
    again = fresh.new_page()
    again.goto(live_server + "/")
    again.locator(OFFER).get_by_role("link").click()
    again.wait_for_url(f"{live_server}/{offered}/")
    assert again.locator("html").get_attribute("lang") == offered
    fresh.close()
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("languages", ["en-US", "en-GB,de", "es-ES"])
def test_no_offer_when_the_browser_prefers_english_or_another_language(browser, live_server,
                                                                       languages):
    context = browser.new_context(locale=languages.split(",")[0],
                                  extra_http_headers={"Accept-Language": languages})
    page = context.new_page()
    page.add_init_script("Object.defineProperty(navigator, 'languages', "
                         f"{{get: () => '{languages}'.split(',')}})")
    page.goto(live_server + "/")
    assert page.evaluate("navigator.languages.join(',')") == languages
    assert page.locator(OFFER).count() == 0
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_offer_has_no_axe_violation(browser, live_server, axe_source, scheme):
    context = browser.new_context(locale="de-DE", color_scheme=scheme)
    page = context.new_page()
    page.goto(live_server + "/")
    assert page.locator(OFFER).count() == 1
    assert_no_violations(page, axe_source)
    context.close()
