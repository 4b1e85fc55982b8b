"""The compared policy as sections of blocks, its changes numbered, written out as HTML.

`website.policy.diff` compares; this module groups the result by section (each level-1 or
level-2 heading starts one), numbers the changes (a run of changed blocks is one change) and
writes the HTML: the whole policy, or only the sections that changed, with previous/next links
between changes that work without JavaScript (plain anchors).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

from website.i18n import gettext as _
from website.i18n import ngettext
from website.policy.render import LINK_REL, URL_SCHEMES, slugify

# A piece of text and its formatting: (("a", "https://..."), ("strong", "")) outermost first.
Format = tuple[tuple[str, str], ...]
Word = tuple[tuple[str, Format], ...]
SECTION_TAGS = ("h1", "h2")
INDEX_ID = "changes"


@dataclass(frozen=True)
class DiffBlock:
    """One heading, paragraph or list item of the comparison, its words already marked up."""

    tag: str
    list_kind: str
    html: str
    text: str
    changed: bool
    change: int = 0  # the number of the change this block starts, 0 when it starts none
    anchor: str = ""  # a heading's id (the same slug as on the policy pages)


@dataclass(frozen=True)
class DiffSection:
    """A heading and the blocks under it (the first section may have no heading)."""

    title: str
    anchor: str
    blocks: tuple[DiffBlock, ...]

    @property
    def changed(self) -> bool:
        """Whether anything in this section changed."""
        return any(block.changed for block in self.blocks)


@dataclass(frozen=True)
class PolicyDiff:
    """Two versions compared: sections of blocks, and how many words went in and out."""

    sections: tuple[DiffSection, ...]
    inserted: int
    deleted: int

    @property
    def changes(self) -> list[tuple[int, str]]:
        """(number, title of its section) for each change, in order."""
        return [
            (block.change, section.title)
            for section in self.sections
            for block in section.blocks
            if block.change
        ]


def sections_of(blocks: list[DiffBlock]) -> tuple[DiffSection, ...]:
    """Number the changes, give headings their anchors and group the blocks by section."""
    numbered: list[DiffBlock] = []
    count, previous_changed = 0, False
    for block in blocks:
        starts = block.changed and not previous_changed
        count += starts
        numbered.append(dataclasses.replace(block, change=count if starts else 0))
        previous_changed = block.changed
    taken = {INDEX_ID, *(f"change-{n}" for n in range(1, count + 1))}
    sections: list[DiffSection] = []
    current: list[DiffBlock] = []
    title, anchor = "Introduction", ""
    for block in numbered:
        if block.tag.startswith("h"):
            block = dataclasses.replace(block, anchor=_unique(slugify(block.text), taken))
            taken.add(block.anchor)
        if block.tag in SECTION_TAGS:
            if current:
                sections.append(DiffSection(title, anchor, tuple(current)))
            current, title, anchor = [], block.text, block.anchor
        current.append(block)
    if current:
        sections.append(DiffSection(title, anchor, tuple(current)))
    return tuple(sections)


def _unique(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


def render_diff(diff: PolicyDiff, changed_only: bool, navigation: bool) -> str:
    """The comparison as HTML; with `navigation`, heading ids and numbered change links."""
    writer = _Writer(len(diff.changes), navigation)
    hidden: list[str] = []
    for section in diff.sections:
        if changed_only and not section.changed:
            hidden.append(section.title)
            continue
        writer.skipped(hidden)
        hidden = []
        for block in section.blocks:
            writer.block(block)
    writer.skipped(hidden)
    return writer.html()


class _Writer:
    """Writes blocks one after another, opening and closing lists around list items."""

    def __init__(self, total: int, navigation: bool) -> None:
        self.parts: list[str] = []
        self.total, self.navigation = total, navigation
        self.open_list, self.items = "", 0

    def close_list(self) -> None:
        if self.open_list:
            self.parts.append(f"</{self.open_list}>")
            self.open_list = ""

    def block(self, block: DiffBlock) -> None:
        resumed = ""
        if self.navigation and block.change:
            resumed = self.open_list
            self.close_list()
            self.parts.append(change_links(block.change, self.total))
        if block.list_kind != self.open_list:
            self.close_list()
            if block.list_kind != resumed:
                self.items = 0
            if block.list_kind:
                # A list interrupted by change links goes on counting where it stopped.
                numbered = block.list_kind == "ol" and self.items
                start = f' start="{self.items + 1}"' if numbered else ""
                self.parts.append(f"<{block.list_kind}{start}>")
                self.open_list = block.list_kind
        self.items += 1
        attributes = ""
        if self.navigation and block.anchor:
            attributes += f' id="{escape(block.anchor)}"'
        if self.navigation and block.changed:
            attributes += ' class="changed"'
        self.parts.append(f"<{block.tag}{attributes}>{block.html}</{block.tag}>")

    def skipped(self, titles: list[str]) -> None:
        if titles and self.navigation:
            self.close_list()
            self.items = 0
            names = "; ".join(escape(title) for title in titles)
            skipped = ngettext(
                "%(num)d unchanged section not shown: %(names)s.",
                "%(num)d unchanged sections not shown: %(names)s.",
                len(titles), names=names,
            )
            self.parts.append(f'<p class="diff-skipped">{skipped}</p>')

    def html(self) -> str:
        self.close_list()
        return "\n".join(self.parts)


def change_links(number: int, total: int) -> str:
    """The marker before change `number`: its place, and links to the previous and next one."""
    links = []
    if number > 1:
        previous = _("Previous: change %(number)s", number=number - 1)
        links.append(f'<a href="#change-{number - 1}" rel="prev">{previous}</a>')
    if number < total:
        following = _("Next: change %(number)s", number=number + 1)
        links.append(f'<a href="#change-{number + 1}" rel="next">{following}</a>')
    links.append(f'<a href="#{INDEX_ID}">{_("All changes")}</a>')
    place = _("Change %(number)s of %(total)s", number=number, total=total)
    return (
        f'<p class="diff-change" id="change-{number}"><strong>{place}</strong>'
        f' {" ".join(links)}</p>'
    )


def formatted_html(words: Iterable[Word]) -> str:
    """Escaped words with their formatting as tags, opened and closed as little as needed."""
    segments: list[tuple[str, Format]] = []
    for word in words:
        if segments:
            segments.append((" ", _shared(segments[-1][1], word[0][1])))
        segments.extend(word)
    parts: list[str] = []
    open_marks: Format = ()
    for text, marks in segments:
        keep = len(_shared(open_marks, marks))
        parts.extend(_close(mark) for mark in reversed(open_marks[keep:]))
        parts.extend(_open(mark) for mark in marks[keep:])
        parts.append(escape(text))
        open_marks = marks
    parts.extend(_close(mark) for mark in reversed(open_marks))
    return "".join(parts)


def _shared(a: Format, b: Format) -> Format:
    """The formatting two neighbours share (their common outer marks)."""
    shared = []
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared.append(x)
    return tuple(shared)


def _open(mark: tuple[str, str]) -> str:
    tag, href = mark
    if tag != "a":
        return f"<{tag}>"
    if not _safe_link(href):
        return "<a>"
    return f'<a href="{escape(href)}" rel="{LINK_REL}">'


def _close(mark: tuple[str, str]) -> str:
    return f"</{mark[0]}>"


def _safe_link(href: str) -> bool:
    """Web, mail and same-site links only (markdown-it already refuses javascript: and data:)."""
    scheme = urlsplit(href).scheme.lower()
    return scheme in URL_SCHEMES or (not scheme and not href.startswith("//"))
