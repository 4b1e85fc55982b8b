"""Login throttling per IP and per account, and limits on the other account forms."""

from __future__ import annotations

import pytest

from tests.fixtures.app import make_app
from tests.fixtures.users import PASSWORD, Users


@pytest.fixture
def limited(app, migrated):
    """An app with rate limits on (memory storage); `app` has emptied the database first."""
    limited = make_app(migrated, RATELIMIT_ENABLED=True)
    Users(limited).create()
    return limited


WRONG = "wrong password!"


def attempt(client, email="ada@example.com", password=WRONG, ip="10.0.0.1"):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def assert_limited(response) -> None:
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many requests" in page and "</html>" in page
    assert response.headers.get("Retry-After")


def test_failures_per_account_are_limited_per_client(limited):
    """Five wrong passwords for one account from one client: that client waits (even with the
    right password and the address spelt otherwise); the owner elsewhere does not (finding 1,
    tests/security/test_pentest_findings.py)."""
    client = limited.test_client()
    for _ in range(5):
        assert attempt(client, ip="10.0.1.1").status_code == 401
    assert_limited(attempt(client, password=PASSWORD, ip="10.0.1.1"))
    assert_limited(attempt(client, email="ADA@example.com ", ip="10.0.1.1"))
    # Another account is not affected.
    assert attempt(client, email="other@example.com", ip="10.0.1.1").status_code == 401


def test_failures_per_ip_are_limited_across_accounts(limited):
    client = limited.test_client()
    for n in range(10):
        assert attempt(client, email=f"user{n}@example.com").status_code == 401
    assert_limited(attempt(client, email="ada@example.com", password=PASSWORD))
    assert attempt(client, ip="10.0.0.2", password=PASSWORD).status_code == 303


def test_successful_logins_do_not_count(limited):
    client = limited.test_client()
    for _ in range(12):
        assert attempt(client, password=PASSWORD).status_code == 303
        client.post("/logout")


def test_register_is_limited_per_ip(limited):
    client = limited.test_client()
    for n in range(10):
        client.post("/register", data={"email": f"u{n}@example.com"})
    assert_limited(client.post("/register", data={"email": "late@example.com"}))
    assert client.get("/register").status_code == 200  # reading the form is never limited


def test_password_forgot_is_limited_per_email(limited):
    client = limited.test_client()
    for _ in range(3):
        response = client.post("/password/forgot", data={"email": "ada@example.com"},
                               environ_base={"REMOTE_ADDR": "10.0.2.1"})
        assert response.status_code == 200
    assert_limited(client.post("/password/forgot", data={"email": "ada@example.com"},
                               environ_base={"REMOTE_ADDR": "10.0.2.1"}))


def test_limits_are_off_when_disabled(client, users):
    users.create()
    for _ in range(12):
        assert attempt(client).status_code == 401


@pytest.mark.redis
def test_limits_shared_through_redis(app, migrated, redis_url):
    import redis

    first = make_app(migrated, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url)
    Users(first).create()
    client = first.test_client()
    for _ in range(5):
        assert attempt(client, ip="10.0.3.1").status_code == 401
    assert redis.Redis.from_url(redis_url).keys("LIMITS:*")
    # A second worker sharing the same Redis sees the same count.
    second = make_app(migrated, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url)
    assert_limited(attempt(second.test_client(), password=PASSWORD, ip="10.0.3.1"))
