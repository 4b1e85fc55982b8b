"""Benchmark: the queue pages with 100,000 system tasks, on SQLite and PostgreSQL.

Run from the repository root:
    .venv/bin/python bench/bench_tasks.py [--requests N] [--systems N] [--repeat N]
                                          [--db sqlite|postgresql|both]
By default 20,000 rights requests x 5 systems = 100,000 tasks; requests mostly closed (their
tasks done or waived), the open ones' tasks pending or sent, about a third of those late. Each
database is fresh, built by the project's migrations, then seeded. The pages (/admin/tasks
filtered and deep, /admin/rights with its "waiting on" column, one request's page) are fetched
through Flask's test client logged in as an admin; the target is 200 ms a page (p95). The
CPU column is this process's own time (on SQLite, the whole cost) and the SQL column the time
spent in the database's calls (on PostgreSQL, the server's share): on a shared, loaded machine
they are the figures to compare, as wall time then mostly measures waiting for a core.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, event, insert, select, text  # noqa: E402

from website import create_app  # noqa: E402
from website.accounts.models import User  # noqa: E402
from website.config import TestConfig  # noqa: E402
from website.extensions import db, utcnow  # noqa: E402
from website.references import new_reference  # noqa: E402
from website.rights.models import RightsRequest  # noqa: E402
from website.rights.terms import TYPES  # noqa: E402
from website.systems.models import RequestTask, System  # noqa: E402

TARGET_MS = 200
POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
STATUS_WEIGHTS = {"completed": 75, "rejected": 5, "verified": 10, "in_progress": 10}
BATCH = 5000


def make_app(url: str):
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    return create_app(config)


def request_rows(count: int) -> list[dict]:
    """Verified requests over the last year; the open ones due from 60 days ago to next month."""
    now = utcnow()
    statuses = random.choices(list(STATUS_WEIGHTS), weights=STATUS_WEIGHTS.values(), k=count)
    references: set[str] = set()
    while len(references) < count:
        references.add(new_reference("RR"))
    out = []
    for reference, status in zip(references, statuses, strict=True):
        closed = status in ("completed", "rejected")
        age = random.randint(40, 365) if closed else random.randint(0, 90)
        verified = now - timedelta(days=age)
        out.append({
            "reference": reference, "request_type": random.choice(list(TYPES)),
            "name": "Bench Person", "email": f"p{random.randint(1, 10**6)}@example.com",
            "details": "", "status": status, "created_at": verified - timedelta(hours=2),
            "verified_at": verified, "due_on": verified.date() + timedelta(days=30),
            "extension_reason": "", "outcome": "",
            "closed_at": verified + timedelta(days=20) if closed else None,
        })
    return out


def seed(app, requests: int, systems: int) -> int:
    """Migrate, add an admin, the systems, the requests and a task per request and system."""
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.session.add(User(email="admin@example.com", password_hash="!", is_admin=True))  # noqa: S106
        for n in range(systems):
            db.session.add(System(name=f"System {n}", data="Logs", purpose="Service",
                                  legal_basis="contract", retention="1 year",
                                  kind=("manual", "email")[n % 2], instructions="Do it.",
                                  contact_email="privacy@example.com"))
        db.session.commit()
        data = request_rows(requests)
        for start in range(0, requests, BATCH):
            db.session.execute(insert(RightsRequest), data[start:start + BATCH])
        db.session.commit()
        system_ids = list(db.session.scalars(select(System.id)))
        made = 0
        now = utcnow()
        rows = db.session.execute(select(RightsRequest.id, RightsRequest.status)).all()
        tasks = []
        for request_id, status in rows:
            for system_id in system_ids:
                state = random.choice(("done", "done", "waived")) if status in (
                    "completed", "rejected") else random.choice(("pending", "sent", "done"))
                tasks.append({"request_id": request_id, "system_id": system_id, "state": state,
                              "note": "", "created_at": now})
        for start in range(0, len(tasks), BATCH):
            db.session.execute(insert(RequestTask), tasks[start:start + BATCH])
            made += len(tasks[start:start + BATCH])
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        return made


def measure(app, label: str, repeat: int) -> None:
    client = app.test_client()
    with app.app_context():
        token = db.session.scalar(db.select(User.session_token).where(User.is_admin.is_(True)))
        from website.rights.task_queue import task_queue_page

        last = task_queue_page().pages
        first_system = db.session.scalar(select(System.id).order_by(System.id))
        reference = db.session.scalar(select(RightsRequest.reference).where(
            RightsRequest.status == "verified").limit(1))
    with client.session_transaction() as session:
        session["_user_id"] = token
    sql_ms = [0.0]
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def started_sql(conn, cursor, statement, params, context, executemany) -> None:
        context.bench_started = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def ended_sql(conn, cursor, statement, params, context, executemany) -> None:
        sql_ms[0] += (time.perf_counter() - context.bench_started) * 1000

    pages = {
        "/admin/tasks (open, first)": "/admin/tasks",
        "/admin/tasks late only": "/admin/tasks?late=1",
        "/admin/tasks one system": f"/admin/tasks?system={first_system}",
        "/admin/tasks one system, late": f"/admin/tasks?system={first_system}&late=1",
        "/admin/tasks deep (last)": f"/admin/tasks?page={last}",
        "/admin/rights (waiting on)": "/admin/rights",
        "/admin/rights overdue": "/admin/rights?due=overdue",
        "/admin/rights/<ref> (tasks)": f"/admin/rights/{reference}",
    }
    print(f"\n== {label}: wall median / p95, this process's CPU and the SQL's wall time (medians), "
          f"over {repeat} "
          f"requests (target {TARGET_MS} ms; load average now {os.getloadavg()[0]:.1f})")
    for name, url in pages.items():
        client.get(url)  # warm
        times, cpu, sql = [], [], []
        for _ in range(repeat):
            started, started_cpu, sql_ms[0] = time.perf_counter(), time.process_time(), 0.0
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            sql.append(sql_ms[0])
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        median = statistics.median(times)
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        verdict = "OK" if p95 < TARGET_MS else "SLOW"
        print(f"  {name:32s} {median:7.1f} ms / {p95:7.1f} ms  cpu {statistics.median(cpu):6.1f}"
              f" ms  sql {statistics.median(sql):6.1f} ms  {verdict}")


def run(url: str, label: str, args: argparse.Namespace) -> None:
    app = make_app(url)
    started = time.perf_counter()
    made = seed(app, args.requests, args.systems)
    print(f"{label}: seeded {args.requests} requests and {made} tasks in "
          f"{time.perf_counter() - started:.1f} s")
    measure(app, f"{label}, {made} tasks", args.repeat)
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--systems", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    random.seed(42)
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            run(f"sqlite:///{folder}/bench.db", "SQLite", args)
    if args.db in ("postgresql", "both"):
        name = f"bench_{secrets.token_hex(4)}"
        admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            run(POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}", "PostgreSQL", args)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
