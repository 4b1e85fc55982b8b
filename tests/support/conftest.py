"""Fixtures for the support tests: requests made straight through the service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask

from website.extensions import db, utcnow
from website.support import service


@pytest.fixture
def make_request(app: Flask) -> Callable[..., str]:
    """Store a request through the service; returns its reference. `age` in minutes."""

    def make(
        email: str = "someone@example.com", category: str = "general", subject: str = "Hello",
        message: str = "A message.", name: str = "Some One", user_id: int | None = None,
        age: int = 0, status: str = "open",
    ) -> str:
        with app.app_context():
            requester = service.Requester(name=name, email=email)
            made = service.submit_request(requester, category, subject, message, user_id)
            made.created_at = utcnow() - timedelta(minutes=age)
            made.status = status
            db.session.commit()
            return made.reference

    return make
