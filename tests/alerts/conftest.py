"""The team the alerts go to, and one round of the alerts job delivered to the SMTP server."""

from __future__ import annotations

import pytest

from tests.rights.conftest import rights  # noqa: F401 - the public flow fixture
from tests.webhooks.conftest import site  # noqa: F401 - the app served for real
from website.alerts.service import send_due_alerts
from website.mail.service import send_pending

ADMIN, HANDLER, EDITOR = "boss@example.com", "handler@example.com", "editor@example.com"


@pytest.fixture
def team(users) -> None:
    users.create(email=ADMIN, roles="administrator")
    users.create(email=HANDLER, roles="request_handler")
    users.create(email=EDITOR, roles="policy_editor")
    users.create(email="unconfirmed@example.com", roles="administrator request_handler",
                 confirmed=False)


def run_and_deliver(app) -> int:
    """One round of the alerts, then the outbox to the SMTP server; how many alerts were new."""
    with app.app_context():
        count = send_due_alerts()
        send_pending()
    return count
