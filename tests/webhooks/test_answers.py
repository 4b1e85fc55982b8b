"""A system's answer at /hooks/tasks/<task_id>: signed with its own secret within 5 minutes,
each webhook-id once, a small JSON document; anything else is a clear 4xx and changes nothing."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select

from tests.webhooks.conftest import add_webhook_system, task_of
from website.extensions import db
from website.systems.models import RequestTask
from website.webhooks.delivery import record_sent
from website.webhooks.models import SeenAnswer
from website.webhooks.signing import headers as signed_headers
from website.webhooks.signing import new_secret


@pytest.fixture
def open_task(app, client, auth, rights):  # type: ignore[no-untyped-def]
    """A verified access request's task for a webhook system: (reference, task id, secret)."""
    _, secret = add_webhook_system(client, auth, "API platform", "http://127.0.0.1:9/hook")
    reference = rights.submit_and_verify()
    return reference, task_of(app, reference, "API platform").id, secret


def post(client, task_id: int, secret: str, answer: object, message_id: str = "msg_a1",
         now: float | None = None, raw: bytes | None = None):  # type: ignore[no-untyped-def]
    """POST an answer signed with `secret`, as a system does (no cookies)."""
    body = raw if raw is not None else json.dumps(answer).encode()
    client.delete_cookie("session")
    return client.post(f"/hooks/tasks/{task_id}", data=body, content_type="application/json",
                       headers=signed_headers(secret, message_id, body, now))


DONE = {"status": "done", "summary": "1 key.", "data": {"api_keys": ["k_1"]}}


def unchanged(app, reference: str) -> bool:  # type: ignore[no-untyped-def]
    """The task is still open, with no export, and no answer id was kept."""
    task = task_of(app, reference, "API platform")
    with app.app_context():
        seen = db.session.scalar(select(func.count()).select_from(SeenAnswer))
        has_upload = db.session.get(type(task), task.id).upload is not None
    return task.state == "pending" and not has_upload and seen == 0


def test_a_signed_answer_settles_the_task_and_its_replay_is_refused(app, client, open_task):
    reference, task_id, secret = open_task
    response = post(client, task_id, secret, DONE)
    assert response.status_code == 200 and response.get_json()["state"] == "done"
    assert task_of(app, reference, "API platform").note == "1 key."
    again = post(client, task_id, secret, DONE)
    assert again.status_code == 409 and "replay" in again.get_json()["error"]


@pytest.mark.parametrize(("case", "status", "words"), [
    ("wrong secret", 401, "does not match"),
    ("stale", 401, "5-minute window"),
    ("unsigned", 401, "headers are required"),
    ("not json", 400, "not JSON"),
    ("bad status", 400, '"done" or "refused"'),
    ("unknown field", 400, "Unknown fields"),
    ("refusal without reason", 400, "needs its reason"),
    ("access without data", 400, "carries the person's data"),
    ("oversized", 413, "larger than"),
])
def test_a_bad_answer_is_refused_and_changes_nothing(app, client, open_task, case, status, words):
    reference, task_id, secret = open_task
    if case == "wrong secret":
        response = post(client, task_id, new_secret(), DONE)
    elif case == "stale":
        response = post(client, task_id, secret, DONE, now=time.time() - 301)
    elif case == "unsigned":
        response = client.post(f"/hooks/tasks/{task_id}", json=DONE)
    elif case == "not json":
        response = post(client, task_id, secret, None, raw=b"{status: done")
    elif case == "bad status":
        response = post(client, task_id, secret, {**DONE, "status": "ok"})
    elif case == "unknown field":
        response = post(client, task_id, secret, {**DONE, "extra": 1})
    elif case == "refusal without reason":
        response = post(client, task_id, secret, {"status": "refused", "reason": " "})
    elif case == "access without data":
        response = post(client, task_id, secret, {"status": "done", "summary": "x"})
    else:
        app.config["WEBHOOK_ANSWER_MAX_BYTES"] = 1000
        response = post(client, task_id, secret, {**DONE, "data": {"blob": "x" * 2000}})
    assert response.status_code == status, response.get_data(as_text=True)
    assert words in response.get_json()["error"]
    assert unchanged(app, reference)


def test_a_refusal_waives_the_task_with_its_reason(app, client, open_task):
    reference, task_id, secret = open_task
    response = post(client, task_id, secret, {"status": "refused", "reason": "Legal hold."})
    assert response.status_code == 200
    task = task_of(app, reference, "API platform")
    assert task.state == "waived" and task.note == "Refused by API platform: Legal hold."


def test_an_answer_to_a_closed_task_is_refused(app, client, open_task):
    reference, task_id, secret = open_task
    assert post(client, task_id, secret, DONE).status_code == 200
    late = post(client, task_id, secret, {"status": "refused", "reason": "x"}, "msg_a2")
    assert late.status_code == 409 and "closed" in late.get_json()["error"]
    assert task_of(app, reference, "API platform").state == "done"


def test_another_systems_secret_cannot_answer(app, client, auth, open_task):
    reference, task_id, _ = open_task
    _, other = add_webhook_system(client, auth, "Billing hooks", "http://127.0.0.1:9/other",
                                  login=False)
    assert post(client, task_id, other, DONE).status_code == 401
    assert unchanged(app, reference)


def test_answer_ids_are_kept_only_while_a_replay_could_pass(app, client, open_task):
    from datetime import timedelta

    from sqlalchemy import update

    from website.extensions import utcnow
    from website.webhooks.delivery import deliver_due_webhooks

    _, task_id, secret = open_task
    assert post(client, task_id, secret, DONE).status_code == 200
    with app.app_context():
        deliver_due_webhooks()
        assert db.session.scalar(select(func.count()).select_from(SeenAnswer)) == 1
        db.session.execute(update(SeenAnswer).values(seen_at=utcnow() - timedelta(minutes=11)))
        db.session.commit()
        deliver_due_webhooks()
        assert db.session.scalar(select(func.count()).select_from(SeenAnswer)) == 0


def test_an_answer_that_comes_before_the_send_is_recorded_keeps_the_send_time(
        app, client, open_task):
    """A fast system answers while its 2xx is still on the way back: the task stays settled
    and still shows when it was sent (a loaded CI run saw it done with no send time)."""
    reference, task_id, secret = open_task
    assert post(client, task_id, secret, DONE).status_code == 200
    with app.app_context():
        task = db.session.get(RequestTask, task_id)
        record_sent(task)
        db.session.commit()
    task = task_of(app, reference, "API platform")
    assert task.state == "done" and task.note == "1 key."
    assert task.sent_at is not None and task.attempts == 1
