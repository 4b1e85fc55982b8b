"""In Chromium: the confirmation pages of publish, discard, reject and approve erasure say what
will happen, change nothing until confirmed, and their danger button does it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.admin.test_browser import assert_accessible, session_cookie
from tests.rights.conftest import stored
from tests.rights.test_admin import seed
from website.extensions import db
from website.policy.models import PolicyDraft, PolicyVersion
from website.policy.service import today

pytestmark = pytest.mark.browser


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_publish_and_discard_ask_first(app, users, live_server, page, axe_source):
    app.config["WTF_CSRF_ENABLED"] = True
    admin_id = users.create(email="admin@example.com", admin=True)
    users.create(email="reader@example.com")
    page.context.add_cookies([session_cookie(app, admin_id, live_server)])
    page.goto(f"{live_server}/admin/policy/drafts/new")
    page.get_by_label("Summary of changes").fill("Clearer rights.")
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url("**/admin/policy/drafts/*")
    draft_url = page.url

    page.get_by_label("Effective date").fill(today().isoformat())
    page.get_by_label("Material change", exact=False).check()
    page.get_by_role("button", name="Publish…").click()
    expect(page.get_by_role("heading", name="Publish version 2?")).to_be_visible()
    expect(page.get_by_text("Email 2 registered users", exact=False)).to_be_visible()
    assert_accessible(page, axe_source)
    assert count(app, PolicyVersion) == 1
    page.get_by_role("link", name="Cancel, go back").click()
    page.wait_for_url(draft_url)
    assert count(app, PolicyVersion) == 1 and count(app, PolicyDraft) == 1

    page.get_by_role("button", name="Discard draft…").click()
    expect(page.get_by_role("heading", name="Discard draft")).to_be_visible()
    assert count(app, PolicyDraft) == 1
    page.get_by_role("button", name="Discard draft").click()
    page.wait_for_url(f"{live_server}/admin/policy")
    expect(page.get_by_text("Draft discarded.")).to_be_visible()
    assert count(app, PolicyDraft) == 0 and count(app, PolicyVersion) == 1


def test_reject_and_erase_ask_first(app, users, live_server, page, axe_source):
    app.config["WTF_CSRF_ENABLED"] = True
    admin_id = users.create(email="admin@example.com", admin=True)
    objection = seed(app, email="x@y.example", request_type="objection")
    deletion = seed(app, email="gone@y.example", request_type="deletion")
    page.context.add_cookies([session_cookie(app, admin_id, live_server)])

    page.goto(f"{live_server}/admin/rights/{objection}")
    page.get_by_label("Reason for rejecting", exact=False).fill("We hold no data about you.")
    page.get_by_role("button", name="Reject…").click()
    expect(page.get_by_role("heading", name=f"Reject request {objection}?")).to_be_visible()
    expect(page.get_by_text("We hold no data about you.")).to_be_visible()
    assert_accessible(page, axe_source)
    assert stored(app, objection).status == "verified"
    page.get_by_role("button", name="Reject and email x@y.example").click()
    page.wait_for_url(f"{live_server}/admin/rights/{objection}")
    assert stored(app, objection).status == "rejected"

    page.goto(f"{live_server}/admin/rights/{deletion}")
    page.get_by_role("button", name="Approve deletion and erase…").click()
    expect(page.get_by_role("heading", name="Erase the data of gone@y.example?")).to_be_visible()
    assert stored(app, deletion).status == "verified"
    page.get_by_role("button", name="Erase the data of gone@y.example").click()
    page.wait_for_url(f"{live_server}/admin/rights/{deletion}")
    assert stored(app, deletion).status == "completed"


def test_new_admin_and_rights_pages_pass_axe(app, users, live_server, browser, page, axe_source,
                                             smtp):
    admin_id = users.create(email="admin@example.com", admin=True)
    reference = seed(app, email="x@y.example", request_type="deletion")
    page.context.add_cookies([session_cookie(app, admin_id, live_server)])
    for path in ("/admin/", f"/admin/rights?q={reference}", "/admin/rights?q=nonsense",
                 "/admin/support?q=x@y.example", f"/admin/rights/{reference}",
                 "/admin/consents", "/admin/analytics"):
        page.goto(f"{live_server}{path}")
        assert_accessible(page, axe_source)
    visitor = browser.new_context()
    try:
        public = visitor.new_page()
        public.goto(f"{live_server}/rights")
        public.get_by_label("Access").check()
        public.get_by_label("Your name").fill("Grace Hopper")
        public.get_by_label("Your email address").fill("grace@example.com")
        public.get_by_role("button", name="Send request").click()
        public.wait_for_url("**/rights/requested")
        expect(public.get_by_text("grace@example.com")).to_be_visible()
        assert_accessible(public, axe_source)
        public.get_by_role("button", name="Send the email again").click()
        public.wait_for_url("**/rights/requested")
        expect(public.get_by_text("We have sent the email again")).to_be_visible()
        public.goto(f"{live_server}/privacy/diff?from=1&to=1&view=all")
        assert_accessible(public, axe_source)
    finally:
        visitor.close()
