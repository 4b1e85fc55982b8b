import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

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


class TagCollector(HTMLParser):
    """Collects every start tag with its (entity-decoded) attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, [(name, value or "") for name, value in attrs]))

    handle_startendtag = handle_starttag


def parse_tags(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    return collector.tags


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


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "![img](javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;script&colon;alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav\nascript:alert(1)">x</a>',
    '<a href=" \tjavascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<p style="width: expression(alert(1))">x</p>',
    "<style>body { background: url(javascript:alert(1)) }</style>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button formaction="javascript:2">go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<div onmouseover="alert(1)">hover</div>',
    "<details open ontoggle=alert(1)>x</details>",
    "<input autofocus onfocus=alert(1)>",
    "<scr<script>ipt>alert(1)</script>",
    "<!-- --><script>alert(1)</script><!-- -->",
    '<a href="#" title="x" onclick="alert(1)">x</a>',
]
FORBIDDEN_TAGS = set(
    "script iframe svg object embed form button input meta base style math img link details"
    " div frame frameset applet".split()
)
ALLOWED_ATTRIBUTES = {"href", "title", "rel", "id", "align"}
DANGEROUS_URL = re.compile(r"(javascript|data|vbscript):", re.IGNORECASE)
CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f]+")


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
