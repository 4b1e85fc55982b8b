"""Bad input gets a clear answer on the form, never a 500, and stores nothing."""

from __future__ import annotations

import pytest

from tests.rights.conftest import FORM, stored


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"request_type": "everything"}, "Not a valid choice"),
        ({"request_type": ""}, "Choose the right you want to use."),
        ({"name": ""}, "Enter your name."),
        ({"email": ""}, "Enter your email address."),
        ({"email": "not-an-address"}, "Enter an email address with an @, like name@example.com."),
        ({"email": "a@b"}, "Enter the whole domain after the @, like name@example.com."),
        ({"details": "x" * 100_000}, "under 5000 characters"),
        ({"name": "Null\x00byte"}, "control characters"),
    ],
)
def test_bad_fields_get_a_clear_message_and_keep_what_was_typed(app, client, fields, message):
    response = client.post("/rights", data={**FORM, **fields})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert "There is a problem" in page
    if "name" not in fields:
        assert 'value="Grace Hopper"' in page
    assert stored(app) is None


def test_missing_fields_altogether(app, client):
    response = client.post("/rights", data={})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Enter your name." in page and "Enter your email address." in page
    assert stored(app) is None


def test_non_utf8_form_body(app, client):
    body = b"request_type=access&name=Gr%E9ce&email=grace%40example.com&details=caf\xe9"
    response = client.post("/rights", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "could not be read" in response.get_data(as_text=True)
    assert stored(app) is None


def test_oversized_body_is_refused_clearly(client):
    response = client.post("/rights", data={**FORM, "details": "x" * 2_000_000})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


@pytest.mark.parametrize("reference", ["RR-" + "A" * 300, "../../etc", "RR-%00", "' OR 1=1 --"])
def test_strange_references_are_plain_404s(client, reference):
    response = client.get(f"/rights/status/{reference}")
    assert response.status_code == 404


def test_admin_forms_reject_bad_values(rights, app, client, auth):
    reference = rights.submit_and_verify()
    auth.login(admin=True)
    for data in ({"months": "seven", "reason": "x"}, {"months": "2", "reason": "\x00"}):
        response = client.post(f"/admin/rights/{reference}/extend", data=data)
        assert response.status_code == 400
        assert "not done" in response.get_data(as_text=True)
    response = client.post(f"/admin/rights/{reference}/reject", data={"reason": "y" * 100_000})
    assert response.status_code == 400
    assert stored(app, reference).status == "verified"


def test_latin1_percent_escapes_are_refused(app, client):
    body = b"request_type=access&name=Gr%E9ce&email=grace%40example.com&details=caf%E9"
    response = client.post("/rights", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "could not be read" in response.get_data(as_text=True)
    assert stored(app) is None
