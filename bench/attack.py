"""Attack the site on 127.0.0.1: sqlmap on every form and parameter of the contract, then wapiti.

Serves the site under gunicorn on a fresh SQLite database (rate limits off, CSRF left ON:
sqlmap fetches a fresh csrf_token from /cookies before each request with --csrf-token and
--csrf-url), publishes a policy version 2 so the diff has two versions, registers and logs in a
user for the targets that need a session, submits a rights request as that user (verified at once,
as for any logged-in owner) so its status page answers 200, then
- runs sqlmap (--level 3 --risk 2 --batch) on each entry of TARGETS and reports
  "no injection found" or the injection points;
- runs wapiti (xss, sql, csrf, http_headers, cookieflags, csp modules) from / and prints its
  findings by severity.
A target whose route does not exist yet (its feature is not merged) is reported "not served yet".
sqlmap and wapiti3 are installed on first use into .cache/venv-sqlmap and .cache/venv-wapiti.

    .venv/bin/python bench/attack.py [--only NAME ...] [--skip-sqlmap] [--skip-wapiti]

Exit status 1 when sqlmap finds an injection or wapiti a finding of medium severity or more.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._site import ROOT, csrf_token, ensure_venv, served_site

SCAN_EMAIL = "scan-user@example.com"
SCAN_PASSWORD = "Scan-password-42!"  # noqa: S105 - the throwaway account of a throwaway site


@dataclass
class Target:
    """One request to attack: a `*` in the path marks an injection point in the path itself."""

    name: str
    method: str
    path: str
    fields: dict[str, str] = field(default_factory=dict)
    form_page: str | None = None  # where the csrf_token comes from (default: the path)
    login: bool = False  # needs the logged-in scan user's session cookie


REFERENCE = "<reference>"  # in a path: the scan user's own rights request


CONTACT = {"name": "Ada Scan", "email": "ada@example.com"}
TARGETS = [
    Target("policy diff", "GET", "/privacy/diff?from=1&to=2"),
    Target("policy version", "GET", "/privacy/versions/1*"),
    Target("login", "POST", "/login", {"email": SCAN_EMAIL, "password": "wrong-password"}),
    Target("register", "POST", "/register", {
        "email": "new@example.com", "password": SCAN_PASSWORD, "password_confirm": SCAN_PASSWORD,
        "name": "New User", "age_confirm": "y"}),
    Target("password forgot", "POST", "/password/forgot", {"email": SCAN_EMAIL}),
    Target("support request", "POST", "/support", {
        **CONTACT, "organisation": "Example Ltd", "phone": "+44 20 7946 0000",
        "subject": "A question", "message": "How long do you keep API logs?"}),
    Target("rights request", "POST", "/rights", {
        **CONTACT, "request_type": "access", "details": "Everything you hold about me."}),
    Target("cookie consent", "POST", "/cookies/consent",
           {"choice": "save", "analytics": "on", "next": "/privacy"}, form_page="/cookies"),
    Target("rights status", "GET", f"/rights/status/{REFERENCE}*", login=True),
    Target("account", "POST", "/account", {
        "name": "Scan User", "organisation": "Example Ltd", "email": SCAN_EMAIL,
        "phone": "+44 20 7946 0001", "address": "1 Example Street, London"}, login=True),
]
OUT = ROOT / "bench" / "out"  # gitignored: the sqlmap logs and the wapiti report
WAPITI_MODULES = "xss,sql,csrf,http_headers,cookieflags,csp"
# Never crawled: they would end the scan's session or delete its account.
WAPITI_EXCLUDE = ["/logout", "/account/delete"]
WAPITI_LEVELS = {4: "critical", 3: "high", 2: "medium", 1: "low", 0: "info"}


def route_exists(env: dict[str, str], method: str, path: str) -> bool:
    """Whether the app has a route for this method and path (asked of the app's URL map)."""
    probe = (
        "import sys; from app import app; from werkzeug.exceptions import HTTPException\n"
        "try: app.url_map.bind('127.0.0.1').match(sys.argv[2], sys.argv[1])\n"
        "except HTTPException: sys.exit(3)"
    )
    clean = path.split("?")[0].replace("*", "")
    result = subprocess.run(
        [sys.executable, "-c", probe, method, clean], cwd=ROOT, env=env, capture_output=True,
        check=False,
    )
    if result.returncode not in (0, 3):
        raise RuntimeError(f"could not ask the app for its routes: {result.stderr[-1500:]}")
    return result.returncode == 0


def select_defaults(html: str) -> dict[str, str]:
    """The first non-empty option of each <select> (e.g. the support category)."""
    found = {}
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        values = [v for v in re.findall(r'<option[^>]*value="([^"]*)"', body) if v]
        if values:
            found[name] = values[0]
    return found


class Browser:
    """A cookie-keeping client for setting up the scan (registration, login)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, path: str, fields: dict[str, str] | None = None) -> tuple[int, str, str]:
        """GET, or POST the fields with the csrf_token of the page itself; (status, url, body)."""
        data = None
        if fields is not None:
            token = csrf_token(self.open(path)[2]) or ""
            data = urllib.parse.urlencode({**fields, "csrf_token": token}).encode()
        try:
            response = self.opener.open(urllib.request.Request(self.base + path, data=data))
        except urllib.error.HTTPError as error:
            response = error
        return response.status, response.geturl(), response.read().decode("utf-8", "replace")

    def cookie_header(self) -> str:
        """The cookies as one Cookie header value."""
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)


def confirmation_path(workdir: Path) -> str | None:
    """The scan user's email-confirmation link, read from the site's outbox (no SMTP here)."""
    with sqlite3.connect(workdir / "site.db") as conn:
        row = conn.execute("SELECT body_text FROM outbox_emails WHERE to_address = ? "
                           "ORDER BY id DESC LIMIT 1", (SCAN_EMAIL,)).fetchone()
    match = re.search(r"(/account/email/confirm/[A-Za-z0-9_\-]+)", row[0] if row else "")
    return match.group(1) if match else None


def logged_in_browser(base: str, workdir: Path) -> Browser | None:
    """Register the scan user, confirm its address and log in; its browser, or None."""
    browser = Browser(base)
    browser.open("/register", {"email": SCAN_EMAIL, "password": SCAN_PASSWORD,
                               "password_confirm": SCAN_PASSWORD, "name": "Scan User",
                               "age_confirm": "y"})
    path = confirmation_path(workdir)
    if path:  # the address must be confirmed for its rights request to be verified at once
        browser.open(path)
        browser.open("/account/email/confirm", {"password": SCAN_PASSWORD})
    browser.open("/login", {"email": SCAN_EMAIL, "password": SCAN_PASSWORD})
    status, url, _ = browser.open("/account")
    return browser if status == 200 and "/login" not in url else None


def owned_rights_reference(browser: Browser) -> str | None:
    """Submit a rights request as the logged-in scan user; its reference once its status opens."""
    status, url, _ = browser.open("/rights", {
        "request_type": "access", "name": "Scan User", "email": SCAN_EMAIL, "details": "Scan."})
    # The owner's own email while logged in: verified at once, 303 to the status page.
    match = re.search(r"/rights/status/([A-Za-z0-9-]+)$", url)
    return match.group(1) if status == 200 and match else None


def still_logged_in(base: str, cookie: str | None) -> bool:
    """Whether the session cookie still opens /account (a logged-out scan proves nothing)."""
    browser = Browser(base)
    browser.opener.addheaders.append(("Cookie", cookie or ""))
    status, url, _ = browser.open("/account")
    return status == 200 and "/login" not in url


def sqlmap(bin_dir: Path, base: str, target: Target, cookie: str | None, out: Path) -> str:
    """Run sqlmap on one target; return a one-line verdict."""
    command = [
        str(bin_dir / "sqlmap"), "-u", base + target.path, "--batch", "--level", "3",
        "--risk", "2", "--ignore-code", "401,429", "--flush-session", "--disable-coloring",
        "--output-dir", str(out), "--answers", "follow=N",
    ]
    # sqlmap pre-opens sockets and uses them up to 10 s later; gunicorn closes a connection that
    # sends nothing within its 2 s keep-alive. sqlmap opens a new connection every 1000 requests,
    # and when that one is such a dead socket the token fetch (silent, never retried) fails:
    # "anti-CSRF token can't be found". Connect only when a request is about to be sent.
    command.append("--disable-precon")
    if target.method == "POST":
        form_page = target.form_page or target.path
        page = Browser(base)
        if cookie:
            page.opener.addheaders.append(("Cookie", cookie))
        fields = {**select_defaults(page.open(form_page)[2]), **target.fields, "csrf_token": ""}
        # The token is per session, not per form: take it from /cookies, which renders a form
        # for everyone (a payload that logs sqlmap in makes /login and /register redirect).
        command += ["--data", urllib.parse.urlencode(fields), "--csrf-token", "csrf_token",
                    "--csrf-url", base + "/cookies"]
    if cookie:
        command += ["--cookie", cookie]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    log = result.stdout
    # A run answered mostly 400 means the CSRF token was refused: say so, it would hide findings.
    codes = re.findall(r"^(\d{3} \([^)]*\) - \d+ times)", log, re.M)
    errors = f" (HTTP errors during the run: {'; '.join(codes)})" if codes else ""
    if "identified the following injection point" in log:
        start = log.index("identified the following injection point")
        return "INJECTION FOUND\n" + log[start:start + 1500]
    if "all tested parameters do not appear to be injectable" in log:
        return "no injection found" + errors
    criticals = [line for line in log.splitlines() if "[CRITICAL]" in line or "[ERROR]" in line]
    return "inconclusive: " + (" | ".join(criticals[-3:]) or log[-400:]) + errors


def run_sqlmap(
    base: str, env: dict[str, str], cookie: str | None, reference: str | None, only: list[str]
) -> bool:
    """sqlmap on every target; True when no injection was found."""
    bin_dir = ensure_venv("sqlmap", "sqlmap>=1.8,<2")
    ok = True
    print("== sqlmap --level 3 --risk 2 (CSRF protection on, rate limits off)")
    out = OUT / "sqlmap"
    for target in TARGETS:
        if only and target.name not in only:
            continue
        label = f"{target.name:18} {target.method} {target.path.replace('*', '')}"
        if not route_exists(env, target.method, target.path):
            print(f"{label}: not served yet")
            continue
        if target.login and not cookie:
            print(f"{label}: skipped, could not register and log in the scan user")
            continue
        if REFERENCE in target.path:
            if not reference:
                print(f"{label}: skipped, could not create the scan user's rights request")
                continue
            target = replace(target, path=target.path.replace(REFERENCE, reference))
        started = time.monotonic()
        verdict = sqlmap(bin_dir, base, target, cookie if target.login else None, out)
        if target.login and not still_logged_in(base, cookie):
            verdict += " (warning: the scan user was logged out during the run)"
        ok &= not verdict.startswith("INJECTION")
        print(f"{label}: {verdict} [{time.monotonic() - started:.0f} s]", flush=True)
    print(f"sqlmap logs in {out.relative_to(ROOT)}")
    return ok


def wapiti(bin_dir: Path, base: str, start: str, report_path: Path, cookie: str | None) -> dict:
    """One wapiti scan from `start`; its JSON report."""
    command = [
        str(bin_dir / "wapiti"), "-u", base + start, "--scope", "folder",
        "--max-scan-time", "90", "--max-attack-time", "30", "-m", WAPITI_MODULES,
        "-f", "json", "-o", str(report_path), "--flush-session",
    ]
    for path in WAPITI_EXCLUDE:
        command += ["-x", base + path]
    if cookie:
        command += ["-C", cookie]
    with tempfile.TemporaryDirectory(prefix="wapiti-") as home:
        command += ["--store-session", home]
        subprocess.run(command, capture_output=True, text=True, check=False,
                       env={**os.environ, "HOME": home})
    return json.loads(report_path.read_text())


def run_wapiti(base: str, cookie: str | None) -> bool:
    """wapiti from / (and from /account when logged in); True when nothing is medium or worse."""
    bin_dir = ensure_venv("wapiti", "wapiti3>=3.2,<4")
    scans = [("anonymous", "/", None)] + ([("logged in", "/account", cookie)] if cookie else [])
    ok = True
    for label, start, session in scans:
        report_path = OUT / f"wapiti-{label.replace(' ', '-')}.json"
        report = wapiti(bin_dir, base, start, report_path, session)
        findings = [
            (finding["level"], kind, finding)
            for section in ("vulnerabilities", "anomalies")
            for kind, items in report.get(section, {}).items()
            for finding in items
        ]
        crawled = report.get("infos", {}).get("crawled_pages_nbr", "?")
        print(f"== wapiti {label} from {start} ({WAPITI_MODULES}): {crawled} pages crawled, "
              f"{len(findings)} finding(s); report in {report_path.relative_to(ROOT)}")
        for level, kind, finding in sorted(findings, key=lambda f: -f[0]):
            where = f"{finding['method']} {finding['path']}"
            param = f" [{finding['parameter']}]" if finding.get("parameter") else ""
            print(f"  {WAPITI_LEVELS.get(level, level):8} {kind}: {where}{param}: "
                  f"{finding['info']}")
        ok &= all(level < 2 for level, _, _ in findings)
    return ok


def publish_second_version(env: dict[str, str], workdir: Path) -> None:
    """Publish policy version 2 (version 1 plus a paragraph) so /privacy/diff has two versions."""
    source = workdir / "policy-v2.md"
    policy = (ROOT / "content" / "policy.md").read_text()
    source.write_text(policy + "\n\n## Scan note\n\nA paragraph added for the scan.\n")
    subprocess.run(
        [sys.executable, "-m", "flask", "policy", "import", str(source), "--summary", "scan"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )


def main() -> None:
    """Serve the site, attack it, print the verdicts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="target names to run sqlmap on")
    parser.add_argument("--skip-sqlmap", action="store_true")
    parser.add_argument("--skip-wapiti", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    ok = True
    with served_site() as (base, env, workdir):
        publish_second_version(env, workdir)
        browser = (logged_in_browser(base, workdir) if route_exists(env, "POST", "/login")
                   else None)
        reference = owned_rights_reference(browser) if browser else None
        cookie = browser.cookie_header() if browser else None
        print("scan user:", "registered and logged in" if cookie else "no login available",
              f"(own rights request {reference})" if reference else "")
        if not args.skip_sqlmap:
            ok &= run_sqlmap(base, env, cookie, reference, args.only)
        if not args.skip_wapiti:
            ok &= run_wapiti(base, cookie)
    print("== result:", "pass" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
