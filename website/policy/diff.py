"""A readable word-level diff between two policy versions, as safe HTML, formatting kept.

Both texts are parsed by the same markdown-it parser as the policy pages. Each heading,
paragraph and list item becomes a block of words; each word keeps its formatting (bold,
emphasis, code, link), so the diff shows **bold** and links as the policy does, and a word that
only became bold counts as changed. Blocks are paired (unchanged or edited together), then
compared word by word: insertions in <ins>, deletions in <del>. Every text is escaped here and
only known tags are written, so nothing an admin typed can become markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from markdown_it.token import Token

from website.policy.diff_blocks import (
    DiffBlock,
    Format,
    PolicyDiff,
    Word,
    formatted_html,
    render_diff,
    sections_of,
)
from website.policy.render import _markdown_parser

# Blocks whose words overlap at least this much are shown as one edited block, not as two.
SIMILAR_BLOCK_RATIO = 0.5
_SPACES = re.compile(r"(\s+)")
_MARKS = {"strong_open": "strong", "em_open": "em", "s_open": "s", "link_open": "a"}
_CLOSES = {"strong_close", "em_close", "s_close", "link_close"}

@dataclass(frozen=True)
class Block:
    """One paragraph, heading (kind "h") or list item (kind "ul"/"ol") as formatted words."""

    kind: str
    level: int
    words: tuple[Word, ...]

    @property
    def plain(self) -> tuple[str, ...]:
        """The words without their formatting."""
        return tuple("".join(text for text, _ in word) for word in self.words)


# Keyed by the two texts themselves, so nothing published can make it stale.
@lru_cache(maxsize=32)
def compare(old_markdown: str, new_markdown: str) -> PolicyDiff:
    """The whole comparison, by sections, changes numbered.

    Remembered per pair of texts: published versions never change, and visitors ask for the
    same few diffs (the latest change above all) again and again."""
    blocks: list[DiffBlock] = []
    inserted = deleted = 0
    for old, new in align_blocks(parse_blocks(old_markdown), parse_blocks(new_markdown)):
        block = new or old
        if block is None:
            continue
        html, added, removed = _marked_words(old.words if old else (), new.words if new else ())
        inserted, deleted = inserted + added, deleted + removed
        blocks.append(DiffBlock(
            tag=f"h{block.level}" if block.kind == "h" else ("li" if block.kind in ("ul", "ol")
                                                             else "p"),
            list_kind=block.kind if block.kind in ("ul", "ol") else "",
            html=html,
            text=" ".join(block.plain),
            changed=bool(added or removed),
        ))
    return PolicyDiff(sections=sections_of(blocks), inserted=inserted, deleted=deleted)


# Keyed by the two texts themselves, so nothing published can make it stale.
@lru_cache(maxsize=64)
def diff_page_html(old_markdown: str, new_markdown: str, changed_only: bool) -> str:
    """The diff as the diff page shows it: heading anchors, numbered changes with links."""
    return render_diff(compare(old_markdown, new_markdown), changed_only, navigation=True)


def diff_html(old_markdown: str, new_markdown: str) -> str:
    """Return HTML showing old -> new word by word: insertions in <ins>, deletions in <del>."""
    return render_diff(compare(old_markdown, new_markdown), changed_only=False, navigation=False)


def diff_stats(old_markdown: str, new_markdown: str) -> tuple[int, int]:
    """Return (words inserted, words deleted) going from the old text to the new one."""
    result = compare(old_markdown, new_markdown)
    return result.inserted, result.deleted


def parse_blocks(markdown: str) -> list[Block]:
    """Split Markdown into headings, list items and paragraphs of formatted words."""
    blocks: list[Block] = []
    lists: list[str] = []
    pending: tuple[str, int] | None = None
    row: list[Word] = []
    for token in _markdown_parser().parse(markdown):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists.append("ul" if kind == "bullet_list_open" else "ol")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "heading_open":
            pending = ("h", int(token.tag[1]))
        elif kind == "paragraph_open":
            pending = (lists[-1], 0) if lists else ("p", 0)
        elif kind == "inline" and pending is None:  # a table cell: cells of a row join
            row.extend([*(((("|", ()),),) if row else ()), *inline_words(token.children or [])])
        elif kind == "inline" and pending is not None:
            _add(blocks, pending, inline_words(token.children or []))
            pending = None
        elif kind == "tr_close":
            _add(blocks, ("p", 0), tuple(row))
            row = []
        elif kind in ("fence", "code_block", "html_block"):
            style: Format = (("code", ""),) if kind != "html_block" else ()
            _add(blocks, ("p", 0), tuple(((w, style),) for w in token.content.split()))
    return blocks


def _add(blocks: list[Block], kind: tuple[str, int], words: tuple[Word, ...]) -> None:
    if words:
        blocks.append(Block(kind[0], kind[1], words))


def inline_words(children: Iterable[Token]) -> tuple[Word, ...]:
    """The words of one inline run; each keeps the formatting it is written in."""
    pieces: list[tuple[str, Format]] = []
    marks: list[tuple[str, str]] = []
    for child in children:
        if child.type in _MARKS:
            href = str(child.attrs.get("href", "")) if child.type == "link_open" else ""
            marks.append((_MARKS[child.type], href))
        elif child.type in _CLOSES and marks:
            marks.pop()
        elif child.type == "code_inline":
            pieces.append((child.content, (*marks, ("code", ""))))
        elif child.type in ("softbreak", "hardbreak"):
            pieces.append((" ", tuple(marks)))
        elif child.type in ("text", "html_inline", "image"):
            # Raw HTML is shown as the text it is; an image by its description.
            pieces.append((child.content, tuple(marks)))
    return _words(pieces)


def _words(pieces: list[tuple[str, Format]]) -> tuple[Word, ...]:
    """Split formatted pieces at whitespace; a word may span pieces (un**bold**)."""
    words: list[Word] = []
    current: list[tuple[str, Format]] = []
    for text, style in pieces:
        for part in _SPACES.split(text):
            if not part:
                continue
            if part.isspace():
                if current:
                    words.append(tuple(current))
                current = []
            elif current and current[-1][1] == style:
                current[-1] = (current[-1][0] + part, style)
            else:
                current.append((part, style))
    if current:
        words.append(tuple(current))
    return tuple(words)


def align_blocks(old: list[Block], new: list[Block]) -> Iterator[tuple[Block | None, Block | None]]:
    """Pair old and new blocks: unchanged and edited blocks together, others with None."""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            yield from zip(old[i1:i2], new[j1:j2], strict=True)
        else:
            yield from _pair_edited(old[i1:i2], new[j1:j2])


def _pair_edited(old: list[Block], new: list[Block]) -> Iterator[tuple[Block | None, Block | None]]:
    """Pair each old block with the next similar new block; the rest are deletions/insertions."""
    next_new = 0
    for block in old:
        match = next((k for k in range(next_new, len(new)) if _similar(block, new[k])), None)
        if match is None:
            yield block, None
            continue
        for inserted in new[next_new:match]:
            yield None, inserted
        yield block, new[match]
        next_new = match + 1
    for inserted in new[next_new:]:
        yield None, inserted


def _similar(old: Block, new: Block) -> bool:
    """Whether two blocks are the same kind and share enough words to be one edited block."""
    if (old.kind, old.level) != (new.kind, new.level):
        return False
    return SequenceMatcher(None, old.plain, new.plain, autojunk=False).ratio() >= (
        SIMILAR_BLOCK_RATIO
    )


def _marked_words(old: tuple[Word, ...], new: tuple[Word, ...]) -> tuple[str, int, int]:
    """The HTML of one block with deletions and insertions marked; words inserted, deleted."""
    pieces: list[str] = []
    inserted = deleted = 0
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(formatted_html(new[j1:j2]))
            continue
        if i2 > i1:
            pieces.append(f"<del>{formatted_html(old[i1:i2])}</del>")
            deleted += i2 - i1
        if j2 > j1:
            pieces.append(f"<ins>{formatted_html(new[j1:j2])}</ins>")
            inserted += j2 - j1
    return " ".join(pieces), inserted, deleted

