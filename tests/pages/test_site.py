"""Home, health, robots, sitemap, well-known files, security headers and error pages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fixtures.app import make_app
from tests.fixtures.users import PASSWORD
from website.config import ProductionConfig


def test_home_links_to_every_area(client):
    page = client.get("/").get_data(as_text=True)
    for path in ("/privacy", "/cookies", "/support", "/rights"):
        assert f'href="{path}"' in page
    assert "Cookie settings" in page
    assert '<a class="skip-link" href="#main">' in page and '<main id="main"' in page


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_robots_and_sitemap(client):
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /account" in robots and "Sitemap: http://localhost/sitemap.xml" in robots
    # The admin area is not advertised; an anonymous crawler is sent to the login page there.
    assert "/admin" not in robots
    assert client.get("/admin/").status_code == 302
    sitemap = client.get("/sitemap.xml")
    assert sitemap.mimetype == "application/xml"
    body = sitemap.get_data(as_text=True)
    assert "<loc>http://localhost/privacy</loc>" in body
    assert "<loc>http://localhost/privacy/versions/1</loc>" in body


def test_well_known_files(client):
    assert client.get("/.well-known/gpc.json").json == {"gpc": True, "lastUpdate": "2026-11-27"}
    security = client.get("/.well-known/security.txt")
    assert security.mimetype == "text/plain"
    text = security.get_data(as_text=True)
    assert "Contact: mailto:" in text and "Expires: " in text and "compromised API key" in text
    assert "Preferred-Languages: en, de, fr\n" in text  # reports are read in each of them


@pytest.mark.parametrize("path", ["/", "/privacy", "/healthz", "/nowhere", "/static/css/site.css"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers


def test_hsts_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")


def test_no_inline_scripts_on_pages(client):
    for path in ("/", "/privacy", "/privacy/versions"):
        page = client.get(path).get_data(as_text=True)
        for chunk in page.split("<script")[1:]:
            assert chunk.lstrip().startswith("src=") or " src=" in chunk.split(">", 1)[0]


def test_not_found_page_in_the_site_look(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page and "Cookie settings" in page


def test_method_not_allowed(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "Method not allowed" in response.get_data(as_text=True)


def test_unexpected_error_is_a_plain_500_without_trace(migrated):
    app = make_app(migrated)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail: password=hunter2")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert "hunter2" not in page and "Traceback" not in page and "RuntimeError" not in page


def test_production_refuses_to_start_without_secret_key(monkeypatch, migrated):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = ProductionConfig()
    config.SQLALCHEMY_DATABASE_URI = migrated
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        from website import create_app

        create_app(config)


def test_development_key_is_generated_into_the_instance_folder(monkeypatch, tmp_path, migrated):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    first = make_app(migrated, SECRET_KEY=None)
    second = make_app(migrated, SECRET_KEY=None)
    key_file = Path(tmp_path) / "secret_key"
    assert key_file.exists() and oct(os.stat(key_file).st_mode)[-3:] == "600"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) == 64


def logged_in_cookies(client, base_url: str = "http://localhost") -> dict[str, str]:
    """Log Ada in (remember me ticked) and return each Set-Cookie header by cookie name."""
    response = client.post("/login", base_url=base_url, data={
        "email": "ada@example.com", "password": PASSWORD, "remember": "y"})
    assert response.status_code == 303
    headers = response.headers.getlist("Set-Cookie")
    return {header.split("=", 1)[0]: header for header in headers}


def test_login_cookies_are_httponly_and_samesite_lax(client, users):
    users.create()
    cookies = logged_in_cookies(client)
    for name in ("session", "remember_token"):
        assert "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name]
        assert "Secure" not in cookies[name]  # development over plain HTTP


def test_production_login_cookies_are_secure(monkeypatch, users, migrated):
    monkeypatch.setenv("SECRET_KEY", "production-test-key")
    monkeypatch.setenv("AUDIT_KEY", "production-audit-key")
    monkeypatch.setenv("WEBHOOK_SECRET_KEY", "production-webhook-key")
    monkeypatch.setenv("SITE_URL", "https://localhost")
    config = ProductionConfig()
    config.SQLALCHEMY_DATABASE_URI = migrated
    config.WTF_CSRF_ENABLED = False  # the cookies' flags are the subject here, not the token
    users.create()
    from website import create_app

    cookies = logged_in_cookies(create_app(config).test_client(), "https://localhost")
    for name in ("session", "remember_token"):
        assert "Secure" in cookies[name] and "HttpOnly" in cookies[name]


@pytest.mark.usefixtures("app")  # policy version 1 stored, whatever ran before
def test_force_https_redirects_plain_http_but_not_health_checks(migrated):
    client = make_app(migrated, FORCE_HTTPS=True).test_client()
    response = client.get("/privacy?x=1")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://localhost/privacy?x=1"
    assert client.get("/healthz").status_code == 200
    assert client.get("/privacy", base_url="https://localhost").status_code == 200


def test_force_https_redirects_to_the_sites_own_host_not_the_requests(migrated):
    # 127.0.0.1 is a host the site answers (TRUSTED_HOSTS), but SITE_URL names its address.
    client = make_app(migrated, FORCE_HTTPS=True, SITE_URL="https://privacy.example.com",
                      ).test_client()
    response = client.get("/privacy?x=1", base_url="http://127.0.0.1")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://privacy.example.com/privacy?x=1"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/account?tab=1", "/account?tab=1"),
        ("/", "/"),
        ("//evil.example/x", None),
        ("https://evil.example/", None),
        ("/\\evil.example", None),
        ("/ok\r\nSet-Cookie: x=1", None),
        ("javascript:alert(1)", None),
        ("", None),
        (None, None),
        ("/" + "a" * 3000, None),
    ],
)
def test_safe_local_path_allows_only_paths_on_this_site(target, expected):
    from website.security import safe_local_path

    assert safe_local_path(target) == expected


def test_dotenv_file_is_read_when_the_app_configures_itself(monkeypatch, tmp_path, migrated):
    import website

    (tmp_path / ".env").write_text(f"DATABASE_URL={migrated}\nSITE_URL=https://from-dotenv.test\n")
    monkeypatch.setattr(website, "ROOT", tmp_path)
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    app = website.create_app()
    assert app.config["SITE_URL"] == "https://from-dotenv.test"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == migrated
