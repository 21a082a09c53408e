"""Geometry for the charts drawn as inline SVG on the plan page (no chart library)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

WIDTH = 640  # the SVG's user units; it scales to the column
LABEL = 150  # room for the labels on the left
ROW = 28


@dataclass
class Bar:
    label: str
    x: float
    width: float
    y: float
    detail: str
    css: str = ""


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Timeline:
    bars: list[Bar] = field(default_factory=list)
    markers: list[Bar] = field(default_factory=list)  # deployment and today (width 0)
    ticks: list[Tick] = field(default_factory=list)  # the date axis under the bars
    missing: list[str] = field(default_factory=list)
    height: int = 0
    axis_y: int = 0
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def axis_end(self) -> int:
        return WIDTH - 40

    @property
    def tick_label_y(self) -> int:
        return self.axis_y + 15

    @property
    def marker_label_y(self) -> int:
        return self.axis_y + 31

    @property
    def drawable(self) -> bool:
        return bool(self.bars)


def timeline(plan: Any, today: dt.date) -> Timeline:
    """Bars for planning, development and testing, a marker for deployment and for today."""
    chart = Timeline()
    spans = []
    for label, start, end in plan.timeline():
        if start and end:
            spans.append((label, start, end))
        elif start or end:
            chart.missing.append(f"{label} has no {'end' if start else 'start'} date")
        else:
            chart.missing.append(f"{label} is not scheduled")
    if not plan.deployment_date:
        chart.missing.append("Deployment has no target date")
    dates = [d for _, s, e in spans for d in (s, e)] + (
        [plan.deployment_date] if plan.deployment_date else []
    )
    if not spans:
        return chart
    chart.start, chart.end = min(dates), max(dates)
    days = max((chart.end - chart.start).days, 1)
    scale = (WIDTH - LABEL - 40) / days

    def x(day: dt.date) -> float:
        return round(LABEL + (day - chart.start).days * scale, 1)  # type: ignore[operator]

    for i, (label, start, end) in enumerate(spans):
        width = max(x(end) - x(start), 3)
        detail = (
            f"{label}: {start.isoformat()} to {end.isoformat()} ({(end - start).days + 1} days)"
        )
        chart.bars.append(Bar(label, x(start), width, 8 + i * ROW, detail, label.lower()))
    chart.axis_y = 8 + len(spans) * ROW
    chart.height = chart.axis_y + 36
    chart.ticks = [Tick(x(day), label) for day, label in axis_dates(chart.start, chart.end)]
    if plan.deployment_date:
        chart.markers.append(
            Bar(
                "Deployment",
                x(plan.deployment_date),
                0,
                0,
                f"Deployment: {plan.deployment_date.isoformat()}",
                "deploy",
            )
        )
    if chart.start <= today <= chart.end:
        chart.markers.append(Bar("Today", x(today), 0, 0, f"Today: {today.isoformat()}", "today"))
    else:
        side = "before" if today < chart.start else "after"
        chart.missing.append(f"Today ({today.isoformat()}) is {side} the timeline")
    return chart


MAX_TICKS = 8


def axis_dates(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    """Dates to mark on the axis from start to end: Mondays over a short span, the first of
    each month over a longer one, of each quarter over years; at most MAX_TICKS of them."""
    days = (end - start).days
    if days <= 60:
        first = start + dt.timedelta(days=(7 - start.weekday()) % 7)
        marks = [first + dt.timedelta(weeks=n) for n in range((end - first).days // 7 + 1)]
        labelled = [(d, f"{d:%b} {d.day}") for d in marks]
    else:
        step = 1 if days <= 400 else 3
        month = ((start.month - 1) // step) * step + 1
        day = dt.date(start.year, month, 1)
        marks = []
        while day <= end:
            if day >= start:
                marks.append(day)
            month_index = day.month - 1 + step
            day = dt.date(day.year + month_index // 12, month_index % 12 + 1, 1)
        labelled = [
            (d, f"{d:%b} {d.year}" if d.month == 1 or i == 0 else f"{d:%b}")
            for i, d in enumerate(marks)
        ]
    every = max(1, -(-len(labelled) // MAX_TICKS))  # ceiling: at most MAX_TICKS marks
    return labelled[::every]


@dataclass
class EffortBar:
    label: str
    width: float
    y: float
    effort: Decimal | None


def effort_bars(phases: list[Any]) -> tuple[list[EffortBar], int]:
    """Phases as bars whose length is proportional to their estimated effort."""
    efforts = [p.phase.effort for p in phases if p.phase.effort]
    most = max(efforts) if efforts else None
    bars = []
    for i, p in enumerate(phases):
        effort = p.phase.effort
        width = float(effort / most) * (WIDTH - LABEL - 70) if effort and most else 0
        bars.append(
            EffortBar(f"Phase {i + 1}: {p.phase.name}", round(width, 1), 6 + i * ROW, effort)
        )
    return bars, 6 + len(phases) * ROW
