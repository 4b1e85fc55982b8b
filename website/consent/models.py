"""Proof of consent (append-only) and first-party page views."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, event, inspect
from sqlalchemy.orm import Mapped, mapped_column

from website.extensions import Model, utcnow
from website.i18n import page_locale


class ConsentRecord(Model):
    """One cookie-consent decision, kept as proof. Rows are only ever added."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    consent_id: Mapped[str] = mapped_column(String(64), index=True)
    granted: Mapped[list[str]] = mapped_column(JSON, default=list)
    refused: Mapped[list[str]] = mapped_column(JSON, default=list)
    policy_version: Mapped[int | None]
    source: Mapped[str] = mapped_column(String(20))
    browser_family: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # What the visitor answered: SHA-256 of the banner's wording (empty for a GPC signal,
    # which answers no wording) and of the cookie registry (categories, purposes, cookies).
    banner_fingerprint: Mapped[str] = mapped_column(String(64), default="", server_default="")
    registry_fingerprint: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # The language of the banner or cookie page the visitor answered (part of what was shown).
    locale: Mapped[str] = mapped_column(String(8), default=page_locale, server_default="en")


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change a consent record other than unlinking its user."""


@event.listens_for(ConsentRecord, "before_update")
def _refuse_update(mapper: Any, connection: Any, target: ConsentRecord) -> None:
    # Proof of consent is append-only: only the link to a deleted user may be cleared.
    changed: set[str] = {a.key for a in inspect(target).attrs if a.history.has_changes()}
    if changed - {"user_id"} or target.user_id is not None:
        raise AppendOnlyError("consent records are append-only")


class PageView(Model):
    """A first-party analytics event, stored only with analytics consent. No IP address."""

    __tablename__ = "page_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(500))
    visitor_id: Mapped[str] = mapped_column(String(64), index=True)
    referrer_host: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
