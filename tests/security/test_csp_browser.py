"""In Chromium, under the site's own Content-Security-Policy: every public page and every page
a logged-in user and an admin open (from the route table) loads with no CSP violation and no
console error."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.security.routes import html_pages
from tests.security.world import World

pytestmark = pytest.mark.browser

# Injected through the debugging protocol, so the site's CSP does not block it.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push({
    directive: event.violatedDirective, blocked: event.blockedURI,
    source: event.sourceFile, line: event.lineNumber, sample: event.sample,
  });
}, true);
"""
# Violation events are queued as tasks: let one turn of the event loop pass before reading.
READ_VIOLATIONS = "() => new Promise((done) => setTimeout(() => done(window.__cspViolations), 0))"


class Watcher:
    """A browser context for one role that records CSP violations and console errors."""

    def __init__(self, browser: object, base: str, session_cookie: str | None) -> None:
        self.base = base
        self.context = browser.new_context()
        if session_cookie:
            self.context.add_cookies([{"name": "session", "value": session_cookie, "url": base}])
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _console(self, message: object) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def visit(self, path: str) -> list[str]:
        """Open the page; return what went wrong on it."""
        self.errors = []
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.status == 200, (path, response and response.status)
        return self.problems()

    def problems(self) -> list[str]:
        """Violations recorded on the page now open, and console errors since the last visit."""
        violations = self.page.evaluate(READ_VIOLATIONS)
        return [f"CSP {v['directive']}: {v['blocked']} {v['source']}:{v['line']} {v['sample']!r}"
                for v in violations] + self.errors

    def close(self) -> None:
        self.context.close()


def session_cookie(world: World, role: str) -> str | None:
    """The signed session cookie of a test client logged in as the role."""
    if role == "anonymous":
        return None
    client = world.client(role)
    client.get("/healthz")  # lets the client's cookie jar hold the session set above
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


@pytest.mark.parametrize("role", ["anonymous", "user", "admin"])
def test_no_csp_violation_or_console_error(
    app: Flask, world: World, live_server: str, browser: object, role: str
) -> None:
    watcher = Watcher(browser, live_server, session_cookie(world, role))
    try:
        problems = {}
        paths = [route.url(app, world) for route in html_pages(app, role)]
        assert len(paths) > 5
        for path in paths:
            found = watcher.visit(path)
            if found:
                problems[path] = found
    finally:
        watcher.close()
    assert problems == {}


def test_banner_script_runs_cleanly(
    app: Flask, world: World, live_server: str, browser: object
) -> None:
    """The consent banner's script sends the choice without a reload, under the same CSP."""
    watcher = Watcher(browser, live_server, None)
    try:
        assert watcher.visit("/") == []
        with watcher.page.expect_response(lambda r: r.url.endswith("/cookies/consent")) as sent:
            watcher.page.get_by_role("button", name="Reject all").click()
        assert sent.value.status == 200
        watcher.page.wait_for_load_state("networkidle")
        found = watcher.problems()
        assert watcher.page.get_by_role("button", name="Reject all").count() == 0
    finally:
        watcher.close()
    assert found == []


def test_the_watcher_sees_violations(app: Flask, live_server: str, browser: object) -> None:
    """The harness itself: a page with an inline script and a style attribute is reported."""
    app.add_url_rule(  # before the app's first request, so Flask still takes a new rule
        "/csp-probe", "csp_probe",
        lambda: '<!doctype html><p style="color:red">x</p><script>console.log(1)</script>',
    )
    watcher = Watcher(browser, live_server, None)
    try:
        found = watcher.visit("/csp-probe")
    finally:
        watcher.close()
    assert any("CSP style-src" in line for line in found), found
    assert any("CSP script-src" in line for line in found), found
