"""A PostgreSQL database of a test's own, and ways to take it away from under the site."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from tests.conftest import POSTGRES_ADMIN_URL, fresh_postgres_database, make_app
from website.policy.service import ensure_first_version


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
    from flask_migrate import upgrade

    # Every request reads the published state from the database (a worker otherwise looks
    # every POLICY_CACHE_SECONDS and answers from its memory in between).
    app = make_app(POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", POLICY_CACHE_SECONDS=0)
    with app.app_context():
        upgrade()
        ensure_first_version()
    return app
