"""The outbox: mail is queued with its change, delivered by SMTP, and never lost or doubled."""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from sqlalchemy import update

from tests.fixtures.mail import SmtpServer, body_text
from tests.fixtures.services import free_port
from tests.mail.helpers import queue, rows
from website.extensions import db, utcnow
from website.mail.models import OutboxEmail
from website.mail.service import backoff, claim, queue_email, send_pending


def test_delivers_text_and_html_with_absolute_links(app, smtp, runner):
    app.config["SITE_URL"] = "https://privacy.example.com"
    queue(app)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "sent 1, failed 0, still queued 0" in result.output
    [message] = smtp.to("ada@example.com")
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert message["Date"] and message["Message-ID"]
    types = [part.get_content_type() for part in message.walk()]
    assert types == ["multipart/alternative", "text/plain", "text/html"]
    text = body_text(message)
    assert "http://localhost/password/reset/abc" in text
    assert "https://privacy.example.com/privacy" in text
    html = message.get_payload()[1].get_payload(decode=True).decode()
    assert 'href="https://privacy.example.com/privacy"' in html
    [row] = rows(app)
    assert row.sent_at is not None and row.attempts == 1


def test_smtp_down_keeps_mail_queued_then_delivers_exactly_once(app, smtp, runner):
    smtp.stop()
    queue(app)
    before = utcnow()
    result = runner.invoke(args=["outbox", "send"])
    assert "sent 0, failed 1, still queued 1" in result.output
    [row] = rows(app)
    assert row.sent_at is None and row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at >= before + timedelta(seconds=14)
    assert row.claimed_until is None

    smtp.start()
    # Not due yet: the backoff holds it back even though the server is up again.
    assert "sent 0, failed 0, still queued 1" in runner.invoke(args=["outbox", "send"]).output
    with app.app_context():
        db.session.execute(update(OutboxEmail).values(next_attempt_at=utcnow()))
        db.session.commit()
    assert "sent 1, failed 0, still queued 0" in runner.invoke(args=["outbox", "send"]).output
    assert "sent 0, failed 0" in runner.invoke(args=["outbox", "send"]).output
    assert len(smtp.messages) == 1
    [row] = rows(app)
    assert row.sent_at is not None and row.attempts == 2 and row.last_error == ""


def test_backoff_grows_and_is_capped():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(seconds=s) for s in (15, 30, 60, 120)]
    assert backoff(30) == timedelta(hours=6)


def test_without_mail_server_mail_is_printed_in_full_and_marked_sent(app, capsys):
    # `flask run` shows stderr but not INFO logs: a newcomer must see the whole email there.
    queue(app)
    with app.app_context():
        assert send_pending() == (1, 0)
    printed = capsys.readouterr().err
    assert "To: ada@example.com" in printed
    assert "http://localhost/password/reset/abc" in printed
    assert rows(app)[0].sent_at is not None


def test_without_mail_server_the_confirmation_link_reaches_the_terminal(app, client, capsys):
    response = client.post("/rights", data={
        "request_type": "access", "name": "Grace Hopper", "email": "grace@example.com",
        "details": ""})
    assert response.status_code == 303
    with app.app_context():
        assert send_pending() == (1, 0)
    printed = capsys.readouterr().err
    assert "Email not sent (no MAIL_SERVER set)" in printed
    assert "To: grace@example.com" in printed
    assert "http://localhost/rights/verify/" in printed


def test_a_claimed_email_is_not_taken_twice(app):
    queue(app)
    [row] = rows(app)
    with app.app_context():
        assert claim(row.id) is True
        assert claim(row.id) is False
        # A claim left by a crashed sender expires, and the email is delivered after all.
        db.session.execute(update(OutboxEmail).values(claimed_until=utcnow() - timedelta(1)))
        db.session.commit()
        assert claim(row.id) is True


