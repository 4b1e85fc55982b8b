"""Anonymous public pages from memory.

A visitor who sends no cookie gets the same bytes as every other such visitor (one variant more
for `Sec-GPC: 1`): the page has no banner state, flash, login or token of theirs in it. Flask
renders each such page once per worker and published state; the `PageCache` WSGI layer in front
of Flask keeps the bytes and answers the next identical request itself, without Flask's request
machinery, with a strong ETag (304 on a match) and a `public` Cache-Control that lets a shared
cache (deploy/nginx.conf) keep it for `s-maxage`.

What a stored page depends on, besides the code and templates a worker loaded at start: the
date and the published policy versions (`website.policy.service.published_state`). The layer
asks for that state at most every POLICY_CACHE_SECONDS and forgets every page when it changed;
a publication in this worker forgets them at once (`forget_remembered` there).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request, session
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from website.policy.service import published_state

# Browsers revalidate every time (max-age=0: a 304 when nothing changed, so a visitor who then
# accepts cookies never sees a stale banner page); a shared cache may answer for 60 s and
# serve a stale copy for 30 s more while it refetches. A publication therefore reaches every
# visitor within POLICY_CACHE_SECONDS + 90 s.
PUBLIC_CACHE_CONTROL = "public, max-age=0, s-maxage=60, stale-while-revalidate=30"
PRIVATE_CACHE_CONTROL = "private, no-cache"

# The pages that are the same for every visitor without cookies.
PUBLIC_ENDPOINTS = frozenset({
    "pages.home", "pages.robots", "pages.sitemap", "pages.gpc", "pages.security_txt",
    "policy.current", "policy.versions", "policy.version", "policy.version_markdown",
    "policy.diff", "consent.cookies", "consent.cookies_json", "support.new_request",
    "rights.new_request",
})

KEY = "website.page_cache.key"  # WSGI environ: the cache key of a request that may be stored
STORE = "website.page_cache.store"  # WSGI environ: set by Flask when the answer may be stored
MAX_BYTES = 32 * 1024 * 1024  # per worker; least recently used pages go first

PageKey = tuple[str, str, str, str, bool]


@dataclass(frozen=True)
class StoredPage:
    """One answer as sent: status line, headers (with its ETag) and body."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str


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

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.pages: OrderedDict[PageKey, StoredPage] = OrderedDict()
        self.size = 0
        self.state: object = None
        self.checked_until = 0.0
        self.generation = 0  # changes whenever the pages are forgotten
        self.lock = threading.Lock()

    def forget(self) -> None:
        """Drop every stored page (a publication, a new day, a changed state)."""
        with self.lock:
            self.clear()
            self.checked_until = 0.0

    def clear(self) -> None:
        """Drop the pages (the lock held); a page rendered before this will not be kept."""
        self.pages.clear()
        self.size = 0
        self.generation += 1

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        key = page_key(environ)
        if key is None or not self.app.config["PAGE_CACHE"]:
            return self.wsgi_app(environ, start_response)
        self.check_state()
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
        if page is not None:
            return self.answer(page, environ, start_response)
        if environ["REQUEST_METHOD"] == "GET":
            environ[KEY] = key
            return self.render_and_store(key, environ, start_response)
        return self.wsgi_app(environ, start_response)

    def check_state(self) -> None:
        """Every POLICY_CACHE_SECONDS: forget the pages when the published state changed."""
        now = time.monotonic()
        if now < self.checked_until:
            return
        try:
            with self.app.app_context():
                state = published_state()
        except SQLAlchemyError:
            # The database is down: let Flask answer (a 503 page) until it is back.
            self.forget()
            return
        with self.lock:
            if state != self.state:
                self.clear()
                self.state = state
            self.checked_until = now + self.app.config["POLICY_CACHE_SECONDS"]

    @staticmethod
    def answer(page: StoredPage, environ: dict[str, Any],
               start_response: Callable) -> Iterable[bytes]:
        """The stored page, or 304 when the client already holds these bytes."""
        if page.etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            kept = [(k, v) for k, v in page.headers
                    if k in ("ETag", "Cache-Control", "Vary", "Last-Modified")]
            start_response("304 NOT MODIFIED", kept)
            return []
        start_response(page.status, page.headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [page.body]

    def render_and_store(self, key: PageKey, environ: dict[str, Any],
                         start_response: Callable) -> Iterable[bytes]:
        """Let Flask answer; keep the bytes when Flask marked the answer as shareable."""
        sent: list[Any] = []
        generation = self.generation

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
        names = {name.lower() for name, _ in headers}
        if status.startswith("200") and "set-cookie" not in names:
            etag = next(value for name, value in headers if name == "ETag")
            self.store(key, StoredPage(status, list(headers), body, etag), generation)
        return [body]

    def store(self, key: PageKey, page: StoredPage, generation: int) -> None:
        """Keep a page rendered under the current state, dropping the least recently used ones
        past MAX_BYTES."""
        with self.lock:
            if generation != self.generation:
                return  # a publication or a new state came while it was rendered
            old = self.pages.pop(key, None)
            self.size -= len(old.body) if old else 0
            self.pages[key] = page
            self.size += len(page.body)
            while self.size > MAX_BYTES and self.pages:
                _, dropped = self.pages.popitem(last=False)
                self.size -= len(dropped.body)


def shareable(response: Response) -> bool:
    """True when this answer carries nothing of the visitor's: it may go to anyone."""
    return (
        request.endpoint in PUBLIC_ENDPOINTS
        and request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not request.cookies
        and "Authorization" not in request.headers
        and not session.modified
        and "Set-Cookie" not in response.headers
    )


def set_cache_headers(response: Response) -> Response:
    """Public pages: `public` with a strong ETag when anonymous, else `private`; never stored
    when they carry anything of the visitor's."""
    if request.endpoint == "static":
        return response
    if request.endpoint in PUBLIC_ENDPOINTS:
        response.vary.add("Cookie")
        response.vary.add("Sec-GPC")
    if shareable(response):
        response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL
        body = response.get_data()
        response.set_etag(hashlib.sha256(body).hexdigest()[:32])
        if request.environ.get(KEY) is not None and current_app.config["PAGE_CACHE"]:
            request.environ[STORE] = True
        return response.make_conditional(request)
    if "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response


def register_page_cache(app: Flask) -> None:
    """The header hook (registered first, it runs after every other after-request hook) and
    the WSGI layer in front of Flask (off in debug mode, where templates reload)."""
    app.after_request(set_cache_headers)
    if app.debug:
        app.config["PAGE_CACHE"] = False
    cache = PageCache(app, app.wsgi_app)
    app.extensions["page_cache"] = cache
    # Wrapping the WSGI app is Flask's documented middleware pattern; mypy sees a method.
    app.wsgi_app = cache  # type: ignore[method-assign]

