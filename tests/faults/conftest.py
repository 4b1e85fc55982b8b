"""Helpers for the fault tests: a small cookie-keeping HTTP client, a gunicorn server, and counts
of support requests and their confirmation emails by subject marker."""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from tests.fixtures import ROOT
from tests.fixtures.database import fresh_postgres_database
from tests.fixtures.services import free_port
from tests.outage import app_on
from website.config import TestConfig
from website.extensions import db

LEAKS = ("Traceback", "psycopg", "sqlalchemy", "OperationalError", "postgresql")


@dataclass
class Answer:
    """One HTTP answer; status 0 means no answer at all (connection refused, reset, timeout)."""

    status: int
    body: str = ""
    location: str = ""
    headers: dict | None = None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand redirects back to the caller instead of following them."""

    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A visitor with its own cookie jar, talking to a server on 127.0.0.1 only."""

    def __init__(self, base_url: str) -> None:
        assert urllib.parse.urlsplit(base_url).hostname == "127.0.0.1"
        self.base = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def open(self, path: str, form: dict | None = None, timeout: float = 60) -> Answer:
        """GET (or POST when `form` is given) without following redirects."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=timeout) as response:
                return Answer(response.status, response.read().decode(), "", dict(response.headers))
        except urllib.error.HTTPError as error:
            try:
                body = error.read().decode(errors="replace")
            except (OSError, http.client.HTTPException):
                body = ""  # the status line and headers came; the body was cut off (killed worker)
            return Answer(error.code, body, error.headers.get("Location", ""), dict(error.headers))
        except (OSError, http.client.HTTPException):
            return Answer(0)  # refused, reset or cut off mid-answer



def support_form(marker: str, **changes: str) -> dict[str, str]:
    """A valid support form whose subject (and address) is the unique `marker`."""
    return {
        "name": "Fault Tester", "organisation": "", "email": f"{marker}@example.com",
        "phone": "", "category": "general", "subject": marker,
        "message": "Sent by a fault test.", "website": "", **changes,
    }


def new_marker() -> str:
    """A unique subject for one submission."""
    return f"fault-{uuid.uuid4().hex}"


def reference_of(answer: Answer) -> str:
    """The request reference in a 303 to /support/requests/<reference>."""
    return answer.location.rstrip("/").rsplit("/", 1)[-1]


def stored_support(url: str) -> tuple[dict[str, list[str]], Counter]:
    """Rows per subject marker (their references), and confirmation emails per subject."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT subject, reference FROM support_requests WHERE subject LIKE 'fault-%'"
            )).all()
            mails = Counter(subject for (subject,) in conn.execute(text(
                "SELECT subject FROM outbox_emails WHERE to_address LIKE 'fault-%'"
            )))
    finally:
        engine.dispose()
    by_marker: dict[str, list[str]] = {}
    for subject, reference in rows:
        by_marker.setdefault(subject, []).append(reference)
    return by_marker, mails


def confirmation_subject(reference: str) -> str:
    """The subject of a support request's confirmation email."""
    return f"We received your support request {reference}"


class Traffic:
    """Visitors sending support requests from threads until told to stop."""

    def __init__(self, base_url: str, visitors: int = 3) -> None:
        self.base_url = base_url
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.accepted: dict[str, str] = {}  # marker -> reference, for every 303
        self.attempted: set[str] = set()
        self.statuses: Counter[int] = Counter()
        self.leaks: list[str] = []
        self.threads = [threading.Thread(target=self.visit, daemon=True) for _ in range(visitors)]

    def visit(self) -> None:
        """One visitor's loop: a new support request each time round."""
        browser = Browser(self.base_url)
        for _ in range(2000):  # bounded; the test stops it long before
            if self.stop.is_set():
                return
            marker = new_marker()
            with self.lock:
                self.attempted.add(marker)
            answer = browser.open("/support", support_form(marker))
            with self.lock:
                self.statuses[answer.status] += 1
                if answer.status == 303:
                    self.accepted[marker] = reference_of(answer)
                if any(word in answer.body for word in LEAKS):
                    self.leaks.append(answer.body[:500])
            time.sleep(0.01)

    def count(self, status: int) -> int:
        """How many answers with this status so far."""
        with self.lock:
            return self.statuses[status]

    def wait_for(self, status: int, more_than: int, seconds: float = 60) -> None:
        """Until more than `more_than` answers with `status` have come (bounded)."""
        deadline = time.monotonic() + seconds
        while self.count(status) <= more_than and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.count(status) > more_than, (status, dict(self.statuses))


