"""In Chromium: the admin bar on desktop and phone, the search box's input and button on one
line on desktop and stacked on a phone without overflow; axe light and dark (every impact)."""

from __future__ import annotations

import pytest

from tests.adminux.test_rights_browser import log_in_as_admin
from tests.fixtures.browser import assert_no_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1366, 390])
def test_bar_and_search_controls_line_up(scheme_page, live_server, axe_source, users, width):
    scheme_page.set_viewport_size({"width": width, "height": 900})
    log_in_as_admin(scheme_page, live_server, users)
    bar = scheme_page.get_by_role("navigation", name="Admin pages")
    assert bar.get_by_role("link", name="Dashboard").get_attribute("aria-current") == "page"
    assert_no_violations(scheme_page, axe_source)
    for path in ("/admin/rights", "/admin/support"):
        scheme_page.goto(live_server + path)
        assert bar.get_by_role("link", name="Audit log").is_visible()
        search = scheme_page.get_by_label("Reference or email address").bounding_box()
        button = scheme_page.get_by_role("button", name="Search").bounding_box()
        if width > 800:  # side by side, bottoms on one line
            assert button["x"] > search["x"] + search["width"] - 1, path
            assert abs((button["y"] + button["height"]) - (search["y"] + search["height"])) <= 2
        else:  # the button under the input, starting at the same left edge
            assert button["y"] >= search["y"] + search["height"], path
            assert abs(button["x"] - search["x"]) <= 2, path
        overflow = scheme_page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (path, overflow)
        assert_no_violations(scheme_page, axe_source)
