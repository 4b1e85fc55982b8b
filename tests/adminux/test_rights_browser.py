"""In Chromium: the rights request page's stepper and days left, and the queue's requester,
light and dark, with no axe violation of any impact."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.fixtures.browser import assert_no_violations, log_in
from tests.rights.test_admin import seed
from website.extensions import utcnow

pytestmark = pytest.mark.browser


def log_in_as_admin(page, live_server: str, users) -> None:
    """Create an administrator and log in through the form."""
    users.create(email="admin@example.com", admin=True)
    log_in(page, live_server)


def test_stepper_and_days_left_as_a_person_sees_them(scheme_page, live_server, axe_source, users,
                                                     app):
    reference = seed(app, name="Grace Hopper", email="grace@example.com",
                     due_on=utcnow().date() + timedelta(days=12))
    log_in_as_admin(scheme_page, live_server, users)
    scheme_page.goto(f"{live_server}/admin/rights")
    row = scheme_page.get_by_role("row").filter(has_text=reference)
    assert "Grace Hopper" in row.inner_text() and "12 days left" in row.inner_text()
    assert_no_violations(scheme_page, axe_source)
    row.get_by_role("link", name=reference).click()
    stepper = scheme_page.get_by_role("list", name="Stages of the request")
    assert stepper.locator("[aria-current=step]").inner_text().endswith("Verified")
    assert scheme_page.locator("#days-left").inner_text().startswith("12 days left")
    assert_no_violations(scheme_page, axe_source)
    scheme_page.get_by_role("button", name="Start work (in progress)").click()
    assert stepper.locator("[aria-current=step]").inner_text().endswith("In progress")
    assert_no_violations(scheme_page, axe_source)
