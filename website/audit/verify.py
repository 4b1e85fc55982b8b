"""Checking the audit log's chain.

`flask audit verify` and a daily job walk the whole chain (`verify_chain`). The dashboard and the
audit page verify only what is new since this process last looked (`verify_new_entries`), so
their cost does not grow with the log, and show a break the last daily full check found
(`chain_status`). See docs/admin.md."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, select

from website.audit import AuditChainHead, AuditCheckpoint, AuditEntry, chain
from website.extensions import db
from website.scheduled import last_run, register_daily

log = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class Progress:
    """How far a walk has verified the chain: the last entry checked and its hash."""

    checkpoint_id: int | None
    after_id: int = 0
    expected: str = ""
    started: bool = False
    checked: int = 0
    before_chain: int = 0


def _start() -> Progress | ChainReport:
    """Where a full walk begins: after the last purge checkpoint (checked first), or at the top."""
    checkpoint = latest_checkpoint()
    if checkpoint is None:
        return Progress(None)
    signature = chain.checkpoint_signature(checkpoint.last_entry_id, checkpoint.last_hash,
                                           checkpoint.entries_purged)
    if not chain.same(checkpoint.signature, signature):
        return ChainReport(False, 0, reason=f"the purge checkpoint #{checkpoint.id} is not "
                                            "signed with the audit key", broken_at=None)
    return Progress(checkpoint.id, checkpoint.last_entry_id, checkpoint.last_hash, started=True)


def _walk(progress: Progress) -> Progress | ChainReport:
    """Verify every entry after `progress` up to the head; the new progress, or the break."""
    checkpoint = latest_checkpoint() if progress.checkpoint_id is not None else None
    expected, after_id = progress.expected, progress.after_id
    checked, before_chain, started = progress.checked, progress.before_chain, progress.started
    while True:
        query = (select(*COLUMNS).where(AuditEntry.id > after_id)
                 .order_by(AuditEntry.id).limit(BATCH))
        batch = list(db.session.execute(query))
        for entry in batch:
            after_id = entry.id
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
    head = db.session.scalar(select(AuditChainHead.last_hash).where(AuditChainHead.id == 1))
    if (head is None and checked) or (head is not None and head != expected):
        return ChainReport(False, checked, before_chain, None, MISSING, checkpoint)
    return Progress(progress.checkpoint_id, after_id, expected, started, checked, before_chain)


MISSING = ("the newest entries are missing (the chain's head names an entry that is not there, "
           "or is gone)")


def _report(outcome: Progress | ChainReport) -> ChainReport:
    if isinstance(outcome, ChainReport):
        return outcome
    checkpoint = latest_checkpoint() if outcome.checkpoint_id is not None else None
    return ChainReport(True, outcome.checked, outcome.before_chain, checkpoint=checkpoint)


def verify_chain() -> ChainReport:
    """The full check (`flask audit verify`, the daily job): walk the log from the last purge
    checkpoint (or the first entry) to the head."""
    start = _start()
    return _report(start if isinstance(start, ChainReport) else _walk(start))


# app.extensions key: how far this process has verified the chain (a Progress).
VERIFIED = "audit.verified"


def verify_new_entries() -> ChainReport:
    """The check each admin page view makes: only the entries this process has not verified yet
    (the first view walks the whole chain), that the last one verified is still there with its
    hash, and the head. An edit of an older entry is left to the full check."""
    known: Progress | None = current_app.extensions.get(VERIFIED)
    if known is not None and (known.checkpoint_id != _latest_checkpoint_id()
                              or not _still_there(known)):
        known = None  # a purge moved the start, or the last verified entry went: walk it all
    start = known if known is not None else _start()
    outcome = start if isinstance(start, ChainReport) else _walk(start)
    if isinstance(outcome, Progress):
        current_app.extensions[VERIFIED] = outcome
    return _report(outcome)


def _latest_checkpoint_id() -> int | None:
    query = select(AuditCheckpoint.id).order_by(AuditCheckpoint.last_entry_id.desc()).limit(1)
    return db.session.scalar(query)


def _still_there(known: Progress) -> bool:
    """True when the last entry this process verified is unchanged (or none was verified)."""
    if not known.started or known.checked == 0:
        return True
    stored = db.session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.id == known.after_id))
    return chain.same(stored, known.expected)


# The daily full check, run by the job runner (one worker across hosts, website/scheduled.py).
DAILY = "audit-verify"


def daily_verify() -> dict[str, int]:
    """The full check as the site runs it once a day; a break is logged and kept for the
    dashboard."""
    report = verify_chain()
    if not report.holds:
        log.error("audit log check: %s", report.summary())
    return {"holds": int(report.holds), "checked": report.checked,
            "broken_at": report.broken_at or 0}


def register_daily_verify(app: Flask) -> None:
    """Run the full check from the site itself, at most once a day (AUDIT_DAILY_VERIFY)."""
    register_daily(app, DAILY, daily_verify, "AUDIT_DAILY_VERIFY")


def chain_status() -> ChainReport:
    """What the dashboard and the audit page show: the entries new since this process last
    looked, verified now; or the break the last daily full check found."""
    report = verify_new_entries()
    daily = last_run(DAILY)
    counts = daily.last_counts if daily is not None else None
    if not report.holds or not counts or counts.get("holds", 1):
        return report
    when = daily.last_finished_at.date().isoformat() if daily and daily.last_finished_at else "?"
    return ChainReport(False, report.checked, report.before_chain,
                       counts.get("broken_at") or None,
                       f"the daily full check of {when} found it broken (run `flask audit verify`)",
                       report.checkpoint)


def entries_count() -> int:
    """How many entries the log holds."""
    return db.session.scalar(select(func.count(AuditEntry.id))) or 0
