"""The one form toolkit: shared filters, validators, the phone rule and the honeypot."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask import request
from flask_babel import get_locale
from flask_wtf import FlaskForm
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from wtforms import Field, HiddenField, StringField
from wtforms.validators import ValidationError

from website.i18n import gettext as _
from website.i18n import lazy_gettext as _l
from website.submissions import usable_key

Validator = Callable[[FlaskForm, Field], None]

# U+FFFD stands in for bytes that were not valid UTF-8; control characters (tab and line
# breaks aside) never belong in what a person typed, and PostgreSQL refuses NUL.
NOT_UTF8 = "\ufffd"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Every character Python (and a mail header) treats as a line break, U+2028 and U+2029 included.
LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
UNREADABLE_MESSAGE = _l("Some characters could not be read. Please type this again.")
CONTROL_MESSAGE = _l("This contains control characters. Please remove them.")
# Bidirectional embeddings, overrides and isolates: in a one-line field they only serve to
# show text other than what was sent (pen-test finding 6: "Invoice‮fdp.exe").
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
BIDI_MESSAGE = _l("This contains invisible characters that change the direction of text. "
                  "Please remove them.")


def strip(value: str | None) -> str | None:
    """Trim surrounding spaces from what was typed."""
    return value.strip() if isinstance(value, str) else value


def unix_newlines(value: str | None) -> str | None:
    """Browsers send CRLF from a textarea; keep each line break as one character."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def body_not_utf8() -> bool:
    """True when a URL-encoded form body is not UTF-8, raw or percent-escaped (%E9).

    Call it before the form reads `request.form`: Werkzeug drops a body that is not UTF-8, and
    decodes a Latin-1 escape as the literal text "%E9", so neither can be seen afterwards.
    """
    if request.method != "POST" or request.mimetype != "application/x-www-form-urlencoded":
        return False
    try:
        for pair in request.get_data(cache=True).split(b"&"):
            unquote_to_bytes(pair.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def readable_text(multiline: bool = False) -> Validator:
    """Refuse text that was not valid UTF-8 or holds control characters (and, on one line,
    line breaks and direction overrides)."""

    def check(form: FlaskForm, field: Field) -> None:
        value = field.data if isinstance(field.data, str) else ""
        if NOT_UTF8 in value:
            raise ValidationError(UNREADABLE_MESSAGE)
        if CONTROL.search(value):
            raise ValidationError(CONTROL_MESSAGE)
        if not multiline and LINE_BREAKS.search(value):
            raise ValidationError(_("Please keep this to one line."))
        if not multiline and BIDI_CONTROLS.search(value):
            raise ValidationError(BIDI_MESSAGE)

    return check


def sent_once(form: FlaskForm, field: Field) -> None:
    """A field sent twice is ambiguous: ask for it once rather than guess which was meant."""
    if field.raw_data is not None and len(field.raw_data) > 1:
        raise ValidationError(_("This field was sent more than once. Please send it once."))


# Why an address is not one: the server's words, and the page script's (SCRIPT_WORDS).
EMAIL_PROBLEMS = {
    "email_no_at": _l("Enter an email address with an @, like name@example.com."),
    "email_no_local": _l("Enter the part before the @, like name@example.com."),
    "email_no_domain": _l("Enter the part after the @, like name@example.com."),
    "email_short_domain": _l("Enter the whole domain after the @, like name@example.com."),
    "email_format": _l("Enter an email address in the correct format, like name@example.com."),
}
# What static/js/site.js says (checks before sending, the password toggle), in the page's words.
SCRIPT_WORDS = {
    "problem": _l("There is a problem"), "error": _l("Error:"),
    "show": _l("Show"), "hide": _l("Hide"),
    "show_password": _l("Show password"), "hide_password": _l("Hide password"),
    **EMAIL_PROBLEMS,
}
_script_words: dict[str, Markup] = {}


def script_words() -> Markup:
    """SCRIPT_WORDS as the script's `data-messages` JSON, made once per language."""
    code = str(get_locale())
    if code not in _script_words:
        _script_words[code] = htmlsafe_json_dumps({k: str(v) for k, v in SCRIPT_WORDS.items()})
    return _script_words[code]


def email_problem(value: str) -> str | None:
    """Why this is not an email address, in plain words; None when it is one."""
    if "@" not in value:
        return str(EMAIL_PROBLEMS["email_no_at"])
    local, _at, domain = value.rpartition("@")
    if not local:
        return str(EMAIL_PROBLEMS["email_no_local"])
    if not domain:
        return str(EMAIL_PROBLEMS["email_no_domain"])
    try:
        validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        if "." not in domain:
            return str(EMAIL_PROBLEMS["email_short_domain"])
        return str(EMAIL_PROBLEMS["email_format"])
    return None


def valid_email(form: FlaskForm, field: Field) -> None:
    """An address in the usual form, checked without any DNS look-up."""
    if field.errors or not field.data:
        return
    problem = email_problem(field.data)
    if problem:
        raise ValidationError(problem)


def normalised_email(form: FlaskForm, field: Field) -> None:
    """A valid address, kept in its normalised form (the domain in lower case)."""
    valid_email(form, field)
    if field.data and not field.errors:
        field.data = validate_email(
            field.data, check_deliverability=False, allow_smtputf8=False
        ).normalized


def normalise_phone(value: str) -> str:
    """A phone number in international format (+44 20 7946 0000); ValueError if it is not one."""
    value = value.strip()
    if not value:
        return ""
    if not value.startswith(("+", "00")):
        raise ValueError(_("Start with + and your country code, for example +44 20 7946 0000."))
    try:
        number = phonenumbers.parse("+" + value[2:] if value.startswith("00") else value, None)
    except phonenumbers.NumberParseException:
        raise ValueError(_(
            "This is not a phone number we can read: use digits, for example +44 20 7946 0000."
        )) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(_("This phone number is not valid for its country code."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def valid_phone(form: FlaskForm, field: Field) -> None:
    """A phone number in international format when one is given; stored in that format."""
    if field.errors or not field.data:
        return
    try:
        field.data = normalise_phone(field.data)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class PublicForm(FlaskForm):
    """A form a visitor without cookies sees: no per-visitor CSRF token, so the page that
    carries it is the same for everyone and its first view sets no cookie.

    Cross-site posts are refused before any view runs by the token-less cross-origin check
    (`website.security.refuse_cross_origin`); forms behind a login keep FlaskForm's token too.
    Views that take a PublicForm are exempted from CSRFProtect with `@csrf.exempt`.
    """

    class Meta:
        csrf = False


class HoneypotForm(PublicForm):
    """A public form with the honeypot: a field hidden from people that only bots fill in; and
    the submission key the page's script fills in when it is sent (website/submissions.py)."""

    website = StringField(_l("Leave this field empty"))
    submission = HiddenField()

    @property
    def submission_key(self) -> str | None:
        """The browser's key for this submission, or None (no script, or not one of ours)."""
        return usable_key(self.submission.data)

    @property
    def sent_by_bot(self) -> bool:
        """True when the hidden field came back filled in."""
        return bool(request.method == "POST" and self.website.data)
