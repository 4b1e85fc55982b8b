"""The suite's plugins (tests/fixtures/: services, database, app, static files, users, mail,
browser; tests/outage.py) and how tests are marked: slow, waits, dialect, and the groups of
tests that start servers of their own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fixtures import ROOT

pytest_plugins = (
    "tests.fixtures.services", "tests.fixtures.database", "tests.fixtures.app",
    "tests.fixtures.static", "tests.fixtures.users", "tests.fixtures.mail",
    "tests.fixtures.browser", "tests.outage",
)
# The tests where SQLite and PostgreSQL differ (scripts/test runs them on both; the rest runs on
# PostgreSQL, as in production): the migrations, dates and times stored and compared (SQLite
# keeps no time zone), deletions that cascade (SQLite's foreign keys are a PRAGMA), unique
# numbers taken by racing writers, and transactions across processes (a database file's lock).
DIALECT = (
    "test_migrations.py", "accounts/test_account_page.py",
    "accounts/test_password_reset.py", "accounts/test_register.py",
    "admin/test_announce.py", "admin/test_confirm.py", "admin/test_dashboard_audit.py",
    "consent/test_choice.py", "consent/test_analytics.py", "consent/test_admin_and_account.py",
    "consent/test_receipt.py", "consent/test_gpc_and_reconsent.py",
    "faults/test_worker_killed.py", "faults/test_smtp_away.py",
    "mail/", "records/", "retention/", "webhooks/",
    "policy/test_first_start.py", "policy/test_publish.py",
    "rights/test_dates.py", "rights/test_erasure.py", "rights/test_deletion_service.py",
    "rights/test_personal_data.py", "rights/test_request_flow.py",
    "support/test_privacy.py", "support/test_admin_queue.py",
)
# Tests that start servers of their own (gunicorn with several workers, nginx) and measure
# time windows run one after another on one xdist worker (`--dist loadgroup`), beside the rest.
# The release and serve tests of deploy/ start one Python each and measure no time: they run on
# any worker, so the group (the run's longest chain) holds only what needs it.
PROCESSES = ("faults/", "deploy/test_nginx")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark as slow what drives Chromium, gunicorn or hypothesis, and as waiting the deploy
    tests (each starts gunicorn, nginx or a command of its own; others say `waits` by hand):
    `scripts/test --quick` skips both. Mark the dialect tests; group the tests that start
    servers."""
    tests = ROOT / "tests"
    for item in items:
        where = Path(item.path).relative_to(tests).as_posix()
        fuzzed = getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
        if fuzzed or item.get_closest_marker("browser") or where.startswith("faults/"):
            item.add_marker(pytest.mark.slow)
        if where.startswith("deploy/"):
            item.add_marker(pytest.mark.waits)
        if where.startswith(DIALECT):
            item.add_marker(pytest.mark.dialect)
        if where.startswith(PROCESSES):
            item.add_marker(pytest.mark.xdist_group("processes"))


def pytest_report_header(config: pytest.Config) -> str:
    """Say which database this run uses."""
    return f"database: {os.environ.get('TEST_DATABASE', 'sqlite')}"
