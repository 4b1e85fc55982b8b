"""Every URL built on a German or French page keeps its language prefix, except the paths that
have no language (admin pages, static files, the health check): in Python, in templates and in
Flask-Static-Digest's `static_url_for`, through one supported mechanism (a Flask subclass)."""

from __future__ import annotations

import re

import pytest
from flask import Flask, render_template_string, url_for
from flask.ctx import RequestContext

from website.i18n import ENVIRON_KEY, LocalisedFlask


def german_request(app: Flask) -> RequestContext:
    """A request as the language layer hands it to Flask: /de/privacy arrives as SCRIPT_NAME /de."""
    return app.test_request_context("/privacy", base_url="http://localhost/de/",
                                    environ_overrides={ENVIRON_KEY: "de"})


def test_the_app_builds_urls_through_its_own_class_not_a_patched_attribute(app):
    assert isinstance(app, LocalisedFlask)
    assert "url_for" not in vars(app)  # no instance attribute shadows the method
    assert app.jinja_env.globals["url_for"] == app.url_for


@pytest.mark.parametrize(("endpoint", "values", "expected"), [
    ("policy.current", {}, "/de/privacy"),
    ("policy.diff", {"from": 1, "to": 2}, "/de/privacy/diff?from=1&to=2"),
    ("admin.dashboard", {}, "/admin/"),
    ("pages.healthz", {}, "/healthz"),
    ("static", {"filename": "favicon.svg"}, "/static/favicon.svg"),
])
def test_url_for_on_a_german_page(app, endpoint, values, expected):
    with german_request(app):
        assert url_for(endpoint, **values) == expected
        assert render_template_string("{{ url_for(e, **v) }}", e=endpoint, v=values) == (
            expected.replace("&", "&amp;"))


def test_external_urls_keep_the_same_rule(app):
    with german_request(app):
        assert url_for("policy.current", _external=True) == "http://localhost/de/privacy"
        assert url_for("admin.dashboard", _external=True) == "http://localhost/admin/"
        assert url_for("policy.current", _anchor="your-rights") == "/de/privacy#your-rights"


def test_english_pages_and_work_outside_a_request_are_unchanged(app):
    with app.test_request_context("/privacy"):
        assert url_for("policy.current") == "/privacy"
        assert url_for("admin.dashboard") == "/admin/"
    app.config["SERVER_NAME"] = "localhost"
    with app.app_context():
        assert url_for("admin.dashboard") == "http://localhost/admin/"


@pytest.mark.parametrize("code", ["de", "fr"])
def test_a_served_page_links_its_files_and_pages(client, code):
    page = client.get(f"/{code}/privacy").text
    assert re.search(r'href="/static/css/site-[0-9a-f]{32}\.css"', page)  # fingerprinted
    assert f"/{code}/static" not in page
    assert f'href="/{code}/privacy/versions"' in page
    assert client.get(re.search(r'href="(/static/css/[^"]+)"', page).group(1)).status_code == 200
