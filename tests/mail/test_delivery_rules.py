"""The outbox's rules as a sender and an admin see them: how many emails a round sends, how
long a failed one waits, which SMTP answers end its tries, what the terminal shows in
development, which failed emails a request's page lists."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tests.fixtures.services import free_port
from tests.mail.helpers import answering, queue, rows
from website.extensions import db, utcnow
from website.mail.models import OutboxEmail
from website.mail.service import deliver_due_mail, queued_count, send_pending


def test_a_round_sends_at_most_its_limit_across_batches(app, capsys):
    """15 due, a limit of 12: one batch of 10 (CLAIM_BATCH), then 2; 3 stay for the next."""
    queue(app, count=15)
    with app.app_context():
        assert send_pending(limit=12) == (12, 0)
        assert queued_count() == 3


def test_failures_count_towards_the_limit_and_each_is_counted(app, smtp):
    smtp.stop()
    queue(app, count=15)
    with app.app_context():
        assert send_pending(limit=12) == (0, 12)
    assert sorted(row.attempts for row in rows(app)) == [0] * 3 + [1] * 12


def test_a_full_round_of_failures_asks_for_another_round(app, smtp):
    """The job runner goes again at once after a full round (MAIL_ROUND, 50), sent or failed;
    after a shorter one it waits for its timer."""
    smtp.stop()
    queue(app, count=50)
    with app.app_context():
        assert deliver_due_mail() is True
    queue(app, count=49)
    with app.app_context():
        assert deliver_due_mail() is False


def test_each_retry_waits_twice_as_long_from_the_setting(app, smtp):
    app.config["MAIL_RETRY_SECONDS"] = 40
    smtp.stop()
    queue(app)
    waits = []
    for _ in range(2):
        with app.app_context():
            db.session.execute(OutboxEmail.__table__.update().values(next_attempt_at=utcnow()))
            db.session.commit()
            before = utcnow()
            assert send_pending() == (0, 1)
        [row] = rows(app)
        waits.append(row.next_attempt_at - before)
    assert timedelta(seconds=39) < waits[0] <= timedelta(seconds=41)
    assert timedelta(seconds=79) < waits[1] <= timedelta(seconds=81)


@pytest.mark.parametrize("answer", [{"rcpt": "500 5.5.0 Refused"}, {"data": "500 5.5.0 No"},
                                    {"rcpt": "501 5.1.3 Bad address"}])
def test_a_5xx_answer_from_500_on_ends_the_tries_and_is_logged(app, caplog, answer):
    with answering(app, **answer):
        queue(app)
        with caplog.at_level(logging.WARNING, logger="website.mail.service"), app.app_context():
            assert send_pending() == (0, 1)
    [row] = rows(app)
    assert row.failed_at is not None and row.attempts == 1
    assert row.body_text == "" and row.body_html == ""
    kind = "SMTPRecipientsRefused" if "rcpt" in answer else "SMTPDataError"
    assert f"mail {row.id} failed for good: {kind}" in caplog.messages


@pytest.mark.parametrize("answer", [{"rcpt": "451 4.3.0 Try later"}, {"data": "499 4.0.0 Later"}])
def test_a_4xx_answer_keeps_the_email_queued_and_is_logged(app, caplog, answer):
    with answering(app, **answer):
        queue(app)
        with caplog.at_level(logging.WARNING, logger="website.mail.service"), app.app_context():
            assert send_pending() == (0, 1)
    [row] = rows(app)
    assert row.failed_at is None and row.attempts == 1 and row.body_text
    kind = "SMTPRecipientsRefused" if "rcpt" in answer else "SMTPDataError"
    assert f"mail {row.id} stays queued for a retry: {kind}" in caplog.messages


def test_the_terminal_shows_the_whole_email_between_two_rules(app, capsys):
    queue(app)
    with app.app_context():
        assert send_pending() == (1, 0)
    printed = capsys.readouterr().err
    rule = "-" * 72
    head = (f"{rule}\nEmail not sent (no MAIL_SERVER set); this is what it says:\n"
            f"From: {app.config['MAIL_DEFAULT_SENDER']}\nTo: ada@example.com\n"
            f"Subject: Reset your password 0\nDate: ")
    assert printed.startswith(head)
    # The body, without its trailing blank lines, then the closing rule.
    assert printed.endswith(f"\n{rule}\n") and not printed[:-len(rule) - 2].endswith("\n")
    assert "http://localhost/password/reset/abc" in printed and printed.count(rule) == 2


def test_the_html_part_is_titled_with_the_subject(app, smtp):
    queue(app)
    with app.app_context():
        assert send_pending() == (1, 0)
    [message] = smtp.to("ada@example.com")
    html = message.get_payload()[1].get_payload(decode=True).decode()
    assert "<title>Reset your password 0</title>" in html


def test_a_request_is_shown_only_its_own_emails_that_failed(app):
    """What the admin's request page lists as not delivered: two requests' emails failed for
    good, a third's delivered; each reference finds its own failed emails, oldest first."""
    from website.mail.service import failed_emails

    queue(app, reference="SR-AAAA", to="a@example.com")
    queue(app, count=2, reference="SR-BBBB", to="b@example.com")
    queue(app, reference="SR-CCCC", to="c@example.com")
    with app.app_context():
        db.session.execute(OutboxEmail.__table__.update()
                           .where(OutboxEmail.reference != "SR-CCCC")
                           .values(failed_at=utcnow()))
        db.session.execute(OutboxEmail.__table__.update()
                           .where(OutboxEmail.reference == "SR-CCCC").values(sent_at=utcnow()))
        db.session.commit()
        assert [e.to_address for e in failed_emails("SR-AAAA")] == ["a@example.com"]
        ids = [e.id for e in failed_emails("SR-BBBB")]
        assert len(ids) == 2 and ids == sorted(ids)
        assert failed_emails("SR-CCCC") == [] and failed_emails("") == []


