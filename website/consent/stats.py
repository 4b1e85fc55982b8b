"""Consent and page-view statistics for the admin pages (counted in SQL, same on both databases)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import String, case, cast, func, select

from website.consent.models import ConsentRecord, PageView
from website.consent.registry import ANALYTICS
from website.extensions import db, utcnow


@dataclass(frozen=True)
class ConsentDay:
    """Consent decisions on one day and how many of them allowed analytics."""

    day: date
    decisions: int
    analytics: int

    @property
    def share(self) -> float | None:
        """Share of the day's decisions that allowed analytics (None on a day without any)."""
        return self.analytics / self.decisions if self.decisions else None


@dataclass(frozen=True)
class ConsentSummary:
    """Totals over a period."""

    days: int
    decisions: int
    analytics: int

    @property
    def share(self) -> float | None:
        """Share of decisions that allowed analytics."""
        return self.analytics / self.decisions if self.decisions else None


def _since(days: int) -> datetime:
    start = utcnow().date() - timedelta(days=days - 1)
    return datetime(start.year, start.month, start.day)


def _as_date(value: object) -> date:
    # SQLite's date() gives text, PostgreSQL's gives a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _fill(
    days: int, counts: Mapping[date, tuple[int, ...]], width: int
) -> list[tuple[Any, ...]]:
    # Each tuple is (day, *counts): a date, then `width` ints.
    first = _since(days).date()
    return [
        (first + timedelta(days=i), *counts.get(first + timedelta(days=i), (0,) * width))
        for i in range(days)
    ]


def _grants_analytics() -> object:
    # `granted` is a JSON list; its text form holds "analytics" exactly when it was granted.
    return case((cast(ConsentRecord.granted, String).like(f'%"{ANALYTICS}"%'), 1), else_=0)


def consent_per_day(days: int = 90) -> list[ConsentDay]:
    """Consent decisions per day over the last `days` days (today included), gaps as zero."""
    day = func.date(ConsentRecord.created_at)
    query = (
        select(day, func.count(), func.sum(_grants_analytics()))
        .where(ConsentRecord.created_at >= _since(days))
        .group_by(day)
    )
    counts = {_as_date(d): (n, int(a or 0)) for d, n, a in db.session.execute(query)}
    return [ConsentDay(d, n, a) for d, n, a in _fill(days, counts, 2)]


def consent_summary(days: int = 30) -> ConsentSummary:
    """Decisions and analytics grants over the last `days` days."""
    query = select(func.count(), func.sum(_grants_analytics())).where(
        ConsentRecord.created_at >= _since(days)
    )
    decisions, analytics = db.session.execute(query).one()
    return ConsentSummary(days, decisions or 0, int(analytics or 0))


def page_views_per_day(days: int = 90) -> list[tuple[date, int, int]]:
    """(day, page views, distinct visitors) over the last `days` days, gaps as zero."""
    day = func.date(PageView.created_at)
    query = (
        select(day, func.count(), func.count(func.distinct(PageView.visitor_id)))
        .where(PageView.created_at >= _since(days))
        .group_by(day)
    )
    counts = {_as_date(d): (n, v) for d, n, v in db.session.execute(query)}
    return [(d, n, v) for d, n, v in _fill(days, counts, 2)]


def top_pages(days: int = 30, limit: int = 10) -> list[tuple[str, int]]:
    """The most viewed paths over the last `days` days."""
    views = func.count().label("views")
    query = (
        select(PageView.path, views)
        .where(PageView.created_at >= _since(days))
        .group_by(PageView.path)
        .order_by(views.desc(), PageView.path)
        .limit(limit)
    )
    return [(path, n) for path, n in db.session.execute(query)]
