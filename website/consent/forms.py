"""The consent form: the banner's two buttons and the cookie page's checkboxes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import AnyOf, InputRequired

from website.consent import registry
from website.consent.service import CHOICES


class ConsentForm(FlaskForm):
    """`choice` comes from the button pressed; one checkbox per optional category."""

    choice = StringField(
        validators=[
            InputRequired("Choose Accept all, Reject all or Save choices."),
            AnyOf(CHOICES, "Choose Accept all, Reject all or Save choices."),
        ]
    )
    next = HiddenField()
    origin = HiddenField()

    def requested(self) -> set[str]:
        """The optional categories whose box was ticked."""
        return {key for key in registry.optional_keys() if self[key].data}


def consent_form(**kwargs: object) -> ConsentForm:
    """A consent form with a checkbox for each optional category in the registry."""

    class Form(ConsentForm):
        pass

    for category in registry.optional_categories():
        setattr(Form, category.key, BooleanField(category.name))
    return Form(**kwargs)
