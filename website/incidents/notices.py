"""Telling the people affected by a breach (GDPR Art. 34): by email in batches, or in public.

Emails go through the outbox's fan-out (website/accounts/fanout.py, shared with the policy
announcements): batches of one INSERT ... SELECT, each account in its own language, and only
to accounts whose address is confirmed (its owner followed a link sent there). A pasted address
counts only when an account has confirmed it (website/incidents/recipients.py); anyone else
is listed as not told. Each email carries the notice's reference, so the outbox counts what was
sent, what failed and what is pending.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from sqlalchemy import ColumnElement, func, insert, select, update

from website.accounts.fanout import (
    BATCH,
    LocalisedEmail,
    confirmed_address,
    next_batch_end,
    queue_batch,
)
from website.accounts.models import User
from website.audit import Actor, record_audit
from website.extensions import db, rowcount, utcnow
from website.i18n import DEFAULT_LOCALE, language
from website.incidents.models import Incident, IncidentNotice, IncidentRecipient
from website.incidents.recipients import Recipients
from website.mail.models import OutboxEmail
from website.mail.service import one_line
from website.references import new_reference

AUDIENCES = {
    "accounts": "Accounts, by account number",
    "addresses": "A list of email addresses",
    "everyone": "Everyone with a confirmed address",
    "public": "Nobody by email: publish a public notice instead (Art. 34(3)(c))",
}
EMAILED = ("accounts", "addresses", "everyone")
LANGUAGES = ("de", "fr")
# The admin's confirming request queues this many; the outbox's senders queue the rest in
# batches of BATCH (website/mail/service.py `before_delivery`), so the request stays short.
FIRST_BATCH = 1_000


@dataclass(frozen=True)
class NoticeText:
    """The notice as the admin wrote it: English, and German and French where given."""

    subject: str
    body: str
    subject_de: str = ""
    body_de: str = ""
    subject_fr: str = ""
    body_fr: str = ""

    def in_language(self, locale: str) -> tuple[str, str]:
        """(subject, body) in `locale`, English when that language has no text."""
        subject = getattr(self, f"subject_{locale}", "") if locale in LANGUAGES else ""
        body = getattr(self, f"body_{locale}", "") if locale in LANGUAGES else ""
        return (subject, body) if subject and body else (self.subject, self.body)


def notice_emails(incident: Incident, notice: IncidentNotice) -> dict[str, LocalisedEmail]:
    """The notice's email in each language of the site: the admin's text in that language
    where written (else the English text), the site's own words always in that language."""
    text = notice_text(notice)
    emails = {}
    for locale in (DEFAULT_LOCALE, *LANGUAGES):
        subject, body = text.in_language(locale)
        with language(locale):
            context = {"incident": incident, "notice": notice, "body": body,
                       "subject": one_line(subject)}
            emails[locale] = LocalisedEmail(
                subject=one_line(subject),
                body_text=render_template("mail/incident_notice.txt", **context),
                body_html=render_template("mail/incident_notice.html", **context),
            )
    return emails


def notice_text(notice: IncidentNotice) -> NoticeText:
    """The texts stored with a notice."""
    return NoticeText(notice.subject, notice.body, notice.subject_de, notice.body_de,
                      notice.subject_fr, notice.body_fr)


def send_notice(incident: Incident, audience: str, text: NoticeText, recipients: Recipients,
                actor: Actor) -> IncidentNotice:
    """Email the notice: the first batch is queued now, the rest as the outbox is delivered.
    Committed and audited."""
    notice = _new_notice(incident, audience, text, actor)
    notice.recipients = recipients.count
    notice.up_to_user_id = db.session.scalar(select(func.max(User.id))) or 0
    db.session.flush()
    if not recipients.everyone and recipients.user_ids:
        db.session.execute(insert(IncidentRecipient), [
            {"notice_id": notice.id, "user_id": user_id} for user_id in recipients.user_ids])
    record_audit("incident.notify_people", target=incident.reference, details={
        "notice": notice.reference, "audience": audience, "recipients": recipients.count,
        "not_told": len(recipients.not_told),
    }, actor_id=actor.id, actor=actor.email)
    queue_next_notice_batch(notice, FIRST_BATCH)
    db.session.commit()
    return notice


