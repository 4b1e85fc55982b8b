"""Bad input on every account form: field messages, typed values kept, never a 500."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from tests.accounts.helpers import GOOD_PASSWORD, outbox, reset_link
from tests.fixtures.users import PASSWORD


@dataclass
class Form:
    """One form: where it posts, a valid filling, and which fields are required/secret."""

    path: str
    valid: dict[str, str]
    required: tuple[str, ...]
    secret: tuple[str, ...] = ()
    checked: tuple[str, ...] = ()  # fields whose bad values must get a field message


FORMS = {
    "register": Form("/register", {
        "email": "new@example.com", "name": "New Person", "password": GOOD_PASSWORD,
        "password_confirm": GOOD_PASSWORD, "age_confirm": "y"},
        required=("email", "name", "password", "password_confirm"),
        secret=("password", "password_confirm"), checked=("email", "name", "password")),
    "login": Form("/login", {"email": "ada@example.com", "password": PASSWORD},
                  required=("email", "password"), secret=("password",), checked=("email",)),
    "forgot": Form("/password/forgot", {"email": "ada@example.com"}, required=("email",),
                   checked=("email",)),
    "reset": Form("/password/reset/TOKEN", {"password": GOOD_PASSWORD,
                                            "password_confirm": GOOD_PASSWORD},
                  required=("password", "password_confirm"),
                  secret=("password", "password_confirm"), checked=("password",)),
    "account": Form("/account", {
        "name": "Ada", "organisation": "Engines", "email": "ada@example.com",
        "phone": "+44 20 7946 0000", "address": "London"},
        required=("name", "email"), checked=("name", "organisation", "email", "phone", "address")),
}

HUGE = "a" * 100_000
BAD_VALUES = {
    "empty": "",
    "spaces": "   ",
    "huge": HUGE,
    "nul": "abc\x00def@example.com",
    "control": "abc\x07\x1b[31mdef",
    "replacement": "caf\ufffd@example.com",
}


@pytest.fixture
def prepared(app, client, users, auth):
    """Ada exists and is logged in for /account; a live reset token for /password/reset."""
    users.create()
    client.post("/password/forgot", data={"email": "ada@example.com"})
    token_path = reset_link(outbox(app, "ada@example.com")[0].body_text)

    def path_of(name: str) -> str:
        if name == "account":
            auth.login(_ada_id(app))
        else:
            auth.logout()
        return FORMS[name].path.replace("/password/reset/TOKEN", token_path)

    return path_of


def _ada_id(app) -> int:
    from tests.accounts.helpers import user_by_email

    return user_by_email(app, "ada@example.com").id


def page_of(response) -> str:
    assert response.status_code < 500, response.status_code
    return response.get_data(as_text=True)


def field_errors(page: str, field: str) -> bool:
    return f'id="{field}-error"' in page


CASES = [(form, field, bad) for form, spec in FORMS.items() for field in spec.checked
         for bad in BAD_VALUES]


@pytest.mark.parametrize(("form", "field", "bad"), CASES)
def test_bad_value_gets_field_message_and_is_kept(client, prepared, form, field, bad):
    spec = FORMS[form]
    path = prepared(form)
    value = BAD_VALUES[bad]
    optional_blank = field not in spec.required and not value.strip()
    data = {**spec.valid, field: value}
    if field == "password":
        data["password_confirm"] = value if "password_confirm" in spec.valid else None
        data = {k: v for k, v in data.items() if v is not None}
    response = client.post(path, data=data)
    page = page_of(response)
    if optional_blank:  # an optional field left blank: the form is accepted
        assert response.status_code == 303 and not field_errors(page, field), (form, field, bad)
        return
    assert field_errors(page, field), f"{form}.{field} = {bad!r}: no field message"
    if field in spec.secret:
        assert not value.strip() or value not in page
    elif value.strip():
        assert str(escape(value.strip())) in page, "the typed value was not kept"


@pytest.mark.parametrize("form", list(FORMS))
def test_invalid_utf8_and_duplicated_fields_never_500(client, prepared, form):
    spec = FORMS[form]
    path = prepared(form)
    raw = "&".join(f"{k}={quote(v)}" for k, v in spec.valid.items()).encode()
    for body in (
        raw + b"&name=\xff\xfe\xfd&email=%FF%FE",          # bytes that are not UTF-8
        b"email=\xc3\x28@example.com&" + raw,               # a broken two-byte sequence first
        raw + b"&" + raw,                                   # every field twice
        b"&&&===&" + raw + b"&%zz=%",                       # malformed pairs
        b"\x00" * 1000,                                     # nothing but NUL
    ):
        client.post(path, data=body, content_type="application/x-www-form-urlencoded")
        if form == "account":
            prepared(form)  # a successful save may have changed the email; log in again
        response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, (form, body[:40])


def test_non_utf8_form_gets_field_messages(client, prepared):
    path = prepared("forgot")
    # URL-encoded: Werkzeug drops a body that is not UTF-8, so the field is reported missing.
    page = page_of(client.post(path, data=b"email=caf\xe9@example.com",
                               content_type="application/x-www-form-urlencoded"))
    assert field_errors(page, "email") and "Enter your email address." in page
    # Multipart: the bad byte becomes U+FFFD, and the visitor is asked to retype.
    body = (b'--X\r\nContent-Disposition: form-data; name="email"\r\n\r\n'
            b"caf\xe9@example.com\r\n--X--\r\n")
    page = page_of(client.post(path, data=body, content_type="multipart/form-data; boundary=X"))
    assert field_errors(page, "email") and "could not be read" in page


def test_wrong_content_type_and_huge_body_never_500(client, prepared):
    path = prepared("register")
    assert client.post(path, data=b"{}", content_type="application/json").status_code < 500
    too_big = client.post(path, data=b"name=" + b"a" * 2_000_000,
                          content_type="application/x-www-form-urlencoded")
    assert too_big.status_code == 413


TEXT = st.one_of(st.text(max_size=60), st.sampled_from(list(BAD_VALUES.values())))


# Where each form sends a visitor whose filling it accepted (a 303).
ACCEPTED = {"register": "/register/sent", "login": "/account", "reset": "/login",
            "account": "/account"}


@pytest.fixture
def accepted() -> list[str]:
    """The forms that accepted a filling so far (kept across one test's hypothesis examples)."""
    return []


@pytest.mark.parametrize("form", list(FORMS))
@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_text_in_any_field(client, prepared, accepted, form, data):
    """Any filling is either accepted (the form's own next page) or the form comes back with
    every typed value kept; nothing else."""
    spec = FORMS[form]
    path = prepared(form)
    values = {field: data.draw(TEXT, label=field) for field in spec.valid}
    response = client.post(path, data=values)
    page = page_of(response)
    if response.status_code == 303:
        assert urlsplit(response.location).path == ACCEPTED[form], response.location
        accepted.append(form)
        return
    if form == "forgot" and "Check your email" in page:
        assert response.status_code == 200 and 'name="email"' not in page
        return
    if response.status_code == 410:
        assert form == "reset" and "reset" in accepted, "the reset link died unused"
        return
    # Login says 401 for a well-formed filling that matches no account, 200 for a malformed one.
    assert response.status_code in ((200, 401) if form == "login" else (200,))
    assert all(f'name="{field}"' in page for field in spec.valid), "the form came back"
    for field, value in values.items():
        if field in spec.secret or field == "age_confirm" or not value.strip():
            continue
        assert str(escape(value.strip())) in page, f"{form}.{field} lost {value!r}"
