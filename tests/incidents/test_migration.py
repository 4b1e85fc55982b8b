"""Migration incidents_1 goes up and down cleanly on SQLite and PostgreSQL (the test database
named by TEST_DATABASE), on a database of its own."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.conftest import POSTGRES_ADMIN_URL, ROOT, fresh_postgres_database, make_app
from website.extensions import db

TABLES = {"incidents", "incident_notices", "incident_recipients"}


@pytest.fixture
def own_database(tmp_path) -> Iterator[str]:
    if os.environ.get("TEST_DATABASE", "sqlite") != "postgresql":
        yield f"sqlite:///{tmp_path / 'up_down.db'}"
        return
    with fresh_postgres_database("test_incidents") as (name, _admin):
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def test_the_breach_register_migrates_up_and_down(own_database: str) -> None:
    app = make_app(own_database)
    migrations = str(ROOT / "migrations")
    with app.app_context():
        upgrade(directory=migrations, revision="incidents_1")
        assert TABLES <= set(inspect(db.engine).get_table_names())
        downgrade(directory=migrations, revision="systems_1")
        assert TABLES.isdisjoint(inspect(db.engine).get_table_names())
        upgrade(directory=migrations, revision="incidents_1")
        assert TABLES <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()
