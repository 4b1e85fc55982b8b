"""Consent POST throughput against a trivial Flask "hello" app, and the banner's weight.

Both servers run under gunicorn with 2 sync workers in turn, loaded by wrk in the same run, on a
fresh SQLite file and a fresh PostgreSQL database. Each POST is what the banner's script sends
(Accept: application/json, no cookie and no token: a first visitor) and writes one proof
row; the rows are counted after the server has stopped and compared with the successful answers.
Targets: consent POSTs at 0.3 or more of hello throughput on PostgreSQL with no failed or lost
writes; banner JS + CSS under 3 KB gzipped (the JS alone under 2 KB).

    .venv/bin/python bench/bench_consent.py [--seconds 10] [--connections 16] [--db both]
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import ROOT, fresh_database, run_wrk, start_gunicorn, stop  # noqa: E402

# A first visitor's banner choice: no cookie, no token; the browser says it comes from the site.
LUA = """wrk.method = "POST"
wrk.body = "choice=accept_all&origin=banner"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
"""


def banner_sizes() -> tuple[int, int]:
    """Gzipped bytes of static/js/consent.js and of the banner's block in site.css."""
    script = (ROOT / "static/js/consent.js").read_bytes()
    css = (ROOT / "static/css/site.css").read_text()
    start = css.index("/* consent banner */")
    end = css.find("\n/* ", start + 1)
    block = css[start:] if end == -1 else css[start:end]
    return len(gzip.compress(script, 9)), len(gzip.compress(block.encode(), 9))


def count_rows(url: str) -> int:
    """Consent records in the database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM consent_records")).scalar_one()
    engine.dispose()
    return count


def measure_hello(seconds: int, connections: int, threads: int) -> dict:
    """The hello app's throughput."""
    process, base_url = start_gunicorn("bench.hello_app:app", {}, threads=threads)
    try:
        run_wrk(base_url + "/", 2, connections)
        return run_wrk(base_url + "/", seconds, connections)
    finally:
        stop(process)


def measure_consent(kind: str, seconds: int, connections: int, threads: int) -> dict:
    """Consent POSTs on a fresh database; rows counted after the server stopped."""
    url, cleanup = fresh_database(kind)
    try:
        env = {"DATABASE_URL": url, "RATELIMIT_ENABLED": "false", "SECRET_KEY": "bench"}
        process, base_url = start_gunicorn("app:app", env, threads=threads)
        try:
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
                script.write(LUA)
            run_wrk(base_url + "/cookies/consent", 2, connections, script.name)
            warm_rows = count_rows(url)
            figures = run_wrk(base_url + "/cookies/consent", seconds, connections, script.name)
        finally:
            stop(process)
        figures["rows"] = count_rows(url) - warm_rows
        figures["ok"] = figures["requests"] - figures["non2xx"]
        return figures
    finally:
        cleanup()


def main() -> None:
    """Run the hello app and the consent POST on each database; print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4],
                        help="threads per worker: 1 = sync workers (default: 1 and 4)")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]

    js, css = banner_sizes()
    verdict = "meets" if js + css < 3072 and js < 2048 else "misses"
    print(f"banner weight gzipped: consent.js {js} B + banner CSS {css} B = {js + css} B "
          f"({verdict} the 3 KB target; JS alone under 2 KB: {js < 2048})")

    for threads in args.threads:
        report(kinds, args.seconds, args.connections, threads)


def report(kinds: list[str], seconds: int, connections: int, threads: int) -> None:
    """One comparison: hello and the consent POST, all with the same worker setup."""
    hello = measure_hello(seconds, connections, threads)
    results = {kind: measure_consent(kind, seconds, connections, threads) for kind in kinds}
    setup = "sync workers" if threads == 1 else f"gthread workers x {threads} threads"
    print(f"\n== 2 gunicorn {setup}, wrk {connections} connections, {seconds} s")
    print(f"{'':22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'errors':>7} "
          f"{'ratio':>6}")
    rows = [("hello GET", hello)] + [(f"consent POST {k}", f) for k, f in results.items()]
    for name, f in rows:
        ratio = f["rps"] / hello["rps"] if hello["rps"] else 0.0
        print(f"{name:22} {f['rps']:>9.0f} {f['p50_ms']:>8.2f} {f['p99_ms']:>8.2f} "
              f"{f['non2xx']:>8} {f['errors']:>7} {ratio:>6.2f}")
    print()
    for kind, f in results.items():
        lost = max(f["ok"] - f["rows"], 0)
        print(f"{kind}: {f['ok']} successful answers, {f['rows']} rows written "
              f"({f['rows'] - f['ok']} more rows than answers counted by wrk: requests still in "
              f"flight when wrk stopped), lost writes {lost}, failed requests "
              f"{f['non2xx'] + f['errors']}")
    if "postgresql" in results and hello["rps"]:
        f = results["postgresql"]
        ratio = f["rps"] / hello["rps"]
        clean = f["ok"] <= f["rows"] and f["non2xx"] == 0 and f["errors"] == 0
        verdict = "meets" if ratio >= 0.3 and clean else "misses"
        print(f"PostgreSQL: ratio {ratio:.2f}, clean writes {clean}: {verdict} the target "
              f"(0.3 or more, zero failed or lost writes)")


if __name__ == "__main__":
    main()
