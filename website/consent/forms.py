"""The consent form: the banner's two buttons and the cookie page's checkboxes."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import AnyOf, InputRequired

from website.consent import registry
from website.consent.service import CHOICES
from website.forms import PublicForm
from website.i18n import lazy_gettext as _l


class ConsentForm(PublicForm):
    """`choice` comes from the button pressed; one checkbox per optional category."""

    choice = StringField(
        validators=[
            InputRequired(_l("Choose Accept all, Reject all or Save choices.")),
            AnyOf(CHOICES, _l("Choose Accept all, Reject all or Save choices.")),
        ]
    )
    next = HiddenField()
    origin = HiddenField()
    # Ticked on the cookie page to allow categories although the browser sends GPC.
    gpc_exception = BooleanField()

    def requested(self) -> set[str]:
        """The optional categories whose box was ticked."""
        return {key for key in registry.optional_keys() if self[key].data}


_form_classes: dict[tuple[tuple[str, str], ...], type[ConsentForm]] = {}


def consent_form(**kwargs: object) -> ConsentForm:
    """A consent form with a checkbox for each optional category in the registry."""
    fields = tuple((c.key, c.name) for c in registry.optional_categories())
    form_class = _form_classes.get(fields)
    if form_class is None:
        # Built once per set of categories (the registry does not change while running).
        form_class = type("CategoriesConsentForm", (ConsentForm,),
                          {key: BooleanField(name) for key, name in fields})
        _form_classes[fields] = form_class
    return form_class(**kwargs)
