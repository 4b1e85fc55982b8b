"""Forms: the public support request, and the admin's reply and status buttons."""

from __future__ import annotations

from flask_babel import format_number
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from website.forms import (
    HoneypotForm,
    normalised_email,
    readable_text,
    sent_once,
    strip,
    unix_newlines,
    valid_phone,
)
from website.i18n import gettext as _
from website.i18n import lazy_gettext as _l
from website.support.service import CATEGORIES, MESSAGE_MAX, SUBJECT_MAX

SHORT_TEXT = Length(max=200, message=_l("Keep this to 200 characters."))
EMAIL_LENGTH = Length(max=254, message=_l("An email address has at most 254 characters."))
readable = readable_text()
readable_lines = readable_text(multiline=True)


def message_length(form: FlaskForm, field: Field) -> None:
    """A clear message that says how long the text is."""
    length = len(field.data or "")
    if length > MESSAGE_MAX:
        raise ValidationError(_(
            "Please keep your message to %(most)s characters; it has %(length)s.",
            most=format_number(MESSAGE_MAX), length=format_number(length),
        ))


class SupportRequestForm(HoneypotForm):
    """The public support form (fixed field names), with a honeypot named `website`."""

    name = StringField(
        _l("Your name"),
        filters=[strip],
        validators=[sent_once, DataRequired(_l("Enter your name.")), SHORT_TEXT, readable],
    )
    organisation = StringField(
        _l("Organisation (optional)"),
        filters=[strip],
        validators=[sent_once, Optional(), SHORT_TEXT, readable],
    )
    email = StringField(
        _l("Email address"),
        filters=[strip],
        validators=[
            sent_once, DataRequired(_l("Enter your email address.")), EMAIL_LENGTH,
            readable, normalised_email,
        ],
    )
    phone = StringField(
        _l("Phone (optional)"),
        filters=[strip],
        validators=[sent_once, Optional(), readable, valid_phone],
    )
    category = SelectField(
        _l("What is it about?"),
        choices=[SelectChoice("", _l("Choose a category"))]
        + [SelectChoice(key, label) for key, label in CATEGORIES.items()],
        validate_choice=False,
        validators=[sent_once],
    )
    subject = StringField(
        _l("Subject"), filters=[strip],
        validators=[
            sent_once, DataRequired(_l("Enter a subject.")),
            Length(max=SUBJECT_MAX, message=_l("Keep the subject to %(max)d characters.")),
            readable,
        ],
    )
    message = TextAreaField(
        _l("Message"),
        filters=[unix_newlines],
        validators=[sent_once, DataRequired(_l("Enter your message.")), message_length,
                    readable_lines],
    )

    def validate_category(self, field: Field) -> None:
        """One of the listed categories, with a message a person can act on."""
        if field.data not in CATEGORIES:
            raise ValidationError(_("Choose one of the listed categories."))


class ReplyForm(FlaskForm):
    """An admin's answer to a request; it is emailed to the requester."""

    body = TextAreaField(
        "Reply",
        filters=[unix_newlines],
        validators=[sent_once, DataRequired("Write the reply."), message_length,
                    readable_lines],
    )
    close = BooleanField("Close the request after sending")


class StatusForm(FlaskForm):
    """The close and reopen buttons (a CSRF token and nothing else)."""


class CategoryForm(FlaskForm):
    """An admin moves a request to another category (the urgent one makes it urgent)."""

    category = SelectField("Category", id="support-category", choices=[])


class NoteForm(FlaskForm):
    """An internal note between handlers: never sent to the requester."""

    body = TextAreaField(
        "Internal note (never sent to the requester)", id="support-note",
        filters=[unix_newlines],
        validators=[DataRequired("Write the note."), message_length, readable_lines],
    )


class AssignForm(FlaskForm):
    """Give the request to one handler, or to nobody ("")."""

    assignee = SelectField("Assigned to", id="support-assignee", choices=[])
