"""Shared fixtures: the app on a real database (SQLite or PostgreSQL), a client, a CLI runner,
users and a logged-in session, a real SMTP server, and Debian's Chromium."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import bcrypt
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Connection, Engine, create_engine, text

from website import create_app
from website.config import TestConfig
from website.extensions import db
from website.i18n import TRANSLATIONS
from website.jobs import runner_of

pytest_plugins = ("tests.outage",)  # the postgres_database fixture

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_ADMIN_URL = os.environ.get(
    "POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# pytest-xdist runs the suite in several processes ("gw0", "gw1", ...); each has its own SQLite
# file and PostgreSQL database (made per session) and its own Redis database, counted from the
# base one in TEST_REDIS_URL (worker n uses base + n).
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_INDEX = int(WORKER[2:]) if WORKER.startswith("gw") else 0


def worker_redis_url(base: str, index: int) -> str:
    """The Redis database of worker `index`: the base URL's database number plus the index."""
    head, _, number = base.rpartition("/")
    if not number.isdigit():
        head, number = base.rstrip("/"), "0"
    return f"{head}/{int(number) + index}"


REDIS_URL = worker_redis_url(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/10"),
                             WORKER_INDEX)
# An app a test builds from the environment (ProductionConfig) must not start a job runner that
# outlives the test and delivers or purges in the next one's database; a test (or a gunicorn it
# starts) that wants the runner sets JOBS_ENABLED itself.
os.environ["JOBS_ENABLED"] = "false"


def missing(reason: str) -> None:
    """Skip with a clear reason on a newcomer's machine; under CI=true nothing may skip."""
    if IN_CI:
        pytest.fail(f"CI=true and a required service is missing: {reason}")
    pytest.skip(reason)


def port_open(host: str, port: int) -> bool:
    """True when something listens on host:port."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The tests where SQLite and PostgreSQL differ (scripts/test runs them on both; the rest runs on
# PostgreSQL, as in production): the migrations, dates and times stored and compared (SQLite
# keeps no time zone), deletions that cascade (SQLite's foreign keys are a PRAGMA), unique
# numbers taken by racing writers, and transactions across processes (a database file's lock).
DIALECT = (
    "accounts/test_migration.py", "accounts/test_account_page.py",
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
PROCESSES = ("faults/", "deploy/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark as slow what drives Chromium, gunicorn or hypothesis (`scripts/test --quick` skips);
    mark the dialect tests; group the tests that start servers."""
    tests = ROOT / "tests"
    for item in items:
        where = Path(item.path).relative_to(tests).as_posix()
        fuzzed = getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
        if fuzzed or item.get_closest_marker("browser") or where.startswith("faults/"):
            item.add_marker(pytest.mark.slow)
        if where.startswith(DIALECT):
            item.add_marker(pytest.mark.dialect)
        if where.startswith(PROCESSES):
            item.add_marker(pytest.mark.xdist_group("processes"))


# --- static files -------------------------------------------------------------------------

FINGERPRINT = r"-[0-9a-f]{32}"
STATIC_ENV = "STATIC_FOLDER"  # read by create_app; gunicorn started by a test inherits it
STATIC_KEY = pytest.StashKey[Path]()


def compile_static(folder: Path) -> None:
    """`flask digest compile` on a copy of static/ in `folder`: fingerprinted, gzip and brotli
    copies and the manifest (the repository's own static/ is left as checked out)."""
    from flask_static_digest import digester

    shutil.copytree(ROOT / "static", folder, ignore=shutil.ignore_patterns(
        "cache_manifest.json", "*.gz", "*.br"))
    digester.clean(f"{folder}/", [], True, True)  # fingerprinted copies from an older layout
    digester.compile(f"{folder}/", f"{folder}/", [], True, True)


def compile_catalogues(folder: Path = TRANSLATIONS) -> None:
    """`scripts/translations compile`, in process: Babel's own compiler writes each .mo."""
    from babel.messages.frontend import CommandLineInterface

    failed = CommandLineInterface().run(["pybabel", "--quiet", "compile", "-d", str(folder)])
    assert not failed, f"the catalogues in {folder} do not compile"


