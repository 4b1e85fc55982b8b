"""The release's built files, checked at start: a forgotten step fails loudly instead of silently.

Two things are built from the checkout once per release, never by the app: the language
catalogues (`scripts/translations compile`: each `messages.po` becomes the `messages.mo` the site
reads; without it /de and /fr answer in English) and the fingerprinted static files with their
manifest (`flask digest compile`; without it pages link the plain names, which are not cached).

In production (APP_ENV=production) the app refuses to start when one is missing or older than
its source, with a message naming the command to run; elsewhere it logs the same message. It
does not build them itself: several workers and hosts start at once and would write (and
`flask digest compile` first deletes) the same files under each other, the app's user should not
own its code folder, and nginx serves /static/ from disk before any worker starts.

A `flask` command (migrations, `flask digest compile` itself) needs no static manifest, only
the catalogues (the announcement emails a command renders are translated).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path

import click
from flask import Flask

log = logging.getLogger(__name__)

COMPILE_CATALOGUES = "scripts/translations compile"
COMPILE_STATIC = "flask digest compile"
MANIFEST = "cache_manifest.json"
FINGERPRINT = re.compile(r"-[a-f\d]{32}")  # Flask-Static-Digest's own test of a built name


class ReleaseIncompleteError(RuntimeError):
    """The built files of this release are missing or out of date."""


def catalogue_problems(folder: Path) -> list[str]:
    """Each catalogue whose compiled `.mo` is missing or older than its `.po`."""
    problems = []
    for po in sorted(folder.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists():
            problems.append(f"{mo} is missing")
        elif mo.stat().st_mtime < po.stat().st_mtime:
            problems.append(f"{mo} is older than {po.name}")
    return problems


def is_built(path: Path) -> bool:
    """True for what `flask digest compile` writes: fingerprinted copies, .gz, .br, manifest."""
    return (path.name == MANIFEST or path.suffix in (".gz", ".br")
            or FINGERPRINT.search(path.name) is not None)


def static_problems(folder: Path) -> list[str]:
    """The manifest missing, or a static file it does not fingerprint with its present content."""
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        return [f"{manifest_path} is missing"]
    try:
        manifest = json.loads(manifest_path.read_text())
    except ValueError:
        return [f"{manifest_path} is not JSON"]
    problems = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not is_built(p)):
        name = path.relative_to(folder).as_posix()
        digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
        built = manifest.get(name, "")
        if f"-{digest}" not in built or not (folder / built).exists():
            problems.append(f"{name} changed since the manifest was written")
    return problems


def release_problems(app: Flask, serving: bool) -> list[str]:
    """What this start lacks, each naming the command that builds it."""
    folders = app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")  # Flask-Babel's list
    found = [f"{problem}: run `{COMPILE_CATALOGUES}`"
             for folder in folders for problem in catalogue_problems(Path(folder))]
    if serving and app.static_folder:
        found += [f"{problem}: run `{COMPILE_STATIC}`"
                  for problem in static_problems(Path(app.static_folder))]
    return found


def check_release(app: Flask) -> None:
    """Refuse to start in production without this release's built files (log them elsewhere)."""
    serving = click.get_current_context(silent=True) is None  # not inside a `flask` command
    problems = release_problems(app, serving)
    if not problems:
        return
    message = "The release is not complete:\n  " + "\n  ".join(problems)
    if app.config["PRODUCTION"]:
        raise ReleaseIncompleteError(message)
    if not app.config["TESTING"]:
        log.warning(message)
