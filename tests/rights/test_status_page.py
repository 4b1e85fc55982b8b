"""The owner's status page and the account's request list (issue 27, item 13): a completed
request shows when it was answered, not a due date as if pending; the history reads as
sentences; the reference in the heading is one unbreakable word; the account's list links the
export; counts read "1 email", "2 emails"."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.users import PASSWORD

pytestmark = pytest.mark.usefixtures("smtp")


def user_and_admin(app, users, auth):
    """Ada (confirmed) logged in on `client`; an admin's own client."""
    auth.login()
    users.create(email="admin@example.com", admin=True)
    admin = app.test_client()
    admin.post("/login", data={"email": "admin@example.com", "password": PASSWORD})
    return admin


def own_request(client, request_type: str = "access") -> str:
    """A request for the account's own confirmed address: it counts at once."""
    response = client.post("/rights", data={"request_type": request_type, "name": "Ada",
                                            "email": "ada@example.com"})
    assert response.status_code == 303
    return response.headers["Location"].rsplit("/", 1)[1]


def test_a_completed_request_shows_when_it_was_answered_not_a_due_date(app, client, users,
                                                                      auth):
    admin = user_and_admin(app, users, auth)
    reference = own_request(client)
    pending = client.get(f"/rights/status/{reference}").get_data(as_text=True)
    assert "<dt>Due date</dt>" in pending
    admin.post(f"/admin/rights/{reference}/complete", data={"outcome": "Your account."})
    page = client.get(f"/rights/status/{reference}").get_data(as_text=True)
    assert "<dt>Due date</dt>" not in page
    assert re.search(r"<dt>Completed on</dt><dd>\d{1,2} \w+ \d{4}</dd>", page)
    listed = client.get("/account").get_data(as_text=True)
    rights_list = listed[listed.index('id="my-rights-heading"'):]
    assert "Answered on " in rights_list
    # The account's list links the export while it can be downloaded.
    export = re.search(rf'<a href="(/rights/status/{reference}/export/[^"]+)">'
                       r"Download your data \(JSON\)", rights_list)
    assert export, rights_list[:2000]
    assert client.get(export.group(1)).headers["Content-Disposition"].startswith("attachment")


def test_a_rejected_request_says_when(app, client, users, auth):
    admin = user_and_admin(app, users, auth)
    reference = own_request(client, "objection")
    admin.post(f"/admin/rights/{reference}/reject",
               data={"reason": "We do not process your data for that.", "confirm": "yes"})
    page = client.get(f"/rights/status/{reference}").get_data(as_text=True)
    assert "<dt>Rejected on</dt>" in page and "<dt>Due date</dt>" not in page


def test_the_history_reads_as_sentences(app, client, users, auth):
    admin = user_and_admin(app, users, auth)
    reference = own_request(client, "correction")
    admin.post(f"/admin/rights/{reference}/start")
    admin.post(f"/admin/rights/{reference}/complete",
               data={"outcome": "Your phone number is now corrected."})
    page = client.get(f"/rights/status/{reference}").get_data(as_text=True)
    history = page[page.index('<ol class="history">'):page.index("</ol>", page.index(
        '<ol class="history">'))]
    lines = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
             for item in re.findall(r"<li>(.*?)</li>", history, re.S)]
    assert [line.split(" UTC ", 1)[1] for line in lines] == [
        "We received your request.",
        "Your request counted at once: you sent it while logged in to your account.",
        "We started work on your request.",
        "We completed your request. Your phone number is now corrected.",
    ]
    assert "→" not in history


def test_the_reference_is_one_word_in_the_heading(app, client, auth):
    auth.login()
    reference = own_request(client)
    page = client.get(f"/rights/status/{reference}").get_data(as_text=True)
    assert f'<h1>Request <span class="reference">{reference}</span></h1>' in page


def test_counts_are_proper_plurals(app, client, users, auth):
    auth.login()
    own_request(client)  # one email: the confirmation of the request
    page = client.post("/account/delete", data={"password": PASSWORD}).get_data(as_text=True)
    assert "(s)" not in page
    assert "1 email we had sent or were about to send you." in page
    assert "0 password-reset links." in page
    assert "Your name and details in 1 data-rights request." in page
