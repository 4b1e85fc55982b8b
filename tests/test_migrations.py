"""The migrations build what the models say; each one goes up, down and up again; the ones that
change data do it right on a database that already has accounts. On the run's database (SQLite
and PostgreSQL: these tests are `dialect`), each test on a database of its own."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.fixtures import ROOT
from tests.fixtures.app import make_app
from website.extensions import db

MIGRATIONS = str(ROOT / "migrations")


@dataclass(frozen=True)
class Step:
    """A migration, the one before it, and what it adds: tables, and columns of older tables."""

    revision: str
    down_to: str
    tables: frozenset[str]
    columns: dict[str, frozenset[str]] = field(default_factory=dict)


STEPS = [
    Step("systems_1", "i18n_1", frozenset({"systems", "request_tasks", "task_uploads"}),
         {"rights_requests": frozenset({"paused_at", "pause_question", "paused_days",
                                        "agent_name", "agent_email"})}),
    Step("incidents_1", "systems_1",
         frozenset({"incidents", "incident_notices", "incident_recipients"})),
    Step("notify_1", "audit_1", frozenset({"processor_subscribers", "processor_objections"}),
         {"systems": frozenset({"starts_at"}), "outbox_emails": frozenset({"unsubscribe_url"})}),
    Step("notify_2", "notify_1", frozenset({"sent_alerts"})),
    Step("adminux_1", "notify_2", frozenset({"support_notes"}),
         {"support_requests": frozenset({"assignee_id"})}),
]


def test_the_migrations_build_what_the_models_say(migrated: str) -> None:
    app = make_app(migrated)
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []


def assert_applied(step: Step, applied: bool) -> None:
    """Every table and column the step adds is there (or, once it is undone, none is)."""
    inspector = inspect(db.engine)
    tables = set(inspector.get_table_names())
    assert (step.tables <= tables) if applied else step.tables.isdisjoint(tables), tables
    for table, wanted in step.columns.items():
        columns = {column["name"] for column in inspector.get_columns(table)}
        assert (wanted <= columns) if applied else wanted.isdisjoint(columns), (table, columns)


@pytest.mark.parametrize("step", STEPS, ids=[step.revision for step in STEPS])
def test_a_migration_goes_up_down_and_up_again(step: Step, own_database: str) -> None:
    app = make_app(own_database)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision=step.revision)
        assert_applied(step, True)
        downgrade(directory=MIGRATIONS, revision=step.down_to)
        assert_applied(step, False)
        upgrade(directory=MIGRATIONS, revision=step.revision)
        assert_applied(step, True)
        db.engine.dispose()


def accounts_after(database_url: str, start: str, target: str, column: str,
                   **columns: str) -> dict[str, object]:
    """An administrator and a customer stored as revision `start` had them (with `columns` the
    schema then required), then the migrations up to `target`: each address and its `column`."""
    names = ", ".join(columns)
    values = ", ".join(f"'{value}'" for value in columns.values())
    app = make_app(database_url)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision=start)
        with db.engine.begin() as conn:
            for email, admin in (("root@example.com", True), ("ada@example.com", False)):
                conn.execute(text(
                    "INSERT INTO users (email, password_hash, name, organisation, phone, address,"
                    f" is_admin, session_token, created_at{', ' if names else ''}{names}) VALUES"
                    " (:email, 'x', '', '', '', '', :admin, :email, '2026-01-01 10:00:00'"
                    f"{', ' if values else ''}{values})"), {"email": email, "admin": admin})
        upgrade(directory=MIGRATIONS, revision=target)
        with db.engine.connect() as conn:
            rows = dict(conn.execute(text(f"SELECT email, {column} FROM users")).all())
        db.engine.dispose()
    return rows


def test_identity_1_confirms_existing_admins_and_no_one_else(own_database: str) -> None:
    """Nothing proved who owned the other addresses before: everyone else must confirm."""
    rows = accounts_after(own_database, "support_1", "identity_1", "email_confirmed_at")
    assert rows["root@example.com"] is not None
    assert rows["ada@example.com"] is None


def test_roles_1_gives_todays_admins_every_role(own_database: str) -> None:
    rows = accounts_after(own_database, "i18n_1", "roles_1", "roles", locale="en")
    assert rows == {"root@example.com": "administrator policy_editor request_handler",
                    "ada@example.com": ""}
