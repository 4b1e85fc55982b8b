"""Translations of published versions: German and French beside the English, which prevails.

A translation is rendered and sanitised exactly like a version (website/policy/render.py), has
its own summary, and is immutable once attached (website/policy/models.py refuses edits), so a
visitor reading `/de/privacy` reads what was published that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from website.audit import record_audit
from website.extensions import db
from website.i18n import DEFAULT_LOCALE, LANGUAGES, PREFIXED
from website.policy.models import PolicyTranslation, PolicyVersion
from website.policy.render import render_policy
from website.policy.service import forget_remembered, get_version, remembered

TRANSLATED_LANGUAGES = PREFIXED  # every language but English, which is the original
# The summary of version 1 ("First published version.") in the shipped languages.
SHIPPED_SUMMARIES = {
    "de": "Erste veröffentlichte Version.",
    "fr": "Première version publiée.",
}


class TranslationError(ValueError):
    """A translation that cannot be attached; the message says why, for the admin to act on."""


def check_language(locale: str) -> None:
    """Refuse a language the site does not publish translations in."""
    if locale not in TRANSLATED_LANGUAGES:
        known = ", ".join(TRANSLATED_LANGUAGES)
        raise TranslationError(f"Unknown language {locale!r}: translations exist in {known}.")


def attach_translation(
    number: int,
    locale: str,
    markdown: str,
    summary: str = "",
    actor_id: int | None = None,
    actor: str = "cli",
) -> PolicyTranslation:
    """Render and store the translation of published version `number`, with its audit entry."""
    check_language(locale)
    if not markdown.strip():
        raise TranslationError("The translation is empty: write its text.")
    version = get_version(number)
    if version is None:
        raise TranslationError(f"There is no published version {number} to translate.")
    if find_translation(version.id, locale) is not None:
        raise TranslationError(already_attached(number, locale))
    rendered = render_policy(markdown)
    translation = PolicyTranslation(
        version_id=version.id,
        locale=locale,
        markdown=markdown,
        html=rendered.html,
        toc=rendered.toc,
        summary=summary.strip(),
        published_by_id=actor_id,
    )
    db.session.add(translation)
    record_audit(
        "policy.translate",
        target=f"policy version {number}",
        details={"language": locale, "summary": summary.strip()},
        actor_id=actor_id,
        actor=actor,
    )
    try:
        db.session.commit()
    except IntegrityError as error:
        # Another admin attached the same language first: the unique (version, locale) kept one.
        db.session.rollback()
        raise TranslationError(already_attached(number, locale)) from error
    forget_remembered()
    return translation


def already_attached(number: int, locale: str) -> str:
    """The refusal of a second translation into the same language."""
    return (f"Version {number} already has a {LANGUAGES[locale]} translation; a published "
            "translation never changes: publish a new version to correct it.")


def find_translation(version_id: int, locale: str) -> PolicyTranslation | None:
    """The translation of a version (by the version's id) into `locale`, if attached."""
    return db.session.scalar(
        select(PolicyTranslation).where(
            PolicyTranslation.version_id == version_id, PolicyTranslation.locale == locale
        )
    )


def translation_of(version: PolicyVersion, locale: str) -> PolicyTranslation | None:
    """The version's translation for a page in `locale` (None in English or when there is
    none), remembered by this worker until the next publication: every page view asks."""
    if locale not in TRANSLATED_LANGUAGES:
        return None

    def read() -> PolicyTranslation | None:
        translation = find_translation(version.id, locale)
        if translation is not None:
            db.session.expunge(translation)
        return translation

    return remembered(("translation", version.number, locale), read)


def translated_summaries(locale: str) -> dict[int, str]:
    """Version number -> the translation's summary, for the versions translated into `locale`."""
    if locale not in TRANSLATED_LANGUAGES:
        return {}
    rows = db.session.execute(
        select(PolicyVersion.number, PolicyTranslation.summary)
        .join(PolicyTranslation, PolicyTranslation.version_id == PolicyVersion.id)
        .where(PolicyTranslation.locale == locale)
    )
    return {number: summary for number, summary in rows}


def translated_languages() -> dict[int, list[str]]:
    """Version number -> the languages it is translated into (for the admin's version list)."""
    rows = db.session.execute(
        select(PolicyVersion.number, PolicyTranslation.locale)
        .join(PolicyTranslation, PolicyTranslation.version_id == PolicyVersion.id)
        .order_by(PolicyTranslation.locale)
    )
    languages: dict[int, list[str]] = {}
    for number, locale in rows:
        languages.setdefault(number, []).append(locale)
    return languages


def shipped_translation(source: Path, locale: str) -> Path:
    """Where the translation of a shipped policy file lives: content/policy.md -> policy.de.md."""
    return source.with_suffix(f".{locale}.md")


def attach_shipped_translations(number: int) -> list[str]:
    """Attach content/policy.<lang>.md to version `number` for each language shipped; which."""
    source = Path(current_app.config["POLICY_SOURCE"])
    attached = []
    for locale in TRANSLATED_LANGUAGES:
        path = shipped_translation(source, locale)
        if path.exists():
            summary = SHIPPED_SUMMARIES.get(locale, "")
            attach_translation(number, locale, path.read_text(encoding="utf-8"), summary)
            attached.append(locale)
    return attached


@dataclass(frozen=True)
class Reading:
    """A version as a page in `locale` shows it: its translation when there is one, else the
    English text (which prevails anyway)."""

    version: PolicyVersion
    translation: PolicyTranslation | None
    locale: str

    @property
    def text(self) -> PolicyVersion | PolicyTranslation:
        """What is shown: html, toc, markdown and summary."""
        return self.translation or self.version

    @property
    def language(self) -> str:
        """The language of the text shown."""
        return self.translation.locale if self.translation else DEFAULT_LOCALE

    @property
    def untranslated(self) -> bool:
        """A page in another language showing the English text: it says so."""
        return self.locale != DEFAULT_LOCALE and self.translation is None

    def section_id(self, english_id: str) -> str | None:
        """The id of the text's section that is the English text's `english_id` (a translation
        keeps the sections in order under headings of its own words)."""
        english = [entry["id"] for entry in self.version.toc or () if entry["level"] == 2]
        shown = [entry["id"] for entry in self.text.toc or () if entry["level"] == 2]
        if english_id not in english or len(shown) != len(english):
            return None
        return shown[english.index(english_id)]


def reading(version: PolicyVersion, locale: str) -> Reading:
    """How a page in `locale` shows `version`."""
    return Reading(version, translation_of(version, locale), locale)
