"""Static files: fingerprinted names, pre-compressed copies, served `immutable`.

`flask digest compile` (Flask-Static-Digest) writes `site-<md5>.css` beside `site.css`, its
`.gz` and `.br` copies and `cache_manifest.json`; templates link through `static_url_for`, which
reads the manifest (no manifest, as in a fresh checkout: the plain names). WhiteNoise serves
the files in front of Flask, picking the `.br` or `.gz` copy the browser accepts; a
fingerprinted name never changes content, so it may be cached for a year.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from wsgiref.headers import Headers

from flask import Flask
from whitenoise import WhiteNoise

from website.security import security_headers

FINGERPRINTED = re.compile(r"-[0-9a-f]{32}\.[A-Za-z0-9]+$")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate"


def is_fingerprinted(path: str, url: str) -> bool:
    """True for a file whose name carries its content's hash (generated, never hand-made)."""
    return bool(FINGERPRINTED.search(url))


def add_headers(headers: Headers, path: str, url: str) -> None:
    """A year and `immutable` for fingerprinted names, revalidation for plain ones."""
    headers["Cache-Control"] = IMMUTABLE if is_fingerprinted(path, url) else REVALIDATE
    for name, value in security_headers().items():
        headers[name] = value


def static_files(app: Flask, wsgi_app: Callable) -> Callable:
    """WhiteNoise in front of the app for everything under the static URL path."""
    if not app.static_folder or not os.path.isdir(app.static_folder):
        return wsgi_app  # an app without static files (a test's stand-in root)
    return WhiteNoise(
        wsgi_app,
        root=app.static_folder,
        prefix=app.static_url_path,
        max_age=0,
        allow_all_origins=False,
        add_headers_function=add_headers,
        immutable_file_test=is_fingerprinted,
    )