def away_for(calls: int, record):
    """record_sent failing `calls` times (the database away), then the real one."""
    from sqlalchemy.exc import OperationalError

    failures = []

    def flaky(email_id: int) -> None:
        if len(failures) < calls:
            failures.append(email_id)
            raise OperationalError("UPDATE", {}, Exception("database away"))
        record(email_id)

    return flaky


def test_a_send_is_recorded_as_soon_as_a_short_outage_ends(app, smtp, monkeypatch):
    """The database away for two tries of the record (0.1 s, then 0.2 s apart): the send is
    recorded in the same round, well within a second, and the email goes once."""
    import time

    from website.mail import service

    queue(app)
    monkeypatch.setattr(service, "record_sent", away_for(2, service.record_sent))
    started = time.monotonic()
    with app.app_context():
        assert send_pending() == (1, 0)
    assert time.monotonic() - started < 1.0
    [row] = rows(app)
    assert row.sent_at is not None and len(smtp.messages) == 1


def test_a_send_the_database_missed_is_recorded_at_the_next_round(app, smtp, monkeypatch):
    """Away for longer than RECORD_RETRY_SECONDS: the round fails, the send is remembered in
    the process and recorded first thing in the next round; the email never goes again."""
    from sqlalchemy.exc import OperationalError

    from website.mail import service

    queue(app)
    real = service.record_sent
    monkeypatch.setattr(service, "RECORD_RETRY_SECONDS", 0.3)
    monkeypatch.setattr(service, "record_sent", away_for(100, real))
    with app.app_context(), pytest.raises(OperationalError):
        send_pending()
    monkeypatch.setattr(service, "record_sent", real)
    with app.app_context():
        assert send_pending() == (0, 0)
    [row] = rows(app)
    assert row.sent_at is not None and len(smtp.messages) == 1


def test_a_claim_takes_the_one_email_asked_for_and_never_a_sent_one(app):
    """What the erasure notice's immediate send relies on (website/rights/workflow.py): the
    claim holds that email only, and never one that has gone or failed for good."""
    from website.mail.service import claim

    queue(app, count=2)
    queue(app, count=2, to="bob@example.com")
    first, second, gone, failed = (row.id for row in rows(app))
    with app.app_context():
        db.session.execute(OutboxEmail.__table__.update().where(OutboxEmail.id == gone)
                           .values(sent_at=utcnow()))
        db.session.execute(OutboxEmail.__table__.update().where(OutboxEmail.id == failed)
                           .values(failed_at=utcnow()))
        db.session.commit()
        assert claim(first) is True
        assert claim(gone) is False and claim(failed) is False
        assert claim(second) is True  # still free: the first claim took only its own email


