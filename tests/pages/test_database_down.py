"""A database that stops answering gives 503 pages, and the site recovers by itself."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import POSTGRES_ADMIN_URL, make_app, missing, port_open
from website.extensions import db
from website.policy.service import ensure_first_version


@pytest.fixture
def postgres_database():
    """A database of its own on the PostgreSQL server (this test cuts its connections)."""
    if not port_open("127.0.0.1", 5432):
        missing("PostgreSQL is not running at 127.0.0.1:5432")
    name = f"test_down_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield name, admin
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def kill_backends(admin, name: str) -> None:
    """End the database's open connections, as a server restart does."""
    with admin.connect() as conn:
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )


def cut_connections(admin, name: str, allow: bool) -> None:
    """Refuse (or allow again) new connections to the database and end the open ones."""
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allow).lower()}'))
    if not allow:
        kill_backends(admin, name)


def app_on(name: str):  # noqa: ANN201 - a Flask app
    """The site on database `name`, migrated and holding policy version 1."""
    from flask_migrate import upgrade

    app = make_app(POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    with app.app_context():
        upgrade()
        ensure_first_version()
    return app


def returning_visitor(app):  # noqa: ANN001, ANN201 - a Flask app and its test client
    """A client holding a cookie: its pages are rendered per request, never from memory."""
    client = app.test_client()
    client.set_cookie("returning", "1")
    return client


def test_lost_database_gives_503_then_recovers(postgres_database):
    name, admin = postgres_database
    app = app_on(name)
    anonymous = app.test_client()
    assert anonymous.get("/privacy").status_code == 200
    client = returning_visitor(app)  # pages rendered per request, from the database
    assert client.get("/privacy").status_code == 200

    cut_connections(admin, name, allow=False)
    # The anonymous page stored before the outage is served from memory meanwhile.
    assert anonymous.get("/privacy").status_code == 200
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

    def lost(self):  # noqa: ANN001, ANN202 - the connection died after the view finished
        raise OperationalError("ROLLBACK", {}, Exception("terminating connection"))

    client = app.test_client()
    monkeypatch.setattr(Session, "close", lost)
    assert client.get("/privacy").status_code == 200
    monkeypatch.undo()
    assert client.get("/privacy").status_code == 200


def test_an_idle_connection_closed_by_the_server_is_replaced_unseen(postgres_database, monkeypatch):
    from website import database

    name, admin = postgres_database
    app = app_on(name)
    client = returning_visitor(app)
    assert client.get("/privacy").status_code == 200

    kill_backends(admin, name)
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0.0)  # the pooled connection is "idle"
    assert client.get("/privacy").status_code == 200
    # A connection in steady use is not pinged: killed under it, one request gets the 503 page
    # and the next one a new connection.
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 3600.0)
    kill_backends(admin, name)
    assert client.get("/privacy").status_code == 503
    assert "Version 1" in client.get("/privacy").get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()
