"""A publication reaches every worker within POLICY_CACHE_SECONDS and stays reached.

Two real gunicorn workers, the default POLICY_CACHE_SECONDS, real sleeps, and a publication by
`flask policy import` in another process; nothing is cleared by hand. The order of the visits is
the one that once left every visitor without cookies on the superseded version for a day: an
anonymous visit, a visit with a cookie past the first check, the publication, an anonymous visit
right after."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.site_processes import (
    Site,
    current_in_list,
    policy_text,
    running_site,
    site_database,
    sleep_until,
    version_in,
)

pytestmark = pytest.mark.slow

CACHE_SECONDS = 10  # POLICY_CACHE_SECONDS's default
COOKIE = {"Cookie": "returning=1"}
VISITORS = ({}, COOKIE, {"Sec-GPC": "1"})


def seen(site: Site, headers: dict[str, str]) -> tuple[set[str], set[str]]:
    """The versions /privacy shows and /privacy/versions marks in force, to a crowd that both
    workers answer."""
    pages = {version_in(a) for a in site.crowd("/privacy", headers)}
    lists = {current_in_list(a) for a in site.crowd("/privacy/versions", headers)}
    return pages, lists


def test_a_publication_reaches_both_workers_and_stays(tmp_path: Path) -> None:
    with site_database(tmp_path) as url, running_site(
            tmp_path, url, workers=2, POLICY_CACHE_SECONDS=str(CACHE_SECONDS)) as site:
        assert seen(site, {}) == ({"v1"}, {"v1"})
        sleep_until(time.monotonic() + CACHE_SECONDS + 0.5)  # what they remember has run out
        assert seen(site, COOKIE) == ({"v1"}, {"v1"})
        published = site.publish(policy_text("v2"), tmp_path, "--summary", "Second.")
        seen(site, {})  # right after: either version may answer, within the window
        sleep_until(published + CACHE_SECONDS + 1)
        # From here on, every visitor in either worker reads version 2, through the next
        # checks of the published state.
        until = time.monotonic() + CACHE_SECONDS + 2
        while time.monotonic() < until:
            for headers in VISITORS:
                assert seen(site, headers) == ({"v2"}, {"v2"}), headers
            time.sleep(1)


def test_conditional_requests_agree_across_workers(tmp_path: Path) -> None:
    """One worker's ETag and Last-Modified get 304 from the other, before and after a
    publication; after it, the old validators get the new page."""
    with site_database(tmp_path) as url, running_site(
            tmp_path, url, workers=2, POLICY_CACHE_SECONDS="2") as site:
        for path in ("/privacy", "/privacy/versions"):
            first = site.get(path)
            etag, modified = first.headers["etag"], first.headers["last-modified"]
            for validators in ({"If-None-Match": etag}, {"If-Modified-Since": modified},
                               {"If-None-Match": f'"other", W/{etag}'},
                               {"If-None-Match": "*"}):
                assert {a.status for a in site.crowd(path, validators)} == {304}, validators
        old = site.get("/privacy")
        published = site.publish(policy_text("v2"), tmp_path, "--summary", "Second.")
        sleep_until(published + 2 + 1)
        for validators in ({"If-None-Match": old.headers["etag"]},
                           {"If-Modified-Since": old.headers["last-modified"]}):
            answers = site.crowd("/privacy", validators)
            assert {a.status for a in answers} == {200}, validators
            assert {version_in(a) for a in answers} == {"v2"}
            assert len({a.headers["etag"] for a in answers}) == 1
