"""The forms in German and French: each page's language, labels, buttons and hints."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

FORM_PAGES = {
    "/register": {
        "de": ["Konto anlegen", "E-Mail-Adresse", "Passwort bestätigen",
               "Mindestens 10 Zeichen."],
        "fr": ["Créer un compte", "Adresse e-mail", "Confirmez le mot de passe",
               "Au moins 10 caractères."],
    },
    "/login": {
        "de": ["Anmelden", "Auf diesem Gerät angemeldet bleiben", "Passwort vergessen?"],
        "fr": ["Se connecter", "Rester connecté sur cet appareil", "Mot de passe oublié\u00a0?"],
    },
    "/password/forgot": {
        "de": ["Passwort zurücksetzen", "Link zum Zurücksetzen senden", "Zurück zur Anmeldung"],
        "fr": ["Réinitialisez votre mot de passe", "M’envoyer un lien de réinitialisation",
               "Retour à la connexion"],
    },
    "/support": {
        "de": ["Support kontaktieren", "Worum geht es?", "Ein kompromittierter API-Schlüssel",
               "Technisches Problem mit der API", "Anfrage senden", "Telefon (optional)"],
        "fr": ["Contacter l’assistance", "De quoi s’agit-il\u00a0?", "Une clé d’API compromise",
               "Problème technique avec l’API", "Envoyer la demande", "Téléphone (facultatif)"],
    },
    "/rights": {
        "de": ["Welches Recht möchten Sie ausüben?", "Auskunft", "Berichtigung", "Löschung",
               "Datenübertragbarkeit", "Widerspruch", "Einzelheiten (optional)"],
        "fr": ["Quel droit souhaitez-vous exercer\u00a0?", "Accès", "Rectification",
               "Effacement", "Portabilité", "Opposition", "Précisions (facultatif)"],
    },
    "/rights/new-link": {
        "de": ["Ein neuer Link zu Ihrem Antrag", "Referenz", "Senden Sie mir einen neuen Link"],
        "fr": ["Un nouveau lien vers votre demande", "Référence", "M’envoyer un nouveau lien"],
    },
}
ENGLISH = {
    "/register": "Confirm password", "/login": "Keep me logged in on this device",
    "/password/forgot": "Email me a reset link", "/support": "What is it about?",
    "/rights": "Which right do you want to use?", "/rights/new-link": "Send me a new link",
}


@pytest.mark.parametrize("code", ["de", "fr"])
@pytest.mark.parametrize("path", FORM_PAGES)
def test_each_form_page_speaks_the_language_of_its_url(client, path, code):
    response = client.get(f"/{code}{path}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{code}"' in page
    for words in FORM_PAGES[path][code]:
        assert words in page, words
    assert ENGLISH[path] not in page
    # The field names are the contract: the same in every language.
    assert 'name="email"' in page
    # The script's checks get the page's words too.
    assert "data-messages=" in page


@pytest.mark.parametrize("path", FORM_PAGES)
def test_the_english_pages_keep_their_words(client, path):
    page = client.get(path).get_data(as_text=True)
    assert '<html lang="en"' in page and ENGLISH[path] in page


def test_the_account_page_in_german(client, auth):
    auth.login()
    page = client.get("/de/account").get_data(as_text=True)
    assert '<html lang="de"' in page
    for words in ("Ihr Konto", "Ihre Angaben", "Postanschrift", "Angaben speichern",
                  "Überall abmelden", "Ihre Support-Anfragen", "Konto löschen",
                  "Ihr Passwort, zur Bestätigung"):
        assert words in page, words


def test_the_script_messages_are_the_server_messages_in_french(client):
    page = client.get("/fr/login").get_data(as_text=True)
    found = re.search(r"data-messages='([^']*)'", page)
    assert found
    words = json.loads(unescape(found.group(1)))
    assert words["email_no_at"] == "Saisissez une adresse e-mail avec un @, comme name@example.com."
    assert words["problem"] == "Il y a un problème"
    assert words["error"] == "Erreur\u00a0:"
    assert words["show_password"] == "Afficher le mot de passe"
