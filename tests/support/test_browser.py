"""The support form in a real browser: a person can send it, a keyboard never meets the honeypot,
and the pages pass axe-core."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.browser import axe_violations
from tests.support.helpers import VALID, all_requests

pytestmark = pytest.mark.browser
ACTIVE_ELEMENT = "document.activeElement.name || document.activeElement.innerText"


def test_person_sends_a_request_and_sees_its_reference(app, live_server, page, axe_source):
    page.goto(f"{live_server}/support")
    assert axe_violations(page, axe_source) == []
    page.get_by_label("Your name").fill(VALID["name"])
    page.get_by_label("Email address").fill(VALID["email"])
    page.get_by_label("What is it about?").select_option("compromised_key")
    page.get_by_label("Subject").fill("Key leaked in a public repo")
    page.get_by_label("Message").fill("Our key ending 9F2A was pushed to GitHub.\nPlease revoke.")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url(re.compile(r".*/support/requests/SR-\w+$"))
    (stored,) = all_requests(app)
    assert stored.reference in page.inner_text("main")
    assert "What to do now about the compromised key" in page.inner_text("main")
    assert stored.message == "Our key ending 9F2A was pushed to GitHub.\nPlease revoke."
    assert axe_violations(page, axe_source) == []


def test_keyboard_never_reaches_the_honeypot(live_server, page):
    page.goto(f"{live_server}/support")
    container = page.locator("div[aria-hidden=true]:has(#website)").bounding_box()
    assert container["width"] <= 1 and container["height"] <= 1, "clipped out of sight"
    page.get_by_label("Your name").focus()
    focused = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focused.append(page.evaluate(ACTIVE_ELEMENT))
    assert "website" not in focused
    assert "Send request" in [f.strip() for f in focused]


def test_errors_are_announced_and_axe_clean(app, live_server, page, axe_source):
    page.goto(f"{live_server}/support")
    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_role("button", name="Send request").click()
    # Checked in the browser first (the same message the server would give).
    page.wait_for_selector("#email-inline-error")
    assert page.get_by_role("alert").count() == 1
    assert page.locator("#email").get_attribute("aria-invalid") == "true"
    assert "email-inline-error" in page.locator("#email").get_attribute("aria-describedby")
    assert page.locator("#email").input_value() == "not-an-email"
    assert axe_violations(page, axe_source) == []
    assert all_requests(app) == []


def test_admin_queue_and_request_pages_are_axe_clean(app, users, live_server, page, axe_source,
                                                      make_request):
    from website.accounts.models import User
    from website.extensions import db

    reference = make_request(category="compromised_key", subject="Leaked key")
    make_request(category="billing", subject="Invoice")
    admin_id = users.create(email="admin@example.com", admin=True)
    with app.app_context():
        token = db.session.get(User, admin_id).session_token
        serializer = app.session_interface.get_signing_serializer(app)
        cookie = serializer.dumps({"_user_id": token, "_fresh": True})
    page.context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie,
                               "url": live_server}])
    page.goto(f"{live_server}/admin/support")
    assert "Leaked key" in page.inner_text("main")
    assert axe_violations(page, axe_source) == []
    page.get_by_role("link", name=reference).click()
    page.wait_for_url(f"**/admin/support/{reference}")
    assert axe_violations(page, axe_source) == []
    page.get_by_label("Reply").fill("Revoked; your new key is in the dashboard.")
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_selector("text=Reply sent to someone@example.com.")
    assert "Revoked; your new key" in page.inner_text("main")
