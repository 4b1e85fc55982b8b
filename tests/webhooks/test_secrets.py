"""A webhook system's signing secret is shown once, kept only sealed with WEBHOOK_SECRET_KEY,
replaced after a recent sign-in; its endpoint may not point into a private network unless the
host is allowed, checked when saved and again when a task is sent."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.systems.conftest import SYSTEM
from tests.webhooks.conftest import add_webhook_system, deliver, task_of
from website.accounts.sessions import AUTH_AT
from website.extensions import db
from website.systems.models import System
from website.webhooks.keys import secret_of


def test_the_secret_is_shown_once_and_stored_sealed(app, client, auth) -> None:
    system_id, secret = add_webhook_system(client, auth, "API platform", "http://127.0.0.1:9/h")
    assert secret.startswith("whsec_")
    page = client.get(f"/admin/systems/{system_id}").get_data(as_text=True)
    assert secret not in page and "Make a new signing secret" in page
    with app.app_context():
        system = db.session.get(System, system_id)
        assert secret not in system.secret_sealed and secret[6:] not in system.secret_sealed
        assert secret_of(system) == secret
        app.config["WEBHOOK_SECRET_KEY"] = "another key"
        with pytest.raises(RuntimeError, match="cannot be opened"):
            secret_of(system)


def test_a_new_secret_needs_a_recent_sign_in_and_replaces_the_old(app, client, auth) -> None:
    system_id, first = add_webhook_system(client, auth, "API platform", "http://127.0.0.1:9/h")
    with client.session_transaction() as session:
        session[AUTH_AT] -= 11 * 60
    stale = client.post(f"/admin/systems/{system_id}/secret",
                        headers={"Referer": f"http://localhost/admin/systems/{system_id}"})
    assert stale.status_code == 303 and stale.headers["Location"].startswith("/reauth?next=")
    with app.app_context():
        assert secret_of(db.session.get(System, system_id)) == first
    with client.session_transaction() as session:
        session[AUTH_AT] += 11 * 60
    fresh = client.post(f"/admin/systems/{system_id}/secret")
    assert fresh.status_code == 200
    second = fresh.get_data(as_text=True).split('id="webhook-secret">')[1].split("<")[0]
    assert second.startswith("whsec_") and second != first
    with app.app_context():
        assert secret_of(db.session.get(System, system_id)) == second


@pytest.mark.parametrize(("endpoint", "words"), [
    ("https://localhost/hook", "loopback, private or link-local"),
    ("https://10.1.2.3/hook", "loopback, private or link-local"),
    ("https://169.254.169.254/latest/meta-data", "loopback, private or link-local"),
    ("https://[::1]/hook", "loopback, private or link-local"),
    ("http://hooks.example.com/hook", "https://"),
])
def test_an_endpoint_into_a_private_network_is_refused_when_saved(app, client, auth, endpoint,
                                                                  words) -> None:
    auth.login(admin=True)
    response = client.post("/admin/systems", data={
        **SYSTEM, "kind": "webhook", "endpoint": endpoint, "instructions": ""})
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(System.id)) is None


def test_an_endpoint_no_longer_allowed_is_refused_when_sent(app, client, auth, rights,
                                                           site) -> None:
    app.config["WEBHOOK_ALLOWED_HOSTS"] = ["localhost"]
    add_webhook_system(client, auth, "API platform", "https://localhost:9/hook")
    reference = rights.submit_and_verify()
    app.config["WEBHOOK_ALLOWED_HOSTS"] = []  # the name is resolved again when sent
    assert deliver(app, site) == (0, 1)
    task = task_of(app, reference, "API platform")
    assert task.failed_at is not None and "loopback, private or link-local" in task.last_error


def test_production_refuses_to_start_without_a_webhook_key(monkeypatch, migrated) -> None:
    from website import create_app
    from website.config import ProductionConfig

    monkeypatch.setenv("SECRET_KEY", "production-test-key")
    monkeypatch.setenv("AUDIT_KEY", "production-audit-key")
    monkeypatch.delenv("WEBHOOK_SECRET_KEY", raising=False)
    config = ProductionConfig()
    config.SQLALCHEMY_DATABASE_URI = migrated
    with pytest.raises(RuntimeError, match="WEBHOOK_SECRET_KEY must be set"):
        create_app(config)
