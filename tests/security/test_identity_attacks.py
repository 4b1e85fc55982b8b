"""The attacks of issue 11, replayed through HTTP: typing someone's email address gives
nothing of theirs, sessions end on the server, limits and lookups use one form of an address,
nobody learns who has an account, a forged Host is never echoed, and the site's own emails
carry nothing a stranger typed. Each test failed on the code before the fix (main f249ede)."""

from __future__ import annotations

import re
import statistics
import time

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.accounts.helpers import GOOD_PASSWORD, confirm_link, outbox, register_data
from tests.conftest import PASSWORD, Users, make_app
from website.extensions import db
from website.rights.models import RightsRequest
from website.support.models import SupportRequest

VICTIM = "victim@example.com"
SECRET = "Victim-Secret-Text-42"


def victim_data(app: Flask, users: Users) -> dict[str, str]:
    """What the real owner of VICTIM holds: a support request and two confirmed rights requests
    (one open, one completed access request with its export window open)."""
    from website.rights import service as rights
    from website.rights import workflow
    from website.support import service as support

    admin_id = users.create(email="root@example.com", admin=True)
    with app.test_request_context():
        support.submit_request(support.Requester(name="Vic Tim", email=VICTIM), "general",
                               f"Subject {SECRET}", f"Message {SECRET}")
        open_request, token = rights.submit_request("deletion", "Vic Tim", VICTIM, SECRET)
        rights.verify(token)
        done, token = rights.submit_request("access", "Vic Tim", VICTIM, "")
        rights.verify(token)
        from website.accounts.models import User

        workflow.complete(done, db.session.get(User, admin_id), "")
        return {"open": open_request.reference, "done": done.reference,
                "export_token": rights.export_token(done)}


def log_in(client: FlaskClient, email: str, password: str = GOOD_PASSWORD, **extra: str):  # noqa: ANN201
    """POST the login form."""
    return client.post("/login", data={"email": email, "password": password, **extra})


def rights_request(app: Flask, reference: str) -> RightsRequest:
    """The stored request, detached."""
    with app.app_context():
        item = db.session.scalar(select(RightsRequest).where(RightsRequest.reference == reference))
        db.session.expunge(item)
        return item


def assert_sees_nothing_of_the_victim(app: Flask, client: FlaskClient, held: dict) -> None:
    """Export, account page, status pages and the export download hold nothing of VICTIM's."""
    export = client.get("/account/export")
    assert export.status_code == 200
    assert SECRET not in export.get_data(as_text=True)
    assert held["open"] not in export.get_data(as_text=True)
    page = client.get("/account").get_data(as_text=True)
    assert held["open"] not in page and held["done"] not in page
    assert client.get(f"/rights/status/{held['open']}").status_code == 404
    assert client.get(f"/rights/status/{held['done']}").status_code == 404
    download = f"/rights/status/{held['done']}/export/{held['export_token']}"
    assert client.get(download).status_code == 404


# --- attack 1: an address typed, not proved, opens nothing ---------------------------------

def test_attack_1_registering_someone_elses_address_shows_exports_and_erases_nothing(
    app: Flask, client: FlaskClient, users: Users
) -> None:
    held = victim_data(app, users)
    client.post("/register", data=register_data(email=VICTIM, name="Impostor"))
    log_in(client, VICTIM)
    assert_sees_nothing_of_the_victim(app, client, held)
    # A rights request in the victim's name, sent while logged in, still needs the emailed link.
    client.post("/rights", data={"request_type": "deletion", "name": "Vic Tim", "email": VICTIM})
    with app.app_context():
        newest = db.session.scalars(select(RightsRequest).order_by(RightsRequest.id.desc())).first()
        assert newest.status == "received" and newest.verified_at is None
    # Deleting the impostor's account leaves the victim's data and open request as they were.
    response = client.post("/account/delete", data={"password": GOOD_PASSWORD})
    assert response.status_code == 200
    assert rights_request(app, held["open"]).status == "verified"
    assert rights_request(app, held["open"]).details == SECRET
    with app.app_context():
        messages = db.session.scalars(select(SupportRequest.message)).all()
        assert f"Message {SECRET}" in messages


def test_attack_1_switching_the_account_to_someone_elses_address_gives_nothing(
    app: Flask, client: FlaskClient, users: Users, auth
) -> None:
    held = victim_data(app, users)
    auth.login()  # ada@example.com, confirmed
    details = {"name": "Ada", "email": VICTIM, "password": PASSWORD}
    assert client.post("/account", data=details).status_code == 303
    assert_sees_nothing_of_the_victim(app, client, held)
    # The link went to the victim; the account keeps its own address until it is followed.
    assert [m.subject for m in outbox(app, VICTIM)][-1] == "Confirm your email address"
    assert "Logged in as <strong>ada@example.com</strong>" in client.get("/account").get_data(
        as_text=True)


