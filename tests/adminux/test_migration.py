"""Migration adminux_1: the schema it builds is the models' (SQLite and PostgreSQL), and it goes
down and up again."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.conftest import ROOT, make_app
from website.extensions import db

pytestmark = pytest.mark.dialect


def test_the_migration_builds_what_the_models_say(migrated):
    app = make_app(migrated)
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    ours = [d for d in differences if "support_notes" in repr(d) or "assignee" in repr(d)]
    assert ours == []


def test_down_and_up_again(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'walk.db'}")
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        downgrade(directory=str(ROOT / "migrations"), revision="notify_2")
        inspector = inspect(db.engine)
        assert "support_notes" not in inspector.get_table_names()
        assert "assignee_id" not in {c["name"] for c in inspector.get_columns("support_requests")}
        upgrade(directory=str(ROOT / "migrations"))
        assert "support_notes" in inspect(db.engine).get_table_names()
        db.engine.dispose()
