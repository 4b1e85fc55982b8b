"""/privacy through the nginx front (a micro-cache hit) against the hello app behind the same
front and against nginx serving a static file of the same bytes from disk; the same run, the
same TLS front (deploy/nginx.conf, rendered as the CI test renders it), 2 sync gunicorn workers
behind each front. The URLs are loaded in turn, `--rounds` times; the medians are compared.
Targets: /privacy at 1.0 or more of hello, 0.5 or more of the static file.

    .venv/bin/python bench/bench_nginx.py [--seconds 10] [--rounds 3] [--connections 32]
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

from bench._server import (
    ROOT,
    free_port,
    fresh_database,
    load_in_rounds,
    start_gunicorn,
    stop,
)
from tests.site_processes import render_conf


def fetch(url: str, tls: ssl.SSLContext) -> tuple[bytes, str]:
    """The body and X-Cache header of one GET."""
    with urllib.request.urlopen(url, context=tls, timeout=10) as response:
        return response.read(), response.headers.get("X-Cache", "")


def start_front(folder: Path, upstream_url: str, static: Path) -> tuple[subprocess.Popen, str]:
    """deploy/nginx.conf in `folder`, in front of the gunicorn at `upstream_url`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("key.pem", "cert.pem"):
        shutil.copy(static.parent / name, folder / name)
    https, plain = free_port(), free_port()
    conf = render_conf(folder, https, plain, int(upstream_url.rsplit(":", 1)[1]), static)
    (folder / "nginx.conf").write_text(conf)
    nginx = subprocess.Popen(["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"),
                              "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    time.sleep(1)
    return nginx, f"https://127.0.0.1:{https}"


def main() -> None:
    """Start gunicorn and nginx, load the URLs in rounds, print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    url, cleanup = fresh_database("sqlite")
    env = {"SECRET_KEY": "bench", "RATELIMIT_ENABLED": "false", "TRUSTED_PROXIES": "1"}
    site, site_url = start_gunicorn("app:app", {**env, "DATABASE_URL": url}, workers=2)
    hello, hello_url = start_gunicorn("bench.hello_app:app", env, workers=2)
    fronts: list[subprocess.Popen] = []
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
             "/CN=localhost", "-keyout", str(folder / "key.pem"), "-out",
             str(folder / "cert.pem")], check=True, capture_output=True)
        static = folder / "static"
        shutil.copytree(ROOT / "static", static)
        nginx, front = start_front(folder / "site", site_url, static)
        fronts.append(nginx)
        nginx, hello_front = start_front(folder / "hello", hello_url, static)
        fronts.append(nginx)
        tls = ssl.create_default_context(cafile=str(folder / "cert.pem"))
        tls.check_hostname = False
        page, _ = fetch(front + "/privacy", tls)
        (static / "privacy-copy.html").write_bytes(page)
        _, status = fetch(front + "/privacy", tls)
        assert status == "HIT", f"the second anonymous /privacy was a cache {status}"
        results = load_in_rounds({
            "/privacy (cache hit)": front + "/privacy",
            "hello behind nginx": hello_front + "/",
            "static file, same bytes": front + "/static/privacy-copy.html",
        }, args.seconds, args.connections, args.rounds)
    finally:
        for nginx in fronts:
            nginx.send_signal(signal.SIGTERM)
            nginx.wait(10)
        stop(site)
        stop(hello)
        cleanup()
        shutil.rmtree(folder, ignore_errors=True)
    print(f"page size {len(page)} bytes, nginx over TLS with keep-alive, 2 gunicorn workers behind")
    print(f"{'':28} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for name, figures in results.items():
        print(f"{name:28} {figures['rps']:>10.0f} {figures['p50_ms']:>8.2f} "
              f"{figures['p99_ms']:>8.2f} {figures['non2xx']:>8}")
    cached = results["/privacy (cache hit)"]["rps"]
    for name, target in (("hello behind nginx", 1.0), ("static file, same bytes", 0.5)):
        other = results[name]["rps"]
        ratio = cached / other if other else 0.0
        verdict = "meets" if ratio >= target else "misses"
        print(f"ratio cached /privacy : {name} = {ratio:.2f} ({verdict} the {target} target)")


if __name__ == "__main__":
    main()
