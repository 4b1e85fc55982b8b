"""Consent POST throughput against a trivial Flask "hello" app, and the banner's weight.

The POST is the one Chromium sends on a banner click: method, content type, body and headers
are replayed from bench/fixtures/consent_click.json, which tests/consent/test_click_capture.py
captures in a real browser and keeps up to date (the bench refuses to run when
static/js/consent.js would send another content type than the fixture's). A first visitor:
no cookie. Both servers run under gunicorn in turn (sync and gthread workers), loaded by wrk in
the same run, on a fresh SQLite file and a fresh PostgreSQL database; each POST writes one proof
row, counted after the server has stopped and compared with the successful answers.
Targets: consent POSTs at 0.3 or more of hello throughput on PostgreSQL (durable proof, gthread
workers) with no failed or lost writes; banner JS + CSS under 3 KB gzipped (JS under 2 KB).

    .venv/bin/python bench/bench_consent.py [--seconds 10] [--connections 16] [--db both]
        [--threads 1 4] [--rounds 3] [--in-process]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import ROOT, fresh_database, run_wrk, start_gunicorn, stop

FIXTURE = ROOT / "bench" / "fixtures" / "consent_click.json"
# What a fetch() body of each kind is sent as (the Fetch standard's "extract a body").
BODY_TYPES = {"URLSearchParams": "application/x-www-form-urlencoded",
              "FormData": "multipart/form-data"}


def script_content_type() -> str:
    """The content type static/js/consent.js's fetch() sends, read from its `body:` line."""
    script = (ROOT / "static/js/consent.js").read_text()
    match = re.search(r"body:\s*([^,\n]+)", script)
    if match is None:
        raise SystemExit("consent.js: no `body:` in its fetch() call; update bench_consent.py")
    body = match.group(1)
    if "URLSearchParams" in body:
        return BODY_TYPES["URLSearchParams"]
    declared = re.search(rf"var {re.escape(body.strip())} = new (\w+)\(", script)
    kind = declared.group(1) if declared else body
    if kind not in BODY_TYPES:
        raise SystemExit(f"consent.js sends a body of unknown kind ({body!r}); "
                         "update bench_consent.py")
    return BODY_TYPES[kind]


def browser_click() -> dict[str, Any]:
    """The captured click; exits when consent.js would now send another content type."""
    click = json.loads(FIXTURE.read_text())
    sent = click["headers"]["content-type"].split(";")[0].strip()
    expected = script_content_type()
    if sent != expected:
        raise SystemExit(f"consent.js sends {expected}, the fixture {sent}: capture the click "
                         "again (UPDATE_CONSENT_CLICK=1 pytest "
                         "tests/consent/test_click_capture.py)")
    return click


def click_headers(click: dict[str, Any], base_url: str) -> dict[str, str]:
    """The click's headers for a server at `base_url` (its Origin and Referer)."""
    return {name: value.replace("{origin}", base_url) for name, value in click["headers"].items()}


def wrk_script(click: dict[str, Any], base_url: str) -> str:
    """A wrk Lua script that sends the click (JSON strings are valid Lua strings here)."""
    lines = [f'wrk.method = {json.dumps(click["method"])}',
             f'wrk.body = {json.dumps(click["body"])}']
    lines += [f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}"
              for name, value in click_headers(click, base_url).items()]
    return "\n".join(lines) + "\n"


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


def best_of(runs: list[dict]) -> dict:
    """The run with the most answers a second, with every run's figure beside it.

    wrk opens its connections at once and either gunicorn worker may accept them: a run where
    one worker took most of them is CPU-bound in that worker alone (a third to a half of the
    same server's figure when both share them), whatever the app. The best of a few runs is
    the setup's figure, the same rule for hello and the click."""
    best = dict(max(runs, key=lambda f: f["rps"]))
    best["runs"] = [round(f["rps"]) for f in runs]
    return best


def measure_hello(seconds: int, connections: int, threads: int, rounds: int) -> dict:
    """The hello app's throughput, best of `rounds` runs."""
    process, base_url = start_gunicorn("bench.hello_app:app", {}, threads=threads)
    try:
        run_wrk(base_url + "/", 2, connections)
        return best_of([run_wrk(base_url + "/", seconds, connections) for _ in range(rounds)])
    finally:
        stop(process)


