"""Group commit of consent proof rows: the decisions a worker's threads make at the same moment
are stored by one INSERT in one commit, and each answer still waits until its own row is on disk.

A decision writes at once while fewer than WRITERS writes are under way; the others queue, and
when a write ends the first of them writes the whole queue in one statement. One thread: one
row per commit, as before. The rows are the server's own values, but should a batch fail
(a user deleted at that very moment, say), each of its rows is tried alone, so one row's
error is never another visitor's."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, cast

from flask import current_app
from sqlalchemy import Connection, Insert

from website.database import commit_without_flush_wait
from website.extensions import db

# Writes under way at once in one worker: the rows that come meanwhile queue for the next.
# More than one keeps the disk's flush of one write from holding up the next.
WRITERS = 2


class Waiting:
    """One decision's row in the queue, and what became of it."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.done = threading.Event()
        self.leads = False  # woken to write the queue rather than with its result
        self.version: int | None = None
        self.error: BaseException | None = None

    def outcome(self) -> int | None:
        """The policy version its row was stored under, or the error that stopped it."""
        if self.error is not None:
            raise self.error
        return self.version


class ProofQueue:
    """The proof rows waiting to be written in one worker (one per app)."""

    def __init__(self, writers: int = WRITERS) -> None:
        self.lock = threading.Lock()
        self.queue: list[Waiting] = []
        self.writers = 0  # writes under way, or handed to a queued row to lead
        self.most = writers

    def store(self, values: dict[str, Any], statement: Insert) -> int | None:
        """Store one row (alone or with those queued beside it); its policy version."""
        mine = Waiting(values)
        with self.lock:
            self.queue.append(mine)
            if self.writers < self.most:
                self.writers += 1
                mine.leads = True
        if not mine.leads:
            mine.done.wait()
            if not mine.leads:
                return mine.outcome()
        with self.lock:  # this row, and the queued rows nobody else leads
            batch = [w for w in self.queue if w is mine or not w.leads]
            self.queue = [w for w in self.queue if w.leads and w is not mine]
        try:
            write_batch(batch, statement)
        finally:
            for waiting in batch:  # interrupted (a worker timeout): nobody waits forever
                if not waiting.done.is_set():
                    waiting.error = RuntimeError("the proof row's write was interrupted")
                    waiting.done.set()
            with self.lock:  # rows that came meanwhile: the first of them writes them next,
                # unless a leader already woken will take them all (two batches would split them)
                following = next((w for w in self.queue if not w.leads), None)
                if following is None or any(w.leads for w in self.queue):
                    self.writers -= 1
                else:
                    following.leads = True
                    following.done.set()
        return mine.outcome()


def write_batch(batch: Sequence[Waiting], statement: Insert) -> None:
    """Write the rows in one statement and commit; on an error, each row alone."""
    try:
        versions = insert_rows([w.values for w in batch], statement)
    except Exception as error:  # noqa: BLE001 - handed to the request that made the row
        if len(batch) == 1:
            batch[0].error = error
        else:
            for waiting in batch:
                write_batch([waiting], statement)
        for waiting in batch:
            waiting.done.set()
        return
    for waiting, version in zip(batch, versions, strict=True):
        waiting.version = version
        waiting.done.set()


def insert_rows(rows: list[dict[str, Any]], statement: Insert) -> list[int | None]:
    """INSERT the rows on a connection of their own; the policy version of each, in order.

    Durable, in one statement (one row, or several on PostgreSQL, whose multi-row INSERT is
    atomic by itself): in autocommit, one round trip, durable when it returns. Several rows
    elsewhere: in one transaction (SQLAlchemy sends them one by one on SQLite, and a batch must
    be all or nothing, or a retry would store a row twice). DURABLE_CONSENT_PROOF=false: a
    transaction that does not wait for the disk flush."""
    durable = current_app.config["DURABLE_CONSENT_PROOF"]
    if durable and (len(rows) == 1 or db.engine.dialect.name == "postgresql"):
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as alone:
            return returned(alone, statement, rows)
    with db.engine.begin() as connection:
        if not durable:
            commit_without_flush_wait(connection)
        return returned(connection, statement, rows)


def returned(connection: Connection, statement: Insert, rows: list[dict[str, Any]]) -> list:
    """Run the INSERT for the rows; the RETURNING values in the rows' order (the statement
    says `sort_by_parameter_order`)."""
    if len(rows) == 1:
        return [connection.execute(statement, rows[0]).scalar_one()]
    return list(connection.execute(statement, rows).scalars())


def proof_queue() -> ProofQueue:
    """This app's queue (made on first use; dict.setdefault is atomic)."""
    queue = current_app.extensions.get("consent_proof_queue")
    if queue is None:
        queue = current_app.extensions.setdefault("consent_proof_queue", ProofQueue())
    return cast(ProofQueue, queue)
