"""The audit log as rows for the regulator's CSV (hashes included, so the copy can be checked
against the chain)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from website.audit import AuditEntry
from website.extensions import db

AUDIT_EXPORT_COLUMNS = ["id", "created_at", "actor", "actor_id", "action", "target", "details",
                        "prev_hash", "entry_hash"]


def audit_rows() -> Iterator[list[Any]]:
    """Every entry, oldest first, as rows of AUDIT_EXPORT_COLUMNS (details as JSON)."""
    columns = [getattr(AuditEntry, name) for name in AUDIT_EXPORT_COLUMNS]
    after = 0
    while True:
        query = select(*columns).where(AuditEntry.id > after).order_by(AuditEntry.id).limit(1000)
        batch = list(db.session.execute(query))
        for row in batch:
            values = list(row)
            values[6] = json.dumps(values[6], sort_keys=True, ensure_ascii=False)
            yield values
        if len(batch) < 1000:
            return
        after = batch[-1][0]
