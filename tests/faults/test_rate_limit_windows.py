"""Filling the form rate limits gives 429 pages in the site's look, then service comes back
when the window has passed; what was refused is not stored.

The first-hit 429s are proved per form in tests/support, tests/rights and tests/accounts; this
adds the window ending, for all three limited forms at once, with memory and Redis storage."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from tests.fixtures.app import make_app
from tests.fixtures.users import PASSWORD, Users
from website.extensions import db
from website.rights.models import RightsRequest
from website.support.models import SupportRequest

# Long enough that six requests fit in one window on a loaded machine; short enough to wait out.
SHORT = "2 per 5 seconds"
SUPPORT = {"name": "Grace Hopper", "email": "grace@example.com", "category": "general",
           "subject": "Limits", "message": "Hello."}
RIGHTS = {"request_type": "access", "name": "Grace Hopper", "email": "grace@example.com",
          "details": "Everything."}


def assert_limited_page(response) -> int:
    """A 429 in the site's own page, with Retry-After; returns the seconds to wait."""
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many requests" in page and "Please try again in " in page
    assert 'class="site-header"' in page and "/static/css/site-" in page
    assert "Traceback" not in page
    seconds = int(response.headers["Retry-After"])
    # The page says when, in the same terms as the Retry-After header.
    said = re.search(r"Please try again in (\d+) (second|minute)", page)
    assert said, page
    amount = int(said.group(1)) * (60 if said.group(2) == "minute" else 1)
    assert abs(amount - seconds) <= 60
    return seconds


def count(app, model) -> int:
    """Rows of one model."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture(params=["memory", "redis"])
def limited(request, app, migrated):
    """An app with short limits on every form, in memory or in Redis (as in production)."""
    storage = "memory://"
    if request.param == "redis":
        storage = request.getfixturevalue("redis_url")
    limited = make_app(
        migrated, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage,
        SUPPORT_RATE_LIMIT=SHORT, RIGHTS_RATE_LIMIT=SHORT,
        LOGIN_LIMIT_PER_IP=SHORT, LOGIN_LIMIT_PER_ACCOUNT=SHORT,
    )
    Users(limited).create(email="grace@example.com")
    yield limited
    with limited.app_context():
        db.engine.dispose()


def test_full_limits_give_429_then_service_again(limited):
    client = limited.test_client()
    # Each rights request from its own address: the same one again is not a new request.
    for n in range(2):
        assert client.post("/support", data=SUPPORT).status_code == 303
        assert client.post("/rights", data={**RIGHTS, "email": f"grace{n}@example.com"}
                           ).status_code == 303
        wrong = {"email": "grace@example.com", "password": "not the password"}
        assert client.post("/login", data=wrong).status_code == 401
    waits = [
        assert_limited_page(client.post("/support", data=SUPPORT)),
        assert_limited_page(client.post("/rights", data=RIGHTS)),
        assert_limited_page(
            client.post("/login", data={"email": "grace@example.com", "password": PASSWORD})
        ),
    ]
    assert count(limited, SupportRequest) == 2 and count(limited, RightsRequest) == 2
    assert client.get("/support").status_code == 200, "reading a form is never limited"

    # Retry-After is whole seconds rounded down, so the window ends within one more second.
    time.sleep(min(max(waits), 5) + 1.1)
    assert client.post("/support", data=SUPPORT).status_code == 303
    assert client.post("/rights", data={**RIGHTS, "email": "grace2@example.com"}
                       ).status_code == 303
    login = client.post("/login", data={"email": "grace@example.com", "password": PASSWORD})
    assert login.status_code == 303
    assert count(limited, SupportRequest) == 3 and count(limited, RightsRequest) == 3
