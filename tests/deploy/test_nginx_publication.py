"""A publication reaches every visitor behind the shipped nginx.conf within
POLICY_CACHE_SECONDS + s-maxage + stale-while-revalidate, and stays reached.

deploy/nginx.conf (rendered as tests/deploy/test_nginx.py renders it) in front of two gunicorn
workers with production settings and the default POLICY_CACHE_SECONDS; the visits of
tests/pages/test_publication_reaches_workers.py, with real sleeps, through the front."""

from __future__ import annotations

import http.client
import re
import ssl
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import free_port, missing
from tests.deploy.test_nginx import NEEDS, NGINX, render_conf
from tests.site_processes import (
    Answer,
    current_in_list,
    policy_text,
    running_site,
    site_database,
    sleep_until,
    stop,
    version_in,
    wait_until_listening,
)
from website.pagecache import PUBLIC_CACHE_CONTROL

pytestmark = pytest.mark.slow

CACHE_SECONDS = 10  # POLICY_CACHE_SECONDS's default
SHARED_SECONDS = sum(int(n) for n in re.findall(
    r"(?:s-maxage|stale-while-revalidate)=(\d+)", PUBLIC_CACHE_CONTROL))
COOKIE = {"Cookie": "returning=1"}


@dataclass
class Front:
    """nginx's HTTPS port and the TLS context that trusts its throwaway certificate."""

    https: int
    tls: ssl.SSLContext

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        """One GET over HTTPS."""
        conn = http.client.HTTPSConnection("127.0.0.1", self.https, context=self.tls,
                                           timeout=30)
        try:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            body = response.read().decode("utf-8", errors="replace")
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()},
                          body)
        finally:
            conn.close()

    def crowd(self, path: str, headers: dict[str, str] | None = None) -> list[Answer]:
        """Eight visitors at once."""
        with ThreadPoolExecutor(max_workers=8) as pool:
            return list(pool.map(lambda _: self.get(path, headers), range(8)))

    def seen(self, headers: dict[str, str]) -> tuple[set[str], set[str]]:
        """The versions /privacy shows and /privacy/versions marks in force."""
        return ({version_in(a) for a in self.crowd("/privacy", headers)},
                {current_in_list(a) for a in self.crowd("/privacy/versions", headers)})


@contextmanager
def nginx_front(folder: Path, https: int, upstream: int) -> Iterator[Front]:
    """The shipped nginx.conf on `https`, in front of gunicorn on `upstream`."""
    if not Path(NGINX).exists() or not Path(
            "/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so").exists():
        missing(NEEDS)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", str(folder / "key.pem"),
         "-out", str(folder / "cert.pem")], check=True, capture_output=True)
    (folder / "nginx.conf").write_text(render_conf(folder, https, free_port(), upstream))
    nginx = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=(folder / "nginx.log").open("w"))
    try:
        wait_until_listening(https, nginx, "nginx")
        tls = ssl.create_default_context(cafile=str(folder / "cert.pem"))
        tls.check_hostname = False
        yield Front(https, tls)
    finally:
        stop(nginx)


def test_a_publication_reaches_every_visitor_behind_nginx(tmp_path: Path) -> None:
    upstream, https = free_port(), free_port()
    production = {"APP_ENV": "production", "TRUSTED_PROXIES": "1",
                  "SITE_URL": f"https://127.0.0.1:{https}",
                  "POLICY_CACHE_SECONDS": str(CACHE_SECONDS)}
    with site_database(tmp_path) as url, running_site(
            tmp_path, url, workers=2, port=upstream, **production) as site, nginx_front(
            tmp_path, https, upstream) as front:
        assert front.seen({}) == ({"v1"}, {"v1"})
        assert front.get("/privacy").headers["x-cache"] == "HIT"
        sleep_until(time.monotonic() + CACHE_SECONDS + 0.5)
        assert front.seen(COOKIE) == ({"v1"}, {"v1"})
        published = site.publish(policy_text("v2"), tmp_path, "--summary", "Second.")
        front.seen({})  # right after: either version may answer, within the window
        sleep_until(published + CACHE_SECONDS + SHARED_SECONDS + 1)
        until = time.monotonic() + SHARED_SECONDS + 2
        while time.monotonic() < until:
            for headers in ({}, COOKIE, {"Sec-GPC": "1"}):
                assert front.seen(headers) == ({"v2"}, {"v2"}), headers
            time.sleep(1)
        page = front.get("/privacy")
        for validators in ({"If-None-Match": page.headers["etag"]},
                           {"If-Modified-Since": page.headers["last-modified"]}):
            assert {a.status for a in front.crowd("/privacy", validators)} == {304}
