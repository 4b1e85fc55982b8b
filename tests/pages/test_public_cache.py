"""No cookie before the visitor acts, and anonymous public pages shared from memory."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures.app import make_app
from website.consent import registry
from website.extensions import db
from website.pagecache import PUBLIC_CACHE_CONTROL
from website.policy.models import PolicyTranslation
from website.policy.published import published_memory
from website.policy.service import publish_version, today
from website.policy.translations import attach_translation

# Every page of website.pagecache.PUBLIC_ENDPOINTS (tests/security/test_no_cookie.py checks).
SHARED = ["/", "/privacy", "/privacy/versions", "/privacy/versions/1", "/privacy/versions/1.md",
          "/privacy/diff?from=1&to=1", "/cookies", "/cookies.json", "/support", "/rights",
          "/.well-known/gpc.json", "/.well-known/security.txt", "/robots.txt", "/sitemap.xml"]


@pytest.mark.parametrize("path", SHARED)
def test_anonymous_pages_are_public_with_a_strong_etag(client: FlaskClient, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == PUBLIC_CACHE_CONTROL
    assert set(first.headers["Vary"].replace(" ", "").split(",")) >= {"Cookie", "Sec-GPC"}
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)  # strong: no W/
    second = client.get(path)
    assert second.get_data() == first.get_data() and second.headers["ETag"] == etag
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == PUBLIC_CACHE_CONTROL


def test_served_from_memory_without_rendering(app: Flask, client: FlaskClient,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The second anonymous request of a page never reaches Flask (no view, no hook runs)."""
    first = client.get("/privacy")
    calls = []
    monkeypatch.setattr(app, "full_dispatch_request", lambda: calls.append(1))
    second = client.get("/privacy")
    assert not calls and second.get_data() == first.get_data()
    assert "Content-Security-Policy" in second.headers
    head = client.head("/privacy")
    assert head.status_code == 200 and head.get_data() == b"" and not calls


def test_one_variant_more_for_gpc(client: FlaskClient) -> None:
    plain = client.get("/cookies")
    gpc = client.get("/cookies", headers={"Sec-GPC": "1"})
    assert "Global Privacy Control (GPC) signal. We honoured it" in gpc.text
    assert "We honoured it" not in plain.text
    assert gpc.headers["ETag"] != plain.headers["ETag"]
    assert client.get("/cookies").get_data() == plain.get_data()
    assert client.get("/cookies", headers={"Sec-GPC": "1"}).get_data() == gpc.get_data()
    banner = 'id="consent-banner"'
    assert banner in client.get("/privacy").text
    assert banner not in client.get("/privacy", headers={"Sec-GPC": "1"}).text


def test_a_consenting_visitors_page_is_private(client: FlaskClient) -> None:
    anonymous = client.get("/privacy")
    chosen = client.post("/cookies/consent", data={"choice": "accept_all"})
    assert registry.CONSENT_COOKIE in chosen.headers["Set-Cookie"]
    page = client.get("/privacy")
    assert page.headers["Cache-Control"] == "private, no-cache"
    assert 'id="consent-banner"' in anonymous.text and 'id="consent-banner"' not in page.text
    assert page.headers["ETag"] != anonymous.headers["ETag"]
    # ... and it never becomes the page of the next visitor who has no cookie.
    fresh = client.application.test_client().get("/privacy")
    assert fresh.get_data() == anonymous.get_data()


def test_a_logged_in_page_is_private_and_never_shared(app: Flask, client: FlaskClient,
                                                       auth) -> None:
    auth.login()
    page = client.get("/support")
    assert page.headers["Cache-Control"] == "private, no-cache"
    assert "Log out" in page.text and "ada@example.com" in page.text
    anonymous = app.test_client().get("/support")
    assert anonymous.headers["Cache-Control"] == PUBLIC_CACHE_CONTROL
    assert "Log out" not in anonymous.text and "ada@example.com" not in anonymous.text


def test_a_flash_message_is_never_shared(app: Flask, client: FlaskClient) -> None:
    client.post("/cookies/consent", data={"choice": "reject_all"})  # flashes "Your choice..."
    mine = client.get("/cookies")
    assert "Your choice is saved" in mine.text
    assert "Your choice is saved" not in app.test_client().get("/cookies").text


def test_a_publication_reaches_the_stored_pages(app: Flask, client: FlaskClient) -> None:
    before = client.get("/privacy/versions")
    assert "Version 2" not in before.text
    with app.app_context():
        publish_version("# Privacy\n\nVersion two.", date(2025, 9, 1), "Second.")
    after = client.get("/privacy/versions")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "/privacy/versions/2" in after.text
    assert "Version two." in client.get("/privacy").text


