"""In Chromium: a handler marks a support request urgent, keeps a note and assigns it; axe light
and dark (every impact)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.adminux.test_rights_browser import log_in_as_admin
from tests.fixtures.browser import assert_no_violations
from tests.support.helpers import VALID

pytestmark = pytest.mark.browser


def test_handling_a_support_request(scheme_page, live_server, axe_source, users, client):
    client.post("/support", data=VALID)
    log_in_as_admin(scheme_page, live_server, users)
    scheme_page.goto(f"{live_server}/admin/support")
    scheme_page.locator("table a").first.click()
    scheme_page.get_by_label("Category").select_option("compromised_key")
    scheme_page.get_by_role("button", name="Change category").click()
    expect(scheme_page.locator(".badge--urgent").first).to_be_visible()
    scheme_page.get_by_label("Internal note (never sent to the requester)").fill("Key revoked.")
    scheme_page.get_by_role("button", name="Keep the note").click()
    expect(scheme_page.locator(".note").get_by_text("Key revoked.")).to_be_visible()
    scheme_page.get_by_label("Assigned to").select_option(label="Ada Lovelace (admin@example.com)")
    scheme_page.get_by_role("button", name="Assign").click()
    assert "admin@example.com" in scheme_page.locator("dl.details").inner_text()
    assert_no_violations(scheme_page, axe_source)
