"""The German and French policy pages pass axe like the English ones (the translation, the
English fallback with its notice, the diff between two translations)."""

from __future__ import annotations

import pytest

from tests.fixtures.browser import assert_no_violations
from website.policy.service import publish_version, today
from website.policy.translations import attach_translation

pytestmark = pytest.mark.browser

PAGES = [
    "/de/privacy", "/fr/privacy/versions", "/de/privacy/diff?from=1&to=2",
    "/fr/privacy/versions/2", "/fr/privacy/diff?from=1&to=2",
]


@pytest.fixture
def versions(app) -> None:
    """Version 2 in force, translated into German only."""
    with app.app_context():
        publish_version("## Your Rights\n\nYou may object to profiling.\n", today(), "Profiling")
        attach_translation(2, "de", "## Ihre Rechte\n\nSie können dem Profiling widersprechen.\n",
                           "Widerspruch gegen Profiling")


@pytest.mark.parametrize("path", PAGES)
def test_policy_pages_in_german_and_french_have_no_axe_violation(
    scheme_page, live_server, axe_source, versions, path
):
    scheme_page.goto(live_server + path)
    assert_no_violations(scheme_page, axe_source)
