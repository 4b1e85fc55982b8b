"""Checking the audit log's chain: `flask audit verify`, the dashboard and the audit page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from website.audit import AuditChainHead, AuditCheckpoint, AuditEntry, chain
from website.extensions import db

BATCH = 1000
# Read as plain rows: a long log never fills the session's identity map.
COLUMNS = (AuditEntry.id, AuditEntry.created_at, AuditEntry.action, AuditEntry.target,
           AuditEntry.details, AuditEntry.actor_id, AuditEntry.actor, AuditEntry.prev_hash,
           AuditEntry.entry_hash, AuditEntry.actor_digest, AuditEntry.pseudonym_seal)


@dataclass(frozen=True)
class ChainReport:
    """Whether the chain holds; where it first breaks, and why."""

    holds: bool
    checked: int
    before_chain: int = 0
    broken_at: int | None = None
    reason: str = ""
    checkpoint: AuditCheckpoint | None = None

    def summary(self) -> str:
        """One line for a person."""
        if self.holds:
            line = f"The audit log holds: {self.checked} entries verified"
            if self.checkpoint is not None:
                line += (f", from the checkpoint after entry #{self.checkpoint.last_entry_id} "
                         f"(older entries purged by retention)")
            if self.before_chain:
                line += f"; {self.before_chain} older entries predate the chain"
            return line + "."
        where = f"entry #{self.broken_at}" if self.broken_at is not None else "the chain's end"
        return f"The audit log is BROKEN at {where}: {self.reason}"


def latest_checkpoint() -> AuditCheckpoint | None:
    """The newest purge checkpoint, if any."""
    query = select(AuditCheckpoint).order_by(AuditCheckpoint.last_entry_id.desc()).limit(1)
    return db.session.scalar(query)


def _entry_problem(entry: Any, expected_prev: str) -> str | None:
    if not chain.same(entry.prev_hash, expected_prev):
        return "it does not follow the entry before it (an entry was removed, added or moved)"
    if not chain.same(entry.entry_hash,
                      chain.entry_hash(expected_prev, chain.entry_content(entry))):
        return "its content does not match its hash (it was edited)"
    if entry.pseudonym_seal is not None:
        seal = chain.pseudonym_seal(entry.actor_digest or "", entry.actor)
        if not chain.same(entry.pseudonym_seal, seal) or entry.actor_id is not None:
            return "its pseudonymised actor was changed"
    elif not chain.same(entry.actor_digest, chain.actor_digest(entry.actor_id, entry.actor)):
        return "its actor was changed"
    return None


def verify_chain() -> ChainReport:
    """Walk the log from the last purge checkpoint (or the first entry) to the head."""
    checkpoint = latest_checkpoint()
    expected, after_id = "", 0
    if checkpoint is not None:
        signature = chain.checkpoint_signature(checkpoint.last_entry_id, checkpoint.last_hash,
                                               checkpoint.entries_purged)
        if not chain.same(checkpoint.signature, signature):
            return ChainReport(False, 0, reason=f"the purge checkpoint #{checkpoint.id} is not "
                                                "signed with the audit key", broken_at=None)
        expected, after_id = checkpoint.last_hash, checkpoint.last_entry_id
    checked = before_chain = 0
    started = checkpoint is not None
    while True:
        query = (select(*COLUMNS).where(AuditEntry.id > after_id)
                 .order_by(AuditEntry.id).limit(BATCH))
        batch = list(db.session.execute(query))
        for entry in batch:
            if entry.entry_hash is None and not started:
                before_chain += 1
                continue
            started = True
            problem = _entry_problem(entry, expected)
            if problem is not None:
                return ChainReport(False, checked, before_chain, entry.id, problem, checkpoint)
            expected, checked = entry.entry_hash or "", checked + 1
        if len(batch) < BATCH:
            break
        after_id = batch[-1].id
    head = db.session.scalar(select(AuditChainHead.last_hash).where(AuditChainHead.id == 1))
    if (head is None and checked) or (head is not None and head != expected):
        return ChainReport(False, checked, before_chain, None,
                           "the newest entries are missing (the chain's head names an entry "
                           "that is not there, or is gone)", checkpoint)
    return ChainReport(True, checked, before_chain, checkpoint=checkpoint)


def entries_count() -> int:
    """How many entries the log holds."""
    return db.session.scalar(select(func.count(AuditEntry.id))) or 0
