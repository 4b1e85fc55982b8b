"""Forms: the public rights request, the admin's actions, and the account deletion."""

from __future__ import annotations

import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from website.extensions import utcnow
from website.forms import HoneypotForm, PublicForm, readable_text, strip, valid_email
from website.i18n import lazy_gettext as _l
from website.rights.terms import TYPES, Agent

DETAILS_MAX = 5000
REASON_MAX = 5000
readable_line = readable_text()
readable_lines = readable_text(multiline=True)


class RightsRequestForm(HoneypotForm):
    """A data-rights request from anyone with an email address."""

    request_type = RadioField(
        _l("Which right do you want to use?"),
        choices=[SelectChoice(key, label) for key, (label, _) in TYPES.items()],
        validators=[InputRequired(_l("Choose the right you want to use."))],
    )
    name = StringField(
        _l("Your name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter your name.")),
                    Length(max=200, message=_l("Keep your name to 200 characters.")),
                    readable_line],
    )
    email = StringField(
        _l("Your email address"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=254, message=_l("An email address has at most 254 characters.")),
            readable_line,
            valid_email,
        ],
    )
    details = TextAreaField(
        _l("Details (optional)"),
        filters=[strip],
        validators=[
            Length(max=DETAILS_MAX,
                   message=_l("Please keep the details under %(max)d characters.")),
            readable_lines,
        ],
    )
    # An authorised agent (CCPA §7063) filing for the person named above.
    agent_name = StringField(
        _l("Agent's name (you, when you act for them)"), filters=[strip],
        validators=[Length(max=200, message=_l("Keep your name to 200 characters.")),
                    readable_line],
    )
    agent_email = StringField(
        _l("Agent's email address"), filters=[strip],
        validators=[Optional(),
                    Length(max=254, message=_l("An email address has at most 254 characters.")),
                    readable_line, valid_email],
    )

    def validate_agent_name(self, field: StringField) -> None:
        """An agent gives both a name and an address."""
        if bool(field.data) != bool(self.agent_email.data):
            raise ValidationError(_l("As an agent, give both your name and your email address."))

    def validate_agent_email(self, field: StringField) -> None:
        """An agent's address is never the person's own (runs only when one is given)."""
        if field.data and field.data.lower() == (self.email.data or "").lower():
            raise ValidationError(_l("Your address as agent must differ from the person's: they "
                                     "confirm from their own address."))

    def agent(self) -> Agent | None:
        """The agent who filed the request, or None when the person filed it."""
        if not self.agent_email.data:
            return None
        return Agent(self.agent_name.data, self.agent_email.data)


class ActionForm(FlaskForm):
    """An admin action without fields (the CSRF token only)."""


class CompleteForm(FlaskForm):
    """Complete a request with the outcome sent to the owner."""

    outcome = TextAreaField(
        "Outcome (sent to the owner)", id="complete-outcome", filters=[strip],
        validators=[Length(max=REASON_MAX), readable_lines],
    )


class RejectForm(FlaskForm):
    """Reject a request with a reason sent to the owner."""

    # Ids of their own: the reject and extend forms share a page and must never share a value.
    reason = TextAreaField(
        "Reason for rejecting (sent to the owner)", id="reject-reason", filters=[strip],
        validators=[DataRequired("A rejection needs a reason."), Length(max=REASON_MAX),
                    readable_lines],
    )


class PauseForm(FlaskForm):
    """Ask the requester a question and stop the clock until the answer."""

    question = TextAreaField(
        "Question for the requester (emailed; the clock stops until they answer)",
        id="pause-question", filters=[strip],
        validators=[DataRequired("Write the question: it is emailed to the requester."),
                    Length(max=REASON_MAX), readable_lines],
    )


class ResumeForm(FlaskForm):
    """The requester answered: the clock runs again."""

    note = TextAreaField("What they answered (for the history)", id="resume-note",
                         filters=[strip], validators=[Length(max=REASON_MAX), readable_lines])