def publish_notice(incident: Incident, text: NoticeText, actor: Actor) -> IncidentNotice:
    """Publish the notice as a public page (Art. 34(3)(c)); committed and audited."""
    notice = _new_notice(incident, "public", text, actor)
    notice.published_at = notice.finished_at = utcnow()
    db.session.flush()
    record_audit("incident.publish_notice", target=incident.reference,
                 details={"notice": notice.reference}, actor_id=actor.id, actor=actor.email)
    db.session.commit()
    return notice


def _new_notice(incident: Incident, audience: str, text: NoticeText, actor: Actor
                ) -> IncidentNotice:
    notice = IncidentNotice(
        incident_id=incident.id, reference=new_reference("BN"), audience=audience,
        subject=text.subject, body=text.body, subject_de=text.subject_de, body_de=text.body_de,
        subject_fr=text.subject_fr, body_fr=text.body_fr, created_by=actor.email,
    )
    db.session.add(notice)
    return notice


def wanted_by(notice: IncidentNotice) -> ColumnElement[bool]:
    """The accounts the notice is for (confirmation is checked again at each batch)."""
    if notice.audience == "everyone":
        return User.id.is_not(None)
    picked = select(IncidentRecipient.user_id).where(IncidentRecipient.notice_id == notice.id)
    return User.id.in_(picked)


class StaleNoticeError(RuntimeError):
    """Another worker queued this batch first."""


def queue_next_notice_batch(notice: IncidentNotice, size: int | None = None) -> int:
    """Queue the next batch of the notice's emails (in the caller's transaction); how many."""
    upper = next_batch_end(notice.last_user_id, notice.up_to_user_id, size or BATCH)
    if upper is None:
        notice.finished_at = utcnow()
        return 0
    queued = queue_batch(notice_emails(notice.incident, notice), wanted_by(notice),
                         notice.last_user_id, upper, reference=notice.reference)
    # The cursor moves only from the value read here: a racing worker's update matches nothing.
    moved = rowcount(db.session.execute(
        update(IncidentNotice)
        .where(IncidentNotice.id == notice.id, IncidentNotice.last_user_id == notice.last_user_id)
        .values(last_user_id=upper,
                finished_at=utcnow() if upper >= notice.up_to_user_id else None)
        .execution_options(synchronize_session=False)
    ))
    if moved != 1:
        raise StaleNoticeError(notice.reference)
    return queued


def continue_notices(max_batches: int = 1000) -> int:
    """Queue the batches still owed by unfinished notices, one commit each; how many."""
    queued = 0
    for _batch in range(max_batches):
        notice = db.session.scalar(
            select(IncidentNotice).where(IncidentNotice.finished_at.is_(None))
            .order_by(IncidentNotice.id).limit(1))
        if notice is None:
            break
        try:
            queued += queue_next_notice_batch(notice)
            db.session.commit()
        except StaleNoticeError:
            db.session.rollback()
        db.session.expire_all()
    return queued


@dataclass(frozen=True)
class NoticeCounts:
    """Where a notice's emails are: delivered, failed for good, not yet delivered."""

    sent: int
    failed: int
    pending: int


def notice_counts(notice: IncidentNotice) -> NoticeCounts:
    """Sent, failed and pending emails of a notice (pending: queued or still to be queued)."""
    mine = OutboxEmail.reference == notice.reference
    sent = _count(mine, OutboxEmail.sent_at.is_not(None))
    failed = _count(mine, OutboxEmail.failed_at.is_not(None))
    queued = _count(mine)
    not_queued = 0
    if notice.finished_at is None:
        not_queued = db.session.scalar(select(func.count()).select_from(User).where(
            User.id > notice.last_user_id, User.id <= notice.up_to_user_id,
            wanted_by(notice), confirmed_address())) or 0
    return NoticeCounts(sent=sent, failed=failed, pending=queued - sent - failed + not_queued)


def _count(*where: ColumnElement[bool]) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxEmail).where(*where)) or 0


def public_notice(reference: str) -> IncidentNotice | None:
    """A published public notice, or None (emailed notices have no public page)."""
    return db.session.scalar(select(IncidentNotice).where(
        IncidentNotice.reference == reference, IncidentNotice.published_at.is_not(None)))
