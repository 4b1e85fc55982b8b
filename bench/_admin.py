"""Shared by the quality scripts: the demo admin's login (password, then the TOTP code) and the
admin pages' content, entered through the site's own forms so every admin page has something
to show (a rights request, a support request, a policy draft, a breach)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta

import pyotp

from bench._site import DEMO_ADMIN, DEMO_TOTP, csrf_token, policy_v2


def draft_text() -> str:
    """A version 3 in the making: version 2 with a year's log retention and a reply time."""
    return policy_v2().replace("at most **18 months**", "at most **12 months**").replace(
        "To exercise rights, contact:",
        "We answer within one month. To exercise rights, use the rights form or contact:",
    )


class AdminSession:
    """A browser-like session (a cookie jar) logged in as the demo admin."""

    def __init__(self, base: str) -> None:
        """Log in through /login and /login/code, as a person would."""
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        email, password = DEMO_ADMIN
        page = self.post_form("/login", {"email": email, "password": password})
        if "/login/code" not in page.url:
            raise RuntimeError(f"expected the second step of login, got {page.url}")
        landing = self.post_form("/login/code", {"code": pyotp.TOTP(DEMO_TOTP).now()})
        if not landing.url.endswith("/admin/"):
            raise RuntimeError(f"the code was refused: landed on {landing.url}")

    @property
    def cookie(self) -> str:
        """The Cookie header value of the logged-in session."""
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def cookies_for(self, url: str) -> list[dict[str, str]]:
        """The session's cookies in Playwright's form, for a browser context."""
        return [{"name": c.name, "value": c.value, "url": url} for c in self.jar]

    def get(self, path: str) -> tuple[str, str]:
        """GET a page (redirects followed); return its final URL and body."""
        with self.opener.open(self.base + path) as response:  # our local server
            return response.url, response.read().decode()

    def post_form(self, path: str, fields: dict[str, str],
                  action: str | None = None) -> urllib.response.addinfourl:
        """Open the form's page for its CSRF token, then send it (to `action` when the form
        posts elsewhere); return the final response."""
        _url, page = self.get(path)
        data = {**fields, "csrf_token": csrf_token(page) or ""}
        request = urllib.request.Request(self.base + (action or path),
                                         data=urllib.parse.urlencode(data).encode())
        response = self.opener.open(request)  # our local server
        response.read()
        return response


def reference_in(page: str, prefix: str) -> str:
    """The first reference linked from a page under `prefix` (e.g. /admin/support/)."""
    found = re.search(re.escape(prefix) + r"([A-Z]{2}-[A-Za-z0-9-]+)", page)
    if not found:
        raise RuntimeError(f"no link under {prefix}")
    return found.group(1)


def seed_admin_pages(session: AdminSession) -> dict[str, str]:
    """Enter a rights request, a support request, a draft and a breach; return name -> path."""
    now = datetime.now(UTC)
    today = now.date()
    rights = session.post_form("/admin/rights/new", {
        "request_type": "access", "name": "Grace Hopper", "email": "grace@example.com",
        "details": "A copy of everything you hold about me, please.",
        "received_on": (today - timedelta(days=3)).isoformat(), "channel": "email",
        "identity_checked": "y",
    })
    rights_path = urllib.parse.urlsplit(rights.url).path
    public = urllib.request.Request(session.base + "/support", data=urllib.parse.urlencode({
        "name": "Ada Lovelace", "email": "ada@example.com", "category": "api_problem",
        "subject": "Timeouts on /v1/search",
        "message": "Since Monday every call to /v1/search times out.\nRequest id abc-123.",
    }).encode())
    visitor = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    visitor.open(public).read()  # our local server; a visitor with a session of their own
    support = reference_in(session.get("/admin/support")[1], "/admin/support/")
    draft = session.post_form("/admin/policy/drafts/new", {
        "markdown": draft_text(), "summary": "Shorter log retention",
        "effective": (today + timedelta(days=14)).isoformat(),
    }, action="/admin/policy/drafts")
    incident = session.post_form("/admin/incidents", {
        "aware_at": (now - timedelta(hours=5)).strftime("%Y-%m-%d %H:%M"),
        "summary": "A support export was emailed to the wrong customer.",
        "categories": "API customers; names, email addresses.", "people_count": "12",
        "records_count": "12", "consequences": "Unwanted contact.",
        "measures": "The recipient deleted the file and confirmed it in writing.",
        "contact": "privacy@example.com",
    })
    return {
        "rights": rights_path,
        "support": f"/admin/support/{support}",
        "draft": urllib.parse.urlsplit(draft.url).path,
        "incident": urllib.parse.urlsplit(incident.url).path,
    }
