"""Small server-side SVG charts (bar and line), inline in the page: no library, no script.

Colours are SVG presentation attributes (the CSP allows no style attributes). Each chart has a
<title> and <desc> and is labelled by them; the page puts the same numbers in a table under it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 30
INK, GRID, BAR, LINE = "#1a1f2b", "#d5dae3", "#1d4ed8", "#176332"

_ids = itertools.count(1)


def _axis(value: float) -> tuple[float, float]:
    """A round axis maximum at or above the value, and the step between its gridlines."""
    if value <= 0:
        return 1, 1
    magnitude = 1.0
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (magnitude / 10, magnitude / 5, magnitude / 2, magnitude, magnitude * 2):
        if step >= 1 and value / step <= 5:
            return step * math.ceil(value / step), step
    return magnitude * 10, magnitude * 2


def _frame(
    title: str, description: str, axis: tuple[float, float], fmt: str, labels: Sequence[str]
) -> list[str]:
    """The opening tag, accessible name, gridlines, y ticks and a few x labels."""
    top, step = axis
    n = next(_ids)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="chart{n}-title chart{n}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart{n}-title">{escape(title)}</title>',
        f'<desc id="chart{n}-desc">{escape(description)}</desc>',
    ]
    for i in range(round(top / step) + 1):
        y = _y(step * i, top)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="{INK}">{escape(fmt.format(step * i))}</text>')
    ends = {0: ("start", LEFT), len(labels) - 1: ("end", WIDTH - RIGHT)}
    for index in sorted({0, len(labels) // 2, len(labels) - 1}) if labels else []:
        anchor, x = ends.get(index, ("middle", _x(index, len(labels))))
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}" '
                     f'font-size="11" fill="{INK}">{escape(labels[index])}</text>')
    return parts


def _x(index: int, count: int) -> float:
    """Centre of slot `index` of `count` across the plot."""
    slot = (WIDTH - LEFT - RIGHT) / max(count, 1)
    return LEFT + slot * (index + 0.5)


def _y(value: float, top: float) -> float:
    plot_h = HEIGHT - TOP - BOTTOM
    return TOP + plot_h - plot_h * value / top


def bar_chart(points: Sequence[tuple[str, float]], title: str, description: str) -> Markup:
    """Vertical bars, one per (label, value)."""
    axis = _axis(max((v for _, v in points), default=0))
    top = axis[0]
    parts = _frame(title, description, axis, "{:.0f}", [label for label, _ in points])
    slot = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    for index, (label, value) in enumerate(points):
        y = _y(value, top)
        parts.append(
            f'<rect x="{_x(index, len(points)) - slot * 0.4:.1f}" y="{y:.1f}" '
            f'width="{slot * 0.8:.1f}" height="{HEIGHT - BOTTOM - y:.1f}" fill="{BAR}">'
            f"<title>{escape(label)}: {value:g}</title></rect>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text part above is escaped


def line_chart(
    points: Sequence[tuple[str, float | None]], title: str, description: str,
    axis: tuple[float, float] | None = None, fmt: str = "{:.0f}",
) -> Markup:
    """A line through the values; None leaves a gap. `axis` = (maximum, gridline step)."""
    axis = axis or _axis(max((v for _, v in points if v is not None), default=0))
    top = axis[0]
    parts = _frame(title, description, axis, fmt, [label for label, _ in points])
    run: list[str] = []
    segments: list[list[str]] = [run]
    for index, (label, value) in enumerate(points):
        if value is None:
            run = []
            segments.append(run)
            continue
        x, y = _x(index, len(points)), _y(value, top)
        run.append(f"{x:.1f},{y:.1f}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{LINE}">'
                     f"<title>{escape(label)}: {escape(fmt.format(value))}</title></circle>")
    for segment in segments:
        if len(segment) > 1:
            parts.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{LINE}" '
                         f'stroke-width="2"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text part above is escaped
