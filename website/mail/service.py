"""The outbox: queue email with the change that causes it; deliver it by SMTP afterwards."""

from __future__ import annotations

import logging
import re
import smtplib
import sys
import threading
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from flask import Flask, Response, current_app, g, render_template
from sqlalchemy import delete, func, or_, select, update

from website.extensions import db, rowcount, utcnow
from website.i18n import language
from website.mail.models import OutboxEmail

log = logging.getLogger(__name__)

CLAIM_SECONDS = 120
MAX_BACKOFF = timedelta(hours=6)


def one_line(text: str) -> str:
    """Text a mail header can carry: every line break (U+2028 too) and control character
    becomes a space. A header that cannot be encoded would make the email fail on every try."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in line)
                    for line in text.splitlines()).strip()


def queue_email(
    to: str, subject: str, template: str, locale: str | None = None, reference: str = "",
    **context: Any,
) -> OutboxEmail:
    """Render `templates/mail/<template>.txt/.html` into the outbox in the recipient's language;
    the caller commits.

    `locale` is the language stored with the account or request the email is about (None: the
    language being rendered, e.g. a row not yet flushed takes the page's). `subject` may be a
    lazy string (`_l`): it is translated here, in that language. `reference` names the support
    or rights request the email is about (shown on its page if delivery fails for good)."""
    with language(locale):
        subject = one_line(str(subject))
        context.setdefault("subject", subject)
        email = OutboxEmail(
            to_address=to,
            subject=subject,
            reference=reference,
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
    message["Subject"] = one_line(email.subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"outbox-{email.id}")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(email.body_text)
    if email.body_html:
        message.add_alternative(email.body_html, subtype="html")
    return message


def print_to_terminal(email: OutboxEmail, message: EmailMessage) -> None:
    """Development without MAIL_SERVER: the whole email on stderr, links readable as typed."""
    rule = "-" * 72
    headers = "\n".join(f"{name}: {message[name]}" for name in ("From", "To", "Subject", "Date"))
    print(
        f"{rule}\nEmail not sent (no MAIL_SERVER set); this is what it says:\n{headers}\n\n"
        f"{email.body_text.rstrip()}\n{rule}",
        file=sys.stderr,
        flush=True,
    )


class Mailer:
    """One SMTP connection for a run of emails (or the log when no server is configured)."""

    def __init__(self) -> None:
        self.config = current_app.config
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def connect(self) -> smtplib.SMTP:
        """Open and authenticate the connection."""
        config = self.config
        server, port = config["MAIL_SERVER"], config["MAIL_PORT"]
        smtp = smtplib.SMTP(server, port, timeout=config["MAIL_TIMEOUT"])
        try:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, email: OutboxEmail) -> None:
        """Hand one email to the server; on any failure the connection is dropped."""
        message = build_message(email, self.config["MAIL_DEFAULT_SENDER"])
        if not self.config["MAIL_SERVER"]:
            print_to_terminal(email, message)
            return
        try:
            if self.smtp is None:
                self.smtp = self.connect()
            self.smtp.send_message(message)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Say goodbye; once the server has accepted a message, a failed goodbye changes nothing."""
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


def deliver(email: OutboxEmail) -> None:
    """Hand one email to the SMTP server now, on a connection of its own."""
    with Mailer() as mailer:
        mailer.send(email)


def claim(email_id: int) -> bool:
    """Take one email for this sender; False when another sender holds it or it is sent."""
    now = utcnow()
    result = db.session.execute(
        update(OutboxEmail)
        .where(
            OutboxEmail.id == email_id,
            OutboxEmail.sent_at.is_(None),
            OutboxEmail.failed_at.is_(None),
            # Due again only after its backoff: another sender may have just failed it.
            OutboxEmail.next_attempt_at <= now,
            or_(OutboxEmail.claimed_until.is_(None), OutboxEmail.claimed_until < now),
        )
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    )
    db.session.commit()
    return rowcount(result) == 1


def due_ids(limit: int) -> list[int]:
    """Ids of queued email whose next try has come, oldest first."""
    now = utcnow()
    query = (
        select(OutboxEmail.id)
        .where(OutboxEmail.sent_at.is_(None), OutboxEmail.failed_at.is_(None),
               OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def queued_count() -> int:
    """How many emails are not yet delivered (due now or waiting for a retry)."""
    query = select(func.count()).select_from(OutboxEmail).where(
        OutboxEmail.sent_at.is_(None), OutboxEmail.failed_at.is_(None))
    return db.session.scalar(query) or 0


def send_pending(limit: int = 500) -> tuple[int, int]:
    """Deliver what is due; what fails stays queued with its attempt count. (sent, failed)"""
    sent = failed = 0
    with Mailer() as mailer:
        for email_id in due_ids(limit):
            if not claim(email_id):
                continue
            email = db.session.get(OutboxEmail, email_id)
            if email is not None and deliver_one(mailer, email):
                sent += 1
            else:
                failed += 1
    return sent, failed


def deliver_one(mailer: Mailer, email: OutboxEmail) -> bool:
    """Send one claimed email and record the outcome (sent, or queued again); True when sent."""
    try:
        mailer.send(email)
    except Exception as error:  # noqa: BLE001 - any failure keeps the email queued
        record_failure(email, error)
        db.session.commit()
        return False
    email.attempts += 1
    email.sent_at = utcnow()
    email.last_error = ""
    email.claimed_until = None
    forget_body(email)
    db.session.commit()
    return True


def forget_body(email: OutboxEmail) -> None:
    """Drop the body once it has gone (or never will): its links and tokens must not stay at
    rest. The recipient, subject and dates are what the outbox keeps as a record."""
    email.body_text = ""
    email.body_html = ""


def is_permanent(error: Exception) -> bool:
    """True for a failure a retry cannot fix: a 5xx answer, or a message that cannot be built."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return isinstance(error, (ValueError, UnicodeError))


PRODUCERS = "mail.before_delivery"


def before_delivery(app: Flask, producer: Callable[[], object]) -> None:
    """Run `producer()` before each delivery round: it may queue more mail first.

    The factory registers the policy announcement's batches (website/policy/announce.py):
    whoever delivers mail also carries that fan-out forward, without mail importing policy."""
    app.extensions.setdefault(PRODUCERS, []).append(producer)


def deliver_outbox(limit: int = 500) -> tuple[int, int]:
    """Queue what the registered producers still owe, then deliver what is due. (sent, failed)"""
    for produce in current_app.extensions.get(PRODUCERS, []):
        produce()
    return send_pending(limit=limit)


def record_failure(email: OutboxEmail, error: Exception) -> None:
    """Count the attempt and keep the error; wait before the next try, or mark it failed for
    good (a permanent error, or MAIL_MAX_ATTEMPTS reached) so it is shown, not retried."""
    email.attempts += 1
    email.last_error = f"{error.__class__.__name__}: {error}"[:500]
    email.claimed_until = None
    if is_permanent(error) or email.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        log.warning("mail %s failed for good: %s", email.id, error.__class__.__name__)
        email.failed_at = utcnow()
        forget_body(email)
        return
    log.warning("mail %s stays queued for a retry: %s", email.id, error.__class__.__name__)
    email.next_attempt_at = utcnow() + backoff(email.attempts)


def failed_emails(reference: str) -> list[OutboxEmail]:
    """Email about this request that could not be delivered, for the admin's request page."""
    if not reference:
        return []
    query = (
        select(OutboxEmail)
        .where(OutboxEmail.reference == reference, OutboxEmail.failed_at.is_not(None))
        .order_by(OutboxEmail.id)
    )
    return list(db.session.scalars(query))


def _send_in_background(app: Flask) -> None:
    with app.app_context():
        try:
            deliver_outbox(limit=50)
        except Exception:  # the CLI retries; a visitor must never see this
            log.warning("background mail delivery failed", exc_info=True)
        finally:
            db.session.remove()


def register_mail(app: Flask) -> None:
    """After a request that queued mail, try delivery in a thread: the visitor never waits."""

    @app.after_request
    def send_after_request(response: Response) -> Response:
        if g.get("mail_queued") and app.config["MAIL_SEND_AFTER_REQUEST"]:
            real_app = current_app._get_current_object()  # type: ignore[attr-defined]
            thread = threading.Thread(target=_send_in_background, args=(real_app,), daemon=True)
            response.call_on_close(thread.start)
        return response


def _mentions(text: str, address: str) -> bool:
    """True when the text holds this exact address (not one that merely ends with it)."""
    pattern = r"(?<![\w.+-])" + re.escape(address) + r"(?![\w-]|\.\w)"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def erase_mail_to(address: str) -> int:
    """Erasure: delete the mail to this exact address, and mail whose body names it exactly;
    the caller commits. How many."""
    to_them = delete(OutboxEmail).where(func.lower(OutboxEmail.to_address) == address)
    deleted = rowcount(db.session.execute(to_them))
    # A substring search finds candidates ("bob@x" is inside "jimbob@x"); the exact check decides.
    candidates = db.session.scalars(select(OutboxEmail).where(
        func.lower(OutboxEmail.body_text).contains(address, autoescape=True)))
    for email in list(candidates):
        if _mentions(email.body_text, address) or _mentions(email.body_html, address):
            db.session.delete(email)
            deleted += 1
    return deleted
