"""Load without loss: the site under gunicorn (4 workers), 60 s of mixed visitors, then a count.

For each database asked for, it makes a fresh database (`flask db upgrade`), creates bench
users (bcrypt cost 12, the production cost), starts a local SMTP server (aiosmtpd) and gunicorn
with 4 sync workers, and runs bench/load_client.py in a second process: N visitors, each with its
own cookie jar, reading policy pages, posting cookie consent, sending support and data-rights
requests, and logging in. Then it prints requests/s and p50/p95/p99 per route, counts rows (every
accepted submission stored exactly once with its one queued email), delivers the outbox with
`flask outbox send` and counts the messages the SMTP server got (exactly one per submission).

Rate limits are OFF (RATELIMIT_ENABLED=false, storage still pointed at Redis db 14): the limits
are per client IP, and every visitor here comes from 127.0.0.1, so with them on all but the first
few submissions would be 429. Mail is not sent by the site during the run (JOBS_ENABLED=false)
so the run measures the site; the outbox is delivered afterwards.

Each visitor pauses 0 to 2 s (1 s on average) between actions, as a reader does; `--think 0`
turns the run into a saturation test (50 requests always in flight). The first 5 s warm every
worker up: their latencies are not counted, their answers and writes are.

    .venv/bin/python bench/load.py [--seconds 60] [--clients 50] [--db postgresql|sqlite|both]
        [--think MS] [--warmup S] [--login-rate N] [--workers 4] [--threads N]
Needs the optional `bench` dependencies: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._server import free_port, fresh_database, stop  # noqa: E402
from bench.load_client import USER_PASSWORD, user_email  # noqa: E402
from bench.load_report import count_rows, print_report  # noqa: E402

REDIS_URI = "redis://127.0.0.1:6379/14"


def create_users(url: str, count: int) -> None:
    """Bench users with a real cost-12 bcrypt hash (computed once, shared by all)."""
    import bcrypt

    from website import create_app
    from website.accounts.models import User
    from website.config import TestConfig
    from website.extensions import db

    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    app = create_app(config)
    hashed = bcrypt.hashpw(USER_PASSWORD.encode(), bcrypt.gensalt(12)).decode()
    with app.app_context():
        db.session.add_all(
            User(email=user_email(n), password_hash=hashed, name=f"Load user {n}")
            for n in range(count)
        )
        db.session.commit()
        db.engine.dispose()


class MailCatcher:
    """A local SMTP server that counts messages per recipient."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.received: Counter[str] = Counter()
        catcher = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                for address in envelope.rcpt_tos:
                    catcher.received[address] += 1
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def close(self) -> None:
        """Stop listening."""
        self.controller.stop()


def site_env(url: str, mail_port: int) -> dict[str, str]:
    """The site's environment for the run."""
    return {
        "DATABASE_URL": url, "SECRET_KEY": "bench-load-secret", "SITE_URL": "http://127.0.0.1",
        "RATELIMIT_STORAGE_URI": REDIS_URI, "RATELIMIT_ENABLED": "false",
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mail_port),
        "JOBS_ENABLED": "false", "BCRYPT_ROUNDS": "12",
    }


def start_site(
    env: dict[str, str], workers: int, log_path: Path, threads: int = 0
) -> tuple[subprocess.Popen, str]:
    """gunicorn (sync workers, or gthread with `threads`; no control socket) once it answers."""
    import urllib.request

    port = free_port()
    log = log_path.open("w")
    kind = ["--worker-class", "gthread", "--threads", str(threads)] if threads else []
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--no-control-socket", "-w", str(workers), *kind,
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "60", "app:app"],
        cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                response.read()
            for path in ("/privacy", "/support", "/rights", "/login"):  # warm every worker a bit
                for _ in range(workers):
                    urllib.request.urlopen(base + path, timeout=10).read()
            return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn did not start: {log_path.read_text()[-2000:]}")


