"""In Chromium: the breach register's pages and the public notice pass axe (light and dark), and
an admin records a breach, previews a notice and sends it, confirming, with the mouse."""

from __future__ import annotations

import pytest

from tests.fixtures.browser import assert_no_violations, log_in
from tests.incidents.helpers import RECORD, age, notices_of, when
from website.extensions import utcnow
from website.incidents import notices, service

pytestmark = pytest.mark.browser


def test_an_admin_records_a_breach_and_tells_the_people(app, scheme_page, live_server,
                                                        axe_source, users, smtp):
    users.create(email="admin@example.com", admin=True)
    users.create(email="ada@example.com", locale="fr")
    page = scheme_page
    log_in(page, live_server)
    page.goto(f"{live_server}/admin/incidents")
    assert_no_violations(page, axe_source)
    page.get_by_label("Became aware at (UTC)").fill(when(80))
    for name, label in (("summary", "What happened"), ("contact", "Contact point")):
        page.get_by_label(label).fill(RECORD[name])
    page.get_by_role("button", name="Record the breach").click()
    page.wait_for_url(f"{live_server}/admin/incidents/BR-*")
    reference = page.url.rsplit("/", 1)[1]
    assert page.locator(".badge--overdue").count() == 1  # 80 hours ago: overdue
    assert_no_violations(page, axe_source)
    page.get_by_label("A list of email addresses").check()
    page.get_by_label("Email addresses", exact=True).fill("ada@example.com\nnobody@example.com")
    page.get_by_label("Subject (English)").fill("A breach that affects you")
    page.get_by_label("Notice (English)").fill("Your address was exposed.")
    page.get_by_role("button", name="Preview").click()
    assert "1 person will be told" in page.content()
    assert "nobody@example.com: no account has confirmed this address" in page.content()
    assert_no_violations(page, axe_source)
    page.get_by_role("button", name="Send or publish…").click()
    assert page.locator("h1").inner_text().startswith("Send the notice")
    assert notices_of(app, reference) == []
    page.get_by_role("button", name="Send to 1 person").click()
    page.wait_for_url(f"{live_server}/admin/incidents/{reference}")
    [notice] = notices_of(app, reference)
    assert notice.recipients == 1
    page.goto(f"{live_server}/admin/")
    assert reference in page.content()
    assert_no_violations(page, axe_source)


def test_the_public_notice_passes_axe_in_each_language(app, scheme_page, live_server,
                                                       axe_source):
    with app.app_context():
        incident = service.create_incident(service.IncidentFields(
            aware_at=utcnow(), summary="A log was exposed.", categories="",
            people_count=None, records_count=None, consequences="", measures="",
            contact="dpo@example.com"), service.Actor(None, "tests"))
        age(app, incident.reference, 1)
        notice = notices.publish_notice(incident, notices.NoticeText(
            "A breach", "What happened.\n\nWhat to do.", "Eine Datenpanne", "Was geschah."),
            service.Actor(None, "tests"))
    for prefix in ("", "/de", "/fr"):
        scheme_page.goto(f"{live_server}{prefix}/notices/{notice.reference}")
        assert scheme_page.locator("h1").count() == 1
        assert_no_violations(scheme_page, axe_source)
