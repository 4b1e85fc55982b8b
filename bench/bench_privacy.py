"""/privacy (anonymous: served from the page cache) against a trivial Flask "hello" app, on
SQLite and on PostgreSQL in the same run, all under gunicorn with 2 sync workers.

Prints requests/s and p50/p99 latency for each, both ratios (target: 0.8 or more of hello), and
the in-process cost per request (test client, no cookies): hello, the site's cached /privacy,
and /privacy rendered for a visitor with a cookie.

    .venv/bin/python bench/bench_privacy.py [--seconds 10] [--connections 32] [--db both]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import fresh_database, run_wrk, start_gunicorn, stop


def measure(app_spec: str, env: dict[str, str], path: str, seconds: int, connections: int) -> dict:
    """Start one server, warm it up, load it, stop it."""
    process, base_url = start_gunicorn(app_spec, env, workers=2)
    try:
        run_wrk(base_url + path, 2, connections)
        return run_wrk(base_url + path, seconds, connections)
    finally:
        stop(process)


def per_request_ms(client: object, path: str, rounds: int = 2000, **kwargs: object) -> float:
    """Mean in-process milliseconds of one GET through the WSGI app (after a warm-up)."""
    for _ in range(50):
        client.get(path, **kwargs)  # type: ignore[attr-defined]
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
    with_cookie.set_cookie("returning", "1")
    return {
        "hello": per_request_ms(hello_app.test_client(), "/"),
        "/privacy from memory": per_request_ms(site.test_client(), "/privacy"),
        "/privacy with a cookie": per_request_ms(with_cookie, "/privacy", rounds=300),
    }


def main() -> None:
    """Run the servers in turn and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]

    env = {"RATELIMIT_ENABLED": "false", "SECRET_KEY": "bench"}
    results = {"hello": measure("bench.hello_app:app", env, "/", args.seconds, args.connections)}
    costs: dict[str, float] = {}
    for kind in kinds:
        url, cleanup = fresh_database(kind)
        try:
            results[f"/privacy {kind}"] = measure(
                "app:app", {**env, "DATABASE_URL": url}, "/privacy", args.seconds,
                args.connections,
            )
            if not costs:
                costs = in_process_costs(url)
        finally:
            cleanup()
    print(f"{'':20} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for name, figures in results.items():
        print(f"{name:20} {figures['rps']:>10.0f} {figures['p50_ms']:>8.2f} "
              f"{figures['p99_ms']:>8.2f} {figures['non2xx']:>8}")
    hello = results["hello"]["rps"]
    for kind in kinds:
        ratio = results[f"/privacy {kind}"]["rps"] / hello if hello else 0.0
        verdict = "meets" if ratio >= 0.8 else "misses"
        print(f"ratio /privacy : hello on {kind} = {ratio:.2f} ({verdict} the 0.8 target)")
    print("in-process cost per request (test client):")
    for name, ms in costs.items():
        print(f"  {name:24} {ms:.3f} ms")


if __name__ == "__main__":
    main()
