"""The audit trail: every admin action, from the web or the CLI.

Entries are added and never edited, with two exceptions: an erasure pseudonymises the erased
person where they are the actor (`pseudonymise_actor`; a deleted account's actor_id becomes
NULL), and the retention purge deletes entries past RETENTION_AUDIT_DAYS, leaving a signed
checkpoint. Each entry is a link of a keyed hash chain (website/audit/chain.py), so an edit,
a deletion or an insertion by whoever controls the database is found by `flask audit verify`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, ForeignKey, String, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from website.audit import chain
from website.extensions import Model, db, utcnow
from website.paging import Page, Run, count, paginate


@dataclass(frozen=True)
class Actor:
    """Who acts (an admin, or a named process), as the audit log names them."""

    id: int | None
    email: str


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
    # The chain: the previous entry's hash, and the keyed hash of that and this entry's content.
    # NULL only for entries written before the chain began (migration audit_1).
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64))
    # A keyed digest of who acted (actor_id, actor): the chain hashes this, so the actor can
    # later be pseudonymised without breaking it.
    actor_digest: Mapped[str | None] = mapped_column(String(64))
    # Set when an erasure pseudonymised the actor: a keyed seal over the digest and the new name.
    pseudonym_seal: Mapped[str | None] = mapped_column(String(64))


class AuditChainHead(Model):
    """The one row every writer locks before adding an entry, so the chain never forks."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_entry_id: Mapped[int | None]
    last_hash: Mapped[str] = mapped_column(String(64), default="")


class AuditCheckpoint(Model):
    """What the retention purge left behind: the last purged entry's id and hash, signed."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_entry_id: Mapped[int]
    last_hash: Mapped[str] = mapped_column(String(64))
    entries_purged: Mapped[int] = mapped_column(default=0)
    signature: Mapped[str] = mapped_column(String(64))


def record_audit(
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
    actor_id: int | None = None,
    actor: str = "",
) -> AuditEntry:
    """Add an audit entry to the current transaction, chained to the one before (the caller
    commits; until then no other writer can add an entry)."""
    head = lock_chain_head()
    entry = AuditEntry(
        created_at=utcnow(), action=action, target=target, details=dict(details or {}),
        actor_id=actor_id, actor=actor, prev_hash=head.last_hash,
        actor_digest=chain.actor_digest(actor_id, actor),
    )
    db.session.add(entry)
    db.session.flush()  # the id is part of what is hashed
    entry.entry_hash = chain.entry_hash(head.last_hash, chain.entry_content(entry))
    head.last_entry_id, head.last_hash = entry.id, entry.entry_hash
    db.session.flush()
    return entry


HEAD_ID = 1


def lock_chain_head() -> AuditChainHead:
    """The chain's head row, locked until this transaction ends: SELECT ... FOR UPDATE on
    PostgreSQL; on SQLite an UPDATE first takes the database's single write lock."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(update(AuditChainHead).where(AuditChainHead.id == HEAD_ID)
                           .values(last_entry_id=AuditChainHead.last_entry_id))
    query = (select(AuditChainHead).where(AuditChainHead.id == HEAD_ID).with_for_update()
             .execution_options(populate_existing=True))
    head = db.session.scalar(query)
    if head is None:  # a database emptied by hand: start again from the last entry kept
        last = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
        head = AuditChainHead(id=HEAD_ID, last_entry_id=last.id if last else None,
                              last_hash=(last.entry_hash or "") if last else "")
        db.session.add(head)
        db.session.flush()
    return head


def seal_before_purge(condition: ColumnElement[bool]) -> AuditCheckpoint | None:
    """Before the retention purge deletes the entries matching `condition` (a prefix of the
    chain), sign a checkpoint naming the last of them, so what is left still verifies."""
    lock_chain_head()
    last = db.session.scalar(select(AuditEntry).where(condition)
                             .order_by(AuditEntry.id.desc()).limit(1))
    if last is None:
        return None
    purged = db.session.scalar(select(func.count(AuditEntry.id)).where(condition)) or 0
    last_hash = last.entry_hash or ""
    checkpoint = AuditCheckpoint(
        last_entry_id=last.id, last_hash=last_hash, entries_purged=purged,
        signature=chain.checkpoint_signature(last.id, last_hash, purged),
    )
    db.session.add(checkpoint)
    db.session.commit()
    return checkpoint


def pseudonymise_actor(entry: AuditEntry, pseudonym: str) -> None:
    """Replace who acted by a pseudonym (an erasure), sealed so the chain still verifies and a
    later change of the name does not (the caller commits)."""
    entry.actor, entry.actor_id = pseudonym, None
    entry.pseudonym_seal = chain.pseudonym_seal(entry.actor_digest or "", pseudonym)


def audit_page(action: str = "", page: int = 1, per_page: int = 50) -> Page[AuditEntry]:
    """One page of entries, newest first, optionally of one action; past the end, none."""
    where = [AuditEntry.action == action] if action else []
    runs = [(Run(where, [AuditEntry.id.desc()]), count(AuditEntry.id, *where))]
    return paginate(select(AuditEntry), AuditEntry.id, runs, page, per_page, clamp=False)


def audit_actions() -> list[str]:
    """Every action name that appears in the log, for the filter."""
    query = select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    return list(db.session.scalars(query))
