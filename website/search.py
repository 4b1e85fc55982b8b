"""The admin queues' search box: a request reference (SR-..., RR-...) or a whole email address."""

from __future__ import annotations

import re
from dataclasses import dataclass

_REFERENCE = re.compile(r"(?:SR|RR)-[0-9A-Z]{4,16}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,253}")
SEARCH_MAX = 254
HOW_TO_SEARCH = (
    "Search by a request reference (like RR-7K2M9Q or SR-7K2M9Q) or a whole email address."
)


@dataclass(frozen=True)
class QueueSearch:
    """What was typed in the search box, understood as a reference or an email address."""

    text: str
    reference: str = ""
    email: str = ""

    @property
    def understood(self) -> bool:
        """True when the text is a reference or an email address."""
        return bool(self.reference or self.email)


def parse_search(text: str | None) -> QueueSearch | None:
    """None for an empty box; else the search (not `understood` when it is neither kind)."""
    text = (text or "").strip()[:SEARCH_MAX]
    if not text:
        return None
    if _REFERENCE.fullmatch(text.upper()):
        return QueueSearch(text, reference=text.upper())
    if _EMAIL.fullmatch(text):
        # Compared as lower(email) = lower(term): an expression index serves it (migration admin_1).
        return QueueSearch(text, email=text.lower())
    return QueueSearch(text)
