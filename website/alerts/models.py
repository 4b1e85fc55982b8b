"""The alerts already sent, keyed by their event, so that each goes out once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from website.extensions import Model, utcnow


class SentAlert(Model):
    """One event the team was emailed about (e.g. "rights-due-1:RR-ABC:2026-12-08")."""

    __tablename__ = "sent_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    recipients: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
