"""The request Chromium sends on a banner click, captured and compared with the benchmark's
fixture (bench/fixtures/consent_click.json), so the bench replays what a browser sends.

When Chromium or consent.js changes the request on purpose, rewrite the fixture with
`UPDATE_CONSENT_CLICK=1 pytest tests/consent/test_click_capture.py` and read the diff."""

from __future__ import annotations

import json
import os

import pytest

from tests.fixtures import ROOT
from tests.fixtures.browser import CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIXTURE = ROOT / "bench" / "fixtures" / "consent_click.json"
# Sent by every browser but named after its version: present, compared by name only.
VERSIONED = {"user-agent", "sec-ch-ua"}
# Per connection or per server: the replay's client sets them itself.
PER_SERVER = {"host", "content-length", "connection"}


def capture_click(page, live_server: str) -> dict:
    """Open the home page as a first visitor, click "Accept all", and return the request."""
    page.goto(live_server + "/")
    with page.expect_request(lambda r: r.method == "POST"
                             and r.url.endswith("/cookies/consent")) as sent:
        page.get_by_role("button", name="Accept all").click()
    request = sent.value
    page.locator("#consent-banner").wait_for(state="detached")
    headers = {name: value.replace(live_server, "{origin}")
               for name, value in request.all_headers().items() if name not in PER_SERVER}
    return {"method": request.method, "path": request.url[len(live_server):],
            "headers": dict(sorted(headers.items())), "body": request.post_data}


def test_the_bench_replays_the_click_chromium_sends(page, live_server, rows):
    captured = capture_click(page, live_server)
    if os.environ.get("UPDATE_CONSENT_CLICK") == "1":
        captured["browser"] = f"{CHROMIUM} {page.context.browser.version}"
        FIXTURE.write_text(json.dumps(captured, indent=2) + "\n")
    fixture = json.loads(FIXTURE.read_text())
    assert (captured["method"], captured["path"]) == ("POST", "/cookies/consent")
    assert captured["headers"]["content-type"].startswith("application/x-www-form-urlencoded")
    assert "x-csrftoken" not in captured["headers"] and "cookie" not in captured["headers"]
    assert captured["headers"]["accept"] == "application/json"
    assert captured["body"] == fixture["body"]
    assert captured["headers"].keys() == fixture["headers"].keys()
    assert {n: v for n, v in captured["headers"].items() if n not in VERSIONED} == {
        n: v for n, v in fixture["headers"].items() if n not in VERSIONED}
    [record] = rows.consent_records()
    assert record.granted == ["necessary", "analytics"] and record.source == "banner"
