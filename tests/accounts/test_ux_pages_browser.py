"""In Chromium, light and dark, at a phone's width (issue 27, items 11-13): the password change
on /account (its errors focused in the summary), "check your email" after registering and a
request's status page with its history pass axe with no violation of any impact."""

from __future__ import annotations

import pytest

from tests.fixtures.browser import assert_no_violations, log_in
from tests.fixtures.users import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture(params=["light", "dark"])
def phone(request, browser):
    context = browser.new_context(viewport=PHONE, color_scheme=request.param)
    yield context.new_page()
    context.close()


def test_a_wrong_current_password_is_summarised_and_focused(phone, live_server, users,
                                                            axe_source):
    users.create()
    log_in(phone, live_server, "ada@example.com", landing="/account")
    form = phone.locator("form[action='/account/password']")
    form.get_by_label("Current password").fill("not my password")
    form.get_by_label("New password", exact=True).fill("a brand new passphrase")
    form.get_by_label("Confirm new password").fill("a brand new passphrase")
    form.get_by_role("button", name="Change password").click()
    summary = phone.locator(".error-summary")
    summary.wait_for()
    assert phone.evaluate("document.activeElement.classList.contains('error-summary')")
    assert summary.get_by_role("link").inner_text() == "That is not your current password."
    assert_no_violations(phone, axe_source)
    form.get_by_label("Current password").fill(PASSWORD)
    form.get_by_label("New password", exact=True).fill("a brand new passphrase")
    form.get_by_label("Confirm new password").fill("a brand new passphrase")
    form.get_by_role("button", name="Change password").click()
    phone.get_by_text("Your password has been changed.").wait_for()
    assert phone.url.endswith("/account#password-heading")


def test_check_your_email_names_the_address(phone, live_server, axe_source):
    phone.goto(f"{live_server}/register")
    phone.get_by_label("Email address").fill("grace@example.com")
    phone.get_by_label("Name").fill("Grace Hopper")
    phone.get_by_label("Password", exact=True).fill("a long passphrase")
    phone.get_by_label("Confirm password").fill("a long passphrase")
    phone.get_by_label("I am 13 years old or older").check()
    phone.get_by_role("button", name="Create account").click()
    phone.wait_for_url(f"{live_server}/register/sent")
    assert phone.locator("main .lead strong").inner_text() == "grace@example.com"
    phone.get_by_role("button", name="Send the email again").click()
    phone.get_by_text("We have sent the email again.").wait_for()
    assert_no_violations(phone, axe_source)


def test_the_status_page_has_no_axe_violation(phone, live_server, users, axe_source):
    users.create()
    log_in(phone, live_server, "ada@example.com", landing="/account")
    phone.goto(f"{live_server}/rights")
    assert phone.get_by_label("Your email address").input_value() == "ada@example.com"
    phone.get_by_label("Access").check()
    phone.get_by_role("button", name="Send request").click()
    phone.wait_for_url("**/rights/status/*")
    assert phone.locator("ol.history li").count() == 2
    assert_no_violations(phone, axe_source)
