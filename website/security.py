"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, current_app, redirect, request

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


def harden_cookies(response: Response) -> Response:
    """Give every cookie a view sets SameSite=Lax unless it names one, and Secure in production.

    The session and remember cookies are configured in config.py; this covers the cookies that
    features set themselves (e.g. the consent cookie), so none leaks over plain HTTP.
    """
    cookies = response.headers.getlist("Set-Cookie")
    if not cookies:
        return response
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    del response.headers["Set-Cookie"]
    for cookie in cookies:
        attributes = {part.split("=", 1)[0].strip().lower() for part in cookie.split(";")[1:]}
        if "samesite" not in attributes:
            cookie += "; SameSite=Lax"
        if secure and "secure" not in attributes:
            cookie += "; Secure"
        response.headers.add("Set-Cookie", cookie)
    return response


def redirect_to_https() -> Response | None:
    """With FORCE_HTTPS, send plain-HTTP visitors to the HTTPS address (health checks excepted)."""
    if request.is_secure or not current_app.config["FORCE_HTTPS"]:
        return None
    if request.path == "/healthz":
        return None
    return redirect(request.url.replace("http://", "https://", 1), code=301)


def register_security(app: Flask) -> None:
    """Install the HTTPS redirect, the header hook and the cookie flags."""
    app.before_request(redirect_to_https)
    app.after_request(set_security_headers)
    app.after_request(harden_cookies)
