"""Static files: fingerprinted names, pre-compressed copies, served `immutable`.

`flask digest compile` (Flask-Static-Digest) writes `site-<md5>.css` beside `site.css`, its
`.gz` and `.br` copies and `cache_manifest.json`; templates link through `static_url_for`, which
reads the manifest (no manifest, as in a fresh checkout: the plain names). WhiteNoise serves
the files in front of Flask, picking the `.br` or `.gz` copy the browser accepts; a
fingerprinted name never changes content, so it may be cached for a year.
"""

from __future__ import annotations

import calendar
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from wsgiref.headers import Headers

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.responders import MissingFileError, StaticFile

from website.conditional import not_modified
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


class RevalidatedFile(StaticFile):
    """A static file that answers conditional requests by the site's one rule (WhiteNoise's
    own compares If-None-Match as one string: a list, `*` or a weak tag got the whole file)."""

    def is_not_modified(self, request_headers: dict[str, Any]) -> bool:
        """RFC 9110 13.2.2, as for the pages (website/conditional.py)."""
        modified = self.last_modified  # a UTC time tuple from the Last-Modified header
        at = datetime.fromtimestamp(calendar.timegm(modified), UTC) if modified else None
        return not_modified(request_headers, self.etag, at)


class StaticFiles(WhiteNoise):
    """WhiteNoise whose files are `RevalidatedFile`s."""

    def get_static_file(self, path: str, url: str, stat_cache: Any = None) -> StaticFile:
        """WhiteNoise's own (whitenoise/base.py), making a `RevalidatedFile`."""
        if stat_cache is None and not os.path.exists(path):
            raise MissingFileError(path)
        headers = Headers([])
        self.add_mime_headers(headers, path, url)
        self.add_cache_headers(headers, path, url)
        if self.allow_all_origins:
            headers["Access-Control-Allow-Origin"] = "*"
        if self.add_headers_function is not None:
            self.add_headers_function(headers, path, url)
        return RevalidatedFile(path, headers.items(), stat_cache=stat_cache,
                               encodings={"gzip": path + ".gz", "br": path + ".br"})


def static_files(app: Flask, wsgi_app: Callable) -> Callable:
    """WhiteNoise in front of the app for everything under the static URL path."""
    if not app.static_folder or not os.path.isdir(app.static_folder):
        return wsgi_app  # an app without static files (a test's stand-in root)
    return StaticFiles(
        wsgi_app,
        root=app.static_folder,
        prefix=app.static_url_path,
        max_age=0,
        allow_all_origins=False,
        add_headers_function=add_headers,
        immutable_file_test=is_fingerprinted,
    )
