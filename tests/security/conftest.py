"""Fixtures for the security tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.fixtures.app import make_app
from tests.fixtures.database import empty_all_tables
from tests.security.world import World, build_world
from website.extensions import db


@pytest.fixture
def world(app: Flask) -> World:
    """The accounts of "user", "other" and "admin", and what "user" owns (one test)."""
    return build_world(app)


@pytest.fixture(scope="module")
def module_world(migrated: str) -> Iterator[World]:
    """The same world shared by a whole module, on its own app: for the route matrix, whose
    rows make fresh tokens and requests where they change something, so order does not matter.
    A module using it must not also use the per-test `app` fixture (that empties the tables)."""
    from website.policy.service import ensure_first_version

    app = make_app(migrated)
    with app.app_context():
        empty_all_tables()
        ensure_first_version()
    yield build_world(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
