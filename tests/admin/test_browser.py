"""In Chromium: draft -> preview (sanitised, diff) -> publish material -> a returning visitor's
notice; and axe-core finds no serious or critical problem on the admin pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import axe_violations
from website.accounts.models import User
from website.accounts.sessions import stamp_login
from website.extensions import db
from website.policy.service import today

pytestmark = pytest.mark.browser


def session_cookie(app, user_id: int, live_server: str) -> dict[str, str]:
    """A logged-in session for the user, as a browser cookie (there is no login form here yet)."""
    client = app.test_client()
    with app.app_context():
        token = db.session.get(User, user_id).session_token
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
        stamp_login(session)
    return {"name": "session", "value": client.get_cookie("session").value, "url": live_server}


def assert_accessible(page, axe_source: str) -> None:
    problems = axe_violations(page, axe_source)
    summary = [(p["id"], p["help"], [n["target"] for n in p["nodes"]]) for p in problems]
    assert problems == [], summary


def test_publish_flow_and_returning_visitors_notice(
    app, users, live_server, browser, page, axe_source
):
    app.config["WTF_CSRF_ENABLED"] = True
    admin_id = users.create(email="admin@example.com", admin=True)
    reader_id = users.create(email="reader@example.com")
    page.context.add_cookies([session_cookie(app, admin_id, live_server)])

    page.goto(f"{live_server}/admin/")
    expect(page.get_by_role("heading", name="Admin", exact=True)).to_be_visible()
    assert_accessible(page, axe_source)

    page.goto(f"{live_server}/admin/policy")
    assert_accessible(page, axe_source)
    page.get_by_role("link", name="Start a new draft").click()
    editor = page.get_by_label("Policy text (Markdown)")
    assert "## Your Rights" in editor.input_value()
    text = editor.input_value().replace(
        "## Your Rights", "## Your Rights\n\nYou may object to profiling at any time."
    )
    editor.fill(text + '\n<script>alert("x")</script>\n')
    page.get_by_label("Summary of changes").fill("You may object to profiling.")
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url("**/admin/policy/drafts/*")

    page.get_by_role("button", name="Save and preview").click()
    preview = page.locator(".draft-preview")
    # A click does not wait for the page it posts to: expect() waits for it (a loaded run saw
    # the next page's heading looked for on the one before).
    expect(preview.get_by_text("You may object to profiling at any time.")).to_be_visible()
    assert preview.locator("script").count() == 0
    assert page.locator(".draft-diff ins", has_text="object to profiling").count() >= 1
    assert_accessible(page, axe_source)

    page.get_by_label("Effective date").fill(today().isoformat())
    page.get_by_label("Material change", exact=False).check()
    page.get_by_role("button", name="Publish…").click()
    expect(page.get_by_role("heading", name="Publish version 2?")).to_be_visible()
    page.get_by_role("button", name="Publish version 2 and email").click()
    page.wait_for_url(f"{live_server}/admin/policy")
    expect(page.get_by_text("Version 2 published")).to_be_visible()

    page.goto(f"{live_server}/admin/audit")
    newest = page.locator("tbody tr").first
    expect(newest.get_by_text("policy.publish")).to_be_visible()
    expect(newest.get_by_text("admin@example.com")).to_be_visible()
    assert_accessible(page, axe_source)

    visitor = browser.new_context()
    try:
        visitor.add_cookies([session_cookie(app, reader_id, live_server)])
        reader = visitor.new_page()
        reader.goto(f"{live_server}/")
        notice = reader.get_by_role("region", name="Privacy policy change")
        changed_on = f"Our privacy policy changed on {today():%-d %B %Y}"
        expect(notice.get_by_text(changed_on)).to_be_visible()
        assert_accessible(reader, axe_source)
        notice.get_by_role("link", name="see what changed").click()
        reader.wait_for_url("**/privacy/diff?from=1&to=2")
        assert reader.locator("ins", has_text="object to profiling").count() >= 1
        reader.get_by_role("button", name="Dismiss").click()
        reader.wait_for_url("**/privacy/diff?from=1&to=2")
        assert reader.get_by_role("region", name="Privacy policy change").count() == 0
        reader.goto(f"{live_server}/privacy")
        assert reader.get_by_role("region", name="Privacy policy change").count() == 0
    finally:
        visitor.close()
