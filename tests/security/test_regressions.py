"""Server errors the fuzz tests found, pinned down: each answered 500 before its fix."""

from __future__ import annotations

import io

import pytest

from tests.security.routes import ROUTES, Route
from tests.security.world import World
from website.security import MACHINE_ENDPOINTS

# The forms (a machine endpoint takes signed JSON: tests/webhooks).
POSTS = [route for route in ROUTES
         if route.method == "POST" and route.endpoint not in MACHINE_ENDPOINTS]


@pytest.fixture
def world(module_world: World) -> World:
    """One world for the module."""
    return module_world


@pytest.mark.parametrize("path", [
    "/privacy/versions/99999999999999999999999999",
    "/privacy/versions/9223372036854775808",  # one past SQLite's largest integer
    "/privacy/versions/2147483648",  # one past PostgreSQL's `integer`
    "/privacy/versions/2147483648.md",
    "/admin/policy/drafts/2147483648",
])
def test_numbers_too_large_for_the_database_are_not_found(world: World, path: str) -> None:
    """website/routing.py: <int:...> stops at 2**31 - 1; the query used to raise (500)."""
    response = world.client("admin").get(path)
    assert response.status_code == 404
    assert "There is no page at this address" in response.text


@pytest.mark.parametrize("route", POSTS, ids=str)
@pytest.mark.parametrize("body", [b"[1]", b'"x"', b"0", b'{"email": 5, "markdown": [1]}'])
def test_json_bodies_are_refused(world: World, route: Route, body: bytes) -> None:
    """website/security.py: Flask-WTF read a JSON body as the form: a list or a number made
    it crash, and non-text values broke the validators."""
    client = world.client("admin" if route.expected("admin") != 403 else "user")
    response = client.post(route.url(world.app, world), data=body,
                           content_type="application/json")
    assert response.status_code == 400
    assert "not JSON" in response.text


@pytest.mark.parametrize("route", POSTS, ids=str)
def test_file_uploads_are_refused(world: World, route: Route) -> None:
    """website/security.py: a file sent in a text field reached validators written for text."""
    fields = route.form(world, "admin")
    data = {**fields, **{name: (io.BytesIO(b"\xff\x00"), "a.txt") for name in fields}}
    data["email"] = (io.BytesIO(b"a@b.c"), "a.txt")
    response = world.client("admin").post(route.url(world.app, world), data=data,
                                          content_type="multipart/form-data")
    assert response.status_code == 400
    assert "no file uploads" in response.text


def test_a_refused_upload_stores_nothing(world: World) -> None:
    from sqlalchemy import func, select

    from website.extensions import db
    from website.support.models import SupportRequest

    def count() -> int:
        with world.app.app_context():
            return db.session.scalar(select(func.count()).select_from(SupportRequest))

    before = count()
    form = {"name": "A", "email": "a@example.com", "category": "general", "subject": "S",
            "message": (io.BytesIO(b"hello"), "m.txt")}
    response = world.client("anonymous").post("/support", data=form,
                                              content_type="multipart/form-data")
    assert response.status_code == 400 and count() == before


def test_ordinary_multipart_forms_still_work(world: World) -> None:
    """The banner's script posts FormData (multipart): text fields only, still accepted."""
    form = {"name": "A", "email": "a@example.com", "category": "general", "subject": "S",
            "message": "hello"}
    response = world.client("anonymous").post("/support", data=form,
                                              content_type="multipart/form-data")
    assert response.status_code == 303
