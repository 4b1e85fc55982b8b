"""Shared steps of the sub-processor tests: add a processor, deliver the outbox, read links."""

from __future__ import annotations

import re
from email.message import Message

from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures.mail import SmtpServer, body_text
from website.mail.service import send_pending

SYSTEM = {"data": "Support tickets: names, email addresses", "purpose": "Customer support",
          "legal_basis": "contract", "retention": "2 years", "kind": "manual",
          "instructions": "Ask their support.", "location": "Ireland (EU)"}


def add_processor(client: FlaskClient, processor: str, name: str | None = None) -> None:
    """An admin (logged in on `client`) adds a system run by `processor` to the register."""
    response = client.post("/admin/systems", data={**SYSTEM, "name": name or f"{processor} app",
                                                   "processor": processor})
    assert response.status_code == 303, response.get_data(as_text=True)


def deliver(app: Flask) -> None:
    """Hand the outbox to the test SMTP server."""
    with app.app_context():
        assert send_pending()[1] == 0


def mail_to(app: Flask, smtp: SmtpServer, address: str) -> list[Message]:
    """Deliver, then every email the SMTP server got for `address`."""
    deliver(app)
    return smtp.to(address)


def link(message: Message, part: str) -> str:
    """The path of the first link in the email's text that contains `part`."""
    found = re.search(r"https?://[^/\s]+(/\S*" + re.escape(part) + r"\S*)", body_text(message))
    assert found, body_text(message)
    return found.group(1)


def subscribe(app: Flask, client: FlaskClient, smtp: SmtpServer, address: str) -> None:
    """Subscribe and confirm by the emailed link, as a reader does."""
    response = client.post("/privacy/subprocessors/subscribe", data={"email": address})
    assert response.status_code == 303
    (confirm,) = mail_to(app, smtp, address)
    assert client.post(link(confirm, "/confirm/")).status_code == 200
    smtp.messages.clear()
