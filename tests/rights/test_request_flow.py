"""The public flow: the form, the email, verification, the owner's status page."""

from __future__ import annotations

from datetime import timedelta

from tests.fixtures.app import comparable_page, make_app
from tests.fixtures.mail import body_text
from tests.rights.conftest import FORM, days_ago, deliver, link_in, stored
from website.extensions import utcnow
from website.rights.dates import one_calendar_month_after
from website.rights.terms import TYPES


def test_form_explains_each_type(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/rights").get_data(as_text=True)
    for key, (_label, sentence) in TYPES.items():
        assert f'value="{key}"' in page
        assert str(sentence) in page
    for name in ("name", "email", "details"):
        assert f'name="{name}"' in page
    assert "csrf_token" not in page  # a public form: the same bytes for everyone


def test_submit_sends_a_verification_link_and_names_the_address_to_this_browser_only(
    rights, app
):
    response = rights.submit()
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/rights/requested")
    item = stored(app)
    response = rights.client.get("/rights/requested")
    page = response.get_data(as_text=True)
    assert "Check your email" in page
    assert "<strong>grace@example.com</strong>" in page and item.reference in page
    assert "no-store" in response.headers["Cache-Control"]
    # Another browser (a shared link, a cache) learns nothing about the request.
    elsewhere = app.test_client().get("/rights/requested").get_data(as_text=True)
    assert "Check your email" in elsewhere
    assert "grace@example.com" not in elsewhere and item.reference not in elsewhere
    assert item.status == "received" and item.due_on is None and item.verified_at is None
    deliver(app)
    [message] = rights.smtp.to("grace@example.com")
    assert item.reference in message["Subject"]
    assert link_in(message, "/rights/verify/")


def test_verification_starts_the_clock_and_is_single_use(rights, app):
    rights.submit()
    deliver(app)
    link = link_in(rights.smtp.to("grace@example.com")[0], "/rights/verify/")
    # A GET (a mail scanner following the link) shows one button and confirms nothing.
    page = rights.client.get(link)
    assert page.status_code == 200 and "Confirm my request" in page.get_data(as_text=True)
    assert stored(app).status == "received"
    response = rights.client.post(link)
    assert response.status_code == 303
    item = stored(app)
    assert response.headers["Location"].endswith(f"/rights/status/{item.reference}")
    assert item.status == "verified"
    assert item.due_on == one_calendar_month_after(utcnow().date())
    page = rights.client.get(f"/rights/status/{item.reference}").get_data(as_text=True)
    assert "Verified" in page and "Access" in page
    assert item.due_on.strftime("%-d %B %Y") in page
    deliver(app)
    confirmed = [m for m in rights.smtp.to("grace@example.com") if "is confirmed" in m["Subject"]]
    assert confirmed and item.due_on.strftime("%-d %B %Y") in body_text(confirmed[0])
    again = rights.client.post(link)
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)
    assert rights.client.get(link).status_code == 410


def test_unknown_and_forged_verify_tokens_get_404(client):
    for token in ("nope", "x" * 43, "A" * 500):
        response = client.get(f"/rights/verify/{token}")
        assert response.status_code == 404
        assert "not valid" in response.get_data(as_text=True)


def test_expired_verify_link_gets_410(rights, app):
    rights.submit()
    deliver(app)
    link = link_in(rights.smtp.to("grace@example.com")[0], "/rights/verify/")
    item = stored(app)
    assert item.verify_expires_at - item.created_at == timedelta(days=30)
    rights.age(item.reference, verify_expires_at=days_ago(1))
    assert rights.client.get(link).status_code == 410
    response = rights.client.post(link)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert stored(app).status == "received"


def test_logged_in_owner_is_verified_at_once(rights, app, auth):
    auth.login()  # ada@example.com
    response = rights.submit(email="ADA@example.com", name="Ada Lovelace")
    assert response.status_code == 303
    item = stored(app)
    assert response.headers["Location"].endswith(f"/rights/status/{item.reference}")
    assert item.status == "verified" and item.user_id is not None
    deliver(app)
    [message] = rights.smtp.to("ADA@example.com")
    assert "is confirmed" in message["Subject"]


def test_logged_in_user_with_another_address_must_verify(rights, app, auth):
    auth.login()
    rights.submit()  # grace@example.com
    item = stored(app)
    assert item.status == "received" and item.user_id is None


def test_status_page_only_for_the_verified_owner(rights, app, client, users, auth):
    reference = rights.submit_and_verify()
    deliver(app)
    status_link = link_in(rights.smtp.to("grace@example.com")[-1], f"/rights/status/{reference}")
    unknown = client.get("/rights/status/RR-ZZZZZZZZ")
    stranger = app.test_client()
    for response in (
        stranger.get(f"/rights/status/{reference}"),
        stranger.get(f"/rights/status/{reference}?token=forged"),
    ):
        assert response.status_code == 404
        assert comparable_page(response) == comparable_page(unknown)
    # The emailed token link works in a fresh browser and is remembered there.
    response = stranger.get(status_link)
    assert response.status_code == 303
    assert "token" not in response.headers["Location"]
    assert "Verified" in stranger.get(f"/rights/status/{reference}").get_data(as_text=True)
    # A logged-in user who is not the owner: 404; the owner's account: the page.
    other = app.test_client()
    other_id = users.create(email="mallory@example.com")
    with other.session_transaction() as session:
        from website.accounts.models import User
        from website.extensions import db

        with app.app_context():
            session["_user_id"] = db.session.get(User, other_id).session_token
    assert other.get(f"/rights/status/{reference}").status_code == 404
    owner = app.test_client()
    owner_id = users.create(email="grace@example.com", name="Grace Hopper")
    with app.app_context():
        token = db.session.get(User, owner_id).session_token
    with owner.session_transaction() as session:
        session["_user_id"] = token
    assert owner.get(f"/rights/status/{reference}").status_code == 200


def test_unverified_request_has_no_status_page_even_with_its_token(rights, app):
    rights.submit()
    deliver(app)
    item = stored(app)
    link = link_in(rights.smtp.to("grace@example.com")[0], f"/rights/status/{item.reference}")
    assert app.test_client().get(link).status_code == 404


def test_honeypot_stores_nothing(rights, app):
    response = rights.submit(website="http://spam.example")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/rights/requested")
    assert stored(app) is None


def test_rate_limit_per_ip(migrated):
    app = make_app(migrated, RATELIMIT_ENABLED=True, RIGHTS_RATE_LIMIT="2 per hour")
    client = app.test_client()
    codes = [client.post("/rights", data=FORM).status_code for _ in range(3)]
    assert codes == [303, 303, 429]
    assert client.get("/rights").status_code == 200


def test_cross_site_post_is_refused_and_same_origin_needs_no_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/rights", data=FORM, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert stored(app) is None
    response = client.post("/rights", data=FORM, headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 303 and stored(app) is not None