def at_rest(url: str) -> None:
    """Wait until PostgreSQL has written out what the clicks left (a checkpoint), so that the
    hello run after them does not share the cores with the database's own writing."""
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine, text

        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("CHECKPOINT"))
        engine.dispose()
    time.sleep(2)


def commits(url: str) -> tuple[int, int]:
    """Transactions committed in the database so far, and WAL flushes to disk in the whole
    server (PostgreSQL's statistics; zeros on SQLite)."""
    if not url.startswith("postgresql"):
        return 0, 0
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_stat_force_next_flush()"))
        count = conn.execute(text("SELECT xact_commit FROM pg_stat_database "
                                  "WHERE datname = current_database()")).scalar_one()
        flushes = conn.execute(text("SELECT wal_sync FROM pg_stat_wal")).scalar_one()
    engine.dispose()
    return count, flushes


def measure_consent(kind: str, seconds: int, connections: int, threads: int,
                    click: dict[str, Any], rounds: int) -> dict:
    """Browser clicks on a fresh database, best of `rounds` runs; every run's rows counted
    after the server stopped, against every run's successful answers."""
    url, cleanup = fresh_database(kind)
    try:
        env = {"DATABASE_URL": url, "RATELIMIT_ENABLED": "false", "SECRET_KEY": "bench"}
        process, base_url = start_gunicorn("app:app", env, threads=threads)
        try:
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
                script.write(wrk_script(click, base_url))
            target = base_url + click["path"]
            run_wrk(target, 2, connections, script.name)
            warm_rows, (warm_commits, warm_flushes) = count_rows(url), commits(url)
            runs = [run_wrk(target, seconds, connections, script.name) for _ in range(rounds)]
        finally:
            stop(process)
        figures = best_of(runs)
        figures["requests"] = sum(f["requests"] for f in runs)
        figures["non2xx"] = sum(f["non2xx"] for f in runs)
        figures["errors"] = sum(f["errors"] for f in runs)
        time.sleep(1)  # the stopped workers' statistics reach the server
        done_commits, done_flushes = commits(url)
        figures["commits"] = done_commits - warm_commits
        figures["flushes"] = done_flushes - warm_flushes
        figures["rows"] = count_rows(url) - warm_rows
        figures["ok"] = figures["requests"] - figures["non2xx"]
        at_rest(url)
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


MULTIPART = "multipart/form-data; boundary=----WebKitFormBoundaryQ2xpY2tDb25zZW50"


def as_multipart(body: str) -> bytes:
    """The same fields as FormData would send them (what consent.js sent before)."""
    boundary = MULTIPART.split("=", 1)[1]
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             for name, value in (pair.split("=", 1) for pair in body.split("&"))]
    return ("".join(parts) + f"--{boundary}--\r\n").replace("%2F", "/").encode()


def in_process_cpu(kind: str, click: dict[str, Any], rounds: int = 5) -> dict[str, float]:
    """CPU ms per request in this process, straight through the WSGI app (no server, no wrk):
    hello, the browser's click, and the same fields as multipart; best of `rounds`."""
    import io
    import os

    from werkzeug.test import EnvironBuilder

    from bench.hello_app import app as hello
    from website import create_app

    url, cleanup = fresh_database(kind)
    try:
        os.environ.update({"DATABASE_URL": url, "RATELIMIT_ENABLED": "false",
                           "SECRET_KEY": "bench"})
        site = create_app()
        base = "http://127.0.0.1:5000"
        headers = click_headers(click, base)

        def post(body: bytes, content_type: str) -> tuple[dict, bytes]:
            sent = [(n, v) for n, v in headers.items() if n != "content-type"]
            environ = EnvironBuilder(path=click["path"], base_url=base, method="POST", data=body,
                                     content_type=content_type, headers=sent).get_environ()
            return environ, body

        get = EnvironBuilder(path="/", base_url=base).get_environ()
        cases = {"hello GET": (hello, (get, b"")),
                 "consent click (urlencoded)": (site, post(click["body"].encode(),
                                                           headers["content-type"])),
                 "same fields as multipart": (site, post(as_multipart(click["body"]), MULTIPART))}

        def one(app: Any, request: tuple[dict, bytes]) -> None:
            environ = {**request[0], "wsgi.input": io.BytesIO(request[1])}
            status: list[str] = []
            result = app(environ, lambda line, headers, exc=None: status.append(line))
            b"".join(result)
            assert status[0].startswith("200"), status

        best = dict.fromkeys(cases, float("inf"))
        for app, request in cases.values():
            for _ in range(100):
                one(app, request)
        for _ in range(rounds):
            for name, (app, request) in cases.items():
                count = 2000 if name == "hello GET" else 400
                start = time.process_time()
                for _ in range(count):
                    one(app, request)
                best[name] = min(best[name], (time.process_time() - start) / count * 1000)
        return best
    finally:
        cleanup()


