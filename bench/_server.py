"""Shared benchmark helpers: a gunicorn server, a fresh database, and a wrk run.

Used by bench/bench_consent.py and bench/bench_privacy.py. Everything runs from the repository
root with the project's virtualenv; wrk comes from Debian (`apt-get install wrk`).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN_URL = os.environ.get(
    "POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    app_spec: str, env: dict, workers: int = 2, threads: int = 1
) -> tuple[subprocess.Popen, str]:
    """Start gunicorn (no control socket) on a free port and wait until it answers.

    threads=1 gives sync workers; more gives gthread workers, as production runs them.
    """
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--no-control-socket", "--workers", str(workers),
         "--threads", str(threads),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app_spec],
        cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(base_url + "/", timeout=2) as response:
                response.read()
            return process, base_url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn did not start: {Path(log.name).read_text()[-2000:]}")


def stop(process: subprocess.Popen) -> None:
    """Stop a server gracefully (requests in flight finish)."""
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def fresh_database(kind: str) -> tuple[str, Callable[[], None]]:
    """A new empty database ('sqlite' file or 'postgresql'), migrated by `flask db upgrade`."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="bench-db-")
        url = f"sqlite:///{folder}/bench.db"

        def cleanup() -> None:
            shutil.rmtree(folder, ignore_errors=True)
    elif kind == "postgresql":
        from sqlalchemy import create_engine, text

        name = f"bench_{secrets.token_hex(6)}"
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"

        def cleanup() -> None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    else:
        raise ValueError(f"unknown database kind {kind!r}")
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench"},
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        cleanup()
        raise RuntimeError(f"flask db upgrade failed: {result.stderr[-2000:]}")
    return url, cleanup


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(url: str, seconds: int, connections: int, script: str | None = None) -> dict:
    """Load `url` with wrk (2 threads); figures: rps, p50_ms, p99_ms, non2xx, errors, requests."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed: apt-get install -y wrk")
    command = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    figures = {"rps": 0.0, "p50_ms": 0.0, "p99_ms": 0.0, "non2xx": 0, "errors": 0, "requests": 0}
    if match := re.search(r"Requests/sec:\s+([\d.]+)", output):
        figures["rps"] = float(match.group(1))
    for label, key in (("50%", "p50_ms"), ("99%", "p99_ms")):
        if match := re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE):
            figures[key] = _ms(match.group(1), match.group(2))
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        figures["non2xx"] = int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                          output):
        figures["errors"] = sum(int(n) for n in match.groups())
    if match := re.search(r"(\d+) requests in", output):
        figures["requests"] = int(match.group(1))
    return figures


def load_in_rounds(targets: dict[str, str], seconds: int, connections: int,
                   rounds: int) -> dict[str, dict]:
    """Each URL loaded `rounds` times in turn (after a warm-up); the median run of each."""
    runs: dict[str, list[dict]] = {name: [] for name in targets}
    for url in targets.values():
        run_wrk(url, 2, connections)
    for _ in range(rounds):
        for name, url in targets.items():
            runs[name].append(run_wrk(url, seconds, connections))
    return {name: sorted(figures, key=lambda f: f["rps"])[len(figures) // 2]
            for name, figures in runs.items()}
