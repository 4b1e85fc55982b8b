"""Forms: the public rights request, the admin's actions, and the account deletion."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import (
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length

from website.forms import PublicForm
from website.rights.service import TYPES

# Werkzeug keeps a byte that is not UTF-8 as "%XX" (uppercase hex, 80-FF) in form values.
UNREADABLE = re.compile(r"\ufffd|%[89A-F][0-9A-F]")
DETAILS_MAX = 5000
REASON_MAX = 5000


def readable_text(form: FlaskForm, field: StringField) -> None:
    """Reject text that could not be read as UTF-8, or that holds control characters."""
    value = field.data or ""
    if UNREADABLE.search(value):
        raise ValidationError("Some characters could not be read. Please type them again.")
    if any(ord(ch) < 32 and ch not in "\r\n\t" for ch in value):
        raise ValidationError("Please remove the control characters from this text.")


def strip(value: str | None) -> str | None:
    """Trim surrounding whitespace."""
    return value.strip() if isinstance(value, str) else value


class RightsRequestForm(PublicForm):
    """A data-rights request from anyone with an email address."""

    request_type = RadioField(
        "Which right do you want to use?",
        choices=[SelectChoice(key, label) for key, (label, _) in TYPES.items()],
        validators=[InputRequired("Choose the right you want to use.")],
    )
    name = StringField(
        "Your name",
        filters=[strip],
        validators=[DataRequired("Enter your name."), Length(max=200), readable_text],
    )
    email = StringField(
        "Your email address",
        filters=[strip],
        validators=[
            DataRequired("Enter your email address."),
            Length(max=254),
            Email("Enter an email address like name@example.com.", check_deliverability=False),
            readable_text,
        ],
    )
    details = TextAreaField(
        "Details (optional)",
        filters=[strip],
        validators=[
            Length(max=DETAILS_MAX, message=f"Please keep the details under {DETAILS_MAX} "
                   "characters."),
            readable_text,
        ],
    )
    # A honeypot: hidden from people, filled in by bots.
    website = StringField("Leave this field empty")


class ActionForm(FlaskForm):
    """An admin action without fields (the CSRF token only)."""


class CompleteForm(FlaskForm):
    """Complete a request with the outcome sent to the owner."""

    outcome = TextAreaField(
        "Outcome (sent to the owner)", filters=[strip],
        validators=[Length(max=REASON_MAX), readable_text],
    )


class RejectForm(FlaskForm):
    """Reject a request with a reason sent to the owner."""

    reason = TextAreaField(
        "Reason (sent to the owner)", filters=[strip],
        validators=[DataRequired("A rejection needs a reason."), Length(max=REASON_MAX),
                    readable_text],
    )


class ExtendForm(FlaskForm):
    """Extend the deadline once, by one or two months."""

    months = SelectField(
        "Extend by", choices=[SelectChoice("1", "1 month"), SelectChoice("2", "2 months")],
        validators=[InputRequired("Choose one or two months.")],
    )
    reason = TextAreaField(
        "Reason (sent to the owner)", filters=[strip],
        validators=[DataRequired("An extension needs a reason."), Length(max=REASON_MAX),
                    readable_text],
    )


class DeleteAccountForm(FlaskForm):
    """Confirm account deletion with the current password."""

    password = PasswordField(
        "Your password", validators=[DataRequired("Enter your password to confirm.")]
    )
