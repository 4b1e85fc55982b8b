"""A waiting (unconfirmed) request stays its owner's: a second anonymous submission with the same
address and right, from another browser, neither rewrites it, nor shows its reference, nor
replaces the link the owner was emailed (pen-test finding, medium)."""

from __future__ import annotations

from sqlalchemy import select

from tests.rights.conftest import deliver, link_in
from website.extensions import db
from website.rights.models import RightsRequest

OWNER = {"request_type": "access", "name": "Grace Hopper", "email": "grace@example.com",
         "details": "Everything you hold about me."}
STRANGER = {**OWNER, "name": "Mallory", "details": "Send it all to mallory@example.net."}


def all_requests(app) -> list[RightsRequest]:
    with app.app_context():
        found = list(db.session.scalars(select(RightsRequest).order_by(RightsRequest.id)))
        db.session.expunge_all()
        return found


def confirmation_links(rights) -> list[str]:
    deliver(rights.app)
    return [link_in(m, "/rights/verify/") for m in rights.smtp.to("grace@example.com")
            if "confirm" in m["Subject"].lower()]


def test_a_stranger_cannot_take_over_a_waiting_request(rights, app):
    assert rights.client.post("/rights", data=OWNER).status_code == 303
    [owner_link] = confirmation_links(rights)
    [original] = all_requests(app)

    stranger = app.test_client()
    assert stranger.post("/rights", data=STRANGER).status_code == 303
    page = stranger.get("/rights/requested").get_data(as_text=True)
    assert original.reference not in page

    owner_row = next(r for r in all_requests(app) if r.reference == original.reference)
    assert (owner_row.name, owner_row.details) == (OWNER["name"], OWNER["details"])
    # The owner's emailed link still works, and shows what they asked for.
    verify_page = rights.client.get(owner_link)
    assert verify_page.status_code == 200
    shown = verify_page.get_data(as_text=True)
    assert OWNER["details"] in shown and STRANGER["details"] not in shown
    # The stranger's submission is a request of its own, confirmed (or not) from the mailbox.
    links = confirmation_links(rights)
    assert len(links) == 2 and links[0] == owner_link
    stranger_page = rights.client.get(links[1]).get_data(as_text=True)
    assert STRANGER["details"] in stranger_page and original.reference not in stranger_page
    assert rights.client.post(owner_link).status_code == 303
    confirmed = next(r for r in all_requests(app) if r.reference == original.reference)
    assert confirmed.status == "verified" and confirmed.details == OWNER["details"]


def test_the_same_browser_sending_again_updates_its_own_waiting_request(rights, app):
    rights.client.post("/rights", data=OWNER)
    rights.client.post("/rights", data={**OWNER, "details": "Only my order history."})
    [item] = all_requests(app)
    assert item.details == "Only my order history."
    page = rights.client.get("/rights/requested").get_data(as_text=True)
    assert item.reference in page


SENT_AGAIN = {
    "": ("from the browser that made it", "from another browser or device it is a new request"),
    "/de": ("aus dem Browser, in dem er gestellt wurde",
            "aus einem anderen Browser oder Gerät ist es ein neuer Antrag"),
    "/fr": ("depuis le navigateur qui l’a faite",
            "depuis un autre navigateur ou appareil, c’est une nouvelle demande"),
}


def test_the_page_says_sending_again_is_merged_only_for_the_same_browser(rights, app):
    for prefix, (same, other) in SENT_AGAIN.items():
        page = app.test_client().get(f"{prefix}/rights/requested").get_data(as_text=True)
        assert same in page and other in page, prefix
        assert "not duplicated" not in page and "nicht verdoppelt" not in page
        assert "n’est pas dupliquée" not in page
    # And so it is: this page's link, followed from another browser, makes a second request.
    rights.client.post("/rights", data=OWNER)
    app.test_client().post("/rights", data=OWNER)
    assert len(all_requests(app)) == 2
