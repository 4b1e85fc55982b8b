"""Page quality: Lighthouse scores and Nu HTML checker errors for the site's pages.

Serves the site under gunicorn on a fresh SQLite database, logs in as the demo admin (password,
then the TOTP code) and enters a rights request, a support request, a policy draft and a breach
through the admin's forms (bench/_admin.py), then
- runs Lighthouse (Debian's Chromium, headless) on LIGHTHOUSE_PAGES and, with the admin's
  session cookie, LIGHTHOUSE_ADMIN_PAGES, and prints the category scores of each page, with
  every audit scoring under 1 and why. The admin pages are kept out of search engines on
  purpose (noindex): SEO is printed for them but not required;
- runs the Nu HTML checker (vnu.jar, errors only) on VALIDATED_PAGES, on the admin pages
  VALIDATED_ADMIN_PAGES and on the ERROR_PAGES (the admin and error pages' HTML is fetched and
  checked as files, since vnu has no session and will not check a 4xx URL).
A page that answers 404 is reported as "not served yet" (its feature is not merged).
Tools are installed on first use into .cache/npm (Java from Debian if `java` is missing).

    .venv/bin/python bench/page_quality.py [--skip-lighthouse] [--skip-vnu] [--preset desktop]
        [--only PATH ...]

Exit status 1 when a served page has a score under --min-score (default 0.9) or an HTML error.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._admin import AdminSession, seed_admin_pages
from bench._site import (
    CHROMIUM,
    ensure_java,
    ensure_npm_tools,
    fetch,
    seed_demo,
    served_site,
)

LIGHTHOUSE_PAGES = [
    "/", "/privacy", "/privacy/diff?from=1&to=2", "/cookies", "/support", "/rights", "/login",
    "/de/privacy", "/fr/cookies",
]
# Scanned logged in as the demo admin; {name} is a path seed_admin_pages entered.
LIGHTHOUSE_ADMIN_PAGES = ["/account", "/admin/", "{rights}"]
VALIDATED_PAGES = [
    "/",
    "/privacy",
    "/privacy/versions",
    "/privacy/versions/1",
    "/privacy/diff?from=1&to=2",
    "/privacy/diff",
    "/privacy/retention",
    "/de/privacy",
    "/fr/privacy/versions",
    "/de/privacy/diff?from=1&to=2",
    "/cookies",
    "/support",
    "/rights",
    "/login",
    "/register",
    "/password/forgot",
    "/de/", "/de/privacy", "/de/privacy/retention", "/fr/cookies", "/fr/privacy",
]
VALIDATED_ADMIN_PAGES = [
    "/account", "/admin/", "/admin/policy", "{draft}", "/admin/policy/drafts/new",
    "/admin/support", "{support}", "/admin/rights", "{rights}", "/admin/rights/new",
    "/admin/systems", "/admin/systems/site", "/admin/tasks", "/admin/incidents", "{incident}",
    "/admin/consents", "/admin/analytics", "/admin/audit", "/admin/processing", "/admin/mfa",
    "/admin/subprocessors/objections",
]
# name -> (method, path, expected status): pages vnu cannot fetch itself.
ERROR_PAGES = {
    "400 bad request": ("GET", "/privacy/diff?from=x&to=1", 400),
    "404 not found": ("GET", "/no/such/page", 404),
    "405 method not allowed": ("POST", "/healthz", 405),
    "404 not found, German": ("GET", "/de/no/such/page", 404),
}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# The admin and account pages say noindex on purpose: SEO is not asked of them.
ADMIN_CATEGORIES = ["performance", "accessibility", "best-practices"]


def lighthouse(
    node_modules: Path, url: str, preset: str | None, cookie: str | None = None
) -> dict:
    """Run Lighthouse on one URL (optionally with a Cookie header) and return its report."""
    command = [
        "node", str(node_modules / "lighthouse" / "cli" / "index.js"), url,
        "--chrome-flags=--headless --no-sandbox --disable-gpu",
        "--output=json", "--output-path=stdout", "--quiet",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    if preset:
        command.append(f"--preset={preset}")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    for _attempt in range(3):
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        # Lighthouse sometimes loses its trace on a busy machine (NO_NAVSTART): run it again.
        if result.returncode == 0 or "Please run Lighthouse again" not in result.stderr:
            break
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}: {result.stderr[-500:]}")
    return json.loads(result.stdout)


def print_lighthouse(report: dict, min_score: float, required: list[str]) -> bool:
    """Print the category scores and the audits under 1; True when every required category
    meets min."""
    scores = {key: report["categories"][key]["score"] for key in CATEGORIES}
    print("  " + "  ".join(f"{key} {round((s or 0) * 100):>3}" for key, s in scores.items()))
    for key in CATEGORIES:
        for ref in report["categories"][key]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            score = audit.get("score")
            if score is None or score >= 1 or audit.get("scoreDisplayMode") == "informative":
                continue
            why = audit.get("displayValue") or audit.get("explanation") or ""
            items = audit.get("details", {}).get("items", [])
            items = items if isinstance(items, list) else []
            weight = "" if ref.get("weight") else " (diagnostic, weight 0)"
            print(f"    [{key}] {audit['title']}: score {score:.2f}{weight} {why}".rstrip())
            for item in items[:5]:
                node = item.get("node") or {}
                where = node.get("snippet") or item.get("url") or item.get("source") or ""
                if where and isinstance(where, str):
                    print(f"        {str(where)[:140]}")
    return all((scores[key] or 0) >= min_score for key in required)


def run_lighthouse(base: str, admin: AdminSession, seeded: dict[str, str], preset: str | None,
                   min_score: float, only: list[str] | None) -> bool:
    """Lighthouse on every LIGHTHOUSE_PAGES and LIGHTHOUSE_ADMIN_PAGES entry (or the --only
    ones); True when all served pages pass."""
    node_modules = ensure_npm_tools()
    ok = True
    print(f"== Lighthouse ({preset or 'mobile'} preset; scores out of 100)")
    pages = [(p, False) for p in LIGHTHOUSE_PAGES] + [(p, True) for p in LIGHTHOUSE_ADMIN_PAGES]
    for listed, logged_in in pages:
        path = listed.format(**seeded)
        if only and listed not in only and path not in only:
            continue
        status, _ = fetch(base + path, headers={"Cookie": admin.cookie} if logged_in else None)
        if status == 404:
            print(f"{path}: not served yet (404)")
            continue
        print(f"{path}{' (logged in as admin; SEO not required)' if logged_in else ''}:")
        report = lighthouse(node_modules, base + path, preset, admin.cookie if logged_in else None)
        ok &= print_lighthouse(report, min_score, ADMIN_CATEGORIES if logged_in else CATEGORIES)
    return ok


def vnu_messages(java: str, jar: Path, targets: list[str]) -> list[dict]:
    """Run vnu.jar once over URLs and files; return its error messages."""
    command = [
        java, "-Dnu.validator.servlet.allow-forbidden-hosts=true", "-jar", str(jar),
        "--errors-only", "--format", "json", *targets,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return json.loads(result.stderr)["messages"]


def run_vnu(base: str, admin: AdminSession, seeded: dict[str, str]) -> bool:
    """The Nu HTML checker on the public, admin and error pages; True when no errors."""
    jar = ensure_npm_tools() / "vnu-jar" / "build" / "dist" / "vnu.jar"
    java = ensure_java()
    print("== Nu HTML checker (errors only)")
    targets: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="vnu-") as tmp:
        for path in VALIDATED_PAGES:
            status, _ = fetch(base + path)
            if status == 404:
                print(f"{path}: not served yet (404)")
            else:
                targets[base + path] = path
        for index, path in enumerate(p.format(**seeded) for p in VALIDATED_ADMIN_PAGES):
            status, body = fetch(base + path, headers={"Cookie": admin.cookie})
            file = Path(tmp) / f"admin{index}.html"
            file.write_text(body)
            targets[file.as_uri()] = f"{path} (logged in as admin, {status})"
        for index, (name, (method, path, expected)) in enumerate(ERROR_PAGES.items()):
            data = b"" if method == "POST" else None
            status, body = fetch(base + path, data=data)
            if status != expected:
                print(f"{name}: expected {expected} from {method} {path}, got {status}")
                continue
            file = Path(tmp) / f"error{index}.html"
            file.write_text(body)
            targets[file.as_uri()] = f"{name} ({method} {path})"
        messages = vnu_messages(java, jar, list(targets))
    by_target: dict[str, list[dict]] = {label: [] for label in targets.values()}
    for message in messages:
        label = targets.get(message.get("url", ""), message.get("url", "?"))
        by_target.setdefault(label, []).append(message)
    for label, found in by_target.items():
        print(f"{label}: {len(found)} error(s)")
        for message in found:
            print(f"    line {message.get('lastLine', '?')}: {message['message']}")
    return not messages


def main() -> None:
    """Serve the site, run both checkers, print what they found."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--skip-vnu", action="store_true")
    parser.add_argument("--preset", choices=["desktop", "perf", "experimental"], default=None)
    parser.add_argument("--min-score", type=float, default=0.9)
    parser.add_argument("--only", nargs="*", default=None,
                        help="Lighthouse only these paths, e.g. / {rights} (re-run a page alone)")
    args = parser.parse_args()
    ok = True
    with served_site() as (base, env, _workdir):
        seed_demo(env)
        admin = AdminSession(base)
        seeded = seed_admin_pages(admin)
        print("Entered through the admin's forms:", ", ".join(seeded.values()))
        if not args.skip_vnu:
            ok &= run_vnu(base, admin, seeded)
        if not args.skip_lighthouse:
            ok &= run_lighthouse(base, admin, seeded, args.preset, args.min_score, args.only)
    print("== result:", "pass" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
