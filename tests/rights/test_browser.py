"""The rights form in a real browser: usable without JavaScript, no serious axe violations."""

from __future__ import annotations

import pytest

from tests.fixtures.browser import axe_violations

pytestmark = pytest.mark.browser


def test_rights_form_in_chromium(live_server, page, axe_source, smtp):
    page.goto(f"{live_server}/rights")
    assert axe_violations(page, axe_source) == []
    page.get_by_label("Deletion").check()
    page.get_by_label("Your name").fill("Grace Hopper")
    page.get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Send request").click()
    assert "Enter an email address with an @, like name@example.com." in page.content()
    assert page.get_by_label("Your name").input_value() == "Grace Hopper"
    assert axe_violations(page, axe_source) == []
    page.get_by_label("Your email address").fill("grace@example.com")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url("**/rights/requested")
    assert "Check your email" in page.content()
