"""A release cannot half-happen: in production the site refuses to start, naming the command,
when a catalogue's .mo is missing or older than its .po, or when the static files were not
fingerprinted (`flask digest compile`) since they last changed; the commands that build them
run in any environment that has the project installed.

Each test starts the app as gunicorn would (`import app` in a fresh Python, APP_ENV=production)
from a copy of the checkout, so nothing is written into the source tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures import ROOT

CATALOGUES = Path("website/translations")
GERMAN = CATALOGUES / "de" / "LC_MESSAGES"
START = "import app, website; print('started from', website.__file__)"


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the checkout as a release host holds it, built: catalogues and static files
    compiled (the session fixture compiled the repository's; copies keep their times)."""
    target = tmp_path / "site"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("website", "templates", "content", "migrations", "scripts"):
        shutil.copytree(ROOT / folder, target / folder, ignore=ignore)
    # The run's compiled static files (tests/fixtures/static.py), never the repository's.
    shutil.copytree(os.environ.get("STATIC_FOLDER") or ROOT / "static", target / "static",
                    ignore=ignore)
    for name in ("app.py", "babel.cfg"):
        shutil.copy2(ROOT / name, target / name)
    assert (target / GERMAN / "messages.mo").exists()
    assert (target / "static" / "cache_manifest.json").exists()
    return target


def environment(checkout: Path, **extra: str) -> dict[str, str]:
    """Production settings, with the PATH of an activated virtualenv: the one running the tests
    (the project installed there; the copy has no .venv)."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "PYTHONPATH": str(checkout),
        "HOME": str(checkout.parent),
        "APP_ENV": "production",
        "SECRET_KEY": "a-production-secret",
        "AUDIT_KEY": "a-production-audit-key",
        "WEBHOOK_SECRET_KEY": "a-production-webhook-key",
        "DATABASE_URL": f"sqlite:///{checkout.parent / 'site.db'}",
        "INSTANCE_PATH": str(checkout.parent / "instance"),
        "RETENTION_AUTORUN": "false",
        **extra,
    }


def start(checkout: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """Import the WSGI app (or run `command`) in the copy, in production."""
    argv = list(command) or [sys.executable, "-c", START]
    return subprocess.run(argv, cwd=checkout, env=environment(checkout), capture_output=True,
                          text=True, timeout=120, check=False)


def assert_started(result: subprocess.CompletedProcess[str], checkout: Path) -> None:
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"started from {checkout / 'website'}" in result.stdout


def assert_refused(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode != 0
    assert "ReleaseIncompleteError: The release is not complete" in result.stderr
    for text in expected:
        assert text in result.stderr


def outdated(checkout: Path, code: str) -> None:
    """A catalogue's .po changed after its .mo was compiled (as a `git pull` that changed it)."""
    folder = checkout / CATALOGUES / code / "LC_MESSAGES"
    now = time.time()
    os.utime(folder / "messages.mo", (now - 60, now - 60))
    os.utime(folder / "messages.po", (now - 30, now - 30))


def test_a_complete_release_starts(checkout):
    assert_started(start(checkout), checkout)


def test_a_missing_catalogue_refuses_to_start_naming_the_command(checkout):
    (checkout / GERMAN / "messages.mo").unlink()
    result = start(checkout)
    assert_refused(result, "de/LC_MESSAGES/messages.mo is missing",
                   "run `scripts/translations compile`")
    assert "fr/LC_MESSAGES" not in result.stderr  # only what is wrong


def test_a_catalogue_older_than_its_source_refuses_to_start(checkout):
    outdated(checkout, "fr")
    assert_refused(start(checkout), "fr/LC_MESSAGES/messages.mo is older than messages.po",
                   "run `scripts/translations compile`")


def test_the_translations_script_runs_with_the_installed_python_and_mends_it(checkout):
    """No .venv in the copy: the script finds the Python that has the project installed."""
    (checkout / GERMAN / "messages.mo").unlink()
    outdated(checkout, "fr")
    compiled = start(checkout, "scripts/translations", "compile")
    assert compiled.returncode == 0, compiled.stderr
    assert (checkout / GERMAN / "messages.mo").stat().st_size > 1000
    assert_started(start(checkout), checkout)


def test_static_files_never_fingerprinted_refuse_to_start_naming_the_command(checkout):
    (checkout / "static" / "cache_manifest.json").unlink()
    assert_refused(start(checkout), "cache_manifest.json is missing",
                   "run `flask digest compile`")


def test_a_static_file_changed_since_the_manifest_refuses_to_start(checkout):
    with (checkout / "static" / "css" / "site.css").open("a") as css:
        css.write("\n.new-rule { color: red; }\n")
    assert_refused(start(checkout), "css/site.css changed since the manifest was written",
                   "run `flask digest compile`")


def test_the_command_that_fingerprints_runs_without_a_manifest_and_mends_it(checkout):
    (checkout / "static" / "cache_manifest.json").unlink()
    with (checkout / "static" / "js" / "site.js").open("a") as script:
        script.write("\n// changed\n")
    compiled = start(checkout, sys.executable, "-m", "flask", "--app", "app", "digest", "compile")
    assert compiled.returncode == 0, compiled.stderr
    assert_started(start(checkout), checkout)
