"""What every template may use: the one date format for people, and who runs the site."""

from __future__ import annotations

import re
from datetime import date, datetime
from html import unescape
from typing import Any

from flask import Flask, current_app
from flask_babel import format_date, get_locale
from markupsafe import Markup, escape

from website.forms import script_words
from website.i18n import gettext as _


def human_date(value: date | datetime | None, time: bool = False) -> str:
    """'11 August 2025' (with time=True: '11 August 2025, 14:05 UTC'), in the page's language
    ('11. August 2025', '11 août 2025'); '—' for nothing."""
    if value is None:
        return "—"
    # English keeps the day-first British form; other languages take their CLDR long form.
    text = format_date(value, "d MMMM y" if get_locale().language == "en" else "long")
    if time and isinstance(value, datetime):
        text += f", {value:%H:%M} UTC"
    return text


# Headings as the policy renderer stores them: <h2 id="slug">text</h2> (ids are our own slugs).
HEADING = re.compile(r'<(h[23]) id="([^"]+)">(.*?)</\1>', re.S)
# The date typed at the top of the text: the page shows the version's own date instead. A
# translation (content/policy.de.md) starts with its marking as one, which the page shows in
# its header with a link to the English: dropped with the date.
TYPED_DATE = re.compile(
    r"\A\s*(?:<p>(?:Übersetzung|Traduction) —[^<]*</p>\s*)?"
    r"<p>(?:Effective date|Gültig ab|Date d’entrée en vigueur)(?:&nbsp;)?:[^<]*</p>\s*"
)
TAGS = re.compile(r"<[^>]+>")


def policy_html(html: str, after: dict[str | None, Markup] | None = None) -> Markup:
    """Stored policy HTML for reading: a '#' link on each heading, no typed effective date;
    `after` maps a heading's id to our own markup shown under it (the published text is kept)."""
    after = after or {}

    def with_anchor(match: re.Match[str]) -> str:
        tag, slug, inner = match.groups()
        name = unescape(TAGS.sub("", inner))
        label = escape(_("Link to the section %(name)s", name=name))
        link = f'<a class="heading-anchor" href="#{slug}" aria-label="{label}">#</a>'
        return f'<{tag} id="{slug}">{inner} {link}</{tag}>{after.get(slug, "")}'

    # The stored HTML was sanitised (nh3) at publish time; only our own markup is added.
    return Markup(HEADING.sub(with_anchor, TYPED_DATE.sub("", html)))  # noqa: S704


def site_context() -> dict[str, Any]:
    """The company's name and contact details, from configuration."""
    config = current_app.config
    dial = "".join(c for c in config["CONTACT_PHONE"] if c in "+0123456789")
    return {
        "site": {
            "company": config["COMPANY_NAME"],
            "email": config["CONTACT_EMAIL"],
            "phone": config["CONTACT_PHONE"],
            "phone_link": f"tel:{dial}",
        }
    }


def register_templating(app: Flask) -> None:
    """Install the date filter (`{{ value|date }}`) and the site's details."""
    app.add_template_filter(human_date, "date")
    app.add_template_filter(policy_html, "policy_html")
    app.add_template_global(script_words)
    app.context_processor(site_context)
