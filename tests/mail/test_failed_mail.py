"""Mail that cannot go is seen, and mail that went keeps no working link at rest."""

from __future__ import annotations

import re
from datetime import timedelta

from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from tests.fixtures.mail import body_text
from tests.fixtures.services import free_port
from tests.rights.test_personal_data import every_value_in_the_database
from website.extensions import db, utcnow
from website.mail.models import OutboxEmail
from website.support.models import SupportRequest

SUPPORT = {"name": "Grace Hopper", "email": "grace@example.com", "category": "general",
           "subject": "Hello", "message": "A question about the API."}


def outbox(app) -> list[OutboxEmail]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))
        db.session.expunge_all()
        return rows


def support_reference(app) -> str:
    with app.app_context():
        return db.session.scalar(select(SupportRequest.reference))


def test_a_subject_with_a_line_separator_is_refused_on_the_form(app, client):
    response = client.post("/support", data={**SUPPORT, "subject": "Hello\u2028there"})
    assert response.status_code == 400
    assert "Please keep this to one line." in response.get_data(as_text=True)
    assert support_reference(app) is None


def test_a_reply_to_a_stored_subject_with_u2028_is_delivered(app, client, auth, smtp, runner):
    assert client.post("/support", data=SUPPORT).status_code == 303
    reference = support_reference(app)
    with app.app_context():  # a request taken before the form refused the character
        db.session.execute(update(SupportRequest).values(subject="Hello\u2028there\u2029now"))
        db.session.commit()
    auth.login(admin=True)
    response = client.post(f"/admin/support/{reference}/reply", data={"body": "Answered."})
    assert response.status_code == 303
    assert "still queued 0" in runner.invoke(args=["outbox", "send"]).output
    [reply] = [m for m in smtp.to("grace@example.com") if m["Subject"].startswith("Re:")]
    assert reply["Subject"] == f"Re: Hello there now [{reference}]"
    assert "Answered." in body_text(reply)


class Refusing:
    """An SMTP server that refuses every recipient for good (550)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, options):
        return "550 5.1.1 No such user here"


def test_a_permanent_smtp_error_marks_the_email_failed_and_shows_it(app, client, auth, runner):
    server = Refusing()
    server.controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        assert client.post("/support", data=SUPPORT).status_code == 303
        reference = support_reference(app)
        first = runner.invoke(args=["outbox", "send"]).output
        assert "sent 0, failed 1, still queued 0" in first
        assert "sent 0, failed 0, still queued 0" in runner.invoke(args=["outbox", "send"]).output
    finally:
        server.controller.stop()
    [row] = outbox(app)
    assert row.failed_at is not None and row.attempts == 1 and "550" in row.last_error
    auth.login(admin=True)
    page = client.get(f"/admin/support/{reference}").get_data(as_text=True)
    assert "Email not delivered" in page and "No such user here" in page


def test_temporary_failures_give_up_after_mail_max_attempts(app, client, auth, smtp, runner):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    smtp.stop()
    client.post("/rights", data={"request_type": "access", "name": "Grace Hopper",
                                 "email": "grace@example.com", "details": ""})
    for _ in range(5):
        runner.invoke(args=["outbox", "send"])
        with app.app_context():
            db.session.execute(update(OutboxEmail).values(next_attempt_at=utcnow()))
            db.session.commit()
    [row] = outbox(app)
    assert row.attempts == 3 and row.failed_at is not None
    reference = re.search(r"\[(RR-\w+)\]", row.subject).group(1)
    auth.login(admin=True)
    page = client.get(f"/admin/rights/{reference}").get_data(as_text=True)
    assert "Email not delivered" in page and "after 3 attempts." in page


def test_a_delivered_email_keeps_no_working_link_at_rest(app, client, users, smtp, runner):
    users.create(email="ada@example.com")
    assert client.post("/password/forgot", data={"email": "ada@example.com"}).status_code == 200
    runner.invoke(args=["outbox", "send"])
    [message] = smtp.to("ada@example.com")
    token = re.search(r"/password/reset/([\w-]+)", body_text(message)).group(1)
    assert client.get(f"/password/reset/{token}").status_code == 200  # the link works
    [row] = outbox(app)
    assert row.sent_at is not None and row.subject == message["Subject"]
    assert row.body_text == "" and row.body_html == ""
    assert [v for _, _, v in every_value_in_the_database(app) if token in v] == []


def test_failed_mail_is_purged_like_delivered_mail(app, runner):
    with app.app_context():
        for days in (91, 89):
            db.session.add(OutboxEmail(to_address="a@example.com", subject=f"failed {days}",
                                       body_text="", failed_at=utcnow() - timedelta(days=days)))
        db.session.commit()
    assert "sent_email: deleted 1" in runner.invoke(args=["retention", "purge"]).output
    assert [row.subject for row in outbox(app)] == ["failed 89"]
