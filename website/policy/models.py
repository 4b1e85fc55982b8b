"""Policy versions (published, immutable) and drafts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, object_session

from website.extensions import Model, utcnow


class PolicyVersion(Model):
    """One published version of the privacy policy. Never changed once written."""

    __tablename__ = "policy_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    markdown: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    toc: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(String(500), default="")
    material: Mapped[bool] = mapped_column(default=False)
    effective_on: Mapped[date] = mapped_column(index=True)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class ImmutableVersionError(RuntimeError):
    """Raised when code tries to change or delete a published policy version."""


class PolicyTranslation(Model):
    """A published version in another language: shown beside the English text, which prevails.
    Never changed once written, like the version itself."""

    __tablename__ = "policy_translations"
    __table_args__ = (UniqueConstraint("version_id", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("policy_versions.id"), index=True)
    locale: Mapped[str] = mapped_column(String(8))
    markdown: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    toc: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(String(500), default="")
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


@event.listens_for(PolicyVersion, "before_update")
@event.listens_for(PolicyTranslation, "before_update")
def _refuse_update(mapper: Any, connection: Any, target: PolicyVersion | PolicyTranslation) -> None:
    # Published versions are the legal record: a fix is a new version, never an edit.
    session = object_session(target)
    if session is not None and session.is_modified(target, include_collections=False):
        raise ImmutableVersionError(f"{describe(target)} is published and immutable")


@event.listens_for(PolicyVersion, "before_delete")
@event.listens_for(PolicyTranslation, "before_delete")
def _refuse_delete(mapper: Any, connection: Any, target: PolicyVersion | PolicyTranslation) -> None:
    raise ImmutableVersionError(f"{describe(target)} is published and immutable")


def describe(target: PolicyVersion | PolicyTranslation) -> str:
    """How an error names a published text."""
    if isinstance(target, PolicyTranslation):
        return f"the {target.locale} translation of policy version id {target.version_id}"
    return f"policy version {target.number}"


class PolicyDraft(Model):
    """A revision an admin is still writing."""

    __tablename__ = "policy_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    markdown: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(String(500), default="")
    effective_on: Mapped[date | None]
    material: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class PolicyAnnouncement(Model):
    """The email announcing a material revision, queued to users in batches (resumable)."""

    __tablename__ = "policy_announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_number: Mapped[int] = mapped_column(Integer, unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # Users with last_user_id < id <= up_to_user_id still have to be queued.
    last_user_id: Mapped[int] = mapped_column(Integer, default=0)
    up_to_user_id: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(index=True)