def test_two_senders_at_once_deliver_each_email_once(app, smtp):
    queue(app, count=20)
    results = []

    def worker() -> None:
        with app.app_context():
            results.append(send_pending())
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(sent for sent, _ in results) == 20
    subjects = sorted(m["Subject"] for m in smtp.messages)
    assert subjects == sorted(f"Reset your password {n}" for n in range(20))


def test_mail_rolled_back_with_its_change_is_never_sent(app, smtp):
    with app.app_context():
        queue_email("ada@example.com", "Never", "password_reset",
                    user={"name": "Ada"}, reset_url="x", minutes=60)
        db.session.rollback()
        assert send_pending() == (0, 0)
    assert smtp.messages == []


class SlowSmtp(SmtpServer):
    """An SMTP server that takes its time to accept each message."""

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        server = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):
                await asyncio.sleep(2)
                from email import message_from_bytes

                server.messages.append(message_from_bytes(envelope.original_content))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()


@pytest.mark.waits
def test_delivery_after_request_never_makes_the_visitor_wait(app, users, live_server):
    users.create()
    slow = SlowSmtp(port=free_port())
    slow.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=slow.port,
                          JOBS_ENABLED=True)
        form = urllib.parse.urlencode({"email": "ada@example.com"}).encode()
        started = time.monotonic()
        url = f"{live_server}/password/forgot"
        with urllib.request.urlopen(url, data=form) as response:  # noqa: S310 - our own http URL
            assert response.status == 200
            assert "Check your email" in response.read().decode()
        elapsed = time.monotonic() - started
        assert elapsed < 1.5, f"the visitor waited {elapsed:.1f}s for the mail server"
        assert rows(app)[0].sent_at is None  # the server is still busy with it
        deadline = time.monotonic() + 15
        while rows(app)[0].sent_at is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [m["Subject"] for m in slow.messages] == ["Reset your password"]
        assert rows(app)[0].sent_at is not None
    finally:
        slow.stop()


def test_every_try_of_one_email_carries_the_same_message_id(app, smtp, runner):
    # A copy sent again (its first send's record was lost) must be recognisable as the same
    # email: the Message-ID comes from the row, not from the time and randomness of the try.
    queue(app, count=2)
    assert "sent 2" in runner.invoke(args=["outbox", "send"]).output
    with app.app_context():
        db.session.execute(update(OutboxEmail).values(sent_at=None, next_attempt_at=utcnow()))
        db.session.commit()
    time.sleep(0.01)
    assert "sent 2" in runner.invoke(args=["outbox", "send"]).output
    first, second, first_again, second_again = (m["Message-ID"] for m in smtp.messages)
    assert first == first_again and second == second_again and first != second
    assert first_again.startswith("<outbox-") and first.endswith("@localhost>")


def test_a_sender_whose_claim_lapsed_during_a_pause_leaves_the_email_alone(app, smtp, monkeypatch):
    # Found by the fault suite: a sender held up (a database outage) past its claim went on to
    # send an email of its batch that another sender had meanwhile claimed and sent.
    from website.mail import service as mail_service
    from website.mail.service import Mailer, deliver_one

    monkeypatch.setattr(mail_service, "CLAIM_SECONDS", 0.3)
    queue(app)
    [row] = rows(app)
    with app.app_context():
        assert claim(row.id) is True
        held_up = db.session.get(OutboxEmail, row.id)
        time.sleep(0.5)  # the claim lapses
        done = threading.Event()

        def other_sender() -> None:
            with app.app_context():
                assert claim(row.id) is True
                with Mailer() as mailer:
                    assert deliver_one(mailer, db.session.get(OutboxEmail, row.id)) is True
                done.set()

        threading.Thread(target=other_sender).start()
        assert done.wait(10)
        with Mailer() as mailer:
            assert deliver_one(mailer, held_up) is False
    assert len(smtp.messages) == 1
    assert rows(app)[0].sent_at is not None
