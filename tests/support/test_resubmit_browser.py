"""In a real browser: the answer to a sent support form is lost (the connection dropped after the
site stored it); the visitor goes back and sends the same form again. One request, one email,
and the visitor sees its reference. An edited form is a new request."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.support.helpers import VALID, all_requests
from website.extensions import db
from website.mail.models import OutboxEmail

pytestmark = pytest.mark.browser


def fill(page, message: str) -> None:
    page.get_by_label("Your name").fill(VALID["name"])
    page.get_by_label("Email address").fill(VALID["email"])
    page.get_by_label("What is it about?").select_option("general")
    page.get_by_label("Subject").fill("Invoices")
    page.get_by_label("Message").fill(message)


def test_the_same_form_sent_again_after_a_lost_answer_is_one_request(app, live_server, page):
    page.goto(f"{live_server}/support")
    keys: list[str] = []
    lost = []

    def lose_first_answer(route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        keys.append(re.search(r"submission=([^&]*)", route.request.post_data or "").group(1))
        if not lost:
            lost.append(route.fetch())  # the site stores it; its answer never reaches the page
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(f"{live_server}/support", lose_first_answer)
    fill(page, "Where is my invoice?")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_timeout(500)
    page.go_back()
    if not page.url.endswith("/support") or not page.get_by_label("Message").input_value():
        page.goto(f"{live_server}/support")  # no copy kept: the visitor types it again
        fill(page, "Where is my invoice?")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url(re.compile(r".*/support/requests/SR-\w+$"))
    (stored,) = all_requests(app)
    assert stored.reference in page.inner_text("main")
    assert keys[0] and len(keys) == 2
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 1

    # Back again, the message changed: a new request.
    page.unroute(f"{live_server}/support")
    page.go_back()
    page.get_by_label("Message").fill("And another question.")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url(re.compile(r".*/support/requests/SR-\w+$"))
    assert len(all_requests(app)) == 2
