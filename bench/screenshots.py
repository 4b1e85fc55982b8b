"""Screenshots of the key pages at 390 and 1366 px, light and dark, into docs/screenshots/.

Serves the site under gunicorn on a fresh SQLite database with an admin (with a second factor)
and a material version 2; logs in as the admin (password, then the TOTP code) and enters a
rights request, a support request, a policy draft and a breach through the admin's forms
(bench/_admin.py); then drives Debian's Chromium through Playwright (no browser is downloaded).
Each PNG is then compressed with pngquant when it is installed (`apt-get install pngquant`):
about a third of the size, so refreshing every screenshot keeps the repository small.

    .venv/bin/python bench/screenshots.py [--only NAME ...] [--full-page]

Files are named NAME-WIDTH-SCHEME.png, e.g. privacy-390-dark.png, admin-rights-1366-light.png.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Page, sync_playwright

from bench._admin import AdminSession, seed_admin_pages
from bench._site import CHROMIUM, ROOT, seed_demo, served_site

OUT = ROOT / "docs" / "screenshots"
WIDTHS = {390: 844, 1366: 900}
SCHEMES = ("light", "dark")


def support_errors(page: Page, base: str, _seeded: dict[str, str]) -> None:
    """The support form sent with mistakes: the error summary and the messages by the fields."""
    page.goto(f"{base}/support")
    page.get_by_label("Your name").fill("Grace Hopper")
    page.get_by_label("Email address").fill("grace.example.com")
    page.get_by_role("button", name="Send request").click()


def cookie_confirmation(page: Page, base: str, _seeded: dict[str, str]) -> None:
    """The banner answered with JavaScript: its confirmation, focused (issue 27). Last of the
    public pages: the choice holds for the pages after it."""
    page.goto(f"{base}/")
    page.get_by_role("button", name="Reject all").click()
    page.locator("#consent-banner").wait_for(state="detached")


def scrolled_to(key: str, selector: str) -> Callable[[Page, str, dict[str, str]], None]:
    """An action: open a page seed_admin_pages entered and scroll its `selector` to the top."""
    def action(page: Page, base: str, seeded: dict[str, str]) -> None:
        page.goto(base + seeded[key])
        page.evaluate("s => window.scrollBy(0, document.querySelector(s)"
                      ".getBoundingClientRect().top - 16)", selector)
    return action


Target = str | Callable[[Page, str, dict[str, str]], None]
# name -> (path, "{name}" of a page seed_admin_pages entered, or action; logged in)
PAGES: dict[str, tuple[Target, bool]] = {
    "home": ("/", False),
    "privacy": ("/privacy", False),
    "diff": ("/privacy/diff?from=1&to=2", False),
    "cookies": ("/cookies", False),
    "support": ("/support", False),
    "support-errors": (support_errors, False),
    "rights": ("/rights", False),
    "login": ("/login", False),
    "register": ("/register", False),
    "retention": ("/privacy/retention", False),
    "cookie-confirmation": (cookie_confirmation, False),
    "account": ("/account", True),
    "admin": ("/admin/", True),
    "admin-rights": ("{rights}", True),
    "admin-draft-preview": (scrolled_to("draft", "#preview-heading"), True),
    "admin-draft-changes": (scrolled_to("draft", "#diff-heading"), True),
    "admin-support": ("{support}", True),
    "admin-systems": ("/admin/systems", True),
    "admin-incident": ("{incident}", True),
}


def shoot(page: Page, base: str, seeded: dict[str, str], name: str, width: int, scheme: str,
          full: bool) -> Path:
    """Open one page and save its screenshot, compressed."""
    target, _ = PAGES[name]
    if callable(target):
        target(page, base, seeded)
    else:
        page.goto(base + target.format(**seeded))
    page.wait_for_load_state("networkidle")
    path = OUT / f"{name}-{width}-{scheme}.png"
    page.screenshot(path=str(path), full_page=full)
    compress(path)
    return path


def compress(path: Path) -> None:
    """Quantise the PNG to a palette with pngquant, in place (skipped when not installed)."""
    if shutil.which("pngquant"):
        # Exit 98/99: the result would be larger or worse than --quality allows; keep the original.
        subprocess.run(["pngquant", "--force", "--skip-if-larger", "--strip", "--quality", "70-95",
                        "--output", str(path), str(path)], check=False)


def main() -> None:
    """Serve the site and take every screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="page names (default: all)")
    parser.add_argument("--full-page", action="store_true")
    args = parser.parse_args()
    names = args.only or list(PAGES)
    OUT.mkdir(parents=True, exist_ok=True)
    with served_site() as (base, env, _workdir), sync_playwright() as playwright:
        seed_demo(env)
        admin = AdminSession(base)  # one login: a TOTP code is accepted once
        seeded = seed_admin_pages(admin)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for width, height in WIDTHS.items():
            for scheme in SCHEMES:
                context = browser.new_context(
                    viewport={"width": width, "height": height}, color_scheme=scheme,
                    device_scale_factor=1,
                )
                page = context.new_page()
                for name in (n for n in names if not PAGES[n][1]):
                    print(shoot(page, base, seeded, name, width, scheme, args.full_page).name)
                if any(PAGES[n][1] for n in names):
                    context.add_cookies(admin.cookies_for(base))
                    for name in (n for n in names if PAGES[n][1]):
                        print(shoot(page, base, seeded, name, width, scheme,
                                    args.full_page).name)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
