"""Bad input to the support form: a clear message on the form, what was typed kept, no 500."""

from __future__ import annotations

import html
from urllib.parse import urlencode

import pytest

from tests.support.helpers import all_requests, form

BAD_FIELDS = [
    ({"name": ""}, "name", "Enter your name."),
    ({"email": ""}, "email", "Enter your email address."),
    ({"email": "grace@@example"}, "email", "like name@example.com"),
    ({"subject": ""}, "subject", "Enter a subject."),
    ({"message": "   "}, "message", "Enter your message."),
    ({"category": ""}, "category", "Choose one of the listed categories."),
    ({"category": "refund_now"}, "category", "Choose one of the listed categories."),
    ({"category": "Billing"}, "category", "Choose one of the listed categories."),
    ({"phone": "call me maybe"}, "phone", "Start with + and your country code"),
    ({"phone": "+1 234"}, "phone", "not valid for its country code"),
    ({"phone": "1" * 21}, "phone", "Start with + and your country code"),
    ({"phone": "07946 000000"}, "phone", "Start with + and your country code"),
    ({"subject": "s" * 201}, "subject", "Keep the subject to 200 characters."),
    ({"name": "n" * 201}, "name", "Keep this to 200 characters."),
    ({"organisation": "o" * 201}, "organisation", "Keep this to 200 characters."),
    ({"message": "m" * 10_001}, "message",
     "Please keep your message to 10,000 characters; it has 10,001."),
    ({"message": "x" * 100_000}, "message", "it has 100,000."),
    ({"subject": "Hi\r\nBcc: victim@example.com"}, "subject", "Please keep this to one line."),
    ({"name": "Nul\x00byte"}, "name", "control characters"),
]


def errors_for(page: str, field: str) -> str:
    """The text of a field's error list."""
    start = page.index(f'id="{field}-error"')
    return html.unescape(page[start:page.index("</p>", start)])


@pytest.mark.parametrize(("changes", "field", "message"), BAD_FIELDS,
                         ids=[f"{f}-{i}" for i, (_, f, _) in enumerate(BAD_FIELDS)])
def test_bad_field_gets_a_message_and_keeps_what_was_typed(app, client, changes, field, message):
    response = client.post("/support", data=form(**changes))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in errors_for(page, field)
    assert "There is a problem" in page
    kept = form(**changes)
    for other in ("organisation", "subject") if field != "subject" else ("organisation",):
        assert html.escape(kept[other], quote=True) in page, f"{other} was kept"
    if field == "message" and len(kept["message"].strip()) > 0:
        assert kept["message"] in page, "even a too-long message is kept for editing"
    assert all_requests(app) == []


def test_missing_fields_entirely(app, client):
    response = client.post("/support", data={"subject": "Only a subject"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for field in ("name", "email", "category", "message"):
        assert f'id="{field}-error"' in page
    assert 'value="Only a subject"' in page
    assert "There is a problem" in page
    assert all_requests(app) == []


def test_message_of_exactly_10000_characters_is_accepted(app, client):
    assert client.post("/support", data=form(message="m" * 10_000)).status_code == 303
    assert len(all_requests(app)[0].message) == 10_000


def test_email_is_normalised_and_phone_may_be_empty(app, client):
    response = client.post("/support", data=form(email="grace@EXAMPLE.com", phone=""))
    assert response.status_code == 303
    (stored,) = all_requests(app)
    assert stored.email == "grace@example.com" and stored.phone == ""


def test_duplicated_fields_are_refused_not_guessed(app, client):
    data = urlencode(list(form().items()) + [("category", "billing"), ("email", "x@example.com")])
    response = client.post(
        "/support", data=data, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "sent more than once" in errors_for(page, "category")
    assert "sent more than once" in errors_for(page, "email")
    assert all_requests(app) == []


def test_non_utf8_body_gets_a_clear_answer(app, client):
    rest = urlencode({k: v for k, v in form().items() if k != "name"}).encode()
    raw = b"name=Gr\xe2ce&" + rest
    response = client.post("/support", data=raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "could not be read as text (it was not UTF-8)" in response.get_data(as_text=True)
    assert all_requests(app) == []


def test_non_utf8_multipart_field_gets_a_field_message(app, client):
    body = b"".join(
        b"--XX\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
        % (key.encode(), value.encode()) for key, value in form().items() if key != "name"
    ) + b'--XX\r\nContent-Disposition: form-data; name="name"\r\n\r\nGr\xe2ce\r\n--XX--\r\n'
    response = client.post("/support", data=body, content_type="multipart/form-data; boundary=XX")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "could not be read" in errors_for(page, "name")
    assert 'value="Timeouts on /v1/search"' in page
    assert all_requests(app) == []


def test_percent_encoded_non_utf8_is_refused_like_raw_bytes(app, client):
    rest = urlencode({k: v for k, v in form().items() if k != "name"}).encode()
    response = client.post("/support", data=b"name=Gr%E2ce&" + rest,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "could not be read as text (it was not UTF-8)" in response.get_data(as_text=True)
    assert all_requests(app) == []


def test_body_over_the_size_limit_is_413_not_500(app, client):
    response = client.post("/support", data=form(message="x" * (2 * 1024 * 1024)))
    assert response.status_code == 413
    assert "Too large" in response.get_data(as_text=True)
    assert all_requests(app) == []


def test_json_or_empty_body_is_a_form_error_not_a_500(app, client):
    assert client.post("/support", json={"name": "Grace"}).status_code == 400
    assert client.post("/support").status_code == 400
    assert all_requests(app) == []


def test_script_in_fields_is_shown_as_text(app, client):
    attack = '<script>alert(1)</script>'
    response = client.post("/support", data=form(subject=attack, message=attack))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert attack not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
