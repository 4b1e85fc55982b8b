"""Retention: THE list of what the site keeps, for how long, why, and what happens at the end.

`RETENTION_RULES` is read by the purge (the rules with a `past_its_time` query), by the public
page /privacy/retention and by the Art. 30 record /admin/processing, so what is published is
what runs. Periods are configuration (RETENTION_DAYS, in days). The consent-record rule: a
record is proof for as long as the consent stands plus the proof period; it stops standing when a
later decision with the same consent id supersedes it, or when it expires
(CONSENT_MAX_AGE_DAYS after it was given).

The purge runs once a day from the site itself (website/scheduled.py) or by `flask retention
purge`; each real run is audited, and the audit log itself goes after RETENTION_AUDIT_DAYS.
Restricted data (Art. 18, website/processing.py) is skipped by every rule while the restriction
stands: support and rights requests and sent email under the address, the account's consent
records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import ColumnElement, SQLColumnExpression, and_, delete, exists, func, or_, select
from sqlalchemy.orm import aliased

from website.accounts.models import EmailConfirmation, PasswordResetToken, User
from website.audit import AuditEntry, record_audit, seal_before_purge
from website.consent.models import ConsentRecord, PageView
from website.extensions import db, rowcount, utcnow
from website.i18n import Text
from website.i18n import lazy_gettext as _l
from website.incidents.models import Incident
from website.mail.models import OutboxEmail
from website.processing import RETENTION_PURGE, is_blocked
from website.rights.models import RightsRequest
from website.scheduled import ScheduledRun, last_run, register_daily
from website.subprocessors.models import Subscriber
from website.support.models import SupportRequest
from website.systems.models import RequestTask, TaskUpload

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


def _not_restricted(email: SQLColumnExpression[str]) -> ColumnElement[bool]:
    """Restricted data (Art. 18) is kept, whatever its age, until the restriction is lifted."""
    return ~is_blocked(email, RETENTION_PURGE)


def _expired_tokens(now: datetime, days: dict[str, int]) -> tuple[Any, ColumnElement[bool]]:
    cutoff = _cutoff(now, days["expired_tokens"])
    return PasswordResetToken, PasswordResetToken.expires_at < cutoff


def _expired_confirmations(now: datetime, days: dict[str, int]) -> tuple[Any, ColumnElement[bool]]:
    cutoff = _cutoff(now, days["expired_tokens"])
    return EmailConfirmation, EmailConfirmation.expires_at < cutoff


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


def _system_exports(now: datetime, days: dict[str, int]) -> tuple[Any, ColumnElement[bool]]:
    cutoff = _cutoff(now, days["system_exports"])
    closed = select(RightsRequest.id).where(RightsRequest.closed_at < cutoff)
    tasks_of_closed = select(RequestTask.id).where(RequestTask.request_id.in_(closed))
    return TaskUpload, TaskUpload.task_id.in_(tasks_of_closed)


def _unconfirmed_subscribers(now: datetime,
                             days: dict[str, int]) -> tuple[Any, ColumnElement[bool]]:
    cutoff = _cutoff(now, days["unconfirmed_subscribers"])
    return Subscriber, and_(Subscriber.confirmed_at.is_(None), Subscriber.created_at < cutoff)


def _incidents(now: datetime, days: dict[str, int]) -> tuple[Any, ColumnElement[bool]]:
    return Incident, Incident.aware_at < _cutoff(now, days["incidents"])


def _audit_log(now: datetime, days: dict[str, int]) -> tuple[Any, ColumnElement[bool]]:
    # Entries are written in time order, so this is a prefix of the hash chain: the purge
    # signs a checkpoint naming its last entry, and what is left still verifies from there.
    return AuditEntry, AuditEntry.created_at < _cutoff(now, days["audit_log"])


@dataclass(frozen=True)
class RetentionRule:
    """One kind of data: how long it is kept, from when, and what happens at the end (its
    purposes and legal basis are its entry's in the processing register,
    website/records/register.py)."""

    key: str
    data: Text
    counted_from: Text
    at_end: Text
    past_its_time: Rule | None = None
    period: Text = ""
    days_key: str = ""

    def days(self, config: Any) -> int | None:
        """The period in days from RETENTION_DAYS; None for data kept while it is in use."""
        if self.past_its_time is None:
            return None
        return int(config["RETENTION_DAYS"][self.days_key or self.key])


DELETED = _l("Deleted")

RETENTION_RULES: list[RetentionRule] = [
    RetentionRule("accounts", _l("Accounts: name, organisation, email, phone, address, password "
                                 "hash"),
                  "", _l("Erased when you delete your account or we approve a deletion "
                         "request"), period=_l("as long as the account exists")),
    RetentionRule("page_views", _l("Page views (our own analytics: page, time, referring site, "
                                   "random visitor id)"), _l("the visit"), DELETED, _page_views),
    RetentionRule("consent_records", _l("Proof of cookie consent (consent id, choice, date, "
                                        "browser family, fingerprints of what was shown)"),
                  _l("the day the choice was replaced or expired"),
                  DELETED, _consent_records, days_key="consent_proof"),
    RetentionRule("unverified_rights_requests", _l("Data-rights requests never confirmed by "
                                                   "email"),
                  _l("the request"), DELETED, _unverified_rights),
    RetentionRule("closed_rights_requests", _l("Data-rights requests and their history, once "
                                               "closed"), _l("closing"), DELETED, _closed_rights),
    RetentionRule("system_exports", _l("Exports our other systems sent for your access request"),
                  _l("closing"), DELETED, _system_exports),
    RetentionRule("processing_limits", _l("Restrictions and objections you made"), "",
                  _l("Erased with the rest of your data"),
                  period=_l("until your data is erased")),
    RetentionRule("closed_support_requests", _l("Support requests and our replies, once closed"),
                  _l("closing"), _l("Deleted with their replies"), _closed_support),
    RetentionRule("sent_email", _l("Emails we sent (recipient, subject and dates; the body is "
                                   "dropped at delivery)"), _l("delivery or final failure"),
                  DELETED, _sent_email),
    RetentionRule("expired_tokens", _l("Password-reset links (a hash of the token)"),
                  _l("expiry"), DELETED, _expired_tokens),
    RetentionRule("expired_confirmations",
                  _l("Email-confirmation links (the address to confirm and a hash of the token)"),
                  _l("expiry"), DELETED, _expired_confirmations, days_key="expired_tokens"),
    RetentionRule("incidents", _l("Breach register: what happened, its effects, the decisions "
                                  "and the notices sent"), _l("the day we became aware"),
                  _l("Deleted with their notices"), _incidents),
    RetentionRule("unconfirmed_subscribers",
                  _l("Subscriptions to the sub-processor list never confirmed"),
                  _l("the subscription"), DELETED, _unconfirmed_subscribers),
    RetentionRule("subscribers", _l("Subscriptions to the sub-processor list and objections"),
                  "", _l("Deleted when you unsubscribe"), period=_l("until you unsubscribe")),
    RetentionRule("audit_log", _l("Audit log of admin actions (who did what, when)"),
                  _l("the action"), DELETED, _audit_log),
]


def purged_kinds() -> list[tuple[str, Rule]]:
    """Each kind the purge deletes, with its query (the other kinds are kept while in use)."""
    return [(r.key, r.past_its_time) for r in RETENTION_RULES if r.past_its_time is not None]


def purge(
    now: datetime | None = None, dry_run: bool = False, actor: str = "cli"
) -> dict[str, int]:
    """Delete (or, dry run, count) what is past its time; rows per kind. Audited when real."""
    now = now or utcnow()
    days = current_app.config["RETENTION_DAYS"]
    batch = max(int(current_app.config["RETENTION_BATCH_SIZE"]), 1)
    counts: dict[str, int] = {}
    for kind, past_its_time in purged_kinds():
        model, condition = past_its_time(now, days)
        if dry_run:
            query = select(func.count()).select_from(model).where(condition)
            counts[kind] = db.session.scalar(query) or 0
        else:
            if model is AuditEntry:
                seal_before_purge(condition)
            counts[kind] = _delete_in_batches(model, condition, batch)
    if dry_run:
        db.session.rollback()
    else:
        record_audit("retention.purge", target="retention", details=dict(counts), actor=actor)
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
        deleted += rowcount(result)
        if len(ids) < batch:
            return deleted


def daily_purge() -> dict[str, int]:
    """The purge as the site runs it by itself once a day."""
    return purge(actor="site (daily)")


def last_purge() -> ScheduledRun | None:
    """When the site's own daily purge last ran and what it deleted (None before the first)."""
    return last_run("retention")


def register_retention(app: Flask) -> None:
    """Run the purge from the site itself, at most once a day (RETENTION_AUTORUN)."""
    register_daily(app, "retention", daily_purge, "RETENTION_AUTORUN")


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
