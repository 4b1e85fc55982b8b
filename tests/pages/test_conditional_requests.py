"""Conditional requests wherever a page sends ETag or Last-Modified (RFC 9110 13.1, 13.2.2):
If-None-Match read as a list (`*` included, weak comparison) and, only without it,
If-Modified-Since; the same answers whether Flask renders the page or the worker's memory
answers it; Last-Modified moves with anything the page shows."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.http import http_date, parse_date

from website.pagecache import PUBLIC_CACHE_CONTROL
from website.policy.service import publish_version, today
from website.policy.translations import attach_translation

PAGES = ["/privacy", "/privacy/versions", "/privacy/versions/1.md", "/de/privacy", "/cookies"]


@pytest.fixture(params=["Flask", "memory"])
def answering(request: pytest.FixtureRequest, app: Flask) -> str:
    """Who answers the conditional request: Flask (no page memory) or the worker's memory."""
    app.config["PAGE_CACHE"] = request.param == "memory"
    return request.param


def validators(client: FlaskClient, path: str) -> tuple[str, str]:
    """The page's ETag and Last-Modified, as an anonymous visitor gets them."""
    page = client.get(path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == PUBLIC_CACHE_CONTROL
    return page.headers["ETag"], page.headers["Last-Modified"]


@pytest.mark.parametrize("path", PAGES)
def test_if_none_match_is_a_list_with_star_and_weak_comparison(
    client: FlaskClient, answering: str, path: str
) -> None:
    etag, _ = validators(client, path)
    for header in (etag, f'"other", {etag}', f'W/{etag}', f'"a",W/"b", {etag} ', "*"):
        again = client.get(path, headers={"If-None-Match": header})
        assert again.status_code == 304, header
        assert again.get_data() == b"" and again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == PUBLIC_CACHE_CONTROL
        assert "Content-Type" not in again.headers
    for header in ('"other"', f'"{etag.strip(chr(34))}x"', etag[:-2] + '"'):
        assert client.get(path, headers={"If-None-Match": header}).status_code == 200, header
    assert client.head(path, headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("path", PAGES)
def test_if_modified_since_only_without_if_none_match(
    client: FlaskClient, answering: str, path: str
) -> None:
    etag, modified = validators(client, path)
    at = parse_date(modified)
    assert at is not None
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    later = http_date(at + timedelta(hours=1))
    assert client.get(path, headers={"If-Modified-Since": later}).status_code == 304
    earlier = http_date(at - timedelta(seconds=1))
    assert client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": "yesterday"}).status_code == 200
    # If-None-Match decides when both are sent: a different tag is a changed page.
    both = {"If-None-Match": '"other"', "If-Modified-Since": later}
    assert client.get(path, headers=both).status_code == 200
    both = {"If-None-Match": etag, "If-Modified-Since": earlier}
    assert client.get(path, headers=both).status_code == 304


def test_flask_and_the_memory_send_the_same_304(app: Flask, client: FlaskClient) -> None:
    etag, _ = validators(client, "/privacy")  # now stored
    from_memory = client.get("/privacy", headers={"If-None-Match": etag})
    app.config["PAGE_CACHE"] = False
    from_flask = client.get("/privacy", headers={"If-None-Match": etag})
    assert from_memory.status_code == from_flask.status_code == 304
    assert sorted(from_memory.headers.items()) == sorted(from_flask.headers.items())


def test_a_page_with_a_cookie_has_an_etag_and_no_last_modified(client: FlaskClient) -> None:
    """What a visitor with a cookie sees depends on their choices too: no date to compare."""
    client.set_cookie("returning", "1")
    page = client.get("/privacy")
    assert page.headers["Cache-Control"] == "private, no-cache"
    assert "Last-Modified" not in page.headers
    etag = page.headers["ETag"]
    assert client.get("/privacy", headers={"If-None-Match": etag}).status_code == 304
    since = {"If-Modified-Since": http_date(time.time() + 3600)}
    assert client.get("/privacy", headers=since).status_code == 200


def test_an_upcoming_version_moves_last_modified(app: Flask, client: FlaskClient) -> None:
    """/privacy still shows version 1 in force, but it changed: it announces version 2."""
    etag, modified = validators(client, "/privacy")
    time.sleep(1.1)  # Last-Modified has whole seconds
    with app.app_context():
        publish_version("# Privacy\n\nLater.", today() + timedelta(days=20), "Coming.")
    since = client.get("/privacy", headers={"If-Modified-Since": modified})
    assert since.status_code == 200
    assert parse_date(since.headers["Last-Modified"]) > parse_date(modified)
    listed = client.get("/privacy/versions", headers={"If-Modified-Since": modified})
    assert listed.status_code == 200 and "upcoming" in listed.text


def test_a_translation_attached_moves_last_modified(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        publish_version("# Privacy\n\nVersion two.", today(), "Second.")
    time.sleep(1.1)  # version 2 is in the past: the page's Last-Modified is its publication
    _, modified = validators(client, "/de/privacy/versions")
    time.sleep(1.1)
    with app.app_context():
        attach_translation(2, "de", "# Datenschutz\n\nVersion zwei.", "Zweite.")
    listed = client.get("/de/privacy/versions", headers={"If-Modified-Since": modified})
    assert listed.status_code == 200 and "Zweite." in listed.text
    page = client.get("/de/privacy", headers={"If-Modified-Since": modified})
    assert page.status_code == 200 and "Version zwei." in page.text


def test_last_modified_is_the_newest_change_and_never_in_the_future(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        version = publish_version("# Privacy\n\nVersion two.", today(), "Second.")
        published = version.published_at
    time.sleep(1.1)
    modified = parse_date(client.get("/privacy").headers["Last-Modified"])
    assert modified is not None
    assert published.replace(microsecond=0) <= modified.replace(tzinfo=None) <= published + \
        timedelta(seconds=1)
    assert modified.timestamp() <= time.time()


def test_last_modified_stays_while_nothing_changes(app: Flask, client: FlaskClient) -> None:
    """Rendered again later (Flask answers every time), the page keeps its Last-Modified, and
    a browser revalidating with it gets 304: the time is when what it shows last changed,
    never the time of the request."""
    app.config["PAGE_CACHE"] = False
    time.sleep(1.1)  # version 1, just published, is in the past (Last-Modified is never later)
    _, modified = validators(client, "/privacy")
    time.sleep(1.1)  # Last-Modified has whole seconds
    assert validators(client, "/privacy")[1] == modified
    assert client.get("/privacy", headers={"If-Modified-Since": modified}).status_code == 304
