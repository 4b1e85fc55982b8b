"""Sending a form from /de or /fr: the row keeps the language, every redirect stays under the
prefix, and the pages that follow speak it. Rate limits and the cross-origin check ignore it."""

from __future__ import annotations

import re
from html import unescape

from babel.dates import format_date

from tests.accounts.helpers import register_data, user_by_email
from tests.fixtures.app import make_app
from tests.fixtures.mail import body_text
from tests.fixtures.users import PASSWORD
from tests.rights.conftest import FORM, deliver, stored
from tests.support.helpers import all_requests, form
from website.extensions import db


def test_a_support_request_from_the_french_page(app, client):
    response = client.post("/fr/support", data=form())
    assert response.status_code == 303
    [row] = all_requests(app)
    assert row.locale == "fr"
    assert response.headers["Location"] == f"/fr/support/requests/{row.reference}"
    page = unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert '<html lang="fr"' in page
    assert "Demande d’assistance reçue" in page and "Votre référence est" in page
    assert "Problème technique avec l’API" in page and "Ouverte" in page
    assert "Support request received" not in page
    # The date in French words.
    assert format_date(row.created_at, "long", locale="fr") in page


def test_the_english_support_page_is_unchanged(app, client):
    response = client.post("/support", data=form())
    [row] = all_requests(app)
    assert row.locale == "en" and response.headers["Location"].startswith("/support/requests/")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Support request received" in page and "Technical problem with the API" in page


def test_a_registration_from_the_german_page(app, client):
    response = client.post("/de/register", data=register_data())
    assert response.status_code == 303
    assert response.headers["Location"] == "/de/register/sent"
    assert user_by_email(app, "grace@example.com").locale == "de"
    page = client.get("/de/register/sent").get_data(as_text=True)
    assert "Sehen Sie in Ihrem E-Mail-Postfach nach" in page and "48 Stunden" in page


def test_login_from_the_german_page_lands_on_the_german_account_page(client, users):
    users.create()
    response = client.post("/de/login", data={"email": "ada@example.com", "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/de/account"
    page = client.get("/de/account").get_data(as_text=True)
    assert "Angemeldet als <strong>ada@example.com</strong>" in page
    # Logging out from the German page goes to the German home page, with a German message.
    response = client.post("/de/logout")
    assert response.headers["Location"] == "/de/"
    assert "Sie wurden abgemeldet." in client.get("/de/").get_data(as_text=True)


def test_a_german_page_behind_the_login_comes_back_in_german(client, users):
    users.create()
    response = client.get("/de/account")
    assert response.status_code == 302
    login = response.headers["Location"]
    assert login.startswith("/de/login?next=")
    page = client.get(login).get_data(as_text=True)
    assert "Bitte melden Sie sich an, um diese Seite zu sehen." in page
    assert 'name="next" value="/de/account"' in page
    response = client.post("/de/login", data={
        "email": "ada@example.com", "password": PASSWORD, "next": "/de/account",
    })
    assert response.headers["Location"] == "/de/account"


def test_saving_the_account_from_the_french_page(client, auth):
    auth.login()
    response = client.post("/fr/account", data={
        "name": "Ada", "email": "ada@example.com", "phone": "12345",
    })
    page = unescape(response.get_data(as_text=True))
    assert "Commencez par + et l’indicatif de votre pays" in page
    assert 'value="12345"' in page
    response = client.post("/fr/account", data={"name": "Ada", "email": "ada@example.com"})
    assert response.status_code == 303 and response.headers["Location"] == "/fr/account"
    page = unescape(client.get("/fr/account").get_data(as_text=True))
    assert "Vos informations ont été enregistrées." in page


def test_a_rights_request_from_the_german_page(app, client, smtp):
    response = client.post("/de/rights", data=FORM)
    assert response.status_code == 303
    assert response.headers["Location"] == "/de/rights/requested"
    item = stored(app)
    assert item.locale == "de"
    page = unescape(client.get("/de/rights/requested").get_data(as_text=True))
    assert "Wir haben einen Link an <strong>grace@example.com</strong> gesendet" in page
    assert "(auskunft)" in page
    deliver(app)
    [message] = smtp.to("grace@example.com")
    verify = re.search(r"http://localhost((?:/de)?/rights/verify/[^\s<\"]+)", body_text(message))
    assert verify, body_text(message)
    link = verify.group(1)
    if not link.startswith("/de/"):
        link = "/de" + link  # the link as a German reader opens it
    page = unescape(client.get(link).get_data(as_text=True))
    assert '<html lang="de"' in page
    assert "Meinen Antrag bestätigen" in page and "(Auskunft)" in page
    response = client.post(link)
    assert response.headers["Location"] == f"/de/rights/status/{item.reference}"
    page = unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    item = stored(app)
    due = f"{item.due_on.day}. {format_date(item.due_on, 'MMMM', locale='de')} {item.due_on.year}"
    assert f"Wir antworten bis zum {due}." in page  # "11. August 2025"
    assert f"<dd>{due}</dd>" in page
    assert "Vielen Dank: Ihr Antrag ist bestätigt." in page
    assert "Auskunft: Erhalten Sie eine Kopie" in page
    assert '<span class="badge">Bestätigt</span>' in page
    # the history line (issue 27: a sentence)
    assert "Sie haben Ihre Anfrage über den per E-Mail gesendeten Link bestätigt." in page
    assert "Confirmed by the emailed link." not in page


def test_the_admin_reads_a_german_request_in_english(app, client, smtp, auth):
    client.post("/de/rights", data=FORM)
    item = stored(app)
    auth.login(admin=True)
    page = client.get(f"/admin/rights/{item.reference}").get_data(as_text=True)
    assert '<html lang="en"' in page
    assert "Access" in page and "Auskunft" not in page


def test_a_cross_site_post_to_a_french_form_is_refused(app, client):
    response = client.post("/fr/support", data=form(), headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert all_requests(app) == []


def test_the_rate_limit_counts_every_language_together(migrated):
    app = make_app(migrated, RATELIMIT_ENABLED=True, SUPPORT_RATE_LIMIT="2 per hour")
    try:
        client = app.test_client()
        assert client.post("/support", data=form(category="x")).status_code == 400
        assert client.post("/de/support", data=form(category="x")).status_code == 400
        assert client.post("/fr/support", data=form()).status_code == 429
    finally:
        with app.app_context():
            db.engine.dispose()


def test_an_admin_logging_in_on_the_german_page_reaches_the_admin_pages(client, users):
    users.create(admin=True)
    response = client.post("/de/login", data={"email": "ada@example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/admin/"  # the admin pages have no /de
    assert client.get("/admin/").status_code == 200
    page = client.get("/de/account").get_data(as_text=True)
    assert '<a href="/admin/">' in page and "/de/admin" not in page
