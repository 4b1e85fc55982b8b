"""A webhook that failed for good reaches the request handlers by email (through the outbox, to
the test SMTP server): once per failure, however many rounds the jobs run, with a link to the
request's tasks; sent again by hand and failing again, it is told again."""

from __future__ import annotations

import pytest

from tests.alerts.conftest import ADMIN, EDITOR, HANDLER, run_and_deliver
from tests.fixtures.mail import body_text
from tests.webhooks.conftest import add_webhook_system, deliver, task_of

pytestmark = pytest.mark.dialect  # failure times stored and compared

SUBJECT = "A webhook to API platform failed for good"


def alerts_to(smtp, address: str) -> list:  # type: ignore[no-untyped-def]
    """The webhook alerts one person received."""
    return [m for m in smtp.to(address) if m["Subject"].startswith(SUBJECT)]


def test_a_webhook_failed_for_good_alerts_the_request_handlers_once(
        app, client, auth, rights, site, team, smtp) -> None:
    # The endpoint answers a 4xx (the live site takes no such POST): no retry can fix it.
    add_webhook_system(client, auth, "API platform", f"{site}/no-such-hook")
    reference = rights.submit_and_verify()
    assert deliver(app, site) == (0, 1)
    task = task_of(app, reference, "API platform")
    assert task.failed_at is not None and "The endpoint answered 4" in task.last_error
    for _ in range(3):  # several rounds of the jobs: the failure is told once
        run_and_deliver(app)
        assert deliver(app, site) == (0, 0)
    (message,) = alerts_to(smtp, HANDLER)
    assert reference in message["Subject"]
    text = body_text(message)
    assert "The endpoint answered 4" in text and f"/admin/rights/{reference}#tasks" in text
    assert alerts_to(smtp, EDITOR) == alerts_to(smtp, ADMIN) == []

    # Sent again by hand, it fails again: a new event, told once more.
    response = client.post(f"/admin/rights/{reference}/tasks/{task.id}/resend")
    assert response.status_code == 303
    assert deliver(app, site) == (0, 1)
    run_and_deliver(app)
    run_and_deliver(app)
    assert len(alerts_to(smtp, HANDLER)) == 2
