"""Who may do what: every route of the URL map x {anonymous, user, other user, admin}."""

from __future__ import annotations

import re

import pytest
from werkzeug.test import TestResponse

from tests.security.routes import BY_KEY, ROUTES, Route, url_map_keys
from tests.security.world import PRIVATE_MARKERS, ROLES, USER_EMAIL, World


def gist(body: str) -> str:
    """The page's title, or the start of the body."""
    title = re.search(r"<title>(.*?)</title>", body, re.S)
    return title.group(1).strip() if title else body[:120]


@pytest.fixture
def world(module_world: World) -> World:
    """One world for the whole module: building it per row would triple the run time."""
    return module_world


def call(world: World, route: Route, role: str, form: dict | None = None) -> TestResponse:
    """Make the route's request as the role, on a fresh client."""
    client = world.client(role)
    url = route.url(world.app, world)
    if route.method == "GET":
        return client.get(url)
    return client.post(url, data=route.form(world, role) if form is None else form)


def test_every_route_in_the_url_map_has_a_row(world: World) -> None:
    """A new route fails here until someone decides who may use it."""
    served = url_map_keys(world.app)
    missing = sorted(served - BY_KEY.keys())
    assert not missing, (
        "Routes with no row in tests/security/routes.py (add who may use them): "
        + ", ".join(f"{method} {endpoint}" for endpoint, method in missing)
    )
    stale = sorted(BY_KEY.keys() - served)
    assert not stale, f"Rows for routes the app no longer serves: {stale}"


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_who_gets_what(world: World, route: Route) -> None:
    """Each role gets the expected status; nobody but "user" (and admins) sees their data."""
    wrong = []
    for role in ROLES:
        response = call(world, route, role)
        expected = route.expected(role)
        body = response.get_data(as_text=True)
        if response.status_code != expected:
            wrong.append(f"{role}: {response.status_code}, expected {expected} ({gist(body)})")
            continue
        if expected == 302 and role == "anonymous":
            location = response.headers["Location"]
            if not location.startswith("/login"):
                wrong.append(f"anonymous sent to {location}, not to /login")
        if role in ("anonymous", "other"):
            leaked = [marker for marker in PRIVATE_MARKERS if marker in body]
            if leaked:
                wrong.append(f"{role} sees another person's data: {leaked}")
    assert not wrong, f"{route}:\n" + "\n".join(wrong)


def test_owner_only_pages_show_the_owner_their_data(world: World) -> None:
    """The 200s of the owner-only rows are the real thing, not an empty page."""
    client = world.client("user")
    assert "SECRET-Q7" in client.get(f"/support/requests/{world.support_reference}").text
    assert world.rights_reference in client.get(f"/rights/status/{world.rights_reference}").text
    account = client.get("/account").text
    assert "Marker-Q7" in account and USER_EMAIL in account
    other = world.client("other").get("/account").text
    assert "Marker-Q7" not in other and USER_EMAIL not in other


def test_get_logout_never_logs_out(world: World) -> None:
    """A link or an image pointing at /logout cannot end a session."""
    client = world.client("user")
    response = client.get("/logout")
    assert response.status_code == 405
    assert client.get("/account").status_code == 200
    assert client.post("/logout").status_code == 303
    assert client.get("/account").status_code == 302


POSTS = [route for route in ROUTES if route.method == "POST"]
TOKEN_POSTS = [route for route in POSTS if route.token]
PUBLIC_POSTS = [route for route in POSTS if not route.token]


@pytest.mark.parametrize("route", TOKEN_POSTS, ids=str)
def test_post_without_csrf_token_is_refused(
    world: World, route: Route, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forms behind a login: with CSRF protection on, the same valid form without its token
    gets 400, for anyone (the forms a visitor without cookies sees carry none: next test)."""
    monkeypatch.setitem(world.app.config, "WTF_CSRF_ENABLED", True)
    for role in ("anonymous", "user", "admin"):
        response = call(world, route, role)
        assert response.status_code == 400, (role, response.status_code)
        forged = call(world, route, role, form={**route.form(world, role), "csrf_token": "x"})
        assert forged.status_code == 400, (role, forged.status_code)


@pytest.mark.parametrize("route", PUBLIC_POSTS, ids=str)
def test_public_forms_work_without_any_token(
    world: World, route: Route, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The forms a visitor without cookies sees carry no token: with Flask-WTF's check on, a
    same-origin POST without one gets what it gets without the check, for every role."""
    monkeypatch.setitem(world.app.config, "WTF_CSRF_ENABLED", True)
    for role in ROLES:
        client = world.client(role)
        url = route.url(world.app, world)
        response = client.post(url, data=route.form(world, role),
                               headers={"Sec-Fetch-Site": "same-origin"})
        assert response.status_code == route.expected(role), (role, response.status_code)


def test_without_csrf_token_nothing_happens(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forged delete or logout changes nothing: the account and the session survive."""
    from tests.fixtures.users import PASSWORD

    monkeypatch.setitem(world.app.config, "WTF_CSRF_ENABLED", True)
    client = world.client("user")
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 400
    assert client.post("/logout").status_code == 400
    page = client.get("/account")
    assert page.status_code == 200 and USER_EMAIL in page.text
