"""Error pages offer a way on: links that help, and (for 429) when to try again."""

from __future__ import annotations

from tests.fixtures.app import make_app
from website.extensions import db


def test_404_offers_useful_links(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    for href in ('href="/privacy"', 'href="/rights"', 'href="/support"', 'href="/"'):
        assert href in page
    assert "spectraalw@gmail.com" in page


def test_403_points_a_user_to_their_own_account(client, users, auth):
    auth.login(users.create())
    response = client.get("/admin/")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Your account does not have access to this page." in page
    assert 'href="/account">Your account</a>' in page


def test_429_says_when_to_try_again(migrated):
    app = make_app(migrated, RATELIMIT_ENABLED=True, SUPPORT_RATE_LIMIT="1 per hour")
    try:
        client = app.test_client()
        client.post("/support", data={"name": ""})
        limited = client.post("/support", data={"name": ""})
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) > 3000
        page = limited.get_data(as_text=True)
        assert "Please try again in 60 minutes (after " in page
    finally:
        with app.app_context():
            db.engine.dispose()
