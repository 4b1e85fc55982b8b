"""In Chromium: the draft page's lasting preview and changes, light and dark, no axe violation."""

from __future__ import annotations

import pytest

from tests.adminux.test_policy_preview import TWO_CHANGES
from tests.adminux.test_rights_browser import log_in_as_admin
from tests.fixtures.browser import assert_no_violations

pytestmark = pytest.mark.browser


def test_the_draft_page_as_an_editor_sees_it(scheme_page, live_server, axe_source, users):
    log_in_as_admin(scheme_page, live_server, users)
    scheme_page.goto(f"{live_server}/admin/policy/drafts/new")
    scheme_page.get_by_label("Policy text").fill("**Effective date:** 1 January 2020\n\n"
                                                 + TWO_CHANGES)
    scheme_page.get_by_role("button", name="Create draft").click()
    scheme_page.wait_for_url("**/admin/policy/drafts/*")
    scheme_page.reload()  # the preview stays
    assert scheme_page.locator(".preview-box").get_by_text(
        "You may ask us for a copy of your data at any time.").is_visible()
    scheme_page.get_by_role("link", name="Next: change 2").first.click()
    assert scheme_page.url.endswith("#change-2")
    assert_no_violations(scheme_page, axe_source)
