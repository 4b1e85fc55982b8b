"""Who may see a request, the account page's list, and the functions the rights process uses."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from tests.fixtures.app import comparable_page
from tests.fixtures.users import AuthActions, Users
from tests.support.helpers import all_requests, form
from website.extensions import db, utcnow
from website.retention import purge
from website.support import service
from website.support.models import SupportReply, SupportRequest


def test_another_browser_with_the_url_sees_none_of_the_request(app, client):
    location = client.post("/support", data=form()).headers["Location"]
    stranger = app.test_client()
    response = stranger.get(location)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    for private in ("Grace Hopper", "grace@example.com", "Timeouts on /v1/search",
                    "Since Monday", "Navy Labs"):
        assert private not in page
    assert "There is no support request to show at this address." in page


def test_unknown_and_foreign_references_look_the_same(app, client, make_request):
    theirs = make_request(email="bob@example.com", subject="Bob's secret")
    unknown = client.get("/support/requests/SR-ZZZZZZZZ")
    foreign = client.get(f"/support/requests/{theirs}")
    assert unknown.status_code == foreign.status_code == 404
    assert comparable_page(unknown) == comparable_page(foreign)
    assert client.get("/support/requests/" + "x" * 500).status_code == 404
    assert client.get("/support/requests/%00%ff").status_code == 404


def test_logged_in_owner_sees_it_from_any_browser(app, client, users, auth, make_request):
    owner = users.create(email="ada@example.com")
    mine = make_request(email="ada@example.com", subject="Mine", user_id=owner)
    theirs = make_request(email="bob@example.com", subject="Bob's secret")
    auth.login(owner)
    page = client.get(f"/support/requests/{mine}").get_data(as_text=True)
    assert "Mine" in page and mine in page
    response = client.get(f"/support/requests/{theirs}")
    assert response.status_code == 404
    assert "Bob's secret" not in response.get_data(as_text=True)


def test_same_email_does_not_open_someone_elses_request(app, client, users, auth, make_request):
    # An account's address is not proof it sent an anonymous request from that address.
    sent_before = make_request(email="ada@example.com", subject="Sent without an account")
    auth.login(users.create(email="ada@example.com"))
    assert client.get(f"/support/requests/{sent_before}").status_code == 404


def account_list(app, user_id: int) -> str:
    """The support section of the user's account page, as the user sees it."""
    client = app.test_client()
    AuthActions(app, client, Users(app)).login(user_id)
    html = client.get("/account").get_data(as_text=True)
    return html[html.index("Your support requests"):html.index("Your data-rights requests")]


def test_account_list_shows_only_the_users_own_requests(app, users, make_request):
    ada = users.create(email="ada@example.com")
    bob = users.create(email="bob@example.com")
    first = make_request(subject="First of Ada's", user_id=ada, age=10)
    second = make_request(subject="Second of Ada's", user_id=ada, status="closed")
    make_request(subject="Bob's", user_id=bob)
    html = account_list(app, ada)
    assert first in html and second in html
    assert html.index(second) < html.index(first), "newest first"
    assert "Closed" in html and "Bob's" not in html
    empty = account_list(app, users.create(email="cy@example.com"))
    assert "You have not sent a support request while logged in." in empty


def test_requests_for_email_ignores_letter_case(app, make_request):
    first = make_request(email="Grace@Example.com", age=5)
    second = make_request(email="grace@example.com")
    make_request(email="other@example.com")
    with app.app_context():
        found = [r.reference for r in service.requests_for_email("GRACE@example.com")]
    assert found == [first, second]


def test_anonymise_requests_erases_the_person_and_keeps_the_record(app, users, make_request):
    ada = users.create(email="ada@example.com")
    by_email = make_request(email="ada@example.com", name="Ada", message="my phone is 123",
                            category="billing", status="closed")
    by_account = make_request(email="old-ada@example.com", name="Ada", user_id=ada)
    kept = make_request(email="bob@example.com", name="Bob", message="Bob's words")
    with app.app_context():
        target = service.request_by_reference(by_email)
        db.session.add(SupportReply(request=target, body="Dear Ada, about 123 ..."))
        db.session.commit()
        assert service.anonymise_requests("ADA@example.com", ada) == 2
        db.session.commit()
    rows = {r.reference: r for r in all_requests(app)}
    for reference in (by_email, by_account):
        row = rows[reference]
        assert (row.name, row.email, row.subject, row.message) == ("[erased]",) * 4
        assert row.organisation == row.phone == "" and row.user_id is None
        assert row.created_at is not None
    assert rows[by_email].category == "billing" and rows[by_email].status == "closed"
    assert rows[kept].name == "Bob" and rows[kept].message == "Bob's words"
    with app.app_context():
        bodies = list(db.session.scalars(select(SupportReply.body)))
        assert bodies == ["[erased]"]
        assert db.session.scalar(select(db.func.count()).select_from(SupportRequest)) == 3


def test_anonymise_without_requests_is_harmless(app):
    with app.app_context():
        assert service.anonymise_requests("nobody@example.com", None) == 0


def test_export_holds_the_request_and_its_replies(app, make_request):
    reference = make_request(email="grace@example.com", subject="Export me", message="Words")
    with app.app_context():
        support_request = service.request_by_reference(reference)
        db.session.add(SupportReply(request=support_request, body="Our answer"))
        db.session.commit()
        found = service.requests_for_email("grace@example.com")
        (exported,) = [service.as_export(r) for r in found]
    assert exported["reference"] == reference
    assert (exported["subject"], exported["message"]) == ("Export me", "Words")
    assert [r["body"] for r in exported["replies"]] == ["Our answer"]
    assert json.loads(json.dumps(exported)) == exported


def test_purge_deletes_only_requests_closed_before_the_cutoff(app, make_request):
    """The site's retention purge (website/retention.py), with its replies, after 730 days."""
    old, recent, still_open = make_request(), make_request(), make_request()
    with app.app_context():
        for reference, closed_days_ago in ((old, 800), (recent, 10)):
            row = service.request_by_reference(reference)
            row.status, row.closed_at = "closed", utcnow() - timedelta(days=closed_days_ago)
            db.session.add(SupportReply(request=row, body="bye"))
        db.session.commit()
        app.config["RETENTION_BATCH_SIZE"] = 1
        assert purge()["closed_support_requests"] == 1
        assert purge()["closed_support_requests"] == 0
        assert db.session.scalar(select(db.func.count()).select_from(SupportReply)) == 1
    assert {r.reference for r in all_requests(app)} == {recent, still_open}
