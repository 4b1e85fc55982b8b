"""The German banner in Chromium: the script's answer (no reload) is recorded in German, and
the two buttons are alike; the form script's own messages are in the page's language."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.consent.conftest import Db

pytestmark = pytest.mark.browser


def test_the_german_banner_answers_without_reload_and_records_german(page, live_server,
                                                                     app: Flask) -> None:
    page.goto(live_server + "/de/privacy")
    banner = page.get_by_role("region", name="Cookie-Einwilligung")
    accept = page.get_by_role("button", name="Alle akzeptieren")
    reject = page.get_by_role("button", name="Alle ablehnen")
    first, second = accept.bounding_box(), reject.bounding_box()
    assert (first["width"], first["height"]) == (second["width"], second["height"])
    page.evaluate("() => { window.sameDocument = true; }")
    reject.click()
    # The region stays, holding the confirmation instead (issue 27): the form is gone.
    page.locator("#consent-banner").wait_for(state="detached")
    expect(banner.get_by_text("Sie haben Statistik-Cookies abgelehnt.")).to_be_visible()
    assert page.evaluate("() => window.sameDocument") is True
    [record] = Db(app).consent_records()
    assert record.locale == "de" and record.refused == ["analytics"]


def test_inline_checks_speak_french(page, live_server) -> None:
    page.goto(live_server + "/fr/rights")
    page.locator("input[name=email]").fill("grace.example.com")
    page.locator("form[novalidate] button[type=submit]").last.click()
    summary = page.locator(".error-summary")
    assert summary.locator("h2").inner_text() == "Il y a un problème"
    assert "Saisissez une adresse e-mail avec un @, comme name@example.com." in \
        summary.inner_text()
