"""The admin dashboard; each other page group lives in its own module of this package."""

from typing import Any

from flask import render_template
from flask_login import current_user

from website.accounts.guards import declared_roles, role_required
from website.accounts.roles import ANY_ROLE
from website.admin import bp
from website.audit.verify import chain_status
from website.consent.stats import consent_summary
from website.extensions import utcnow
from website.incidents.service import deadline, is_overdue, running_clocks
from website.policy.drafts import policy_overview
from website.retention import last_purge
from website.rights.queue import queue_summary
from website.support.service import queue_counts

ADMIN_PAGES = (
    ("admin.policy", "Policy", "Draft, preview and publish policy versions."),
    ("admin.support_queue", "Support queue", "Open support requests, urgent ones first."),
    ("admin.rights_queue", "Rights queue", "Data-rights requests by due date."),
    ("admin.consents", "Consents", "Cookie-consent statistics."),
    ("admin.analytics", "Analytics", "First-party page views."),
    ("admin.audit", "Audit log", "Every admin action, newest first."),
    ("admin.processing", "Record of processing", "The Art. 30 record, with downloads."),
    ("admin.systems", "Systems", "Systems that hold personal data, and how they are reached."),
    ("admin.task_queue", "Open tasks", "What each system still owes a rights request; late ones."),
    ("admin.incidents", "Breach register", "Personal-data breaches, the 72-hour clock, notices."),
    ("admin.objections", "Sub-processor objections",
     "Objections to coming sub-processors, to answer before each starts."),
    ("admin.exports", "Exports", "CSV for a regulator: audit log, consents, rights requests."),
    ("admin.mfa_page", "Second factor", "Your authenticator app and recovery codes."),
)


def pages_for(user: Any) -> list[tuple[str, str, str]]:
    """The admin pages this account's roles open (the others are not linked)."""
    return [page for page in ADMIN_PAGES
            if (roles := declared_roles(page[0])) is not None and user.has_role(*roles)]


@bp.context_processor
def no_public_notices() -> dict[str, object]:
    """The admin area shows neither the cookie banner nor the policy-change notice.

    Blueprint context runs after the app's, so these names win over the banner state and the
    `policy_notice` global for /admin pages only."""
    return {"consent": None, "policy_notice": lambda: None}


@bp.context_processor
def admin_navigation() -> dict[str, object]:
    """The admin bar on every admin page: the pages this account's roles open, nothing else."""
    if not current_user.is_authenticated:
        return {"admin_pages": []}
    return {"admin_pages": [(endpoint, name) for endpoint, name, _ in pages_for(current_user)]}


@bp.get("/")
@role_required(ANY_ROLE)
def dashboard() -> str:
    """The admin dashboard: what needs attention first, then each feature's own tile."""
    rights = queue_summary()
    support = queue_counts()
    attention = {
        "overdue": rights["overdue"],
        "due_soon": rights["due_soon"],
        "urgent": support["urgent"],
    }
    now = utcnow()
    clocks = [(incident, deadline(incident), is_overdue(incident, now))
              for incident in running_clocks()]
    return render_template(
        "admin/dashboard.html", policy=policy_overview(),
        attention=attention, audit_chain=chain_status(), breach_clocks=clocks,
        purge=last_purge(), support_counts=support, rights=rights,
        consent_tile=consent_summary(30),
    )

