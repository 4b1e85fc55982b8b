"""Internal links are built with url_for, so a moved route cannot leave a dead link behind."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from website.policy.service import publish_version

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
WEBSITE = TEMPLATES.parent / "website"


def test_no_template_hard_codes_an_internal_link():
    hard_coded = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in re.finditer(r'(?:href|action|src)="/[^"]*"', path.read_text())
    ]
    assert hard_coded == []


def test_no_view_redirects_to_a_hard_coded_path():
    hard_coded = [
        f"{path.relative_to(WEBSITE)}: {match.group(0)}"
        for path in WEBSITE.rglob("*.py")
        for match in re.finditer(r"""redirect\(f?["']/[^)]*\)""", path.read_text())
    ]
    assert hard_coded == []


def test_the_version_list_links_each_diff(app, client):
    """url_for with the `from` argument builds the same link the page always had."""
    with app.app_context():
        publish_version("# Privacy\n\nVersion two.\n", date(2025, 9, 1), "Second.")
    page = client.get("/privacy/versions").get_data(as_text=True)
    assert 'href="/privacy/diff?from=1&amp;to=2"' in page
