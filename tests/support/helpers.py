"""Shared helpers for the support tests."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from website.extensions import db
from website.support.models import SupportRequest

VALID = {
    "name": "Grace Hopper",
    "organisation": "Navy Labs",
    "email": "grace@example.com",
    "phone": "+44 (20) 7946-0958",
    "category": "api_problem",
    "subject": "Timeouts on /v1/search",
    "message": "Since Monday every call to /v1/search times out.\nRequest id abc-123.",
}


def form(**changes: str) -> dict[str, str]:
    """The valid support form with some fields changed."""
    return {**VALID, **changes}


def all_requests(app: Flask) -> list[SupportRequest]:
    """Every stored support request, oldest first."""
    with app.app_context():
        rows = list(db.session.scalars(select(SupportRequest).order_by(SupportRequest.id)))
        db.session.expunge_all()
        return rows
