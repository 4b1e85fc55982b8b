"""The outbox: queue email with the change that causes it; deliver it by SMTP afterwards."""

from __future__ import annotations

import logging
import re
import smtplib
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app, render_template
from sqlalchemy import ColumnElement, and_, delete, func, select, update
from sqlalchemy.exc import SQLAlchemyError

from website.config import MAIL_RETRY_SECONDS
from website.extensions import db, rowcount, utcnow
from website.i18n import language
from website.jobs import Job, claim_rows, register_job, still_held, unclaimed
from website.mail.message import Mailer, deliver, one_line
from website.mail.models import OutboxEmail

__all__ = ["Mailer", "deliver", "one_line"]  # the SMTP side, for callers of the outbox

log = logging.getLogger(__name__)

# A sender's hold on the emails it took; a sender that dies lets them go after this.
CLAIM_SECONDS = 120
# Just before an email is handed to SMTP its hold becomes the record of that attempt, kept until
# the outcome is stored. Only a sender that died in between lets it lapse; the email then goes
# again, with the same Message-ID (website/mail/message.py), so the receiver can drop the copy.
ATTEMPT_SECONDS = 900
# Emails one sender takes at a time (the other workers take the next ones).
CLAIM_BATCH = 10
# How long a sender retries recording a send before leaving it to its next round.
RECORD_RETRY_SECONDS = 20.0
# Sends this process made whose record the database has not stored yet.
_UNRECORDED: set[int] = set()
MAX_BACKOFF = timedelta(hours=6)
# Emails one round of the job runner sends before it looks at its other jobs.
MAIL_ROUND = 50


def queue_email(
    to: str, subject: str, template: str, locale: str | None = None, reference: str = "",
    **context: Any,
) -> OutboxEmail:
    """Render `templates/mail/<template>.txt/.html` into the outbox in the recipient's language;
    the caller commits.

    `locale` is the language stored with the account or request the email is about (None: the
    language being rendered, e.g. a row not yet flushed takes the page's). `subject` may be a
    lazy string (`_l`): it is translated here, in that language. `reference` names the support
    or rights request the email is about (shown on its page if delivery fails for good)."""
    with language(locale):
        subject = one_line(str(subject))
        context.setdefault("subject", subject)
        email = OutboxEmail(
            to_address=to,
            subject=subject,
            reference=reference,
            body_text=render_template(f"mail/{template}.txt", **context),
            body_html=render_template(f"mail/{template}.html", **context),
        )
    db.session.add(email)
    return email


def backoff(attempts: int, first: float = MAIL_RETRY_SECONDS) -> timedelta:
    """Wait before the next try: 15 s, 30 s, 1, 2, 4 ... minutes (from `first`, the setting
    MAIL_RETRY_SECONDS), at most six hours (a relay that was away for a moment is tried again
    soon; one away for hours is not hammered)."""
    return min(timedelta(seconds=first * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _due(now: datetime) -> ColumnElement[bool]:
    # Due again only after its backoff: another sender may have just failed it.
    return and_(OutboxEmail.sent_at.is_(None), OutboxEmail.failed_at.is_(None),
                OutboxEmail.next_attempt_at <= now)


def claim(email_id: int) -> bool:
    """Take one email for this sender; False when another sender holds it or it is sent."""
    now = utcnow()
    result = db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == email_id, _due(now), unclaimed(OutboxEmail.claimed_until, now))
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS)),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    if rowcount(result) != 1:
        return False
    # The session's copy now carries this sender's claim (deliver_one checks it is still ours).
    db.session.get(OutboxEmail, email_id, populate_existing=True)
    return True


def due_ids(limit: int) -> list[int]:
    """Ids of queued email whose next try has come, oldest first."""
    query = select(OutboxEmail.id).where(_due(utcnow())).order_by(OutboxEmail.id).limit(limit)
    return list(db.session.scalars(query))


def queued_count() -> int:
    """How many emails are not yet delivered (due now or waiting for a retry)."""
    query = select(func.count()).select_from(OutboxEmail).where(
        OutboxEmail.sent_at.is_(None), OutboxEmail.failed_at.is_(None))
    return db.session.scalar(query) or 0


def send_pending(limit: int = 500) -> tuple[int, int]:
    """Deliver what is due, a few claimed at a time; what fails stays queued with its attempt
    count. (sent, failed)"""
    record_unrecorded()
    sent = failed = 0
    with Mailer() as mailer:
        while sent + failed < limit:
            batch = claim_rows(OutboxEmail, _due(utcnow()), OutboxEmail.claimed_until,
                               CLAIM_SECONDS, min(CLAIM_BATCH, limit - sent - failed))
            if not batch:
                break
            for email_id in batch:
                # Fresh from the database: its claimed_until is this sender's claim.
                email = db.session.get(OutboxEmail, email_id, populate_existing=True)
                if email is not None and deliver_one(mailer, email):
                    sent += 1
                else:
                    failed += 1
    return sent, failed


def deliver_one(mailer: Mailer, email: OutboxEmail) -> bool:
    """Send one claimed email and record the outcome (sent, or queued again); True when sent.

    The claim is this attempt's record: it stays until the outcome is stored. A send whose
    record cannot be committed (the database went away) is kept and recorded again until it
    is stored; nobody else takes the email meanwhile."""
    if not hold_for_attempt(email):
        return False
    try:
        mailer.send(email)
    except Exception as error:  # noqa: BLE001 - any failure keeps the email queued
        record_failure(email, error)
        db.session.commit()
        return False
    keep_sent(email.id)
    return True


