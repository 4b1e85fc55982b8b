"""Erasure is complete and exact: admins' notes go, the fingerprint is keyed, other people's
mail stays, and an erased admin stays accountable under a pseudonym."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from tests.fixtures.users import PASSWORD, AuthActions
from tests.rights.conftest import deliver, stored
from tests.rights.test_personal_data import EMAIL, NAME, assert_nothing_left_of, person_with_data
from website.audit import AuditEntry
from website.extensions import db
from website.mail.models import OutboxEmail
from website.rights.models import RightsRequest
from website.rights.personal_data import email_fingerprint
from website.rights.terms import SYSTEM_NOTES

ADDRESS_NOTE = "Updated postal address to 9 Elm Road, Leeds LS1 for Ada Lovelace"


def admin_client(app, users, email="admin@example.com"):
    """A second client logged in as an admin; returns (client, admin id)."""
    client = app.test_client()
    admin_id = users.create(email=email, name="Site Admin", admin=True)
    AuthActions(app, client, users).login(admin_id)
    return client, admin_id


def test_admin_outcomes_reasons_and_notes_about_the_person_are_erased(rights, app, users, auth):
    user_id = person_with_data(app, users)
    admin, _ = admin_client(app, users)
    corrected = rights.submit_and_verify(request_type="correction", email=EMAIL, name=NAME)
    assert admin.post(f"/admin/rights/{corrected}/extend", data={
        "months": "1", "reason": "Checking 9 Elm Road with Ada Lovelace"}).status_code == 303
    assert admin.post(f"/admin/rights/{corrected}/complete",
                      data={"outcome": ADDRESS_NOTE}).status_code == 303
    open_one = rights.submit_and_verify(request_type="objection", email=EMAIL, name=NAME)
    assert admin.post(f"/admin/rights/{open_one}/start").status_code == 303
    assert admin.post("/admin/support/SR-TEST0002/reply",
                      data={"body": "Dear Ada Lovelace, 9 Elm Road is noted."}).status_code == 303
    deliver(app)
    auth.login(user_id)
    assert rights.client.post("/account/delete", data={"password": PASSWORD}).status_code == 200
    assert_nothing_left_of(app, EMAIL, NAME, "9 Elm Road", "Elm Road", "+44 20 7946 0000")
    with app.app_context():
        item = db.session.scalar(select(RightsRequest).where(RightsRequest.reference == corrected))
        assert item.status == "completed" and item.outcome == "[erased]"
        assert item.extension_reason == "[erased]"
        # The site's own neutral lines ("work started") stay; every other note is erased.
        assert {event.note for event in item.events} <= {"", "[erased]"} | SYSTEM_NOTES


def test_the_fingerprint_is_a_keyed_hmac_not_a_guessable_hash(rights, app, users):
    person_with_data(app, users)
    admin, _ = admin_client(app, users)
    reference = rights.submit_and_verify(request_type="deletion", email=EMAIL, name=NAME)
    approve = f"/admin/rights/{reference}/approve_deletion"
    assert admin.post(approve, data={"confirm": "yes"}).status_code == 303
    kept = stored(app, reference).email
    guessed = hashlib.sha256(EMAIL.lower().encode()).hexdigest()
    assert guessed not in kept and kept.startswith("hmac-sha256:")
    with app.app_context():
        assert kept == email_fingerprint(EMAIL)
        app.config["ERASURE_HMAC_KEY"] = "another key"
        assert email_fingerprint(EMAIL) != kept  # the key decides: rotation changes it


def test_erasing_bob_keeps_the_mail_of_jimbob(rights, app, users, client):
    for who in ("bob@example.org", "jimbob@example.org", "bob@example.org.uk"):
        response = client.post("/support", data={
            "name": "B", "email": who, "category": "general", "subject": "Hello",
            "message": f"Please answer {who}"})
        assert response.status_code == 303
    admin, _ = admin_client(app, users)
    reference = rights.submit_and_verify(request_type="deletion", email="bob@example.org",
                                         name="Bob")
    approve = f"/admin/rights/{reference}/approve_deletion"
    assert admin.post(approve, data={"confirm": "yes"}).status_code == 303
    with app.app_context():
        recipients = sorted(db.session.scalars(select(OutboxEmail.to_address)))
    assert recipients == ["bob@example.org.uk", "jimbob@example.org"]


def test_an_erased_admin_stays_accountable_under_a_stable_pseudonym(rights, app, users):
    admin, admin_id = admin_client(app, users, email="root@example.com")
    first = rights.submit_and_verify(request_type="access", email="x@example.com")
    second = rights.submit_and_verify(request_type="access", email="y@example.com")
    for reference in (first, second):
        assert admin.post(f"/admin/rights/{reference}/start").status_code == 303
    assert admin.post("/account/delete", data={"password": PASSWORD}).status_code == 200
    assert_nothing_left_of(app, "root@example.com")
    with app.app_context():
        actors = [e.actor for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "rights.start"))]
    assert len(actors) == 2 and actors[0] == actors[1]
    assert actors[0].startswith("erased-user:") and actors[0] != "[erased]"
