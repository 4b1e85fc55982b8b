"""Admin forms."""

from __future__ import annotations

import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from website.forms import readable_text
from website.policy.drafts import DraftFields
from website.policy.service import today

MAX_MARKDOWN_BYTES = 200 * 1024
MAX_SUMMARY = 500
DRAFT_ACTIONS = ("save", "preview", "publish", "discard")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_iso_date(text: str) -> date | None:
    """A YYYY-MM-DD date, or None when the text is not one."""
    if not _ISO_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def check_policy_text(field: TextAreaField, what: str) -> None:
    """A policy text (a draft's or a translation's) is required and at most 200 kB."""
    if not (field.data or "").strip():
        raise ValidationError(f"Write the {what}.")
    if len(field.data.encode("utf-8")) > MAX_MARKDOWN_BYTES:
        raise ValidationError(f"The {what} is over 200 kB. Shorten it.")


class DraftForm(FlaskForm):
    """A policy draft: its Markdown and what publishing it would say."""

    # Ids are prefixed: the preview's heading anchors (e.g. "summary") must not clash with them.
    markdown = TextAreaField(
        "Policy text (Markdown)",
        id="draft-markdown",
        description="Headings with ##, lists with -, links as [text](https://...).",
        validators=[readable_text(multiline=True)],
    )
    summary = StringField(
        "Summary of changes",
        id="draft-summary",
        validators=[Length(max=MAX_SUMMARY, message="Keep the summary to 500 characters."),
                    readable_text()],
        description="Shown in the version list and in the announcement. Needed to publish.",
    )
    effective = StringField(
        "Effective date",
        id="draft-effective",
        description="Choose the day it takes effect: today or later (a published date never "
                    "rewrites the past).",
    )
    material = BooleanField(
        "Material change: show a notice to returning visitors and email every registered user",
        id="draft-material",
    )

    def validate_markdown(self, field: TextAreaField) -> None:
        """The text is required and at most 200 kB."""
        check_policy_text(field, "policy text")

    def validate_effective(self, field: StringField) -> None:
        """Empty, or a real date written YYYY-MM-DD."""
        text = (field.data or "").strip()
        if text and parse_iso_date(text) is None:
            raise ValidationError("Give the date as YYYY-MM-DD, for example 2026-01-31.")

    def validate_for_publish(self) -> bool:
        """The checks publishing adds: a summary and an effective date from today on."""
        if not self.validate():
            return False
        ok = True
        if not (self.summary.data or "").strip():
            self.summary.errors = [*self.summary.errors, "Summarise the changes to publish."]
            ok = False
        effective = self.effective_on
        if not (self.effective.data or "").strip():
            self.effective.errors = [*self.effective.errors, "Give the date it takes effect."]
            ok = False
        elif effective is not None and effective < today():
            self.effective.errors = [
                *self.effective.errors,
                f"The effective date cannot be in the past (today is {today().isoformat()}): "
                "publishing a past date would rewrite what visitors were shown.",
            ]
            ok = False
        return ok

    @property
    def effective_on(self) -> date | None:
        """The effective date typed, parsed (None when empty or malformed)."""
        return parse_iso_date((self.effective.data or "").strip())

    def fields(self) -> DraftFields:
        """What was typed, as the drafts service takes it."""
        return DraftFields(
            markdown=(self.markdown.data or "").replace("\r\n", "\n"),
            summary=(self.summary.data or "").strip(),
            effective_on=self.effective_on,
            material=bool(self.material.data),
        )


class TranslationForm(FlaskForm):
    """A translation of a published version: its Markdown and its own summary."""

    markdown = TextAreaField(
        "Translated policy text (Markdown)",
        id="translation-markdown",
        description="The same headings and sections as the English version, translated.",
        validators=[readable_text(multiline=True)],
    )
    summary = StringField(
        "Summary of changes, translated",
        id="translation-summary",
        validators=[Length(max=MAX_SUMMARY, message="Keep the summary to 500 characters."),
                    readable_text()],
        description="Shown in the translated version list and in the announcement email.",
    )

    def validate_markdown(self, field: TextAreaField) -> None:
        """The text is required and at most 200 kB."""
        check_policy_text(field, "translated text")

    @property
    def text(self) -> str:
        """The Markdown as typed, with Unix line ends (as a draft stores it)."""
        return (self.markdown.data or "").replace("\r\n", "\n")
