"""Support emails in the language of the page the request came from (issue 15)."""

from __future__ import annotations

from tests.i18n.mail_helpers import NBSP, html, received, subject, text
from tests.support.helpers import all_requests, form


def test_a_request_from_the_french_page_is_confirmed_in_french(app, client, smtp):
    response = client.post("/fr/support", data=form())
    assert response.status_code == 303
    (stored,) = all_requests(app)
    assert stored.locale == "fr"
    email = received(app, smtp, "grace@example.com")
    assert subject(email) == f"Nous avons reçu votre demande d'assistance {stored.reference}"
    body = text(email)
    assert body.startswith("Bonjour,\n")
    assert f"Votre référence est {stored.reference}{NBSP};" in body
    assert f"Catégorie{NBSP}: Problème technique avec l’API" in body
    assert "L'équipe d'assistance\nhttp://localhost/fr/support" in body
    assert "We received" not in body and "Category" not in body
    page = html(email)
    assert '<html lang="fr">' in page
    assert f"<strong>{stored.reference}</strong>" in page
    assert 'href="http://localhost/fr/support"' in page


def test_the_urgent_steps_for_a_leaked_key_are_in_german(app, client, smtp):
    client.post("/de/support", data=form(category="compromised_key"))
    body = text(received(app, smtp, "grace@example.com"))
    assert "EIN KOMPROMITTIERTER API-SCHLÜSSEL IST DRINGEND. Was jetzt zu tun ist:" in body
    assert "Wir sperren den Schlüssel, stellen Ihnen einen neuen aus" in body


def test_an_admin_reply_to_a_french_request_has_french_site_parts(app, client, auth, smtp):
    client.post("/fr/support", data=form(subject="Facture"))
    (stored,) = all_requests(app)
    received(app, smtp, "grace@example.com")  # the confirmation
    smtp.messages.clear()
    auth.login(admin=True)  # the admin pages stay English
    typed = "We have corrected the VAT.\nSorry!"
    response = client.post(f"/admin/support/{stored.reference}/reply", data={"body": typed})
    assert response.status_code == 303
    email = received(app, smtp, "grace@example.com")
    assert subject(email) == f"Re: Facture [{stored.reference}]"
    body = text(email)
    assert body.startswith("Bonjour Grace Hopper,\n\n" + typed)  # the reply as typed
    assert (f"Ceci est une réponse à votre demande d'assistance {stored.reference}{NBSP}: "
            f"«{NBSP}Facture{NBSP}»") in body
    assert "L'équipe d'assistance\nhttp://localhost/fr/support" in body
    assert "This is a reply" not in body and "The support team" not in body
    assert '<html lang="fr">' in html(email)
