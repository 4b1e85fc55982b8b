"""Reading an email as its recipient does: the decoded subject, the text and the HTML part."""

from __future__ import annotations

from datetime import date
from email.header import decode_header, make_header
from email.message import Message

from tests.fixtures.mail import body_text
from website.mail.service import send_pending

NBSP = "\u00a0"  # French puts it before : ; ? !
GERMAN_MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
                 "September", "Oktober", "November", "Dezember")


def received(app, smtp, address: str) -> Message:
    """Deliver the outbox to the test SMTP server; the one email it got for `address`."""
    with app.app_context():
        assert send_pending()[1] == 0
    (message,) = smtp.to(address)
    return message


def subject(message: Message) -> str:
    """The Subject header as a mail client shows it (RFC 2047 words decoded)."""
    return str(make_header(decode_header(message["Subject"])))


def text(message: Message) -> str:
    """The plain-text part with plain line ends."""
    return body_text(message).replace("\r\n", "\n")


def html(message: Message) -> str:
    """The HTML part."""
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return part.get_payload(decode=True).decode()
    return ""


def german_date(day: date) -> str:
    """'11. August 2025', as a German reader writes a date."""
    return f"{day.day}. {GERMAN_MONTHS[day.month - 1]} {day.year}"
