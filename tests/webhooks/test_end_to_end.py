"""The site and the reference receiver (examples/webhook_receiver), each a real HTTP server:
a task goes out signed from the webhook job, the receiver answers by a signed POST to the
task's callback URL, and the answer settles the task (the data in the requester's export, the
erasure's counts on the task)."""

from __future__ import annotations

from tests.rights.conftest import downloaded_export
from tests.webhooks.conftest import add_webhook_system, deliver, task_of, wait_for


def test_an_access_requests_export_holds_the_receivers_data(
        app, client, auth, rights, smtp, site, receiver):
    _, receiver.secret = add_webhook_system(client, auth, "API platform", receiver.endpoint)
    receiver.start()
    reference = rights.submit_and_verify()
    assert task_of(app, reference, "API platform").state == "pending"
    assert deliver(app, site) == (1, 0), task_of(app, reference, "API platform").last_error
    wait_for(lambda: task_of(app, reference, "API platform").state == "done")
    task = task_of(app, reference, "API platform")
    assert task.note == "2 API key(s)." and task.sent_at is not None and task.attempts == 1
    assert receiver.deliveries() == {f"msg_task_{task.id}": 1}
    assert client.post(f"/admin/rights/{reference}/complete",
                       data={"outcome": "Sent: your data from every system."}).status_code == 303
    data = downloaded_export(app, smtp, reference)
    part = {part["system"]: part for part in data["systems"]}["API platform"]
    assert part["data"]["profile"] == {"email": "grace@example.com", "account_id": 7,
                                       "name": "Grace Hopper", "plan": "pro"}
    assert [key["key_id"] for key in part["data"]["api_keys"]] == ["k_1", "k_2"]


def test_an_erasure_completes_only_after_the_receiver_confirms(
        app, client, auth, rights, site, receiver):
    _, receiver.secret = add_webhook_system(client, auth, "API platform", receiver.endpoint)
    reference = rights.submit_and_verify(request_type="deletion")
    approve = f"/admin/rights/{reference}/approve_deletion"
    refused = client.post(approve, data={"confirm": "yes"})
    assert refused.status_code == 400
    assert "Still waiting on 1 system(s): API platform" in refused.get_data(as_text=True)
    receiver.start()
    assert receiver.people() == 1
    assert deliver(app, site) == (1, 0)
    wait_for(lambda: task_of(app, reference, "API platform").state == "done")
    assert task_of(app, reference, "API platform").note == 'Erased. {"api_keys": 2, "people": 1}'
    assert receiver.people() == 0
    assert client.post(approve, data={"confirm": "yes"}).status_code == 303


def test_a_receiver_that_is_down_or_answers_500_is_retried_and_takes_each_task_once(
        app, client, auth, rights, site, receiver):
    app.config["WEBHOOK_RETRY_SECONDS"] = 0  # due again at once: the test drives the rounds
    _, receiver.secret = add_webhook_system(client, auth, "API platform", receiver.endpoint)
    reference = rights.submit_and_verify()
    assert deliver(app, site) == (0, 1)  # down: nothing listens
    task = task_of(app, reference, "API platform")
    assert task.state == "pending" and task.attempts == 1 and task.failed_at is None
    assert "Connection refused" in task.last_error
    page = client.get(f"/admin/rights/{reference}").get_data(as_text=True)
    assert "Webhook retrying (1 tries so far)" in page
    receiver.start(fail_first=2)
    assert deliver(app, site) == (0, 1)  # 500
    assert deliver(app, site) == (0, 1)  # 500
    assert "HTTP Error 500" in task_of(app, reference, "API platform").last_error
    assert deliver(app, site) == (1, 0)
    wait_for(lambda: task_of(app, reference, "API platform").state == "done")
    assert deliver(app, site) == (0, 0)  # nothing is due any more
    task = task_of(app, reference, "API platform")
    assert task.attempts == 4 and task.last_error == ""
    assert receiver.deliveries() == {f"msg_task_{task.id}": 1}


def test_a_task_that_keeps_failing_is_shown_failed_on_the_request(
        app, client, auth, rights, site, receiver):
    app.config.update(WEBHOOK_RETRY_SECONDS=0, WEBHOOK_MAX_ATTEMPTS=2)
    _, secret = add_webhook_system(client, auth, "API platform", receiver.endpoint)
    reference = rights.submit_and_verify()
    assert deliver(app, site) == (0, 1)
    assert deliver(app, site) == (0, 1)
    assert deliver(app, site) == (0, 0)  # failed for good: not tried again
    task = task_of(app, reference, "API platform")
    assert task.failed_at is not None and task.state == "pending"
    page = client.get(f"/admin/rights/{reference}").get_data(as_text=True)
    assert "Webhook failed for good after 2 tries" in page
    # Once the system is back, the handler sends it again by hand.
    receiver.secret = secret
    receiver.start()
    again = client.post(f"/admin/rights/{reference}/tasks/{task.id}/resend")
    assert again.status_code == 303
    assert deliver(app, site) == (1, 0)
    wait_for(lambda: task_of(app, reference, "API platform").state == "done")
