"""Forms for registering, logging in, resetting a password and editing one's account."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Field, PasswordField, StringField, TextAreaField
from wtforms.fields import TelField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from website.accounts.service import password_problem
from website.forms import PublicForm, readable_text, strip, valid_email, valid_phone
from website.i18n import lazy_gettext as _l

EMAIL_REQUIRED = _l("Enter your email address.")


AT_MOST_200 = _l("Use at most 200 characters.")
AT_MOST_254 = _l("Use at most 254 characters.")
TOO_LONG_PASSWORD = _l("This is longer than any password we accept.")  # a message


def new_password(form: FlaskForm, field: Field) -> None:
    """At least 10 characters, at most 72 bytes, nothing that cannot be typed."""
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def email_field() -> EmailField:
    """The email field every account form uses."""
    return EmailField(_l("Email address"), filters=[strip], validators=[
        DataRequired(EMAIL_REQUIRED), Length(max=254, message=AT_MOST_254),
        readable_text(), valid_email,
    ])


def name_field() -> StringField:
    """The person's name."""
    return StringField(_l("Name"), filters=[strip], validators=[
        DataRequired(_l("Enter your name.")), Length(max=200, message=AT_MOST_200),
        readable_text(),
    ])


class RegisterForm(PublicForm):
    """Create an account."""

    email = email_field()
    name = name_field()
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Choose a password.")), new_password,
    ])
    password_confirm = PasswordField(_l("Confirm password"), validators=[
        DataRequired(_l("Type the password again.")),
        EqualTo("password", message=_l("The two passwords do not match.")),
    ])
    age_confirm = BooleanField(
        "I am 13 years old or older",
        validators=[DataRequired(_l("This service is not for children under 13. "
                                    "Tick the box to confirm you are 13 or older."))],
    )


class LoginForm(PublicForm):
    """Log in with email and password."""

    email = email_field()
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password.")),
        Length(max=1000, message=TOO_LONG_PASSWORD),
    ])
    remember = BooleanField(_l("Keep me logged in on this device"))


class ForgotPasswordForm(PublicForm):
    """Ask for a password-reset link."""

    email = email_field()


class ResetPasswordForm(PublicForm):
    """Choose a new password from a reset link."""

    password = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Choose a password.")), new_password,
    ])
    password_confirm = PasswordField(_l("Confirm new password"), validators=[
        DataRequired(_l("Type the password again.")),
        EqualTo("password", message=_l("The two passwords do not match.")),
    ])


class AccountForm(FlaskForm):
    """The user's own contact details."""

    name = name_field()
    organisation = StringField(_l("Organisation"), filters=[strip], validators=[
        Optional(), Length(max=200, message=AT_MOST_200), readable_text(),
    ])
    email = email_field()
    phone = TelField(_l("Phone"), filters=[strip], validators=[
        Optional(), Length(max=40, message=_l("Use at most 40 characters.")), readable_text(),
        valid_phone,
    ])
    address = TextAreaField(_l("Postal address"), filters=[strip], validators=[
        Optional(), Length(max=1000, message=_l("Use at most 1000 characters.")),
        readable_text(multiline=True),
    ])
    password = PasswordField(
        _l("Current password (only to change your email address)"),
        validators=[Optional(), Length(max=1000, message=TOO_LONG_PASSWORD)],
    )


class ConfirmEmailForm(FlaskForm):
    """Confirm an address from its emailed link (the password when not logged in as its holder)."""

    password = PasswordField(_l("Your password"), validators=[
        Optional(), Length(max=1000, message=TOO_LONG_PASSWORD),
    ])


class ButtonForm(FlaskForm):
    """A form that is only a button (log out everywhere, send a new link)."""
