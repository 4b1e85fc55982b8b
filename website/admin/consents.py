"""Admin pages for consent statistics and the first-party page-view analytics."""

from __future__ import annotations

from flask import render_template

from website.accounts.guards import role_required
from website.accounts.roles import ANY_ROLE
from website.admin import bp
from website.admin.charts import bar_chart, line_chart
from website.consent import stats


@bp.get("/consents")
@role_required(ANY_ROLE)
def consents() -> str:
    """Consent decisions per day and the share allowing analytics, over 90 days."""
    days = stats.consent_per_day(90)
    labels = [d.day.isoformat() for d in days]
    decisions_chart = bar_chart(
        list(zip(labels, [d.decisions for d in days], strict=True)),
        "Consent decisions per day, last 90 days",
        "Bar chart; the same numbers are in the table below.",
    )
    share_chart = line_chart(
        [(d.day.isoformat(), None if d.share is None else d.share * 100) for d in days],
        "Share of decisions allowing analytics, per day, last 90 days (percent)",
        "Line chart; days without decisions are gaps. The numbers are in the table below.",
        axis=(100, 25), fmt="{:.0f}%",
    )
    return render_template(
        "admin/consents.html", days=days, summary=stats.consent_summary(90),
        decisions_chart=decisions_chart, share_chart=share_chart,
    )


@bp.get("/analytics")
@role_required(ANY_ROLE)
def analytics() -> str:
    """Page views per day over 90 days, and the most viewed pages over 30 days."""
    days = stats.page_views_per_day(90)
    chart = bar_chart(
        [(d.isoformat(), views) for d, views, _ in days],
        "Page views per day, last 90 days",
        "Bar chart of page views recorded with analytics consent; numbers in the table below.",
    )
    return render_template(
        "admin/analytics.html", days=days, chart=chart, top_pages=stats.top_pages(30, 10),
        total=sum(views for _, views, _ in days),
    )

