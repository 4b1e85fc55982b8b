"""`scripts/serve` with HOST and PORT and no SITE_URL: the emailed links and the hreflang
alternates point where the site listens (they used to point at 127.0.0.1:5000), and never where
a request's Host header says."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask

from tests.fixtures.app import make_app
from tests.fixtures.mail import SmtpServer, body_text
from tests.fixtures.services import free_port
from website.config import Config
from website.extensions import db

EVERY_INTERFACE = "0.0.0.0"  # noqa: S104 - what HOST may say; nothing binds it here


def site_url(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    """SITE_URL as the app reads it with `scripts/serve`'s environment."""
    for name in ("SITE_URL", "HOST", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Config().SITE_URL


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "http://127.0.0.1:5000"),
    ({"PORT": "5401"}, "http://127.0.0.1:5401"),
    ({"HOST": "192.0.2.7", "PORT": "5401"}, "http://192.0.2.7:5401"),
    ({"HOST": EVERY_INTERFACE, "PORT": "8080"}, "http://127.0.0.1:8080"),
    ({"HOST": "::1", "PORT": "5401"}, "http://[::1]:5401"),
    ({"HOST": EVERY_INTERFACE, "PORT": "5401", "SITE_URL": "https://privacy.example.com/"},
     "https://privacy.example.com"),  # a SITE_URL that is set wins
])
def test_site_url_follows_host_and_port_unless_set(monkeypatch, env, expected):
    assert site_url(monkeypatch, **env) == expected


@pytest.fixture
def served_on_5401(migrated: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The app as `PORT=5401 scripts/serve` configures it (a second name, localhost, trusted)."""
    from tests.fixtures.database import empty_all_tables
    from website.policy.service import ensure_first_version

    app = make_app(migrated, SITE_URL=site_url(monkeypatch, PORT="5401"),
                   TRUSTED_HOSTS=["localhost"])
    with app.app_context():
        empty_all_tables()
        ensure_first_version()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:5401", "http://localhost:9999"])
def test_hreflang_alternates_point_where_the_site_listens(served_on_5401, base_url):
    page = served_on_5401.test_client().get("/privacy", base_url=base_url).text
    assert '<link rel="alternate" hreflang="de" href="http://127.0.0.1:5401/de/privacy">' in page
    assert "127.0.0.1:5000" not in page and "localhost:9999" not in page


def test_a_mailed_link_points_where_the_site_listens_whatever_the_host_header(served_on_5401):
    app = served_on_5401
    smtp = SmtpServer(port=free_port())
    smtp.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        client = app.test_client()
        response = client.post("/rights", base_url="http://localhost:9999", data={
            "request_type": "access", "name": "Ada", "email": "ada@example.com", "details": "",
        })
        assert response.status_code == 303
        assert app.test_cli_runner().invoke(args=["outbox", "send"]).exit_code == 0
        [message] = smtp.to("ada@example.com")
        links = re.findall(r"https?://[^\s<>\"]+", body_text(message))
        assert any(link.startswith("http://127.0.0.1:5401/rights/verify/") for link in links)
        assert not [link for link in links if "5000" in link or "localhost" in link]
    finally:
        smtp.stop()
