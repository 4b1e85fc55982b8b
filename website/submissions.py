"""A form sent again is the same submission: stored once, emailed once, answered alike.

A browser that lost the answer (a cut connection, a timeout) or whose visitor pressed the button
again sends the same form again. The page's script puts a random key in the form's hidden
`submission` field when it is first sent (the page itself carries an empty field, so anonymous
pages stay the same bytes for everyone); the key is stored with the row it made, in the same
transaction, and a second POST with that key within WINDOW gets the first one's row back.
Only the key matches, never the content: two people sending the same words make two requests.
Without a key (no JavaScript) every POST is a submission of its own, as before."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from sqlalchemy import String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from website.extensions import Model, db, utcnow

WINDOW = timedelta(minutes=10)
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class FormSubmission(Model):
    """A submission key seen in the last WINDOW and the reference of the row it made."""

    __tablename__ = "form_submissions"

    # SHA-256 of the form's name and the browser's key: the key itself is never stored.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    form: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def usable_key(value: str | None) -> str | None:
    """The browser's key when it looks like one the page's script makes, else None."""
    return value if value and KEY_PATTERN.fullmatch(value) else None


def _hashed(form: str, key: str) -> str:
    return hashlib.sha256(f"{form}:{key}".encode()).hexdigest()


def earlier_reference(form: str, key: str | None) -> str | None:
    """The reference an earlier submission of this form with this key made, within WINDOW."""
    if key is None:
        return None
    return db.session.scalar(select(FormSubmission.reference).where(
        FormSubmission.key == _hashed(form, key),
        FormSubmission.created_at > utcnow() - WINDOW))


def record_submission(form: str, key: str | None, reference: str) -> None:
    """Keep the key with the row it made (the caller commits both together); a concurrent
    second submission with the same key then fails on the primary key at its commit."""
    if key is None:
        return
    # Expired keys go as new ones come: the table holds at most WINDOW of submissions. A live
    # one is never deleted here: the insert below must collide with it.
    db.session.execute(delete(FormSubmission).where(
        FormSubmission.created_at <= utcnow() - WINDOW),
        execution_options={"synchronize_session": False})
    db.session.add(FormSubmission(key=_hashed(form, key), form=form, reference=reference))
