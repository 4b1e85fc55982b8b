"""The clock, honestly kept: an admin asks the requester for clarification or identity
evidence and the due date stops until the answer (ICO guidance); when the answer comes the due
date moves by the days paused (RightsRequest.resume_clock: the one rule). Both steps are in the
request's history, the audit log and an email to the requester, and the status page shows the
pause."""

from __future__ import annotations

from website.accounts.models import User
from website.audit import record_audit
from website.extensions import db, utcnow
from website.i18n import lazy_gettext as _l
from website.rights.models import RightsRequest
from website.rights.service import add_event, notify
from website.rights.terms import OPEN, RightsError

QUESTION_MAX = 5000


def check_pause(item: RightsRequest) -> None:
    """RightsError unless the request is open and its clock running."""
    if item.status not in OPEN:
        raise RightsError("Only an open request's clock can be paused.")
    if item.paused_at is not None:
        raise RightsError("The clock is already paused; record the answer first.")


def check_resume(item: RightsRequest) -> None:
    """RightsError unless the request's clock is paused."""
    if item.paused_at is None:
        raise RightsError("The clock is running: there is no question waiting for an answer.")


def pause(item: RightsRequest, actor: User, question: str) -> None:
    """Ask the requester a question and stop the clock until they answer; commits."""
    check_pause(item)
    question = question.strip()
    if not question:
        raise RightsError("Write the question: it is emailed to the requester.")
    item.paused_at, item.pause_question = utcnow(), question
    add_event(item, item.status, f"Clock paused: we asked the requester: {question}", actor.id)
    notify(item, _l("A question about your data-rights request"), "rights_question",
           question=question)
    record_audit("rights.pause", item.reference, {"due_on": str(item.due_in_force)},
                 actor_id=actor.id, actor=actor.email)
    db.session.commit()


def resume(item: RightsRequest, actor: User, note: str = "") -> int:
    """The answer came: the clock runs again and the due date moves by the days paused (how
    many); commits."""
    check_resume(item)
    old_due = item.due_in_force
    days = item.resume_clock(utcnow())
    line = f"Answer received; the clock runs again. Due date moved by {days} day(s) " \
           f"from {old_due} to {item.due_in_force}."
    add_event(item, item.status, f"{line} {note.strip()}".strip(), actor.id)
    notify(item, _l("Your data-rights request is going ahead"), "rights_resumed",
           old_due=old_due, paused_days=days)
    record_audit("rights.resume", item.reference,
                 {"paused_days": days, "due_on": str(item.due_in_force)},
                 actor_id=actor.id, actor=actor.email)
    db.session.commit()
    return days
