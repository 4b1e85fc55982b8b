"""Mail goes out as soon as the transaction that queued it commits, whoever committed it (a view,
a publication outside any request): the job runner is woken by the commit itself, not by the
next request nor its timer (set here to ten minutes, so only the wake can deliver in time)."""

from __future__ import annotations

import dataclasses
import time
import urllib.parse
import urllib.request
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from website.extensions import db
from website.jobs import runner_of, start_jobs
from website.mail.models import OutboxEmail

SLOW_TIMER = 600.0
WITHIN_SECONDS = 10.0


def start_runner_with_slow_mail_timer(app: Flask) -> None:
    """The real runner, its mail timer far away; its first rounds run (and find nothing)."""
    app.config["JOBS_ENABLED"] = True
    runner = runner_of(app)
    runner.jobs["mail"] = dataclasses.replace(runner.jobs["mail"], every=SLOW_TIMER)
    assert start_jobs(app)
    time.sleep(0.5)


def wait_for(smtp, address: str) -> float:
    """Seconds until an email to `address` reached the SMTP server (fails after a while)."""
    began = time.monotonic()
    while not smtp.to(address) and time.monotonic() - began < WITHIN_SECONDS:
        time.sleep(0.05)
    assert smtp.to(address), f"no email to {address} within {WITHIN_SECONDS:.0f} s"
    return time.monotonic() - began


def test_mail_a_view_queued_goes_out_without_another_request(app, smtp, live_server):
    start_runner_with_slow_mail_timer(app)
    form = urllib.parse.urlencode({
        "name": "Ada", "organisation": "", "email": "ada@example.com", "phone": "",
        "category": "general", "subject": "Where is my data?", "message": "Please tell me.",
        "website": "",
    }).encode()
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(f"{live_server}/support", data=form)
    except urllib.error.HTTPError as answer:
        assert answer.code == 303
    # Not one request from here on.
    wait_for(smtp, "ada@example.com")


def test_mail_queued_outside_a_request_goes_out_after_its_commit(app, smtp, users):
    """A publication from a command or a job (INSERT ... SELECT, never a flush) wakes it too."""
    from website.policy.service import publish_version, today

    users.create("grace@example.com", name="Grace")
    start_runner_with_slow_mail_timer(app)
    with app.app_context():
        publish_version("## Changed\n\nMore.\n", today() + timedelta(days=30), "Changed", True)
        assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 1
    wait_for(smtp, "grace@example.com")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """The 303 is the answer looked at; it is not followed."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        """Never a second request."""
        return None
