"""Proof of what the visitor saw: fingerprints on each record, and their own consent receipt."""

from __future__ import annotations

import re

from tests.consent.conftest import has_banner
from website.consent import registry

GPC = {"Sec-GPC": "1"}
HEX64 = re.compile(r"^[0-9a-f]{64}$")


def current_registry_fingerprint(app) -> str:
    """The registry's fingerprint as the site computes it now."""
    with app.test_request_context():
        return registry.fingerprint()


def test_each_record_keeps_the_fingerprints_of_the_banner_and_registry_answered(app, client,
                                                                                rows):
    client.post("/cookies/consent", data={"choice": "accept_all", "origin": "banner"})
    client.get("/privacy", headers=GPC)  # the signal refuses: no wording was answered
    client.set_cookie("consent", rows.forge_choice(age_days=400, consent_id="x" * 20))
    assert "Please choose again" in client.get("/").get_data(as_text=True)
    client.post("/cookies/consent", data={"choice": "reject_all", "origin": "banner"})
    first, gpc, again = rows.consent_records()
    assert HEX64.match(first.banner_fingerprint)
    assert gpc.source == "gpc" and gpc.banner_fingerprint == ""
    # The "choose again" banner has other words than the first one, so another fingerprint.
    assert HEX64.match(again.banner_fingerprint)
    assert again.banner_fingerprint != first.banner_fingerprint
    covered = current_registry_fingerprint(app)
    assert first.registry_fingerprint == gpc.registry_fingerprint == covered


def test_no_receipt_without_a_recorded_consent(client, rows):
    assert client.get("/cookies/receipt").status_code == 404
    client.set_cookie("consent", rows.forge_choice())  # valid cookie, but nothing on record
    assert client.get("/cookies/receipt").status_code == 404
    assert "consent receipt" in client.get("/cookies").get_data(as_text=True)
    client.set_cookie("consent", "garbage")
    assert client.get("/cookies/receipt").status_code == 404


def test_visitor_downloads_their_own_receipt(app, client, rows):
    client.post("/cookies/consent", data={"choice": "accept_all", "origin": "banner"})
    client.post("/cookies/consent", data={"choice": "reject_all", "origin": "settings"})
    other = app.test_client()
    other.post("/cookies/consent", data={"choice": "accept_all"})
    page = client.get("/cookies").get_data(as_text=True)
    assert 'href="/cookies/receipt"' in page
    response = client.get("/cookies/receipt")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response.headers["Cache-Control"]
    receipt = response.get_json()
    consent_id = rows.consent_records()[0].consent_id
    assert receipt["record_id"] == receipt["pii_principal_id"] == consent_id
    assert receipt["schema"].startswith("ISO/IEC TS 27560")
    assert [e["source"] for e in receipt["events"]] == ["banner", "withdrawal"]
    assert [e["event_type"] for e in receipt["events"]] == ["given", "withdrawn"]
    notice = receipt["events"][0]["notice"]
    assert notice["registry_fingerprint"] == current_registry_fingerprint(app)
    assert HEX64.match(notice["banner_fingerprint"])
    purposes = {p["purpose_id"]: p for p in receipt["purposes"]}
    assert purposes["analytics"]["status"] == "not given"
    assert purposes["analytics"]["lawful_basis"].startswith("consent")
    assert purposes["necessary"]["status"] == "active"
    assert receipt["status"] == "active" and receipt["valid_until"]
    assert receipt["controller"]["privacy_notice"].endswith("/privacy")
    assert len(other.get("/cookies/receipt").get_json()["events"]) == 1


def test_receipt_says_expired_once_the_registry_changed(client, monkeypatch):
    client.post("/cookies/consent", data={"choice": "accept_all"})
    changed = registry.Cookie("ab_test", registry.ANALYTICS, "Which variant you saw.")
    monkeypatch.setattr(registry, "COOKIES", [*registry.COOKIES, changed])
    assert has_banner(client.get("/"))
    assert client.get("/cookies/receipt").get_json()["status"] == "expired"
