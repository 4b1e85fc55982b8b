"""Migration notify_1 goes up and down cleanly on SQLite and PostgreSQL (TEST_DATABASE), on a
database of its own."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.conftest import POSTGRES_ADMIN_URL, ROOT, fresh_postgres_database, make_app
from website.extensions import db

pytestmark = pytest.mark.dialect

TABLES = {"processor_subscribers", "processor_objections"}


@pytest.fixture
def own_database(tmp_path) -> Iterator[str]:
    if os.environ.get("TEST_DATABASE", "sqlite") != "postgresql":
        yield f"sqlite:///{tmp_path / 'up_down.db'}"
        return
    with fresh_postgres_database("test_notify") as (name, _admin):
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def columns(table: str) -> set[str]:
    return {column["name"] for column in inspect(db.engine).get_columns(table)}


def test_the_sub_processor_list_migrates_up_and_down(own_database: str) -> None:
    app = make_app(own_database)
    migrations = str(ROOT / "migrations")
    with app.app_context():
        for _ in range(2):
            upgrade(directory=migrations, revision="notify_1")
            assert TABLES <= set(inspect(db.engine).get_table_names())
            assert "starts_at" in columns("systems")
            assert "unsubscribe_url" in columns("outbox_emails")
            downgrade(directory=migrations, revision="audit_1")
            assert TABLES.isdisjoint(inspect(db.engine).get_table_names())
            assert "starts_at" not in columns("systems")
            assert "unsubscribe_url" not in columns("outbox_emails")
        db.engine.dispose()
