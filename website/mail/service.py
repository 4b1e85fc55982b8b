"""The outbox: queue email with the change that causes it; deliver it by SMTP afterwards."""

from __future__ import annotations

import logging
import smtplib
import threading
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from flask import Flask, current_app, g, render_template
from sqlalchemy import func, or_, select, update

from website.extensions import db, utcnow
from website.mail.models import OutboxEmail

log = logging.getLogger(__name__)

CLAIM_SECONDS = 120
MAX_BACKOFF = timedelta(hours=6)


def queue_email(to: str, subject: str, template: str, **context: Any) -> OutboxEmail:
    """Render `templates/mail/<template>.txt/.html` into the outbox; the caller commits."""
    context.setdefault("site_url", current_app.config["SITE_URL"])
    context.setdefault("subject", subject)
    email = OutboxEmail(
        to_address=to,
        subject=subject,
        body_text=render_template(f"mail/{template}.txt", **context),
        body_html=render_template(f"mail/{template}.html", **context),
    )
    db.session.add(email)
    g.mail_queued = True
    return email


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 1, 2, 4 ... minutes, at most six hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def build_message(email: OutboxEmail, sender: str) -> EmailMessage:
    """A multipart plain-text and HTML message."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"outbox-{email.id}")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(email.body_text)
    if email.body_html:
        message.add_alternative(email.body_html, subtype="html")
    return message


def deliver(email: OutboxEmail) -> None:
    """Hand one email to the SMTP server, or to the log when no server is configured."""
    config = current_app.config
    message = build_message(email, config["MAIL_DEFAULT_SENDER"])
    if not config["MAIL_SERVER"]:
        log.info("mail (no MAIL_SERVER set):\n%s", message.as_string())
        return
    server, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    smtp = smtplib.SMTP(server, port, timeout=timeout)
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)
    finally:
        # Once the server has accepted the message, a failed goodbye must not cause a resend.
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def claim(email_id: int) -> bool:
    """Take one email for this sender; False when another sender holds it or it is sent."""
    now = utcnow()
    result = db.session.execute(
        update(OutboxEmail)
        .where(
            OutboxEmail.id == email_id,
            OutboxEmail.sent_at.is_(None),
            or_(OutboxEmail.claimed_until.is_(None), OutboxEmail.claimed_until < now),
        )
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    )
    db.session.commit()
    return result.rowcount == 1


def due_ids(limit: int) -> list[int]:
    """Ids of queued email whose next try has come, oldest first."""
    now = utcnow()
    query = (
        select(OutboxEmail.id)
        .where(OutboxEmail.sent_at.is_(None), OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def queued_count() -> int:
    """How many emails are not yet delivered (due now or waiting for a retry)."""
    query = select(func.count()).select_from(OutboxEmail).where(OutboxEmail.sent_at.is_(None))
    return db.session.scalar(query) or 0


def send_pending(limit: int = 500) -> tuple[int, int]:
    """Deliver what is due; what fails stays queued with its attempt count. (sent, failed)"""
    sent = failed = 0
    for email_id in due_ids(limit):
        if not claim(email_id):
            continue
        email = db.session.get(OutboxEmail, email_id)
        try:
            deliver(email)
        except Exception as error:  # noqa: BLE001 - any failure keeps the email queued
            record_failure(email, error)
            failed += 1
        else:
            email.attempts += 1
            email.sent_at = utcnow()
            email.last_error = ""
            email.claimed_until = None
            sent += 1
        db.session.commit()
    return sent, failed


def deliver_outbox(limit: int = 500) -> tuple[int, int]:
    """Queue the batches that announcements still owe, then deliver what is due. (sent, failed)"""
    # Announcing a material policy change to every user is queued in batches (see
    # website/policy/announce.py); whoever delivers mail also carries that fan-out forward.
    from website.policy.announce import continue_announcements

    continue_announcements()
    return send_pending(limit=limit)


def record_failure(email: OutboxEmail, error: Exception) -> None:
    """Keep the email queued: count the attempt, keep the error, and wait before the next."""
    log.warning("mail %s stays queued for a retry: %s", email.id, error.__class__.__name__)
    email.attempts += 1
    email.last_error = f"{error.__class__.__name__}: {error}"[:500]
    email.next_attempt_at = utcnow() + backoff(email.attempts)
    email.claimed_until = None


def _send_in_background(app: Flask) -> None:
    with app.app_context():
        try:
            deliver_outbox(limit=50)
        except Exception:  # noqa: BLE001 - the CLI retries; a visitor must never see this
            log.warning("background mail delivery failed", exc_info=True)
        finally:
            db.session.remove()


def register_mail(app: Flask) -> None:
    """After a request that queued mail, try delivery in a thread: the visitor never waits."""

    @app.after_request
    def send_after_request(response):  # noqa: ANN001, ANN202
        if g.get("mail_queued") and app.config["MAIL_SEND_AFTER_REQUEST"]:
            real_app = current_app._get_current_object()  # type: ignore[attr-defined]
            thread = threading.Thread(target=_send_in_background, args=(real_app,), daemon=True)
            response.call_on_close(thread.start)
        return response
