"""A gunicorn worker killed with SIGKILL under load leaves no half-written submission.

Each support request and its confirmation email are one transaction: a worker that dies
between the two writes leaves neither. Runs on the suite's database (SQLite or PostgreSQL)."""

from __future__ import annotations

import os
import random
import signal
import time

from tests.faults.conftest import Traffic, confirmation_subject, stored_support, table_row

KILLS = 3


def test_sigkill_a_worker_under_load_leaves_no_half_written_rows(app, migrated, gunicorn):
    server = gunicorn({
        "DATABASE_URL": migrated, "SECRET_KEY": "fault-test-secret",
        "RATELIMIT_ENABLED": "false", "JOBS_ENABLED": "false", "MAIL_SERVER": "",
    }, workers=3)
    traffic = Traffic(server.base_url, visitors=6)
    killed: list[int] = []
    try:
        for thread in traffic.threads:
            thread.start()
        traffic.wait_for(303, more_than=10)
        for _ in range(KILLS):
            before = traffic.count(303)
            victim = random.choice(server.worker_pids())
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
            traffic.wait_for(303, more_than=before + 5)
        time.sleep(0.2)
    finally:
        traffic.stop.set()
        for thread in traffic.threads:
            thread.join(20)

    # The master replaced every killed worker, and the site still answers.
    deadline = time.monotonic() + 60
    while len(server.worker_pids()) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = server.worker_pids()
    assert len(workers) == 3 and not set(workers) & set(killed)

    # Requests in flight on a killed worker lose their connection (status 0); nothing else.
    assert set(traffic.statuses) <= {303, 0}, dict(traffic.statuses)
    assert traffic.leaks == []
    assert "Traceback" not in server.log.read_text()
    rows, mails = stored_support(migrated)
    for marker, reference in traffic.accepted.items():
        assert rows.get(marker) == [reference], marker
    # No half-written request: every stored request has exactly one confirmation email, and
    # there is no email without its request.
    references = [reference for found in rows.values() for reference in found]
    assert len(references) == len(set(references)) == len(rows)
    assert all(mails[confirmation_subject(reference)] == 1 for reference in references)
    assert sum(mails.values()) == len(references)
    assert set(rows) <= traffic.attempted
    table_row(f"SIGKILL a gunicorn worker under load, {KILLS} times",
              f"{traffic.count(303)} ok, 0 503, {traffic.count(0)} cut off with their worker",
              f"0 lost, 0 duplicated ({len(references)} stored)",
              f"0 lost, 0 duplicated ({sum(mails.values())} queued)",
              "a new worker at once")
