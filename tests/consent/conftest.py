"""Helpers for the consent tests: rows counted in the database, cookies read and forged."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.fixtures.app import make_app
from tests.fixtures.database import empty_all_tables
from website.consent import registry
from website.consent.models import ConsentRecord, PageView
from website.consent.service import StoredChoice, encode_choice
from website.extensions import db, utcnow
from website.policy.service import ensure_first_version

PAGES = ("/", "/privacy", "/privacy/versions", "/cookies")


def set_cookie_names(response) -> set[str]:
    """Names of the cookies a response sets (or deletes)."""
    return {header.split("=", 1)[0] for header in response.headers.getlist("Set-Cookie")}


def set_cookie_header(response, name: str) -> str | None:
    """The whole Set-Cookie header for one cookie, if the response sets it."""
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    return None


def has_banner(response) -> bool:
    """True when the page shows the consent banner."""
    return 'id="consent-banner"' in response.get_data(as_text=True)


class Db:
    """Counts and reads rows the way a test needs them."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def consent_records(self) -> list[ConsentRecord]:
        """Every consent record, oldest first (detached copies)."""
        with self.app.app_context():
            rows = list(db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.id)))
            db.session.expunge_all()
            return rows

    def page_views(self) -> list[PageView]:
        """Every stored page view, oldest first."""
        with self.app.app_context():
            rows = list(db.session.scalars(select(PageView).order_by(PageView.id)))
            db.session.expunge_all()
            return rows

    def count(self, model: type) -> int:
        """Rows in a table."""
        with self.app.app_context():
            return db.session.scalar(select(func.count()).select_from(model))

    def forge_choice(
        self, granted: tuple[str, ...] = ("analytics",), age_days: float = 0,
        policy_version: int | None = 1, origin: str = "banner",
        consent_id: str = "a-stored-consent-id-123", registry_fingerprint: str | None = None,
    ) -> str:
        """A validly signed consent cookie value, as if the choice were made `age_days` ago.

        It answered the cookie registry as it is now, unless `registry_fingerprint` says otherwise.
        """
        with self.app.test_request_context():
            covered = registry_fingerprint
            if covered is None:
                covered = registry.fingerprint()
            choice = StoredChoice(
                consent_id, frozenset(granted), policy_version,
                utcnow().replace(microsecond=0) - timedelta(days=age_days), origin, covered,
            )
            return encode_choice(choice)


@pytest.fixture
def rows(app: Flask) -> Db:
    """Database rows for assertions, and signed consent cookies."""
    return Db(app)


@pytest.fixture
def fresh_app(migrated: str) -> Iterator[Callable[..., Flask]]:
    """Apps with overridden settings on the emptied test database."""
    made: list[Flask] = []

    def build(**overrides: object) -> Flask:
        app = make_app(migrated, **overrides)
        with app.app_context():
            empty_all_tables()
            ensure_first_version()
        made.append(app)
        return app

    yield build
    for app in made:
        with app.app_context():
            db.engine.dispose()
