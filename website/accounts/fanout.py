"""One email to many accounts, in batches, in each account's language: the outbox's fan-out.

Policy announcements (website/policy/announce.py) and breach notices (website/incidents/) both
walk the users table by id in batches: each batch is one INSERT ... SELECT that picks the body
by the user's locale, so nothing is rendered or sent per user inside a request. The caller
keeps its own cursor (the last user id queued) and decides who is wanted; this module only
queues a batch. Who may be told at all is the caller's rule: an address counts only once its
owner followed a link sent to it (User.email_confirmed_at; see website/accounts/service.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    String,
    Text,
    case,
    func,
    insert,
    literal,
    select,
)

from website.accounts.models import User
from website.extensions import db, utcnow
from website.i18n import DEFAULT_LOCALE
from website.mail.models import OutboxEmail

BATCH = 10_000


@dataclass(frozen=True)
class LocalisedEmail:
    """One email in one language."""

    subject: str
    body_text: str
    body_html: str


def confirmed_address() -> ColumnElement[bool]:
    """Accounts whose address was proved by a followed link (an unproved one may be a
    stranger's): the only accounts a fan-out may write to."""
    return User.email_confirmed_at.is_not(None)


def in_their_language(
    emails: dict[str, LocalisedEmail], part: str, kind: type
) -> ColumnElement[Any]:
    """One part of the email (subject, body_text, body_html) in each user's language, as SQL:
    English for every locale without its own email."""
    english: ColumnElement[Any] = literal(getattr(emails[DEFAULT_LOCALE], part), kind)
    branches: list[tuple[ColumnElement[bool], ColumnElement[Any]]] = [
        (User.locale == code, literal(getattr(email, part), kind))
        for code, email in emails.items() if code != DEFAULT_LOCALE
    ]
    # "CASE ELSE x END" is no SQL: with English alone, English it is.
    return case(*branches, else_=english) if branches else english


def next_batch_end(last_user_id: int, up_to_user_id: int, size: int = BATCH) -> int | None:
    """The highest user id of the next batch after `last_user_id` (None when none is left)."""
    return db.session.scalar(
        select(func.max(User.id)).where(
            User.id.in_(
                select(User.id)
                .where(User.id > last_user_id, User.id <= up_to_user_id)
                .order_by(User.id)
                .limit(size)
            )
        )
    )


def queue_batch(
    emails: dict[str, LocalisedEmail], wanted: ColumnElement[bool], after_user_id: int,
    up_to_user_id: int, reference: str = "",
) -> int:
    """Queue the email to the wanted users with after_user_id < id <= up_to_user_id whose
    address is confirmed, each in their language (in the caller's transaction); how many."""
    now = utcnow()
    in_batch = (User.id > after_user_id) & (User.id <= up_to_user_id) & wanted
    in_batch = in_batch & confirmed_address()
    columns = [
        "to_address", "subject", "body_text", "body_html",
        "created_at", "next_attempt_at", "attempts", "last_error", "reference",
    ]
    rows = select(
        User.email,
        in_their_language(emails, "subject", String),
        in_their_language(emails, "body_text", Text),
        in_their_language(emails, "body_html", Text),
        literal(now, DateTime),
        literal(now, DateTime),
        literal(0, Integer),
        literal("", String),
        literal(reference, String),
    ).where(in_batch)
    db.session.execute(insert(OutboxEmail).from_select(columns, rows))
    # INSERT ... SELECT reports no row count on every driver: count the batch instead.
    return db.session.scalar(select(func.count()).select_from(User).where(in_batch)) or 0
