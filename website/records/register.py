"""THE processing register: what personal data is processed, why, on which legal basis, who
receives it and how long it is kept. One list, three texts generated from it:

- the export's Art. 15 section (website/rights/personal_data.py), in the requester's language;
- /privacy/retention (one row per retention rule, its legal basis from the entry owning it);
- the Art. 30 record /admin/processing (entries grouped by activity), with JSON and CSV.

The site's own entries are below (their data and periods come from the retention rules the
purge runs); the register of systems (website/systems) adds one entry per system outside the
site, so adding a system updates all three texts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

from website.i18n import Text
from website.i18n import lazy_gettext as _l

# The legal bases an entry may rest on (a system's form offers these keys).
CONTRACT = _l("Contract (UK GDPR and GDPR Art. 6(1)(b))")
LEGAL_OBLIGATION = _l("Legal obligation (Art. 6(1)(c)) and accountability (Art. 5(2))")
LEGITIMATE_INTERESTS = _l("Legitimate interests (Art. 6(1)(f))")
CONSENT = _l("Consent (Art. 6(1)(a))")
LEGAL_BASES: dict[str, Text] = {
    "contract": CONTRACT,
    "legal_obligation": LEGAL_OBLIGATION,
    "legitimate_interests": LEGITIMATE_INTERESTS,
    "consent": CONSENT,
}

HOSTING = _l("Our hosting provider (servers and database), as our processor")
MAIL = _l("Our email delivery provider, as our processor")
SUPPORT_STAFF = _l("Our support staff")
PRIVACY_STAFF = _l("Our privacy staff")


@dataclass(frozen=True)
class Entry:
    """One kind of personal data: why, on which basis, who receives it, how long it is kept."""

    key: str
    activity: str  # the Art. 30 activity it belongs to (ACTIVITIES in records/activities.py)
    purposes: tuple[Text, ...]
    legal_basis: Text
    recipients: tuple[Text, ...]
    retention: tuple[str, ...] = ()  # the site's retention rules (website/retention.py) by key
    export_key: str = ""  # where the export holds this data ("": not linked to a person)
    # Outside the site (a system of the register): what it holds and its period, in words.
    data: Text = ""
    retention_text: Text = ""
    system_id: int | None = None


SITE_ENTRIES: list[Entry] = [
    Entry("account", "accounts",
          (_l("Provide and maintain the service and your account"), _l("Log you in securely")),
          CONTRACT, (HOSTING, MAIL), ("accounts",), "account"),
    Entry("login_links", "accounts", (_l("Log you in securely"),), CONTRACT, (HOSTING, MAIL),
          ("expired_tokens", "expired_confirmations"), "password_reset_requests"),
    Entry("emails", "emails",
          (_l("Send service announcements and security notices, and notices of policy changes"),
           _l("Prove what we told you and when")),
          LEGITIMATE_INTERESTS, (HOSTING, MAIL), ("sent_email",), "emails"),
    Entry("support_requests", "support",
          (_l("Answer your support request"), _l("Revoke and reissue compromised API keys")),
          _l("Contract (UK GDPR and GDPR Art. 6(1)(b)); Legitimate interests (Art. 6(1)(f)): "
             "answering follow-up questions"),
          (HOSTING, MAIL, SUPPORT_STAFF), ("closed_support_requests",), "support_requests"),
    Entry("rights_requests", "rights",
          (_l("Handle requests to access, correct, erase, port, restrict or object "
              "(UK GDPR and GDPR Art. 15-21)"), _l("Show how each request was handled")),
          LEGAL_OBLIGATION, (HOSTING, MAIL, PRIVACY_STAFF),
          ("unverified_rights_requests", "closed_rights_requests", "system_exports"),
          "rights_requests"),
    Entry("restrictions_and_objections", "rights",
          (_l("Keep your data out of the processing you restricted or objected to"),),
          LEGAL_OBLIGATION, (HOSTING,), ("processing_limits",), "restrictions_and_objections"),
    Entry("consent_records", "consent",
          (_l("Remember your cookie choice"), _l("Prove the consent we rely on (Art. 7(1))")),
          _l("Legal obligation (Art. 6(1)(c)) and accountability (Art. 5(2)): proof of "
             "consent (Art. 7(1))"),
          (HOSTING,), ("consent_records",), "consent_records"),
    # Its purposes are the cookie registry's analytics category (records/service.py reads it).
    Entry("page_views", "analytics", (), _l("Consent (Art. 6(1)(a); PECR reg. 6)"), (HOSTING,),
          ("page_views",)),
    Entry("audit_log", "audit",
          (_l("Accountability: who did what to which record, and when (Art. 5(2))"),
           _l("Defend legal claims")),
          _l("Legitimate interests (Art. 6(1)(f)) and accountability (Art. 5(2)); 6 years "
             "is the UK limitation period for claims"), (HOSTING,), ("audit_log",)),
    Entry("incidents", "incidents",
          (_l("Document personal-data breaches and tell the people affected (Art. 33, 34)"),),
          _l("Legal obligation (Art. 6(1)(c)): documenting breaches (Art. 33(5))"),
          (HOSTING, MAIL, PRIVACY_STAFF), ("incidents",)),
    Entry("subprocessor_subscribers", "subprocessors",
          (_l("Tell you of a new sub-processor before it starts, and answer your objection"),),
          CONSENT, (HOSTING, MAIL, PRIVACY_STAFF),
          ("unconfirmed_subscribers", "subscribers")),
]

EXTENSIONS_KEY = "processing_register_sources"
Source = Callable[[], list[Entry]]


def add_source(app: Flask, source: Source) -> None:
    """Let a feature (the register of systems) add entries to the register, read each time."""
    app.extensions.setdefault(EXTENSIONS_KEY, []).append(source)


def entries() -> list[Entry]:
    """The whole register: the site's own entries, then every source's (the systems)."""
    found = list(SITE_ENTRIES)
    for source in current_app.extensions.get(EXTENSIONS_KEY, []):
        found.extend(source())
    return found


def owner_of_rule(rule_key: str) -> Entry:
    """The one entry a retention rule belongs to (its legal basis is that entry's)."""
    return next(entry for entry in SITE_ENTRIES if rule_key in entry.retention)
