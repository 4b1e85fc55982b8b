"""Connection set-up shared by every engine: SQLite pragmas, a ping for idle connections, and
limits on every wait for PostgreSQL (connect, statement, pool, and an answer that never comes)."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import psycopg
from flask import Flask
from sqlalchemy import Connection, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import Pool

from website.extensions import db
from website.outages import database as database_outage

# A pooled connection unused for longer than this is pinged before it is handed out.
IDLE_PING_SECONDS = 10.0
# How long that ping may wait for its answer.
PING_SECONDS = 1.0
# The client stops waiting this long after the server's own statement_timeout would have ended
# the statement: past it, no answer is coming (a network that drops packets).
ANSWER_MARGIN_SECONDS = 0.5
ANSWER_WITHIN = "answer_within"  # our own connect argument, taken off before psycopg sees it
# After the database failed to answer in time, this worker does not wait for it again for this
# long: a request whose statement timed out renders its 503 page at once instead of waiting
# once more for a new connection, and so do the requests right behind it.
NO_ANSWER_HOLD_SECONDS = 3.0


class NoAnswer:
    """When this worker last waited in vain for the database (a partitioned network)."""

    until = 0.0

    @classmethod
    def noted(cls) -> None:
        """The database did not answer in time: hold off for NO_ANSWER_HOLD_SECONDS."""
        cls.until = time.monotonic() + NO_ANSWER_HOLD_SECONDS

    @classmethod
    def holding(cls) -> bool:
        """True while this worker is not waiting for the database again."""
        return time.monotonic() < cls.until


def engine_options(uri: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """SQLAlchemy engine options: for PostgreSQL, a limit on every wait of a request.

    connect_timeout bounds a connection attempt (libpq's minimum is 2 s); statement_timeout ends
    a slow statement on the server; the pool's timeout bounds the wait for a free connection;
    keepalives and tcp_user_timeout notice a peer that vanished; and because a partitioned
    network carries neither the server's cancel nor a reset, the client itself stops waiting
    for an answer (AnsweringConnection) shortly after statement_timeout."""
    if not uri.startswith("postgresql"):
        return {}
    statement = float(config["DATABASE_STATEMENT_TIMEOUT"])
    return {
        "pool_timeout": float(config["DATABASE_POOL_TIMEOUT"]),
        "connect_args": {
            "connect_timeout": int(config["DATABASE_CONNECT_TIMEOUT"]),
            "options": f"-c statement_timeout={int(statement * 1000)}"
                       f" -c lock_timeout={int(statement * 1000)}"
                       " -c idle_in_transaction_session_timeout=60000",
            "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 3,
            "keepalives_count": 3, "tcp_user_timeout": 10000,
            ANSWER_WITHIN: statement + ANSWER_MARGIN_SECONDS,
        },
    }


class AnsweringConnection(psycopg.Connection):
    """A psycopg connection that gives up on an answer after `answer_within` seconds: it closes
    itself and raises OperationalError, so the pool replaces it and the visitor gets a 503."""

    answer_within: float | None = None

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        """psycopg's wait for the server, with this connection's limit."""
        limit = timeout if timeout is not None else self.answer_within
        try:
            return super().wait(gen, interval=interval, timeout=limit)
        except psycopg.errors._WaitTimeout:
            self.pgconn.finish()  # the state of the exchange is unknown: never reuse it
            NoAnswer.noted()
            raise psycopg.OperationalError(
                f"the database did not answer within {limit:g} s") from None


@event.listens_for(Engine, "do_connect")
def _connect_answering(dialect: Any, connection_record: Any, cargs: Any, cparams: Any) -> Any:
    answer_within = cparams.pop(ANSWER_WITHIN, None)
    if answer_within is None or dialect.driver != "psycopg":
        return None  # SQLAlchemy connects as usual
    if NoAnswer.holding():
        raise psycopg.OperationalError("the database did not answer a moment ago")
    try:
        connection = AnsweringConnection.connect(*cargs, **cparams)
    except psycopg.errors.ConnectionTimeout:
        NoAnswer.noted()
        raise
    connection.answer_within = answer_within
    return connection


def is_sqlite(dbapi_connection: Any) -> bool:
    """True for the standard library's sqlite3 connections (a file: nothing to lose)."""
    return type(dbapi_connection).__module__.startswith("sqlite3")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    # WAL lets readers and one writer work at once; the timeout waits out a busy writer.
    if is_sqlite(dbapi_connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL syncs at checkpoints, not on every commit: a crash of the app
        # loses nothing, a power cut at most the last commits; every consent POST and page
        # view commits, and FULL made the fsync most of their cost.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def commit_without_flush_wait(connection: Connection | None = None) -> None:
    """Let this transaction's COMMIT return before PostgreSQL has flushed it to disk.

    Only for rows whose loss costs a statistic, never a promise: they can be lost only if the
    database server itself crashes within about 0.6 s (never corrupted; an app crash or a clean
    restart loses nothing). The flush is most of a small write's cost on a cloud disk (5-15 ms
    measured here, against 0.5 ms without)."""
    if db.engine.dialect.name == "postgresql":
        (connection or db.session).execute(text("SET LOCAL synchronous_commit TO OFF"))


@event.listens_for(Pool, "checkin")
def _note_last_use(dbapi_connection: Any, connection_record: Any) -> None:
    connection_record.info["last_used"] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_if_idle(dbapi_connection: Any, connection_record: Any, connection_proxy: Any) -> None:
    # pool_pre_ping would cost a round trip on every request. A connection in steady use is
    # alive; one that sat idle may have been closed by a database restart, so it is pinged and,
    # when dead, replaced (the pool retries the checkout on DisconnectionError). A connection
    # killed while in steady use fails its next query: that request gets the 503 page and the
    # pool is renewed for the next one.
    if NoAnswer.holding() and not is_sqlite(dbapi_connection):
        raise DisconnectionError()  # replaced; the new connection fails at once while holding
    last_used = connection_record.info.get("last_used")
    if last_used is None or is_sqlite(dbapi_connection):
        return
    if time.monotonic() - last_used < IDLE_PING_SECONDS:
        return
    autocommit = dbapi_connection.autocommit
    answer_within = getattr(dbapi_connection, "answer_within", None)
    try:
        dbapi_connection.autocommit = True  # no transaction is begun for the ping
        if answer_within is not None:
            dbapi_connection.answer_within = PING_SECONDS
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.autocommit = autocommit
    except Exception as error:  # any failure means the connection is gone
        raise DisconnectionError() from error
    finally:
        if answer_within is not None:
            dbapi_connection.answer_within = answer_within


class HealthProbe:
    """Asks the database `SELECT 1` in a thread of its own, so the asker waits at most as long
    as it chooses; one probe at a time per worker (a hung probe is not started twice)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="health")
        self.running: Future[bool] | None = None

    def answers(self, app: Flask, within: float) -> bool:
        """True when the database answered within `within` seconds."""
        with self.lock:
            if self.running is None or self.running.done():
                self.running = self.executor.submit(self.probe, app)
            running = self.running
        try:
            return running.result(timeout=within)
        except FutureTimeout:
            return False

    @staticmethod
    def probe(app: Flask) -> bool:
        """One `SELECT 1` on the app's engine."""
        started = time.monotonic()
        with app.app_context():
            try:
                db.session.execute(text("SELECT 1"))
            except Exception as error:  # noqa: BLE001 - any failure to reach it means "down"
                database_outage.failed(error)
                return False
            finally:
                db.session.remove()
        database_outage.answered(started)
        return True


def database_answers(app: Flask, within: float) -> bool:
    """True when the app's database answers `SELECT 1` within `within` seconds."""
    probe = app.extensions.get("website.health_probe")
    if probe is None:
        probe = app.extensions.setdefault("website.health_probe", HealthProbe())
    return probe.answers(app, within)
