"""Data-rights requests (GDPR Art. 15-21) and their history."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, ForeignKey, Index, String, Text, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from website.extensions import Model, utcnow
from website.i18n import page_locale
from website.rights.dates import add_months


class RightsRequest(Model):
    """A request to exercise a data-protection right, verified by email before it counts."""

    __tablename__ = "rights_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    request_type: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    details: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="received", index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    verify_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    verify_expires_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    due_on: Mapped[date | None] = mapped_column(index=True)
    extended_due_on: Mapped[date | None]
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    approved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    export_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    export_expires_at: Mapped[datetime | None]
    # How the request reached us: "web" (the form), or entered by an admin from another channel.
    channel: Mapped[str] = mapped_column(String(10), default="web")
    received_on: Mapped[date | None]
    # The admin saw the requester's identity was clear on receipt: the month runs from then.
    identity_checked: Mapped[bool] = mapped_column(default=False)
    # The language of the page it came from (`/de/...`: "de"): the language of its emails.
    locale: Mapped[str] = mapped_column(String(8), default=page_locale, server_default="en")
    # The clock stops while we wait for the requester's answer to our question (ICO): since
    # when and what we asked; `paused_days` is how far earlier pauses moved the due date.
    paused_at: Mapped[datetime | None]
    pause_question: Mapped[str] = mapped_column(Text, default="", server_default="")
    paused_days: Mapped[int] = mapped_column(default=0, server_default="0")
    # An authorised agent (CCPA §7063) who filed the request for the person at `email`.
    agent_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    agent_email: Mapped[str] = mapped_column(String(254), default="", server_default="")

    events: Mapped[list[RightsRequestEvent]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RightsRequestEvent.id"
    )

    def clock_start(self) -> date:
        """The day the month runs from: receipt when the identity was clear then (ICO), else
        verification."""
        if self.identity_checked and self.received_on:
            return self.received_on
        return (self.verified_at or utcnow()).date()

    def due_date(self, extension_months: int = 0) -> date:
        """THE due-date rule: one calendar month (plus any extension) from the clock's start,
        moved by every day the clock was paused."""
        return add_months(self.clock_start(), 1 + extension_months) + timedelta(
            days=self.paused_days or 0)

    def resume_clock(self, now: datetime) -> int:
        """End a pause: the due dates move by the days it lasted; how many."""
        assert self.paused_at is not None  # only a paused clock resumes
        days = max((now.date() - self.paused_at.date()).days, 0)
        self.paused_days = (self.paused_days or 0) + days
        self.due_on = self.due_date()
        if self.extended_due_on is not None:
            self.extended_due_on += timedelta(days=days)
        self.paused_at = None
        return days

    @hybrid_property
    def due_in_force(self) -> date | None:
        """The due date in force: the extended one when there is one (SQL: a COALESCE)."""
        return self.extended_due_on or self.due_on

    @due_in_force.inplace.expression
    @classmethod
    def _due_in_force_expression(cls) -> ColumnElement[date | None]:
        return func.coalesce(cls.extended_due_on, cls.due_on)


class RightsRequestEvent(Model):
    """One change of a rights request: who, when, from which status to which, and why."""

    __tablename__ = "rights_request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("rights_requests.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[RightsRequest] = relationship(back_populates="events")


# The admin queue sorts by the due date in force; these match migration rights_1.
_EFFECTIVE_DUE = RightsRequest.due_in_force
Index("ix_rights_requests_queue", _EFFECTIVE_DUE, RightsRequest.id, RightsRequest.status,
      RightsRequest.request_type)
Index("ix_rights_requests_queue_status", RightsRequest.status, _EFFECTIVE_DUE, RightsRequest.id,
      RightsRequest.request_type)
Index("ix_rights_requests_queue_type", RightsRequest.request_type, _EFFECTIVE_DUE,
      RightsRequest.id, RightsRequest.status)
# The few paused requests, kept out of "overdue" (migration systems_1).
Index("ix_rights_requests_paused_at", RightsRequest.paused_at)
# The queue's search by email ignores case; this matches migration admin_1.
Index("ix_rights_requests_email_lower", func.lower(RightsRequest.email))
