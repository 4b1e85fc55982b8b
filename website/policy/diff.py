"""A readable word-level diff between two policy versions, as safe HTML."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from html import escape

# Blocks whose words overlap at least this much are shown as one edited block, not as two.
SIMILAR_BLOCK_RATIO = 0.5

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_BULLET_ITEM = re.compile(r"^\s*[-*+]\s+(.*)$")
_ORDERED_ITEM = re.compile(r"^\s*\d{1,9}[.)]\s+(.*)$")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_INLINE_SYNTAX = (
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images -> their text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference links -> their text
    (re.compile(r"<((?:https?|mailto):[^>\s]+|[^>\s@]+@[^>\s]+)>"), r"\1"),  # autolinks
    (re.compile(r"(\*\*|__|~~|`)"), ""),  # strong, strikethrough, code spans
    (re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])"), r"\1"),  # *emphasis*
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])"), r"\1"),  # backslash escapes
)


@dataclass(frozen=True)
class Block:
    """One paragraph, heading (kind "h") or list item (kind "ul"/"ol") as plain words."""

    kind: str
    level: int
    words: tuple[str, ...]


@lru_cache(maxsize=32)
def diff_html(old_markdown: str, new_markdown: str) -> str:
    """Return HTML showing old -> new word by word: insertions in <ins>, deletions in <del>.

    Remembered per pair of texts: published versions never change, and visitors ask for the
    same few diffs (the latest change above all) again and again."""
    parts: list[str] = []
    open_list = ""
    for old, new in align_blocks(parse_blocks(old_markdown), parse_blocks(new_markdown)):
        block = new or old
        if block is None:
            continue
        list_kind = block.kind if block.kind in ("ul", "ol") else ""
        if open_list != list_kind:
            if open_list:
                parts.append(f"</{open_list}>")
            if list_kind:
                parts.append(f"<{list_kind}>")
            open_list = list_kind
        words = _marked_words(old.words if old else (), new.words if new else ())
        tag = f"h{block.level}" if block.kind == "h" else ("li" if list_kind else "p")
        parts.append(f"<{tag}>{words}</{tag}>")
    if open_list:
        parts.append(f"</{open_list}>")
    return "\n".join(parts)


def diff_stats(old_markdown: str, new_markdown: str) -> tuple[int, int]:
    """Return (words inserted, words deleted) going from the old text to the new one."""
    inserted = deleted = 0
    for old, new in align_blocks(parse_blocks(old_markdown), parse_blocks(new_markdown)):
        for tag, old_words, new_words in _word_opcodes(
            old.words if old else (), new.words if new else ()
        ):
            if tag != "equal":
                deleted += len(old_words)
                inserted += len(new_words)
    return inserted, deleted


def parse_blocks(markdown: str) -> list[Block]:
    """Split Markdown into headings, list items and paragraphs, with inline syntax stripped."""
    blocks: list[Block] = []
    kind, level, lines = "", 0, []

    def flush() -> None:
        words = tuple(strip_inline(" ".join(lines)).split())
        if words:
            blocks.append(Block(kind, level, words))
        lines.clear()

    for line in markdown.splitlines():
        heading = _HEADING.match(line)
        item = _BULLET_ITEM.match(line) or _ORDERED_ITEM.match(line)
        if not line.strip() or _RULE.match(line) or line.lstrip().startswith("```"):
            flush()
        elif heading:
            flush()
            kind, level = "h", len(heading.group(1))
            lines.append(heading.group(2))
            flush()
        elif item:
            flush()
            kind, level = ("ul" if _BULLET_ITEM.match(line) else "ol"), 0
            lines.append(item.group(1))
        else:
            if not lines:
                kind, level = "p", 0
            lines.append(line.strip().lstrip(">").strip())
    flush()
    return blocks


def strip_inline(text: str) -> str:
    """Remove Markdown inline syntax (emphasis, code, links -> their text) for display."""
    for pattern, replacement in _INLINE_SYNTAX:
        text = pattern.sub(replacement, text)
    return text


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
    return SequenceMatcher(None, old.words, new.words, autojunk=False).ratio() >= (
        SIMILAR_BLOCK_RATIO
    )


def _word_opcodes(
    old: tuple[str, ...], new: tuple[str, ...]
) -> Iterable[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """Yield (tag, old words, new words) for each run of the word-level comparison."""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        yield tag, old[i1:i2], new[j1:j2]


def _marked_words(old: tuple[str, ...], new: tuple[str, ...]) -> str:
    """Return the escaped words of one block with deletions and insertions marked."""
    pieces: list[str] = []
    for tag, old_words, new_words in _word_opcodes(old, new):
        if tag == "equal":
            pieces.append(escape(" ".join(new_words)))
            continue
        if old_words:
            pieces.append(f"<del>{escape(' '.join(old_words))}</del>")
        if new_words:
            pieces.append(f"<ins>{escape(' '.join(new_words))}</ins>")
    return " ".join(pieces)
