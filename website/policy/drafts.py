"""Policy drafts: what an admin writes before it becomes a published, immutable version."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from website.audit import Actor, record_audit
from website.extensions import db, rowcount
from website.policy.announce import announcement_recipients
from website.policy.diff import compare, diff_page_html
from website.policy.models import PolicyDraft, PolicyVersion
from website.policy.render import RenderedPolicy, render_policy
from website.policy.service import current_version, publish_version, published_versions


class DraftGoneError(LookupError):
    """The draft was published or discarded meanwhile (by another admin, or another tab)."""


@dataclass(frozen=True)
class DraftFields:
    """What the admin typed: the draft's text and its publishing details."""

    markdown: str
    summary: str = ""
    effective_on: date | None = None
    material: bool = False


@dataclass(frozen=True)
class Preview:
    """A draft as visitors would see it, and what changed against the version in force."""

    rendered: RenderedPolicy
    against: PolicyVersion | None
    diff: str
    inserted: int
    deleted: int
    changes: list[tuple[int, str]]


@dataclass(frozen=True)
class PublishPlan:
    """What publishing a draft now would do: its version number and whom it would email."""

    number: int
    effective_on: date
    material: bool
    recipients: int


@dataclass(frozen=True)
class PolicyOverview:
    """The policy tile of the admin dashboard."""

    current: PolicyVersion | None
    latest: PolicyVersion | None
    drafts: int


def list_drafts() -> list[PolicyDraft]:
    """Every draft, the most recently edited first."""
    query = select(PolicyDraft).order_by(PolicyDraft.updated_at.desc(), PolicyDraft.id.desc())
    return list(db.session.scalars(query))


def get_draft(draft_id: int) -> PolicyDraft | None:
    """One draft by id."""
    return db.session.get(PolicyDraft, draft_id)


def existing_draft_ids(draft_ids: set[int]) -> set[int]:
    """Which of these drafts still exist (not published or discarded)."""
    if not draft_ids:
        return set()
    return set(db.session.scalars(select(PolicyDraft.id).where(PolicyDraft.id.in_(draft_ids))))


def starting_markdown() -> str:
    """A new draft starts from the Markdown of the version in force."""
    version = current_version()
    return version.markdown if version else ""


def create_draft(fields: DraftFields, actor: Actor) -> PolicyDraft:
    """Store a new draft and audit it."""
    draft = PolicyDraft(created_by_id=actor.id)
    _apply(draft, fields)
    db.session.add(draft)
    db.session.flush()
    _audit("policy.draft_create", draft, fields, actor)
    db.session.commit()
    return draft


def save_draft(draft: PolicyDraft, fields: DraftFields, actor: Actor) -> PolicyDraft:
    """Overwrite a draft with what the admin typed, and audit it."""
    _apply(draft, fields)
    _audit("policy.draft_save", draft, fields, actor)
    db.session.commit()
    return draft


def discard_draft(draft: PolicyDraft, actor: Actor) -> None:
    """Delete a draft for good, and audit it."""
    draft_id = draft.id
    fields = DraftFields(draft.markdown, draft.summary, draft.effective_on, draft.material)
    _audit("policy.draft_discard", draft, fields, actor)
    db.session.execute(delete(PolicyDraft).where(PolicyDraft.id == draft_id))
    db.session.commit()


def preview(markdown: str) -> Preview:
    """Render the text exactly as /privacy would, and diff it against the version in force."""
    against = current_version()
    old = against.markdown if against else ""
    comparison = compare(old, markdown)
    # The changed sections only, each change numbered with previous/next, as the public diff.
    return Preview(render_policy(markdown), against, diff_page_html(old, markdown, True),
                   comparison.inserted, comparison.deleted, comparison.changes)


# A date written into the text itself ("Effective date: 1 March 2026"), which can disagree with
# the version's own effective date.
_STATED_DATE = re.compile(r"(?im)^[*_\s]*effective(?: date)?[*_\s]*:?[*_\s]*(.+?)[*_\s]*$")
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%B %d %Y", "%d.%m.%Y", "%d/%m/%Y")


def stated_effective_date(markdown: str) -> tuple[str, date | None] | None:
    """The "Effective date" line written in the text, as written and as a date if readable."""
    found = _STATED_DATE.search(markdown)
    if not found:
        return None
    text = found.group(1).strip()
    for pattern in _DATE_FORMATS:
        try:
            return text, datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return text, None


def effective_date_conflict(markdown: str, effective_on: date | None) -> str:
    """A warning when the text's own "Effective date" line contradicts the version's date."""
    stated = stated_effective_date(markdown)
    if stated is None or effective_on is None or stated[1] == effective_on:
        return ""
    return (f"The text says “Effective date: {stated[0]}” but the version takes effect "
            f"on {effective_on.isoformat()}. Correct the line or remove it: the page shows the "
            "version's date itself.")


def publish_plan(fields: DraftFields) -> PublishPlan:
    """What `publish_draft` with these fields would do, without doing it."""
    if fields.effective_on is None:
        raise ValueError("a published version needs an effective date")
    number = (db.session.scalar(select(func.max(PolicyVersion.number))) or 0) + 1
    recipients = announcement_recipients() if fields.material else 0
    return PublishPlan(number, fields.effective_on, fields.material, recipients)


def publish_draft(draft_id: int, fields: DraftFields, actor: Actor) -> PolicyVersion:
    """Publish the draft as the next version and remove it, in one transaction."""
    if fields.effective_on is None:
        raise ValueError("a published version needs an effective date")
    # Deleting first makes two admins publishing one draft at once produce one version only.
    removed = db.session.execute(delete(PolicyDraft).where(PolicyDraft.id == draft_id))
    if rowcount(removed) != 1:
        db.session.rollback()
        raise DraftGoneError(draft_id)
    try:
        return publish_version(
            fields.markdown,
            fields.effective_on,
            fields.summary,
            fields.material,
            actor_id=actor.id,
            actor=actor.email,
        )
    except IntegrityError as error:
        # Another version took the next number in the same instant: nothing was stored.
        db.session.rollback()
        raise DraftGoneError(draft_id) from error


def policy_overview() -> PolicyOverview:
    """The version in force, the newest published one (maybe upcoming), and the draft count."""
    versions = published_versions()
    drafts = db.session.scalar(select(func.count()).select_from(PolicyDraft)) or 0
    return PolicyOverview(current_version(), versions[0] if versions else None, drafts)


def _apply(draft: PolicyDraft, fields: DraftFields) -> None:
    draft.markdown = fields.markdown
    draft.summary = fields.summary.strip()
    draft.effective_on = fields.effective_on
    draft.material = fields.material


def _audit(action: str, draft: PolicyDraft, fields: DraftFields, actor: Actor) -> None:
    details: dict[str, Any] = {
        "effective": fields.effective_on.isoformat() if fields.effective_on else None,
        "material": fields.material,
        "summary": fields.summary.strip(),
        "characters": len(fields.markdown),
    }
    record_audit(
        action, target=f"policy draft {draft.id}", details=details, actor_id=actor.id,
        actor=actor.email,
    )