class ExtendForm(FlaskForm):
    """Extend the deadline once, by one or two months."""

    months = SelectField(
        "Extend by", id="extend-months",
        choices=[SelectChoice("1", "1 month"), SelectChoice("2", "2 months")],
        validators=[InputRequired("Choose one or two months.")],
    )
    reason = TextAreaField(
        "Reason for more time (sent to the owner)", id="extend-reason", filters=[strip],
        validators=[DataRequired("An extension needs a reason."), Length(max=REASON_MAX),
                    readable_lines],
    )


class DeleteAccountForm(FlaskForm):
    """Confirm account deletion with the current password."""

    password = PasswordField(
        _l("Your password"), validators=[DataRequired(_l("Enter your password to confirm."))]
    )


CHANNELS = {"email": "Email", "phone": "Phone", "post": "Post", "other": "Other"}
# A request entered later than this after it arrived is most likely a typo in the date.
RECEIVED_MAX_DAYS = 365


class IntakeForm(FlaskForm):
    """A request an admin received by email, phone or post, entered into the queue."""

    request_type = SelectField(
        "Right asked for", choices=[SelectChoice(key, label) for key, (label, _) in TYPES.items()],
        validators=[InputRequired("Choose the right asked for.")],
    )
    name = StringField(
        "Requester's name", filters=[strip],
        validators=[DataRequired("Enter the requester's name."), Length(max=200), readable_line],
    )
    email = StringField(
        "Requester's email address", filters=[strip],
        validators=[
            DataRequired("Enter the address: the requester is told about every change there."),
            Length(max=254),
            valid_email, readable_line,
        ],
    )
    details = TextAreaField(
        "What they asked for", filters=[strip],
        validators=[Length(max=DETAILS_MAX, message=f"Please keep the details under "
                           f"{DETAILS_MAX} characters."), readable_lines],
    )
    received_on = StringField(
        "Received on", filters=[strip],
        validators=[DataRequired("Give the date the request reached us, as YYYY-MM-DD.")],
    )
    channel = SelectField(
        "Received by", choices=[SelectChoice(key, label) for key, label in CHANNELS.items()],
        validators=[InputRequired("Choose how the request reached us.")],
    )
    identity_checked = BooleanField(
        "The requester's identity was clear on receipt (the month runs from the day received)"
    )

    def validate_received_on(self, field: StringField) -> None:
        """A real date, not in the future, within the last year."""
        received = self.received_date
        if received is None:
            raise ValidationError("Give the date as YYYY-MM-DD, for example 2026-01-31.")
        today = utcnow().date()
        if received > today:
            raise ValidationError("The date cannot be in the future.")
        if (today - received).days > RECEIVED_MAX_DAYS:
            raise ValidationError("That is more than a year ago: check the date.")

    @property
    def received_date(self) -> date | None:
        """The received date typed, parsed (None when malformed)."""
        text = self.received_on.data or ""
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None


class LiftForm(FlaskForm):
    """Lift a restriction: the owner is told why before it is lifted (Art. 18(3))."""

    reason = TextAreaField(
        "Why the restriction ends (sent to the owner first)", filters=[strip],
        validators=[DataRequired("Lifting a restriction needs a reason: it is sent to the owner."),
                    Length(max=REASON_MAX), readable_lines],
    )


class ConfirmRequestForm(PublicForm):
    """The one button that confirms a request from its emailed link."""


class NewStatusLinkForm(PublicForm):
    """Ask for a new status link: the reference and the address the request was made from."""

    reference = StringField(
        _l("Reference"), filters=[strip],
        validators=[DataRequired(_l("Enter the reference, like RR-ABCD2345.")),
                    Length(max=20, message=_l("A reference has at most 20 characters.")),
                    readable_line],
    )
    email = StringField(
        _l("The email address you made the request from"), filters=[strip],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=254, message=_l("An email address has at most 254 characters.")),
            valid_email, readable_line,
        ],
    )
