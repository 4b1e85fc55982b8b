"""A publication reaches every visitor behind the shipped nginx.conf within
POLICY_CACHE_SECONDS + s-maxage + stale-while-revalidate, and stays reached.

deploy/nginx.conf (rendered by tests/site_processes.py) in front of two gunicorn
workers with production settings and the default POLICY_CACHE_SECONDS; the visits of
tests/pages/test_publication_reaches_workers.py, with real sleeps, through the front."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.fixtures.services import free_port
from tests.site_processes import (
    Answer,
    Front,
    current_in_list,
    nginx_front,
    policy_text,
    running_site,
    site_database,
    sleep_until,
    version_in,
)
from website.pagecache import PUBLIC_CACHE_CONTROL

pytestmark = pytest.mark.slow

CACHE_SECONDS = 10  # POLICY_CACHE_SECONDS's default
SHARED_SECONDS = sum(int(n) for n in re.findall(
    r"(?:s-maxage|stale-while-revalidate)=(\d+)", PUBLIC_CACHE_CONTROL))
COOKIE = {"Cookie": "returning=1"}


def crowd(front: Front, path: str, headers: dict[str, str] | None = None) -> list[Answer]:
    """Eight visitors at once."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda _: front.get(path, headers), range(8)))


def seen(front: Front, headers: dict[str, str]) -> tuple[set[str], set[str]]:
    """The versions /privacy shows and /privacy/versions marks in force."""
    return ({version_in(a) for a in crowd(front, "/privacy", headers)},
            {current_in_list(a) for a in crowd(front, "/privacy/versions", headers)})


def test_a_publication_reaches_every_visitor_behind_nginx(tmp_path: Path) -> None:
    upstream, https = free_port(), free_port()
    production = {"APP_ENV": "production", "TRUSTED_PROXIES": "1",
                  "SITE_URL": f"https://127.0.0.1:{https}",
                  "POLICY_CACHE_SECONDS": str(CACHE_SECONDS)}
    with site_database(tmp_path) as url, running_site(
            tmp_path, url, workers=2, port=upstream, **production) as site, nginx_front(
            tmp_path, upstream, https) as front:
        assert seen(front, {}) == ({"v1"}, {"v1"})
        assert front.get("/privacy").headers["x-cache"] == "HIT"
        sleep_until(time.monotonic() + CACHE_SECONDS + 0.5)
        assert seen(front, COOKIE) == ({"v1"}, {"v1"})
        published = site.publish(policy_text("v2"), tmp_path, "--summary", "Second.")
        seen(front, {})  # right after: either version may answer, within the window
        sleep_until(published + CACHE_SECONDS + SHARED_SECONDS + 1)
        until = time.monotonic() + SHARED_SECONDS + 2
        while time.monotonic() < until:
            for headers in ({}, COOKIE, {"Sec-GPC": "1"}):
                assert seen(front, headers) == ({"v2"}, {"v2"}), headers
            time.sleep(1)
        page = front.get("/privacy")
        for validators in ({"If-None-Match": page.headers["etag"]},
                           {"If-Modified-Since": page.headers["last-modified"]}):
            assert {a.status for a in crowd(front, "/privacy", validators)} == {304}
