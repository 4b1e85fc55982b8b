"""Taking rows of a work queue for one worker: never the same row for two workers at once.

On PostgreSQL the due rows are locked with `FOR UPDATE SKIP LOCKED`, so concurrent workers each
get different rows in one round trip instead of racing for the same oldest ones. SQLite has one
writer at a time: each row is taken with a conditional UPDATE that only one caller can win."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute

from website.extensions import db, rowcount, utcnow


def unclaimed(lease: InstrumentedAttribute[datetime | None], now: datetime) -> ColumnElement[bool]:
    """The row is held by nobody: never claimed, or its holder's lease has lapsed."""
    return or_(lease.is_(None), lease < now)


def claim_rows(
    model: Any,
    due: ColumnElement[bool],
    lease: InstrumentedAttribute[datetime | None],
    lease_seconds: float,
    limit: int,
) -> list[int]:
    """Take up to `limit` rows matching `due` (oldest id first) that nobody holds, for
    `lease_seconds`; commits and returns the ids this caller now holds.

    `model` has an integer `id`; `lease` is its nullable "held until" column. The holder clears
    the lease (or moves the row out of `due`) when it records the outcome; a holder that dies
    lets the lease lapse and another worker takes the row again."""
    now = utcnow()
    held_until = now + timedelta(seconds=lease_seconds)
    free = (due, unclaimed(lease, now))
    query = select(model.id).where(*free).order_by(model.id).limit(limit)
    if db.engine.dialect.name == "postgresql":
        ids = list(db.session.scalars(query.with_for_update(skip_locked=True)))
        if ids:
            db.session.execute(update(model).where(model.id.in_(ids)).values({lease: held_until}),
                               execution_options={"synchronize_session": False})
        db.session.commit()
        return ids
    taken = []
    for row_id in db.session.scalars(query).all():
        result = db.session.execute(
            update(model).where(model.id == row_id, *free).values({lease: held_until}),
            execution_options={"synchronize_session": False},
        )
        if rowcount(result) == 1:
            taken.append(row_id)
    db.session.commit()
    return taken


def still_held(
    model: Any,
    lease: InstrumentedAttribute[datetime | None],
    row_id: int,
    held_until: datetime | None,
    extend_seconds: float,
) -> bool:
    """Just before a side effect (an email, a webhook): check the row is still held by this
    caller's claim (`held_until`, the lease it set) and extend it to `extend_seconds`; commits.

    False when the claim lapsed meanwhile (a long pause, an outage) and another worker may have
    taken the row: the caller must then leave it alone."""
    if held_until is None:
        return False
    result = db.session.execute(
        update(model).where(model.id == row_id, lease == held_until)
        .values({lease: utcnow() + timedelta(seconds=extend_seconds)}),
        execution_options={"synchronize_session": "fetch"},
    )
    db.session.commit()
    return rowcount(result) == 1


def still_held_rows(
    model: Any,
    lease: InstrumentedAttribute[datetime | None],
    row_ids: list[int],
    held_until: datetime | None,
    extend_seconds: float,
) -> list[int]:
    """`still_held` for rows claimed together (one lease value), in one UPDATE; commits and
    returns the ids still held (their lease extended)."""
    if held_until is None or not row_ids:
        return []
    result = db.session.execute(
        update(model).where(model.id.in_(row_ids), lease == held_until)
        .values({lease: utcnow() + timedelta(seconds=extend_seconds)}).returning(model.id),
        execution_options={"synchronize_session": False},
    )
    held = sorted(result.scalars())
    db.session.commit()
    return held
