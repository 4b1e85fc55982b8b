"""Admin: the audit log, read-only (no route edits or deletes an entry)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import render_template, request, url_for

from website.accounts.guards import role_required
from website.accounts.roles import Role
from website.accounts.service import emails_by_id
from website.admin import bp
from website.audit import AuditEntry, audit_actions, audit_page
from website.audit.verify import chain_status
from website.policy.drafts import existing_draft_ids
from website.rights.terms import STATUSES

PER_PAGE = 50
MAX_PAGE = 100_000
_USER = re.compile(r"user:(\d+)")
_VERSION = re.compile(r"policy version (\d+)")
_DRAFT = re.compile(r"policy draft (\d+)")
_RIGHTS = re.compile(r"RR-[0-9A-Z]{4,16}")
_SUPPORT = re.compile(r"SR-[0-9A-Z]{4,16}")


@dataclass(frozen=True)
class AuditRow:
    """One entry as people read it: its target named and linked, its details in words."""

    entry: AuditEntry
    target: str
    target_url: str | None
    details: list[tuple[str, str]]


def readable_value(key: str, value: Any) -> str:
    """A detail's value in words: yes/no, a status label, a list joined; "—" for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key.endswith("status") and isinstance(value, str):
        return STATUSES.get(value, value.replace("_", " "))
    if isinstance(value, list | tuple):
        return ", ".join(readable_value("", item) for item in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{readable_key(k)}: {readable_value(k, v)}" for k, v in value.items())
    return str(value)


def readable_key(key: str) -> str:
    """`from_status` -> "From status"."""
    return key.replace("_", " ").strip().capitalize()


def audit_rows(entries: list[AuditEntry]) -> list[AuditRow]:
    """Name and link each entry's target; users and drafts are looked up once for the page."""
    user_ids = {int(m.group(1)) for e in entries if (m := _USER.fullmatch(e.target))}
    draft_ids = {int(m.group(1)) for e in entries if (m := _DRAFT.fullmatch(e.target))}
    emails = emails_by_id(user_ids)
    drafts = existing_draft_ids(draft_ids)
    rows = []
    for entry in entries:
        text, url = describe_target(entry.target, emails, drafts)
        details = [(readable_key(k), readable_value(k, v)) for k, v in entry.details.items()]
        rows.append(AuditRow(entry, text, url, details))
    return rows


def describe_target(
    target: str, emails: dict[int, str], drafts: set[int]
) -> tuple[str, str | None]:
    """(words, link or None) for an audit target such as "user:3" or "policy version 2"."""
    if match := _USER.fullmatch(target):
        user_id = int(match.group(1))
        if user_id in emails:
            return f"Account {emails[user_id]}", None
        return f"Account #{user_id} (deleted)", None
    if match := _VERSION.fullmatch(target):
        number = int(match.group(1))
        return f"Policy version {number}", url_for("policy.version", number=number)
    if match := _DRAFT.fullmatch(target):
        draft_id = int(match.group(1))
        if draft_id in drafts:
            return f"Policy draft {draft_id}", url_for("admin.draft", draft_id=draft_id)
        return f"Policy draft {draft_id} (published or discarded)", None
    if _RIGHTS.fullmatch(target):
        return f"Rights request {target}", url_for("admin.rights_detail", reference=target)
    if _SUPPORT.fullmatch(target):
        return f"Support request {target}", url_for("admin.support_detail", reference=target)
    if target == "retention":
        return "Retention purge", None
    return target or "—", None


@bp.get("/audit")
@role_required(Role.ADMINISTRATOR)
def audit() -> str:
    """Every admin action, newest first; paginated, filtered by action."""
    action = request.args.get("action", "").strip()[:60]
    page = request.args.get("page", 1, type=int) or 1
    page = min(max(page, 1), MAX_PAGE)
    entries = audit_page(action, page, PER_PAGE)
    return render_template(
        "admin/audit.html",
        rows=audit_rows(entries.items),
        actions=audit_actions(),
        action=action,
        page=page,
        has_more=entries.has_more,
        audit_chain=chain_status() if page == 1 else None,
    )
