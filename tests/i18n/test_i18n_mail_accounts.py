"""Account emails in the account's language (issue 15): the page it registered on decides,
not the page a later request comes from."""

from __future__ import annotations

import re

from tests.accounts.helpers import GOOD_PASSWORD, register_data, user_by_email
from tests.i18n.mail_helpers import NBSP, html, received, subject, text


def test_registering_on_the_german_page_sends_the_german_welcome(app, client, smtp):
    response = client.post("/de/register", data=register_data())
    assert response.status_code == 303
    assert user_by_email(app, "grace@example.com").locale == "de"
    email = received(app, smtp, "grace@example.com")
    assert subject(email) == "Willkommen im Datenschutzcenter: Bestätigen Sie Ihre E-Mail-Adresse"
    body = text(email)
    assert body.startswith("Guten Tag,\n")
    assert "innerhalb von 48 Stunden" in body
    assert "Datenschutzcenter, http://localhost/de/\n" in body
    assert "Wie wir mit Ihren Daten umgehen: http://localhost/de/privacy" in body
    assert "Hello" not in body and "Privacy Centre" not in body
    link = re.search(r"http://localhost(/de/account/email/confirm/[\w-]+)", body)
    assert link, body
    assert '<html lang="de">' in html(email)
    assert "Meine E-Mail-Adresse bestätigen" in html(email)
    # The link opens the German confirmation page, which confirms the address.
    opened = client.get(link.group(1))
    assert opened.headers["Location"] == "/de/account/email/confirm"
    client.post("/de/account/email/confirm", data={"password": GOOD_PASSWORD})
    assert user_by_email(app, "grace@example.com").email_confirmed_at is not None


def test_a_reset_asked_on_the_english_page_goes_out_in_the_accounts_language(
        app, client, users, smtp):
    users.create(email="grace@example.com", locale="de")
    client.post("/password/forgot", data={"email": "grace@example.com"})
    email = received(app, smtp, "grace@example.com")
    assert subject(email) == "Passwort zurücksetzen"
    body = text(email)
    assert "Der Link funktioniert einmal, 60 Minuten lang." in body
    assert re.search(r"\nhttp://localhost/de/password/reset/[\w-]+\n", body), body


def test_a_reset_for_an_unknown_address_is_in_the_pages_language(app, client, smtp):
    client.post("/fr/password/forgot", data={"email": "nobody@example.com"})
    email = received(app, smtp, "nobody@example.com")
    assert subject(email) == "Réinitialisez votre mot de passe"
    body = text(email)
    assert "mais aucun compte ne l'utilise" in body
    assert f"Pour créer un compte{NBSP}: http://localhost/fr/register\n" in body
    assert f"Comment nous traitons vos données{NBSP}: http://localhost/fr/privacy" in body


def test_a_registration_attempt_on_a_taken_address_tells_its_owner_in_their_language(
        app, client, users, smtp):
    users.create(email="grace@example.com", locale="fr")
    client.post("/de/register", data=register_data())
    email = received(app, smtp, "grace@example.com")
    assert subject(email) == "Quelqu'un a essayé d'utiliser votre adresse e-mail"
    assert "http://localhost/fr/password/forgot" in text(email)
