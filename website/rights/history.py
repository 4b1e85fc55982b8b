"""A request's history as its owner reads it: one sentence per change, in the page's language."""

from __future__ import annotations

from website.i18n import lazy_gettext as _l
from website.rights.models import RightsRequestEvent
from website.rights.terms import (
    CONFIRMED_BY_LINK,
    EXPORT_DOWNLOADED,
    VERIFIED_AT_ONCE,
    WORK_STARTED,
    shown_note,
)

# What the site wrote itself, said as a sentence to the owner (the note adds nothing more).
OWN_NOTES = {
    CONFIRMED_BY_LINK: _l("You confirmed your request with the link we emailed."),
    VERIFIED_AT_ONCE: _l("Your request counted at once: you sent it while logged in to your "
                         "account."),
    WORK_STARTED: _l("We started work on your request."),
    EXPORT_DOWNLOADED: _l("You downloaded your data."),
}
# A change of status, when the note (if any) is someone's own words.
CHANGES = {
    "received": _l("We received your request."),
    "verified": _l("Your request was confirmed."),
    "in_progress": _l("We started work on your request."),
    "completed": _l("We completed your request."),
    "rejected": _l("We rejected your request."),
}


def history_line(event: RightsRequestEvent) -> str:
    """The event as the owner reads it: what happened, then any note written with it."""
    if event.note in OWN_NOTES:
        return str(OWN_NOTES[event.note])
    changed = event.to_status != event.from_status
    sentence = str(CHANGES[event.to_status]) if changed and event.to_status in CHANGES else ""
    note = shown_note(event.note)
    return f"{sentence} {note}".strip()
