"""What happens when a material revision is published: emails, the on-site notice, re-consent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, render_template
from sqlalchemy import ColumnElement, func, select, update

from website.accounts.fanout import LocalisedEmail, confirmed_address, next_batch_end, queue_batch
from website.accounts.models import User
from website.extensions import db, rowcount, utcnow
from website.i18n import DEFAULT_LOCALE, language
from website.i18n import gettext as _
from website.policy.models import PolicyAnnouncement, PolicyVersion
from website.policy.service import (
    VersionRef,
    current_version,
    get_version,
    latest_material_version,
    remembered,
    today,
)
from website.policy.translations import TRANSLATED_LANGUAGES, find_translation
from website.processing import ANNOUNCEMENTS, is_blocked
from website.templating import human_date


@dataclass(frozen=True)
class MaterialNotice:
    """The on-site notice: which material version, since when, and where its diff is."""

    number: int
    effective_on: date
    diff_path: str


def previous_version(version: PolicyVersion | VersionRef) -> PolicyVersion | None:
    """The version that was (or will be) in force the day before this one takes effect."""
    return current_version(on=version.effective_on - timedelta(days=1))


def diff_path(version: PolicyVersion | VersionRef) -> str:
    """The public page showing what this version changed (the version itself when it is first)."""
    previous = previous_version(version)
    if previous is None:
        return f"/privacy/versions/{version.number}"
    return f"/privacy/diff?from={previous.number}&to={version.number}"


ANNOUNCEMENT_BATCH = 10_000


def announcement_email(version: PolicyVersion, locale: str) -> LocalisedEmail:
    """The email announcing `version` to readers of `locale`: the site's words in their language,
    and the summary of the version's translation when there is one, else the English summary."""
    with language(locale):
        prefix = "" if locale == DEFAULT_LOCALE else "/" + locale
        site_url = current_app.config["SITE_URL"] + prefix
        translation = (find_translation(version.id, locale) if locale != DEFAULT_LOCALE
                       else None)
        upcoming = version.effective_on > today()
        context = {
            "version": version,
            "summary": translation.summary if translation else version.summary,
            "summary_in_english": translation is None and locale != DEFAULT_LOCALE,
            "diff_url": site_url + diff_path(version),
            "upcoming": upcoming,
            "site_url": site_url,
            "locale": locale,
        }
        when = human_date(version.effective_on)
        subject = (_("Our privacy policy changes on %(date)s", date=when) if upcoming
                   else _("Our privacy policy changed on %(date)s", date=when))
        return LocalisedEmail(
            subject=subject,
            body_text=render_template("mail/policy_changed.txt", **context),
            body_html=render_template("mail/policy_changed.html", **context),
        )


def announce_material_change(version: PolicyVersion) -> None:
    """Queue the announcement in the caller's transaction: the first batch now, the rest later."""
    # The English email is kept with the announcement (what was said, for the record); the
    # German and French ones are rendered as each batch is queued (see queue_next_batch).
    english = announcement_email(version, DEFAULT_LOCALE)
    announcement = PolicyAnnouncement(
        version_number=version.number,
        subject=english.subject,
        body_text=english.body_text,
        body_html=english.body_html,
        last_user_id=0,
        up_to_user_id=db.session.scalar(select(func.max(User.id))) or 0,
    )
    db.session.add(announcement)
    db.session.flush()
    queue_next_batch(announcement)


def emails_by_language(announcement: PolicyAnnouncement) -> dict[str, LocalisedEmail]:
    """The announcement in every language: English as stored, the others rendered now (so a
    translation attached since the first batch lends its summary to the later ones)."""
    emails = {DEFAULT_LOCALE: LocalisedEmail(
        announcement.subject, announcement.body_text, announcement.body_html
    )}
    version = get_version(announcement.version_number)
    if version is not None:
        for locale in TRANSLATED_LANGUAGES:
            emails[locale] = announcement_email(version, locale)
    return emails


def queue_next_batch(announcement: PolicyAnnouncement) -> int:
    """Queue the email for the next batch of users (in the caller's transaction); how many.

    The email has no name in it, so it is one body per language, picked by the user's locale in
    one INSERT ... SELECT instead of a render and a round trip per user."""
    upper = next_batch_end(announcement.last_user_id, announcement.up_to_user_id,
                           ANNOUNCEMENT_BATCH)
    if upper is None:
        announcement.finished_at = utcnow()
        return 0
    queued = queue_batch(emails_by_language(announcement), announced_to(),
                         announcement.last_user_id, upper)
    # Moving the cursor only from the value this worker read makes a racing worker's update
    # match no row, so each user is queued exactly once.
    moved = rowcount(db.session.execute(
        update(PolicyAnnouncement)
        .where(
            PolicyAnnouncement.id == announcement.id,
            PolicyAnnouncement.last_user_id == announcement.last_user_id,
        )
        .values(last_user_id=upper, finished_at=utcnow() if upper >= announcement.up_to_user_id
                else None)
        .execution_options(synchronize_session=False)
    ))
    if moved != 1:
        raise StaleAnnouncementError(announcement.version_number)
    return queued


class StaleAnnouncementError(RuntimeError):
    """Another worker queued this batch first."""


def continue_announcements(max_batches: int = 1000) -> int:
    """Queue the batches still owed by unfinished announcements, one commit each; how many."""
    queued = 0
    for _batch in range(max_batches):
        announcement = db.session.scalar(
            select(PolicyAnnouncement)
            .where(PolicyAnnouncement.finished_at.is_(None))
            .order_by(PolicyAnnouncement.id)
            .limit(1)
        )
        if announcement is None:
            break
        try:
            queued += queue_next_batch(announcement)
            db.session.commit()
        except StaleAnnouncementError:
            db.session.rollback()
        db.session.expire_all()
    return queued


def current_notice(on: date | None = None) -> MaterialNotice | None:
    """The material revision to announce on the site: in force for at most POLICY_NOTICE_DAYS."""
    on = on or today()
    version = latest_material_version(on)
    if version is None:
        return None
    days = current_app.config["POLICY_NOTICE_DAYS"]
    if (on - version.effective_on).days >= days:
        return None
    return remembered(
        ("notice", version),
        lambda: MaterialNotice(version.number, version.effective_on, diff_path(version)),
    )


def announced_to() -> ColumnElement[bool]:
    """Who gets a material revision's email: accounts whose address was proved (an unproved one
    may be a stranger's), minus objections and restrictions (website/processing.py)."""
    return confirmed_address() & ~is_blocked(User.email, ANNOUNCEMENTS)


def announcement_recipients() -> int:
    """How many people a material revision published now would email (objections and
    restrictions left out, as the batches leave them out)."""
    wanted = announced_to()
    return db.session.scalar(select(func.count()).select_from(User).where(wanted)) or 0
