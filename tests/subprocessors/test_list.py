"""The public sub-processor list (Art. 28(2)): read from the register of systems, in three
languages and as a feed, the same bytes for every visitor, a start date 30 days ahead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.subprocessors.helpers import add_processor
from website.extensions import db, utcnow
from website.systems.models import System

pytestmark = pytest.mark.dialect  # start dates stored and compared


def test_a_processor_added_to_the_register_is_listed_as_coming_30_days_ahead(
        app, client, auth) -> None:
    auth.login(admin=True)
    add_processor(client, "Helpdesk Ltd")
    response = client.post("/admin/systems", data={
        "name": "Our own warehouse", "data": "Orders", "purpose": "Reporting",
        "legal_basis": "contract", "retention": "1 year", "kind": "manual", "instructions": "x"})
    assert response.status_code == 303
    with app.app_context():
        system = db.session.scalar(select(System).where(System.processor == "Helpdesk Ltd"))
        assert system.starts_at is not None
        assert system.starts_at >= utcnow() + timedelta(days=30) - timedelta(minutes=5)
        start = system.starts_at.strftime("%Y-%m-%d")
    auth.logout()
    page = client.get("/privacy/subprocessors").get_data(as_text=True)
    coming = page.split("Coming sub-processors")[1].split("Sub-processors in use")[0]
    assert "Helpdesk Ltd" in coming and start in coming
    assert "Customer support" in coming and "Ireland (EU)" in coming
    assert "Support tickets: names, email addresses" in coming
    assert "Our own warehouse" not in page and "Reporting" not in page


def test_a_processor_whose_start_has_come_is_in_use(app, client, auth) -> None:
    auth.login(admin=True)
    add_processor(client, "Mailer Inc")
    with app.app_context():
        system = db.session.scalar(select(System).where(System.processor == "Mailer Inc"))
        system.starts_at = utcnow() - timedelta(days=1)
        db.session.commit()
    auth.logout()
    page = client.get("/privacy/subprocessors").get_data(as_text=True)
    assert "Coming sub-processors" not in page
    assert "Mailer Inc" in page.split("Sub-processors in use")[1]


def test_the_list_in_german_and_french_and_as_atom(app, client, auth) -> None:
    auth.login(admin=True)
    add_processor(client, "Helpdesk Ltd")
    auth.logout()
    german = client.get("/de/privacy/subprocessors")
    french = client.get("/fr/privacy/subprocessors")
    assert german.status_code == french.status_code == 200
    assert "Unterauftragsverarbeiter" in german.get_data(as_text=True)
    assert "Sous-traitants ultérieurs" in french.get_data(as_text=True)
    assert "Helpdesk Ltd" in german.get_data(as_text=True)
    feed = client.get("/privacy/subprocessors.atom")
    assert feed.status_code == 200 and feed.mimetype == "application/atom+xml"
    body = feed.get_data(as_text=True)
    assert "<title>Helpdesk Ltd</title>" in body and "Customer support" in body


def test_the_page_is_the_same_for_every_anonymous_visitor_and_sets_no_cookie(app) -> None:
    first, second = app.test_client(), app.test_client()
    one, two = first.get("/privacy/subprocessors"), second.get("/privacy/subprocessors")
    assert one.status_code == two.status_code == 200
    assert one.get_data() == two.get_data()
    assert "Set-Cookie" not in one.headers
    assert 'name="csrf_token"' not in one.get_data(as_text=True)


def test_the_sitemap_lists_the_page(client) -> None:
    assert "/privacy/subprocessors</loc>" in client.get("/sitemap.xml").get_data(as_text=True)


def test_a_subscription_from_another_site_is_refused(app, client, smtp) -> None:
    response = client.post("/privacy/subprocessors/subscribe", data={"email": "x@example.com"},
                           headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    from website.subprocessors.models import Subscriber
    with app.app_context():
        assert db.session.scalar(select(Subscriber)) is None


def test_a_bad_address_gets_a_message_not_an_error(client) -> None:
    response = client.post("/privacy/subprocessors/subscribe", data={"email": "not an address"})
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)


def test_the_page_is_shared_by_caches_yet_shows_a_new_processor_at_once(app, auth) -> None:
    from website.pagecache import PUBLIC_CACHE_CONTROL

    visitor = app.test_client()
    first = visitor.get("/privacy/subprocessors")
    assert first.headers["Cache-Control"] == PUBLIC_CACHE_CONTROL
    assert "Last-Modified" not in first.headers
    etag = first.headers["ETag"]
    assert visitor.get("/privacy/subprocessors", headers={"If-None-Match": etag}).status_code == 304
    admin = app.test_client()
    auth.client = admin
    auth.login(admin=True)
    add_processor(admin, "Helpdesk Ltd")
    assert admin.get("/privacy/subprocessors").headers["Cache-Control"] == "private, no-cache"
    again = visitor.get("/privacy/subprocessors", headers={"If-None-Match": etag})
    assert again.status_code == 200 and "Helpdesk Ltd" in again.get_data(as_text=True)
    assert "Helpdesk Ltd" in visitor.get("/privacy/subprocessors.atom").get_data(as_text=True)


def test_the_two_forms_of_the_page_have_distinct_ids(app, client, auth) -> None:
    import re

    auth.login(admin=True)
    add_processor(client, "Helpdesk Ltd")
    auth.logout()
    page = client.get("/privacy/subprocessors").get_data(as_text=True)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert page.count('name="email"') == 2


@pytest.mark.parametrize("system", ["abc", "99999999999999999999", "", "7"])
def test_objecting_to_no_coming_processor_gets_a_message_not_an_error(client, system) -> None:
    response = client.post("/privacy/subprocessors/object",
                           data={"email": "sam@example.com", "system": system})
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)
