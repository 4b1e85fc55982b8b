"""A PostgreSQL database of a test's own, and ways to take it away from under the site."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from tests.fixtures.app import make_app, migrate
from tests.fixtures.database import fresh_postgres_database, postgres_url


@pytest.fixture
def postgres_database() -> Iterator[tuple[str, Engine]]:
    """A database of its own on the PostgreSQL server (this test cuts its connections)."""
    with fresh_postgres_database("test_down") as database:
        yield database


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


def app_on(name: str):  # a Flask app
    """The site on database `name`, migrated and holding policy version 1."""
    url = postgres_url(name)
    migrate(url, first_version=True)
    # Every request reads the published state from the database (a worker otherwise looks
    # every POLICY_CACHE_SECONDS and answers from its memory in between).
    return make_app(url, POLICY_CACHE_SECONDS=0)