def workers_cpu_seconds(master_pid: int) -> float:
    """CPU time (user + system) used so far by the gunicorn master's live workers."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def deliver_outbox(env: dict[str, str], senders: int = 4) -> tuple[str, float]:
    """Rounds of `senders` concurrent `flask outbox send` until the queue is empty.

    Concurrent senders are safe by design (each email is claimed before it is sent), and the
    SMTP count afterwards proves it: every message must arrive exactly once."""
    started = time.monotonic()
    command = [sys.executable, "-m", "flask", "--app", "app", "outbox", "send", "--limit", "500"]
    sent = failed = rounds = 0
    last: list[str] = []
    while rounds < 100:  # bounded
        rounds += 1
        processes = [
            subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            for _ in range(senders)
        ]
        last = [(p.communicate()[0].strip().splitlines() or ["(no output)"])[-1]
                for p in processes]
        for line in last:
            counts = dict(re.findall(r"(sent|failed) (\d+)", line))
            sent += int(counts.get("sent", 0))
            failed += int(counts.get("failed", 0))
        if any(p.returncode != 0 for p in processes):
            break
        if all(line.startswith("sent 0,") or "still queued 0" in line for line in last):
            break
    summary = (f"{rounds} rounds of {senders} senders: sent {sent}, failed {failed}; "
               f"last round: {'; '.join(last)}")
    return summary, time.monotonic() - started


def run_one(kind: str, args: argparse.Namespace) -> dict:
    """One full run on one database: figures, counts and verdict."""
    url, cleanup = fresh_database(kind)
    workdir = Path(tempfile.mkdtemp(prefix=f"load-{kind}-"))
    mail = MailCatcher()
    try:
        create_users(url, args.users)
        env = site_env(url, mail.port)
        process, base = start_site(env, args.workers, workdir / "gunicorn.log", args.threads)
        try:
            print(f"[{kind}] gunicorn -w {args.workers} at {base}; {args.clients} visitors for "
                  f"{args.seconds:g} s ...", flush=True)
            out = workdir / "client.json"
            server_cpu = workers_cpu_seconds(process.pid)
            client_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
            load_before = os.getloadavg()[0]
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / "load_client.py"), base, str(out),
                 "--seconds", str(args.seconds), "--clients", str(args.clients),
                 "--users", str(args.users), "--login-rate", str(args.login_rate),
                 "--think", str(args.think), "--warmup", str(args.warmup)],
                cwd=ROOT, check=True,
            )
            client = json.loads(out.read_text())
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            client["cpu"] = {
                "server_s": workers_cpu_seconds(process.pid) - server_cpu,
                "client_s": after.ru_utime + after.ru_stime - client_cpu.ru_utime
                - client_cpu.ru_stime,
                "load": (load_before, os.getloadavg()[0]),
            }
        finally:
            stop(process)
        counts = count_rows(url, client)
        delivered_line, delivery_s = deliver_outbox(env)
        counts["delivery"] = {"line": delivered_line, "seconds": delivery_s}
        counts["smtp"] = dict(mail.received)
        log_text = (workdir / "gunicorn.log").read_text()
        return {"kind": kind, "client": client, "counts": counts, "log": log_text, "args": args}
    finally:
        mail.close()
        cleanup()


def main() -> None:
    """Run on the databases asked for and print each report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--db", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=0,
                        help="gthread workers with this many threads each (0 = sync workers)")
    parser.add_argument("--users", type=int, default=20, help="bench accounts to log in as")
    parser.add_argument("--login-rate", type=float, default=2.0,
                        help="logins per second across all visitors (each costs ~250 ms CPU)")
    parser.add_argument("--warmup", type=float, default=5.0,
                        help="seconds of traffic before the measured ones (latencies not counted)")
    parser.add_argument("--think", type=float, default=1000.0,
                        help="mean pause between a visitor's actions in ms (0 = none: a "
                             "saturation test, 50 requests always in flight)")
    args = parser.parse_args()
    kinds = ["postgresql", "sqlite"] if args.db == "both" else [args.db]
    verdicts = []
    for kind in kinds:
        verdicts.append(print_report(run_one(kind, args)))
    sys.exit(0 if all(verdicts) else 1)


if __name__ == "__main__":
    main()
