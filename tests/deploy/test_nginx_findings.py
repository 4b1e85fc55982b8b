"""The penetration test's findings 2-4 against deploy/nginx.conf as shipped (rendered and run
by tests/deploy/conftest.py's `front`): BREACH without Fetch metadata, the security headers
of /static/, and the port-80 redirect's host."""

from __future__ import annotations

import http.client
import re

import pytest

from tests.fixtures.static import FINGERPRINT
from tests.site_processes import Front
from website.security import security_headers


def test_finding_2_no_fetch_metadata_and_no_referer_gets_no_compression(front: Front) -> None:
    """An old browser with referrerpolicy=no-referrer sends neither header: the answer (it may
    be a personal page, with a token in it) is not compressed, so its size leaks nothing."""
    response, body = front.request("GET", "/privacy", {"Accept-Encoding": "br, gzip",
                                                       "Cookie": "session=x"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") is None
    assert "Version 1" in body.decode()


def test_finding_3_static_files_carry_the_sites_security_headers(front: Front) -> None:
    """/static/ answers carry every header the app sends (its own add_header lines would
    otherwise drop the inherited ones), with the same values."""
    _, page = front.request("GET", "/")
    stylesheet = re.search(rf'href="(/static/css/site{FINGERPRINT}\.css)"', page.decode())
    assert stylesheet
    response, _ = front.request("GET", stylesheet.group(1))
    assert response.status == 200
    for name, value in security_headers().items():
        assert response.getheader(name) == value, name
    assert "frame-ancestors 'none'" in response.getheader("Content-Security-Policy")


def plain_http(front: Front, host: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", front.http, timeout=10)
    conn.request("GET", "/privacy?x=1", headers={"Host": host})
    try:
        return conn.getresponse()
    finally:
        conn.close()


def test_finding_4_port_80_redirects_only_to_the_configured_name(front: Front) -> None:
    """The redirect names the site's own host, whatever Host was sent; an unknown Host gets
    no answer at all (444: nginx closes the connection)."""
    response = plain_http(front, "privacy.example.com")
    assert response.status == 301
    assert response.getheader("Location") == "https://privacy.example.com/privacy?x=1"
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        plain_http(front, "evil.example")
