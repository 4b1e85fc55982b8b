"""Issue 11, attacks 1 and 2, replayed through HTTP: typing someone's email address gives
nothing of theirs. Each attack test failed on the code before the fix (main f249ede)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.accounts.helpers import GOOD_PASSWORD, log_in, outbox, register_data
from tests.fixtures.users import PASSWORD, Users
from website.extensions import db
from website.rights.models import RightsRequest
from website.support.models import SupportRequest

VICTIM = "victim@example.com"
SECRET = "Victim-Secret-Text-42"


def victim_data(app: Flask, users: Users) -> dict[str, str]:
    """What the real owner of VICTIM holds: a support request and two confirmed rights requests
    (one open, one completed access request with its export window open)."""
    from website.rights import links, workflow
    from website.rights import service as rights
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

        workflow.complete(done, db.session.get(User, admin_id), "Your account.")
        return {"open": open_request.reference, "done": done.reference,
                "export_token": links.export_token(done)}



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
