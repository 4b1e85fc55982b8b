"""Support requests and the replies sent to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from website.extensions import Model, utcnow
from website.i18n import page_locale


class SupportRequest(Model):
    """A message to the support team from anyone with an email address."""

    __tablename__ = "support_requests"
    # The admin queue pages by (status, category) newest first. Each index matches one filter
    # and covers the columns the page's id lookup needs, so even a deep page reads only an
    # index (see website.support.service.queue_page); 100k rows stay well under 200 ms.
    __table_args__ = (
        Index("ix_support_requests_queue", "status", "category", "created_at", "id"),
        Index("ix_support_requests_status_recent", "status", "created_at", "id", "category"),
        Index("ix_support_requests_category_recent", "category", "created_at", "id", "status"),
        Index("ix_support_requests_recent", "created_at", "id", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    category: Mapped[str] = mapped_column(String(30), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    # The language of the page it came from (`/de/...`: "de"): the language of its emails.
    locale: Mapped[str] = mapped_column(String(8), default=page_locale, server_default="en")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    # The handler who has it in hand (migration adminux_1); None: anyone may pick it up.
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    replies: Mapped[list[SupportReply]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="SupportReply.id"
    )
    notes: Mapped[list[SupportNote]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="SupportNote.id"
    )


class RequestMessage:
    """What a reply and a note share: the request, who wrote it, the text, when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("support_requests.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SupportReply(RequestMessage, Model):
    """An answer from the support team, emailed to the requester."""

    __tablename__ = "support_replies"

    request: Mapped[SupportRequest] = relationship(back_populates="replies")


class SupportNote(RequestMessage, Model):
    """An internal note between handlers: never emailed, never shown to the requester."""

    __tablename__ = "support_notes"

    request: Mapped[SupportRequest] = relationship(back_populates="notes")


# The queue's search by email ignores case; this matches migration admin_1.
Index("ix_support_requests_email_lower", func.lower(SupportRequest.email))