def hold_for_attempt(email: OutboxEmail) -> bool:
    """Record that this email is being sent (committed before the send): its claim, if still
    this sender's, now lasts ATTEMPT_SECONDS, long past any outage its outcome may have to wait
    out. False when the claim lapsed and another sender may have taken the email."""
    return still_held(OutboxEmail, OutboxEmail.claimed_until, email.id, email.claimed_until,
                      ATTEMPT_SECONDS)


def record_sent(email_id: int) -> None:
    """Store that the email has gone, and forget its body; commits."""
    db.session.execute(
        update(OutboxEmail).where(OutboxEmail.id == email_id).values(
            attempts=OutboxEmail.attempts + 1, sent_at=utcnow(), last_error="",
            claimed_until=None, body_text="", body_html=""),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    _UNRECORDED.discard(email_id)


def keep_sent(email_id: int) -> None:
    """Record a send, retrying through a short database outage; when the database stays away,
    the send is remembered in this process and recorded before its next delivery round."""
    _UNRECORDED.add(email_id)
    deadline = time.monotonic() + RECORD_RETRY_SECONDS
    pause = 0.1
    while True:
        try:
            record_sent(email_id)
            return
        except SQLAlchemyError:
            db.session.rollback()
            if time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 2.0)


def record_unrecorded() -> None:
    """Store the sends this process made whose record the database missed."""
    for email_id in sorted(_UNRECORDED):
        record_sent(email_id)


def forget_body(email: OutboxEmail) -> None:
    """Drop the body once it has gone (or never will): its links and tokens must not stay at
    rest. The recipient, subject and dates are what the outbox keeps as a record."""
    email.body_text = ""
    email.body_html = ""


def is_permanent(error: Exception) -> bool:
    """True for a failure a retry cannot fix: a 5xx answer, or a message that cannot be built."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return isinstance(error, (ValueError, UnicodeError))


PRODUCERS = "mail.before_delivery"


def before_delivery(app: Flask, producer: Callable[[], object]) -> None:
    """Run `producer()` before each delivery round: it may queue more mail first.

    The factory registers the policy announcement's batches (website/policy/announce.py):
    whoever delivers mail also carries that fan-out forward, without mail importing policy."""
    app.extensions.setdefault(PRODUCERS, []).append(producer)


def deliver_outbox(limit: int = 500) -> tuple[int, int]:
    """Queue what the registered producers still owe, then deliver what is due. (sent, failed)"""
    for produce in current_app.extensions.get(PRODUCERS, []):
        produce()
    return send_pending(limit=limit)


def record_failure(email: OutboxEmail, error: Exception) -> None:
    """Count the attempt and keep the error; wait before the next try, or mark it failed for
    good (a permanent error, or MAIL_MAX_ATTEMPTS reached) so it is shown, not retried."""
    email.attempts += 1
    email.last_error = f"{error.__class__.__name__}: {error}"[:500]
    email.claimed_until = None
    if is_permanent(error) or email.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        log.warning("mail %s failed for good: %s", email.id, error.__class__.__name__)
        email.failed_at = utcnow()
        forget_body(email)
        return
    log.warning("mail %s stays queued for a retry: %s", email.id, error.__class__.__name__)
    email.next_attempt_at = utcnow() + backoff(email.attempts,
                                                current_app.config["MAIL_RETRY_SECONDS"])


def failed_emails(reference: str) -> list[OutboxEmail]:
    """Email about this request that could not be delivered, for the admin's request page."""
    if not reference:
        return []
    query = (
        select(OutboxEmail)
        .where(OutboxEmail.reference == reference, OutboxEmail.failed_at.is_not(None))
        .order_by(OutboxEmail.id)
    )
    return list(db.session.scalars(query))


def deliver_due_mail() -> bool:
    """The job runner's mail round: deliver what is due; True when a full round went out (more
    may be waiting)."""
    sent, failed = deliver_outbox(limit=MAIL_ROUND)
    return sent + failed >= MAIL_ROUND


def register_mail(app: Flask) -> None:
    """Deliver mail from the site's job runner: every MAIL_POLL_SECONDS (retries come due), and
    at once after any commit that added to the outbox (website/jobs/triggers.py)."""
    register_job(app, Job("mail", deliver_due_mail, every=app.config["MAIL_POLL_SECONDS"],
                          woken_by=(OutboxEmail.__tablename__,)))


def _mentions(text: str, address: str) -> bool:
    """True when the text holds this exact address (not one that merely ends with it)."""
    pattern = r"(?<![\w.+-])" + re.escape(address) + r"(?![\w-]|\.\w)"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def erase_mail_to(address: str) -> int:
    """Erasure: delete the mail to this exact address, and mail whose body names it exactly;
    the caller commits. How many."""
    to_them = delete(OutboxEmail).where(func.lower(OutboxEmail.to_address) == address)
    deleted = rowcount(db.session.execute(to_them))
    # A substring search finds candidates ("bob@x" is inside "jimbob@x"); the exact check decides.
    candidates = db.session.scalars(select(OutboxEmail).where(
        func.lower(OutboxEmail.body_text).contains(address, autoescape=True)))
    for email in list(candidates):
        if _mentions(email.body_text, address) or _mentions(email.body_html, address):
            db.session.delete(email)
            deleted += 1
    return deleted
