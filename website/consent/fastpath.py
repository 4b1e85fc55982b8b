"""A first visitor's banner click, answered in front of Flask.

The banner's script posts the consent form and asks for JSON; a first visitor sends no cookie.
That POST is the site's most frequent write, and all Flask's request machinery does for it
(request context, session, login, the form classes, a dozen request hooks) costs about as much
as storing the proof. `ConsentFastPath`, a WSGI layer like the page cache, answers exactly that
request itself, with the same checks, the same proof row, cookie and JSON, and the same rate
limit count. Every other request, and every case that needs one of the site's decisions (a
cross-origin refusal, a form to correct, the GPC rule, the rate limit reached, a database
error), goes on to Flask, which answers it as it always did.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable
from typing import Any, cast
from urllib.parse import parse_qsl

from flask import Flask
from limits import parse as parse_limit
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import SecurityError
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Response
from werkzeug.wsgi import get_host

from website.consent import proof, registry, service
from website.errors import prefers_json
from website.extensions import limiter
from website.i18n import DEFAULT_LOCALE
from website.i18n import ENVIRON_KEY as LOCALE_KEY
from website.outages import database as database_outage
from website.pagecache import PRIVATE_CACHE_CONTROL
from website.security import add_security_headers, is_cross_origin, trusted_origins

ENDPOINT = "consent.save"
FORM_FIELDS = frozenset({"choice", "origin", "next", "gpc_exception"})
MAX_BODY = 2048  # the banner's form is about 40 bytes; anything larger goes to Flask
FALSE_VALUES = ("", "false")  # what a checkbox field reads as unticked (WTForms' BooleanField)


def read_form(body: bytes, category_keys: Iterable[str]) -> dict[str, str] | None:
    """The consent form's fields as ConsentForm reads them, when it would accept them; None
    for anything it might judge otherwise (not UTF-8, a field twice or unknown, a bad choice)."""
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        return None
    form = dict(pairs)
    if len(form) != len(pairs) or not form.keys() <= FORM_FIELDS.union(category_keys):
        return None
    return form if form.get("choice") in service.CHOICES else None


class ConsentFastPath:
    """WSGI layer: stores and answers a cookie-less JSON consent POST; passes the rest on."""

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.path = app.url_map.bind("").build(ENDPOINT)
        self.limit = parse_limit(service.DECISIONS_PER_MINUTE)

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if not self.app.config["CONSENT_FAST_PATH"] or not self.applies(environ):
            return self.wsgi_app(environ, start_response)
        length = int(environ["CONTENT_LENGTH"])
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)  # Flask reads it again if it answers
        with self.app.app_context():
            form = read_form(body, registry.optional_keys()) if len(body) == length else None
            response = self.answer(form, environ) if form is not None else None
        if response is None:
            environ["wsgi.input"] = io.BytesIO(body)
            return self.wsgi_app(environ, start_response)
        return response(environ, start_response)

    def applies(self, environ: dict[str, Any]) -> bool:
        """A banner-script POST of a first visitor from this site, to a trusted host."""
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != self.path:
            return False
        if environ.get("HTTP_COOKIE") or environ.get("HTTP_AUTHORIZATION"):
            return False
        content_type = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
        length = environ.get("CONTENT_LENGTH", "")
        if content_type != "application/x-www-form-urlencoded" or not length.isdigit():
            return False
        if not 0 < int(length) <= MAX_BODY or environ.get("HTTP_TRANSFER_ENCODING"):
            return False
        if not prefers_json(parse_accept_header(environ.get("HTTP_ACCEPT"), MIMEAccept)):
            return False
        config = self.app.config
        if config["FORCE_HTTPS"] and environ.get("wsgi.url_scheme") != "https":
            return False
        try:
            get_host(environ, trusted_hosts=config["TRUSTED_HOSTS"])
        except SecurityError:
            return False
        if not config["CROSS_ORIGIN_PROTECTION"]:
            return True
        fetch_site, origin = environ.get("HTTP_SEC_FETCH_SITE"), environ.get("HTTP_ORIGIN")
        trusted = trusted_origins(self.app) if origin and not fetch_site else frozenset()
        return not is_cross_origin("POST", fetch_site, origin, trusted)

    def answer(self, form: dict[str, str], environ: dict[str, Any]) -> Response | None:
        """Store the decision and build the JSON answer; None to let Flask answer instead."""
        choice = form["choice"]
        requested = {key for key in registry.optional_keys()
                     if form.get(key, "") not in FALSE_VALUES}
        granted = service.granted_for(choice, requested)
        gpc = environ.get("HTTP_SEC_GPC", "").strip() == "1"
        if gpc and granted:
            return None  # the GPC exception rule: the view decides
        state = service.ConsentState(gpc=gpc, gpc_honoured=gpc)
        locale = environ.get(LOCALE_KEY, DEFAULT_LOCALE)  # /de/cookies/consent: "de"
        wording = proof.known_banner_fingerprint(locale, state.expired)
        if wording is None:
            return None  # the worker's first decision: Flask renders the banner's wording once
        limit_headers = self.count_request(environ)
        if limit_headers is None:
            return None  # over the limit: Flask answers 429
        try:
            stored = service.record_consent(
                granted, service.decision_origin(choice, form.get("origin")), state, None,
                environ.get("HTTP_USER_AGENT", ""), banner_fingerprint=wording,
                outside_session=True, locale=locale,
            )
        except SQLAlchemyError as error:
            # Nothing was stored (the INSERT commits alone); Flask retries it or answers 503.
            database_outage.failed(error)
            return None
        # The app's response class (typed as the sans-IO base): a WSGI response.
        response = cast(Response, self.app.json.response(
            consent_id=stored.consent_id, categories=service.categories_map(granted)))
        service.set_choice_cookies(response, stored, sent_cookies={})
        response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
        response.headers["Vary"] = "Cookie"  # as Flask's answer (a cookie changes the decision)
        response.headers.extend(limit_headers)
        add_security_headers(response.headers, environ.get("wsgi.url_scheme") == "https")
        return response

    def count_request(self, environ: dict[str, Any]) -> list[tuple[str, str]] | None:
        """Count the POST against the view's own rate limit (the same storage and key as
        Flask-Limiter's); its headers, or None when the limit is reached."""
        if not limiter.enabled:
            return []
        config = self.app.config
        key = [environ.get("REMOTE_ADDR") or "127.0.0.1", ENDPOINT]
        prefix = config.get("RATELIMIT_KEY_PREFIX")
        key = [prefix, *key] if prefix else key
        if not limiter.limiter.hit(self.limit, *key):
            return None
        if not config.get("RATELIMIT_HEADERS_ENABLED"):
            return []
        reset, remaining = limiter.limiter.get_window_stats(self.limit, *key)
        reset_at = int(reset + 1)
        return [("X-RateLimit-Limit", str(self.limit.amount)),
                ("X-RateLimit-Remaining", str(remaining)),
                ("X-RateLimit-Reset", str(reset_at)),
                ("Retry-After", str(int(reset_at - time.time())))]


def register_fast_path(app: Flask) -> None:
    """Put the layer in front of Flask (inside the proxy headers and static files)."""
    # Wrapping the WSGI app is Flask's documented middleware pattern; mypy sees a method.
    app.wsgi_app = ConsentFastPath(app, app.wsgi_app)  # type: ignore[method-assign]
