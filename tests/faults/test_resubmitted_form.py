"""A form sent again with the same submission key (the browser's retry after a cut connection or
a timeout, the button pressed twice) is stored once, emailed once, and answered as the first
time; the same words from anyone else, or without a key, are a submission of their own."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from tests.faults.conftest import Browser, new_marker, support_form, table_row
from website.extensions import db
from website.mail.models import OutboxEmail
from website.rights.models import RightsRequest
from website.support.models import SupportRequest

KEY = "k3y-0f-0ne-br0wser-2f9c1e7a"
RIGHTS = {"request_type": "access", "name": "Grace Hopper", "email": "grace@example.com",
          "details": "Everything."}


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_support_request_sent_twice_with_one_key_is_stored_and_emailed_once(app, live_server):
    form = {**support_form(new_marker()), "submission": KEY}
    first = Browser(live_server).open("/support", form)
    # The answer was lost (a cut connection: no cookie came back); the browser sends it again.
    retried = Browser(live_server)
    again = retried.open("/support", form)
    assert first.status == again.status == 303
    assert again.location == first.location
    assert count(app, SupportRequest) == 1 and count(app, OutboxEmail) == 1
    # ... and it is answered as the first was: this browser sees its request.
    assert form["subject"] in retried.open(again.location).body


def test_same_words_without_a_key_or_with_another_key_are_new_submissions(app, live_server):
    form = support_form(new_marker())
    visitor = Browser(live_server)
    assert visitor.open("/support", form).status == 303
    assert visitor.open("/support", form).status == 303
    assert Browser(live_server).open("/support", {**form, "submission": KEY}).status == 303
    other = Browser(live_server).open("/support", {**form, "submission": KEY + "-other"})
    assert other.status == 303
    assert count(app, SupportRequest) == 4 and count(app, OutboxEmail) == 4


def test_a_retry_racing_the_first_submission_is_stored_once(app, live_server):
    form = {**support_form(new_marker()), "submission": KEY}
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(
        Browser(live_server).open("/support", form))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert [answer.status for answer in answers] == [303] * 4
    assert len({answer.location for answer in answers}) == 1
    assert count(app, SupportRequest) == 1 and count(app, OutboxEmail) == 1
    table_row("The same support form sent 4 times at once (one submission key)",
              "4 ok (one answer), 0 503, 0 hung", "0 lost, 0 duplicated (1 stored)",
              "0 lost, 0 duplicated (1 queued)", "-")


def test_a_rights_request_sent_twice_with_one_key_is_stored_and_emailed_once(app, live_server):
    form = {**RIGHTS, "submission": KEY}
    first_browser, retried = Browser(live_server), Browser(live_server)
    first = first_browser.open("/rights", form)
    again = retried.open("/rights", form)
    assert first.status == again.status == 303 and again.location == first.location
    assert count(app, RightsRequest) == 1 and count(app, OutboxEmail) == 1
    with app.app_context():
        reference = db.session.scalar(select(RightsRequest.reference))
    assert reference in retried.open("/rights/requested").body


def test_the_key_field_is_the_same_bytes_for_every_anonymous_visitor(app, live_server):
    pages = [Browser(live_server).open(path) for path in ("/support", "/rights") for _ in (1, 2)]
    assert pages[0].body == pages[1].body and pages[2].body == pages[3].body
    for page in pages:
        assert 'name="submission" value=""' in page.body
