"""In Chromium (issue 27, "Done when"): every admin page an administrator works in, with content
on it, has no axe violation of any impact, light and dark, on a desktop and on a 390 px phone,
none is wider than a phone's screen, and each shows the admin bar styled as a bar (its links
side by side, not a bulleted list); the admin logs in through the real forms, password then
the code of the second factor."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from tests.admin.test_policy_admin import create_draft
from tests.adminux.test_policy_preview import TWO_CHANGES
from tests.fixtures.browser import assert_no_violations, axe_violations
from tests.fixtures.users import PASSWORD
from tests.incidents.helpers import record_incident
from tests.support.helpers import VALID
from website.extensions import db, utcnow
from website.support.models import SupportRequest
from website.systems.service import ensure_seeded

pytestmark = pytest.mark.browser

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def seed_admin_pages(app, client, auth, rights, admin_id: int) -> list[str]:
    """A verified rights request (with its systems' tasks), a support request, a policy draft
    with changes and a breach; the paths of the pages that show them and of the lists."""
    with app.app_context():
        ensure_seeded()
    rights_reference = rights.submit_and_verify()  # by a visitor, before the admin logs in
    assert client.post("/support", data=VALID).status_code == 303
    with app.app_context():
        support_reference = db.session.scalar(select(SupportRequest.reference))
    auth.login(user_id=admin_id)
    draft_id = create_draft(client, markdown=TWO_CHANGES)
    incident = record_incident(client, hours_ago=5)
    return [
        "/admin/", f"/admin/rights/{rights_reference}", f"/admin/support/{support_reference}",
        f"/admin/policy/drafts/{draft_id}", "/admin/systems", "/admin/incidents",
        f"/admin/incidents/{incident}", "/admin/tasks", "/admin/audit", "/admin/mfa",
        "/admin/policy", "/admin/processing", "/admin/rights/new", "/admin/policy/drafts/new",
        "/admin/support", "/admin/rights", "/admin/consents", "/admin/analytics", "/account",
    ]


def bar_is_a_bar(page) -> bool:
    """The admin bar's first two links sit side by side, without list bullets."""
    bar = page.get_by_role("navigation", name="Admin pages")
    first = bar.get_by_role("link", name="Dashboard").bounding_box()
    second = bar.get_by_role("link", name="Policy").bounding_box()
    bullets = bar.locator("li").first.evaluate("li => getComputedStyle(li).listStyleType")
    return abs(first["y"] - second["y"]) <= 2 and bullets == "none"


@pytest.mark.parametrize("device", list(WIDTHS))
def test_admin_pages_with_content_have_no_axe_violation(scheme_page, live_server, axe_source,
                                                        app, client, auth, rights, users,
                                                        device):
    admin_id = users.create(email="admin@example.com", admin=True, totp_secret=SECRET,
                            mfa_enrolled_at=utcnow())
    paths = seed_admin_pages(app, client, auth, rights, admin_id)
    page = scheme_page
    page.set_viewport_size(WIDTHS[device])
    page.goto(f"{live_server}/login")
    page.get_by_label("Email address").fill("admin@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/login/code")
    assert_no_violations(page, axe_source)
    page.get_by_label("Code from your authenticator app", exact=False).fill(
        pyotp.TOTP(SECRET).now())
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server}/admin/")
    problems: dict[str, object] = {}  # every page's findings, not only the first page's
    for path in paths:
        assert page.goto(live_server + path).status == 200, path
        assert page.locator("h1").count() == 1, path
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        found = axe_violations(page, axe_source, every_impact=True)
        if path.startswith("/admin/") and not bar_is_a_bar(page):
            problems[path] = "the admin bar is an unstyled list"
        elif overflow > 0 or found:
            problems[path] = (f"{overflow} px too wide", [
                (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in found])
    assert problems == {}