def test_the_message_id_names_the_senders_domain_else_the_sites(app, smtp):
    app.config.update(SITE_URL="https://site.example",
                      MAIL_DEFAULT_SENDER="Privacy team <privacy@mail.example.org>")
    queue(app)
    with app.app_context():
        assert send_pending() == (1, 0)
    app.config["MAIL_DEFAULT_SENDER"] = "Privacy team <>"  # no address to take a domain from
    queue(app)
    with app.app_context():
        assert send_pending() == (1, 0)
    first, second = (message["Message-ID"] for message in smtp.messages)
    assert first.startswith("<outbox-") and first.endswith("@mail.example.org>")
    assert second.endswith("@site.example>")


def test_a_relay_that_never_answers_fails_the_try_after_mail_timeout(app, smtp):
    """A relay that takes the connection and says nothing: the try ends after MAIL_TIMEOUT
    and the email stays queued, instead of holding the sender for ever (the relay here hangs
    up after 4 s, so that a sender without a timeout fails the test instead of hanging it)."""
    import socket
    import threading
    import time

    def silent_for_4_seconds(listener: socket.socket) -> None:
        connection, _ = listener.accept()
        time.sleep(4)
        connection.close()

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        threading.Thread(target=silent_for_4_seconds, args=(silent,), daemon=True).start()
        app.config.update(MAIL_PORT=silent.getsockname()[1], MAIL_TIMEOUT=1)
        queue(app)
        started = time.monotonic()
        with app.app_context():
            assert send_pending() == (0, 1)
        assert time.monotonic() - started < 3
    [row] = rows(app)
    assert row.sent_at is None and row.failed_at is None and "timed out" in row.last_error


def test_the_relay_login_uses_the_configured_name_and_password(app):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password)
                      if isinstance(auth_data, LoginPassword) else None)
        return AuthResult(success=auth_data == LoginPassword(b"mailer", b"s3cret"))

    class Accepting:
        async def handle_DATA(self, server, session, envelope):
            return "250 OK"

    controller = Controller(Accepting(), hostname="127.0.0.1", port=free_port(),
                            authenticator=authenticator, auth_require_tls=False)
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port,
                          MAIL_USERNAME="mailer", MAIL_PASSWORD="s3cret")
        queue(app)
        with app.app_context():
            assert send_pending() == (1, 0)
    finally:
        controller.stop()
    assert logins == [(b"mailer", b"s3cret")]


def test_the_headers_a_mail_client_reads(app, smtp):
    """Auto-Submitted (no vacation replies), a UTC Date, one-click unsubscription (RFC 8058)
    with its long URL kept whole, and a subject whose control characters became spaces."""
    url = "https://privacy.example.com/subprocessors/unsubscribe/" + "t" * 90
    queue(app)
    with app.app_context():
        email = db.session.scalars(select(OutboxEmail)).one()
        email.unsubscribe_url = url
        email.subject = "Hello\tthere\x1bnow"
        db.session.commit()
        assert send_pending() == (1, 0)
    [message] = smtp.messages
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Date"].endswith("+0000")
    assert message["List-Unsubscribe"] == f"<{url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Subject"] == "Hello there now"


def test_a_relay_error_longer_than_the_column_is_kept_cut_to_it(app, caplog):
    """A relay may explain itself at length: the email keeps the first 500 characters (the
    column's size, which PostgreSQL enforces) and the try is recorded, not lost in an error."""
    with answering(app, data="451 4.3.0 " + "Over quota; " * 60):
        queue(app)
        with app.app_context():
            assert send_pending() == (0, 1)
    [row] = rows(app)
    assert row.attempts == 1 and row.failed_at is None
    assert len(row.last_error) == 500 and row.last_error.startswith("SMTPDataError: (451")
