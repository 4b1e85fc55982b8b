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


class ChangePasswordForm(FlaskForm):
    """A new password for a logged-in user, with the current one (ids apart from the account
    form's own `password` field on the same page)."""

    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password.")),
        Length(max=1000, message=TOO_LONG_PASSWORD),
    ])
    password = PasswordField(_l("New password"), id="new_password", validators=[
        DataRequired(_l("Choose a new password.")), new_password,
    ])
    password_confirm = PasswordField(_l("Confirm new password"), id="new_password_confirm",
                                     validators=[
        DataRequired(_l("Type the new password again.")),
        EqualTo("password", message=_l("The two passwords do not match.")),
    ])


class ConfirmEmailForm(FlaskForm):
    """Confirm an address from its emailed link (the password when not logged in as its holder)."""

    password = PasswordField(_l("Your password"), validators=[
        Optional(), Length(max=1000, message=TOO_LONG_PASSWORD),
    ])


class ButtonForm(FlaskForm):
    """A form that is only a button (log out everywhere, send a new link)."""


def code_field(label: str | None = None, required: bool = False) -> StringField:
    """A six-digit TOTP code or a recovery code (xxxx-xxxx-xxxx-xxxx)."""
    first = DataRequired(_l("Enter the code from your authenticator app.")) if required \
        else Optional()
    return StringField(label or _l("Code from your authenticator app, or a recovery code"),
                       filters=[strip], validators=[
        first, Length(max=40, message=_l("Use at most 40 characters.")),
    ])


class LoginCodeForm(FlaskForm):
    """The login's second step: the code of the account's second factor."""

    code = code_field(required=True)


class ReauthForm(FlaskForm):
    """Prove it is still you: the password, or a code of the second factor."""

    password = PasswordField(_l("Your password"), validators=[
        Length(max=1000, message=TOO_LONG_PASSWORD),
    ])
    code = code_field(_l("Or a code from your authenticator app"))

    def validate_password(self, field: Field) -> None:
        """The password or a code is needed."""
        if not field.data and not self.code.data:
            raise ValidationError(_l("Enter your password."))
