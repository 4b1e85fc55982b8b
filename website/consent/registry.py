"""The cookie registry: THE list of cookie categories and of every cookie the site can set.

The cookie page, /cookies.json, the consent form and the code that sets cookies all read it,
so a cookie cannot be set without being listed. To add a category, add it to CATEGORIES (and its
cookies to COOKIES): the banner, the form, the JSON and the consent records follow.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from werkzeug.wrappers import Response

from website.i18n import DEFAULT_LOCALE, Text, language, ngettext
from website.i18n import gettext as _
from website.i18n import lazy_gettext as _l


@dataclass(frozen=True, eq=False)  # equal and hashed by identity: a cache key (fingerprint)
class Category:
    """A purpose cookies serve; optional ones need the visitor's consent."""

    key: str
    name: Text
    description: Text
    required: bool = False
    # The short word the cookie table and the consent history show for the key.
    label: Text = ""


@dataclass(frozen=True, eq=False)  # equal and hashed by identity: a cache key (fingerprint)
class Cookie:
    """One cookie the site can set, with the setting its lifetime comes from."""

    name: str
    category: str
    purpose: Text
    days_setting: str | None = None
    default_days: int | None = None
    name_setting: str | None = None

    def resolved_name(self, config: Any) -> str:
        """The name as set: Flask's own cookies take theirs from the configuration."""
        if self.name_setting:
            return str(config.get(self.name_setting) or self.name)
        return self.name

    def max_age_days(self, config: Any) -> int | None:
        """Lifetime in days; None for a cookie that ends with the browser session."""
        value = config.get(self.days_setting) if self.days_setting else None
        if value is None:
            return self.default_days
        return value.days if isinstance(value, timedelta) else int(value)

    def lifetime(self, config: Any) -> str:
        """The lifetime in words, as the cookie page shows it."""
        days = self.max_age_days(config)
        if days is None:
            return _("until you close the browser")
        return ngettext("%(num)d day", "%(num)d days", days)


NECESSARY = "necessary"
ANALYTICS = "analytics"
CONSENT_COOKIE = "consent"
ANALYTICS_COOKIE = "analytics_id"
POLICY_NOTICE_COOKIE = "policy_notice"

CATEGORIES: list[Category] = [
    Category(
        NECESSARY,
        _l("Strictly necessary"),
        _l("Keep you logged in, protect forms against cross-site request forgery, and remember "
           "your cookie choice. The site cannot work without them, so they need no consent."),
        required=True,
        label=_l("necessary"),
    ),
    Category(
        ANALYTICS,
        _l("Analytics"),
        _l("Count which pages are visited, on our own server only: the page, the time, the site "
           "you came from and a random visitor id. No IP address, no third party."),
        label=_l("analytics"),
    ),
]

COOKIES: list[Cookie] = [
    Cookie(
        "session", NECESSARY,
        _l("Your session: login state, the anti-forgery (CSRF) token and one-time messages."),
        name_setting="SESSION_COOKIE_NAME",
    ),
    Cookie(
        "remember_token", NECESSARY,
        _l("Keeps you logged in across browser restarts, only if you ticked \"remember me\"."),
        days_setting="REMEMBER_COOKIE_DURATION", default_days=365,
        name_setting="REMEMBER_COOKIE_NAME",
    ),
    Cookie(
        CONSENT_COOKIE, NECESSARY,
        _l("Remembers your cookie choice (a signed consent id, categories, policy version, date)."),
        days_setting="CONSENT_MAX_AGE_DAYS", default_days=182,
    ),
    Cookie(
        POLICY_NOTICE_COOKIE, NECESSARY,
        _l("Remembers that you dismissed the notice about a policy change."),
        days_setting="POLICY_NOTICE_DAYS", default_days=30,
    ),
    Cookie(
        ANALYTICS_COOKIE, ANALYTICS,
        _l("A random visitor id, so page views from one browser can be counted once."),
        default_days=395,
    ),
]


def categories() -> list[Category]:
    """Every category, the required one first."""
    return list(CATEGORIES)


def optional_categories() -> list[Category]:
    """The categories that need consent."""
    return [c for c in CATEGORIES if not c.required]


def optional_keys() -> list[str]:
    """Keys of the categories that need consent."""
    return [c.key for c in optional_categories()]


def category_label(key: str) -> str:
    """The short word for a category key in the visitor's language ("necessary", "notwendig")."""
    return next((str(c.label or c.key) for c in CATEGORIES if c.key == key), key)


def find_cookie(name: str) -> Cookie:
    """The registry entry for a cookie name as set; KeyError for an unlisted cookie."""
    for cookie in COOKIES:
        if cookie.resolved_name(current_app.config) == name:
            return cookie
    raise KeyError(f"cookie {name!r} is not in the cookie registry")


def as_json() -> dict[str, list[dict[str, Any]]]:
    """The registry as /cookies.json gives it, in the page's language (the keys stay)."""
    config = current_app.config
    return {
        "categories": [
            {"key": c.key, "name": str(c.name), "required": c.required,
             "description": str(c.description)}
            for c in CATEGORIES
        ],
        "cookies": [
            {
                "name": c.resolved_name(config),
                "category": c.category,
                "purpose": str(c.purpose),
                "lifetime": c.lifetime(config),
            }
            for c in COOKIES
        ],
    }


def fingerprint() -> str:
    """SHA-256 of what a consent covers: the categories, their purposes, and every cookie.

    Taken from the English wording in every language: a choice made on /de stands on /fr.
    Every consent decision and every consenting visitor's page asks for it."""
    names = tuple(c.resolved_name(current_app.config) for c in COOKIES)
    return registry_fingerprint(tuple(CATEGORIES), tuple(COOKIES), names)


# Code and configuration, fixed while the process lives: not published state (entries are
# keyed by identity, so a registry swapped in by a test is another key).
@functools.lru_cache(maxsize=16)
def registry_fingerprint(categories: tuple[Category, ...], cookies: tuple[Cookie, ...],
                         names: tuple[str, ...]) -> str:
    """The fingerprint of these categories and cookies, under these cookie names."""
    with language(DEFAULT_LOCALE):
        covered = {
            "categories": [[c.key, str(c.name), str(c.description), c.required]
                           for c in categories],
            "cookies": [[name, c.category, str(c.purpose)] for c, name in zip(cookies, names,
                                                                              strict=True)],
        }
    canonical = json.dumps(covered, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def set_cookie(response: Response, name: str, value: str) -> None:
    """Set a registered cookie with its registered lifetime: HttpOnly, SameSite=Lax."""
    cookie = find_cookie(name)
    days = cookie.max_age_days(current_app.config)
    response.set_cookie(
        name,
        value,
        max_age=None if days is None else days * 86400,
        path="/",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )


def delete_cookie(response: Response, name: str) -> None:
    """Expire a registered cookie in the browser."""
    find_cookie(name)
    response.delete_cookie(
        name, path="/", secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True, samesite="Lax",
    )
