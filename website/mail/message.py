"""An outbox row as an email, and the SMTP connection that hands it over (no database here)."""

from __future__ import annotations

import smtplib
import sys
from datetime import UTC
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import urlsplit

from flask import current_app

from website.mail.models import OutboxEmail


def one_line(text: str) -> str:
    """Text a mail header can carry: every line break (U+2028 too) and control character
    becomes a space. A header that cannot be encoded would make the email fail on every try."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in line)
                    for line in text.splitlines()).strip()


def message_id(email: OutboxEmail, sender: str) -> str:
    """The row's own Message-ID: every copy of one outbox email carries the same one, so a
    receiver can drop a copy sent again after a sender died before recording its send."""
    domain = parseaddr(sender)[1].rpartition("@")[2]
    domain = domain or urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    return f"<outbox-{email.id}.{email.created_at:%Y%m%d%H%M%S%f}@{domain}>"


def build_message(email: OutboxEmail, sender: str) -> EmailMessage:
    """A multipart plain-text and HTML message, the same bytes on every try."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = one_line(email.subject)
    message["Date"] = format_datetime(email.created_at.replace(tzinfo=UTC))
    message["Message-ID"] = message_id(email, sender)
    message["Auto-Submitted"] = "auto-generated"
    if email.unsubscribe_url:  # RFC 8058: the receiver may POST there, once, for the reader
        message["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(email.body_text)
    if email.body_html:
        message.add_alternative(email.body_html, subtype="html")
    if email.unsubscribe_url:
        # A URL has no space to fold at: at 78 columns the header would become an encoded
        # word, which no mail provider reads as a link. RFC 5322 allows lines of 998.
        message.policy = message.policy.clone(max_line_length=998)
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
