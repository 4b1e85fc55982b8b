"""Shared by the quality and security scripts: tool installs under .cache/ and a served site.

Each tool is installed on first use into the repository's `.cache/` (gitignored): npm packages
into `.cache/npm`, Python tools each into their own `.cache/venv-<name>`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench._server import free_port, stop

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
NPM_PREFIX = CACHE / "npm"
NODE_MODULES = NPM_PREFIX / "node_modules"
NPM_TOOLS = ("lighthouse@12.8.2", "vnu-jar@26.9.27", "@mdn/mdn-http-observatory@1.4.8")
CHROMIUM = "/usr/bin/chromium"
SECRET_KEY = "quality-scan-only"  # noqa: S105 - a throwaway key for a throwaway local server


def ensure_npm_tools() -> Path:
    """Install Lighthouse, vnu-jar and the MDN Observatory into .cache/npm; return node_modules."""
    wanted = [spec.rsplit("@", 1)[0] for spec in NPM_TOOLS]
    if not all((NODE_MODULES / name / "package.json").exists() for name in wanted):
        NPM_PREFIX.mkdir(parents=True, exist_ok=True)
        # --save keeps them in .cache/npm/package.json, so a later `npm install --no-save
        # axe-core` (tests/fixtures/browser.py) does not prune them. --ignore-scripts: the
        # Observatory's postinstall downloads the HSTS preload list, which this machine cannot
        # reach.
        subprocess.run(
            ["npm", "install", "--save", "--no-audit", "--no-fund", "--ignore-scripts",
             "--prefix", str(NPM_PREFIX), *NPM_TOOLS],
            check=True,
        )
    preload = NODE_MODULES / "@mdn" / "mdn-http-observatory" / "conf" / "hsts-preload.json"
    if not preload.exists():
        preload.write_text("{}")
    return NODE_MODULES


def ensure_java() -> str:
    """The `java` command, installing Debian's headless JRE when it is missing."""
    if not shutil.which("java"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "default-jre-headless"],
            check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    return shutil.which("java") or "java"


def ensure_venv(name: str, *requirements: str) -> Path:
    """A virtualenv `.cache/venv-<name>` with the requirements installed; return its bin dir."""
    venv = CACHE / f"venv-{name}"
    marker = venv / ".installed"
    if marker.exists() and marker.read_text() == "\n".join(requirements):
        return venv / "bin"
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "--upgrade", "pip", "setuptools", "wheel"], check=True)
    subprocess.run([*pip, *requirements], check=True)
    marker.write_text("\n".join(requirements))
    return venv / "bin"


def fetch(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str]:
    """GET (or POST `data`) and return the status and body, errors included."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def csrf_token(html: str) -> str | None:
    """The Flask-WTF hidden csrf_token value of the first form on a page."""
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)
    value = re.search(r'value="([^"]*)"', tag.group(0)) if tag else None
    return value.group(1) if value else None


def site_env(workdir: Path, **overrides: str) -> dict[str, str]:
    """Environment for a throwaway site: its own SQLite file, no rate limits."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'site.db'}",
        "INSTANCE_PATH": str(workdir / "instance"),
        "SECRET_KEY": SECRET_KEY,
        "AUDIT_KEY": SECRET_KEY,
        "WEBHOOK_SECRET_KEY": SECRET_KEY,
        "RATELIMIT_ENABLED": "false",
        "JOBS_ENABLED": "false",
        "FLASK_APP": "app:app",
    }
    env.update(overrides)
    return env


def migrate(env: dict[str, str]) -> None:
    """`flask db upgrade` on the throwaway database (the first start imports policy v1)."""
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def start_gunicorn(env: dict[str, str], port: int, *extra: str) -> subprocess.Popen:
    """Start `gunicorn app:app` on 127.0.0.1:port (extra arguments e.g. for TLS).

    Threaded workers as in production (README): an idle scanner connection then holds one
    thread, not a whole sync worker until its timeout.
    """
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--no-control-socket", "--workers", "2",
         "--threads", "4",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", *extra, "app:app"],
        cwd=ROOT, env=env,
    )


def wait_for(url: str, seconds: float = 30) -> None:
    """Wait until the URL answers at all (any status)."""
    import ssl

    context = ssl._create_unverified_context()  # noqa: S323 - our own local self-signed server
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2, context=context)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def stopping(process: subprocess.Popen) -> Iterator[subprocess.Popen]:
    """Terminate the process on the way out."""
    try:
        yield process
    finally:
        stop(process)


@contextmanager
def served_site(**overrides: str) -> Iterator[tuple[str, dict[str, str], Path]]:
    """Serve the site over plain HTTP on a fresh database; yield (base URL, env, temp dir)."""
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="quality-")))
        env = site_env(workdir, **overrides)
        migrate(env)
        port = free_port()
        stack.enter_context(stopping(start_gunicorn(env, port)))
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/healthz")
        yield base, env, workdir


DEMO_ADMIN = ("admin@example.com", "a long admin passphrase")
DEMO_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DP"  # the demo admin's second factor (a throwaway secret)


def seed_demo(env: dict[str, str]) -> None:
    """An admin account with a second factor, and a material version 2 (so
    /privacy/diff?from=1&to=2 exists)."""
    email, password = DEMO_ADMIN
    flask = [sys.executable, "-m", "flask"]
    subprocess.run([*flask, "users", "create-admin", email, "--password", password,
                    "--totp-secret", DEMO_TOTP],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    path = Path(env["INSTANCE_PATH"]) / "policy-v2.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(policy_v2(), encoding="utf-8")
    subprocess.run([*flask, "policy", "import", str(path), "--summary",
                    "Shorter log retention; international transfers explained", "--material"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def policy_v2() -> str:
    """The demo's version 2: the shipped policy with shorter log retention and transfers."""
    source = (ROOT / "content" / "policy.md").read_text(encoding="utf-8")
    return source.replace(
        "Usage logs and API metadata may be retained for up to 2 years",
        "Usage logs and API metadata are retained for at most **18 months**",
    ).replace(
        "## Children",
        "## International Transfers\n\nWhere data leaves the UK or EEA, we use the European "
        "Commission's standard contractual clauses.\n\n## Children",
    )
