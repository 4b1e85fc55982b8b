"""/privacy through the nginx front (a micro-cache hit) against nginx serving a static file of
the same bytes from disk, same run, same TLS front (deploy/nginx.conf, rendered as the CI test
renders it). Target: the cached page at 0.5 or more of the static file's throughput.

    .venv/bin/python bench/bench_nginx.py [--seconds 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import ROOT, free_port, fresh_database, run_wrk, start_gunicorn, stop
from tests.deploy.test_nginx import render_conf


def fetch(url: str, tls: ssl.SSLContext) -> tuple[bytes, str]:
    """The body and X-Cache header of one GET."""
    with urllib.request.urlopen(url, context=tls, timeout=10) as response:
        return response.read(), response.headers.get("X-Cache", "")


def main() -> None:
    """Start gunicorn and nginx, load both URLs in turn, print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    url, cleanup = fresh_database("sqlite")
    process, base_url = start_gunicorn(
        "app:app", {"DATABASE_URL": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": "false",
                    "TRUSTED_PROXIES": "1"}, workers=2)
    nginx = None
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
             "/CN=localhost", "-keyout", str(folder / "key.pem"), "-out",
             str(folder / "cert.pem")], check=True, capture_output=True)
        static = folder / "static"
        shutil.copytree(ROOT / "static", static)
        https, plain = free_port(), free_port()
        conf = render_conf(folder, https, plain, int(base_url.rsplit(":", 1)[1]), static)
        (folder / "nginx.conf").write_text(conf)
        nginx = subprocess.Popen(["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"),
                                  "-g", "daemon off;"], stderr=subprocess.DEVNULL)
        time.sleep(1)
        tls = ssl.create_default_context(cafile=str(folder / "cert.pem"))
        tls.check_hostname = False
        front = f"https://127.0.0.1:{https}"
        page, _ = fetch(front + "/privacy", tls)
        (static / "privacy-copy.html").write_bytes(page)
        _, status = fetch(front + "/privacy", tls)
        assert status == "HIT", f"the second anonymous /privacy was a cache {status}"
        run_wrk(front + "/privacy", 2, args.connections)
        cached = run_wrk(front + "/privacy", args.seconds, args.connections)
        run_wrk(front + "/static/privacy-copy.html", 2, args.connections)
        static_file = run_wrk(front + "/static/privacy-copy.html", args.seconds, args.connections)
    finally:
        if nginx is not None:
            nginx.send_signal(signal.SIGTERM)
            nginx.wait(10)
        stop(process)
        cleanup()
        shutil.rmtree(folder, ignore_errors=True)
    print(f"page size {len(page)} bytes, nginx over TLS with keep-alive, 2 gunicorn workers behind")
    print(f"{'':28} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for name, figures in (("/privacy (cache hit)", cached),
                          ("static file, same bytes", static_file)):
        print(f"{name:28} {figures['rps']:>10.0f} {figures['p50_ms']:>8.2f} "
              f"{figures['p99_ms']:>8.2f} {figures['non2xx']:>8}")
    ratio = cached["rps"] / static_file["rps"] if static_file["rps"] else 0.0
    verdict = "meets" if ratio >= 0.5 else "misses"
    print(f"ratio cached /privacy : static file = {ratio:.2f} ({verdict} the 0.5 target)")


if __name__ == "__main__":
    main()
