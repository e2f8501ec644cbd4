"""Charts of the database, as PNG or SVG: for `clinicwatch report` (a paper, a slide) and for
the browse UI's /-/charts page, which draws the same figures.

- posts-per-month: posts per publication month, one stacked bar segment per clinic.
- mentions-over-time: posts per publication month that mention each category of `mentions`.

Undated posts (no published_at) cannot be placed on a month: the caption says how many were left out.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from matplotlib import rc_context
from matplotlib.figure import Figure

from db.queries import monthly_mention_counts, monthly_post_counts, undated_post_count

FORMATS = ("svg", "png")


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    rows: Callable  # (db, relevant_only) -> [{"month", <series column>, "posts"}]
    series: str  # the column whose values are the bars or lines
    stacked: bool


CHARTS = {
    chart.name: chart for chart in (
        Chart("posts-per-month", "Posts per month, by clinic", monthly_post_counts, "site", stacked=True),
        Chart("mentions-over-time", "Posts mentioning each category, per month", monthly_mention_counts, "category",
              stacked=False),
    )
}


def month_range(months: list[str]) -> list[str]:
    """Every YYYY-MM from the first to the last, so gaps show as zero rather than vanish."""
    if not months:
        return []
    (year, month), end = map(int, min(months).split("-")), max(months)
    result = []
    while (current := f"{year:04d}-{month:02d}") <= end:
        result.append(current)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def series_table(rows: list[dict], series: str) -> tuple[list[str], dict[str, list[int]]]:
    """(months, {series value: posts per month}) from rows of month, series, posts."""
    months = month_range([row["month"] for row in rows])
    table: dict[str, list[int]] = defaultdict(lambda: [0] * len(months))
    index = {month: i for i, month in enumerate(months)}
    for row in rows:
        table[row[series]][index[row["month"]]] += row["posts"]
    return months, dict(sorted(table.items()))


def figure(chart: Chart, rows: list[dict], undated: int, relevant_only: bool) -> Figure:
    months, table = series_table(rows, chart.series)
    # Figure, not pyplot: no global state, so the browse UI can draw from several threads.
    fig = Figure(figsize=(9, 4.8), layout="constrained")
    ax = fig.add_subplot()
    positions = range(len(months))
    if not months:
        ax.text(0.5, 0.5, "No dated posts yet", ha="center", va="center", transform=ax.transAxes)
    elif chart.stacked:
        bottom = [0] * len(months)
        for name, counts in table.items():
            ax.bar(positions, counts, bottom=bottom, label=name)
            bottom = [b + c for b, c in zip(bottom, counts)]
    else:
        for name, counts in table.items():
            ax.plot(positions, counts, marker="o", label=name.replace("_", " "))
    ax.set_xticks(list(positions), months, rotation=45, ha="right")
    ax.set_ylabel("relevant posts" if relevant_only else "posts")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(chart.title + (" (relevant posts)" if relevant_only else ""))
    if table:
        ax.legend(fontsize="small")
    if undated:
        fig.text(0.01, 0.01, f"{undated} undated post(s) not shown", fontsize="small", color="#555555")
    return fig


def render(fig: Figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    # No timestamp and fixed SVG ids: the same data gives the same file. SVG text stays text (editable
    # in a paper or slide, and searchable), not glyph outlines.
    with rc_context({"svg.hashsalt": "clinicwatch", "svg.fonttype": "none"}):
        fig.savefig(buffer, format=fmt, dpi=150, metadata={"Date": None} if fmt == "svg" else {})
    return buffer.getvalue()


def chart_bytes(db, name: str, fmt: str, relevant_only: bool = False) -> bytes:
    """One chart of the database as SVG or PNG bytes."""
    chart = CHARTS[name]
    fig = figure(chart, chart.rows(db, relevant_only), undated_post_count(db, relevant_only), relevant_only)
    return render(fig, fmt)


def write_charts(db, out_dir: Path, formats: tuple[str, ...] = FORMATS, relevant_only: bool = False) -> list[Path]:
    """Every chart in every format into out_dir; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in CHARTS:
        for fmt in formats:
            path = out_dir / f"{name}.{fmt}"
            path.write_bytes(chart_bytes(db, name, fmt, relevant_only))
            written.append(path)
    return written
