"""Bar charts for the pages, drawn as SVG by us: a value axis with round ticks, the value
written on every bar, a category axis, and the same figures as a table for whoever cannot
see the picture (the macros in `templates/_charts.html` render both).

Geometry only: numbers are formatted by the caller, in the page's language.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 18, 36
ROW_HEIGHT = 26


@dataclass(frozen=True)
class Tick:
    position: float  # y for columns, x for horizontal bars
    text: str


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    x: float
    y: float
    width: float
    height: float
    # under the bar; "" where labels would not fit (every other month of two years)
    axis_label: str = ""


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    # the plot area; the axes run along its left and bottom edges
    left: float
    top: float
    right: float
    bottom: float
    # where the target line goes (100% for progress), None without one
    target: float | None = None
    target_text: str = ""


def nice_step(maximum: float, steps: int = 4, whole: bool = False) -> float:
    """A round tick step (1, 2, 2.5 or 5 x 10^n) giving about `steps` ticks up to `maximum`;
    `whole`: at least 1 and never 2.5 (counts have no half ticks)."""
    raw = max(maximum, 1e-9) / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    multiples = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(m * magnitude for m in multiples if m * magnitude >= raw)
    return max(step, 1.0) if whole else step


def _ticks(maximum: float, whole: bool = False) -> tuple[float, list[float]]:
    step = nice_step(maximum, whole=whole)
    top = step * math.ceil(max(maximum, step) / step)
    count = round(top / step)
    return top, [i * step for i in range(count + 1)]


def column_chart(title: str, points: Sequence[tuple[str, float]],
                 fmt: Callable[[float], str], label_every: int = 1) -> Chart:
    """Vertical bars, one per (label, value), e.g. a KPI month by month; every
    `label_every`-th bar is labelled on the axis (the table has them all)."""
    whole = all(float(v).is_integer() for _, v in points)
    top_value, values = _ticks(max((v for _, v in points), default=0.0), whole)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(points), 1)
    scale = plot_height / top_value
    bars = [Bar(label, value, fmt(value), round(LEFT + i * slot + slot * 0.15, 1),
                round(TOP + plot_height - value * scale, 1), round(slot * 0.7, 1),
                round(value * scale, 1), label if i % label_every == 0 else "")
            for i, (label, value) in enumerate(points)]
    ticks = [Tick(round(TOP + plot_height - v * scale, 1), fmt(v)) for v in values]
    return Chart(title, WIDTH, HEIGHT, bars, ticks, LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM)


def progress_chart(title: str, points: Sequence[tuple[str, float]],
                   fmt: Callable[[float], str], label_width: int = 210) -> Chart:
    """Horizontal bars of progress (1.0 = the target reached), the target marked at 100%."""
    top_value, values = _ticks(max([1.0, *(v for _, v in points)]))
    height = TOP + BOTTOM + ROW_HEIGHT * max(len(points), 1)
    plot_left, plot_right = label_width, WIDTH * 1.25 - RIGHT - 24
    scale = (plot_right - plot_left) / top_value
    bars = [Bar(label, value, fmt(value), plot_left, round(TOP + i * ROW_HEIGHT + 4, 1),
                round(value * scale, 1), ROW_HEIGHT - 8, label)
            for i, (label, value) in enumerate(points)]
    ticks = [Tick(round(plot_left + v * scale, 1), fmt(v)) for v in values]
    return Chart(title, round(WIDTH * 1.25), height, bars, ticks, plot_left, TOP, plot_right,
                 height - BOTTOM, target=round(plot_left + 1.0 * scale, 1))
