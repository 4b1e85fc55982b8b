"""Rights emails in the language of the page the request came from (issue 15), also when an
admin on the English admin pages acts on it."""

from __future__ import annotations

import re

from tests.i18n.mail_helpers import german_date, html, received, subject, text
from tests.rights.conftest import FORM, deliver, link_in, stored


def submit_and_verify_in_german(app, client, smtp) -> str:
    """Send the form from /de/rights, check the German confirmation email, follow its link."""
    assert client.post("/de/rights", data=FORM).status_code == 303
    item = stored(app)
    assert item.locale == "de"
    email = received(app, smtp, FORM["email"])
    assert subject(email) == f"Bitte bestätigen Sie Ihren Antrag [{item.reference}]"
    body = text(email)
    assert body.startswith("Guten Tag,\n")
    assert f"Wir haben einen Antrag (Auskunft) mit der Referenz {item.reference} erhalten." in body
    assert "innerhalb von 30 Tagen" in body and "Ihr Datenschutz-Team" in body
    assert f"http://localhost/de/rights/status/{item.reference}?token=" in body
    assert "Please confirm" not in body and "data-rights" not in body
    assert f"<strong>{item.reference}</strong>" in html(email)
    link = link_in(email, "/de/rights/verify/")
    assert re.fullmatch(r"/de/rights/verify/[\w-]+", link)
    assert client.post(link).status_code == 303
    assert stored(app).verified_at is not None
    smtp.messages.clear()
    return item.reference


def test_a_request_from_the_german_page_is_verified_in_german(app, client, smtp):
    reference = submit_and_verify_in_german(app, client, smtp)
    email = received(app, smtp, FORM["email"])
    assert subject(email) == f"Ihr Antrag ist bestätigt [{reference}]"
    body = text(email)
    assert body.startswith("Guten Tag Grace Hopper,\n")
    assert f"Ihr Antrag {reference} (Auskunft) ist bestätigt." in body
    due = stored(app, reference).due_on
    assert f"Wir antworten bis zum {german_date(due)} (ein Kalendermonat)." in body


def test_an_extension_by_an_english_admin_reaches_the_owner_in_german(
        app, client, auth, smtp):
    reference = submit_and_verify_in_german(app, client, smtp)
    deliver(app)
    smtp.messages.clear()
    auth.login(admin=True)
    response = client.post(f"/admin/rights/{reference}/extend",
                           data={"months": "2", "reason": "Many systems to search."})
    assert response.status_code == 303
    assert "Many systems" in client.get(f"/admin/rights/{reference}").get_data(as_text=True)
    item = stored(app, reference)
    email = received(app, smtp, FORM["email"])
    assert subject(email) == f"Ihr Antrag braucht mehr Zeit [{reference}]"
    body = text(email)
    assert f"Wir brauchen mehr Zeit für Ihren Antrag {reference} (Auskunft)." in body
    assert (f"Die Frist verschiebt sich vom {german_date(item.due_on)} auf den "
            f"{german_date(item.extended_due_on)}.") in body
    assert "Begründung: Many systems to search." in body  # the admin's words, as typed
    assert "DSGVO Art. 12 Abs. 3" in body
    assert f"Status und Verlauf: http://localhost/de/rights/status/{reference}?token=" in body
    assert "more time" not in body


def test_a_rejection_by_an_english_admin_reaches_the_owner_in_german(app, client, auth, smtp):
    reference = submit_and_verify_in_german(app, client, smtp)
    deliver(app)
    smtp.messages.clear()
    auth.login(admin=True)
    client.post(f"/admin/rights/{reference}/reject",
                data={"reason": "We have no data about this address.", "confirm": "yes"})
    assert stored(app, reference).status == "rejected"
    email = received(app, smtp, FORM["email"])
    assert subject(email) == f"Ihr Antrag wurde abgelehnt [{reference}]"
    body = text(email)
    assert f"Wir haben Ihren Antrag {reference} (Auskunft) abgelehnt." in body
    assert "Begründung: We have no data about this address." in body
    assert "bei einer Datenschutzaufsichtsbehörde zu beschweren" in body
    assert "(ICO, https://ico.org.uk)" in body
    assert '(ICO, <a href="https://ico.org.uk">ico.org.uk</a>)' in html(email)
    status_link = link_in(email, f"/de/rights/status/{reference}")
    # The status link opens the German status page.
    response = client.get(status_link)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/de/rights/status/{reference}"


def test_a_completed_access_request_is_announced_in_german(app, client, auth, smtp):
    reference = submit_and_verify_in_german(app, client, smtp)
    auth.login(admin=True)
    assert client.post(f"/admin/rights/{reference}/start").status_code == 303
    assert client.post(f"/admin/rights/{reference}/complete",
                       data={"outcome": "Ihr Konto."}).status_code == 303
    deliver(app)
    subjects = [subject(m) for m in smtp.to(FORM["email"])]
    assert subjects[-2:] == [f"Wir bearbeiten Ihren Antrag [{reference}]",
                             f"Ihr Antrag ist abgeschlossen [{reference}]"]
    body = text(smtp.to(FORM["email"])[-1])
    assert f"Ihr Antrag {reference} (Auskunft) ist jetzt: Abgeschlossen." in body
    # The site's own outcome (not typed by the admin) is in the owner's language too.
    assert "Ihr Datenexport ist fertig. Laden Sie ihn innerhalb von 7 Tagen" in body
