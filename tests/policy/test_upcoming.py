"""An upcoming version is announced where people read the policy: for its notice period (published,
effective date still to come), /privacy and the home page in every language, and /account for a
logged-in user, say which version takes effect on which date and link the diff against the
version in force. Every request goes through the HTTP client, page cache included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale

from website.policy.service import publish_version, today
from website.templating import human_date

TEXT = "## Your Rights\n\nYou may now also object to profiling.\n"
SENTENCES = {
    "en": "Version {number} of our privacy policy takes effect on {date}.",
    "de": "Version {number} unserer Datenschutzerklärung tritt am {date} in Kraft.",
    "fr": "La version {number} de notre politique de confidentialité entre en vigueur le {date}.",
}
PREFIXES = {"en": "", "de": "/de", "fr": "/fr"}


def publish(app, effective: date, material: bool = True) -> int:
    with app.app_context():
        return publish_version(TEXT, effective, "Profiling", material).number


def announced(app, code: str, number: int, effective: date) -> str:
    """The sentence the pages in language `code` show for that version."""
    with app.app_context(), force_locale(code):
        when = human_date(effective)
    return SENTENCES[code].format(number=number, date=when)


@pytest.mark.parametrize("code", ["en", "de", "fr"])
@pytest.mark.parametrize("path", ["/", "/privacy"])
def test_an_upcoming_version_is_announced_with_its_date_and_diff(app, client, code, path):
    prefix = PREFIXES[code]
    effective = today() + timedelta(days=21)
    sentence = announced(app, code, 2, effective)
    before = client.get(prefix + path)  # stored for anonymous visitors before the publication
    assert before.status_code == 200 and sentence not in before.text
    publish(app, effective)
    page = client.get(prefix + path).text
    assert sentence in page
    diff = f"{prefix}/privacy/diff?from=1&amp;to=2"
    assert f'href="{diff}"' in page
    assert client.get(diff.replace("&amp;", "&")).status_code == 200
    if path == "/privacy":
        assert "Version 1" in page  # still the version in force


def test_the_diff_is_against_the_version_in_force(app, client):
    publish(app, today() - timedelta(days=3))  # version 2, in force
    effective = today() + timedelta(days=10)
    publish(app, effective, material=False)  # version 3, upcoming (a minor one too)
    page = client.get("/privacy").text
    assert announced(app, "en", 3, effective) in page
    assert 'href="/privacy/diff?from=2&amp;to=3"' in page


def test_nothing_is_announced_once_it_is_in_force(app, client):
    publish(app, today())
    for path in ("/", "/privacy", "/de/", "/fr/privacy"):
        page = client.get(path).text
        assert "takes effect on" not in page
        assert "tritt am" not in page and "entre en vigueur le" not in page


def test_a_version_that_never_takes_effect_is_not_announced(app, client):
    """Two versions for the same day: the higher number is the one that takes effect."""
    effective = today() + timedelta(days=5)
    publish(app, effective)
    publish(app, effective)
    page = client.get("/").text
    assert announced(app, "en", 3, effective) in page
    assert announced(app, "en", 2, effective) not in page


@pytest.mark.parametrize("code", ["en", "de"])
def test_a_logged_in_user_sees_it_on_the_account_page(app, client, auth, code):
    auth.login()
    effective = today() + timedelta(days=21)
    assert "takes effect on" not in client.get("/account").text
    publish(app, effective)
    page = client.get(PREFIXES[code] + "/account").text
    assert announced(app, code, 2, effective) in page
    assert f'href="{PREFIXES[code]}/privacy/diff?from=1&amp;to=2"' in page
