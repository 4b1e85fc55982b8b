"""Benchmark: the audit chain's check on the admin dashboard, as the log grows.

Run from the repository root:
    .venv/bin/python bench/bench_audit_chain.py [--entries N] [--repeat N]
On a fresh SQLite file built by the migrations: N chained entries, then the time of the full
walk (`flask audit verify`, the daily job) and of the dashboard's check of what is new since its
last view (one new entry each time). Prints figures; no target.
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

from website import create_app  # noqa: E402
from website.audit import record_audit  # noqa: E402
from website.audit.verify import verify_chain, verify_new_entries  # noqa: E402
from website.config import TestConfig  # noqa: E402
from website.extensions import db  # noqa: E402


def median_ms(work, repeat: int) -> float:
    """The median wall time of `work()` in milliseconds."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    """Seed the log, then time both checks."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        config = TestConfig()
        config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app(config)
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            for n in range(args.entries):
                record_audit("bench.action", f"thing:{n}", {"n": n}, actor="bench")
                if n % 1000 == 999:
                    db.session.commit()
            db.session.commit()
            full = median_ms(lambda: verify_chain(), args.repeat)
            assert verify_new_entries().holds  # the process's first look walks it all

            def one_new_entry_then_look() -> None:
                record_audit("bench.action", "new", {}, actor="bench")
                db.session.commit()
                assert verify_new_entries().holds

            new = median_ms(one_new_entry_then_look, args.repeat)
        print(f"{args.entries} entries on SQLite: full walk {full:.1f} ms; dashboard check "
              f"(one new entry, its write included) {new:.1f} ms; ratio {full / new:.0f}x")


if __name__ == "__main__":
    main()
