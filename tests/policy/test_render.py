import re
from html import unescape
from pathlib import Path

import pytest

from tests.policy.xss import (
    ALLOWED_ATTRIBUTES,
    CONTROL_AND_SPACE,
    DANGEROUS_URL,
    FORBIDDEN_TAGS,
    XSS_PAYLOADS,
    parse_tags,
)
from website.policy.render import RenderedPolicy, render_policy, sanitise, slugify

POLICY_PATH = Path(__file__).resolve().parents[2] / "content" / "policy.md"
POLICY_SECTIONS = [
    ("Data We Collect", "data-we-collect"),
    ("How We Use Data", "how-we-use-data"),
    ("Legal Basis (where applicable)", "legal-basis-where-applicable"),
    ("Sharing & Disclosure", "sharing-disclosure"),
    ("Security", "security"),
    ("Data Retention", "data-retention"),
    ("Your Rights", "your-rights"),
    ("Cookies & Tracking", "cookies-tracking"),
    ("Children", "children"),
    ("Changes", "changes"),
    ("Contact", "contact"),
]


def test_policy_headings_get_stable_ids_and_toc_in_order() -> None:
    rendered = render_policy(POLICY_PATH.read_text(encoding="utf-8"))

    assert isinstance(rendered, RenderedPolicy)
    assert [(entry["text"], entry["id"]) for entry in rendered.toc] == POLICY_SECTIONS
    assert {entry["level"] for entry in rendered.toc} == {2}
    for _text, slug in POLICY_SECTIONS:
        assert f'id="{slug}"' in rendered.html
    assert '<h2 id="your-rights">Your Rights</h2>' in rendered.html
    assert "<h1" not in rendered.html


def test_policy_content_renders_lists_links_and_effective_date() -> None:
    html = render_policy(POLICY_PATH.read_text(encoding="utf-8")).html

    assert html.startswith("<p>Effective date: 11 August 2025</p>")
    assert "<li><strong>Account &amp; Contact Data:</strong> name, organisation" in html
    assert '<a href="mailto:spectraalw@gmail.com"' in html
    assert "<li><strong>Phone:</strong> 9414857385</li>" in html
    assert " - " not in html  # no heading left glued onto a paragraph


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Your Rights", "your-rights"),
        ("Sharing & Disclosure", "sharing-disclosure"),
        ("Legal Basis (where applicable)", "legal-basis-where-applicable"),
        ("  Data   Retention  ", "data-retention"),
        ("Children's Data", "childrens-data"),
        ("Über uns — Datenschutz", "über-uns-datenschutz"),
        ("Section 2.1: Scope", "section-2-1-scope"),
        ("snake_case_name", "snake-case-name"),
        ("!!!", "section"),
        ("", "section"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_duplicate_headings_get_numbered_ids() -> None:
    rendered = render_policy("## Notes\n\ntext\n\n## Notes\n\n### Notes\n\n#### Notes\n")

    assert [entry["id"] for entry in rendered.toc] == ["notes", "notes-2", "notes-3"]
    assert [entry["level"] for entry in rendered.toc] == [2, 2, 3]
    assert '<h4 id="notes-4">Notes</h4>' in rendered.html


def test_heading_text_in_toc_is_plain_text() -> None:
    rendered = render_policy("## Your *Data* `Rights`\n")

    assert rendered.toc == [{"level": 2, "id": "your-data-rights", "text": "Your Data Rights"}]


def test_raw_html_cannot_forge_heading_ids() -> None:
    html = render_policy('<h2 id="login-form">Sneaky</h2>\n\n## Real\n').html

    assert 'id="login-form"' not in html
    assert '<h2 id="real">Real</h2>' in html
    assert sanitise('<h2 id="kept">x</h2>', {"kept"}) == '<h2 id="kept">x</h2>'


def test_safe_markup_survives() -> None:
    html = render_policy(
        '**bold** *em* ~~gone~~ `code` [site](https://example.com "Home")\n\n'
        "| a | b |\n|--:|---|\n| 1 | 2 |\n\n> quote\n"
    ).html

    assert "<strong>bold</strong> <em>em</em> <s>gone</s> <code>code</code>" in html
    assert '<a href="https://example.com" title="Home" rel="noopener noreferrer nofollow">' in html
    assert '<th align="right">a</th>' in html
    assert "<blockquote>" in html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_are_neutralised(payload: str) -> None:
    html = render_policy(f"## Heading\n\n{payload}\n\nafter\n").html
    tags = parse_tags(html)

    assert "<script" not in html.lower()
    assert {tag for tag, _ in tags}.isdisjoint(FORBIDDEN_TAGS)
    for tag, attributes in tags:
        for name, value in attributes:
            assert name in ALLOWED_ATTRIBUTES, (tag, name)
            assert not name.startswith("on")
            assert not DANGEROUS_URL.search(CONTROL_AND_SPACE.sub("", value)), (tag, value)
    assert not re.search(r"<[^>]*\son\w+\s*=", html, re.IGNORECASE)
    assert "<p>after</p>" in html


@pytest.mark.parametrize("payload", [p for p in XSS_PAYLOADS if p.startswith("<")])
def test_raw_html_payloads_leave_no_dangerous_url_anywhere(payload: str) -> None:
    """Raw HTML payloads hide their URL in attributes or dropped elements, so none may remain."""
    html = render_policy(payload + "\n").html

    assert not DANGEROUS_URL.search(CONTROL_AND_SPACE.sub("", unescape(html)))
