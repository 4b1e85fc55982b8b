"""The banner first and a confirmation after (issue 27, item 2): the banner is the first thing
after the skip link (the second Tab, read before the page) yet shows at the foot of the screen;
a choice made with JavaScript leaves a short confirmation that takes focus with a plain ring
(no frame around the page) and a Hide button; in German and French too; axe finds nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import assert_no_violations

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const el = document.activeElement, s = getComputedStyle(el);
  const main = getComputedStyle(document.getElementById('main'));
  return {text: el.textContent.trim(), inConfirmation: !!el.closest('#consent-confirmation'),
          outline: parseFloat(s.outlineWidth), outlineStyle: s.outlineStyle,
          shadow: s.boxShadow, height: el.getBoundingClientRect().height,
          mainShadow: main.boxShadow, mainOutline: main.outlineStyle};
}"""


def test_the_banner_is_the_second_tab_and_read_before_the_page(page, live_server):
    page.goto(live_server + "/privacy")
    order = page.evaluate("""() => [...document.body.children]
        .filter(e => e.tagName !== 'SCRIPT').slice(0, 3).map(e => e.id || e.className)""")
    assert order == ["skip-link", "consent-banner", "consent-confirmation"] or order[:2] == [
        "skip-link", "consent-banner"], order
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('#consent-banner')")
    # It still shows where it did: at the foot of the screen, over the page.
    box = page.locator("#consent-banner").bounding_box()
    assert abs(box["y"] + box["height"] - page.viewport_size["height"]) <= 1


@pytest.mark.parametrize(("prefix", "reject", "hide", "sentence"), [
    ("", "Reject all", "Hide cookie message",
     "You rejected analytics cookies. You can change this at any time."),
    ("/de", "Alle ablehnen", "Cookie-Hinweis ausblenden",
     "Sie haben Statistik-Cookies abgelehnt. Sie können das jederzeit ändern."),
    ("/fr", "Tout refuser", "Masquer le message sur les cookies",
     "Vous avez refusé les cookies de mesure d’audience. Vous pouvez changer cela à tout moment."),
])
def test_rejecting_by_keyboard_leaves_a_confirmation_with_the_focus(page, live_server, prefix,
                                                                    reject, hide, sentence):
    page.goto(live_server + prefix + "/")
    page.get_by_role("button", name=reject).focus()
    page.keyboard.press("Enter")
    page.locator("#consent-banner").wait_for(state="detached")
    confirmation = page.get_by_role("region", name=page.locator(
        "#consent-confirmation").get_attribute("aria-label"))
    expect(confirmation).to_be_visible()
    focused = page.evaluate(FOCUSED)
    assert focused["text"] == sentence and focused["inConfirmation"]
    # A visible, ordinary ring around the sentence; nothing around the page.
    assert focused["outlineStyle"] != "none" and focused["outline"] >= 2
    assert focused["shadow"] == "none" and focused["height"] < 120
    assert focused["mainShadow"] == "none"
    link = confirmation.get_by_role("link")
    assert link.get_attribute("href") == prefix + "/cookies"
    page.get_by_role("button", name=hide).click()
    assert page.locator("#consent-confirmation").count() == 0
    page.reload()
    assert page.locator("#consent-banner").count() == 0


def test_accepting_says_so(page, live_server):
    page.goto(live_server + "/privacy")
    page.get_by_role("button", name="Accept all").click()
    message = page.get_by_text("You accepted analytics cookies. You can change this at any time.")
    message.wait_for()
    assert page.evaluate("document.activeElement.dataset.choice") == "accept_all"
    assert not page.get_by_text("You rejected analytics cookies.").is_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_confirmation_has_no_axe_violation(browser, live_server, axe_source, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(live_server + "/")
    assert_no_violations(page, axe_source)  # the banner, first in the page
    page.get_by_role("button", name="Reject all").click()
    page.locator("#consent-banner").wait_for(state="detached")
    assert_no_violations(page, axe_source)
    context.close()
