"""In Chromium: axe on every admin page, and on the public pages added with the records, the
identity and the rights flows, in light and dark mode (every impact)."""

from __future__ import annotations

import pytest

from tests.fixtures.browser import assert_no_violations, log_in
from tests.support.helpers import VALID
from website.policy.service import publish_version, today

pytestmark = pytest.mark.browser

ADMIN_PAGES = [
    "/admin/", "/admin/policy", "/admin/policy/drafts/new", "/admin/support", "/admin/rights",
    "/admin/rights/new", "/admin/consents", "/admin/analytics", "/admin/audit",
    "/admin/processing",
]
NEWER_PUBLIC_PAGES = [
    "/privacy/retention", "/privacy/diff?from=1&to=2", "/rights/new-link", "/register/sent",
    "/rights/requested",
]


@pytest.fixture
def second_version(app) -> None:
    """A material version 2, so the diff has changes to show."""
    with app.app_context():
        publish_version("## Your Rights\n\nYou may **object** to [profiling](https://example.com).\n",
                        today(), "Profiling", material=True)


def test_admin_pages_have_no_axe_violation(scheme_page, live_server, axe_source, users, client,
                                           second_version):
    users.create(email="admin@example.com", admin=True)
    client.post("/support", data=VALID)
    log_in(scheme_page, live_server)
    for path in ADMIN_PAGES:
        scheme_page.goto(live_server + path)
        assert scheme_page.locator("h1").count() == 1, path
        assert_no_violations(scheme_page, axe_source)
    scheme_page.goto(f"{live_server}/admin/support")
    scheme_page.locator("table a").first.click()
    assert_no_violations(scheme_page, axe_source)


@pytest.mark.parametrize("path", NEWER_PUBLIC_PAGES)
def test_newer_public_pages_have_no_axe_violation(scheme_page, live_server, axe_source, path,
                                                  second_version):
    scheme_page.goto(live_server + path)
    assert_no_violations(scheme_page, axe_source)
