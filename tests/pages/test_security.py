"""The Content-Security-Policy refuses what the site does not use; cookies carry safe flags."""

from __future__ import annotations

from flask import Flask, make_response

from tests.conftest import make_app


def test_csp_refuses_everything_not_listed(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'none'"
    for kind in ("script-src", "style-src", "img-src", "font-src", "connect-src", "form-action"):
        assert directives[kind] == "'self'" or directives[kind].startswith("'self' ")
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"


def with_cookie_route(app: Flask) -> Flask:
    """Add a page that sets one cookie the way a feature might: with no flags, and one Strict."""

    @app.get("/set-cookies")
    def set_cookies():
        response = make_response("ok")
        response.set_cookie("plain", "1")
        response.set_cookie("strict", "1", samesite="Strict", httponly=True)
        return response

    return app


def set_cookies(app: Flask, base_url: str) -> dict[str, str]:
    """The Set-Cookie headers of /set-cookies, by cookie name."""
    response = app.test_client().get("/set-cookies", base_url=base_url)
    headers = response.headers.getlist("Set-Cookie")
    return {header.split("=", 1)[0]: header for header in headers}


def test_cookies_are_secure_and_same_site_in_production(migrated):
    app = with_cookie_route(make_app(migrated, SESSION_COOKIE_SECURE=True))
    cookies = set_cookies(app, "https://localhost")
    assert "; Secure" in cookies["plain"] and "SameSite=Lax" in cookies["plain"]
    assert "SameSite=Strict" in cookies["strict"] and "Lax" not in cookies["strict"]
    assert "; Secure" in cookies["strict"] and "HttpOnly" in cookies["strict"]


def test_cookies_work_over_plain_http_in_development(migrated):
    app = with_cookie_route(make_app(migrated, SESSION_COOKIE_SECURE=False))
    cookies = set_cookies(app, "http://localhost")
    assert "Secure" not in cookies["plain"] and "SameSite=Lax" in cookies["plain"]
