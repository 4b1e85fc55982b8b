"""The receiver crashes mid-delivery (it took a task and died before replying), with the site's
own job runner sending: every task still ends done, none is lost, and the receiver acts on
each once (a resend carries the same webhook-id and is recognised)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from tests.webhooks.conftest import add_webhook_system, task_of, wait_for
from website.extensions import db
from website.jobs import Job, register_job, start_jobs
from website.webhooks.delivery import deliver_due_webhooks
from website.webhooks.models import SeenAnswer

PEOPLE = ["grace@example.com", "alan@example.com", "edsger@example.com", "barbara@example.com"]


@pytest.mark.waits
def test_a_receiver_killed_mid_delivery_loses_nothing_and_acts_once(
        app, client, auth, rights, site, receiver) -> None:
    _, receiver.secret = add_webhook_system(client, auth, "API platform", receiver.endpoint)
    references = [rights.submit_and_verify(email=email) for email in PEOPLE]
    receiver.start(die_after=2)  # takes two tasks, then crashes before answering the second
    app.config.update(SITE_URL=site, WEBHOOK_RETRY_SECONDS=1, JOBS_ENABLED=True)
    register_job(app, Job("webhooks", deliver_due_webhooks, every=0.5))
    assert start_jobs(app)
    receiver.wait_until_dead()
    time.sleep(1.5)  # the runner meets a dead receiver for a while
    receiver.start()
    wait_for(lambda: all(task_of(app, ref, "API platform").state == "done"
                         for ref in references), timeout=90)
    ids = {f"msg_task_{task_of(app, ref, 'API platform').id}" for ref in references}
    assert receiver.deliveries() == dict.fromkeys(ids, 1)  # acted on once each
    # The crashed task was answered from the receiver's own record after its restart, or
    # sent again and recognised: either way each arrived, and no answer was taken twice.
    assert set(receiver.receipts()) == ids
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SeenAnswer)) == len(ids)
    grace = task_of(app, references[0], "API platform")
    assert grace.note == "2 API key(s)."
