"""Admin: the audit log, read-only (no route edits or deletes an entry)."""

from __future__ import annotations

from flask import render_template, request

from website.accounts.guards import admin_required
from website.admin.views import bp
from website.audit import audit_actions, audit_page

PER_PAGE = 50
MAX_PAGE = 100_000


@bp.get("/audit")
@admin_required
def audit() -> str:
    """Every admin action, newest first; paginated, filtered by action."""
    action = request.args.get("action", "").strip()[:60]
    page = request.args.get("page", 1, type=int) or 1
    page = min(max(page, 1), MAX_PAGE)
    entries, has_more = audit_page(action, page, PER_PAGE)
    return render_template(
        "admin/audit.html",
        entries=entries,
        actions=audit_actions(),
        action=action,
        page=page,
        has_more=has_more,
    )
