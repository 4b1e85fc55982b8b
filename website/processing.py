"""Restriction (Art. 18) and objection (Art. 21): which processing a person's data is kept out of.

One question for the whole site: `processing_allowed(email_or_user, purpose)`. Analytics, the
announcement emails, the retention purge and the admin pages ask it; nothing else decides.

- An objection takes the address out of the purposes objected to (analytics and announcement
  email) at once, for good.
- A restriction flags the address and the account: its data is kept but not used (no analytics,
  no non-essential email) and not erased by the retention purge, until an admin lifts it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from website.extensions import Model, db, rowcount, utcnow

ANALYTICS = "analytics"
ANNOUNCEMENTS = "announcements"
RETENTION_PURGE = "retention_purge"
# What each kind of limit keeps the data out of.
BLOCKS = {
    "objection": frozenset({ANALYTICS, ANNOUNCEMENTS}),
    "restriction": frozenset({ANALYTICS, ANNOUNCEMENTS, RETENTION_PURGE}),
}


class ProcessingLimit(Model):
    """A restriction or an objection in force (or lifted) for one email address."""

    __tablename__ = "processing_limits"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)  # lower case
    kind: Mapped[str] = mapped_column(String(20))  # "restriction" | "objection"
    reference: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lifted_at: Mapped[datetime | None]


def _address(email_or_user: Any) -> str:
    email = email_or_user if isinstance(email_or_user, str) else getattr(email_or_user, "email", "")
    return (email or "").strip().lower()


def _kinds_blocking(purpose: str) -> list[str]:
    return [kind for kind, purposes in BLOCKS.items() if purpose in purposes]


def limits_in_force(email_or_user: Any) -> list[ProcessingLimit]:
    """The restrictions and objections in force for this address or account."""
    address = _address(email_or_user)
    if not address:
        return []
    query = select(ProcessingLimit).where(
        ProcessingLimit.email == address, ProcessingLimit.lifted_at.is_(None)
    ).order_by(ProcessingLimit.id)
    return list(db.session.scalars(query))


def processing_allowed(email_or_user: Any, purpose: str) -> bool:
    """False when a restriction or objection in force keeps this person out of `purpose`."""
    return not any(purpose in BLOCKS[limit.kind] for limit in limits_in_force(email_or_user))


def blocked_addresses(purpose: str) -> Select[tuple[str]]:
    """The (lower-case) addresses kept out of `purpose`, as a subquery for bulk queries."""
    return select(ProcessingLimit.email).where(
        ProcessingLimit.kind.in_(_kinds_blocking(purpose)), ProcessingLimit.lifted_at.is_(None)
    )


def is_blocked(column: SQLColumnExpression[str], purpose: str) -> ColumnElement[bool]:
    """SQL: this email column's address is kept out of `purpose`."""
    return func.lower(column).in_(blocked_addresses(purpose))


def flags_for(emails: Iterable[str]) -> dict[str, list[str]]:
    """For admin pages: address (lower case) -> kinds in force, for the addresses given."""
    addresses = {e.strip().lower() for e in emails if e}
    if not addresses:
        return {}
    query = select(ProcessingLimit.email, ProcessingLimit.kind).where(
        ProcessingLimit.email.in_(addresses), ProcessingLimit.lifted_at.is_(None)
    ).order_by(ProcessingLimit.id)
    flags: dict[str, list[str]] = {}
    for email, kind in db.session.execute(query):
        if kind not in flags.setdefault(email, []):
            flags[email].append(kind)
    return flags


def add_limit(email: str, kind: str, reference: str) -> ProcessingLimit:
    """Put a restriction or objection in force (the caller commits); one per kind and address."""
    for limit in limits_in_force(email):
        if limit.kind == kind:
            return limit
    limit = ProcessingLimit(email=_address(email), kind=kind, reference=reference)
    db.session.add(limit)
    db.session.flush()
    return limit


def lift_restriction(email: str) -> int:
    """Lift the restrictions in force for this address (the caller commits); how many."""
    lifted = 0
    for limit in limits_in_force(email):
        if limit.kind == "restriction":
            limit.lifted_at = utcnow()
            lifted += 1
    return lifted


def erase_limits(email: str) -> int:
    """Forget every restriction and objection of an erased address (the caller commits)."""
    query = delete(ProcessingLimit).where(ProcessingLimit.email == _address(email))
    return rowcount(db.session.execute(query))


def limits_as_export(email: str | None) -> list[dict[str, Any]]:
    """Every restriction and objection of this address, lifted ones too (for access rights)."""
    query = select(ProcessingLimit).where(ProcessingLimit.email == _address(email))
    return [
        {"kind": limit.kind, "request": limit.reference,
         "since": limit.created_at.isoformat(),
         "lifted_at": limit.lifted_at.isoformat() if limit.lifted_at else None}
        for limit in db.session.scalars(query.order_by(ProcessingLimit.id))
    ]
