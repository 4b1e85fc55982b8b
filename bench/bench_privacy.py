"""/privacy (anonymous) against a trivial Flask "hello" app, all under gunicorn with 2 sync
workers in the same run: the site with its page memory (website/pagecache.py) and without it
(PAGE_CACHE=false: every page rendered by Flask), on SQLite and/or PostgreSQL.

The servers run side by side and are loaded in turn, `--rounds` times (an idle server costs no
CPU): the medians are compared, so a load that comes and goes on a shared machine falls on each
server alike. Prints requests/s and p50/p99 latency for each, the ratios (target: 1.0 or more of
hello), and the in-process cost per request (test client, no cookies).

    .venv/bin/python bench/bench_privacy.py [--seconds 10] [--rounds 3] [--db both]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import (
    fresh_database,
    load_in_rounds,
    start_gunicorn,
    stop,
)


def per_request_ms(client: object, path: str, rounds: int = 2000, **kwargs: object) -> float:
    """Mean in-process milliseconds of one GET through the WSGI app (after a warm-up), on the
    host SITE_URL names (any other gets 400: TRUSTED_HOSTS)."""
    kwargs = {"base_url": "http://127.0.0.1:5000", **kwargs}
    for _ in range(50):
        answer = client.get(path, **kwargs)  # type: ignore[attr-defined]
    assert answer.status_code == 200, f"{path} answered {answer.status_code}"
    start = time.perf_counter()
    for _ in range(rounds):
        client.get(path, **kwargs)  # type: ignore[attr-defined]
    return (time.perf_counter() - start) * 1000 / rounds


def in_process_costs(url: str) -> dict[str, float]:
    """Cost per request without a network: hello, cached /privacy, /privacy with a cookie."""
    from bench.hello_app import app as hello_app

    os.environ.update({"DATABASE_URL": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": "false"})
    from website import create_app

    site = create_app()
    with_cookie = site.test_client()
    with_cookie.set_cookie("returning", "1", domain="127.0.0.1")
    costs = {
        "hello": per_request_ms(hello_app.test_client(), "/"),
        "/privacy from memory": per_request_ms(site.test_client(), "/privacy"),
        "/privacy with a cookie": per_request_ms(with_cookie, "/privacy", rounds=300),
    }
    site.config["PAGE_CACHE"] = False
    costs["/privacy rendered, no memory"] = per_request_ms(site.test_client(), "/privacy",
                                                           rounds=300)
    return costs


def main() -> None:
    """Start the servers, load them in rounds and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]

    env = {"RATELIMIT_ENABLED": "false", "SECRET_KEY": "bench"}
    servers, cleanups, targets = [], [], {}
    try:
        process, base_url = start_gunicorn("bench.hello_app:app", env, workers=2)
        servers.append(process)
        targets["hello"] = base_url + "/"
        for kind in kinds:
            url, cleanup = fresh_database(kind)
            cleanups.append(cleanup)
            for memory in ("true", "false"):
                process, base_url = start_gunicorn(
                    "app:app", {**env, "DATABASE_URL": url, "PAGE_CACHE": memory}, workers=2)
                servers.append(process)
                label = "" if memory == "true" else " no memory"
                targets[f"/privacy {kind}{label}"] = base_url + "/privacy"
        results = load_in_rounds(targets, args.seconds, args.connections, args.rounds)
        costs = in_process_costs(url)
    finally:
        for process in servers:
            stop(process)
        for cleanup in cleanups:
            cleanup()
    print(f"{'':28} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for name, figures in results.items():
        print(f"{name:28} {figures['rps']:>10.0f} {figures['p50_ms']:>8.2f} "
              f"{figures['p99_ms']:>8.2f} {figures['non2xx']:>8}")
    hello = results["hello"]["rps"]
    for name, figures in results.items():
        if name != "hello":
            ratio = figures["rps"] / hello if hello else 0.0
            verdict = "meets" if ratio >= 1.0 else "misses"
            print(f"ratio {name} : hello = {ratio:.2f} ({verdict} the 1.0 target)")
    print("in-process cost per request (test client):")
    for name, ms in costs.items():
        print(f"  {name:30} {ms:.3f} ms")


if __name__ == "__main__":
    main()
