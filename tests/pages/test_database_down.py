"""A database that stops answering gives 503 pages, and the site recovers by itself."""

from __future__ import annotations

import time

import pytest

from tests.outage import app_on, cut_connections, kill_backends
from website.extensions import db


@pytest.mark.postgres
def test_lost_database_gives_503_then_recovers(postgres_database):
    name, admin = postgres_database
    app = app_on(name)
    client = app.test_client()
    assert client.get("/privacy").status_code == 200

    cut_connections(admin, name, allow=False)
    for path in ("/privacy", "/privacy/versions", "/privacy/versions/1"):
        response = client.get(path)
        assert response.status_code == 503, path
        page = response.get_data(as_text=True)
        assert "Temporarily unavailable" in page
        assert "Traceback" not in page and "psycopg" not in page and name not in page
    assert client.get("/healthz").status_code == 503

    cut_connections(admin, name, allow=True)
    assert client.get("/healthz").json == {"status": "ok"}
    page = client.get("/privacy").get_data(as_text=True)
    assert "Version 1" in page
    with app.app_context():
        db.engine.dispose()


def test_a_connection_lost_after_the_answer_is_not_a_500(app, monkeypatch):
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    def lost(self):  # the connection died after the view finished
        raise OperationalError("ROLLBACK", {}, Exception("terminating connection"))

    client = app.test_client()
    monkeypatch.setattr(Session, "close", lost)
    assert client.get("/privacy").status_code == 200
    monkeypatch.undo()
    assert client.get("/privacy").status_code == 200


@pytest.mark.postgres
def test_an_idle_connection_closed_by_the_server_is_replaced_unseen(postgres_database, monkeypatch):
    from website import database

    name, admin = postgres_database
    app = app_on(name)
    client = app.test_client()
    assert client.get("/privacy").status_code == 200

    kill_backends(admin, name)
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0.0)  # the pooled connection is "idle"
    assert client.get("/privacy").status_code == 200
    # A connection in steady use is not pinged: killed under it, one request gets the 503 page
    # and the next one a new connection.
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 3600.0)
    kill_backends(admin, name)
    # (with a cookie: an anonymous request's published-state check would take the dead
    # connection first, and the page would be rendered on a new one)
    client.set_cookie("returning", "1")
    assert client.get("/privacy").status_code == 503
    assert "Version 1" in client.get("/privacy").get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()


@pytest.mark.waits
def test_stored_public_pages_are_served_while_the_database_is_away(postgres_database):
    """Within POLICY_CACHE_SECONDS an anonymous page stored before the outage still answers;
    after it, the worker asks the database again and the page is the 503 one."""
    name, admin = postgres_database
    app = app_on(name)
    app.config["POLICY_CACHE_SECONDS"] = 3
    client = app.test_client()
    page = client.get("/privacy")
    looked = time.monotonic()
    cut_connections(admin, name, allow=False)
    stored = client.get("/privacy")
    assert time.monotonic() < looked + 3, "the machine was too slow for this test's window"
    assert stored.status_code == 200 and stored.get_data() == page.get_data()
    time.sleep(max(0.0, looked + 3.1 - time.monotonic()))  # the window has passed
    assert client.get("/privacy").status_code == 503
    cut_connections(admin, name, allow=True)
    assert client.get("/privacy").get_data() == page.get_data()
    with app.app_context():
        db.engine.dispose()


def test_no_last_modified_while_the_published_state_cannot_be_read(app, monkeypatch):
    """A public page that needs no database (robots.txt) still answers while the published
    state cannot be read, with its ETag and without a Last-Modified it cannot know (not the
    time of the request)."""
    from sqlalchemy.exc import OperationalError

    from website.policy import published

    def away():
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr(published, "published_state", away)
    client = app.test_client()
    for path in ("/robots.txt", "/.well-known/gpc.json"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["ETag"] and "Last-Modified" not in response.headers, path


def test_a_page_read_while_publications_overtake_its_state_still_answers(app, monkeypatch):
    """A publication in this worker (another thread) during every read of the published state:
    the page is rendered and sent (200) without a Last-Modified, since no state was settled."""
    from website.policy import published

    read = published.published_state

    def overtaken():
        state = read()
        published.published_memory().forget()  # a publication lands while the state is read
        return state

    app.config["PAGE_CACHE"] = False
    client = app.test_client()
    monkeypatch.setattr(published, "published_state", overtaken)
    response = client.get("/privacy")
    assert response.status_code == 200 and "Version 1" in response.text
    assert "Last-Modified" not in response.headers
