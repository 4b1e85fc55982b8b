"""Forms for registering, logging in, resetting a password and editing one's account."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Field, PasswordField, StringField, TextAreaField
from wtforms.fields import TelField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from website.accounts.service import password_problem
from website.forms import PublicForm, readable_text, strip, valid_email, valid_phone

EMAIL_REQUIRED = "Enter your email address."


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
    password = PasswordField("Current password (only to change your email address)", validators=[
        Optional(), Length(max=1000, message="This is longer than any password we accept."),
    ])


class ConfirmEmailForm(FlaskForm):
    """Confirm an address from its emailed link (the password when not logged in as its holder)."""

    password = PasswordField("Your password", validators=[
        Optional(), Length(max=1000, message="This is longer than any password we accept."),
    ])


class ButtonForm(FlaskForm):
    """A form that is only a button (log out everywhere, send a new link)."""
