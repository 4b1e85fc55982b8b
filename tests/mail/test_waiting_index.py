"""The senders find the oldest waiting emails through an index of the waiting ones (migration
outbox_1): 100,000 queued people once made every claim sort them all (over a second each)."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, inspect, text, update

from tests.fixtures import ROOT
from tests.fixtures.app import make_app
from website.extensions import db, utcnow
from website.jobs.claims import claim_rows
from website.mail.models import OutboxEmail
from website.mail.service import CLAIM_BATCH, CLAIM_SECONDS, _due

pytestmark = pytest.mark.dialect


def index_names() -> set[str]:
    return {index["name"] for index in inspect(db.engine).get_indexes("outbox_emails")}


def test_the_waiting_index_migrates_up_and_down(own_database: str) -> None:
    app = make_app(own_database)
    migrations = str(ROOT / "migrations")
    with app.app_context():
        upgrade(directory=migrations, revision="outbox_1")
        assert "ix_outbox_emails_waiting" in index_names()
        downgrade(directory=migrations, revision="webhooks_1")
        assert index_names() >= {"ix_outbox_emails_pending"}
        assert "ix_outbox_emails_waiting" not in index_names()
        upgrade(directory=migrations, revision="outbox_1")
        assert "ix_outbox_emails_waiting" in index_names()
        db.engine.dispose()


def test_a_claim_reads_the_waiting_emails_in_order_without_sorting_them(app) -> None:
    """With thousands sent and thousands waiting, the claim's plan walks the waiting index."""
    now = utcnow()
    with app.app_context():
        rows = [{"to_address": f"p{n}@example.com", "subject": "s", "body_text": "b",
                 "body_html": "", "created_at": now, "next_attempt_at": now, "attempts": 0,
                 "last_error": "", "reference": "", "unsubscribe_url": ""} for n in range(6000)]
        db.session.execute(insert(OutboxEmail), rows)
        db.session.execute(update(OutboxEmail).where(OutboxEmail.id <= 3000)
                           .values(sent_at=now))
        db.session.commit()
        first_waiting = db.session.scalar(text(
            "SELECT min(id) FROM outbox_emails WHERE sent_at IS NULL"))
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE outbox_emails"))
            query = (f"EXPLAIN SELECT id FROM outbox_emails WHERE {_waiting_sql()} "
                     f"ORDER BY id LIMIT {CLAIM_BATCH} FOR UPDATE SKIP LOCKED")
        else:
            query = (f"EXPLAIN QUERY PLAN SELECT id FROM outbox_emails WHERE {_waiting_sql()} "
                     f"ORDER BY id LIMIT {CLAIM_BATCH}")
        plan = "\n".join(str(row) for row in db.session.execute(text(query)))
        db.session.rollback()
        assert "ix_outbox_emails_waiting" in plan, plan
        assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan
        taken = claim_rows(OutboxEmail, _due(utcnow()), OutboxEmail.claimed_until,
                           CLAIM_SECONDS, CLAIM_BATCH)
        assert taken == list(range(first_waiting, first_waiting + CLAIM_BATCH))


def _waiting_sql() -> str:
    return ("sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= CURRENT_TIMESTAMP "
            "AND (claimed_until IS NULL OR claimed_until < CURRENT_TIMESTAMP)")
