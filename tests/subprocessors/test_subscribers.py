"""Following the sub-processor list: double opt-in, notice at once of a new processor, one-click
unsubscribe (RFC 8058) without cookies, and objections the team answers before the start."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.fixtures.mail import body_text
from tests.subprocessors.helpers import add_processor, deliver, link, mail_to, subscribe
from website.extensions import db
from website.subprocessors.models import Objection, Subscriber

pytestmark = pytest.mark.dialect  # the cascade of an unsubscribe; start dates compared

ONE_CLICK = "List-Unsubscribe=One-Click"


def subscribers(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Subscriber))


def test_an_unconfirmed_address_gets_only_the_confirmation_and_never_a_notice(
        app, client, auth, smtp) -> None:
    response = client.post("/privacy/subprocessors/subscribe", data={"email": "eve@example.com"})
    assert response.status_code == 303
    (confirm,) = mail_to(app, smtp, "eve@example.com")
    assert "/privacy/subprocessors/confirm/" in body_text(confirm)
    assert confirm["List-Unsubscribe"].startswith("<http")
    assert confirm["List-Unsubscribe-Post"] == ONE_CLICK
    # A mail scanner that opens the link confirms nothing: only the button does.
    assert client.get(link(confirm, "/confirm/")).status_code == 200
    smtp.messages.clear()
    auth.login(admin=True)
    add_processor(client, "Helpdesk Ltd")
    assert mail_to(app, smtp, "eve@example.com") == []
    # Asking from the page to object: an unconfirmed (or unknown) address is told nothing.
    auth.logout()
    with app.app_context():
        from website.subprocessors.service import listing
        (coming,) = listing().coming
        system_id = coming.id
    for address in ("eve@example.com", "nobody@example.com"):
        response = client.post("/privacy/subprocessors/object",
                               data={"email": address, "system": str(system_id)})
        assert response.status_code == 303
    assert smtp.messages == [] and mail_to(app, smtp, "eve@example.com") == []


def test_a_confirmed_subscriber_hears_at_once_and_unsubscribes_in_one_click(
        app, client, auth, smtp) -> None:
    subscribe(app, client, smtp, "sam@example.com")
    auth.login(admin=True)
    add_processor(client, "Helpdesk Ltd")
    (notice,) = mail_to(app, smtp, "sam@example.com")
    text = body_text(notice)
    assert "Helpdesk Ltd" in notice["Subject"] and "Customer support" in text
    assert "Ireland (EU)" in text and "/privacy/subprocessors/object/" in text
    assert notice["List-Unsubscribe-Post"] == ONE_CLICK
    target = notice["List-Unsubscribe"].strip("<>")
    assert target.startswith("http") and "/privacy/subprocessors/unsubscribe/" in target
    # The mail provider's POST: no cookies, no login, no Origin.
    provider = app.test_client(use_cookies=False)
    path = "/" + target.split("/", 3)[3]
    response = provider.post(path, data=ONE_CLICK,
                             content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert subscribers(app) == 0
    smtp.messages.clear()
    add_processor(client, "Mailer Inc")
    assert mail_to(app, smtp, "sam@example.com") == []


def test_a_german_subscriber_is_written_to_in_german(app, client, auth, smtp) -> None:
    response = client.post("/de/privacy/subprocessors/subscribe", data={"email": "jo@example.com"})
    assert response.status_code == 303
    (confirm,) = mail_to(app, smtp, "jo@example.com")
    assert "/de/privacy/subprocessors/confirm/" in body_text(confirm)
    assert "Unterauftragsverarbeiter" in body_text(confirm)


def test_an_objection_is_tracked_and_answered_before_the_start(app, client, auth, smtp) -> None:
    subscribe(app, client, smtp, "sam@example.com")
    auth.login(admin=True)
    add_processor(client, "Helpdesk Ltd")
    (notice,) = mail_to(app, smtp, "sam@example.com")
    smtp.messages.clear()
    reader = app.test_client()
    objection_path = link(notice, "/object/")
    assert reader.get(objection_path).status_code == 200
    response = reader.post(objection_path, data={"reason": "Our contract forbids US transfers."})
    assert response.status_code == 200 and "Objection recorded" in response.get_data(as_text=True)
    admin_page = client.get("/admin/subprocessors/objections").get_data(as_text=True)
    assert "Our contract forbids US transfers." in admin_page and "sam@example.com" in admin_page
    with app.app_context():
        objection = db.session.scalar(select(Objection))
        start = objection.system.starts_at.strftime("%Y-%m-%d")
        objection_id = objection.id
    assert start in admin_page
    response = client.post(f"/admin/subprocessors/objections/{objection_id}",
                           data={"answer": "Helpdesk Ltd keeps your data in Dublin."})
    assert response.status_code == 303
    (answer,) = mail_to(app, smtp, "sam@example.com")
    assert "Helpdesk Ltd keeps your data in Dublin." in body_text(answer)
    assert answer["List-Unsubscribe-Post"] == ONE_CLICK
    page = client.get("/admin/subprocessors/objections").get_data(as_text=True)
    assert "No objection is waiting for an answer." in page


def test_objecting_from_the_page_emails_the_link_to_a_confirmed_subscriber(
        app, client, auth, smtp) -> None:
    subscribe(app, client, smtp, "sam@example.com")
    auth.login(admin=True)
    add_processor(client, "Helpdesk Ltd")
    deliver(app)
    smtp.messages.clear()
    auth.logout()
    page = client.get("/privacy/subprocessors").get_data(as_text=True)
    assert 'action="/privacy/subprocessors/object"' in page
    with app.app_context():
        from website.subprocessors.service import listing
        system_id = listing().coming[0].id
    response = client.post("/privacy/subprocessors/object",
                           data={"email": "SAM@example.com", "system": str(system_id)})
    assert response.status_code == 303
    (message,) = mail_to(app, smtp, "sam@example.com")
    assert client.get(link(message, "/object/")).status_code == 200


def test_a_forged_link_is_refused(client) -> None:
    assert client.get("/privacy/subprocessors/confirm/forged").status_code == 404
    assert client.get("/privacy/subprocessors/object/forged/1").status_code == 404
    assert client.post("/privacy/subprocessors/unsubscribe/forged").status_code == 200


def test_erasing_a_person_forgets_their_subscription_and_objections(
        app, client, auth, smtp) -> None:
    from website.rights.personal_data import erase_personal_data

    subscribe(app, client, smtp, "sam@example.com")
    auth.login(admin=True)
    add_processor(client, "Helpdesk Ltd")
    (notice,) = mail_to(app, smtp, "sam@example.com")
    app.test_client().post(link(notice, "/object/"), data={"reason": "No."})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Objection)) == 1
        erase_personal_data("Sam@Example.com")
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Objection)) == 0
    assert subscribers(app) == 0
