"""Forms for registering, logging in, resetting a password and editing one's account."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Field, PasswordField, StringField, TextAreaField
from wtforms.fields import TelField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from website.accounts.service import normalise_email, normalise_phone, password_problem
from website.forms import PublicForm

EMAIL_REQUIRED = "Enter your email address."


def strip(value: str | None) -> str | None:
    """Trim surrounding spaces from what was typed."""
    return value.strip() if isinstance(value, str) else value


def readable_text(multiline: bool = False):  # noqa: ANN201 - a WTForms validator
    """Refuse control characters (NUL and friends) and bytes that were not valid UTF-8."""
    allowed = {"\t", "\n", "\r"} if multiline else set()

    def check(form: FlaskForm, field: Field) -> None:
        value = field.data or ""
        if field.errors:
            return
        if "\ufffd" in value:
            raise ValidationError("This contains characters that could not be read. Retype it.")
        if any((ord(c) < 32 or ord(c) == 127) and c not in allowed for c in value):
            raise ValidationError("This contains control characters. Remove them.")

    return check


def valid_email(form: FlaskForm, field: Field) -> None:
    """An address in the usual form, checked without any DNS look-up."""
    if field.errors or not field.data:
        return
    try:
        normalise_email(field.data)
    except ValueError as error:
        raise ValidationError(str(error)) from None


def valid_phone(form: FlaskForm, field: Field) -> None:
    """A phone number in international format, when one is given."""
    if field.errors or not field.data:
        return
    try:
        normalise_phone(field.data)
    except ValueError as error:
        raise ValidationError(str(error)) from None


def new_password(form: FlaskForm, field: Field) -> None:
    """At least 10 characters, at most 72 bytes, nothing that cannot be typed."""
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def email_field(label: str = "Email address") -> EmailField:
    """The email field every account form uses."""
    return EmailField(label, filters=[strip], validators=[
        DataRequired(EMAIL_REQUIRED), Length(max=254, message="Use at most 254 characters."),
        readable_text(), valid_email,
    ])


def name_field() -> StringField:
    """The person's name."""
    return StringField("Name", filters=[strip], validators=[
        DataRequired("Enter your name."), Length(max=200, message="Use at most 200 characters."),
        readable_text(),
    ])


class RegisterForm(PublicForm):
    """Create an account."""

    email = email_field()
    name = name_field()
    password = PasswordField("Password", validators=[DataRequired("Choose a password."),
                                                     new_password])
    password_confirm = PasswordField("Confirm password", validators=[
        DataRequired("Type the password again."),
        EqualTo("password", message="The two passwords do not match."),
    ])
    age_confirm = BooleanField(
        "I am 13 years old or older",
        validators=[DataRequired("This service is not for children under 13. "
                                 "Tick the box to confirm you are 13 or older.")],
    )


class LoginForm(PublicForm):
    """Log in with email and password."""

    email = email_field()
    password = PasswordField("Password", validators=[
        DataRequired("Enter your password."),
        Length(max=1000, message="This is longer than any password we accept."),
    ])
    remember = BooleanField("Keep me logged in on this device")


class ForgotPasswordForm(PublicForm):
    """Ask for a password-reset link."""

    email = email_field()


class ResetPasswordForm(PublicForm):
    """Choose a new password from a reset link."""

    password = PasswordField("New password", validators=[DataRequired("Choose a password."),
                                                         new_password])
    password_confirm = PasswordField("Confirm new password", validators=[
        DataRequired("Type the password again."),
        EqualTo("password", message="The two passwords do not match."),
    ])


class AccountForm(FlaskForm):
    """The user's own contact details."""

    name = name_field()
    organisation = StringField("Organisation", filters=[strip], validators=[
        Optional(), Length(max=200, message="Use at most 200 characters."), readable_text(),
    ])
    email = email_field()
    phone = TelField("Phone", filters=[strip], validators=[
        Optional(), Length(max=40, message="Use at most 40 characters."), readable_text(),
        valid_phone,
    ])
    address = TextAreaField("Postal address", filters=[strip], validators=[
        Optional(), Length(max=1000, message="Use at most 1000 characters."),
        readable_text(multiline=True),
    ])
