"""Helpers for the rights tests: submit, deliver mail, pull links out of emails."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask

from tests.fixtures.mail import body_text
from website.extensions import db, utcnow
from website.mail.service import send_pending
from website.rights.models import RightsRequest

FORM = {
    "request_type": "access",
    "name": "Grace Hopper",
    "email": "grace@example.com",
    "details": "Everything please.",
}


def deliver(app: Flask) -> None:
    """Send what the outbox holds to the test SMTP server."""
    with app.app_context():
        send_pending()


def link_in(message, path: str) -> str:
    """The site-relative link starting with `path` in an email's text."""
    found = re.search(r"http://localhost(" + re.escape(path) + r"[^\s<\"]*)", body_text(message))
    assert found, body_text(message)
    return found.group(1)


def downloaded_export(app: Flask, smtp, reference: str, language: str = "") -> dict:
    """The requester's export as they get it: the outbox delivered, the status link in their
    latest email about the request opened, then the download on that page."""
    deliver(app)
    message = [m for m in smtp.to("grace@example.com") if reference in m["Subject"]][-1]
    status = f"{language}/rights/status/{reference}"
    owner = app.test_client()
    owner.get(link_in(message, status))
    page = owner.get(status).get_data(as_text=True)
    href = page.split(f'href="{status}/export/')[1].split('"')[0]
    return owner.get(f"{status}/export/{href}").get_json()


def stored(app: Flask, reference: str | None = None) -> RightsRequest:
    """The (newest) stored request, detached with its fields loaded."""
    from sqlalchemy import select

    with app.app_context():
        query = select(RightsRequest).order_by(RightsRequest.id.desc())
        if reference:
            query = query.where(RightsRequest.reference == reference)
        item = db.session.scalars(query).first()
        db.session.expunge(item) if item else None
        return item


class Rights:
    """Drives the public flow for a test."""

    def __init__(self, app: Flask, client, smtp) -> None:
        self.app, self.client, self.smtp = app, client, smtp

    def submit(self, **fields: str):
        """POST the form."""
        return self.client.post("/rights", data={**FORM, **fields})

    def submit_and_verify(self, **fields: str) -> str:
        """Submit, deliver the email, open its verify link; return the reference."""
        response = self.submit(**fields)
        assert response.status_code == 303, response.get_data(as_text=True)
        deliver(self.app)
        email = fields.get("email", FORM["email"])
        message = [m for m in self.smtp.to(email) if "confirm" in m["Subject"].lower()][-1]
        link = link_in(message, "/rights/verify/")
        page = self.client.get(link)  # one button; a GET confirms nothing
        assert page.status_code == 200 and stored(self.app).verified_at is None
        response = self.client.post(link)
        assert response.status_code == 303
        return stored(self.app).reference

    def age(self, reference: str, **fields: object) -> None:
        """Change stored fields (to move dates into the past)."""
        from sqlalchemy import update

        with self.app.app_context():
            db.session.execute(
                update(RightsRequest).where(RightsRequest.reference == reference).values(**fields)
            )
            db.session.commit()


@pytest.fixture
def rights(app: Flask, client, smtp) -> Rights:
    """The public rights flow against the real SMTP server."""
    return Rights(app, client, smtp)


def days_ago(days: int):
    """A naive UTC datetime some days ago."""
    return utcnow() - timedelta(days=days)