def test_the_owner_of_a_confirmed_address_sees_what_is_held_under_it(
    app: Flask, client: FlaskClient, users: Users
) -> None:
    held = victim_data(app, users)
    users.create(email=VICTIM, password=GOOD_PASSWORD)  # confirmed
    log_in(client, VICTIM)
    assert SECRET in client.get("/account/export").get_data(as_text=True)
    assert held["open"] in client.get("/account").get_data(as_text=True)
    assert client.get(f"/rights/status/{held['open']}").status_code == 200


# --- attack 2: confirming a request while an impostor holds the address ---------------------

def test_attack_2_a_request_confirmed_by_its_owner_is_not_linked_to_an_impostor(
    app: Flask, client: FlaskClient
) -> None:
    impostor = app.test_client()
    impostor.post("/register", data=register_data(email=VICTIM, name="Impostor"))
    log_in(impostor, VICTIM)
    client.post("/rights", data={"request_type": "access", "name": "Vic Tim", "email": VICTIM})
    [confirm] = [m for m in outbox(app, VICTIM) if "confirm your data-rights" in m.subject.lower()]
    link = re.search(r"http://localhost(/rights/verify/\S+)", confirm.body_text).group(1)
    client.get(link)
    client.post(link)
    with app.app_context():
        item = db.session.scalars(select(RightsRequest)).one()
        db.session.expunge(item)
    assert item.verified_at is not None
    assert item.user_id is None
    impostor.post("/account", data={"name": "I", "email": "impostor@example.com",
                                    "password": GOOD_PASSWORD})
    assert impostor.get(f"/rights/status/{item.reference}").status_code == 404
    assert item.reference not in impostor.get("/account").get_data(as_text=True)


# --- attack 3: sessions the server ends ---------------------------------------------------

def replay(app: Flask, cookies: dict[str, str]) -> int:
    """Open /account in a fresh browser holding only these cookies; the status code."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value, domain="localhost")
    return browser.get("/account").status_code


def cookies_of(client: FlaskClient) -> dict[str, str]:
    """The client's cookies by name."""
    return {name: client.get_cookie(name).value for name in ("session", "remember_token")
            if client.get_cookie(name) is not None}


def test_attack_3_logout_ends_the_session_and_the_remember_cookie_on_the_server(
    app: Flask, client: FlaskClient, users: Users
) -> None:
    users.create(password=GOOD_PASSWORD)
    log_in(client, "ada@example.com", remember="y")
    stolen = cookies_of(client)
    assert set(stolen) == {"session", "remember_token"}
    assert replay(app, stolen) == 200
    assert replay(app, {"remember_token": stolen["remember_token"]}) == 200
    client.post("/logout")
    assert replay(app, stolen) == 302
    assert replay(app, {"remember_token": stolen["remember_token"]}) == 302


def test_attack_3_an_email_change_ends_every_other_session(
    app: Flask, users: Users
) -> None:
    users.create(password=GOOD_PASSWORD)
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, "ada@example.com")
    log_in(phone, "ada@example.com", remember="y")
    stolen = cookies_of(phone)
    laptop.post("/account", data={"name": "Ada", "email": "ada.new@example.com",
                                  "password": GOOD_PASSWORD})
    laptop.get(confirm_link(outbox(app, "ada.new@example.com")[-1].body_text))
    assert laptop.post("/account/email/confirm").status_code == 303
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302
    assert replay(app, stolen) == 302


def test_a_password_reset_ends_every_session_and_remember_cookie(app: Flask, users: Users) -> None:
    users.create(password=GOOD_PASSWORD)
    phone = app.test_client()
    log_in(phone, "ada@example.com", remember="y")
    stolen = cookies_of(phone)
    browser = app.test_client()
    browser.post("/password/forgot", data={"email": "ada@example.com"})
    path = re.search(r"http://localhost(/password/reset/\S+)",
                     outbox(app, "ada@example.com")[-1].body_text).group(1)
    new = "another long passphrase"
    assert browser.post(path, data={"password": new, "password_confirm": new}).status_code == 303
    assert replay(app, stolen) == 302


def test_log_out_everywhere_from_the_account_page(app: Flask, users: Users) -> None:
    users.create(password=GOOD_PASSWORD)
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, "ada@example.com")
    log_in(phone, "ada@example.com", remember="y")
    stolen = cookies_of(phone)
    assert "Log out everywhere" in laptop.get("/account").get_data(as_text=True)
    response = laptop.post("/account/logout-everywhere")
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert laptop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 302
    assert replay(app, stolen) == 302


# --- attack 4: one form of an address for limits and lookups --------------------------------

def test_attack_4_a_full_width_letter_gets_no_fresh_login_tries(migrated: str, app: Flask) -> None:
    limited = make_app(migrated, RATELIMIT_ENABLED=True)
    Users(limited).create(email="lim@example.org", password=GOOD_PASSWORD)
    client = limited.test_client()
    for n in range(5):
        response = client.post("/login", data={"email": "lim@example.org", "password": "nope"},
                               environ_base={"REMOTE_ADDR": f"10.9.0.{n}"})
        assert response.status_code == 401
    response = client.post("/login", data={"email": "lim@\uff45xample.org",
                                           "password": GOOD_PASSWORD},
                           environ_base={"REMOTE_ADDR": "10.9.0.99"})
    assert response.status_code == 429
    assert client.get("/account").status_code == 302


