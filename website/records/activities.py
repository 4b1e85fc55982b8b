"""The Art. 30 record's activities: the headings the processing register's entries are grouped
under (website/records/register.py says what each entry processes, why and for how long)."""

from __future__ import annotations

from dataclasses import dataclass

NO_TRANSFER = "None by this site: its servers, database and mail are run in the UK/EEA"


@dataclass(frozen=True)
class Activity:
    """One heading of the Art. 30 record: its name, whose data, and the policy's section."""

    key: str
    name: str
    people: tuple[str, ...]
    policy_anchor: str
    transfers: str = NO_TRANSFER


ACTIVITIES: list[Activity] = [
    Activity("accounts", "Customer accounts", ("Customers of the API (registered users)",),
             "how-we-use-data"),
    Activity("emails", "Emails we send",
             ("Customers", "Anyone who writes to support or makes a data-rights request"),
             "how-we-use-data"),
    Activity("support", "Support requests", ("Customers", "Anyone who writes to support"),
             "how-we-use-data"),
    Activity("rights", "Data-rights requests", ("Anyone who exercises a data-protection right",),
             "your-rights"),
    Activity("consent", "Proof of cookie consent", ("Visitors of this site",), "cookies-tracking"),
    Activity("analytics", "First-party analytics", ("Visitors who allow analytics",),
             "cookies-tracking"),
    Activity("subprocessors", "Notices of new sub-processors (Art. 28(2))",
             ("Customers who subscribe to the sub-processor list",), "how-we-use-data"),
    Activity("audit", "Audit log of admin actions",
             ("Our staff (admins)", "People whose requests or accounts an action concerns"),
             "security"),
    Activity("incidents", "Personal-data breaches (Art. 33(5) register)",
             ("People whose data a breach concerned",), "security"),
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
