"""Forms of the breach register: the record, the decisions, and a notice to the people."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from website.extensions import utcnow
from website.forms import readable_text, strip, unix_newlines
from website.incidents.notices import AUDIENCES, LANGUAGES, NoticeText
from website.incidents.service import (
    AUTHORITY_DECISIONS,
    PEOPLE_DECISIONS,
    Decisions,
    IncidentFields,
)

_WHEN = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})$")
LONG = 20_000
TEXT = [Length(max=LONG, message="Keep this under 20,000 characters."),
        readable_text(multiline=True)]


def parse_when(text: str) -> datetime | None:
    """A UTC time typed YYYY-MM-DD HH:MM (or as a browser's datetime-local sends it)."""
    found = _WHEN.match(text.strip())
    if not found:
        return None
    try:
        return datetime.fromisoformat(f"{found.group(1)} {found.group(2)}")
    except ValueError:
        return None


def parse_count(text: str) -> int | None:
    """An approximate number as typed ("1200", "1,200" or "about 1200"); None when empty."""
    digits = text.lower().replace("about", "").replace("approx.", "").replace(",", "").strip()
    if not digits:
        return None
    if not (digits.isascii() and digits.isdigit() and len(digits) < 10):
        raise ValidationError("Give a whole number, e.g. 1200 (an estimate is fine).")
    return int(digits)


def text_field(label: str, description: str = "") -> TextAreaField:
    """A multi-line text field of the register."""
    return TextAreaField(label, description=description, validators=TEXT,
                         filters=[strip, unix_newlines])


class IncidentForm(FlaskForm):
    """The record of a breach (Art. 33(3) and 33(5))."""

    aware_at = StringField("Became aware at (UTC)", filters=[strip],
                           description="YYYY-MM-DD HH:MM, in UTC. The 72 hours run from here.")
    summary = text_field("What happened", "The nature of the breach.")
    categories = text_field("Categories of people and of personal data",
                            "e.g. API customers; names, email addresses, API keys.")
    people_count = StringField("Approximate number of people", filters=[strip])
    records_count = StringField("Approximate number of records", filters=[strip])
    consequences = text_field("Likely consequences")
    measures = text_field("Measures taken or proposed",
                          "Including measures to mitigate possible adverse effects.")
    contact = text_field("Contact point", "Who the authority and the people can ask for more.")

    def validate_aware_at(self, field: StringField) -> None:
        """A real time, not in the future."""
        when = parse_when(field.data or "")
        if when is None:
            raise ValidationError("Give the time as YYYY-MM-DD HH:MM (UTC), e.g. 2026-12-01 09:30.")
        if when > utcnow():
            raise ValidationError("The time of awareness cannot be in the future.")

    def validate_summary(self, field: TextAreaField) -> None:
        """The register needs at least what happened."""
        if not field.data:
            raise ValidationError("Say what happened.")

    def validate_people_count(self, field: StringField) -> None:
        """Empty or a whole number."""
        parse_count(field.data or "")

    def validate_records_count(self, field: StringField) -> None:
        """Empty or a whole number."""
        parse_count(field.data or "")

    def fields(self) -> IncidentFields:
        """What was typed, as the service takes it (call after validate)."""
        return IncidentFields(
            aware_at=parse_when(self.aware_at.data or "") or utcnow(),
            summary=self.summary.data or "", categories=self.categories.data or "",
            people_count=parse_count(self.people_count.data or ""),
            records_count=parse_count(self.records_count.data or ""),
            consequences=self.consequences.data or "", measures=self.measures.data or "",
            contact=self.contact.data or "",
        )


class DecisionForm(FlaskForm):
    """Tell the authority? Tell the people? Each with its reason."""

    authority = RadioField("Tell the supervisory authority?", choices=list(
        AUTHORITY_DECISIONS.items()), validate_choice=False)
    authority_reason = text_field("Why")
    people = RadioField("Tell the people affected?", choices=list(PEOPLE_DECISIONS.items()),
                        validate_choice=False)
    people_reason = text_field("Why", "Art. 34(1): a high risk to their rights and freedoms.")
    delay_reason = text_field("Reasons for any delay past 72 hours",
                              "Required to notify the authority after 72 hours (Art. 33(1)).")

    def validate_authority(self, field: RadioField) -> None:
        """One of the choices, or none yet."""
        if field.data and field.data not in AUTHORITY_DECISIONS:
            raise ValidationError("Choose one of the options.")

    def validate_people(self, field: RadioField) -> None:
        """One of the choices, or none yet."""
        if field.data and field.data not in PEOPLE_DECISIONS:
            raise ValidationError("Choose one of the options.")

    def validate_authority_reason(self, field: TextAreaField) -> None:
        """A decision needs its reason."""
        if self.authority.data in AUTHORITY_DECISIONS and not field.data:
            raise ValidationError("Give the reason for this decision.")

    def validate_people_reason(self, field: TextAreaField) -> None:
        """A decision needs its reason."""
        if self.people.data in PEOPLE_DECISIONS and not field.data:
            raise ValidationError("Give the reason for this decision.")

    def decisions(self) -> Decisions:
        """What was decided, as the service takes it."""
        return Decisions(
            authority=self.authority.data or "", authority_reason=self.authority_reason.data or "",
            people=self.people.data or "", people_reason=self.people_reason.data or "",
            delay_reason=self.delay_reason.data or "",
        )


def subject_field(label: str) -> StringField:
    """A notice's subject line."""
    return StringField(label, filters=[strip], validators=[
        Length(max=200, message="Keep the subject to 200 characters."), readable_text()])


class NoticeForm(FlaskForm):
    """A notice to the people affected: who, and what it says in each language."""

    audience = RadioField("Who is told", choices=list(AUDIENCES.items()), validate_choice=False)
    accounts = text_field("Account numbers", "One a line, or separated by commas.")
    addresses = text_field("Email addresses", "Pasted, one a line. Only an address an account "
                           "has confirmed is told.")
    subject = subject_field("Subject (English)")
    body = text_field("Notice (English)", "Plain language: what happened, the likely "
                      "consequences, what we did, what they can do, whom to contact.")
    subject_de = subject_field("Subject (German, optional)")
    body_de = text_field("Notice (German, optional)")
    subject_fr = subject_field("Subject (French, optional)")
    body_fr = text_field("Notice (French, optional)")

    def validate_audience(self, field: RadioField) -> None:
        """One of the choices."""
        if field.data not in AUDIENCES:
            raise ValidationError("Choose who is told.")

    def validate_subject(self, field: StringField) -> None:
        """The English text is required."""
        if not field.data:
            raise ValidationError("Write the subject.")

    def validate_body(self, field: TextAreaField) -> None:
        """The English text is required."""
        if not field.data:
            raise ValidationError("Write the notice.")

    def validate(self, extra_validators: Any = None) -> bool:
        """The field checks, then: a translation has both its subject and its text."""
        ok = super().validate(extra_validators)
        for code, name in zip(LANGUAGES, ("German", "French"), strict=True):
            subject, body = getattr(self, f"subject_{code}"), getattr(self, f"body_{code}")
            if bool(subject.data) != bool(body.data):
                missing = body if subject.data else subject
                missing.errors = [*missing.errors,
                                  f"Give both the {name} subject and text, or neither."]
                ok = False
        return ok

    def text(self) -> NoticeText:
        """The notice as typed."""
        return NoticeText(
            subject=self.subject.data or "", body=self.body.data or "",
            subject_de=self.subject_de.data or "", body_de=self.body_de.data or "",
            subject_fr=self.subject_fr.data or "", body_fr=self.body_fr.data or "",
        )
