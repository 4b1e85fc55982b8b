"""No cookie before the visitor acts: every GET of the site, by a browser holding none."""

from __future__ import annotations

import pytest

from tests.pages.test_public_cache import SHARED
from tests.security.routes import ROUTES
from tests.security.world import World
from website.pagecache import PUBLIC_ENDPOINTS

# The emailed address-confirmation link moves its token into the session at once, so the token
# leaves the URL (issue 13: no token in logged URLs); the visitor acted by following their link.
STATE_CHANGING_GETS = {"accounts.confirm_email_link"}


@pytest.fixture
def world(module_world: World) -> World:
    """One shared world: its users, requests and tokens make every page reachable."""
    return module_world


def test_no_get_of_any_route_sets_a_cookie(world: World) -> None:
    """Every GET of the URL map, by a browser holding no cookie, sets none (walks them all)."""
    setting = []
    for route in ROUTES:
        if route.method != "GET" or route.endpoint in STATE_CHANGING_GETS:
            continue
        client = world.app.test_client()
        response = client.get(route.url(world.app, world))
        if response.headers.getlist("Set-Cookie"):
            setting.append(f"{route} ({response.status_code})")
    assert not setting, setting


def test_the_shared_pages_are_every_public_endpoint(world: World) -> None:
    """The list above and the cache's own list name the same pages."""
    urls = {route.url(world.app, world) for route in ROUTES
            if route.endpoint in PUBLIC_ENDPOINTS and route.method == "GET"}
    assert urls <= set(SHARED)