def other_worker(migrated: str, seconds: int = 1, **settings: object) -> Flask:
    """A second app on the same database: another worker, with its own memory."""
    return make_app(migrated, POLICY_CACHE_SECONDS=seconds, **settings)


@pytest.mark.waits
def test_another_workers_publication_reaches_them_within_the_cache_time(
    app: Flask, migrated: str
) -> None:
    """A worker that did not publish shows the new version once POLICY_CACHE_SECONDS have
    passed (real time), to visitors with and without cookies alike, and keeps showing it: its
    stored pages and the versions it remembers are one generation (they once ran on two
    timers, and the stored page of the old version outlived the check that saw the new)."""
    reader = other_worker(migrated)
    anonymous, returning = reader.test_client(), reader.test_client()
    returning.set_cookie("returning", "1")
    assert "Version two." not in anonymous.get("/privacy").text
    time.sleep(1.1)  # what the reader remembers has run out; the returning visitor renews it
    assert "Version two." not in returning.get("/privacy").text
    with app.app_context():
        publish_version("# Privacy\n\nVersion two.", today(), "Second.")
    anonymous.get("/privacy")  # right after: either version, within the window
    time.sleep(1.1)
    for _ in range(3):
        assert "Version two." in anonymous.get("/privacy").text
        assert "Version two." in returning.get("/privacy").text
        assert "/privacy/versions/2" in anonymous.get("/privacy/versions").text
        time.sleep(0.6)
    dispose(reader)


def test_a_translation_from_a_host_whose_clock_is_behind_reaches_other_workers(
    app: Flask, migrated: str
) -> None:
    """The first translation, stamped by a host whose clock is an hour behind (older than
    every version), still reaches another worker: the number of translations changed."""
    with app.app_context():
        db.session.execute(PolicyTranslation.__table__.delete())  # none published yet
        db.session.commit()
    reader = other_worker(migrated)
    client = reader.test_client()
    assert "Fassung eins." not in client.get("/de/privacy").text
    with app.app_context():
        stamped = attach_translation(1, "de", "# Datenschutz\n\nFassung eins.", "Erste.")
        table = PolicyTranslation.__table__
        db.session.execute(table.update().where(table.c.id == stamped.id)
                           .values(published_at=stamped.published_at - timedelta(hours=1)))
        db.session.commit()
    time.sleep(1.1)
    assert "Fassung eins." in client.get("/de/privacy").text
    dispose(reader)


def dispose(worker: Flask) -> None:
    """Close a second app's connections."""
    with worker.app_context():
        db.engine.dispose()


