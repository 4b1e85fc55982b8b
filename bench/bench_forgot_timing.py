"""Benchmark: does POST /password/forgot take the same time for a known and an unknown address?

Run from the repository root:
    .venv/bin/python bench/bench_forgot_timing.py [--requests N]
A fresh SQLite database built by the migrations, one account, then N requests for each address,
alternating, through Flask's test client; prints the median and 90th percentile of each (the
first five of each are warm-up and not counted).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from tests.fixtures.app import make_app  # noqa: E402
from tests.fixtures.users import Users  # noqa: E402

WARM_UP = 5


def main() -> None:
    """Time both kinds of request and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(f"sqlite:///{folder}/forgot.db")
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
        Users(app).create(email="known@example.com")
        client = app.test_client()
        timings: dict[str, list[float]] = {"known@example.com": [], "unknown@example.com": []}
        for _ in range(args.requests):
            for email, times in timings.items():
                start = time.perf_counter()
                client.post("/password/forgot", data={"email": email})
                times.append(time.perf_counter() - start)
        for email, times in timings.items():
            counted = sorted(times[WARM_UP:])
            median = statistics.median(counted) * 1000
            p90 = counted[int(len(counted) * 0.9)] * 1000
            print(f"{email:22} median {median:6.2f} ms   p90 {p90:6.2f} ms")


if __name__ == "__main__":
    main()
