"""Retention: delete what the policy says is past its time, in batches, and say how much.

The periods are configuration (RETENTION_DAYS, in days); what each kind means:

- page_views: first-party analytics events older than the period (2 years).
- unverified_rights_requests: never verified by email, created more than 30 days ago.
- closed_support_requests: closed more than 2 years ago (their replies go with them).
- closed_rights_requests: closed more than 24 months ago (the record the law asks us to keep).
- expired_tokens: password-reset tokens expired more than `expired_tokens` days ago.
- sent_email: outbox email delivered, or failed for good, more than 90 days ago (queued mail is
  never purged).
- consent_records: a consent record is proof for as long as the consent stands plus the proof
  period. It stops standing when a later decision with the same consent id supersedes it, or
  when it expires (CONSENT_MAX_AGE_DAYS after it was given). So a record goes once the proof
  period has run from the earlier of those two moments.
- Restricted data (Art. 18, website/processing.py) is skipped by every rule while the restriction
  stands: support and rights requests and sent email under the address, the account's consent
  records.

The audit log is not purged: it is the record of who did what, including these purges.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select
from sqlalchemy.orm import aliased

from website.accounts.models import PasswordResetToken, User
from website.audit import record_audit
from website.consent.models import ConsentRecord, PageView
from website.extensions import db, utcnow
from website.mail.models import OutboxEmail
from website.processing import RETENTION_PURGE, is_blocked
from website.rights.models import RightsRequest
from website.support.models import SupportRequest

retention_cli = AppGroup("retention", help="Data retention.")

Rule = Callable[[datetime, dict[str, int]], tuple[Any, ColumnElement[bool]]]


def _cutoff(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def _page_views(now: datetime, days: dict[str, int]) -> tuple[Any, ColumnElement[bool]]:
    return PageView, PageView.created_at < _cutoff(now, days["page_views"])


def _unverified_rights(now: datetime, days: dict[str, int]) -> tuple[Any, ColumnElement[bool]]:
    cutoff = _cutoff(now, days["unverified_rights_requests"])
    never_verified = and_(RightsRequest.verified_at.is_(None), RightsRequest.created_at < cutoff)
    return RightsRequest, and_(never_verified, _not_restricted(RightsRequest.email))


def _closed_support(now: datetime, days: dict[str, int]) -> tuple[Any, ColumnElement[bool]]:
    closed_long_ago = SupportRequest.closed_at < _cutoff(now, days["closed_support_requests"])
    return SupportRequest, and_(closed_long_ago, _not_restricted(SupportRequest.email))


def _closed_rights(now: datetime, days: dict[str, int]) -> tuple[Any, ColumnElement[bool]]:
    closed_long_ago = RightsRequest.closed_at < _cutoff(now, days["closed_rights_requests"])
    # Not counted twice: an old unverified request is already the rule above's.
    return RightsRequest, and_(closed_long_ago, ~_unverified_rights(now, days)[1],
                               _not_restricted(RightsRequest.email))


def _not_restricted(email: ColumnElement[str]) -> ColumnElement[bool]:
    """Restricted data (Art. 18) is kept, whatever its age, until the restriction is lifted."""
    return ~is_blocked(email, RETENTION_PURGE)


def _expired_tokens(now: datetime, days: dict[str, int]) -> tuple[Any, ColumnElement[bool]]:
    cutoff = _cutoff(now, days["expired_tokens"])
    return PasswordResetToken, PasswordResetToken.expires_at < cutoff


def _sent_email(now: datetime, days: dict[str, int]) -> tuple[Any, ColumnElement[bool]]:
    cutoff = _cutoff(now, days["sent_email"])
    # Mail that failed for good ends its life like delivered mail, counted from the failure.
    sent_long_ago = or_(OutboxEmail.sent_at < cutoff, OutboxEmail.failed_at < cutoff)
    return OutboxEmail, and_(sent_long_ago, _not_restricted(OutboxEmail.to_address))


def _consent_records(now: datetime, days: dict[str, int]) -> tuple[Any, ColumnElement[bool]]:
    proof_cutoff = _cutoff(now, days["consent_proof"])
    max_age = current_app.config["CONSENT_MAX_AGE_DAYS"]
    later = aliased(ConsentRecord)
    superseded_long_ago = exists().where(
        later.consent_id == ConsentRecord.consent_id,
        later.id > ConsentRecord.id,
        later.created_at < proof_cutoff,
    )
    expired_long_ago = ConsentRecord.created_at < proof_cutoff - timedelta(days=max_age)
    restricted_users = select(User.id).where(is_blocked(User.email, RETENTION_PURGE))
    not_restricted = or_(ConsentRecord.user_id.is_(None),
                         ConsentRecord.user_id.not_in(restricted_users))
    return ConsentRecord, and_(or_(expired_long_ago, superseded_long_ago), not_restricted)


RULES: dict[str, Rule] = {
    "page_views": _page_views,
    "unverified_rights_requests": _unverified_rights,
    "closed_support_requests": _closed_support,
    "closed_rights_requests": _closed_rights,
    "expired_tokens": _expired_tokens,
    "sent_email": _sent_email,
    "consent_records": _consent_records,
}


def purge(now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Delete (or, dry run, count) what is past its time; rows per kind. Audited when real."""
    now = now or utcnow()
    days = current_app.config["RETENTION_DAYS"]
    batch = max(int(current_app.config["RETENTION_BATCH_SIZE"]), 1)
    counts: dict[str, int] = {}
    for kind, rule in RULES.items():
        model, condition = rule(now, days)
        if dry_run:
            query = select(func.count()).select_from(model).where(condition)
            counts[kind] = db.session.scalar(query) or 0
        else:
            counts[kind] = _delete_in_batches(model, condition, batch)
    if dry_run:
        db.session.rollback()
    else:
        record_audit("retention.purge", target="retention", details=dict(counts), actor="cli")
        db.session.commit()
    return counts


def _delete_in_batches(model: Any, condition: ColumnElement[bool], batch: int) -> int:
    """Delete matching rows by id, a batch per transaction, so no lock is held for long."""
    deleted = 0
    while True:
        query = select(model.id).where(condition).order_by(model.id).limit(batch)
        ids = list(db.session.scalars(query))
        if not ids:
            return deleted
        result = db.session.execute(
            delete(model).where(model.id.in_(ids)), execution_options={"synchronize_session": False}
        )
        db.session.commit()
        deleted += result.rowcount
        if len(ids) < batch:
            return deleted


@retention_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
def purge_command(dry_run: bool) -> None:
    """Delete what the retention rules say is past its time (see RETENTION_DAYS), in batches."""
    counts = purge(dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    for kind, count in counts.items():
        click.echo(f"{kind}: {verb} {count}")
    click.echo(f"total: {verb} {sum(counts.values())}")
    if dry_run:
        click.echo("Dry run: nothing was deleted.")
