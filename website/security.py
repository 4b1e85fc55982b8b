"""Security headers on every response."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, redirect, request

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


def set_security_headers(response: Response) -> Response:
    """Add the headers SPEC.md asks for; HSTS only over HTTPS."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


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


def redirect_to_https() -> Response | None:
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


def refuse_non_form_bodies() -> None:
    """Every form here is a text-only HTML form: refuse JSON bodies and file uploads (400).

    Flask-WTF would otherwise read a JSON body, or an uploaded file, as the form's fields, and
    the validators, written for text, would fail on a number, a list or a file with a 500."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    if request.is_json:
        abort(400, "This address takes web-form fields, not JSON.")
    # Only multipart bodies carry files; reading request.files on others would consume the
    # raw body that the views check for bytes that are not UTF-8.
    if request.mimetype == "multipart/form-data" and request.files:
        abort(400, "This address takes text fields only: no file uploads.")


def register_security(app: Flask) -> None:
    """Install the HTTPS redirect, the form-body check and the header hook."""
    app.before_request(redirect_to_https)
    app.before_request(refuse_non_form_bodies)
    app.after_request(set_security_headers)
