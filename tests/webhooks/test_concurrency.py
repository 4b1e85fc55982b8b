"""Tasks go out several at once (WEBHOOK_CONCURRENCY), at most WEBHOOK_PER_SYSTEM to one
system: a slow system does not hold the others up; two workers sending at the same moment
still send each task once and store each outcome once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.webhooks.conftest import ReceiverProcess, add_webhook_system, deliver, task_of
from website.extensions import db
from website.systems.models import RequestTask
from website.webhooks.delivery import deliver_pending

PEOPLE = ["grace@example.com", "alan@example.com", "edsger@example.com", "barbara@example.com"]
DELAY = 3.0  # the slow system's reply to each task


@pytest.mark.waits
def test_a_slow_system_does_not_hold_the_others_up(app, client, auth, rights, site,
                                                   tmp_path: Path) -> None:
    slow, fast = ReceiverProcess(tmp_path), ReceiverProcess(tmp_path)
    _, slow.secret = add_webhook_system(client, auth, "Slow platform", slow.endpoint)
    _, fast.secret = add_webhook_system(client, auth, "Fast platform", fast.endpoint,
                                        login=False)
    references = [rights.submit_and_verify(email=email) for email in PEOPLE]
    app.config.update(WEBHOOK_CONCURRENCY=4, WEBHOOK_PER_SYSTEM=2)
    try:
        slow.start(delay=DELAY)
        fast.start()
        assert deliver(app, site) == (8, 0)
        # Sent one after another, the fast system's last task would wait for the slow one's
        # replies before it (3 s each); with the pool it arrives before the first reply.
        assert fast.received_at()[-1] < slow.received_at()[0] + DELAY
        # Two at a time to the slow system: four tasks in two waves.
        waves = slow.received_at()
        assert waves[1] - waves[0] < DELAY <= waves[2] - waves[0]
        for receiver in (slow, fast):
            assert sorted(receiver.deliveries().values()) == [1] * 4
            assert sorted(receiver.receipts().values()) == [1] * 4
    finally:
        slow.stop()
        fast.stop()
    for reference in references:
        for name in ("Slow platform", "Fast platform"):
            task = task_of(app, reference, name)
            assert task.attempts == 1 and task.state in ("sent", "done"), task.last_error


def one_worker(app, outcomes: list[tuple[int, int]]) -> None:  # type: ignore[no-untyped-def]
    """A worker's round, with its own app context and session."""
    with app.app_context():
        outcomes.append(deliver_pending())


@pytest.mark.dialect  # racing claims: FOR UPDATE SKIP LOCKED, or SQLite's conditional UPDATE
def test_two_workers_at_once_send_each_task_once(app, client, auth, rights, site,
                                                 receiver) -> None:
    _, receiver.secret = add_webhook_system(client, auth, "API platform", receiver.endpoint)
    for number in range(12):
        rights.submit_and_verify(email=f"person{number}@example.com")
    receiver.start(delay=0.2)
    app.config.update(WEBHOOK_CONCURRENCY=3, WEBHOOK_PER_SYSTEM=3, SITE_URL=site)
    outcomes: list[tuple[int, int]] = []
    workers = [threading.Thread(target=one_worker, args=(app, outcomes)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert sum(sent for sent, _ in outcomes) == 12
    assert sorted(receiver.receipts().values()) == [1] * 12  # nothing sent twice
    with app.app_context():
        assert db.session.scalar(select(func.sum(RequestTask.attempts))) == 12
        assert db.session.scalar(select(func.count()).select_from(RequestTask).where(
            RequestTask.state == "pending")) == 0
