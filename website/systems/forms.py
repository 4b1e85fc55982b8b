"""The admin's form for one system of the register (the SPEC's field names)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from website.forms import readable_text, strip, valid_email
from website.records.register import LEGAL_BASES
from website.systems.models import KINDS
from website.webhooks.addresses import EndpointError, check_endpoint

readable_line = readable_text()
readable_lines = readable_text(multiline=True)
KIND_LABELS = {
    "manual": "Manual: a team acts by written instructions",
    "email": "Email: a templated request goes to the processor's privacy address",
    "webhook": "Webhook: our own service is called (signed)",
}


class SystemForm(FlaskForm):
    """A system that holds personal data outside this site, and how it is reached."""

    name = StringField("Name", filters=[strip], validators=[
        DataRequired("Give the system a name."), Length(max=200), readable_line])
    data = TextAreaField("Personal data it holds", filters=[strip], validators=[
        DataRequired("Say what personal data it holds."), Length(max=2000), readable_lines])
    purpose = TextAreaField("Purpose", filters=[strip], validators=[
        DataRequired("Say what the data is used for."), Length(max=2000), readable_lines])
    legal_basis = SelectField(
        "Legal basis", choices=[SelectChoice(key, str(text)) for key, text in LEGAL_BASES.items()],
        validators=[DataRequired("Choose the legal basis.")])
    retention = TextAreaField("Retention", filters=[strip], validators=[
        DataRequired("Say how long the data is kept."), Length(max=1000), readable_lines])
    processor = StringField("Processor (empty when we run it ourselves)", filters=[strip],
                            validators=[Length(max=200), readable_line])
    location = StringField("Where the data is", filters=[strip],
                           validators=[Length(max=200), readable_line])
    kind = SelectField("How it is reached",
                       choices=[SelectChoice(key, KIND_LABELS[key]) for key in KINDS],
                       validators=[DataRequired("Choose how the system is reached.")])
    endpoint = StringField("Webhook endpoint (https://…)", filters=[strip], validators=[
        Optional(), Length(max=500)])
    contact_email = StringField("Processor's privacy contact address", filters=[strip],
                                validators=[Optional(), Length(max=254), valid_email])
    instructions = TextAreaField("Instructions for the team that acts", filters=[strip],
                                 validators=[Length(max=5000), readable_lines])

    def validate_contact_email(self, field: StringField) -> None:
        """An email system needs the address its requests go to."""
        if self.kind.data == "email" and not field.data:
            raise ValidationError("An email system needs the processor's privacy address.")

    def validate_endpoint(self, field: StringField) -> None:
        """A webhook system needs an https endpoint on a public address (or an allowed host)."""
        if self.kind.data == "webhook":
            try:
                check_endpoint(field.data or "")
            except EndpointError as error:
                raise ValidationError(str(error)) from None

    def validate_instructions(self, field: TextAreaField) -> None:
        """A manual system needs written instructions."""
        if self.kind.data == "manual" and not field.data:
            raise ValidationError("A manual system needs written instructions.")

    def values(self) -> dict[str, str]:
        """What was typed, by the SPEC's field names."""
        return {name: self[name].data or "" for name in (
            "name", "data", "purpose", "legal_basis", "retention", "processor", "location",
            "kind", "endpoint", "contact_email", "instructions")}


class TaskDoneForm(FlaskForm):
    """A task done: what was done, and the system's export when it sent one."""

    note = TextAreaField("What was done", filters=[strip],
                         validators=[Length(max=5000), readable_lines])
    export = FileField("The system's export (JSON or CSV)")


class TaskWaiveForm(FlaskForm):
    """A task waived: why this system needs no action."""

    reason = TextAreaField("Why no action is needed", filters=[strip], validators=[
        DataRequired("A waived task needs a written reason."), Length(max=5000),
        readable_lines])
