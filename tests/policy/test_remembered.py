"""What a worker remembers of what is published is read once per published state: a returning
visitor's page view reads nothing from the database (docs/load.md: `/privacy` with a cookie
runs no query but a consenting visitor's page-view INSERT)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from website.extensions import db

# A visitor with a cookie gets pages Flask renders (never the page memory's), and none of
# these records a page view (no analytics consent): only what they show is read.
PAGES = ["/privacy", "/privacy/versions/1", "/de/privacy", "/"]


@pytest.fixture
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app sends while the test runs."""
    sent: list[str] = []
    with app.app_context():
        engine = db.engine

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    yield sent
    event.remove(engine, "before_cursor_execute", note)


@pytest.mark.parametrize("path", PAGES)
def test_a_returning_visitors_second_page_view_reads_nothing(
    client: FlaskClient, statements: list[str], path: str
) -> None:
    client.set_cookie("returning", "1")
    first = client.get(path)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "private, no-cache"
    assert statements  # the published state and the versions shown, read once
    statements.clear()
    second = client.get(path)
    assert second.status_code == 200 and second.get_data() == first.get_data()
    assert statements == []
