"""What the outbox's tests share: emails queued from a real template, the rows read back, and
an SMTP server that answers with one reply."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import select

from tests.fixtures.services import free_port
from website.extensions import db
from website.mail.models import OutboxEmail
from website.mail.service import queue_email


def queue(app: Flask, count: int = 1, to: str = "ada@example.com", reference: str = "") -> None:
    """Queue `count` password-reset emails (a real template) and commit."""
    with app.app_context():
        for n in range(count):
            queue_email(to, f"Reset your password {n}", "password_reset", reference=reference,
                        user={"name": "Ada", "email": to},
                        reset_url="http://localhost/password/reset/abc", minutes=60)
        db.session.commit()


def rows(app: Flask) -> list[OutboxEmail]:
    """Every outbox row, oldest first, detached."""
    with app.app_context():
        found = list(db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))
        db.session.expunge_all()
        return found


class Answering:
    """An SMTP server that answers every recipient (or the message) with one reply."""

    def __init__(self, rcpt: str | None = None, data: str | None = None) -> None:
        self.rcpt, self.data = rcpt, data
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        """Take the recipient with this server's reply."""
        envelope.rcpt_tos.append(address)
        return self.rcpt or "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        """Take the message with this server's reply."""
        return self.data or "250 Message accepted for delivery"


@contextmanager
def answering(app: Flask, rcpt: str | None = None, data: str | None = None) -> Iterator[None]:
    """The app's relay, for the block, is a server that answers with this reply."""
    server = Answering(rcpt, data)
    server.controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.controller.port)
        yield
    finally:
        server.controller.stop()
