"""deploy/nginx.conf as shipped (ports and paths substituted) in front of gunicorn, over TLS with
a throwaway self-signed certificate: the micro-cache, its bypass, a POST, compression, static files.
"""

from __future__ import annotations

import getpass
import http.client
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import brotli
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import (
    FINGERPRINT,
    ROOT,
    free_port,
    make_app,
    missing,
    port_open,
    static_folder,
)
from website.extensions import db
from website.policy.service import ensure_first_version

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NEEDS = ("nginx with brotli is not installed (apt-get install nginx-light "
         "libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static; .ci/run does it)")


@dataclass
class Front:
    """The running pair: nginx's HTTPS and HTTP ports, its TLS context, the database URL."""

    https: int
    http: int
    tls: ssl.SSLContext
    database_url: str

    def request(self, method: str, path: str, headers: dict | None = None,
                body: str | None = None) -> tuple[http.client.HTTPResponse, bytes]:
        """One request over HTTPS; the answer and its raw (maybe compressed) body."""
        conn = http.client.HTTPSConnection("127.0.0.1", self.https, context=self.tls, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()


def render_conf(folder: Path, https: int, plain: int, upstream: int,
                static: Path | None = None) -> str:
    """deploy/nginx.conf with this test's ports and paths (every substitution must apply);
    bench/bench_nginx.py runs the same rendering."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    static = static_folder() if static is None else static
    substitutions = {
        # Workers as this test's user: they write the cache in the test's private folder.
        "user www-data;": f"user {getpass.getuser()};",
        "pid /run/nginx.pid;": f"pid {folder}/nginx.pid;",
        "/var/log/nginx/": f"{folder}/",
        "/var/cache/nginx/privacy": f"{folder}/cache",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream};",
        "server 127.0.0.1:8000 max_fails=0;": f"server 127.0.0.1:{upstream} max_fails=0;",
        "listen 80 default_server;": f"listen 127.0.0.1:{plain} default_server;",
        "listen [::]:80 default_server;": "",
        "listen 80;": f"listen 127.0.0.1:{plain};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "/etc/ssl/privacy/fullchain.pem": f"{folder}/cert.pem",
        "/etc/ssl/privacy/privkey.pem": f"{folder}/key.pem",
        "/srv/privacy-site/static/": f"{static}/",
        "http {\n": "http {\n" + "".join(
            f"    {kind}_temp_path {folder}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")),
    }
    for old, new in substitutions.items():
        assert old in conf, f"deploy/nginx.conf no longer contains {old!r}"
        conf = conf.replace(old, new)
    return conf


def wait_for(port: int, process: subprocess.Popen, what: str) -> None:
    """Until something listens on the port (or the process died)."""
    deadline = time.monotonic() + 90  # generous: the machine may be loaded
    while not port_open("127.0.0.1", port):
        assert process.poll() is None, f"{what} exited with {process.returncode}"
        assert time.monotonic() < deadline, f"{what} did not start"
        time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    """Stop a process this test started, by its own PID."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    """gunicorn (production settings, TRUSTED_PROXIES=1) behind the shipped nginx.conf."""
    if not Path(NGINX).exists() or not Path(
            "/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so").exists():
        missing(NEEDS)
    folder = tmp_path_factory.mktemp("nginx")
    url = f"sqlite:///{folder / 'site.db'}"
    app = make_app(url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(ROOT / "migrations"))
        ensure_first_version()
        db.engine.dispose()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", str(folder / "key.pem"),
         "-out", str(folder / "cert.pem")], check=True, capture_output=True)
    upstream, https, plain = free_port(), free_port(), free_port()
    env = {**os.environ, "APP_ENV": "production", "SECRET_KEY": "nginx-test-key",
           "AUDIT_KEY": "nginx-test-audit-key",
           "WEBHOOK_SECRET_KEY": "nginx-test-webhook-key",
           "DATABASE_URL": url, "TRUSTED_PROXIES": "1", "RATELIMIT_ENABLED": "false",
           "SITE_URL": f"https://127.0.0.1:{https}", "INSTANCE_PATH": str(folder / "instance"),
           "JOBS_ENABLED": "false"}
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--no-control-socket", "-w", "1", "--timeout", "120",
         "-b", f"127.0.0.1:{upstream}", "app:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(folder / "gunicorn.log").open("w"))
    (folder / "nginx.conf").write_text(render_conf(folder, https, plain, upstream))
    check = subprocess.run([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-t"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    nginx = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(upstream, gunicorn, "gunicorn")
        wait_for(https, nginx, "nginx")
        tls = ssl.create_default_context(cafile=str(folder / "cert.pem"))
        tls.check_hostname = False
        yield Front(https, plain, tls, url)
    finally:
        stop(nginx)
        stop(gunicorn)


def test_anonymous_page_is_served_from_the_micro_cache(front: Front) -> None:
    first, body = front.request("GET", "/privacy")
    assert first.status == 200 and "Version 1" in body.decode()
    assert first.getheader("Cache-Control").startswith("public")
    # X-Forwarded-Proto reached the app (TRUSTED_PROXIES=1): it knows it is served over HTTPS.
    assert first.getheader("Strict-Transport-Security")
    second, again = front.request("GET", "/privacy")
    assert second.getheader("X-Cache") == "HIT" and again == body
    assert second.getheader("ETag") == first.getheader("ETag")


def test_a_cookie_bypasses_the_cache(front: Front) -> None:
    front.request("GET", "/privacy")
    response, body = front.request("GET", "/privacy", {"Cookie": "returning=1"})
    assert response.getheader("X-Cache") == "BYPASS"
    assert response.getheader("Cache-Control") == "private, no-cache"
    assert 'id="consent-banner"' in body.decode()


def test_a_post_passes_through_and_is_stored(front: Front) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"https://127.0.0.1:{front.https}"}
    response, _ = front.request("POST", "/cookies/consent", form, "choice=reject_all")
    assert response.status == 303 and response.getheader("X-Cache") in (None, "", "BYPASS")
    cookie = response.getheader("Set-Cookie")
    assert cookie.startswith("consent=") and "Secure" in cookie
    refused, page = front.request("POST", "/cookies/consent",
                                  {**form, "Sec-Fetch-Site": "cross-site"}, "choice=accept_all")
    assert refused.status == 403 and "sent from another site" in page.decode()
    engine = create_engine(front.database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT granted, refused FROM consent_records")).all()
    engine.dispose()
    assert len(rows) == 1


def test_pages_are_compressed(front: Front) -> None:
    # As a browser asks (Fetch metadata): without it the answer is not compressed (BREACH).
    browser = {"Sec-Fetch-Site": "same-origin"}
    plain, body = front.request("GET", "/privacy")
    gzipped, _ = front.request("GET", "/privacy", {"Accept-Encoding": "gzip", **browser})
    assert gzipped.getheader("Content-Encoding") == "gzip"
    squeezed, data = front.request("GET", "/privacy", {"Accept-Encoding": "br", **browser})
    assert squeezed.getheader("Content-Encoding") == "br"
    assert brotli.decompress(data) == body


def test_cross_site_requests_get_uncompressed_answers(front: Front) -> None:
    # BREACH: another site must not be able to measure compressed sizes of the visitor's pages.
    site = f"https://127.0.0.1:{front.https}/"
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                    {"Referer": "https://attacker.example/page"}):
        response, body = front.request("GET", "/privacy", {"Accept-Encoding": "br, gzip",
                                                           **headers})
        assert response.status == 200 and response.getheader("Content-Encoding") is None
        assert "Version 1" in body.decode()
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"},
                    {"Referer": site + "cookies"}, {"Referer": "https://127.0.0.1/"}):
        response, _ = front.request("GET", "/privacy", {"Accept-Encoding": "br", **headers})
        assert response.getheader("Content-Encoding") == "br", headers


def test_static_files_from_disk_immutable_and_precompressed(front: Front) -> None:
    _, page = front.request("GET", "/")
    stylesheet = re.search(rf'href="(/static/css/site{FINGERPRINT}\.css)"', page.decode())
    assert stylesheet, page.decode()[:1500]
    response, raw = front.request("GET", stylesheet.group(1), {"Accept-Encoding": "br"})
    assert response.status == 200
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Content-Encoding") == "br"
    source = (ROOT / "static" / "css" / "site.css").read_bytes()
    assert brotli.decompress(raw) == source
    plain, _ = front.request("GET", "/static/css/site.css")
    assert plain.getheader("Cache-Control") == "public, max-age=0, must-revalidate"


def test_plain_http_is_redirected_to_https(front: Front) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", front.http, timeout=60)
    conn.request("GET", "/privacy?x=1", headers={"Host": "privacy.example.com"})
    response = conn.getresponse()
    conn.close()
    assert response.status == 301
    assert response.getheader("Location") == "https://privacy.example.com/privacy?x=1"
