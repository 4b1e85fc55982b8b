"""Forms come first (issue 27, item 5): on a phone the first field of the registration, support
and rights forms is near the top of the screen; the notice at collection is one line that
opens to the purposes, periods and links (by keyboard too); axe finds nothing, light or dark."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import assert_no_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
FIRST_FIELD = """() => {
  const field = [...document.querySelectorAll('main form :is(input, select, textarea)')]
    .find(e => e.type !== 'hidden' && e.offsetParent !== null && !e.closest('[aria-hidden=true]'));
  return {y: field.getBoundingClientRect().top + window.scrollY, id: field.id};
}"""


@pytest.mark.parametrize(("path", "first", "limit"), [
    # Was 770 px down for /register. The first field starts in the top half of the screen;
    # German and French section names take a second row of the header.
    ("/register", "email", 400), ("/de/register", "email", 480), ("/fr/register", "email", 480),
    ("/rights", "request_type-0", 440),
    # Support keeps its warning about leaked API keys above the form: it is what to do first.
    ("/support", "name", 660),
])
def test_the_first_field_is_near_the_top_on_a_phone(browser, live_server, path, first, limit):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server + path)
    found = page.evaluate(FIRST_FIELD)
    context.close()
    assert found["id"] == first
    assert found["y"] < limit, found


def test_the_notice_is_one_line_that_opens(page, live_server):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/register")
    notice = page.get_by_role("complementary", name="How we use what you send")
    summary = notice.locator("summary")
    assert summary.inner_text() == "How we use what you send"
    assert notice.bounding_box()["height"] < 60
    retention = notice.get_by_role("link", name="Retention periods")
    assert not retention.is_visible()
    summary.focus()
    page.keyboard.press("Enter")
    expect(retention).to_be_visible()
    expect(notice.get_by_text("We use it to:")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/register", "/rights", "/support"])
def test_forms_with_the_notice_have_no_axe_violation(browser, live_server, axe_source, path,
                                                     scheme):
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    page.goto(live_server + path)
    page.locator(".collection-notice summary").click()  # open: its links are checked too
    assert_no_violations(page, axe_source)
    context.close()
