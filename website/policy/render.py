"""Policy Markdown to sanitised HTML, with stable heading anchors and a table of contents."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = frozenset(
    "p h1 h2 h3 h4 h5 h6 ul ol li a strong em code pre blockquote hr br"
    " table thead tbody tr th td del ins s".split()
)
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, **{tag: {"id"} for tag in HEADING_TAGS}}
CELL_ALIGNMENTS = {"left", "center", "right"}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"
# Dropped together with their content: executable, embedded or form content is never useful text.
REMOVED_WITH_CONTENT = set(
    "script style iframe object embed noscript noembed noframes template svg math textarea"
    " select title xmp".split()
)
TOC_LEVELS = (2, 3)
_APOSTROPHES = re.compile(r"['\u2019\u02bc]")


@dataclass(frozen=True)
class RenderedPolicy:
    """The sanitised HTML of a policy and its table of contents (h2 and h3 headings)."""

    html: str
    toc: list[dict[str, str | int]]


def slugify(text: str) -> str:
    """Return a stable anchor slug: lowercase words (Unicode letters kept) joined by hyphens."""
    text = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", text).lower())
    words: list[str] = []
    current: list[str] = []
    for char in text:
        if unicodedata.category(char)[0] in "LNM":
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return "-".join(words) or "section"


def render_policy(markdown: str) -> RenderedPolicy:
    """Render policy Markdown to sanitised HTML with heading ids and a table of contents."""
    parser = _markdown_parser()
    tokens = parser.parse(markdown)
    _align_table_cells(tokens)
    toc: list[dict[str, str | int]] = []
    heading_ids: set[str] = set()
    for level, text, token in _headings(tokens):
        slug = _unique(slugify(text), heading_ids)
        heading_ids.add(slug)
        token.attrSet("id", slug)
        if level in TOC_LEVELS:
            toc.append({"level": level, "id": slug, "text": text})
    raw_html = parser.renderer.render(tokens, parser.options, {})
    return RenderedPolicy(html=sanitise(raw_html, heading_ids), toc=toc)


def sanitise(html: str, heading_ids: Iterable[str] = ()) -> str:
    """Clean HTML down to the policy allow-list; heading ids survive only if we generated them."""
    allowed_ids = set(heading_ids)

    def keep_known_ids(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            return value if value in allowed_ids else None
        return value

    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values={"th": {"align": CELL_ALIGNMENTS}, "td": {"align": CELL_ALIGNMENTS}},
        attribute_filter=keep_known_ids,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def _markdown_parser() -> MarkdownIt:
    """Return the CommonMark parser with tables and strikethrough; raw HTML is sanitised later."""
    return MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(
        ["table", "strikethrough"]
    )


def _headings(tokens: list[Token]) -> Iterable[tuple[int, str, Token]]:
    """Yield (level, plain text, opening token) for each Markdown heading, in document order."""
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[index + 1]
            text = "".join(
                child.content if child.type in ("text", "code_inline") else " "
                for child in inline.children or []
                if child.type in ("text", "code_inline", "softbreak", "hardbreak")
            )
            yield int(token.tag[1]), " ".join(text.split()), token


def _unique(slug: str, taken: set[str]) -> str:
    """Return slug, or slug-2, slug-3, ... when it is already used in this document."""
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


def _align_table_cells(tokens: list[Token]) -> None:
    """Turn markdown-it's style="text-align:x" on table cells into align="x" (style is stripped)."""
    for token in tokens:
        if token.type in ("th_open", "td_open") and token.attrs.get("style"):
            style = str(token.attrs.pop("style"))
            alignment = style.removeprefix("text-align:").strip()
            if alignment in CELL_ALIGNMENTS:
                token.attrSet("align", alignment)
