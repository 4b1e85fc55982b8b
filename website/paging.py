"""One way to page the admin lists (support, rights, audit) fast on 100k rows.

A list is one or more index-ordered runs read one after another (urgent support requests
before the others; dated rights requests before undated ones). A page reads only ids, from a
covering index, then loads just those rows: no page sorts the whole table, even a deep one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute

from website.extensions import db

T = TypeVar("T")


@dataclass(frozen=True)
class Run:
    """One index-ordered stretch of a list: its filter and its order."""

    where: Sequence[ColumnElement[bool]]
    order: Sequence[Any]


@dataclass
class Page(Generic[T]):
    """One page of a list, with what the template needs to link the others."""

    items: list[T]
    page: int
    pages: int
    total: int

    @property
    def has_more(self) -> bool:
        """True when a later page holds rows."""
        return self.page < self.pages


def count(id_column: InstrumentedAttribute[int], *where: ColumnElement[bool]) -> int:
    """How many rows match."""
    return db.session.scalar(select(func.count(id_column)).where(*where)) or 0


def page_ids(
    id_column: InstrumentedAttribute[int], runs: Sequence[tuple[Run, int]], page: int,
    per_page: int, clamp: bool = True,
) -> tuple[list[int], int, int, int]:
    """The ids on a page of runs (each with its row count); the page, page count and total.

    With clamp, a page past the end shows the last one; without, it is empty.
    """
    total = sum(n for _, n in runs)
    pages = max(1, -(-total // per_page))
    page = max(page, 1)
    if clamp:
        page = min(page, pages)
    offset = (page - 1) * per_page
    ids: list[int] = []
    for run, n in runs:
        if offset >= n:
            offset -= n
            continue
        query = select(id_column).where(*run.where).order_by(*run.order)
        ids += db.session.scalars(query.offset(offset).limit(per_page - len(ids)))
        offset = 0
        if len(ids) >= per_page:
            break
    return ids, page, pages, total


def load_in_order(query: Select[tuple[T]], id_column: InstrumentedAttribute[int],
                  ids: list[int]) -> list[T]:
    """The rows of these ids, in the order of the ids."""
    if not ids:
        return []
    found = {getattr(row, id_column.key): row
             for row in db.session.scalars(query.where(id_column.in_(ids)))}
    return [found[i] for i in ids if i in found]


def paginate(
    query: Select[tuple[T]], id_column: InstrumentedAttribute[int],
    runs: Sequence[tuple[Run, int]], page: int, per_page: int, clamp: bool = True,
) -> Page[T]:
    """One page of rows read through page_ids, then loaded by query."""
    ids, page, pages, total = page_ids(id_column, runs, page, per_page, clamp)
    return Page(load_in_order(query, id_column, ids), page, pages, total)
