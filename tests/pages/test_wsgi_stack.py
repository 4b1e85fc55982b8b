"""The WSGI stack: built in one place, in the order a request meets its layers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from tests.fixtures.app import make_app
from website.extensions import db

ORDER = ["proxy headers", "language prefix", "static files", "stored public pages"]


def inner(layer: Any) -> Callable:
    """The application a middleware layer hands requests to."""
    for name in ("wsgi_app", "application", "app"):
        found = getattr(layer, name, None)
        if callable(found):
            return found
    raise AssertionError(f"{layer!r} wraps nothing")


def test_the_layers_in_the_order_a_request_meets_them(migrated: str) -> None:
    app = make_app(migrated, TRUSTED_PROXIES=1)
    stack = app.extensions["wsgi_stack"]
    assert [name for name, _ in stack] == ORDER
    layer = app.wsgi_app
    for name, recorded in stack:
        assert layer is recorded, name
        layer = inner(layer)
    assert layer == Flask.wsgi_app.__get__(app)  # then Flask itself
    with app.app_context():
        db.engine.dispose()


def test_without_trusted_proxies_no_proxy_layer(app: Flask) -> None:
    assert [name for name, _ in app.extensions["wsgi_stack"]] == ORDER[1:]


def test_the_proxy_headers_reach_the_stored_pages(app: Flask, migrated: str) -> None:
    """The proxy layer comes first: an HTTPS page (with HSTS) is stored apart from the plain
    one, and the language prefix is part of a stored page's address (version 1 is there:
    the `app` fixture)."""
    behind_proxy = make_app(migrated, TRUSTED_PROXIES=1)
    client = behind_proxy.test_client()
    secure = client.get("/privacy", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in secure.headers
    plain = client.get("/privacy")
    assert "Strict-Transport-Security" not in plain.headers
    again = client.get("/privacy", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in again.headers
    assert '<html lang="de">' in client.get("/de/privacy").text
    assert '<html lang="en">' in client.get("/privacy").text
    with behind_proxy.app_context():
        db.engine.dispose()
