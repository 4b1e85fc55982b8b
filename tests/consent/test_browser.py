"""The banner in Debian's Chromium: keyboard, no-reload script, no-JavaScript form, small screens,
and axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import axe_violations

pytestmark = pytest.mark.browser

FOCUS_RING = """() => {
  const s = getComputedStyle(document.activeElement);
  return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
}"""


def tab_to(page, label: str, limit: int = 60) -> None:
    """Press Tab until the focused element's text is `label`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == label:
            return
    raise AssertionError(f"Tab never reached {label!r}")


def test_keyboard_reaches_both_buttons_and_reject_hides_banner_without_reload(
    page, live_server, rows
):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server + "/")
    banner = page.get_by_role("region", name="Cookie consent")
    expect(banner).to_be_visible()
    page.evaluate("() => { window.sameDocument = true; }")

    tab_to(page, "Accept all")
    assert page.evaluate(FOCUS_RING)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Reject all"
    assert page.evaluate(FOCUS_RING)
    accept = page.get_by_role("button", name="Accept all").bounding_box()
    reject = page.get_by_role("button", name="Reject all").bounding_box()
    assert (accept["width"], accept["height"]) == (reject["width"], reject["height"])
    assert accept["y"] == reject["y"] and accept["x"] < reject["x"]  # side by side

    page.keyboard.press("Enter")
    page.locator("#consent-banner").wait_for(state="detached")
    assert page.evaluate("() => window.sameDocument") is True
    assert page.url == live_server + "/"
    # The confirmation took its place and the focus (tests/consent/test_confirmation_browser.py).
    assert page.evaluate("() => document.activeElement.dataset.choice") == "reject_all"
    [record] = rows.consent_records()
    assert record.source == "banner" and record.refused == ["analytics"]
    names = {c["name"] for c in page.context.cookies()}
    assert "consent" in names and "analytics_id" not in names
    page.reload()
    assert page.locator("#consent-banner").count() == 0
    assert rows.page_views() == []
    assert errors == []


def test_accept_all_with_script_records_page_views_afterwards(page, live_server, rows):
    page.goto(live_server + "/privacy")
    page.get_by_role("button", name="Accept all").click()
    page.locator("#consent-banner").wait_for(state="detached")
    expect(page.get_by_text("You accepted analytics cookies.")).to_be_visible()
    assert rows.consent_records()[0].granted == ["necessary", "analytics"]
    page.goto(live_server + "/")
    assert [v.path for v in rows.page_views()] == ["/"]
    assert "analytics_id" in {c["name"] for c in page.context.cookies()}


def test_accept_all_works_without_javascript(browser, live_server, rows):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server + "/privacy")
        with page.expect_navigation():
            page.get_by_role("button", name="Accept all").click()
        assert page.url == live_server + "/privacy"
        assert page.locator("#consent-banner").count() == 0
        expect(page.get_by_text("Your choice is saved: analytics allowed.")).to_be_visible()
        assert rows.consent_records()[0].granted == ["necessary", "analytics"]
        assert [v.path for v in rows.page_views()] == ["/privacy"]
    finally:
        context.close()


OVERLAP = """(selector) => {
  const a = document.querySelector('#consent-banner').getBoundingClientRect();
  const b = document.querySelector(selector).getBoundingClientRect();
  return !(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top);
}"""
HIT = """(selector) => {
  const el = document.querySelector(selector);
  const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return el === hit || el.contains(hit);
}"""


@pytest.mark.parametrize("path", ["/", "/privacy"])
def test_banner_covers_neither_heading_nor_cookie_settings_on_a_small_screen(
    browser, live_server, path
):
    context = browser.new_context(viewport={"width": 360, "height": 640})
    try:
        page = context.new_page()
        page.goto(live_server + path)
        expect(page.locator("#consent-banner")).to_be_visible()
        assert not page.evaluate(OVERLAP, "main h1")
        assert page.evaluate(HIT, "main h1")
        settings = 'footer a[href="/cookies"]'
        page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
        assert not page.evaluate(OVERLAP, settings)
        assert page.evaluate(HIT, settings)
        page.locator(settings).click()
        page.wait_for_url(live_server + "/cookies")
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/privacy", "/cookies"])
def test_no_serious_accessibility_violations(page, live_server, axe_source, path):
    page.goto(live_server + path)
    # /cookies holds the same choice in its own form, so it shows no banner.
    assert page.locator("#consent-banner").is_visible() == (path != "/cookies")
    assert axe_violations(page, axe_source) == []


@pytest.mark.parametrize("path", ["/admin/consents", "/admin/analytics"])
def test_admin_charts_are_accessible(app, client, auth, page, live_server, axe_source, path):
    from datetime import timedelta

    from website.consent.models import ConsentRecord, PageView
    from website.extensions import db, utcnow

    with app.app_context():
        for day in range(0, 90, 3):
            when = utcnow() - timedelta(days=day)
            db.session.add(ConsentRecord(consent_id=f"consent-{day:02d}-padding-id",
                                         granted=["necessary"], refused=["analytics"],
                                         source="banner", created_at=when))
            db.session.add(PageView(path=f"/page-{day % 7}", visitor_id="v" * 20,
                                    created_at=when))
        db.session.commit()
    auth.login(admin=True)
    session_cookie = client.get_cookie("session")
    page.context.add_cookies([{"name": "session", "value": session_cookie.value,
                               "url": live_server}])
    page.goto(live_server + path)
    expect(page.locator("main svg[role=img]").first).to_be_visible()
    assert axe_violations(page, axe_source) == []
