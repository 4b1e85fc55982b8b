"""Forms: the public rights request, the admin's actions, and the account deletion."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from website.forms import HoneypotForm, readable_text, strip, valid_email
from website.rights.service import TYPES

DETAILS_MAX = 5000
REASON_MAX = 5000
readable_line = readable_text()
readable_lines = readable_text(multiline=True)


class RightsRequestForm(HoneypotForm):
    """A data-rights request from anyone with an email address."""

    request_type = RadioField(
        "Which right do you want to use?",
        choices=[SelectChoice(key, label) for key, (label, _) in TYPES.items()],
        validators=[InputRequired("Choose the right you want to use.")],
    )
    name = StringField(
        "Your name",
        filters=[strip],
        validators=[DataRequired("Enter your name."),
                    Length(max=200, message="Keep your name to 200 characters."), readable_line],
    )
    email = StringField(
        "Your email address",
        filters=[strip],
        validators=[
            DataRequired("Enter your email address."),
            Length(max=254, message="An email address has at most 254 characters."),
            readable_line,
            valid_email,
        ],
    )
    details = TextAreaField(
        "Details (optional)",
        filters=[strip],
        validators=[
            Length(max=DETAILS_MAX, message=f"Please keep the details under {DETAILS_MAX} "
                   "characters."),
            readable_lines,
        ],
    )


class ActionForm(FlaskForm):
    """An admin action without fields (the CSRF token only)."""


class CompleteForm(FlaskForm):
    """Complete a request with the outcome sent to the owner."""

    outcome = TextAreaField(
        "Outcome (sent to the owner)", filters=[strip],
        validators=[Length(max=REASON_MAX), readable_lines],
    )


class RejectForm(FlaskForm):
    """Reject a request with a reason sent to the owner."""

    reason = TextAreaField(
        "Reason (sent to the owner)", filters=[strip],
        validators=[DataRequired("A rejection needs a reason."), Length(max=REASON_MAX),
                    readable_lines],
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
                    readable_lines],
    )


class DeleteAccountForm(FlaskForm):
    """Confirm account deletion with the current password."""

    password = PasswordField(
        "Your password", validators=[DataRequired("Enter your password to confirm.")]
    )
