"""The sub-processor list's forms: subscribe, object (public, token-less) and answer (admin)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from website.forms import PublicForm, normalised_email, readable_text, strip, unix_newlines
from website.i18n import lazy_gettext as _l

EMAIL_LENGTH = Length(max=254, message=_l("An email address has at most 254 characters."))
REASON_LENGTH = Length(max=5000, message=_l("Keep this to 5,000 characters."))


class SubscribeForm(PublicForm):
    """An address to tell of new sub-processors (field `email`); the same bytes for everyone."""

    email = StringField(
        _l("Email address"), filters=[strip],
        validators=[DataRequired(_l("Enter your email address.")), EMAIL_LENGTH,
                    readable_text(), normalised_email])


class AskToObjectForm(PublicForm):
    """From the public page: a subscriber's address and the coming sub-processor; the link to
    object is emailed to the address if it is a confirmed subscriber's (its own ids: the page
    holds the subscribe form too)."""

    email = StringField(
        _l("Email address"), id="object-email", filters=[strip],
        validators=[DataRequired(_l("Enter your email address.")), EMAIL_LENGTH,
                    readable_text(), normalised_email])
    system = IntegerField(id="object-system",
                          validators=[DataRequired(_l("Choose the sub-processor."))])


class ObjectionForm(PublicForm):
    """The objection itself (reached by the subscriber's own link)."""

    reason = TextAreaField(
        _l("Why do you object? (optional)"), filters=[strip, unix_newlines],
        validators=[Optional(), REASON_LENGTH, readable_text(multiline=True)])


class AnswerForm(FlaskForm):
    """The team's answer to an objection (admin, with its CSRF token)."""

    answer = TextAreaField(
        _l("Answer"), filters=[strip, unix_newlines],
        validators=[DataRequired(_l("Write the answer.")), REASON_LENGTH,
                    readable_text(multiline=True)])