def test_attack_4_a_full_width_letter_gets_no_fresh_reset_emails(migrated: str,
                                                                  app: Flask) -> None:
    limited = make_app(migrated, RATELIMIT_ENABLED=True)
    Users(limited).create(email="lim@example.org")
    client = limited.test_client()
    for n in range(3):
        response = client.post("/password/forgot", data={"email": "lim@example.org"},
                               environ_base={"REMOTE_ADDR": f"10.8.0.{n}"})
        assert response.status_code == 200
    response = client.post("/password/forgot", data={"email": "LIM@\uff45xample.org"},
                           environ_base={"REMOTE_ADDR": "10.8.0.99"})
    assert response.status_code == 429
    assert len(outbox(limited, "lim@example.org")) == 3


# --- attack 5: nobody learns who has an account -----------------------------------------------

def test_attack_5_register_answers_the_same_for_a_new_and_a_taken_address(
    app: Flask, users: Users
) -> None:
    users.create(email="taken@example.com")
    answers = []
    for email in ("taken@example.com", "fresh@example.com"):
        browser = app.test_client()
        response = browser.post("/register", data=register_data(email=email))
        landing = browser.get(response.headers.get("Location", "/register"))
        page = re.sub(r'name="csrf_token" value="[^"]*"', "", landing.get_data(as_text=True))
        answers.append((response.status_code, response.headers.get("Location"),
                        "Set-Cookie" in response.headers, page))
    assert answers[0] == answers[1]
    assert answers[0][0] == 303
    # The owner of the taken address hears of it, with a way to reset the password.
    [notice] = outbox(app, "taken@example.com")
    assert "/password/forgot" in notice.body_text


def test_attack_5_password_forgot_takes_the_same_time_and_work_either_way(
    app: Flask, client: FlaskClient, users: Users
) -> None:
    users.create(email="known@example.com")
    timings: dict[str, list[float]] = {"known@example.com": [], "unknown@example.com": []}
    for _ in range(12):
        for email, times in timings.items():
            start = time.perf_counter()
            assert client.post("/password/forgot", data={"email": email}).status_code == 200
            times.append(time.perf_counter() - start)
    known, unknown = (statistics.median(t) for t in timings.values())
    assert 0.5 < known / unknown < 2, (known, unknown)
    # The same work: one email written to the outbox for each request, known or not.
    assert len(outbox(app, "known@example.com")) == len(outbox(app, "unknown@example.com")) == 12


# --- attack 6: a forged Host header -------------------------------------------------------

def test_attack_6_the_https_redirect_never_echoes_a_foreign_host(migrated: str,
                                                                 app: Flask) -> None:
    production_like = make_app(migrated, FORCE_HTTPS=True, SITE_URL="https://privacy.example.com")
    client = production_like.test_client()
    forged = client.get("/privacy?x=1", headers={"Host": "evil.example"})
    assert "evil.example" not in forged.headers.get("Location", "")
    assert forged.status_code == 400
    assert "evil.example" not in forged.get_data(as_text=True)
    own = client.get("/privacy?x=1", headers={"Host": "privacy.example.com"})
    assert own.status_code == 301
    assert own.headers["Location"] == "https://privacy.example.com/privacy?x=1"


def test_trusted_hosts_come_from_site_url_and_the_optional_list(migrated: str, app: Flask,
                                                                 monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("TRUSTED_HOSTS", "www.privacy.example.com, .internal.example")
    from website.config import Config

    assert Config().TRUSTED_HOSTS == ["www.privacy.example.com", ".internal.example"]
    site = make_app(migrated, SITE_URL="https://privacy.example.com",
                    TRUSTED_HOSTS=Config().TRUSTED_HOSTS)
    assert site.config["TRUSTED_HOSTS"] == [
        "privacy.example.com", "www.privacy.example.com", ".internal.example"]
    client = site.test_client()
    for host in ("privacy.example.com", "www.privacy.example.com", "lb.internal.example"):
        assert client.get("/healthz", headers={"Host": host}).status_code == 200, host
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400


# --- attack 7: the site's emails carry nothing a stranger typed -------------------------------

def test_attack_7_confirmation_emails_quote_nothing_the_sender_typed(
    app: Flask, client: FlaskClient
) -> None:
    spam = "Win-a-prize at http://spam.example/claim"
    client.post("/support", data={"name": spam, "email": "target@example.com",
                                  "category": "general", "subject": spam, "message": spam})
    client.post("/register", data=register_data(email="target2@example.com", name=spam))
    client.post("/rights", data={"request_type": "access", "name": spam,
                                 "email": "target3@example.com", "details": spam})
    emails = outbox(app)
    assert len(emails) == 3
    for email in emails:
        for text in (email.subject, email.body_text, email.body_html):
            assert "spam.example" not in text and "Win-a-prize" not in text, email.subject
