"""The consent POST (the banner's click and the cookie page's form): every header value, the
JSON and the stored row; and the same answer for a multipart body as for the urlencoded one
(the banner's script once sent FormData; a no-JavaScript form sends urlencoded)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from tests.consent.conftest import Db, set_cookie_header
from website.consent import registry
from website.consent.models import ConsentRecord
from website.consent.service import decode_choice
from website.extensions import utcnow
from website.security import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY

# What Chromium sends on a banner click (bench/fixtures/consent_click.json, captured by
# tests/consent/test_click_capture.py), less the browser's version-dependent headers.
CLICK_BODY = b"origin=banner&next=%2F&choice=accept_all"
URLENCODED = "application/x-www-form-urlencoded;charset=UTF-8"
SCRIPT = {"Accept": "application/json", "Sec-Fetch-Site": "same-origin",
          "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty", "Origin": "http://localhost",
          "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                        "Chrome/131.0.0.0 Safari/537.36"}
SECURITY = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
CONSENT_MAX_AGE = 182 * 24 * 3600  # CONSENT_MAX_AGE_DAYS' default (the cookie's lifetime)


def click(app: Flask, body: bytes = CLICK_BODY, content_type: str = URLENCODED,
          **headers: str):
    """One banner click as Chromium sends it, from a browser without cookies."""
    return app.test_client(use_cookies=False).post(
        "/cookies/consent", data=body, content_type=content_type, headers={**SCRIPT, **headers})


def test_a_first_visitors_click_answers_every_header_value_and_stores_every_column(fresh_app):
    app = fresh_app(RATELIMIT_ENABLED=True)
    before = utcnow().replace(microsecond=0)
    response = click(app)
    assert response.status_code == 200
    consent_id = response.get_json()["consent_id"]
    assert response.get_json() == {"consent_id": consent_id,
                                   "categories": {"necessary": True, "analytics": True}}
    cookie = response.headers.getlist("Set-Cookie")
    assert len(cookie) == 1 and cookie[0].startswith("consent=")
    value, _, attributes = cookie[0][len("consent="):].partition("; ")
    expires, max_age, rest = attributes.split("; ", 2)
    assert max_age == f"Max-Age={CONSENT_MAX_AGE}" and expires.startswith("Expires=")
    assert rest == "HttpOnly; Path=/; SameSite=Lax"
    headers = {name: value for name, value in response.headers if name != "Set-Cookie"}
    reset, retry_after = int(headers.pop("X-RateLimit-Reset")), int(headers.pop("Retry-After"))
    assert reset - 61 <= int(before.timestamp()) <= reset
    assert 58 <= retry_after <= 61  # the seconds to `reset`, counted a moment later
    assert headers == {
        "Content-Type": "application/json",
        "Content-Length": str(len(response.get_data())),
        "X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "29",
        "Cache-Control": "private, no-cache",
        **SECURITY,
        "Vary": "Cookie",
    }
    [record] = Db(app).consent_records()
    with app.test_request_context():
        stored = decode_choice(value)
        assert stored is not None
        assert record.registry_fingerprint == stored.registry_fingerprint == registry.fingerprint()
    assert (stored.consent_id, stored.granted, stored.policy_version, stored.origin) == (
        consent_id, frozenset({"analytics"}), 1, "banner")
    assert before <= stored.decided_at == record.created_at <= before + timedelta(seconds=5)
    assert record.consent_id == consent_id
    assert (record.granted, record.refused, record.source, record.policy_version) == (
        ["necessary", "analytics"], [], "banner", 1)
    assert (record.user_id, record.browser_family, record.locale) == (None, "Chrome", "en")
    assert len(record.banner_fingerprint) == 64


@pytest.mark.parametrize("prefix", ["/de", "/fr"])
def test_the_banner_language_is_stored_and_fingerprinted(app, rows, prefix):
    english = click(app)
    translated = app.test_client(use_cookies=False).post(
        f"{prefix}/cookies/consent", data=CLICK_BODY, content_type=URLENCODED, headers=SCRIPT)
    assert english.status_code == translated.status_code == 200
    first, second = rows.consent_records()
    assert (first.locale, second.locale) == ("en", prefix.strip("/"))
    assert first.banner_fingerprint != second.banner_fingerprint


def test_settings_choice_and_durable_off_are_stored_too(fresh_app):
    app = fresh_app(DURABLE_CONSENT_PROOF=False)
    response = click(app, b"choice=save&analytics=on")
    assert response.get_json()["categories"]["analytics"] is True
    [record] = Db(app).consent_records()
    assert record.source == "settings" and record.granted == ["necessary", "analytics"]


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "cross-site"},
                                     {"Sec-Fetch-Site": "same-site"},
                                     {"Sec-Fetch-Site": "", "Origin": "https://attacker.example"}])
def test_cross_origin_decisions_are_refused(app, rows, headers):
    response = click(app, **headers)
    assert response.status_code == 403
    assert rows.consent_records() == []
    assert not set_cookie_header(response, "consent")


def test_gpc_rules_hold(app, rows):
    refused = click(app, **{"Sec-GPC": "1"})
    assert refused.status_code == 409 and "Global Privacy Control" in refused.get_json()["error"]
    assert rows.consent_records() == []
    kept = click(app, b"choice=reject_all", **{"Sec-GPC": "1"})
    assert kept.status_code == 200 and kept.get_json()["categories"]["analytics"] is False
    assert [r.granted for r in rows.consent_records()] == [["necessary"]]
    excepted = click(app, b"choice=save&analytics=on&gpc_exception=on", **{"Sec-GPC": "1"})
    assert excepted.status_code == 200
    assert rows.consent_records()[-1].source == "gpc_exception"


@pytest.mark.parametrize("body", [b"choice=maybe", b"", b"choice=", b"origin=banner",
                                  b"choice=accept_all&next=%E9", b"choice=accept_\xe9ll"])
def test_a_bad_form_gets_400_and_stores_nothing(app, rows, body):
    response = click(app, body)
    assert response.status_code == 400 and "message" in response.get_json()
    assert rows.consent_records() == []


def test_the_rate_limit_counts_every_decision(fresh_app):
    app = fresh_app(RATELIMIT_ENABLED=True)
    answers = [click(app, b"choice=reject_all") for _ in range(31)]
    assert [a.status_code for a in answers] == [200] * 30 + [429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers[:3]] == ["29", "28", "27"]
    assert Db(app).count(ConsentRecord) == 30
