"""Migration systems_1: the schema it builds is the models' (SQLite and PostgreSQL), and it
goes down and up again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.conftest import ROOT, make_app
from website.extensions import db

OURS = {"systems", "request_tasks", "task_uploads"}
NEW_COLUMNS = {"paused_at", "pause_question", "paused_days", "agent_name", "agent_email"}


def test_the_migration_builds_what_the_models_say(migrated):
    app = make_app(migrated)
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    ours = [d for d in differences if any(name in repr(d) for name in (*OURS, *NEW_COLUMNS))]
    assert ours == []


def test_down_and_up_again(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'walk.db'}")
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        downgrade(directory=str(ROOT / "migrations"), revision="i18n_1")
        inspector = inspect(db.engine)
        assert not OURS & set(inspector.get_table_names())
        assert not NEW_COLUMNS & {c["name"] for c in inspector.get_columns("rights_requests")}
        upgrade(directory=str(ROOT / "migrations"))
        assert OURS <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()
