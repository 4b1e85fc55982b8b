"""Conditional requests: one rule for every answer that carries ETag or Last-Modified (the
public pages, whether Flask or the page memory answers, and the static files)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from werkzeug.datastructures import Headers
from werkzeug.http import is_resource_modified, remove_entity_headers


def not_modified(environ: dict[str, Any], etag: str, last_modified: datetime | None) -> bool:
    """RFC 9110 13.2.2 for a GET or HEAD: If-None-Match when sent (a list, `*` included, weak
    comparison), else If-Modified-Since against Last-Modified. Werkzeug's reading, as Flask's
    `make_conditional` uses it."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    return not is_resource_modified(environ, etag=etag, last_modified=last_modified)


def not_modified_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """A 304's headers: the 200's without the representation's own (as Werkzeug sends them)."""
    kept = Headers(list(headers))
    remove_entity_headers(kept)
    return kept.to_wsgi_list()

