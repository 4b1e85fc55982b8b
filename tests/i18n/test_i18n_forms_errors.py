"""A German form sent with mistakes answers in German and keeps what was typed."""

from __future__ import annotations

from html import unescape


def test_support_errors_in_german_keep_what_was_typed(client):
    response = client.post("/de/support", data={
        "name": "Grete Müller", "organisation": "Beispiel GmbH", "email": "grete-at-example.de",
        "phone": "", "category": "", "subject": "", "message": "Hallo",
    })
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert '<html lang="de"' in page
    assert "Es gibt ein Problem" in page  # the error summary's title
    assert "Geben Sie eine E-Mail-Adresse mit einem @ ein, etwa name@example.com." in page
    assert "Wählen Sie eine der aufgeführten Kategorien." in page
    assert "Geben Sie einen Betreff ein." in page
    # Each error is in the summary and beside its field.
    assert '<a href="#subject">Geben Sie einen Betreff ein.</a>' in page
    assert '<span class="visually-hidden">Fehler:</span> Geben Sie einen Betreff ein.</p>' in page
    assert 'value="Grete Müller"' in page and 'value="Beispiel GmbH"' in page
    assert 'value="grete-at-example.de"' in page and "Hallo</textarea>" in page
    assert "There is a problem" not in page and "Enter a subject." not in page


def test_register_errors_in_german(client):
    response = client.post("/de/register", data={
        "email": "max@example.de", "name": "Max", "password": "kurz", "password_confirm": "lang",
    })
    page = unescape(response.get_data(as_text=True))
    assert "Es gibt ein Problem" in page
    assert "Verwenden Sie mindestens 10 Zeichen." in page
    assert "Die beiden Passwörter stimmen nicht überein." in page
    assert "Dieser Dienst ist nicht für Kinder unter 13 Jahren bestimmt." in page
    assert 'value="max@example.de"' in page and 'value="Max"' in page


def test_a_failed_login_in_french(client, users):
    users.create(email="lea@example.fr")
    response = client.post("/fr/login", data={"email": "lea@example.fr", "password": "wrong!"})
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 401
    assert "L’adresse e-mail ou le mot de passe est incorrect." in page
    assert 'value="lea@example.fr"' in page


def test_a_long_message_is_counted_in_the_reader_s_numbers(client):
    response = client.post("/de/support", data={
        "name": "Grete", "email": "grete@example.de", "category": "general",
        "subject": "Lang", "message": "x" * 10_001,
    })
    page = unescape(response.get_data(as_text=True))
    assert "auf 10.000 Zeichen; sie hat 10.001." in page


def test_rights_errors_in_french(client):
    response = client.post("/fr/rights", data={"name": "Léa", "email": "lea@"})
    page = unescape(response.get_data(as_text=True))
    assert "Choisissez le droit que vous souhaitez exercer." in page
    assert "Saisissez la partie après le @, comme name@example.com." in page
    assert 'value="Léa"' in page