def test_page_cache_off_renders_every_time(app: Flask, client: FlaskClient,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    app.config["PAGE_CACHE"] = False
    client.get("/")
    calls = []
    original = app.full_dispatch_request
    monkeypatch.setattr(app, "full_dispatch_request", lambda: calls.append(1) or original())
    assert client.get("/").headers["Cache-Control"] == PUBLIC_CACHE_CONTROL
    assert calls == [1]


def test_a_page_rendered_while_a_publication_lands_is_not_kept(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old state's page, finished after a publication in this worker, is sent but not
    stored: the next visitor gets the new version."""
    original = app.full_dispatch_request
    calls = []

    def publication_meanwhile():  # Flask's response
        calls.append(1)
        response = original()
        if len(calls) == 1:
            publish_version("# Privacy\n\nVersion two.", today(), "Second.")
        return response

    monkeypatch.setattr(app, "full_dispatch_request", publication_meanwhile)
    assert "Version two." not in client.get("/privacy").text
    assert "Version two." in client.get("/privacy").text
    assert "Version two." in client.get("/privacy").text
    assert calls == [1, 1]  # rendered again once, then from memory


def test_a_page_rendered_before_a_publication_another_request_saw_is_not_kept(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As above, and another request of this worker reads the new state (a new generation
    begins) before the old page is finished: the old page is still not kept for the new."""
    original = app.full_dispatch_request
    calls = []

    def publication_and_a_reader_meanwhile():  # Flask's response
        calls.append(1)
        response = original()
        if len(calls) == 1:
            publish_version("# Privacy\n\nVersion two.", today(), "Second.")
            published_memory().current()  # another visitor's request reads the new state
        return response

    monkeypatch.setattr(app, "full_dispatch_request", publication_and_a_reader_meanwhile)
    assert "Version two." not in client.get("/privacy").text
    assert "Version two." in client.get("/privacy").text
    assert calls == [1, 1]


def test_the_memory_keeps_within_its_bytes_and_lets_the_oldest_pages_go(
    app: Flask, migrated: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker's memory holds at most MAX_BYTES (counted by each page's size): the page
    visited longest ago is rendered again once others have filled it, the newest is not."""
    from website.policy import published

    monkeypatch.setattr(published, "MAX_BYTES", 64 * 1024)
    worker = other_worker(migrated)  # on the app's database, version 1 stored
    calls = []
    original = worker.full_dispatch_request
    monkeypatch.setattr(worker, "full_dispatch_request", lambda: calls.append(1) or original())
    client = worker.test_client()
    pages = ["/privacy", "/cookies", "/privacy/versions/1", "/support", "/rights", "/"]
    for path in pages:
        assert client.get(path).status_code == 200, path
    assert len(calls) == len(pages)
    client.get(pages[-1])  # the newest: from memory
    assert len(calls) == len(pages)
    client.get(pages[0])  # the oldest: gone, rendered again
    assert len(calls) == len(pages) + 1
    dispose(worker)


def test_the_health_check_never_waits_for_the_published_state(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/healthz answers in its own time limit: the page memory does not read the published
    state first (a database that hangs would hold the check past the balancer's timeout)."""
    from website.policy import published

    def hanging() -> None:
        raise AssertionError("the health check waited for the published state")

    monkeypatch.setattr(published, "published_state", hanging)
    assert client.get("/healthz").json == {"status": "ok"}


def test_a_request_with_authorization_never_gets_the_shared_page(client: FlaskClient) -> None:
    """Stored for anonymous visitors, the page is not what answers a request that carries
    credentials: that answer is private, so no shared cache keeps it."""
    assert client.get("/privacy").headers["Cache-Control"] == PUBLIC_CACHE_CONTROL  # stored
    signed = client.get("/privacy", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert signed.status_code == 200 and signed.headers["Cache-Control"] == "private, no-cache"


def test_a_host_the_site_does_not_serve_never_gets_the_stored_page(client: FlaskClient) -> None:
    assert client.get("/privacy").status_code == 200  # stored
    assert client.get("/privacy", headers={"Host": "evil.example"}).status_code == 400


def test_the_memory_answers_with_the_status_line_flask_sends(app: Flask) -> None:
    """What the WSGI server is handed: the same status line whether Flask or the memory
    answers (the test client would read a missing one as 200)."""
    from werkzeug.test import EnvironBuilder

    sent = []

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        sent.append(status)

    for _ in range(2):  # rendered by Flask, then from memory
        body = b"".join(app(EnvironBuilder(path="/privacy").get_environ(), start_response))
        assert b"Version 1" in body
    etag = app.test_client().get("/privacy").headers["ETag"]
    environ = EnvironBuilder(path="/privacy", headers={"If-None-Match": etag}).get_environ()
    assert b"".join(app(environ, start_response)) == b""
    assert sent == ["200 OK", "200 OK", "304 NOT MODIFIED"]


def test_a_page_larger_than_the_whole_memory_is_never_kept(
    app: Flask, migrated: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page is counted by its size: one larger than MAX_BYTES is rendered every time."""
    from website.policy import published

    with app.app_context():
        publish_version("# Privacy\n\n" + "A long policy. " * 8000, date(2025, 9, 1), "Long.")
    monkeypatch.setattr(published, "MAX_BYTES", 64 * 1024)
    worker = other_worker(migrated)
    calls = []
    original = worker.full_dispatch_request
    monkeypatch.setattr(worker, "full_dispatch_request", lambda: calls.append(1) or original())
    client = worker.test_client()
    for _ in range(2):
        assert len(client.get("/privacy/versions/2").get_data()) > 64 * 1024
    assert calls == [1, 1]
    dispose(worker)


def test_a_stored_page_answers_only_its_own_query_string(client: FlaskClient) -> None:
    assert client.get("/privacy/diff?from=1&to=1").status_code == 200  # stored
    assert client.get("/privacy/diff?from=1&to=9").status_code == 404
    assert client.get("/privacy/diff?from=1&to=1").status_code == 200


def test_a_head_before_any_get_gets_the_pages_own_headers(client: FlaskClient) -> None:
    """A HEAD is never stored: Flask answers it, public like the GET, with the GET's ETag."""
    head = client.head("/privacy")
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["Cache-Control"] == PUBLIC_CACHE_CONTROL
    assert head.headers["ETag"] == client.get("/privacy").headers["ETag"]


def test_a_first_request_with_authorization_is_private(client: FlaskClient) -> None:
    signed = client.get("/privacy", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert signed.status_code == 200 and signed.headers["Cache-Control"] == "private, no-cache"


def test_debug_mode_renders_every_page_afresh(
    app: Flask, migrated: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In debug mode templates reload as they are edited: no page is answered from memory."""
    worker = other_worker(migrated, DEBUG=True)
    assert worker.debug
    calls = []
    original = worker.full_dispatch_request
    monkeypatch.setattr(worker, "full_dispatch_request", lambda: calls.append(1) or original())
    client = worker.test_client()
    for _ in range(2):
        assert client.get("/privacy").status_code == 200
    assert calls == [1, 1]
    dispose(worker)
