"""As a user would: register, log out, log in, log out, in Chromium; axe on the account pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.accounts.helpers import GOOD_PASSWORD, confirm_link, outbox
from tests.fixtures.browser import axe_violations

pytestmark = pytest.mark.browser


def test_register_log_out_log_in_log_out(app, page, live_server):
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_role("link", name="Create one").click()
    page.get_by_label("Email address").fill("grace@example.com")
    page.get_by_label("Name").fill("Grace Hopper")
    page.get_by_label("Password", exact=True).fill(GOOD_PASSWORD)
    page.get_by_label("Confirm password").fill(GOOD_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    # The age box was not ticked: the form says why and keeps what was typed.
    assert page.locator(".field__error", has_text="This service is not for children under 13. Tick"
                        ).is_visible()
    assert page.get_by_label("Email address").input_value() == "grace@example.com"
    page.get_by_label("Password", exact=True).fill(GOOD_PASSWORD)
    page.get_by_label("Confirm password").fill(GOOD_PASSWORD)
    page.get_by_label("I am 13 years old or older").check()
    page.get_by_role("button", name="Create account").click()
    assert page.url == f"{live_server}/register/sent"
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    [welcome] = outbox(app, "grace@example.com")
    page.goto(live_server + confirm_link(welcome.body_text))
    assert page.url == f"{live_server}/account/email/confirm"
    page.get_by_label("Your password").fill(GOOD_PASSWORD)
    page.get_by_role("button", name="Confirm this address").click()
    assert page.url == f"{live_server}/account"
    expect(page.get_by_role("heading", name="Your account", exact=True)).to_be_visible()
    expect(page.get_by_text("Your email address is confirmed.")).to_be_visible()

    page.get_by_role("button", name="Log out", exact=True).click()
    expect(page.get_by_text("You have been logged out.")).to_be_visible()
    page.goto(f"{live_server}/account")
    assert "/login?next=" in page.url

    page.get_by_label("Email address").fill("grace@example.com")
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Email or password is incorrect.")).to_be_visible()
    page.get_by_label("Password").fill(GOOD_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert page.url == f"{live_server}/account"
    assert page.get_by_label("Name").input_value() == "Grace Hopper"

    page.get_by_role("button", name="Log out", exact=True).click()
    page.goto(f"{live_server}/account")
    assert "/login" in page.url


@pytest.mark.parametrize("path", ["/login", "/register", "/account"])
def test_no_serious_accessibility_violations(page, live_server, axe_source, users, path):
    if path == "/account":
        users.create()
        page.goto(f"{live_server}/login")
        page.get_by_label("Email address").fill("ada@example.com")
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server}{path}")
    violations = axe_violations(page, axe_source)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]


def test_form_errors_are_accessible_too(page, live_server, axe_source):
    page.goto(f"{live_server}/register")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".field__error", has_text="Enter your email address.")).to_be_visible()
    violations = axe_violations(page, axe_source)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]
