"""deploy/nginx.conf as shipped (ports and paths substituted) in front of gunicorn, over TLS with
a throwaway self-signed certificate: the micro-cache, its bypass, a POST, compression, static files.
"""

from __future__ import annotations

import http.client
import re

import brotli
from sqlalchemy import create_engine, text

from tests.fixtures import ROOT
from tests.fixtures.static import FINGERPRINT
from tests.site_processes import Front


def test_anonymous_page_is_served_from_the_micro_cache(front: Front) -> None:
    first, body = front.request("GET", "/privacy")
    assert first.status == 200 and "Version 1" in body.decode()
    assert first.getheader("Cache-Control").startswith("public")
    # X-Forwarded-Proto reached the app (TRUSTED_PROXIES=1): it knows it is served over HTTPS.
    assert first.getheader("Strict-Transport-Security")
    second, again = front.request("GET", "/privacy")
    assert second.getheader("X-Cache") == "HIT" and again == body
    assert second.getheader("ETag") == first.getheader("ETag")


def test_a_cookie_bypasses_the_cache(front: Front) -> None:
    front.request("GET", "/privacy")
    response, body = front.request("GET", "/privacy", {"Cookie": "returning=1"})
    assert response.getheader("X-Cache") == "BYPASS"
    assert response.getheader("Cache-Control") == "private, no-cache"
    assert 'id="consent-banner"' in body.decode()


def test_a_post_passes_through_and_is_stored(deployed: tuple[Front, str]) -> None:
    front, database_url = deployed
    form = {"Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"https://127.0.0.1:{front.https}"}
    response, _ = front.request("POST", "/cookies/consent", form, "choice=reject_all")
    assert response.status == 303 and response.getheader("X-Cache") in (None, "", "BYPASS")
    cookie = response.getheader("Set-Cookie")
    assert cookie.startswith("consent=") and "Secure" in cookie
    refused, page = front.request("POST", "/cookies/consent",
                                  {**form, "Sec-Fetch-Site": "cross-site"}, "choice=accept_all")
    assert refused.status == 403 and "sent from another site" in page.decode()
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT granted, refused FROM consent_records")).all()
    engine.dispose()
    assert len(rows) == 1


def test_pages_are_compressed(front: Front) -> None:
    # As a browser asks (Fetch metadata): without it the answer is not compressed (BREACH).
    browser = {"Sec-Fetch-Site": "same-origin"}
    plain, body = front.request("GET", "/privacy")
    gzipped, _ = front.request("GET", "/privacy", {"Accept-Encoding": "gzip", **browser})
    assert gzipped.getheader("Content-Encoding") == "gzip"
    squeezed, data = front.request("GET", "/privacy", {"Accept-Encoding": "br", **browser})
    assert squeezed.getheader("Content-Encoding") == "br"
    assert brotli.decompress(data) == body


def test_cross_site_requests_get_uncompressed_answers(front: Front) -> None:
    # BREACH: another site must not be able to measure compressed sizes of the visitor's pages.
    site = f"https://127.0.0.1:{front.https}/"
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                    {"Referer": "https://attacker.example/page"}):
        response, body = front.request("GET", "/privacy", {"Accept-Encoding": "br, gzip",
                                                           **headers})
        assert response.status == 200 and response.getheader("Content-Encoding") is None
        assert "Version 1" in body.decode()
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"},
                    {"Referer": site + "cookies"}, {"Referer": "https://127.0.0.1/"}):
        response, _ = front.request("GET", "/privacy", {"Accept-Encoding": "br", **headers})
        assert response.getheader("Content-Encoding") == "br", headers


def test_static_files_from_disk_immutable_and_precompressed(front: Front) -> None:
    _, page = front.request("GET", "/")
    stylesheet = re.search(rf'href="(/static/css/site{FINGERPRINT}\.css)"', page.decode())
    assert stylesheet, page.decode()[:1500]
    response, raw = front.request("GET", stylesheet.group(1), {"Accept-Encoding": "br"})
    assert response.status == 200
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Content-Encoding") == "br"
    source = (ROOT / "static" / "css" / "site.css").read_bytes()
    assert brotli.decompress(raw) == source
    plain, _ = front.request("GET", "/static/css/site.css")
    assert plain.getheader("Cache-Control") == "public, max-age=0, must-revalidate"


def test_plain_http_is_redirected_to_https(front: Front) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", front.http, timeout=60)
    conn.request("GET", "/privacy?x=1", headers={"Host": "privacy.example.com"})
    response = conn.getresponse()
    conn.close()
    assert response.status == 301
    assert response.getheader("Location") == "https://privacy.example.com/privacy?x=1"
