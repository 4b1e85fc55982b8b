"""What happens when a material revision is published: emails, the on-site notice, re-consent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, g, render_template
from sqlalchemy import DateTime, Integer, String, Text, insert, literal, select

from website.accounts.models import User
from website.extensions import db, utcnow
from website.mail.models import OutboxEmail
from website.policy.models import PolicyVersion
from website.policy.service import current_version, latest_material_version, today


@dataclass(frozen=True)
class MaterialNotice:
    """The on-site notice: which material version, since when, and where its diff is."""

    number: int
    effective_on: date
    diff_path: str


def previous_version(version: PolicyVersion) -> PolicyVersion | None:
    """The version that was (or will be) in force the day before this one takes effect."""
    return current_version(on=version.effective_on - timedelta(days=1))


def diff_path(version: PolicyVersion) -> str:
    """The public page showing what this version changed (the version itself when it is first)."""
    previous = previous_version(version)
    if previous is None:
        return f"/privacy/versions/{version.number}"
    return f"/privacy/diff?from={previous.number}&to={version.number}"


def announce_material_change(version: PolicyVersion) -> None:
    """Queue one email per registered user, in the caller's transaction, with one statement."""
    config = current_app.config
    context = {
        "version": version,
        "diff_url": config["SITE_URL"] + diff_path(version),
        "upcoming": version.effective_on > today(),
        "site_url": config["SITE_URL"],
    }
    changes = "changes" if context["upcoming"] else "changed"
    subject = f"Our privacy policy {changes} on {version.effective_on.strftime('%-d %B %Y')}"
    # Rendered once: the email is the same for everyone (no name), so 100,000 users cost one
    # INSERT ... SELECT in the database instead of 100,000 renders and round trips.
    body_text = render_template("mail/policy_changed.txt", **context)
    body_html = render_template("mail/policy_changed.html", **context)
    now = utcnow()
    rows = select(
        User.email,
        literal(subject, String),
        literal(body_text, Text),
        literal(body_html, Text),
        literal(now, DateTime),
        literal(now, DateTime),
        literal(0, Integer),
        literal("", String),
    ).order_by(User.id)
    columns = [
        "to_address", "subject", "body_text", "body_html",
        "created_at", "next_attempt_at", "attempts", "last_error",
    ]
    db.session.execute(insert(OutboxEmail).from_select(columns, rows))
    g.mail_queued = True


def current_notice(on: date | None = None) -> MaterialNotice | None:
    """The material revision to announce on the site: in force for at most POLICY_NOTICE_DAYS."""
    on = on or today()
    version = latest_material_version(on)
    if version is None:
        return None
    days = current_app.config["POLICY_NOTICE_DAYS"]
    if (on - version.effective_on).days >= days:
        return None
    return MaterialNotice(version.number, version.effective_on, diff_path(version))


def consent_outdated(policy_version: int | None, on: date | None = None) -> bool:
    """The re-consent rule: True when consent was given before the latest material revision."""
    version = latest_material_version(on)
    if version is None:
        return False
    return policy_version is None or policy_version < version.number
