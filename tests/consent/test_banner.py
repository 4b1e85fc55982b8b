"""First visits: the banner, the footer link, and nothing optional before a choice."""

from __future__ import annotations

import re

import pytest

from tests.consent.conftest import PAGES, has_banner, set_cookie_names
from tests.fixtures.static import FINGERPRINT

BANNER_PAGES = [path for path in PAGES if path != "/cookies"]


def test_no_banner_on_the_cookie_page_or_in_the_admin_area(client, auth):
    """/cookies holds the same form already; the admin area is for staff at work."""
    page = client.get("/cookies").get_data(as_text=True)
    assert 'id="consent-banner"' not in page and 'value="accept_all"' in page
    auth.login(admin=True)
    admin = client.get("/admin/").get_data(as_text=True)
    assert 'id="consent-banner"' not in admin
    assert 'id="consent-banner"' in client.get("/privacy").get_data(as_text=True)


@pytest.mark.parametrize("path", BANNER_PAGES)
def test_first_visit_shows_banner_as_a_form_that_works_without_javascript(client, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    banner = page[page.index('<section id="consent-banner"'):page.index("</section>", page.index(
        'id="consent-banner"'))]
    assert 'aria-label="Cookie consent"' in banner
    assert '<form method="post" action="/cookies/consent"' in banner
    assert 'csrf_token' not in banner  # the same bytes for every visitor without cookies
    assert f'name="next" value="{path}"' in banner
    assert 'href="/cookies"' in banner
    button = '<button type="submit" class="button" name="choice" value="{}">{}</button>'
    accept, reject = button.format("accept_all", "Accept all"), button.format("reject_all",
                                                                                "Reject all")
    assert accept in banner and reject in banner  # same element, same class: same size and style
    assert banner.index(accept) < banner.index(reject)
    assert 'type="checkbox"' not in banner


@pytest.mark.parametrize("path", PAGES)
def test_first_visit_sets_only_necessary_cookies_and_stores_nothing(client, rows, path):
    registry = client.get("/cookies.json").get_json()
    necessary = {c["name"] for c in registry["cookies"] if c["category"] == "necessary"}
    response = client.get(path)
    assert set_cookie_names(response) <= necessary
    again = client.get(path)
    assert set_cookie_names(again) <= necessary
    assert rows.page_views() == []
    assert rows.consent_records() == []


@pytest.mark.parametrize("path", PAGES)
def test_no_analytics_script_before_consent(client, path):
    page = client.get(path).get_data(as_text=True)
    scripts = [part.split('"', 1)[0] for part in page.split('<script src="')[1:]]
    # The banner's script and the forms' script, fingerprinted; nothing that counts page views.
    assert scripts and all(
        re.fullmatch(rf"/static/js/(consent|site){FINGERPRINT}\.js", script) for script in scripts)
    assert "<script>" not in page and "<script " not in page.replace('<script src="', "")


@pytest.mark.parametrize("path", [*PAGES, "/no-such-page"])
def test_every_page_footer_links_to_cookie_settings(client, path):
    page = client.get(path).get_data(as_text=True)
    footer = page[page.index('<footer class="site-footer">'):]
    assert '<a href="/cookies">Cookie settings</a>' in footer


def test_ignoring_the_banner_records_nothing_and_keeps_asking(client, rows):
    for _ in range(3):
        assert has_banner(client.get("/privacy"))
    assert rows.consent_records() == []
    assert client.get_cookie("consent") is None


def test_banner_asset_is_served_and_small(client):
    import gzip

    from tests.fixtures import ROOT

    script = client.get("/static/js/consent.js")
    assert script.status_code == 200
    assert len(gzip.compress(script.get_data(), 9)) < 2048
    css = (ROOT / "static/css/site.css").read_text()
    start = css.index("/* consent banner */")
    end = css.find("\n/* ", start + 1)  # another feature's block may follow
    banner_css = css[start:] if end == -1 else css[start:end]
    total = len(gzip.compress(script.get_data(), 9)) + len(gzip.compress(banner_css.encode(), 9))
    assert total < 3072
    script.close()
