"""Group commit of proof rows: decisions made at the same moment in one worker are stored in
one statement, each answer waits for its own row, and one row's error stays its own."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError

from website.consent.group_commit import WRITERS, ProofQueue, proof_queue
from website.consent.service import ConsentState, consent_insert, new_decision
from website.extensions import db

CLICK = b"origin=banner&next=%2F&choice=accept_all"
HEADERS = {"Accept": "application/json", "Sec-Fetch-Site": "same-origin"}


def slow_first_inserts(app: Flask, writers: int, queued: int) -> tuple[list[int], threading.Event]:
    """A queue with `writers` writers whose first INSERTs are held (as a slow disk flush would
    hold them) until `queued` more rows have waited at once (10 s at most); how many rows each
    INSERT carries, and an event set once the first INSERT has begun. Once they have, every held
    INSERT goes on (the first to finish hands the queue to one of them, so fewer wait after)."""
    rows_per_insert: list[int] = []
    started = threading.Event()
    all_queued = threading.Event()
    queue = ProofQueue(writers)

    def note(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
             executemany: bool) -> None:
        if statement.startswith("INSERT INTO consent_records"):
            rows_per_insert.append(statement.count("(SELECT") or 1)
            if len(rows_per_insert) <= writers:
                started.set()
                deadline = time.monotonic() + 10
                while not all_queued.is_set() and time.monotonic() < deadline:
                    if sum(not w.leads for w in queue.queue) >= queued:
                        all_queued.set()
                    else:
                        time.sleep(0.01)

    app.extensions["consent_proof_queue"] = queue
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", note)
    return rows_per_insert, started


def rows_in_one_statement(app: Flask, rows: int) -> list[int]:
    """How the INSERTs of a batch of `rows` look: one statement on PostgreSQL; SQLAlchemy
    sends them one by one (in the one transaction) on SQLite, which cannot return the rows of
    a multi-row INSERT in the order given."""
    with app.app_context():
        return [rows] if db.engine.dialect.name == "postgresql" else [1] * rows


@pytest.mark.parametrize("writers", [1, WRITERS])
def test_decisions_made_together_share_one_insert_and_each_gets_its_row(app, rows, writers):
    inserts, started = slow_first_inserts(app, writers, queued=8 - writers)

    def click(_: int) -> Any:
        return app.test_client(use_cookies=False).post(
            "/cookies/consent", data=CLICK, content_type="application/x-www-form-urlencoded",
            headers=HEADERS)

    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(click, 0)
        assert started.wait(10)  # the first one is writing: the others come meanwhile
        others = list(pool.map(click, range(7)))
        answers = [first.result(), *others]
    assert [a.status_code for a in answers] == [200] * 8
    records = rows.consent_records()
    assert sorted(r.consent_id for r in records) == sorted(
        a.get_json()["consent_id"] for a in answers)
    assert {r.policy_version for r in records} == {1}
    # The first `writers` alone (each write under way); those that came meanwhile together.
    assert inserts == [1] * writers + rows_in_one_statement(app, 8 - writers)


def test_one_rows_error_is_not_the_others(app, rows):
    inserts, started = slow_first_inserts(app, writers=1, queued=3)

    def store(source: str | None) -> Any:
        with app.app_context():
            values, _ = new_decision(frozenset(), "banner", ConsentState(), None, "", "", "en")
            values["source"] = source
            try:
                return proof_queue().store(values, consent_insert())
            except IntegrityError:
                return "refused"

    queue = app.extensions["consent_proof_queue"]

    def queued(count: int) -> bool:
        deadline = time.monotonic() + 10
        while len(queue.queue) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return len(queue.queue) == count

    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(store, "banner")
        assert started.wait(10)
        others = [pool.submit(store, "banner")]
        assert queued(1)
        others.append(pool.submit(store, None))
        assert queued(2)  # in this order behind the first; the third one releases it
        others.append(pool.submit(store, "banner"))
        results = [first.result(), *(future.result() for future in others)]
    assert results == [1, 1, "refused", 1]  # a row without a source: only that one is refused
    assert len(rows.consent_records()) == 3
    # The batch of three failed (on SQLite, at its second row, sent one by one), then each
    # row was tried alone, and the batch's first row was not stored twice.
    batch = rows_in_one_statement(app, 3)
    assert inserts == [1, *(batch if len(batch) == 1 else [1, 1]), 1, 1, 1]


@pytest.mark.parametrize("durable", [True, False])
def test_a_lone_decision_is_stored_at_once(fresh_app, durable):
    app = fresh_app(DURABLE_CONSENT_PROOF=durable)
    with app.app_context():
        values, _ = new_decision(frozenset(), "banner", ConsentState(), None, "", "", "en")
        assert proof_queue().store(values, consent_insert()) == 1
        assert proof_queue().writers == 0 and proof_queue().queue == []
