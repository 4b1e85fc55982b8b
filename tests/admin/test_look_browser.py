"""In Chromium: axe on the public pages added with the records, the identity and the rights
flows, in light and dark mode (every impact). The admin pages have their sweep, with content on
them, on a desktop and a phone: tests/adminux/test_admin_pages_axe_browser.py."""

from __future__ import annotations

import pytest

from tests.fixtures.browser import assert_no_violations
from website.policy.service import publish_version, today

pytestmark = pytest.mark.browser

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


@pytest.mark.parametrize("path", NEWER_PUBLIC_PAGES)
def test_newer_public_pages_have_no_axe_violation(scheme_page, live_server, axe_source, path,
                                                  second_version):
    scheme_page.goto(live_server + path)
    assert_no_violations(scheme_page, axe_source)
