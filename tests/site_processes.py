"""The site as it runs: gunicorn workers in their own processes on a database of the test's own,
the shipped deploy/nginx.conf in front of them over TLS, publications by `flask policy import`
from yet another process, and visitors over HTTP(S).

Used by the tests that prove a publication reaches every worker (tests/pages/) and every
visitor behind nginx (tests/deploy/)."""

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
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.fixtures import ROOT
from tests.fixtures.app import migrate
from tests.fixtures.database import fresh_database
from tests.fixtures.services import free_port, missing, port_open
from tests.fixtures.static import static_folder
from website.config import TestConfig

# The access log names the worker that answered: a test proves both took part.
ACCESS_FORMAT = '%(p)s "%(r)s" %(s)s'


@dataclass
class Answer:
    """One HTTP answer: status, headers (lower-case names) and body text."""

    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Site:
    """gunicorn serving the site; its environment, database and access log."""

    port: int
    env: dict[str, str]
    access_log: Path
    process: subprocess.Popen | None = None
    log_mark: int = field(default=0)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        """One GET on a fresh connection (sync workers close every connection anyway)."""
        return http_get("127.0.0.1", self.port, path, headers)

    def crowd(self, path: str, headers: dict[str, str] | None = None,
              times: int = 8, workers: int = 2) -> list[Answer]:
        """Visitors `times` at once, again until `workers` workers answered (a fast answer
        may leave the other worker idle in one round; 60 s at most)."""
        self.workers_since_mark()
        answers: list[Answer] = []
        seen: set[str] = set()
        deadline = time.monotonic() + 60  # generous: the machine may be loaded
        while time.monotonic() < deadline:
            with ThreadPoolExecutor(max_workers=times) as pool:
                answers += pool.map(lambda _: self.get(path, headers), range(times))
            seen |= self.workers_since_mark()
            if len(seen) >= workers:
                return answers
        raise AssertionError(f"only workers {seen} answered {path}")

    def publish(self, markdown: str, folder: Path, *extra: str) -> float:
        """`flask policy import` in another process; the monotonic time it returned."""
        source = folder / f"policy-{time.monotonic_ns()}.md"
        source.write_text(markdown, encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "policy", "import", str(source),
             *extra],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return time.monotonic()

    def workers_since_mark(self) -> set[str]:
        """The worker PIDs that answered since the last call (from the access log)."""
        lines = self.access_log.read_text().splitlines()
        seen = {line.split(" ", 1)[0] for line in lines[self.log_mark:] if line.strip()}
        self.log_mark = len(lines)
        return seen


def http_get(host: str, port: int, path: str, headers: dict[str, str] | None = None,
             timeout: float = 30) -> Answer:
    """One plain-HTTP GET."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read().decode("utf-8", errors="replace")
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        conn.close()


@contextmanager
def site_database(folder: Path) -> Iterator[str]:
    """A migrated database of this test's own holding version 1 (the run's kind of database)."""
    with fresh_database(folder, "test_site") as url:
        migrate(url, first_version=True)
        yield url


@contextmanager
def running_site(folder: Path, database_url: str, workers: int = 2, port: int = 0,
                 **settings: str) -> Iterator[Site]:
    """gunicorn with `workers` sync workers (no control socket: tests run side by side)."""
    port = port or free_port()
    # AUDIT_KEY: the one the migrated database's audit entries were written with (TestConfig's).
    env = {**os.environ, "SECRET_KEY": "site-test-key", "AUDIT_KEY": TestConfig().AUDIT_KEY,
           "WEBHOOK_SECRET_KEY": "site-test-webhook-key",
           "DATABASE_URL": database_url,
           "RATELIMIT_ENABLED": "false", "JOBS_ENABLED": "false",
           "RETENTION_AUTORUN": "false", "INSTANCE_PATH": str(folder / "instance"),
           "SITE_URL": f"http://127.0.0.1:{port}", **settings}
    site = Site(port, env, folder / "gunicorn-access.log")
    site.access_log.write_text("")
    site.process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--no-control-socket", "-w", str(workers),
         "--timeout", "120",  # generous: the machine may be loaded
         "-b", f"127.0.0.1:{port}", "--access-logfile", str(site.access_log),
         "--access-logformat", ACCESS_FORMAT, "app:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=(folder / "gunicorn.log").open("w"))
    try:
        wait_until_listening(port, site.process, "gunicorn")
        # The master listens before its workers have booted: a test's windows start once
        # every worker answers (on a loaded machine the second took longer than 30 visits).
        site.crowd("/healthz", workers=workers)
        yield site
    finally:
        stop(site.process)


def wait_until_listening(port: int, process: subprocess.Popen, what: str) -> None:
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
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sleep_until(moment: float) -> None:
    """Sleep until the monotonic clock reads `moment`."""
    time.sleep(max(0.0, moment - time.monotonic()))


def version_in(answer: Answer) -> str:
    """Which test text a /privacy page shows: 'v1' (the shipped policy) or the marker of a
    published test version ('v2', ...)."""
    found = re.findall(r"Marker of version (v\d+)\.", answer.body)
    return found[0] if found else "v1"


def current_in_list(answer: Answer) -> str:
    """Which version /privacy/versions marks as the one in force ('v1', 'v2', ...)."""
    found = re.findall(r'>Version (\d+)</a>\s*<span class="badge">current<', answer.body)
    return f"v{found[0]}" if found else "none"


def policy_text(marker: str) -> str:
    """A policy version whose page shows `marker` (see `version_in`)."""
    return f"# Privacy policy\n\nMarker of version {marker}.\n"


# --- nginx in front ---------------------------------------------------------------------

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
BROTLI = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
NEEDS = ("nginx with brotli is not installed (apt-get install nginx-light "
         "libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static; .ci/run does it)")


@dataclass
class Front:
    """nginx's HTTPS and HTTP ports and the TLS context that trusts its throwaway certificate."""

    https: int
    http: int
    tls: ssl.SSLContext

    def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                body: str | None = None) -> tuple[http.client.HTTPResponse, bytes]:
        """One request over HTTPS; the answer and its raw (maybe compressed) body."""
        conn = http.client.HTTPSConnection("127.0.0.1", self.https, context=self.tls, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        """One GET over HTTPS, as an Answer."""
        response, body = self.request("GET", path, headers)
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()},
                      body.decode("utf-8", errors="replace"))


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


@contextmanager
def nginx_front(folder: Path, upstream: int, https: int = 0) -> Iterator[Front]:
    """The shipped nginx.conf in front of gunicorn on `upstream`, with a throwaway self-signed
    certificate, HTTPS on `https` (or a free port) and plain HTTP on a free port."""
    if not Path(NGINX).exists() or not BROTLI.exists():
        missing(NEEDS)
    https, plain = https or free_port(), free_port()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", str(folder / "key.pem"),
         "-out", str(folder / "cert.pem")], check=True, capture_output=True)
    conf = folder / "nginx.conf"
    conf.write_text(render_conf(folder, https, plain, upstream))
    check = subprocess.run([NGINX, "-p", str(folder), "-c", str(conf), "-t"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    nginx = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=(folder / "nginx.log").open("w"))
    try:
        wait_until_listening(https, nginx, "nginx")
        tls = ssl.create_default_context(cafile=str(folder / "cert.pem"))
        tls.check_hostname = False
        yield Front(https, plain, tls)
    finally:
        stop(nginx)
