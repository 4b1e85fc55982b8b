"""A publication is in the very next consent decision's proof, with nothing cleared by hand.

A real gunicorn worker records a click, `flask policy import` publishes version 2 in another
process, and the next click (at once, no sleep) is recorded under version 2: its row, its cookie
and the visitor's receipt say so, while the banner's wording fingerprint stays the one shown."""

from __future__ import annotations

import http.client
import json
from pathlib import Path

import pytest

from tests.site_processes import Site, policy_text, running_site, site_database

pytestmark = pytest.mark.slow

CLICK = "origin=banner&next=%2F&choice=accept_all"


def click(site: Site, cookie: str = "") -> tuple[dict, str]:
    """The banner's "Accept all" as consent.js sends it; the JSON answer and the new cookie."""
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
               "Accept": "application/json", "Sec-Fetch-Site": "same-origin"}
    if cookie:
        headers["Cookie"] = cookie
    try:
        conn.request("POST", "/cookies/consent", body=CLICK, headers=headers)
        response = conn.getresponse()
        body = json.loads(response.read())
        assert response.status == 200, body
        set_cookie = next(v for k, v in response.getheaders()
                          if k.lower() == "set-cookie" and v.startswith("consent="))
        return body, set_cookie.split(";", 1)[0]
    finally:
        conn.close()


def receipt(site: Site, cookie: str) -> dict:
    """The visitor's consent receipt."""
    answer = site.get("/cookies/receipt", {"Cookie": cookie})
    assert answer.status == 200, answer.body
    return json.loads(answer.body)


def test_a_publication_is_in_the_next_decisions_proof(tmp_path: Path) -> None:
    with site_database(tmp_path) as url, running_site(tmp_path, url, workers=1) as site:
        first, cookie = click(site)
        site.publish(policy_text("v2"), tmp_path, "--summary", "Second.")
        second, cookie = click(site, cookie)
        assert second["consent_id"] == first["consent_id"]
        events = receipt(site, cookie)["events"]
        assert [e["policy_version"] for e in events] == [1, 2]
        fingerprints = {e["notice"]["banner_fingerprint"] for e in events}
        assert len(fingerprints) == 1 and None not in fingerprints
