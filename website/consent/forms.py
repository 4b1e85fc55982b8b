"""The consent form: the banner's two buttons and the cookie page's checkboxes, read by one
small function (no form class: it is the site's most frequent POST, and a first visitor's)."""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from website.consent import registry
from website.consent.service import CHOICES
from website.forms import NOT_UTF8

# What a checkbox reads as unticked (as WTForms' BooleanField): absent, empty or "false".
UNTICKED = ("", "false")


@dataclass(frozen=True)
class ConsentChoice:
    """What the form says: the button pressed, the boxes ticked, where it was sent from."""

    choice: str
    requested: frozenset[str]
    origin: str | None
    next: str | None
    gpc_exception: bool


def ticked(form: MultiDict[str, str], name: str) -> bool:
    """True when the checkbox came back ticked (its first value, as browsers send one)."""
    return form.get(name, "") not in UNTICKED


def read_consent_form(form: MultiDict[str, str]) -> ConsentChoice | None:
    """The choice in a posted consent form; None when there is no known choice or a value was
    not UTF-8. Each field's first value counts; fields the form does not have are ignored."""
    if any(NOT_UTF8 in value for _, value in form.items(multi=True)):
        return None  # a multipart part that was not UTF-8 (Werkzeug replaced its bytes)
    choice = form.get("choice")
    if choice not in CHOICES:
        return None
    requested = frozenset(key for key in registry.optional_keys() if ticked(form, key))
    return ConsentChoice(choice, requested, form.get("origin"), form.get("next"),
                         ticked(form, "gpc_exception"))
