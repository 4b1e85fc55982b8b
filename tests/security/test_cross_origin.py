"""The token-less cross-origin check (website/security.py): every branch, then every form of
the site posted from another site by every kind of visitor, with the check on as in production."""

from __future__ import annotations

import html

import pytest
from flask import Flask
from sqlalchemy import select

from tests.security.routes import ROUTES, Route
from tests.security.world import World
from website.extensions import db
from website.security import is_cross_origin, origin_of, trusted_origins

TRUSTED = frozenset({"https://privacy.example.com", "https://partner.example.org"})
POSTS = [route for route in ROUTES if route.method == "POST"]


@pytest.mark.parametrize(("fetch_site", "origin", "refused"), [
    ("same-origin", None, False),
    ("none", None, False),  # typed in the address bar, a bookmark
    ("same-site", None, True),  # a sibling subdomain is another origin
    ("cross-site", None, True),
    ("cross-site", "https://privacy.example.com", True),  # Sec-Fetch-Site wins over Origin
    ("SAME-ORIGIN", None, False),
    ("nonsense", None, True),
    (None, "https://privacy.example.com", False),
    (None, "https://partner.example.org", False),  # TRUSTED_ORIGINS
    (None, "https://evil.example.net", True),
    (None, "http://privacy.example.com", True),  # another scheme is another origin
    (None, "https://privacy.example.com:8443", True),
    (None, "null", True),  # a sandboxed frame or a redirect chain
    (None, None, False),  # no browser: no visitor's cookies ride on it
])
def test_every_branch(fetch_site: str | None, origin: str | None, refused: bool) -> None:
    assert is_cross_origin("POST", fetch_site, origin, TRUSTED) is refused


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_every_unsafe_method_is_checked(method: str) -> None:
    assert is_cross_origin(method, "cross-site", None, TRUSTED)


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_safe_methods_are_not(method: str) -> None:
    assert not is_cross_origin(method, "cross-site", "https://evil.example.net", TRUSTED)


def test_trusted_origins_come_from_site_url_and_the_list(app: Flask) -> None:
    app.config.update(SITE_URL="https://Privacy.Example.com/base",
                      TRUSTED_ORIGINS=["https://partner.example.org/", "not a url"])
    assert trusted_origins(app) == TRUSTED
    assert origin_of("https://a.example:444/x?y") == "https://a.example:444"


def snapshot(app: Flask) -> dict[str, list[tuple]]:
    """Every row of every table: a refused request must leave all of them as they were."""
    with app.app_context():
        rows = {
            table.name: sorted(map(tuple, db.session.execute(select(table)).all()), key=repr)
            for table in db.metadata.sorted_tables
        }
        db.session.remove()
        return rows


@pytest.fixture
def world(module_world: World) -> World:
    """One shared world (its users, requests and tokens) for the whole module."""
    return module_world


HOSTILE = [
    {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example.net"},
    {"Sec-Fetch-Site": "same-site", "Origin": "https://blog.localhost"},
    {"Origin": "https://evil.example.net"},  # an older browser: no Sec-Fetch-Site
]


@pytest.mark.parametrize("route", POSTS, ids=str)
def test_every_form_refuses_other_sites(world: World, route: Route,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """403 in the site's look, no row added or changed, for every role; no cookie for a
    visitor who had none."""
    monkeypatch.setitem(world.app.config, "WTF_CSRF_ENABLED", True)
    for role in ("anonymous", "user", "admin"):
        for headers in HOSTILE:
            client = world.client(role)
            url = route.url(world.app, world)
            before = snapshot(world.app)
            response = client.post(url, data=route.form(world, role), headers=headers)
            assert response.status_code == 403, (role, headers, response.status_code)
            page = response.get_data(as_text=True)
            assert 'class="site-header"' in page and "sent from another site" in page
            if role == "anonymous":  # (a logged-in page's logout form may add its token)
                assert "Set-Cookie" not in response.headers, headers
            assert snapshot(world.app) == before, (role, headers)


@pytest.mark.parametrize("route", POSTS, ids=str)
def test_own_pages_and_non_browsers_pass(world: World, route: Route) -> None:
    """The same posts from the site itself, typed, or by a script are judged as before."""
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"},
                    {"Origin": "http://localhost"}, {}):
        response = world.client("admin").post(route.url(world.app, world),
                                               data=route.form(world, "admin"), headers=headers)
        assert response.status_code == route.expected("admin"), (headers, response.status_code)


def test_trusted_origin_may_post(app: Flask) -> None:
    app.config["TRUSTED_ORIGINS"] = ["https://partner.example.org"]
    client = app.test_client()
    response = client.post("/cookies/consent", data={"choice": "reject_all"},
                           headers={"Origin": "https://partner.example.org"})
    assert response.status_code == 303
    refused = client.post("/cookies/consent", data={"choice": "reject_all"},
                          headers={"Origin": "https://other.example.org"})
    assert refused.status_code == 403


def test_refusal_answers_json_to_the_banner_script(app: Flask) -> None:
    response = app.test_client().post(
        "/cookies/consent", data={"choice": "accept_all"},
        headers={"Sec-Fetch-Site": "cross-site", "Accept": "application/json"},
    )
    assert response.status_code == 403 and response.json["error"] == "Not allowed"


def test_cross_origin_protection_off_lets_other_sites_post(app: Flask) -> None:
    """CROSS_ORIGIN_PROTECTION=false (README): the check is off, the form's own rules remain."""
    app.config["CROSS_ORIGIN_PROTECTION"] = False
    response = app.test_client().post("/cookies/consent", data={"choice": "reject_all"},
                                      headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 303


def test_the_refusal_page_says_why(app: Flask) -> None:
    response = app.test_client().post("/cookies/consent", data={"choice": "reject_all"},
                                      headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert ('<p class="lead">This form was sent from another site, so it was not accepted and '
            "nothing was changed. Open this site's own page and send it from there.</p>"
            ) in html.unescape(response.text)
