"""Subscriptions never confirmed are deleted by the daily purge; confirmed ones are kept; the
retention page and the record of processing list them (one register)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from website.extensions import db, utcnow
from website.retention import purge
from website.subprocessors.models import Subscriber

pytestmark = pytest.mark.dialect  # dates compared


def test_unconfirmed_subscriptions_are_purged_after_their_period(app) -> None:
    old = utcnow() - timedelta(days=31)
    with app.app_context():
        db.session.add_all([
            Subscriber(email="never@example.com", created_at=old),
            Subscriber(email="recent@example.com", created_at=utcnow() - timedelta(days=2)),
            Subscriber(email="kept@example.com", created_at=old, confirmed_at=old),
        ])
        db.session.commit()
        counts = purge()
        assert counts["unconfirmed_subscribers"] == 1
        left = set(db.session.scalars(select(Subscriber.email)))
    assert left == {"recent@example.com", "kept@example.com"}


def test_the_retention_page_lists_the_subscriptions(client) -> None:
    page = client.get("/privacy/retention").get_data(as_text=True)
    assert "Subscriptions to the sub-processor list never confirmed" in page
    assert "Deleted when you unsubscribe" in page
