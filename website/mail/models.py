"""The outbox: every email, written in the same transaction as the change that causes it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from website.extensions import Model, utcnow

WAITING = "sent_at IS NULL AND failed_at IS NULL"


class OutboxEmail(Model):
    """One email waiting for delivery, or delivered."""

    __tablename__ = "outbox_emails"
    # The senders take the oldest waiting emails first (ORDER BY id LIMIT n): an index of the
    # waiting ones only, in id order, finds them at once however many were sent before
    # (100,000 queued: a claim took over a second by sorting every waiting row).
    __table_args__ = (Index("ix_outbox_emails_waiting", "id", postgresql_where=text(WAITING),
                            sqlite_where=text(WAITING)),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    sent_at: Mapped[datetime | None]
    # Set while one sender holds the row, so two workers never send the same email twice.
    claimed_until: Mapped[datetime | None]
    # Set when delivery failed for good (a permanent SMTP error or too many attempts).
    failed_at: Mapped[datetime | None]
    # The support or rights request the email is about, so its page can show a failure.
    reference: Mapped[str] = mapped_column(String(20), default="", index=True)
    # A list email's one-click unsubscribe address (RFC 8058 headers); "" for other email.
    unsubscribe_url: Mapped[str] = mapped_column(String(500), default="")