@dataclass
class Gunicorn:
    """A gunicorn master started by a test."""

    process: subprocess.Popen
    base_url: str
    log: Path

    def worker_pids(self) -> list[int]:
        """The master's live children, read from /proc."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid and fields[0] != "Z":
                pids.append(int(entry.name))
        return sorted(pids)


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator:
    """start(env, workers, threads) -> Gunicorn on a free 127.0.0.1 port; stopped after the
    test, with the shipped deploy/gunicorn.conf.py (its hooks). With threads > 1, gthread
    workers as in production; else sync workers. Stopped with a 1-second grace: the test has
    seen what it came for, and a worker takes seconds to exit on this loaded machine.

    Its AUDIT_KEY is the one the template's audit entries were written with (TestConfig's):
    under another key the site's daily check reads the chain as edited, and says so."""
    started: list[Gunicorn] = []
    handles: list = []

    def start(env: dict[str, str], workers: int = 3, threads: int = 1) -> Gunicorn:
        port = free_port()
        kind = ["-k", "gthread" if threads > 1 else "sync"]
        log = tmp_path / f"gunicorn-{port}.log"
        handle = log.open("w")
        handles.append(handle)
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
             "--no-control-socket", "-w", str(workers), "--threads", str(threads),
             "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--graceful-timeout", "1",
             "--log-level", "warning", *kind, "app:app"],
            cwd=ROOT, env={**os.environ, "AUDIT_KEY": TestConfig().AUDIT_KEY, **env},
            stdout=handle, stderr=subprocess.STDOUT,
        )
        server = Gunicorn(process, f"http://127.0.0.1:{port}", log)
        started.append(server)
        browser = Browser(server.base_url)
        deadline = time.monotonic() + 90  # generous: the machine may be loaded
        while time.monotonic() < deadline and process.poll() is None:
            if browser.open("/healthz", timeout=2).status == 200:
                if len(server.worker_pids()) == workers:
                    return server
            time.sleep(0.1)
        raise AssertionError(f"gunicorn did not start: {log.read_text()[-2000:]}")

    yield start
    for server in started:
        server.process.send_signal(signal.SIGINT)  # quick shutdown: nothing more to serve
        try:
            server.process.wait(15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    for handle in handles:
        handle.close()
    for server in started:  # no fault makes the audit log look edited
        assert "audit log is BROKEN" not in server.log.read_text()


@pytest.fixture(scope="session")
def first_version_template() -> Iterator[str]:
    """A PostgreSQL database migrated and holding policy version 1, made once per run and never
    connected to again: the template of every database a fault test takes away."""
    with fresh_postgres_database("test_faults_template") as (name, _admin):
        app = app_on(name)
        with app.app_context():
            db.engine.dispose()
        yield name


@pytest.fixture
def site_database(first_version_template: str) -> Iterator[tuple[str, Engine]]:
    """A database of this test's own, migrated and holding version 1 (a copy of the template:
    well under a second, where running every migration again took seconds); its name and an
    autocommit engine on the server's `postgres` database, to take it away with."""
    with fresh_postgres_database("test_down", template=first_version_template) as database:
        yield database


def table_row(fault: str, answers: str, rows: str, emails: str, recovery: str) -> None:
    """Print one row of docs/load.md's fault table (`pytest tests/faults -s | grep '^| '`)."""
    print(f"\n| {fault} | {answers} | {rows} | {emails} | {recovery} |")
