"""Home, health check and the files robots and browsers look for."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue

from website.database import database_answers
from website.extensions import utcnow
from website.i18n import DEFAULT_LOCALE, alternates, language_offers, page_locale
from website.pages import bp
from website.policy.service import published_versions, upcoming_versions


@bp.get("/")
def home() -> str:
    """What the site is, and the ways in (and a policy version about to take effect); in
    English, an offer of the reader's language."""
    offers = language_offers() if page_locale() == DEFAULT_LOCALE else []
    return render_template("pages/home.html", upcoming=upcoming_versions(),
                           language_offers=offers)


# A load balancer's check gets its answer within this, whatever the database does.
HEALTH_SECONDS = 1.5


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """200 when the database answers within HEALTH_SECONDS, else 503."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the real app
    if database_answers(app, HEALTH_SECONDS):
        return {"status": "ok"}, 200
    return {"status": "unavailable"}, 503


@bp.get("/robots.txt")
def robots() -> ResponseReturnValue:
    """Allow the public pages; keep crawlers out of accounts and one-time links.

    /admin/ is not listed: a crawler gets a redirect to /login there (nothing to index), and a
    public file should not point at the admin area.
    """
    site = current_app.config["SITE_URL"]
    lines = [
        "User-agent: *",
        "Disallow: /account",
        "Disallow: /rights/verify/",
        "Disallow: /rights/status/",
        "Disallow: /password/",
        "Allow: /",
        f"Sitemap: {site}/sitemap.xml",
        "",
    ]
    return Response("\n".join(lines), mimetype="text/plain")


@bp.get("/sitemap.xml")
def sitemap() -> ResponseReturnValue:
    """The public pages, with every published policy version, in every language: each URL with
    its translations as hreflang alternates."""
    paths = list(SITEMAP_PAGES)
    # Site paths without the language prefix of the sitemap's own URL (/de/sitemap.xml).
    paths += [url_for("policy.version", number=v.number)[len(request.script_root):]
              for v in published_versions()]
    pages = [alternates(path) for path in paths]
    body = render_template("pages/sitemap.xml", pages=pages)
    return Response(body, mimetype="application/xml")


SITEMAP_PAGES = (
    "/", "/privacy", "/privacy/versions", "/privacy/retention", "/cookies", "/support", "/rights",
    "/privacy/subprocessors",
)


@bp.get("/.well-known/gpc.json")
def gpc() -> dict[str, object]:
    """We honour the Global Privacy Control signal."""
    return {"gpc": True, "lastUpdate": current_app.config["GPC_LAST_UPDATE"]}


@bp.get("/.well-known/security.txt")
def security_txt() -> ResponseReturnValue:
    """RFC 9116: where to report vulnerabilities and compromised API keys."""
    expires = (utcnow() + timedelta(days=365)).strftime("%Y-%m-%dT00:00:00Z")
    site = current_app.config["SITE_URL"]
    body = render_template("pages/security.txt", site=site, expires=expires)
    return Response(body, mimetype="text/plain")
