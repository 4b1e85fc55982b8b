"""Benchmark: /admin/rights list pages with 100,000 rights requests, on SQLite and PostgreSQL.

Run from the repository root:
    .venv/bin/python bench/bench_admin_rights.py [--rows N] [--repeat N] [--db sqlite|postgresql]
Each database is fresh (an SQLite file in a temporary folder; a new PostgreSQL database on
127.0.0.1:5432, dropped afterwards), built by the project's migrations, then seeded. The pages
are fetched through Flask's test client logged in as an admin; the target is 200 ms a page.
"""

from __future__ import annotations

import argparse
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
from sqlalchemy import create_engine, insert, text  # noqa: E402

from website import create_app  # noqa: E402
from website.accounts.models import User  # noqa: E402
from website.config import TestConfig  # noqa: E402
from website.extensions import db, utcnow  # noqa: E402
from website.references import new_reference  # noqa: E402
from website.rights.models import RightsRequest  # noqa: E402
from website.rights.terms import TYPES  # noqa: E402

TARGET_MS = 200
POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
STATUS_WEIGHTS = {"completed": 70, "rejected": 10, "verified": 8, "in_progress": 7, "received": 5}


def make_app(url: str):
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    return create_app(config)


def rows(count: int) -> list[dict]:
    """Realistic requests: most closed, due dates over the last two years."""
    now = utcnow()
    statuses = random.choices(list(STATUS_WEIGHTS), weights=STATUS_WEIGHTS.values(), k=count)
    references = set()
    while len(references) < count:
        references.add(new_reference("RR"))
    out = []
    for reference, status in zip(references, statuses, strict=True):
        created = now - timedelta(minutes=random.randint(0, 730 * 24 * 60))
        verified = None if status == "received" else created + timedelta(hours=2)
        due = verified.date() + timedelta(days=30) if verified else None
        extended = due + timedelta(days=60) if due and random.random() < 0.05 else None
        out.append({
            "reference": reference, "request_type": random.choice(list(TYPES)),
            "name": "Bench Person", "email": f"p{random.randint(1, 10**6)}@example.com",
            "details": "", "status": status, "created_at": created, "verified_at": verified,
            "due_on": due, "extended_due_on": extended, "extension_reason": "",
            "outcome": "", "closed_at": created + timedelta(days=20)
            if status in ("completed", "rejected") else None,
        })
    return out


def seed(app, count: int) -> None:
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.session.add(User(email="admin@example.com", password_hash="!", is_admin=True))  # noqa: S106
        data = rows(count)
        for start in range(0, count, 5000):
            db.session.execute(insert(RightsRequest), data[start:start + 5000])
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def measure(app, label: str, repeat: int) -> None:
    client = app.test_client()
    with app.app_context():
        token = db.session.scalar(db.select(User.session_token).where(User.is_admin.is_(True)))
    with client.session_transaction() as session:
        session["_user_id"] = token
    with app.app_context():
        from website.rights.queue import PER_PAGE, queue_page

        last_open = queue_page("", "open", 1).pages
        last_all = -(-db.session.scalar(text("select count(*) from rights_requests")) // PER_PAGE)
        reference, email = db.session.execute(
            text("select reference, email from rights_requests order by id desc limit 1")
        ).one()
    pages = {
        "first page (open)": "/admin/rights",
        "filter type=deletion": "/admin/rights?type=deletion",
        "filter status=completed": "/admin/rights?status=completed",
        "filter type+status": "/admin/rights?type=access&status=in_progress",
        "all, first page": "/admin/rights?status=all",
        "deep page (open, last)": f"/admin/rights?page={last_open}",
        "deep page (all, last)": f"/admin/rights?status=all&page={last_all}",
        "due=overdue": "/admin/rights?due=overdue",
        "due=soon": "/admin/rights?due=soon",
        "search: reference": f"/admin/rights?q={reference}",
        "search: email (any case)": f"/admin/rights?q={email.upper()}",
    }
    print(f"\n== {label}: median / p95 over {repeat} requests (target {TARGET_MS} ms)")
    for name, url in pages.items():
        client.get(url)  # warm
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        median = statistics.median(times)
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        verdict = "OK" if p95 < TARGET_MS else "SLOW"
        print(f"  {name:28s} {median:7.1f} ms / {p95:7.1f} ms  {verdict}")


def run_sqlite(count: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(f"sqlite:///{folder}/bench.db")
        started = time.perf_counter()
        seed(app, count)
        print(f"SQLite: seeded {count} rows in {time.perf_counter() - started:.1f} s")
        measure(app, f"SQLite, {count} rows", repeat)
        with app.app_context():
            db.engine.dispose()


def run_postgresql(count: int, repeat: int) -> None:
    name = f"bench_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        app = make_app(POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}")
        started = time.perf_counter()
        seed(app, count)
        print(f"PostgreSQL: seeded {count} rows in {time.perf_counter() - started:.1f} s")
        measure(app, f"PostgreSQL, {count} rows", repeat)
        with app.app_context():
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    random.seed(42)
    if args.db in ("sqlite", "both"):
        run_sqlite(args.rows, args.repeat)
    if args.db in ("postgresql", "both"):
        run_postgresql(args.rows, args.repeat)


if __name__ == "__main__":
    main()