def pytest_configure(config: pytest.Config) -> None:
    """Once per run, in the controlling process before any worker starts: the static files
    compiled into a temporary folder every app (and worker, and gunicorn) of the run serves,
    and the German and French catalogues compiled from the repository's .po files."""
    if hasattr(config, "workerinput"):
        return  # an xdist worker: the controller did it, and the environment says where
    folder = Path(tempfile.mkdtemp(prefix="privacy-static-"))
    config.stash[STATIC_KEY] = folder
    compile_static(folder / "static")
    os.environ[STATIC_ENV] = str(folder / "static")
    compile_catalogues()


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the run's compiled static files."""
    folder = config.stash.get(STATIC_KEY, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def static_folder() -> Path:
    """The compiled static files this run serves (outside a test run: the repository's)."""
    return Path(os.environ.get(STATIC_ENV) or ROOT / "static")


# --- the database -------------------------------------------------------------------------

def pytest_report_header(config: pytest.Config) -> str:
    """Say which database this run uses."""
    return f"database: {os.environ.get('TEST_DATABASE', 'sqlite')}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database for this run: an SQLite file, or a new PostgreSQL database."""
    if os.environ.get("TEST_DATABASE", "sqlite") != "postgresql":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    with fresh_postgres_database("test") as (name, _admin):
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


@contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[tuple[str, Engine]]:
    """A new database on the PostgreSQL server, dropped afterwards: its name and an
    autocommit engine on the server's `postgres` database."""
    if not port_open("127.0.0.1", 5432):
        missing("PostgreSQL is not running at 127.0.0.1:5432")
    name = f"{prefix}_{secrets.token_hex(6)}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield name, admin
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_app(database_url: str, **overrides: object) -> Flask:
    """An app on the test database, with settings overridden for one test."""
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    for key, value in overrides.items():
        setattr(config, key, value)
    return create_app(config)


@pytest.fixture(scope="session")
def migrated(database_url: str) -> str:
    """The schema, built by the project's own Alembic migrations (so they are tested too)."""
    from flask_migrate import upgrade

    app = make_app(database_url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()
    return database_url


def empty_all_tables(conn: Connection | None = None) -> None:
    """Delete every row, children first (published versions included: tests only), in one
    round trip: one statement per table, sent together."""
    if conn is None:
        with db.engine.begin() as conn:
            empty_all_tables(conn)
        return
    quote = conn.dialect.identifier_preparer.format_table
    statements = "; ".join(f"DELETE FROM {quote(table)}"
                           for table in reversed(db.metadata.sorted_tables))
    if conn.dialect.name == "sqlite":  # sqlite3 runs one statement per call
        for statement in statements.split("; "):
            conn.exec_driver_sql(statement)
    else:
        conn.exec_driver_sql(statements)


# Rows that policy version 1 leaves in the database, per database URL: rendered once per
# session (a Markdown rendering per test cost a third of the fixture), then copied back.
FIRST_VERSION_ROWS: dict[str, list[tuple[object, list[dict]]]] = {}


def restore_first_version(database_url: str) -> None:
    """Every table emptied, then policy version 1 and what comes with it, as
    ensure_first_version() stored it the first time this session."""
    from website.policy.service import ensure_first_version

    saved = FIRST_VERSION_ROWS.get(database_url)
    if saved is None:
        empty_all_tables()
        ensure_first_version()
        with db.engine.connect() as conn:
            saved = [(table, [dict(row._mapping) for row in conn.execute(table.select())])
                     for table in db.metadata.sorted_tables]
        FIRST_VERSION_ROWS[database_url] = [(table, rows) for table, rows in saved if rows]
        return
    with db.engine.begin() as conn:  # one connection, one transaction
        empty_all_tables(conn)
        for table, rows in saved:  # parents first
            conn.execute(table.insert(), rows)


@pytest.fixture
def app(migrated: str) -> Iterator[Flask]:
    """The app on a clean database holding the first policy version."""
    app = make_app(migrated)
    with app.app_context():
        restore_first_version(migrated)
    yield app
    runner_of(app).stop()  # a test that switched on JOBS_ENABLED started it
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client (CSRF off unless a test switches it on)."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Runs `flask` commands against the app."""
    return app.test_cli_runner()


# --- users ------------------------------------------------------------------------------

PASSWORD = "correct horse battery"


class Users:
    """Creates users straight in the database."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def create(
        self, email: str = "ada@example.com", password: str = PASSWORD, name: str = "Ada Lovelace",
        admin: bool = False, confirmed: bool = True, **fields: str,
    ) -> int:
        """Insert a user and return their id (its address confirmed unless `confirmed=False`)."""
        from website.accounts.models import User
        from website.extensions import utcnow

        hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode()
        with self.app.app_context():
            user = User(email=email, password_hash=hashed, name=name, is_admin=admin,
                        email_confirmed_at=utcnow() if confirmed else None, **fields)
            db.session.add(user)
            db.session.commit()
            return user.id


@pytest.fixture
def users(app: Flask) -> Users:
    """Make users for a test."""
    return Users(app)


class AuthActions:
    """Log a test client in as a user without going through the login form."""

    def __init__(self, app: Flask, client: FlaskClient, users: Users) -> None:
        self.app, self.client, self.users = app, client, users

    def login(self, user_id: int | None = None, admin: bool = False) -> int:
        """Put the user's session token in the client's session; create the user if needed."""
        from website.accounts.models import User
        from website.accounts.sessions import stamp_login

        if user_id is None:
            email = "admin@example.com" if admin else "ada@example.com"
            user_id = self.users.create(email=email, admin=admin)
        with self.app.app_context():
            token = db.session.get(User, user_id).session_token
        with self.client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
            stamp_login(session)  # a fresh login is a recent authentication
        return user_id

    def logout(self) -> None:
        """Forget the session."""
        with self.client.session_transaction() as session:
            session.clear()


@pytest.fixture
def auth(app: Flask, client: FlaskClient, users: Users) -> AuthActions:
    """`auth.login()` logs the client in as Ada; `auth.login(admin=True)` as an admin."""
    return AuthActions(app, client, users)


# --- a real SMTP server -----------------------------------------------------------------

@dataclass
class SmtpServer:
    """An aiosmtpd server on a free port that keeps what it receives."""

    port: int
    messages: list[Message] = field(default_factory=list)
    controller: object = None

    def to(self, address: str) -> list[Message]:
        """Messages addressed to one recipient."""
        return [m for m in self.messages if address in m["To"]]

    def start(self) -> None:
        """Start (or restart) listening."""
        from aiosmtpd.controller import Controller

        server = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):
                server.messages.append(message_from_bytes(envelope.original_content))
                return "250 Message accepted for delivery"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        """Stop listening: connections are refused until start() again."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def body_text(message: Message) -> str:
    """The plain-text part of an email."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    return ""


@pytest.fixture
def smtp(app: Flask) -> Iterator[SmtpServer]:
    """A real SMTP server; the app is configured to send to it."""
    server = SmtpServer(port=free_port())
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    yield server
    server.stop()


# --- a live server and a real browser ---------------------------------------------------

@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served over HTTP on a free port, in a thread; yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        missing("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh browser context and page (no cookies) for one test."""
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


AXE = ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, installed from npm on first use."""
    import fcntl

    prefix = AXE.parents[2]
    prefix.mkdir(parents=True, exist_ok=True)
    with (prefix / ".install-lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker installs; the others wait, then read it
        if not AXE.exists():
            import subprocess

            result = subprocess.run(
                ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix",
                 str(prefix), "axe-core@4"], capture_output=True, text=True, check=False,
            )
            if result.returncode != 0 or not AXE.exists():
                missing(f"axe-core could not be installed from npm: {result.stderr[-300:]}")
    return AXE.read_text()


def axe_violations(page: object, axe_source: str, every_impact: bool = False) -> list[dict]:
    """Serious and critical axe-core violations on the page as loaded (or of any impact)."""
    # Evaluated through the debugging protocol: the site's CSP allows no inline script.
    page.evaluate(axe_source)
    result = page.evaluate("async () => await axe.run(document)")
    if every_impact:
        return result["violations"]
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def assert_no_violations(page: object, axe_source: str) -> None:
    """Not one axe-core violation, whatever its impact."""
    violations = axe_violations(page, axe_source, every_impact=True)
    assert violations == [], [(v["id"], v["impact"], v["help"],
                               [n["target"] for n in v["nodes"]][:3]) for v in violations]


@pytest.fixture(params=["light", "dark"])
def scheme_page(request: pytest.FixtureRequest, browser: object) -> Iterator[object]:
    """A fresh page in light or dark mode (tests using it run once in each)."""
    context = browser.new_context(color_scheme=request.param)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def redis_url() -> str:
    """The Redis on this machine: this worker's own database (TEST_REDIS_URL's, plus the
    worker's number), flushed."""
    if not port_open("127.0.0.1", 6379):
        missing("Redis is not running at 127.0.0.1:6379")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    return REDIS_URL


def comparable_page(response: object) -> str:
    """A page's HTML without what differs per visitor and path (CSRF token, banner's return path),
    for proving two answers are the same page."""
    import re

    html = response.get_data(as_text=True)
    html = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', html)
    return re.sub(r'name="next" value="[^"]*"', 'name="next" value=""', html)
