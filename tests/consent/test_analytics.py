"""First-party page views: stored only with analytics consent, only for HTML pages."""

from __future__ import annotations

from datetime import timedelta

from tests.consent.conftest import set_cookie_header
from website.extensions import utcnow


def accept(client) -> None:
    client.post("/cookies/consent", data={"choice": "accept_all"})


def test_after_accept_page_views_are_recorded_first_party(client, rows):
    accept(client)
    first = client.get("/privacy", headers={"Referer": "https://news.example.org/item?id=7"})
    header = set_cookie_header(first, "analytics_id")
    assert header and "HttpOnly" in header and "SameSite=Lax" in header
    client.get("/")
    views = rows.page_views()
    assert [v.path for v in views] == ["/privacy", "/"]
    assert views[0].referrer_host == "news.example.org" and views[1].referrer_host == ""
    visitor = client.get_cookie("analytics_id").value
    assert views[0].visitor_id == views[1].visitor_id == visitor
    assert all(utcnow() - timedelta(minutes=1) < v.created_at <= utcnow() for v in views)
    assert set_cookie_header(client.get("/"), "analytics_id") is None  # kept, not renewed


def test_before_choice_and_after_reject_nothing_is_stored(client, rows):
    client.get("/")
    client.post("/cookies/consent", data={"choice": "reject_all"})
    for path in ("/", "/privacy", "/cookies"):
        response = client.get(path)
        assert set_cookie_header(response, "analytics_id") is None
    assert rows.page_views() == []
    assert client.get_cookie("analytics_id") is None


def test_withdrawal_stops_counting_and_deletes_the_visitor_cookie(client, rows):
    accept(client)
    client.get("/")
    response = client.post("/cookies/consent", data={"choice": "reject_all"})
    assert set_cookie_header(response, "analytics_id").startswith("analytics_id=;")
    assert client.get_cookie("analytics_id") is None
    client.get("/privacy")
    assert [v.path for v in rows.page_views()] == ["/"]


def test_only_successful_html_pages_count(client, auth, rows):
    accept(client)
    client.get("/cookies.json")
    client.get("/healthz")
    client.get("/static/css/site.css").close()
    client.get("/no-such-page")
    client.get("/privacy/versions/1.md")
    client.post("/cookies/consent", data={"choice": "accept_all"})
    auth.login(admin=True)
    client.get("/admin/")
    client.get("/admin/analytics")
    assert rows.page_views() == []
    client.get("/privacy/versions")
    assert [v.path for v in rows.page_views()] == ["/privacy/versions"]


def test_query_strings_are_not_stored(client, rows):
    accept(client)
    client.get("/privacy/diff?from=1&to=1&email=someone@example.com")
    assert [v.path for v in rows.page_views()] == ["/privacy/diff"]


def test_forged_visitor_id_is_replaced(client, rows):
    accept(client)
    client.set_cookie("analytics_id", "<script>")
    response = client.get("/")
    assert set_cookie_header(response, "analytics_id")
    assert rows.page_views()[0].visitor_id != "<script>"
