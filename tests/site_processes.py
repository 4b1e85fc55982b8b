"""The site as it runs: gunicorn workers in their own processes on a database of the test's own,
publications by `flask policy import` from yet another process, and visitors over HTTP.

Used by the tests that prove a publication reaches every worker (tests/pages/) and every
visitor behind nginx (tests/deploy/)."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import (
    POSTGRES_ADMIN_URL,
    ROOT,
    free_port,
    fresh_postgres_database,
    make_app,
    port_open,
)
from website.extensions import db
from website.policy.service import ensure_first_version

# The access log names the worker that answered: a test proves both took part.
ACCESS_FORMAT = '%(p)s "%(r)s" %(s)s'


@dataclass
class Answer:
    """One HTTP answer: status, headers (lower-case names) and body text."""

    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Site:
    """gunicorn serving the site; its environment, database and access log."""

    port: int
    env: dict[str, str]
    access_log: Path
    process: subprocess.Popen | None = None
    log_mark: int = field(default=0)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        """One GET on a fresh connection (sync workers close every connection anyway)."""
        return http_get("127.0.0.1", self.port, path, headers)

    def crowd(self, path: str, headers: dict[str, str] | None = None,
              times: int = 8, workers: int = 2) -> list[Answer]:
        """Visitors `times` at once, again until `workers` workers answered (a fast answer
        may leave the other worker idle in one round)."""
        self.workers_since_mark()
        answers: list[Answer] = []
        seen: set[str] = set()
        for _round in range(30):
            with ThreadPoolExecutor(max_workers=times) as pool:
                answers += pool.map(lambda _: self.get(path, headers), range(times))
            seen |= self.workers_since_mark()
            if len(seen) >= workers:
                return answers
        raise AssertionError(f"only workers {seen} answered {path}")

    def publish(self, markdown: str, folder: Path, *extra: str) -> float:
        """`flask policy import` in another process; the monotonic time it returned."""
        source = folder / f"policy-{time.monotonic_ns()}.md"
        source.write_text(markdown, encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "policy", "import", str(source),
             *extra],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return time.monotonic()

    def workers_since_mark(self) -> set[str]:
        """The worker PIDs that answered since the last call (from the access log)."""
        lines = self.access_log.read_text().splitlines()
        seen = {line.split(" ", 1)[0] for line in lines[self.log_mark:] if line.strip()}
        self.log_mark = len(lines)
        return seen


def http_get(host: str, port: int, path: str, headers: dict[str, str] | None = None,
             timeout: float = 30) -> Answer:
    """One plain-HTTP GET."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read().decode("utf-8", errors="replace")
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        conn.close()


@contextmanager
def site_database(folder: Path) -> Iterator[str]:
    """A migrated database of this test's own holding version 1 (the run's kind of database)."""
    from flask_migrate import upgrade

    def prepare(url: str) -> None:
        app = make_app(url)
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            ensure_first_version()
            db.engine.dispose()

    if os.environ.get("TEST_DATABASE", "sqlite") == "postgresql":
        with fresh_postgres_database("test_site") as (name, admin):
            url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
            prepare(url)
            yield url
    else:
        url = f"sqlite:///{folder / 'site.db'}"
        prepare(url)
        yield url


@contextmanager
def running_site(folder: Path, database_url: str, workers: int = 2, port: int = 0,
                 **settings: str) -> Iterator[Site]:
    """gunicorn with `workers` sync workers (no control socket: tests run side by side)."""
    port = port or free_port()
    env = {**os.environ, "SECRET_KEY": "site-test-key", "AUDIT_KEY": "site-test-audit-key",
           "WEBHOOK_SECRET_KEY": "site-test-webhook-key",
           "DATABASE_URL": database_url,
           "RATELIMIT_ENABLED": "false", "JOBS_ENABLED": "false",
           "RETENTION_AUTORUN": "false", "INSTANCE_PATH": str(folder / "instance"),
           "SITE_URL": f"http://127.0.0.1:{port}", **settings}
    site = Site(port, env, folder / "gunicorn-access.log")
    site.access_log.write_text("")
    site.process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--no-control-socket", "-w", str(workers),
         "-b", f"127.0.0.1:{port}", "--access-logfile", str(site.access_log),
         "--access-logformat", ACCESS_FORMAT, "app:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=(folder / "gunicorn.log").open("w"))
    try:
        wait_until_listening(port, site.process, "gunicorn")
        yield site
    finally:
        stop(site.process)


def wait_until_listening(port: int, process: subprocess.Popen, what: str) -> None:
    """Until something listens on the port (or the process died)."""
    deadline = time.monotonic() + 60
    while not port_open("127.0.0.1", port):
        assert process.poll() is None, f"{what} exited with {process.returncode}"
        assert time.monotonic() < deadline, f"{what} did not start"
        time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    """Stop a process this test started, by its own PID."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sleep_until(moment: float) -> None:
    """Sleep until the monotonic clock reads `moment`."""
    time.sleep(max(0.0, moment - time.monotonic()))


def version_in(answer: Answer) -> str:
    """Which test text a /privacy page shows: 'v1' (the shipped policy) or the marker of a
    published test version ('v2', ...)."""
    found = re.findall(r"Marker of version (v\d+)\.", answer.body)
    return found[0] if found else "v1"


def current_in_list(answer: Answer) -> str:
    """Which version /privacy/versions marks as the one in force ('v1', 'v2', ...)."""
    found = re.findall(r'>Version (\d+)</a>\s*<span class="badge">current<', answer.body)
    return f"v{found[0]}" if found else "none"


def policy_text(marker: str) -> str:
    """A policy version whose page shows `marker` (see `version_in`)."""
    return f"# Privacy policy\n\nMarker of version {marker}.\n"
