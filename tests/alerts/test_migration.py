"""Migration notify_2 (the sent alerts) goes up and down on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.conftest import ROOT, make_app
from tests.subprocessors.test_migration import own_database  # noqa: F401 - the fixture
from website.extensions import db

pytestmark = pytest.mark.dialect


def test_the_sent_alerts_migrate_up_and_down(own_database: str) -> None:  # noqa: F811
    app = make_app(own_database)
    migrations = str(ROOT / "migrations")
    with app.app_context():
        upgrade(directory=migrations, revision="notify_2")
        assert "sent_alerts" in inspect(db.engine).get_table_names()
        downgrade(directory=migrations, revision="notify_1")
        assert "sent_alerts" not in inspect(db.engine).get_table_names()
        upgrade(directory=migrations, revision="notify_2")
        assert "sent_alerts" in inspect(db.engine).get_table_names()
        db.engine.dispose()
