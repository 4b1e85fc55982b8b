"""The database goes away between an SMTP send and its record: each email still arrives once.

A real aiosmtpd server takes the third message and, before answering 250, has PostgreSQL refuse
connections and end the open ones for two seconds: the sender's record of that send cannot be
committed. Two senders (two workers) keep delivering through the outage. Whoever sends next must
not send that email again, and every copy of an email carries the same Message-ID."""

from __future__ import annotations

import threading
import time
from email import message_from_bytes
from email.message import Message

import pytest
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from tests.faults.conftest import table_row
from tests.fixtures.app import make_app
from tests.fixtures.database import POSTGRES_ADMIN_URL
from tests.fixtures.services import free_port
from tests.outage import cut_connections
from website.extensions import db
from website.mail import service as mail_service
from website.mail.models import OutboxEmail
from website.mail.service import queue_email, queued_count, send_pending

EMAILS = 12
OUTAGE_SECONDS = 2.0


class CuttingSmtp:
    """An SMTP server that cuts the database off right after it accepts message number `at`."""

    def __init__(self, cut) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Message] = []
        self.port = free_port()
        server = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):
                server.messages.append(message_from_bytes(envelope.original_content))
                if len(server.messages) == 3:
                    cut()
                return "250 Message accepted for delivery"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()


def sender(app, stop: threading.Event) -> None:
    """One worker's delivery loop: rounds until the outbox is empty (errors end a round only)."""
    with app.app_context():
        while not stop.is_set():
            try:
                send_pending(limit=4)
                if queued_count() == 0:
                    return
            except SQLAlchemyError:
                db.session.rollback()
            finally:
                db.session.remove()
            time.sleep(0.2)


@pytest.mark.postgres
def test_database_lost_between_send_and_record_delivers_each_email_once(
    site_database, monkeypatch
):
    name, admin = site_database
    # A short claim, so this test sees what the next sender does once a lost record's claim has
    # lapsed (the same happens after CLAIM_SECONDS in production).
    monkeypatch.setattr(mail_service, "CLAIM_SECONDS", 3)
    app = make_app(POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")

    def cut() -> None:
        cut_connections(admin, name, allow=False)
        threading.Timer(OUTAGE_SECONDS, cut_connections, (admin, name, True)).start()

    smtp = CuttingSmtp(cut)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    with app.app_context():
        for number in range(EMAILS):
            queue_email(f"person{number}@example.com", f"Hello {number}", "password_reset",
                        user={"name": "Ada"}, reset_url="x", minutes=60)
        db.session.commit()
    stop = threading.Event()
    senders = [threading.Thread(target=sender, args=(app, stop)) for _ in range(2)]
    try:
        for thread in senders:
            thread.start()
        for thread in senders:
            thread.join(25)
        # Past the claim of the send whose record was lost: a later sender (the CLI) finds
        # nothing left to send.
        time.sleep(mail_service.CLAIM_SECONDS + 1)
        with app.app_context():
            send_pending()
            rows = list(db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))
            db.session.expunge_all()
    finally:
        stop.set()
        smtp.controller.stop()
        with app.app_context():
            db.engine.dispose()

    recipients = [message["To"] for message in smtp.messages]
    for number in range(EMAILS):
        assert recipients.count(f"person{number}@example.com") == 1, recipients
    assert len(smtp.messages) == EMAILS
    assert all(row.sent_at is not None for row in rows), "every delivered email is recorded"
    assert len({message["Message-ID"] for message in smtp.messages}) == EMAILS
    table_row(f"PostgreSQL cut for {OUTAGE_SECONDS:g} s between an SMTP send and its record",
              "(no requests)", "-", f"0 lost, 0 duplicated ({EMAILS} delivered once)",
              "sends resume when it is back")
