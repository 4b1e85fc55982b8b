"""How long publishing a material change takes with many registered users.

Usage: .venv/bin/python bench/bench_publish.py [USERS] [sqlite|postgresql]
(defaults: 100000 users, a fresh SQLite file; postgresql makes and drops its own database).
It prints the time of the publish request (render, store, queue the first batch of emails),
then the time of the remaining batches, and the outbox counts. The users are English, German
and French in turn.
"""

from __future__ import annotations

import secrets
import sys
import time
from datetime import date
from pathlib import Path

import bcrypt
from flask_migrate import upgrade
from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._server import fresh_database  # noqa: E402
from website import create_app  # noqa: E402
from website.accounts.models import User  # noqa: E402
from website.config import TestConfig  # noqa: E402
from website.extensions import db, utcnow  # noqa: E402
from website.mail.models import OutboxEmail  # noqa: E402
from website.policy.announce import continue_announcements  # noqa: E402
from website.policy.service import ensure_first_version, publish_version  # noqa: E402

# Users read the announcement in their language: one email body (and INSERT) per language.
LOCALES = ("en", "de", "fr")


def main() -> None:
    """Seed the users, publish one material version, print the figures."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    kind = sys.argv[2] if len(sys.argv) > 2 else "sqlite"
    url, cleanup = fresh_database(kind)
    try:
        measure(url, count)
    finally:
        cleanup()


def measure(url: str, count: int) -> None:
    """Seed `count` users into the database at `url`, publish, queue, print."""
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    app = create_app(config)
    hashed = bcrypt.hashpw(b"bench", bcrypt.gensalt(4)).decode()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        ensure_first_version()
        confirmed = utcnow()  # announcements go to proved addresses only
        for start in range(0, count, 10_000):
            rows = [
                {"email": f"bench{n}-{secrets.token_hex(3)}@example.com", "password_hash": hashed,
                 "session_token": secrets.token_urlsafe(24), "locale": LOCALES[n % len(LOCALES)],
                 "email_confirmed_at": confirmed}
                for n in range(start, min(start + 10_000, count))
            ]
            db.session.execute(insert(User), rows)
        db.session.commit()
        users = db.session.scalar(select(func.count()).select_from(User))
    with app.test_request_context("/admin/policy/drafts/1", method="POST"):
        started = time.perf_counter()
        publish_version("## Changed\n\nA material change.\n", date.today(), "Bench", True)
        elapsed = time.perf_counter() - started
        queued = db.session.scalar(select(func.count()).select_from(OutboxEmail))
        started = time.perf_counter()
        continue_announcements()
        rest = time.perf_counter() - started
        total = db.session.scalar(select(func.count()).select_from(OutboxEmail))
    print(f"database: {url.split(':', 1)[0]}")
    print(f"registered users: {users}")
    print(f"publish request (render, store, queue the first batch): {elapsed:.2f} s")
    print(f"outbox emails queued by the request: {queued}")
    print(f"remaining batches (after the response, or `flask outbox send`): {rest:.2f} s")
    print(f"outbox emails queued in all: {total}")


if __name__ == "__main__":
    main()
