"""Anonymous public pages from memory, and the validators of every public page.

A visitor who sends no cookie gets the same bytes as every other such visitor (one variant more
for `Sec-GPC: 1`): the page has no banner state, flash, login or token of theirs in it. Flask
renders each such page once per worker and published state; the `PageCache` WSGI layer in front
of Flask keeps the bytes in the worker's memory of what is published
(website/policy/published.py: one generation for pages and policy values alike, forgotten
together) and answers the next identical request itself, without Flask's request machinery,
with a `public` Cache-Control that lets a shared cache (deploy/nginx.conf) keep it for
`s-maxage`.

Every public page carries a strong ETag over its bytes; an anonymous one also carries
Last-Modified, the time the published state last changed. Conditional requests are answered by
one rule (website/conditional.py) whether Flask or the memory answers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app, request, session
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import Headers
from werkzeug.http import parse_date
from werkzeug.wrappers import Response

from website.conditional import not_modified, not_modified_headers
from website.config import STALE_IF_ERROR_SECONDS
from website.policy.published import MISSING, PublishedMemory, published_memory

# Browsers revalidate every time (max-age=0: a 304 when nothing changed, so a visitor who then
# accepts cookies never sees a stale banner page); a shared cache may answer for 10 s and
# serve a stale copy for 10 s more while it refetches. A publication therefore reaches every
# visitor behind deploy/nginx.conf within POLICY_CACHE_SECONDS + 20 s. While the site answers
# errors (its database away: 503), the shared cache may keep serving its copy for
# STALE_IF_ERROR_SECONDS after it stopped being fresh, and never longer: nginx is the one place
# that serves stale pages (this worker's memory is forgotten when the database is away).
SHARED_CACHE_CONTROL = "public, max-age=0, s-maxage=10, stale-while-revalidate=10"


def public_cache_control(stale_if_error: int) -> str:
    """The Cache-Control of an anonymous public page, with its stale-if-error bound."""
    return f"{SHARED_CACHE_CONTROL}, stale-if-error={stale_if_error}"


PUBLIC_CACHE_CONTROL = public_cache_control(STALE_IF_ERROR_SECONDS)  # with the default setting
PRIVATE_CACHE_CONTROL = "private, no-cache"

# The pages that are the same for every visitor without cookies.
PUBLIC_ENDPOINTS = frozenset({
    "pages.home", "pages.robots", "pages.sitemap", "pages.gpc", "pages.security_txt",
    "policy.current", "policy.versions", "policy.version", "policy.version_markdown",
    "policy.diff", "consent.cookies", "consent.cookies_json", "support.new_request",
    "rights.new_request",
})

# Public pages read from the register of systems (the sub-processor list): the same for every
# visitor without cookies and shared by caches for s-maxage like the pages above, but never kept
# in the worker's memory nor given Last-Modified, which follow the published policy state only.
REGISTER_ENDPOINTS = frozenset({"subprocessors.page", "subprocessors.feed"})

KEY = "website.page_cache.key"  # WSGI environ: the cache key of a request that may be stored
STORE = "website.page_cache.store"  # WSGI environ: set by Flask when the answer may be stored

PageKey = tuple[str, str, str, str, bool]


@dataclass(frozen=True)
class StoredPage:
    """One answer as sent: status line, headers, body, and its validators."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str
    last_modified: datetime | None


def page_key(environ: dict[str, Any]) -> PageKey | None:
    """The key of an anonymous GET or HEAD, or None when the request may not share a page."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    if environ.get("PATH_INFO") == "/healthz":
        return None  # answered in its own time limit; never waits for the published state
    if environ.get("HTTP_COOKIE") or environ.get("HTTP_AUTHORIZATION"):
        return None
    return (
        environ.get("wsgi.url_scheme", "http"),
        environ.get("HTTP_HOST", ""),
        environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        environ.get("HTTP_SEC_GPC", "").strip() == "1",
    )


class PageCache:
    """WSGI layer: answers stored anonymous pages itself; passes everything else to Flask."""

    def __init__(self, app: Flask, wsgi_app: Callable, memory: PublishedMemory) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.memory = memory

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        key = page_key(environ)
        if key is None or not self.app.config["PAGE_CACHE"]:
            return self.wsgi_app(environ, start_response)
        try:
            generation = self.memory.current()
        except SQLAlchemyError:
            # The database is away: Flask answers (a 503 page) until it is back.
            return self.wsgi_app(environ, start_response)
        page = self.memory.recall(("page", key))
        if page is not MISSING:
            return self.answer(page, environ, start_response)
        if environ["REQUEST_METHOD"] == "GET":
            environ[KEY] = key
            return self.render_and_store(key, generation, environ, start_response)
        return self.wsgi_app(environ, start_response)

    @staticmethod
    def answer(page: StoredPage, environ: dict[str, Any],
               start_response: Callable) -> Iterable[bytes]:
        """The stored page, or 304 when the client's validators match it."""
        if not_modified(environ, page.etag, page.last_modified):
            start_response("304 NOT MODIFIED", not_modified_headers(page.headers))
            return []
        start_response(page.status, page.headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [page.body]

    def render_and_store(self, key: PageKey, generation: int, environ: dict[str, Any],
                         start_response: Callable) -> Iterable[bytes]:
        """Let Flask answer; keep the bytes when Flask marked the answer as shareable (and
        only in the generation it was rendered in)."""
        sent: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, capture)
        if not environ.get(STORE):
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers = sent
        found = Headers(headers)
        if status.startswith("200") and "Set-Cookie" not in found:
            page = StoredPage(status, list(headers), body, found["ETag"],
                              parse_date(found.get("Last-Modified")))
            self.memory.keep(("page", key), page, generation, size=len(body) + 1024)
        return [body]


def shareable(response: Response) -> bool:
    """True when this answer carries nothing of the visitor's: it may go to anyone."""
    return (
        (request.endpoint in PUBLIC_ENDPOINTS or request.endpoint in REGISTER_ENDPOINTS)
        and request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not request.cookies
        and "Authorization" not in request.headers
        and not session.modified
        and "Set-Cookie" not in response.headers
    )


def set_cache_headers(response: Response) -> Response:
    """Public pages: a strong ETag over the bytes, `public` with Last-Modified when anonymous,
    else `private`, and 304 when the client's validators match; never stored when they carry
    anything of the visitor's."""
    if request.endpoint == "static":
        return response
    remembered = request.endpoint in PUBLIC_ENDPOINTS
    public = remembered or request.endpoint in REGISTER_ENDPOINTS
    if public:
        response.vary.add("Cookie")
        response.vary.add("Sec-GPC")
    if public and response.status_code == 200 and request.method in ("GET", "HEAD"):
        response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
    if shareable(response):
        response.headers["Cache-Control"] = public_cache_control(
            current_app.config["STALE_IF_ERROR_SECONDS"])
        # A register page gets neither: the register changes without a publication.
        # (None when the state cannot be read: no header then; Werkzeug would write None as now)
        modified = published_memory().last_modified() if remembered else None
        if modified is not None:
            response.last_modified = modified
        if remembered and request.environ.get(KEY) is not None and current_app.config["PAGE_CACHE"]:
            request.environ[STORE] = True
    elif "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
    if "ETag" in response.headers and not_modified(
            request.environ, response.headers["ETag"], response.last_modified):
        response.status_code = 304
    return response


def register_page_cache(app: Flask) -> None:
    """The header hook (registered first, it runs after every other after-request hook); off
    in debug mode, where templates reload. The WSGI layer is placed by the factory's stack."""
    app.after_request(set_cache_headers)
    if app.debug:
        app.config["PAGE_CACHE"] = False
