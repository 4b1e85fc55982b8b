"""While the database is away, the shipped nginx.conf keeps serving the stored public pages to
visitors without cookies for stale-if-error seconds past their freshness, and not one second
more: then the visitor gets the 503, never an outdated policy (issue 22).

deploy/nginx.conf (rendered as tests/deploy/test_nginx.py renders it) in front of two gunicorn
workers with production settings and a small STALE_IF_ERROR_SECONDS; PostgreSQL refuses the
site's connections; real sleeps measured from when nginx stored the page."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.deploy.test_nginx_publication import COOKIE
from tests.fixtures.database import POSTGRES_ADMIN_URL
from tests.fixtures.services import free_port
from tests.outage import app_on, cut_connections
from tests.site_processes import nginx_front, running_site, sleep_until
from website.pagecache import SHARED_CACHE_CONTROL

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

FRESH, REVALIDATING = (int(re.search(rf"{name}=(\d+)", SHARED_CACHE_CONTROL).group(1))
                       for name in ("s-maxage", "stale-while-revalidate"))
# Longer than stale-while-revalidate, so that a stale answer after it is stale-if-error's alone.
BOUND = REVALIDATING + 8
MARGIN = 1.5  # nginx counts whole seconds


def test_stored_pages_answer_for_the_bound_then_the_outage_shows(postgres_database,
                                                                  tmp_path: Path) -> None:
    name, admin = postgres_database
    app_on(name)  # migrated, with policy version 1
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    upstream, https = free_port(), free_port()
    production = {"APP_ENV": "production", "TRUSTED_PROXIES": "1",
                  "SITE_URL": f"https://127.0.0.1:{https}",
                  "STALE_IF_ERROR_SECONDS": str(BOUND)}
    with running_site(tmp_path, url, workers=2, port=upstream, **production), nginx_front(
            tmp_path, upstream, https) as front:
        stored = front.get("/privacy")
        fetched = time.monotonic()
        assert stored.status == 200 and stored.headers["x-cache"] == "MISS"
        assert f"stale-if-error={BOUND}" in stored.headers["cache-control"]
        assert front.get("/privacy").headers["x-cache"] == "HIT"
        cut_connections(admin, name, allow=False)
        try:
            served: list[tuple[float, str]] = []
            sleep_until(fetched + FRESH + REVALIDATING + MARGIN)
            while time.monotonic() < fetched + FRESH + BOUND - MARGIN:
                answer = front.get("/privacy")
                assert answer.status == 200 and answer.body == stored.body, (
                    answer.status, answer.headers.get("x-cache"), time.monotonic() - fetched)
                served.append((time.monotonic() - fetched, answer.headers["x-cache"]))
                time.sleep(0.5)
            assert served and {cache for _, cache in served} == {"STALE"}, served
            sleep_until(fetched + FRESH + BOUND + MARGIN)
            after = front.get("/privacy")
            refused_at = time.monotonic() - fetched
            assert after.status == 503 and after.body != stored.body
            assert "Temporarily unavailable" in after.body
            assert front.get("/privacy", COOKIE).status == 503  # what nginx did not store
        finally:
            cut_connections(admin, name, allow=True)
        deadline = time.monotonic() + 10
        while (healed := front.get("/privacy")).status != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert healed.status == 200 and healed.body == stored.body  # back without a restart
    print(f"\nstale-if-error={BOUND}, s-maxage={FRESH}: the stored page served until "
          f"{served[-1][0]:.1f} s after it was fetched (limit {FRESH + BOUND} s), "
          f"503 at {refused_at:.1f} s")
