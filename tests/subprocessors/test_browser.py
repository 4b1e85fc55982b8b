"""In Chromium: the sub-processor list passes axe (light and dark) and a reader subscribes with
the keyboard and mouse."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.fixtures.browser import assert_no_violations
from website.extensions import db, utcnow
from website.subprocessors.models import Subscriber
from website.systems.models import System

pytestmark = pytest.mark.browser


def test_a_reader_subscribes_on_an_accessible_page(app, scheme_page, live_server,
                                                   axe_source) -> None:
    with app.app_context():
        db.session.add(System(name="Helpdesk", data="Tickets", purpose="Support",
                              legal_basis="contract", retention="1 year", kind="manual",
                              instructions="x", processor="Helpdesk Ltd", location="EU",
                              starts_at=utcnow() + timedelta(days=30)))
        db.session.commit()
    page = scheme_page
    page.goto(f"{live_server}/privacy/subprocessors")
    assert_no_violations(page, axe_source)
    page.locator("form[action$='/subscribe']").get_by_label("Email address").fill(
        "sam@example.com")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_url(f"{live_server}/privacy/subprocessors/check-email")
    assert_no_violations(page, axe_source)
    with app.app_context():
        assert db.session.query(Subscriber).one().email == "sam@example.com"
