"""The reference receiver (examples/webhook_receiver) as a real HTTP server process, and a
webhook system in the register pointing at it."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.fixtures.services import free_port, port_open
from tests.rights.conftest import rights  # noqa: F401 - the public flow fixture
from tests.systems.conftest import SYSTEM, systems  # noqa: F401 - the admin's register fixture
from website.extensions import db
from website.systems.models import RequestTask, System
from website.webhooks.delivery import deliver_pending

RECEIVER = Path(__file__).resolve().parents[2] / "examples" / "webhook_receiver" / "receiver.py"
PEOPLE = [{"email": "grace@example.com", "account_id": 7, "name": "Grace Hopper", "plan": "pro",
           "api_keys": [{"key_id": "k_1", "created": "2026-01-02", "last_ip": "203.0.113.9"},
                        {"key_id": "k_2", "created": "2026-02-03", "last_ip": "203.0.113.10"}]}]


class ReceiverProcess:
    """One receiver: its port, secret, database; start, stop, and what it received."""

    def __init__(self, tmp: Path) -> None:
        self.port, self.tmp = free_port(), tmp
        self.db = tmp / f"receiver-{self.port}.db"
        self.secret = ""
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        """Where the site sends its tasks."""
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self, fail_first: int = 0, die_after: int = 0, delay: float = 0.0) -> None:
        """Run it (seeded with PEOPLE) and wait until it listens."""
        seed = self.tmp / "people.json"
        seed.write_text(json.dumps(PEOPLE))
        env = {**os.environ, "RECEIVER_SECRET": self.secret, "RECEIVER_DB": str(self.db),
               "PORT": str(self.port), "RECEIVER_FAIL_FIRST": str(fail_first),
               "RECEIVER_DIE_AFTER": str(die_after), "RECEIVER_DELAY": str(delay),
               "RECEIVER_SEED": str(seed)}
        self.process = subprocess.Popen([sys.executable, str(RECEIVER)], env=env,
                                        stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not port_open("127.0.0.1", self.port):
            assert self.process.poll() is None, "the receiver did not start"
            assert time.monotonic() < deadline, "the receiver does not listen"
            time.sleep(0.05)

    def stop(self) -> None:
        """Kill it (as a crash would)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def deliveries(self) -> dict[str, int]:
        """webhook-id -> how many times the receiver took it."""
        if not self.db.exists():
            return {}
        with sqlite3.connect(self.db) as conn:
            rows = conn.execute("select webhook_id, count(*) from deliveries group by webhook_id")
            return dict(rows.fetchall())

    def received_at(self) -> list[float]:
        """When each task was taken (the receiver's clock), in order."""
        with sqlite3.connect(self.db) as conn:
            rows = conn.execute("select received_at from deliveries order by received_at")
            return [row[0] for row in rows.fetchall()]

    def receipts(self) -> dict[str, int]:
        """webhook-id -> how many times it arrived (a resend counts again)."""
        with sqlite3.connect(self.db) as conn:
            rows = conn.execute("select webhook_id, count(*) from receipts group by webhook_id")
            return dict(rows.fetchall())

    def wait_until_dead(self) -> None:
        """The fault drill's crash has happened."""
        assert self.process is not None
        self.process.wait(30)
        self.process = None

    def people(self) -> int:
        """How many people its database still holds."""
        with sqlite3.connect(self.db) as conn:
            return conn.execute("select count(*) from people").fetchone()[0]


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[ReceiverProcess]:
    """A receiver, not yet started (the secret comes from the site first)."""
    made = ReceiverProcess(tmp_path)
    yield made
    made.stop()


SECRET = re.compile(r'<code id="webhook-secret">(whsec_[A-Za-z0-9+/=]+)</code>')


def add_webhook_system(client, auth, name: str, endpoint: str,
                       login: bool = True) -> tuple[int, str]:
    """An admin adds a webhook system; (its id, the secret shown once)."""
    if login:
        auth.login(admin=True)
    response = client.post("/admin/systems", data={
        **SYSTEM, "name": name, "kind": "webhook", "endpoint": endpoint, "instructions": ""})
    assert response.status_code == 200, response.get_data(as_text=True)
    found = SECRET.search(response.get_data(as_text=True))
    assert found, response.get_data(as_text=True)
    with client.application.app_context():
        system_id = db.session.scalar(select(System.id).where(System.name == name))
    return system_id, found.group(1)


@pytest.fixture
def site(app: Flask, live_server: str) -> str:
    """The app served for real (the receiver answers there)."""
    return live_server


def deliver(app: Flask, site: str) -> tuple[int, int]:
    """One round of the webhook job, as the runner does it; the tasks' callback URLs point at
    the live server (SITE_URL; the emails' links stay as the rights tests read them)."""
    before = app.config["SITE_URL"]
    app.config["SITE_URL"] = site
    try:
        with app.app_context():
            return deliver_pending()
    finally:
        app.config["SITE_URL"] = before


def task_of(app: Flask, reference: str, system_name: str) -> RequestTask:
    """The request's task for one system, fresh from the database (detached)."""
    from website.rights.models import RightsRequest

    with app.app_context():
        task = db.session.scalars(
            select(RequestTask).join(RightsRequest).join(System)
            .where(RightsRequest.reference == reference, System.name == system_name)).one()
        db.session.expunge(task)
        return task


def wait_for(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    """Poll until predicate() is true (a loaded machine is slow: generous timeout)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
