"""The first start imports content/policy.md as version 1, and catches only what it expects."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from tests.fixtures.app import make_app
from tests.fixtures.services import free_port
from website.extensions import db
from website.policy.models import PolicyTranslation, PolicyVersion
from website.policy.service import ensure_first_version


def test_an_empty_database_gets_version_1(app):
    with app.app_context():
        db.session.execute(PolicyTranslation.__table__.delete())
        db.session.execute(PolicyVersion.__table__.delete())
        db.session.commit()
        assert ensure_first_version().number == 1
        assert db.session.scalar(select(func.count()).select_from(PolicyVersion)) == 1


def test_a_database_not_migrated_yet_says_so_and_starts(tmp_path, caplog):
    app = make_app(f"sqlite:///{tmp_path / 'empty.db'}")
    with caplog.at_level(logging.WARNING), app.app_context():
        assert ensure_first_version() is None
    assert "flask db upgrade" in caplog.text


def test_a_database_that_does_not_answer_is_logged_and_the_site_starts(caplog):
    app = make_app(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none")
    with caplog.at_level(logging.WARNING), app.app_context():
        assert ensure_first_version() is None
    assert "did not answer at start" in caplog.text
    assert app.test_client().get("/healthz").status_code == 503


def test_anything_unexpected_stops_the_start_with_its_message(app, tmp_path):
    with app.app_context():
        db.session.execute(PolicyTranslation.__table__.delete())
        db.session.execute(PolicyVersion.__table__.delete())
        db.session.commit()
    app.config["POLICY_SOURCE"] = str(tmp_path / "missing.md")
    with app.app_context(), pytest.raises(FileNotFoundError, match="missing.md"):
        ensure_first_version()


def test_a_site_whose_first_version_is_not_imported_yet_still_answers(app):
    """The database did not answer at the first start, so no version was imported: when it is
    back, the pages that need no policy answer (an empty published state is a state)."""
    with app.app_context():
        db.session.execute(PolicyTranslation.__table__.delete())
        db.session.execute(PolicyVersion.__table__.delete())
        db.session.commit()
    client = app.test_client()
    for path in ("/robots.txt", "/.well-known/security.txt"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Last-Modified"], path
