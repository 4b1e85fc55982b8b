"""/privacy against a trivial Flask "hello" app, both under gunicorn with 2 workers.

Prints requests/s and p50/p99 latency for each, and the ratio measured in the same run.
Target: /privacy at 0.8 or more of the hello app's throughput.

    .venv/bin/python bench/bench_privacy.py [--seconds 10] [--connections 32] [--db sqlite]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import fresh_database, run_wrk, start_gunicorn  # noqa: E402


def measure(app_spec: str, env: dict[str, str], path: str, seconds: int, connections: int) -> dict:
    """Start one server, warm it up, load it, stop it."""
    process, base_url = start_gunicorn(app_spec, env, workers=2)
    try:
        run_wrk(base_url + path, 2, connections)
        return run_wrk(base_url + path, seconds, connections)
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    """Run both servers in turn and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()

    url, cleanup = fresh_database(args.db)
    try:
        env = {"DATABASE_URL": url, "RATELIMIT_ENABLED": "false", "SECRET_KEY": "bench"}
        hello = measure("bench.hello_app:app", env, "/", args.seconds, args.connections)
        privacy = measure("app:app", env, "/privacy", args.seconds, args.connections)
    finally:
        cleanup()
    print(f"{'':10} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for name, figures in (("hello", hello), ("/privacy", privacy)):
        print(
            f"{name:10} {figures['rps']:>10.0f} {figures['p50_ms']:>8.2f} "
            f"{figures['p99_ms']:>8.2f} {figures['non2xx']:>8}"
        )
    ratio = privacy["rps"] / hello["rps"] if hello["rps"] else 0.0
    verdict = "meets" if ratio >= 0.8 else "misses"
    print(f"ratio /privacy : hello = {ratio:.2f} ({verdict} the 0.8 target; database {args.db})")


if __name__ == "__main__":
    main()
