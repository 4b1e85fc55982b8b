"""Who follows the sub-processor list, and the objections they raise to a coming one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from website.extensions import Model, utcnow
from website.systems.models import System


class Subscriber(Model):
    """An address that asked to hear of new sub-processors; told nothing until confirmed."""

    __tablename__ = "processor_subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    locale: Mapped[str] = mapped_column(String(5), default="en")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]


class Objection(Model):
    """A subscriber's objection to a coming sub-processor: answered by the team before it starts."""

    __tablename__ = "processor_objections"
    __table_args__ = (UniqueConstraint("subscriber_id", "system_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("processor_subscribers.id", ondelete="CASCADE"))
    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    subscriber: Mapped[Subscriber] = relationship(lazy="joined")
    system: Mapped[System] = relationship(lazy="joined")
