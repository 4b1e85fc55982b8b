"""The breach register (GDPR Art. 33(5)) and the notices to the people affected (Art. 34)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from website.extensions import Model, utcnow


class Incident(Model):
    """One personal-data breach: the facts, its effects, what was done, and the decisions."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    # When the company became aware of the breach: the 72-hour clock of Art. 33(1) runs from here.
    aware_at: Mapped[datetime] = mapped_column(index=True)
    summary: Mapped[str] = mapped_column(Text)
    categories: Mapped[str] = mapped_column(Text, default="")
    people_count: Mapped[int | None] = mapped_column(Integer)
    records_count: Mapped[int | None] = mapped_column(Integer)
    consequences: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Tell the supervisory authority? "notify" | "not_required" ("" while undecided).
    authority_decision: Mapped[str] = mapped_column(String(20), default="")
    authority_reason: Mapped[str] = mapped_column(Text, default="")
    # Art. 33(1): a notification made after 72 hours gives the reasons for the delay.
    delay_reason: Mapped[str] = mapped_column(Text, default="")
    authority_decided_at: Mapped[datetime | None]
    # When the authority was notified: the clock stops.
    authority_notified_at: Mapped[datetime | None]
    # Tell the people affected? "notify" | "public_notice" | "not_required" ("" while undecided).
    people_decision: Mapped[str] = mapped_column(String(20), default="")
    people_reason: Mapped[str] = mapped_column(Text, default="")
    people_decided_at: Mapped[datetime | None]

    notices: Mapped[list[IncidentNotice]] = relationship(
        back_populates="incident", order_by="IncidentNotice.id", passive_deletes=True
    )


class IncidentNotice(Model):
    """A notice to the people affected: emailed in batches, or published as a public page."""

    __tablename__ = "incident_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    # Names the notice's emails in the outbox (OutboxEmail.reference) and its public page.
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    # "accounts" | "addresses" | "everyone" (emailed) or "public" (a page, Art. 34(3)(c)).
    audience: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    subject_de: Mapped[str] = mapped_column(String(300), default="")
    body_de: Mapped[str] = mapped_column(Text, default="")
    subject_fr: Mapped[str] = mapped_column(String(300), default="")
    body_fr: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(254), default="")
    # Emailed notices: users with last_user_id < id <= up_to_user_id still have to be queued.
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    last_user_id: Mapped[int] = mapped_column(Integer, default=0)
    up_to_user_id: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None] = mapped_column(index=True)
    # Public notices: when the page went up.
    published_at: Mapped[datetime | None]

    incident: Mapped[Incident] = relationship(back_populates="notices")


class IncidentRecipient(Model):
    """An account picked for a notice (audience "accounts" or "addresses")."""

    __tablename__ = "incident_recipients"

    notice_id: Mapped[int] = mapped_column(
        ForeignKey("incident_notices.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
