"""The one form toolkit: the field macro's date hint, plain email messages, one phone rule."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import DateField

from website.forms import email_problem, normalise_phone


class WhenForm(FlaskForm):
    """A form with a date field."""

    when = DateField("When")


def test_date_hint_matches_the_picker(app):
    """Was: 'YYYY-MM-DD' above a picker that shows mm/dd/yyyy."""
    with app.test_request_context():
        html = render_template_string(
            '{% from "_forms.html" import field %}{{ field(form.when) }}',
            form=WhenForm(meta={"csrf": False}),
        )
    assert "Pick the date from the calendar" in html and "YYYY" not in html
    assert 'aria-describedby="when-hint"' in html and 'type="date"' in html


@pytest.mark.parametrize(("typed", "message"), [
    ("grace.example.com", "Enter an email address with an @, like name@example.com."),
    ("@example.com", "Enter the part before the @, like name@example.com."),
    ("grace@", "Enter the part after the @, like name@example.com."),
    ("grace@example", "Enter the whole domain after the @, like name@example.com."),
    ("grace@exa mple.com", "Enter an email address in the correct format, like name@example.com."),
    ("grace@example.com", None),
])
def test_email_messages_are_plain(typed, message):
    assert email_problem(typed) == message


def test_one_phone_rule():
    assert normalise_phone("0044 (20) 7946-0000") == "+44 20 7946 0000"
    for bad in ("020 7946 0000", "+44 12", "call me"):
        with pytest.raises(ValueError):
            normalise_phone(bad)
