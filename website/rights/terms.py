"""The words of the data-rights feature: the rights, the statuses, the history lines the site
writes itself, the errors."""

from __future__ import annotations

import re
from dataclasses import dataclass

from website.i18n import gettext
from website.i18n import lazy_gettext as _l

# One plain sentence per right, shown on the form and in the emails.
# Lazy: the owner reads them in the page's language, the admin pages in English.
TYPES: dict[str, tuple[str, str]] = {
    "access": (_l("Access"), _l("Get a copy of the personal data we hold about you.")),
    "correction": (
        _l("Correction"),
        _l("Have personal data about you that is wrong or incomplete put right."),
    ),
    "deletion": (
        _l("Deletion"), _l("Have your account and the personal data we hold about you erased.")
    ),
    "portability": (
        _l("Portability"),
        _l("Receive your data in a structured, machine-readable file you can take elsewhere."),
    ),
    "restriction": (
        _l("Restriction"),
        _l("Have us stop using your data, apart from storing it, while a concern is settled."),
    ),
    "objection": (
        _l("Objection"), _l("Object to our use of your data for our legitimate interests.")
    ),
}
STATUSES: dict[str, str] = {
    "received": _l("Received (waiting for email confirmation)"),
    "verified": _l("Verified"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
    "rejected": _l("Rejected"),
}
OPEN = ("verified", "in_progress")
CLOSED = ("completed", "rejected")
EXPORT_DAYS = 7
MAX_EXTENSION_MONTHS = 2
# Types whose outcome an admin writes by hand (the others do real work when completed).
MANUAL_TYPES = ("correction", "restriction", "objection")
# Completed only with an outcome written for the owner (an access request: what was found).
OUTCOME_REQUIRED = ("access", *MANUAL_TYPES)
# Types that limit processing as soon as they are verified (see website/processing.py).
LIMITING_TYPES = ("restriction", "objection")
REFERENCE_SHAPE = re.compile(r"RR-[0-9A-Z]{4,16}")


def N_(text: str) -> str:  # the marker pybabel extracts by default
    """Mark an English text that is stored as it is (the admin pages show it so) and shown to
    the owner in their page's language (`shown_note`)."""
    return text


# The history lines the site writes itself (an admin's own words are shown as written).
VERIFIED_AT_ONCE = N_("Verified at once: submitted while logged in as the owner.")
CONFIRMED_BY_LINK = N_("Confirmed by the emailed link.")
WORK_STARTED = N_("Work on the request has started.")
EXPORT_DOWNLOADED = N_("The owner downloaded the data export.")
CLOSED_ERASED = N_("Closed: the personal data it concerned was erased.")
PERSONAL_DATA_ERASED = N_("Personal data erased.")
# What the site wrote itself: it says nothing about the person, so an erasure keeps it.
SYSTEM_NOTES = frozenset({VERIFIED_AT_ONCE, CONFIRMED_BY_LINK, WORK_STARTED, EXPORT_DOWNLOADED,
                          CLOSED_ERASED, PERSONAL_DATA_ERASED})


def shown_note(note: str) -> str:
    """A stored history line or outcome for the owner: in the page's language when the site
    wrote it, as written otherwise."""
    return gettext(note) if note else note


@dataclass(frozen=True)
class Agent:
    """An authorised agent (CCPA §7063) filing a request for the person at its address."""

    name: str
    email: str


class RightsError(ValueError):
    """An action that is not allowed on the request in its current state."""
