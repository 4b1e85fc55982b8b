"""Screenshots of the key pages at 390 and 1366 px, light and dark, into docs/screenshots/.

Serves the site under gunicorn on a fresh SQLite database with an admin and a material
version 2, then drives Debian's Chromium through Playwright (no browser is downloaded).

    .venv/bin/python bench/screenshots.py [--only NAME ...] [--full-page]

Files are named NAME-WIDTH-SCHEME.png, e.g. privacy-390-dark.png.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Page, sync_playwright

from bench._site import CHROMIUM, DEMO_ADMIN, ROOT, seed_demo, served_site

OUT = ROOT / "docs" / "screenshots"
WIDTHS = {390: 844, 1366: 900}
SCHEMES = ("light", "dark")


def log_in(page: Page, base: str) -> None:
    """Log in as the demo admin."""
    page.goto(f"{base}/login")
    page.get_by_label("Email address").fill(DEMO_ADMIN[0])
    page.get_by_label("Password", exact=True).fill(DEMO_ADMIN[1])
    page.get_by_role("button", name="Log in").click()


def support_errors(page: Page, base: str) -> None:
    """The support form sent with mistakes: the error summary and the messages by the fields."""
    page.goto(f"{base}/support")
    page.get_by_label("Your name").fill("Grace Hopper")
    page.get_by_label("Email address").fill("grace.example.com")
    page.get_by_role("button", name="Send request").click()


def cookie_confirmation(page: Page, base: str) -> None:
    """The banner answered with JavaScript: its confirmation, focused (issue 27). Last of the
    public pages: the choice holds for the pages after it."""
    page.goto(f"{base}/")
    page.get_by_role("button", name="Reject all").click()
    page.locator("#consent-banner").wait_for(state="detached")


# name -> (path or action, logged in)
PAGES: dict[str, tuple[str | Callable[[Page, str], None], bool]] = {
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
}


def shoot(page: Page, base: str, name: str, width: int, scheme: str, full: bool) -> Path:
    """Open one page and save its screenshot."""
    target, _ = PAGES[name]
    if callable(target):
        target(page, base)
    else:
        page.goto(base + target)
    page.wait_for_load_state("networkidle")
    path = OUT / f"{name}-{width}-{scheme}.png"
    page.screenshot(path=str(path), full_page=full)
    return path


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
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for width, height in WIDTHS.items():
            for scheme in SCHEMES:
                context = browser.new_context(
                    viewport={"width": width, "height": height}, color_scheme=scheme,
                    device_scale_factor=1,
                )
                page = context.new_page()
                for name in (n for n in names if not PAGES[n][1]):
                    print(shoot(page, base, name, width, scheme, args.full_page).name)
                if any(PAGES[n][1] for n in names):
                    log_in(page, base)
                    for name in (n for n in names if PAGES[n][1]):
                        print(shoot(page, base, name, width, scheme, args.full_page).name)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
