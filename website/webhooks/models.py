"""The webhook ids of answers already taken: a replayed answer is refused."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from website.extensions import Model, utcnow


class SeenAnswer(Model):
    """One answer's `webhook-id`, per system, kept past the replay window."""

    __tablename__ = "webhook_seen"
    __table_args__ = (UniqueConstraint("system_id", "webhook_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id", ondelete="CASCADE"))
    webhook_id: Mapped[str] = mapped_column(String(100))
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
