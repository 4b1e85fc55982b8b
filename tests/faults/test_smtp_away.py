"""The SMTP server goes away while visitors submit: they are served as usual, their mail stays
queued, and it is delivered exactly once when the server is back.

tests/mail/test_outbox.py proves the outbox itself (`flask outbox send` with the server down,
then up, exactly once; backoff; claims). This adds the real path: form posts over HTTP with
delivery tried in a thread after each request, as production runs."""

from __future__ import annotations

import time

from sqlalchemy import select, update

from tests.faults.conftest import Browser, new_marker, reference_of, support_form, table_row
from tests.fixtures.mail import body_text
from website.extensions import db, utcnow
from website.jobs import runner_of
from website.mail.models import OutboxEmail
from website.mail.service import claim, due_ids, queue_email, send_pending


def outbox(app) -> list[OutboxEmail]:
    """Every queued or sent email, detached."""
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))
        db.session.expunge_all()
        return rows


def wait_until(condition, seconds: float = 60) -> bool:
    """Poll `condition` until it holds or the time is up."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_smtp_away_during_submissions_then_back_delivers_each_once(app, smtp, live_server, runner):
    app.config["JOBS_ENABLED"] = True
    smtp.stop()
    visitor = Browser(live_server)
    markers = [new_marker() for _ in range(3)]
    references = []
    for marker in markers:
        answer = visitor.open("/support", support_form(marker))
        assert answer.status == 303, "the visitor never sees the mail server's trouble"
        references.append(reference_of(answer))
        page = visitor.open(answer.location).body
        assert references[-1] in page

    # Each after-request delivery tried and failed; the mail waits for its retry.
    assert wait_until(lambda: all(row.attempts == 1 for row in outbox(app)))
    rows = outbox(app)
    assert len(rows) == 3
    assert all(row.sent_at is None and "ConnectionRefusedError" in row.last_error for row in rows)

    smtp.start()
    # A new request while the others are backing off: its own mail goes out at once.
    late = new_marker()
    assert visitor.open("/support", support_form(late)).status == 303
    assert wait_until(lambda: len(smtp.messages) == 1)
    assert smtp.to(f"{late}@example.com")

    # When the retry time comes, every held email is delivered, once (by the operator's command
    # here: the site's own runner is stopped, so the count below is the command's).
    runner_of(app).stop()
    with app.app_context():
        db.session.execute(update(OutboxEmail).values(next_attempt_at=utcnow()))
        db.session.commit()
    assert "sent 3, failed 0, still queued 0" in runner.invoke(args=["outbox", "send"]).output
    assert "sent 0, failed 0, still queued 0" in runner.invoke(args=["outbox", "send"]).output
    for marker, reference in zip(markers, references, strict=True):
        [message] = smtp.to(f"{marker}@example.com")
        assert reference in message["Subject"] and reference in body_text(message)
    assert len(smtp.messages) == 4
    assert all(row.sent_at is not None for row in outbox(app))
    table_row("SMTP relay away during submissions, then back", "4 ok, 0 503, 0 hung",
              "0 lost, 0 duplicated (4 stored)", "0 lost, 0 duplicated (4 delivered once)",
              "at the retry (15 s)")


def test_an_email_that_just_failed_is_not_claimed_again_before_its_backoff(app, smtp):
    # Found by the test above: two after-request senders picked the same due email; the first
    # failed it and released its claim, and the second tried it again at once.
    smtp.stop()
    with app.app_context():
        queue_email("ada@example.com", "Held", "password_reset",
                    user={"name": "Ada"}, reset_url="x", minutes=60)
        db.session.commit()
        [email_id] = due_ids(10)
        assert send_pending() == (0, 1)
        assert claim(email_id) is False, "a concurrent sender must wait for the backoff"
    [row] = outbox(app)
    assert row.attempts == 1 and row.claimed_until is None
