"""The audit log's hash chain: keyed hashes (HMAC-SHA256, AUDIT_KEY from the environment,
never stored in the database) of each entry's content and the entry before it.

Someone who can write to the database but does not hold the key cannot edit, insert or delete
an entry and recompute the hashes after it: every hash needs the key."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any, Protocol

from flask import current_app


class Hashable(Protocol):
    """What of an entry the chain covers."""

    id: int
    created_at: datetime
    action: str
    target: str
    details: dict[str, Any]
    actor_digest: str | None


def _mac(*parts: str) -> str:
    key = str(current_app.config["AUDIT_KEY"]).encode()
    message = "\x1f".join(parts).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def entry_content(entry: Hashable) -> str:
    """The entry as hashed: id, time, action, target, details and the actor's digest (the actor
    itself may be pseudonymised later; its digest stays)."""
    return json.dumps(
        [entry.id, entry.created_at.isoformat(timespec="microseconds"), entry.action,
         entry.target, entry.details, entry.actor_digest],
        sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str,
    )


def entry_hash(prev_hash: str, content: str) -> str:
    """The keyed hash of the previous entry's hash and this entry's content."""
    return _mac("entry", prev_hash, content)


def actor_digest(actor_id: int | None, actor: str) -> str:
    """A keyed digest of who acted: it proves the actor without showing it."""
    return _mac("actor", "" if actor_id is None else str(actor_id), actor)


def pseudonym_seal(digest: str, pseudonym: str) -> str:
    """Binds the pseudonym an erasure wrote to the actor digest it replaces."""
    return _mac("pseudonym", digest, pseudonym)


def checkpoint_signature(last_entry_id: int, last_hash: str, entries_purged: int) -> str:
    """The signature of a purge's checkpoint."""
    return _mac("checkpoint", str(last_entry_id), last_hash, str(entries_purged))


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two hashes (None never matches)."""
    return a is not None and b is not None and hmac.compare_digest(a, b)
