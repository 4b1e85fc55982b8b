"""Security headers on every response, the cross-origin check on every unsafe request, and the
one check of `next` paths."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, redirect, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask.wrappers import Request
from werkzeug.datastructures import Headers

# default-src 'none': anything not listed here (frames, media, workers, manifests) is refused.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HSTS = "max-age=63072000; includeSubDomains; preload"

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)


def security_headers() -> dict[str, str]:
    """The headers every answer carries, static files included (they bypass Flask)."""
    return {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
    }


def set_security_headers(response: Response) -> Response:
    """Add the security headers (README, security section); HSTS only over HTTPS."""
    add_security_headers(response.headers, request.is_secure)
    return response


def add_security_headers(headers: Headers, secure: bool) -> None:
    """The security headers a view did not set itself; HSTS only on an HTTPS answer."""
    present = {name.lower() for name, _ in headers}
    headers.extend((name, value) for name, value in security_headers().items()
                   if name.lower() not in present)
    if secure and "strict-transport-security" not in present:
        headers["Strict-Transport-Security"] = HSTS


def safe_local_path(target: str | None) -> str | None:
    """The target when it is a path on this site (e.g. /account?tab=1), else None.

    Every `next` goes through here, so no form can redirect a visitor to another site.
    """
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 for char in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CROSS_ORIGIN_REFUSED = (
    "This form was sent from another site, so it was not accepted and nothing was changed. "
    "Open this site's own page and send it from there."
)


def origin_of(url: str) -> str:
    """The scheme://host[:port] of a URL, lowercased (the form browsers send in `Origin`)."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def trusted_origins(app: Flask) -> frozenset[str]:
    """The site's own origin (from SITE_URL) and those in TRUSTED_ORIGINS."""
    urls = [app.config["SITE_URL"], *app.config["TRUSTED_ORIGINS"]]
    return frozenset(origin for origin in map(origin_of, urls) if origin)


def is_cross_origin(method: str, fetch_site: str | None, origin: str | None,
                    trusted: frozenset[str]) -> bool:
    """True when a browser sent this unsafe request from another site (token-less CSRF check).

    The scheme of Go 1.25's http.CrossOriginProtection and Rails 8.2: `Sec-Fetch-Site`
    same-origin or none (typed, bookmarked) passes, same-site and cross-site do not; a browser
    too old to send it is judged by `Origin`; a request with neither is no browser's, so no
    visitor's cookies ride on it and it passes.
    """
    if method not in UNSAFE_METHODS:
        return False
    if fetch_site:
        return fetch_site.strip().lower() not in ("same-origin", "none")
    if origin:
        return origin.strip().lower() not in trusted
    return False


def refuse_cross_origin() -> None:
    """Before anything else runs: a cross-origin unsafe request gets 403 and changes nothing."""
    if request.method not in UNSAFE_METHODS or not current_app.config["CROSS_ORIGIN_PROTECTION"]:
        return
    fetch_site, origin = request.headers.get("Sec-Fetch-Site"), request.headers.get("Origin")
    trusted = trusted_origins(current_app) if origin and not fetch_site else frozenset()
    if is_cross_origin(request.method, fetch_site, origin, trusted):
        abort(403, CROSS_ORIGIN_REFUSED)


def redirect_to_https() -> ResponseReturnValue | None:
    """With FORCE_HTTPS, send plain-HTTP visitors to the HTTPS address (health checks excepted).

    The target's host is the site's own (SITE_URL's), never the request's Host header, so a
    forged Host cannot turn the redirect into a link to another site."""
    if request.is_secure or not current_app.config["FORCE_HTTPS"]:
        return None
    if request.path == "/healthz":
        return None
    site = urlsplit(current_app.config["SITE_URL"])
    target = urlsplit(request.url)._replace(scheme="https", netloc=site.netloc)
    return redirect(target.geturl(), code=301)


# The one form that takes a file, and its one file field: a system's export for a rights
# request's task (the view checks its type, size and content: website/systems/exports.py).
FILE_FIELDS = {"admin.task_action": frozenset({"export"})}
# Machine endpoints: JSON bodies signed by another system; no cookie, no form.
MACHINE_ENDPOINTS = frozenset({"webhooks.answer"})


def refuse_non_form_bodies() -> None:
    """Every form here is a text-only HTML form: refuse JSON bodies and file uploads (400).

    Flask-WTF would otherwise read a JSON body, or an uploaded file, as the form's fields, and
    the validators, written for text, would fail on a number, a list or a file with a 500."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    if request.endpoint in MACHINE_ENDPOINTS:
        return  # signed JSON from a system, not a form (website/webhooks/views.py)
    if request.is_json:
        abort(400, "This address takes web-form fields, not JSON.")
    # Only multipart bodies carry files; reading request.files on others would consume the
    # raw body that the views check for bytes that are not UTF-8.
    allowed = FILE_FIELDS.get(request.endpoint or "", frozenset())
    if request.mimetype == "multipart/form-data" and set(request.files) - allowed:
        abort(400, "This address takes text fields only: no file uploads.")


class CookieSession(SecureCookieSessionInterface):
    """Flask's signed session cookie, whose signer is built only for a request that sends the
    cookie: a first visit (and a first consent click) opens an empty session for nothing."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """An empty session when the request has no session cookie; else Flask's own."""
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def register_security(app: Flask) -> None:
    """Install the cross-origin check, HTTPS redirect, form-body check and header hook.

    Called before the extensions are bound, so a refused request stops here, before the CSRF
    token check, the rate limiter or any view touches the database."""
    app.session_interface = CookieSession()
    app.before_request(refuse_cross_origin)
    app.before_request(redirect_to_https)
    app.before_request(refuse_non_form_bodies)
    app.after_request(set_security_headers)
