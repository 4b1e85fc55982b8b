"""The on-site notice of a material change: returning visitors, diff link, dismissible, 30 days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from website.policy.service import publish_version, today

TEXT = "## Your Rights\n\nYou may now also object to profiling.\n"
NOTICE = "Our privacy policy changed on"


def publish(app, effective: date, material: bool = True) -> int:
    with app.app_context():
        return publish_version(TEXT, effective, "Profiling", material).number


def returning(client) -> None:
    """A browser that was here before (it holds a cookie of ours, e.g. the consent cookie)."""
    client.set_cookie("consent", "abc")


def test_returning_visitor_sees_the_notice_with_the_diff_link(app, client):
    publish(app, today())
    returning(client)
    page = client.get("/").get_data(as_text=True)
    assert f"{NOTICE} {today():%-d %B %Y}" in page
    assert 'href="/privacy/diff?from=1&amp;to=2"' in page
    assert client.get("/privacy/diff?from=1&to=2").status_code == 200


def test_logged_in_user_is_returning(app, client, auth):
    publish(app, today())
    auth.login()
    assert NOTICE in client.get("/privacy").get_data(as_text=True)


def test_first_time_visitor_sees_no_notice(app, client):
    publish(app, today())
    assert NOTICE not in client.get("/").get_data(as_text=True)


def test_no_notice_for_a_minor_or_upcoming_change(app, client):
    returning(client)
    publish(app, today(), material=False)
    publish(app, today() + timedelta(days=3))
    assert NOTICE not in client.get("/").get_data(as_text=True)


def test_notice_is_gone_after_thirty_days(app, client):
    returning(client)
    publish(app, today() - timedelta(days=30))
    assert NOTICE not in client.get("/").get_data(as_text=True)
    publish(app, today() - timedelta(days=29))
    assert NOTICE in client.get("/").get_data(as_text=True)


def test_dismissing_hides_it_for_that_version_only(app, client):
    publish(app, today())
    returning(client)
    response = client.post("/policy/notice/dismiss", data={"version": "2", "next": "/privacy"})
    assert response.status_code == 303 and response.headers["Location"] == "/privacy"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("policy_notice=2;") and "HttpOnly" in cookie
    assert "Max-Age=2592000" in cookie and "SameSite=Lax" in cookie
    assert NOTICE not in client.get("/privacy").get_data(as_text=True)
    publish(app, today())
    assert NOTICE in client.get("/privacy").get_data(as_text=True)


def test_dismiss_never_redirects_off_site(client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"):
        response = client.post("/policy/notice/dismiss", data={"version": "2", "next": target})
        assert response.headers["Location"] == "/"


def test_dismiss_form_works_without_a_token_with_csrf_on(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    publish(app, today())
    returning(client)
    page = client.get("/").get_data(as_text=True)
    form = page.split('action="/policy/notice/dismiss"', 1)[1].split("</form>", 1)[0]
    assert "csrf_token" not in form  # seen by visitors without a session: no token
    response = client.post("/policy/notice/dismiss", data={"version": "2", "next": "/"},
                           headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 303
    assert NOTICE not in client.get("/").get_data(as_text=True)


@pytest.mark.waits
def test_a_publication_on_another_worker_is_seen_within_the_cache_time(app, migrated):
    import time

    from tests.fixtures.app import make_app

    # 3 s: long enough that publishing, on a loaded machine, ends inside it (a run saw 1 s pass)
    other_worker = make_app(migrated, POLICY_CACHE_SECONDS=3)
    reader = other_worker.test_client()
    returning(reader)
    assert NOTICE not in reader.get("/").get_data(as_text=True)  # remembered: no material change
    publish(app, today())
    # This worker remembers for at most POLICY_CACHE_SECONDS; the publishing worker knows at once.
    assert NOTICE not in reader.get("/").get_data(as_text=True)
    publisher = app.test_client()
    returning(publisher)
    assert NOTICE in publisher.get("/").get_data(as_text=True)
    time.sleep(3.1)
    assert NOTICE in reader.get("/").get_data(as_text=True)
    with other_worker.app_context():
        from website.extensions import db

        db.engine.dispose()
