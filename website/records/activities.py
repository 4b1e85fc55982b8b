"""THE list of what the site processes personal data for (the Art. 30 record's rows).

Each activity names its retention rules by key (website/retention.py) and, for analytics, takes
its wording from the cookie registry, so the record, /privacy/retention and the notices at
collection say what the code does.
"""

from __future__ import annotations

from dataclasses import dataclass

from website.i18n import Text
from website.i18n import lazy_gettext as _l

HOSTING = "Our hosting provider (servers and database), as our processor"
MAIL = "Our email delivery provider, as our processor"
NO_TRANSFER = "None by this site: its servers, database and mail are run in the UK/EEA"


@dataclass(frozen=True)
class Activity:
    """One purpose the site processes personal data for, and everything Art. 30(1) asks."""

    key: str
    name: str
    purposes: tuple[Text, ...]  # also in the notice at collection: in the page's language
    data: tuple[str, ...]
    people: tuple[str, ...]
    recipients: tuple[str, ...]
    retention: tuple[str, ...]
    policy_anchor: str
    transfers: str = NO_TRANSFER


ACTIVITIES: list[Activity] = [
    Activity(
        "accounts", "Customer accounts",
        (_l("Provide and maintain the service and your account"), _l("Log you in securely"),
         _l("Send service announcements and security notices, and notices of policy changes")),
        ("Name, organisation, email, phone, postal address", "Password (bcrypt hash only)",
         "Password-reset links (hashed)", "Emails we sent you"),
        ("Customers of the API (registered users)",),
        (HOSTING, MAIL), ("accounts", "expired_tokens", "expired_confirmations", "sent_email"),
        "how-we-use-data",
    ),
    Activity(
        "support", "Support requests",
        (_l("Answer your support request"), _l("Revoke and reissue compromised API keys")),
        ("Name, organisation, email, phone", "Subject and message", "Our replies"),
        ("Customers", "Anyone who writes to support"),
        (HOSTING, MAIL, "Our support staff"), ("closed_support_requests", "sent_email"),
        "how-we-use-data",
    ),
    Activity(
        "rights", "Data-rights requests",
        (_l("Handle requests to access, correct, erase, port, restrict or object "
         "(UK GDPR and GDPR Art. 15-21)"), _l("Show how each request was handled")),
        ("Name, email", "Request type and details", "Status history and our answers"),
        ("Anyone who exercises a data-protection right",),
        (HOSTING, MAIL, "Our privacy staff"),
        ("unverified_rights_requests", "closed_rights_requests", "sent_email"), "your-rights",
    ),
    Activity(
        "consent", "Proof of cookie consent",
        (_l("Remember your cookie choice"), _l("Prove the consent we rely on (Art. 7(1))")),
        ("Random consent id", "Categories allowed and refused, date, source",
         "Browser family (no version, no IP address)",
         "Fingerprints of the banner wording and cookie list shown"),
        ("Visitors of this site",), (HOSTING,), ("consent_records",), "cookies-tracking",
    ),
    Activity(
        "analytics", "First-party analytics",
        (),  # the registry's analytics category says what it is for
        ("Page visited, time, referring site, random visitor id (no IP address)",),
        ("Visitors who allow analytics",), (HOSTING,), ("page_views",), "cookies-tracking",
    ),
    Activity(
        "audit", "Audit log of admin actions",
        (_l("Accountability: who did what to which record, and when (Art. 5(2))"),
         _l("Defend legal claims")),
        ("Admin name and email", "Action, its target and details"),
        ("Our staff (admins)", "People whose requests or accounts an action concerns"),
        (HOSTING,), ("audit_log",), "security",
    ),
]

SECURITY_MEASURES: tuple[str, ...] = (
    "TLS for every connection (HSTS); secure, HttpOnly, SameSite cookies",
    "Passwords hashed with bcrypt; reset and confirmation links stored as hashes and expiring",
    "Login throttled per account and per IP; rate limits on every public form",
    "Admin area behind login and an admin role; every admin action in the audit log",
    "Cross-origin requests refused; a Content-Security-Policy without inline scripts",
    "No IP address stored with analytics or consent; data kept no longer than the periods "
    "below, purged automatically every day",
)
