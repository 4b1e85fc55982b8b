"""In Chromium: axe on every public and account page in light and dark mode (every impact),
the error summary (links and focus), inline checks, the password toggle, and one notice at a
time on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import assert_no_violations, log_in
from website.policy.service import publish_version, today

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/", "/privacy", "/privacy/versions", "/privacy/versions/1", "/privacy/diff?from=1&to=1",
    "/cookies", "/support", "/rights", "/login", "/register", "/password/forgot",
    "/no-such-page",
    # German and French (issue 15): the shell, the banner, the switcher and an error page.
    "/de/", "/de/privacy", "/de/privacy/retention", "/fr/cookies", "/fr/", "/de/no-such-page",
]
ACCOUNT_PAGES = ["/account", "/account/delete"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_axe_violation(scheme_page, live_server, axe_source, path):
    scheme_page.goto(live_server + path)
    assert_no_violations(scheme_page, axe_source)


@pytest.mark.parametrize("path", ACCOUNT_PAGES)
def test_account_pages_have_no_axe_violation(scheme_page, live_server, axe_source, users,
                                             path):
    users.create()
    log_in(scheme_page, live_server, "ada@example.com", landing="/account")
    scheme_page.goto(live_server + path)
    assert_no_violations(scheme_page, axe_source)


def test_form_with_errors_has_no_axe_violation(scheme_page, live_server, axe_source):
    scheme_page.goto(f"{live_server}/support")
    scheme_page.get_by_role("button", name="Send request").click()
    expect(scheme_page.locator(".error-summary")).to_be_visible()
    assert_no_violations(scheme_page, axe_source)


def test_server_error_summary_lists_links_and_takes_focus(browser, live_server):
    # Without JavaScript's inline checks in the way: the server's answer, as a browser shows it.
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    page.goto(f"{live_server}/register")
    page.get_by_label("Email address").fill("grace@")
    page.get_by_label("Name").fill("Grace Hopper")
    # Skip the inline checks (they would catch this first) to see the server's summary.
    page.evaluate("document.querySelector('form.stacked').removeAttribute('novalidate')")
    page.evaluate("document.querySelectorAll('[data-required]').forEach("
                  "e => e.removeAttribute('data-required'))")
    page.evaluate("document.querySelectorAll('[required]').forEach("
                  "e => e.removeAttribute('required'))")
    page.evaluate("document.getElementById('email').type = 'text'")
    page.get_by_role("button", name="Create account").click()
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.get_by_role("heading").inner_text() == "There is a problem"
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    links = summary.get_by_role("link")
    assert links.first.inner_text() == "Enter the part after the @, like name@example.com."
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs[:3] == ["#email", "#password", "#password_confirm"]
    # The message also sits by its field, tied to it for screen readers.
    assert "email-error" in page.locator("#email").get_attribute("aria-describedby")
    links.first.click()
    assert page.evaluate("document.activeElement.id") == "email"
    links.last.click()
    assert page.evaluate("document.activeElement.id") == "age_confirm"
    assert page.get_by_label("Name").input_value() == "Grace Hopper"
    context.close()


def test_inline_checks_before_sending(page, live_server):
    page.goto(f"{live_server}/rights")
    page.get_by_label("Your email address").fill("grace.example.com")
    page.get_by_role("button", name="Send request").click()
    # Nothing was sent: the page did not reload, and the summary lists every problem.
    assert page.url == f"{live_server}/rights"
    summary = page.locator(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert summary.get_by_role("link").all_inner_texts() == [
        "Choose the right you want to use.", "Enter your name.",
        "Enter an email address with an @, like name@example.com.",
    ]
    summary.get_by_role("link", name="Enter your name.").click()
    assert page.evaluate("document.activeElement.id") == "name"
    assert page.locator("#name-inline-error").inner_text().endswith("Enter your name.")


def test_password_can_be_shown(page, live_server):
    page.goto(f"{live_server}/login")
    field = page.get_by_label("Password", exact=True)
    field.fill("secret words")
    toggle = page.get_by_role("button", name="Show password")
    toggle.click()
    assert field.get_attribute("type") == "text"
    assert page.get_by_role("button", name="Hide password").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Hide password").click()
    assert field.get_attribute("type") == "password"


def test_one_notice_at_a_time_on_a_phone(browser, live_server, app, users):
    """A returning visitor on a phone sees the cookie banner or the policy notice, not both."""
    users.create()
    with app.app_context():
        publish_version("## Your Rights\n\nAsk us.\n", today(), "Rights", material=True)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, live_server, "ada@example.com", landing="/account")
    page.goto(f"{live_server}/support")
    banner = page.locator("#consent-banner")
    notice = page.locator("section[aria-label='Privacy policy change']")
    assert banner.is_visible() and notice.count() == 1 and not notice.is_visible()
    # The first field is not hidden under notices.
    expect(page.get_by_label("Your name")).to_be_visible()
    page.get_by_role("button", name="Reject all").click()
    page.wait_for_selector("#consent-banner", state="detached")
    page.get_by_role("button", name="Hide cookie message").click()
    page.reload()
    assert notice.is_visible() and page.locator("#consent-banner").count() == 0
    context.close()


def test_print_shows_the_text_and_where_links_go(page, live_server):
    page.goto(f"{live_server}/privacy")
    page.emulate_media(media="print")
    navs = page.locator("header nav").all()  # the site's sections and the language switcher
    assert len(navs) == 2 and not any(nav.is_visible() for nav in navs)
    assert not page.locator("#consent-banner").is_visible()
    assert not page.locator(".toc").is_visible()
    after = page.evaluate("""() => getComputedStyle(
        document.querySelector('.policy-body a[href^="mailto:"]'), '::after').content""")
    assert "mailto:spectraalw@gmail.com" in after
