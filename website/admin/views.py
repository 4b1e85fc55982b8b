"""The admin dashboard; each other page group lives in its own module of this package."""

from flask import render_template

from website.accounts.guards import role_required
from website.accounts.roles import ANY_ROLE
from website.admin import bp
from website.consent.stats import consent_summary
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
)


@bp.context_processor
def no_public_notices() -> dict[str, object]:
    """The admin area shows neither the cookie banner nor the policy-change notice.

    Blueprint context runs after the app's, so these names win over the banner state and the
    `policy_notice` global for /admin pages only."""
    return {"consent": None, "policy_notice": lambda: None}


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
    return render_template(
        "admin/dashboard.html", pages=ADMIN_PAGES, policy=policy_overview(), attention=attention,
        purge=last_purge(), support_counts=support, rights=rights,
        consent_tile=consent_summary(30),
    )

