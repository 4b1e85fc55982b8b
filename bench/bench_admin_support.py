"""Benchmark: the admin support queue with 100,000 requests, on SQLite and PostgreSQL.

Seeds the rows into a fresh SQLite file and a fresh PostgreSQL database (built by the project's
migrations, so the queue's indexes are the real ones), logs a test client in as an admin, and
prints the median and 95th-percentile time of queue pages against the 200 ms target.

    .venv/bin/python bench/bench_admin_support.py                 # both databases
    .venv/bin/python bench/bench_admin_support.py --db sqlite --rows 20000 --iterations 20
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

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from website import create_app  # noqa: E402
from website.accounts.models import User  # noqa: E402
from website.config import TestConfig  # noqa: E402
from website.extensions import db, utcnow  # noqa: E402
from website.references import new_reference  # noqa: E402
from website.support.service import CATEGORIES, URGENT_CATEGORY  # noqa: E402

TARGET_MS = 200.0
POSTGRES_ADMIN_URL = os.environ.get(
    "POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PAGES = {
    "first page (open, urgent first)": "/admin/support",
    "filtered (all statuses, billing)": "/admin/support?status=all&category=billing",
    "filtered (open, compromised key)": "/admin/support?category=compromised_key",
    "deep page (all, page 1000)": "/admin/support?status=all&page=1000",
    "last page (all)": "/admin/support?status=all&page=99999",
    "one request": None,  # filled in with a real reference after seeding
    "search: reference": "/admin/support?q={reference}",
    "search: email (any case)": "/admin/support?q=CUSTOMER{middle}@Example.com",
}


def make_app(url: str) -> Flask:
    """The app on the benchmark database, limits and mail delivery off."""
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    config.TESTING = False
    return create_app(config)


def seed_rows(count: int) -> list[dict]:
    """Requests spread over two years: about 1% urgent, a fifth of them open."""
    rng = random.Random(42)  # reproducible test data, not security
    now, categories = utcnow(), [c for c in CATEGORIES if c != URGENT_CATEGORY]
    references: set[str] = set()
    while len(references) < count:
        references.add(new_reference("SR"))
    rows = []
    for number, reference in enumerate(references):
        urgent = rng.random() < 0.01
        created = now - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
        is_open = rng.random() < 0.2
        rows.append({
            "reference": reference, "user_id": None, "name": f"Customer {number}",
            "organisation": "Example Ltd", "email": f"customer{number}@example.com", "phone": "",
            "category": URGENT_CATEGORY if urgent else rng.choice(categories),
            "subject": f"Question number {number}", "message": "Hello.\n" * 40,
            "status": "open" if is_open else "closed", "created_at": created,
            "closed_at": None if is_open else created + timedelta(days=2),
        })
    return rows


def seed(app: Flask, count: int) -> tuple[str, str]:
    """Migrate, bulk insert the requests and an admin; returns (admin session token, a ref)."""
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        rows = seed_rows(count)
        started = time.perf_counter()
        bulk_insert(rows)
        # No password: the benchmark logs in by session token and nobody can log in as it.
        admin = User(email="bench-admin@example.com", password_hash="!", is_admin=True)  # noqa: S106
        db.session.add(admin)
        db.session.commit()
        print(f"  seeded {count:,} requests in {time.perf_counter() - started:.1f} s")
        analyse(app)
        return admin.session_token, rows[len(rows) // 2]["reference"]


def bulk_insert(rows: list[dict]) -> None:
    """COPY into PostgreSQL, executemany into SQLite: seconds, not minutes, for 100k rows."""
    columns = list(rows[0])
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        if db.engine.dialect.name == "postgresql":
            copy_sql = f"COPY support_requests ({', '.join(columns)}) FROM STDIN"
            with cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])
        else:
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(  # the column names are this script's own, never input
                f"INSERT INTO support_requests ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                [[row[c] for c in columns] for row in rows],
            )
        connection.commit()
    finally:
        connection.close()


def analyse(app: Flask) -> None:
    """Fresh planner statistics, as a production database would have."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE support_requests"))
    else:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def measure(app: Flask, token: str, path: str, iterations: int) -> list[float]:
    """Milliseconds for each GET of the page, after two warm-up requests."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    timings = []
    for run in range(iterations + 2):
        started = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        if run >= 2:
            timings.append(elapsed)
    return timings


def report(name: str, timings: list[float]) -> bool:
    """Print one line; True when the p95 is within the target."""
    median = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
    verdict = "ok" if p95 < TARGET_MS else "SLOW"
    print(f"  {name:36} median {median:7.1f} ms   p95 {p95:7.1f} ms   "
          f"(target {TARGET_MS:.0f} ms) {verdict}")
    return p95 < TARGET_MS


def run(label: str, url: str, rows: int, iterations: int) -> bool:
    """Seed one database and time every page."""
    print(f"{label}: {url.split('@')[-1]}")
    app = make_app(url)
    token, reference = seed(app, rows)
    ok = True
    for name, path in PAGES.items():
        path = (path or "/admin/support/{reference}").format(reference=reference,
                                                               middle=rows // 2)
        ok &= report(name, measure(app, token, path, iterations))
    with app.app_context():
        db.engine.dispose()
    return ok


def main() -> int:
    """Run the benchmark on the chosen databases; exit 1 when a page misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=50)
    args = parser.parse_args()
    ok = True
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            ok &= run("SQLite", f"sqlite:///{folder}/bench.db", args.rows, args.iterations)
    if args.db in ("postgresql", "both"):
        name = f"bench_{secrets.token_hex(4)}"
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
            ok &= run("PostgreSQL", url, args.rows, args.iterations)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    print("all pages within target" if ok else "some pages missed the target")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
