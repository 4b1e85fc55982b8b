"""In Chromium with JavaScript off: the diff's numbered changes link to each other."""

from __future__ import annotations

from datetime import date

import pytest

from tests.fixtures.browser import axe_violations
from tests.policy.test_diff_page import CHANGED
from website.policy.service import publish_version

pytestmark = pytest.mark.browser


def in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    height = page.viewport_size["height"]
    return box is not None and 0 <= box["y"] < height


def test_next_and_previous_change_links_without_javascript(app, browser, live_server, axe_source):
    with app.app_context():
        publish_version(CHANGED, date(2025, 9, 1), "Clearer", material=False)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{live_server}/privacy/diff?from=1&to=2")
        assert page.get_by_role("heading", name="3 changes").is_visible()
        page.get_by_role("link", name="Change 1:", exact=False).click()
        assert page.url.endswith("#change-1") and in_view(page, "#change-1")
        page.locator("#change-1").get_by_role("link", name="Next: change 2").click()
        assert page.url.endswith("#change-2") and in_view(page, "#change-2")
        assert not in_view(page, "#change-1")
        page.locator("#change-2").get_by_role("link", name="Next: change 3").click()
        assert page.url.endswith("#change-3") and in_view(page, "#change-3")
        page.locator("#change-3").get_by_role("link", name="Previous: change 2").click()
        assert page.url.endswith("#change-2") and in_view(page, "#change-2")
        page.get_by_role("link", name="Show whole policy").click()
        assert "view=all" in page.url
        assert page.get_by_role("heading", name="Your Rights").is_visible()
    finally:
        context.close()
    checked = browser.new_context()
    try:
        page = checked.new_page()
        page.goto(f"{live_server}/privacy/diff?from=1&to=2")
        page.get_by_label("Compare").select_option("2")
        page.get_by_label("with").select_option("1")
        page.get_by_role("button", name="Compare").click()
        page.wait_for_url("**/privacy/diff?from=2&to=1")
        assert axe_violations(page, axe_source) == []
    finally:
        checked.close()
