"""The security headers, the refused bodies, the Content-Security-Policy and the cookie flags."""

from __future__ import annotations

import io

import pytest
from flask import Flask

from tests.fixtures.app import make_app


def test_csp_refuses_everything_not_listed(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'none'"
    for kind in ("script-src", "style-src", "img-src", "font-src", "connect-src", "form-action"):
        assert directives[kind] == "'self'" or directives[kind].startswith("'self' ")
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"


def set_cookie_headers(app: Flask) -> list[str]:
    """Every Set-Cookie sent while a visitor gives consent and reads a page, over HTTPS."""
    client = app.test_client()
    headers: list[str] = []
    for response in (
        client.get("/cookies", base_url="https://localhost"),
        client.post("/cookies/consent", data={"choice": "accept_all"},
                    base_url="https://localhost"),
        client.get("/privacy", base_url="https://localhost"),
    ):
        headers += response.headers.getlist("Set-Cookie")
    return headers


@pytest.mark.usefixtures("app")  # policy version 1 stored, whatever ran before
def test_every_cookie_is_secure_httponly_and_same_site_in_production(migrated):
    headers = set_cookie_headers(make_app(migrated, SESSION_COOKIE_SECURE=True))
    names = {header.split("=", 1)[0] for header in headers}
    assert {"session", "consent", "analytics_id"} <= names
    for header in headers:
        assert "; Secure" in header and "; HttpOnly" in header, header
        assert "SameSite=Lax" in header, header


def test_cookies_work_over_plain_http_in_development(migrated):
    headers = set_cookie_headers(make_app(migrated, SESSION_COOKIE_SECURE=False))
    assert headers
    for header in headers:
        assert "Secure" not in header and "SameSite=Lax" in header, header


def test_a_security_header_a_view_sets_itself_is_kept_not_doubled(migrated):
    app = make_app(migrated)

    @app.get("/own-headers")
    def own_headers():
        return "", 200, {"Referrer-Policy": "no-referrer",
                         "strict-transport-security": "max-age=60"}

    response = app.test_client().get("/own-headers", base_url="https://localhost")
    assert response.headers.getlist("Referrer-Policy") == ["no-referrer"]
    assert response.headers.getlist("Strict-Transport-Security") == ["max-age=60"]
    assert response.headers["X-Frame-Options"] == "DENY"  # the others are still added


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_json_body_is_refused_on_every_unsafe_method(client, method):
    # Refused before routing: even where the method is not allowed, JSON is never read.
    response = client.open("/support", method=method, json={"message": ["x"]})
    assert response.status_code == 400
    assert '<p class="lead">This address takes web-form fields, not JSON.</p>' in response.text


def test_a_file_upload_to_a_text_form_is_refused_with_its_reason(client):
    form = {"name": "A", "email": "a@example.com", "message": (io.BytesIO(b"hello"), "m.txt")}
    response = client.post("/support", data=form, content_type="multipart/form-data")
    assert response.status_code == 400
    assert '<p class="lead">This address takes text fields only: no file uploads.</p>' in (
        response.text)