def main() -> None:
    """Run the hello app and the browser's click on each database; print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4],
                        help="threads per worker: 1 = sync workers (default: 1 and 4)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="runs of each measure; the best counts (default: 3)")
    parser.add_argument("--in-process", action="store_true",
                        help="also CPU per request in process (hello, the click, as multipart)")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    click = browser_click()
    print(f"replaying {FIXTURE.relative_to(ROOT)}: {click['method']} {click['path']} "
          f"{click['headers']['content-type']}, {len(click['body'])} bytes, "
          f"{len(click['headers'])} headers ({click.get('browser', 'a browser')})")

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
            for name, ms in in_process_cpu(kind, click).items():
                print(f"{name:28} {ms:7.3f} ms")
    for threads in args.threads:
        report(kinds, args.seconds, args.connections, threads, click, args.rounds)


def report(kinds: list[str], seconds: int, connections: int, threads: int,
           click: dict[str, Any], rounds: int) -> None:
    """One comparison: hello and the browser's click, all with the same worker setup."""
    # Hello before and after, each with the database at rest: on a shared machine its figure
    # moves within minutes, so the ratio is taken against the mean of the two (both printed).
    before = measure_hello(seconds, connections, threads, rounds)
    results = {kind: measure_consent(kind, seconds, connections, threads, click, rounds)
               for kind in kinds}
    after = measure_hello(seconds, connections, threads, rounds)
    hello = {key: (before[key] + after[key]) / 2 for key in ("rps", "p50_ms", "p99_ms",
                                                              "non2xx", "errors")}
    setup = "sync workers" if threads == 1 else f"gthread workers x {threads} threads"
    print(f"\n== 2 gunicorn {setup}, wrk {connections} connections, best of {rounds} runs of "
          f"{seconds} s; hello {before['rps']:.0f} req/s before (runs {before['runs']}), "
          f"{after['rps']:.0f} after (runs {after['runs']}); ratios: their mean")
    print(f"{'':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'errors':>7} "
          f"{'ratio':>6}")
    rows = [("hello GET", hello)] + [(f"consent click {k}", f) for k, f in results.items()]
    for name, f in rows:
        ratio = f["rps"] / hello["rps"] if hello["rps"] else 0.0
        print(f"{name:34} {f['rps']:>9.0f} {f['p50_ms']:>8.2f} {f['p99_ms']:>8.2f} "
              f"{f['non2xx']:>8.0f} {f['errors']:>7.0f} {ratio:>6.2f}")
    for kind, f in results.items():
        print(f"consent click {kind} runs: {f['runs']} req/s")
    print()
    for kind, f in results.items():
        lost = max(f["ok"] - f["rows"], 0)
        print(f"{kind}: {f['ok']} successful answers, {f['rows']} rows written "
              f"({f['rows'] - f['ok']} more rows than answers counted by wrk: requests still in "
              f"flight when wrk stopped), lost writes {lost}, failed requests "
              f"{f['non2xx'] + f['errors']}"
              + (f"; {f['rows'] / f['commits']:.2f} rows per commit (group commit; the "
                 "count includes the bench's own few)" if f["commits"] else "")
              + (f"; {f['rows'] / f['flushes']:.2f} rows per WAL flush to disk (PostgreSQL "
                 "groups the commits of all workers; the count includes any other work on the "
                 "server)" if f.get("flushes") else ""))
    if "postgresql" in results and hello["rps"]:
        f = results["postgresql"]
        ratio = f["rps"] / hello["rps"]
        clean = f["ok"] <= f["rows"] and f["non2xx"] == 0 and f["errors"] == 0
        verdict = "meets" if ratio >= 0.3 and clean else "misses"
        print(f"PostgreSQL: ratio {ratio:.2f}, clean writes {clean}: {verdict} the target "
              f"(0.3 or more, zero failed or lost writes)")


if __name__ == "__main__":
    main()
