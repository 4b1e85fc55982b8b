"""In Chromium: an admin logs in, enrols a second factor from the page's secret, logs in again
with a code, and confirms a publication with the password typed on the confirmation page;
axe-core finds nothing on the new pages."""

from __future__ import annotations

import time

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.admin.test_browser import assert_accessible
from tests.fixtures.browser import log_in
from tests.fixtures.users import PASSWORD
from website.extensions import db
from website.policy.models import PolicyVersion
from website.policy.service import today

pytestmark = pytest.mark.browser


def test_enrol_log_in_with_a_code_and_confirm_with_the_password(
    app, users, live_server, page, axe_source
) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    app.config["MFA_REQUIRED_FOR_ADMINS"] = True
    users.create(email="admin@example.com", admin=True)
    log_in(page, live_server, landing=None)
    page.wait_for_url("**/admin/mfa")  # production rule: enrol before anything else
    expect(page.locator("svg.qr-code")).to_be_visible()
    assert_accessible(page, axe_source)
    secret = page.locator(".totp-secret").inner_text()
    page.get_by_label("Code from your authenticator app", exact=False).fill(
        pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert page.locator(".recovery-codes li").count() == 10

    page.context.clear_cookies()
    log_in(page, live_server, landing=None)
    page.wait_for_url("**/login/code")
    assert_accessible(page, axe_source)
    # The next step's code (the one shown now was spent on enrolling; one step ahead counts).
    page.get_by_label("Code from your authenticator app", exact=False).fill(
        pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")

    # Eleven minutes later (the session's clock moved back), publishing asks for the password.
    cookie = next(c for c in page.context.cookies() if c["name"] == "session")
    serializer = app.session_interface.get_signing_serializer(app)
    data = serializer.loads(cookie["value"])
    data["auth_at"] = time.time() - 11 * 60
    page.context.add_cookies([{**cookie, "value": serializer.dumps(data)}])
    page.goto(f"{live_server}/admin/policy/drafts/new")
    page.get_by_label("Summary of changes").fill("Clearer rights.")
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url("**/admin/policy/drafts/*")
    page.get_by_label("Effective date").fill(today().isoformat())
    page.get_by_role("button", name="Publish…").click()
    expect(page.get_by_role("heading", name="Publish version 2?")).to_be_visible()
    assert_accessible(page, axe_source)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Publish version 2").click()
    page.wait_for_url("**/admin/policy")
    with app.app_context():
        assert db.session.scalar(select(func.count(PolicyVersion.id))) == 2
