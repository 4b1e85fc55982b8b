"""Consent POST throughput against a trivial Flask "hello" app, and the banner's weight.

Both servers run under gunicorn with 2 sync workers in turn, loaded by wrk in the same run, on a
fresh SQLite file and a fresh PostgreSQL database. Each POST is what the banner's script sends
(Accept: application/json, no cookie and no token: a first visitor) and writes one proof
row; the rows are counted after the server has stopped and compared with the successful answers.
Targets: consent POSTs at 0.3 or more of hello throughput on PostgreSQL with no failed or lost
writes; banner JS + CSS under 3 KB gzipped (the JS alone under 2 KB).

    .venv/bin/python bench/bench_consent.py [--seconds 10] [--connections 16] [--db both]
        [--flask-path] [--in-process]

The consent POST is a first visitor's, so the fast path in front of Flask answers it
(website/consent/fastpath.py); --flask-path adds the same POST through Flask, same run.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import ROOT, fresh_database, run_wrk, start_gunicorn, stop

# A first visitor's banner choice: no cookie, no token; the browser says it comes from the site.
BODY = "choice=accept_all&origin=banner"
HEADERS = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
           "Sec-Fetch-Site": "same-origin"}
LUA = f'wrk.method = "POST"\nwrk.body = "{BODY}"\n' + "".join(
    f'wrk.headers["{name}"] = "{value}"\n' for name, value in HEADERS.items())


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


def measure_consent(kind: str, seconds: int, connections: int, threads: int,
                    fast_path: bool = True) -> dict:
    """Consent POSTs on a fresh database; rows counted after the server stopped."""
    url, cleanup = fresh_database(kind)
    try:
        env = {"DATABASE_URL": url, "RATELIMIT_ENABLED": "false", "SECRET_KEY": "bench",
               "CONSENT_FAST_PATH": "true" if fast_path else "false"}
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


def commit_wait(commits: int = 200) -> tuple[float, float]:
    """ms per single-row autocommit INSERT on PostgreSQL, waiting for the disk flush and not:
    the difference is what each durable consent record waits for, CPU idle."""
    from sqlalchemy import create_engine, text

    url, cleanup = fresh_database("postgresql")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    figures = []
    try:
        with engine.connect() as conn:
            conn.execute(text("CREATE TABLE flush_probe (id serial PRIMARY KEY, v text)"))
            for mode in ("on", "off"):
                conn.execute(text(f"SET synchronous_commit TO {mode}"))
                start = time.perf_counter()
                for _ in range(commits):
                    conn.execute(text("INSERT INTO flush_probe (v) VALUES ('x')"))
                figures.append((time.perf_counter() - start) / commits * 1000)
    finally:
        engine.dispose()
        cleanup()
    return figures[0], figures[1]


def in_process_cpu(kind: str, rounds: int = 5) -> dict[str, float]:
    """CPU ms per request in this process, straight through the WSGI app (no server, no wrk):
    hello, the consent POST through Flask, and through the fast path; best of `rounds`."""
    import io
    import os

    from werkzeug.test import EnvironBuilder

    from bench.hello_app import app as hello
    from website import create_app

    url, cleanup = fresh_database(kind)
    try:
        os.environ.update({"DATABASE_URL": url, "RATELIMIT_ENABLED": "false",
                           "SECRET_KEY": "bench", "CONSENT_FAST_PATH": "true"})
        fast = create_app()
        os.environ["CONSENT_FAST_PATH"] = "false"
        flask_only = create_app()
        body = BODY.encode()
        post = EnvironBuilder(path="/cookies/consent", base_url="http://127.0.0.1:5000",
                              method="POST", data=body, headers=list(HEADERS.items())).get_environ()
        get = EnvironBuilder(path="/", base_url="http://127.0.0.1:5000").get_environ()

        def one(app: Any, environ: dict) -> None:
            environ = {**environ, "wsgi.input": io.BytesIO(body)}
            status: list[str] = []
            result = app(environ, lambda line, headers, exc=None: status.append(line))
            b"".join(result)
            assert status[0].startswith("200"), status

        cases = {"hello GET": (hello, get), "consent POST through Flask": (flask_only, post),
                 "consent POST, fast path": (fast, post)}
        best = dict.fromkeys(cases, float("inf"))
        for app, environ in cases.values():
            for _ in range(100):
                one(app, environ)
        for _ in range(rounds):
            for name, (app, environ) in cases.items():
                count = 2000 if name == "hello GET" else 400
                start = time.process_time()
                for _ in range(count):
                    one(app, environ)
                best[name] = min(best[name], (time.process_time() - start) / count * 1000)
        return best
    finally:
        os.environ.pop("CONSENT_FAST_PATH", None)
        cleanup()


def main() -> None:
    """Run the hello app and the consent POST on each database; print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4],
                        help="threads per worker: 1 = sync workers (default: 1 and 4)")
    parser.add_argument("--flask-path", action="store_true",
                        help="also the consent POST with CONSENT_FAST_PATH=false, same run")
    parser.add_argument("--in-process", action="store_true",
                        help="also CPU per request in process (hello, Flask path, fast path)")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]

    js, css = banner_sizes()
    verdict = "meets" if js + css < 3072 and js < 2048 else "misses"
    print(f"banner weight gzipped: consent.js {js} B + banner CSS {css} B = {js + css} B "
          f"({verdict} the 3 KB target; JS alone under 2 KB: {js < 2048})")

    if "postgresql" in kinds:
        durable, lazy = commit_wait()
        print(f"PostgreSQL single-row commit: {durable:.2f} ms waiting for the disk flush, "
              f"{lazy:.2f} ms without (synchronous_commit=off)")
    if args.in_process:
        for kind in kinds:
            print(f"\n== in process, {kind}: CPU per request (best of 5 rounds)")
            for name, ms in in_process_cpu(kind).items():
                print(f"{name:28} {ms:7.3f} ms")
    for threads in args.threads:
        report(kinds, args.seconds, args.connections, threads, args.flask_path)


def report(kinds: list[str], seconds: int, connections: int, threads: int,
           flask_path: bool = False) -> None:
    """One comparison: hello and the consent POST, all with the same worker setup."""
    hello = measure_hello(seconds, connections, threads)
    results = {kind: measure_consent(kind, seconds, connections, threads) for kind in kinds}
    if flask_path:
        results |= {f"{kind} via Flask": measure_consent(kind, seconds, connections, threads,
                                                         fast_path=False) for kind in kinds}
    setup = "sync workers" if threads == 1 else f"gthread workers x {threads} threads"
    print(f"\n== 2 gunicorn {setup}, wrk {connections} connections, {seconds} s")
    print(f"{'':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'errors':>7} "
          f"{'ratio':>6}")
    rows = [("hello GET", hello)] + [(f"consent POST {k}", f) for k, f in results.items()]
    for name, f in rows:
        ratio = f["rps"] / hello["rps"] if hello["rps"] else 0.0
        print(f"{name:34} {f['rps']:>9.0f} {f['p50_ms']:>8.2f} {f['p99_ms']:>8.2f} "
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
