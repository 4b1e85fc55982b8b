"""The diff page: changed sections by default, the whole policy on request, numbered changes
linked to each other, formatting kept, and pickers for any two versions."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from website.policy.service import publish_version

POLICY = (Path(__file__).resolve().parents[2] / "content" / "policy.md").read_text("utf-8")
CHANGED = (
    POLICY.replace("We do not sell personal data.", "We **never** sell personal data.")
    .replace("## Security\n\n", "## Security\n\nSee [our checklist](https://example.com/sec).\n\n")
    .replace("retained for up to 2 years", "retained for up to 3 years")
)


def publish(app, markdown: str) -> int:
    with app.app_context():
        return publish_version(markdown, date(2025, 9, 1), "Clearer", material=False).number


def diff_body(page: str) -> str:
    start = page.index('<div class="policy-body diff">')
    return page[start:page.index("</div>", start)]


def test_by_default_only_the_changed_sections_are_shown(app, client):
    publish(app, CHANGED)
    page = client.get("/privacy/diff?from=1&to=2").get_data(as_text=True)
    body = diff_body(page)
    assert '<h2 id="sharing-disclosure">' in body and '<h2 id="security">' in body
    assert '<h2 id="data-retention">' in body
    assert '<h2 id="your-rights">' not in body and '<h2 id="children">' not in body
    assert "unchanged sections not shown: Your Rights; Cookies &amp; Tracking" in body
    assert 'href="/privacy/diff?from=1&amp;to=2&amp;view=all">Show whole policy</a>' in page
    whole = diff_body(client.get("/privacy/diff?from=1&to=2&view=all").get_data(as_text=True))
    assert '<h2 id="your-rights">' in whole and "not shown" not in whole
    assert len(whole) > 2 * len(body)


def test_changes_are_numbered_and_linked_to_the_next_and_previous(app, client):
    publish(app, CHANGED)
    page = client.get("/privacy/diff?from=1&to=2").get_data(as_text=True)
    assert "<h2 id=\"changes-heading\">3 changes</h2>" in page
    for number in (1, 2, 3):
        assert page.count(f'id="change-{number}"') == 1
        assert f'<a href="#change-{number}">Change {number}: ' in page
    first = page[page.index('id="change-1"'):page.index('id="change-2"')]
    assert 'href="#change-2" rel="next"' in first and 'rel="prev"' not in first
    second = page[page.index('id="change-2"'):page.index('id="change-3"')]
    assert 'href="#change-1" rel="prev"' in second and 'href="#change-3" rel="next"' in second
    last = page[page.index('id="change-3"'):]
    assert 'href="#change-2" rel="prev"' in last and 'rel="next"' not in last.split("</p>")[0]


def test_formatting_is_kept_in_the_page(app, client):
    publish(app, CHANGED)
    body = diff_body(client.get("/privacy/diff?from=1&to=2&view=all").get_data(as_text=True))
    assert "<ins><strong>never</strong></ins>" in body
    link = '<a href="https://example.com/sec" rel="noopener noreferrer nofollow">our checklist</a>'
    assert link in body
    assert "<strong>Account &amp; Contact Data:</strong>" in body  # unchanged bold stays bold
    assert "**" not in body


def test_version_pickers_compare_any_two_versions(app, client):
    publish(app, CHANGED)
    publish(app, CHANGED + "\n## Extra\n\nA third version.\n")
    page = client.get("/privacy/diff?from=1&to=3").get_data(as_text=True)
    start = page.index('<form class="diff-pick')
    form = page[start:page.index("</form>", start)]
    assert 'method="get" action="/privacy/diff"' in form
    picked = r'<select id="diff-{}" name="{}">.*<option value="{}" selected>'
    assert re.search(picked.format("from", "from", 1), form, re.S)
    assert re.search(picked.format("to", "to", 3), form, re.S)
    assert form.count("<option") == 6
    later = client.get("/privacy/diff?from=2&to=3").get_data(as_text=True)
    assert "<ins>A third version.</ins>" in later and "<ins><strong>never" not in later
    assert "1 change</h2>" in later


def test_the_same_version_twice_has_no_changes(client):
    page = client.get("/privacy/diff?from=1&to=1").get_data(as_text=True)
    assert "No changes</h2>" in page and "<ins>" not in diff_body(page)
