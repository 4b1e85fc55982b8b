"""Forms: the public support request, and the admin's reply and status buttons."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from website.forms import PublicForm
from website.support.service import CATEGORIES, MESSAGE_MAX, SUBJECT_MAX

PHONE_CHARACTERS = re.compile(r"[0-9 +\-()]+")
# Control characters (tab and newlines aside) and U+FFFD, which stands in for bytes that were
# not valid UTF-8: neither belongs in what a person typed, and PostgreSQL refuses NUL.
UNREADABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
SHORT_TEXT = Length(max=200, message="Keep this to 200 characters.")
EMAIL_LENGTH = Length(max=254, message="An email address has at most 254 characters.")


def sent_once(form: FlaskForm, field: Field) -> None:
    """A field sent twice is ambiguous: ask for it once rather than guess which one was meant."""
    if field.raw_data is not None and len(field.raw_data) > 1:
        raise ValidationError("This field was sent more than once. Please send it once.")


def readable(form: FlaskForm, field: Field) -> None:
    """Refuse text holding control characters or bytes that were not valid UTF-8."""
    if isinstance(field.data, str) and UNREADABLE.search(field.data):
        raise ValidationError(
            "This contains characters that could not be read. Please type it again."
        )


def one_line(form: FlaskForm, field: Field) -> None:
    """Refuse line breaks where one line is expected (they would also break email headers)."""
    if isinstance(field.data, str) and ("\n" in field.data or "\r" in field.data):
        raise ValidationError("Please keep this to one line.")


def valid_email(form: FlaskForm, field: Field) -> None:
    """Check the address's syntax (no DNS look-up) and keep its normalised form."""
    try:
        field.data = validate_email(field.data or "", check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValidationError(f"Enter a valid email address: {error}") from None


def valid_phone(form: FlaskForm, field: Field) -> None:
    """Loosely: digits, spaces, +, - and parentheses, with 6 to 20 digits."""
    value = field.data or ""
    digits = sum(ch.isdigit() for ch in value)
    if not PHONE_CHARACTERS.fullmatch(value) or not 6 <= digits <= 20:
        raise ValidationError(
            "Enter a phone number of 6 to 20 digits (spaces, +, - and brackets are fine),"
            " or leave it empty."
        )


def message_length(form: FlaskForm, field: Field) -> None:
    """A clear message that says how long the text is."""
    length = len(field.data or "")
    if length > MESSAGE_MAX:
        raise ValidationError(
            f"Please keep your message to {MESSAGE_MAX:,} characters; it has {length:,}."
        )


def strip(value: str | None) -> str | None:
    """Trim surrounding spaces from what was typed."""
    return value.strip() if isinstance(value, str) else value


def unix_newlines(value: str | None) -> str | None:
    """Browsers send CRLF from a textarea; store and count each line break as one character."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


class SupportRequestForm(PublicForm):
    """The public support form (SPEC.md field names), with a honeypot named `website`."""

    name = StringField(
        "Your name",
        filters=[strip],
        validators=[sent_once, DataRequired("Enter your name."), SHORT_TEXT, readable, one_line],
    )
    organisation = StringField(
        "Organisation (optional)",
        filters=[strip],
        validators=[sent_once, Optional(), SHORT_TEXT, readable, one_line],
    )
    email = StringField(
        "Email address",
        filters=[strip],
        validators=[
            sent_once, DataRequired("Enter your email address."), EMAIL_LENGTH,
            readable, one_line, valid_email,
        ],
    )
    phone = StringField(
        "Phone (optional)",
        filters=[strip],
        validators=[sent_once, Optional(), readable, one_line, valid_phone],
    )
    category = SelectField(
        "What is it about?",
        choices=[SelectChoice("", "Choose a category")]
        + [SelectChoice(key, label) for key, label in CATEGORIES.items()],
        validate_choice=False,
        validators=[sent_once],
    )
    subject = StringField(
        "Subject", filters=[strip],
        validators=[
            sent_once, DataRequired("Enter a subject."),
            Length(max=SUBJECT_MAX, message=f"Keep the subject to {SUBJECT_MAX} characters."),
            readable, one_line,
        ],
    )
    message = TextAreaField(
        "Message",
        filters=[unix_newlines],
        validators=[sent_once, DataRequired("Enter your message."), message_length, readable],
    )
    # The honeypot: hidden from people and screen readers; only bots fill it in.
    website = StringField("Leave this field empty")

    def validate_category(self, field: Field) -> None:
        """One of the listed categories, with a message a person can act on."""
        if field.data not in CATEGORIES:
            raise ValidationError("Choose one of the listed categories.")


class ReplyForm(FlaskForm):
    """An admin's answer to a request; it is emailed to the requester."""

    body = TextAreaField(
        "Reply",
        filters=[unix_newlines],
        validators=[sent_once, DataRequired("Write the reply."), message_length, readable],
    )
    close = BooleanField("Close the request after sending")


class StatusForm(FlaskForm):
    """The close and reopen buttons (a CSRF token and nothing else)."""
