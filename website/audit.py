"""The audit trail: every admin action, from the web or the CLI.

Entries are added and never edited, with two exceptions: an erasure pseudonymises the erased
person where they are the actor (website/rights/personal_data.py; a deleted account's actor_id
becomes NULL), and the retention purge deletes entries past RETENTION_AUDIT_DAYS."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from website.extensions import Model, db, utcnow
from website.paging import Page, Run, count, paginate


class AuditEntry(Model):
    """Who did what, to what, when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def record_audit(
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
    actor_id: int | None = None,
    actor: str = "",
) -> AuditEntry:
    """Add an audit entry to the current transaction (the caller commits)."""
    entry = AuditEntry(
        action=action, target=target, details=details or {}, actor_id=actor_id, actor=actor
    )
    db.session.add(entry)
    return entry


def audit_page(action: str = "", page: int = 1, per_page: int = 50) -> Page[AuditEntry]:
    """One page of entries, newest first, optionally of one action; past the end, none."""
    where = [AuditEntry.action == action] if action else []
    runs = [(Run(where, [AuditEntry.id.desc()]), count(AuditEntry.id, *where))]
    return paginate(select(AuditEntry), AuditEntry.id, runs, page, per_page, clamp=False)


def audit_actions() -> list[str]:
    """Every action name that appears in the log, for the filter."""
    query = select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    return list(db.session.scalars(query))
