"""Slow clients (slowloris): gunicorn alone gives a thread to each connection until its request
has arrived, so a few slow connections starve it; the shipped nginx front reads whole requests
first and the site keeps answering. This is why production runs behind nginx (or a load
balancer that buffers requests) with deploy/gunicorn.conf.py."""

from __future__ import annotations

import http.client
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

from tests.fixtures.services import free_port, missing
from tests.site_processes import NEEDS, NGINX, render_conf, stop
from tests.site_processes import wait_until_listening as wait_for

# One worker: with two, the kernel may hand every slow connection to one of them and the other
# answers, so the starvation this shows would depend on the accept race.
WORKERS, THREADS = 1, 4
SLOW = 4 * WORKERS * THREADS  # enough to reach every thread


class Slowloris:
    """Connections that send a request's headers one byte a second, never finishing."""

    def __init__(self, port: int, count: int, tls: ssl.SSLContext | None = None) -> None:
        self.stop = threading.Event()
        self.sockets = []
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            if tls is not None:
                sock = tls.wrap_socket(sock)
            sock.sendall(b"GET /privacy HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            self.sockets.append(sock)
        self.thread = threading.Thread(target=self.drip, daemon=True)
        self.thread.start()

    def drip(self) -> None:
        """One more byte of an endless header on every connection, every second."""
        while not self.stop.wait(1.0):
            for sock in self.sockets:
                try:
                    sock.sendall(b"a")
                except OSError:
                    pass

    def close(self) -> None:
        """Hang up."""
        self.stop.set()
        self.thread.join(5)
        for sock in self.sockets:
            sock.close()


def answered_within(port: int, seconds: float, tls: ssl.SSLContext | None = None) -> bool:
    """True when GET /healthz gets any answer within `seconds`."""
    if tls is None:
        conn: http.client.HTTPConnection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=seconds)
    else:
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=tls, timeout=seconds)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status in (200, 503)
    except OSError:
        return False
    finally:
        conn.close()


def test_slow_clients_starve_gunicorn_alone_but_not_behind_nginx(app, migrated, gunicorn,
                                                                 tmp_path: Path):
    if not Path(NGINX).exists():
        missing(NEEDS)
    server = gunicorn({"DATABASE_URL": migrated, "SECRET_KEY": "fault-test-secret",
                       "RATELIMIT_ENABLED": "false", "TRUSTED_PROXIES": "1"},
                      workers=WORKERS, threads=THREADS)
    upstream = int(server.base_url.rsplit(":", 1)[1])
    assert answered_within(upstream, 2)

    slow = Slowloris(upstream, SLOW)
    try:
        time.sleep(1.5)
        starved = not answered_within(upstream, 3)
    finally:
        slow.close()
    assert starved, f"{SLOW} slow connections should hold all {WORKERS * THREADS} threads"
    assert answered_within(upstream, 5)  # they let go when the slow clients hang up

    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", str(tmp_path / "key.pem"),
         "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    https, plain = free_port(), free_port()
    (tmp_path / "nginx.conf").write_text(render_conf(tmp_path, https, plain, upstream))
    nginx = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tls = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
    tls.check_hostname = False
    try:
        wait_for(https, nginx, "nginx")
        slow = Slowloris(https, 2 * SLOW, tls)
        try:
            time.sleep(1.5)
            assert all(answered_within(https, 2, tls) for _ in range(5))
        finally:
            slow.close()
    finally:
        stop(nginx)
