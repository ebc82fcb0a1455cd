"""Server-rendered SVG charts: line charts, sparklines and bar charts.

The geometry is worked out here, in plain Python; the templates in
``templates/metrics/includes/`` draw it. Charts need no JavaScript, print as they show,
and carry no inline styles (colours and type come from classes in ``frontend/scss``).

Every chart is ``role="img"`` with a ``<title>`` and a ``<desc>`` that says in words what
the chart shows (``describe_trend``), and every page that draws one also shows the same
figures in a table. Points carry markers and value labels, so nothing depends on colour.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from metrics.formatting import change_words, format_number

Number = Decimal | float | int


@dataclass(frozen=True)
class DataPoint:
    """One value to plot. ``position`` spaces points unevenly (e.g. a date's ordinal)."""

    label: str
    value: Number | None
    position: float | None = None


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    text: str
    label: str
    show_text: bool

    @property
    def text_y(self) -> float:
        return round(self.y - 12, 1)


@dataclass(frozen=True)
class LineChart:
    chart_id: str
    title: str
    description: str
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    y_ticks: list[Tick]
    x_labels: list[Tick]
    path: str
    markers: list[Marker]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def tick_label_x(self) -> float:
        return self.left - 8

    @property
    def x_label_y(self) -> float:
        return self.bottom + 26


@dataclass(frozen=True)
class Sparkline:
    chart_id: str
    title: str
    description: str
    width: int
    height: int
    path: str
    markers: list[Marker]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    label_y: float
    bar_y: float
    width: float
    text_x: float
    text_y: float


@dataclass(frozen=True)
class BarChart:
    chart_id: str
    title: str
    description: str
    width: int
    height: int
    bar_height: int
    bars: list[Bar] = field(default_factory=list)

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 or 10 times a power of ten that is at least ``value``."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value * (1 - 1e-9):
            return candidate
    return 10 ** (exponent + 1)


def axis_ticks(maximum: float, target: int = 4) -> list[float]:
    """Evenly spaced round values from 0 to at least ``maximum``: 0, 20, 40, 60, 80, 100."""
    step = nice_ceiling(maximum / target) if maximum > 0 else 1.0
    count = max(1, math.ceil(maximum / step - 1e-9))
    return [step * i for i in range(count + 1)]


def _round(value: float) -> float:
    return round(value, 1)


def describe_trend(
    points: Sequence[DataPoint],
    value_format: Callable[[Number], str] = format_number,
    change_unit: str = "",
) -> str:
    """The trend in words, for a chart's ``<desc>``.

    Up to six points are described step by step ("59% in Feb-20, then 71% in Jun-20 (up 12
    percentage points), …"); longer series by their first and last value, highest and lowest.
    """
    known = [p for p in points if p.value is not None]
    if not known:
        return "No figures yet."
    if len(known) == 1:
        return f"{value_format(known[0].value)} in {known[0].label}; there is only one figure so far."
    if len(known) <= 6:
        parts = [f"{value_format(known[0].value)} in {known[0].label}"]
        for previous, point in zip(known, known[1:], strict=False):
            change = Decimal(str(point.value)) - Decimal(str(previous.value))
            words = change_words(change, change_unit) if change_unit else _direction(change)
            parts.append(f"{value_format(point.value)} in {point.label} ({words})")
        text = ", then ".join(parts) + "."
    else:
        first, last = known[0], known[-1]
        change = Decimal(str(last.value)) - Decimal(str(first.value))
        words = change_words(change, change_unit) if change_unit else _direction(change)
        text = (
            f"From {value_format(first.value)} in {first.label} to {value_format(last.value)} in {last.label} "
            f"({words}) over {len(known)} figures."
        )
    highest = max(known, key=lambda p: Decimal(str(p.value)))
    lowest = min(known, key=lambda p: Decimal(str(p.value)))
    if highest.value != lowest.value:
        text += (
            f" Highest: {value_format(highest.value)} in {highest.label}."
            f" Lowest: {value_format(lowest.value)} in {lowest.label}."
        )
    return text


def _direction(change: Decimal) -> str:
    if change > 0:
        return f"up {format_number(change)}"
    if change < 0:
        return f"down {format_number(-change)}"
    return "no change"


def _x_positions(points: Sequence[DataPoint], x0: float, x1: float) -> list[float]:
    if len(points) == 1:
        return [(x0 + x1) / 2]
    if all(p.position is not None for p in points):
        low = min(p.position for p in points)
        high = max(p.position for p in points)
        if high > low:
            return [x0 + (p.position - low) / (high - low) * (x1 - x0) for p in points]
    step = (x1 - x0) / (len(points) - 1)
    return [x0 + i * step for i in range(len(points))]


def _path(coordinates: Sequence[tuple[float, float] | None]) -> str:
    """An SVG path through the coordinates; a None breaks the line (a missing figure)."""
    parts: list[str] = []
    pen_down = False
    for xy in coordinates:
        if xy is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{_round(xy[0])} {_round(xy[1])}")
        pen_down = True
    return " ".join(parts)


def _labelled_x_indexes(count: int, limit: int) -> list[int]:
    """Every n-th x label so that at most about ``limit`` show, always the first and the last."""
    every = max(1, math.ceil(count / limit))
    indexes = list(range(0, count, every))
    if indexes and indexes[-1] != count - 1:
        if len(indexes) > 1:  # the last regular label would crowd the final one
            indexes.pop()
        indexes.append(count - 1)
    return indexes


def _labelled_indexes(values: Sequence[Number | None], limit: int) -> list[int]:
    """Which points get a value label, most wanted first: all of a short series; else the
    last, the highest, the lowest and the first."""
    known = [i for i, v in enumerate(values) if v is not None]
    if len(known) <= limit:
        return known
    highest = max(known, key=lambda i: values[i])
    lowest = min(known, key=lambda i: values[i])
    return list(dict.fromkeys([known[-1], highest, lowest, known[0]]))


def _spaced(indexes: list[int], xs: Sequence[float], min_gap: float) -> set[int]:
    """Keep labels, in order of preference, that are at least ``min_gap`` apart across the chart."""
    kept: list[int] = []
    for i in indexes:
        if all(abs(xs[i] - xs[j]) >= min_gap for j in kept):
            kept.append(i)
    return set(kept)


def line_chart(
    points: Sequence[DataPoint],
    *,
    chart_id: str,
    title: str,
    description: str | None = None,
    value_format: Callable[[Number], str] = format_number,
    tick_format: Callable[[Number], str] | None = None,
    change_unit: str = "",
    y_max: float | None = None,
    width: int = 640,
    height: int = 300,
    max_x_labels: int = 8,
    max_value_labels: int = 8,
) -> LineChart:
    """A one-series line chart, y from zero (so changes are not exaggerated) to ``y_max`` or a round top."""
    tick_format = tick_format or value_format
    left, right = 56.0, width - 24.0
    top, bottom = 28.0, height - 44.0
    values = [None if p.value is None else float(p.value) for p in points]
    known = [v for v in values if v is not None]
    top_value = y_max if y_max is not None else max(known, default=0.0)
    ticks = axis_ticks(top_value) if y_max is None else axis_ticks(y_max, target=5)
    scale_top = ticks[-1] if ticks[-1] > 0 else 1.0

    def y_of(v: float) -> float:
        return bottom - (v / scale_top) * (bottom - top)

    inset = 28.0 if len(points) > 1 else 0.0
    xs = _x_positions(points, left + inset, right - inset)
    coordinates = [None if v is None else (x, y_of(v)) for x, v in zip(xs, values, strict=True)]
    # Room for about one x label per 90 units of plot width, however many are asked for.
    x_limit = max(2, min(max_x_labels, int((right - left) / 90) + 1))
    x_labels = [Tick(_round(xs[i]), points[i].label) for i in _labelled_x_indexes(len(points), x_limit)]
    labelled = _spaced(_labelled_indexes(values, max_value_labels), xs, min_gap=48.0)
    markers = [
        Marker(_round(xy[0]), _round(xy[1]), value_format(points[i].value), points[i].label, i in labelled)
        for i, xy in enumerate(coordinates)
        if xy is not None
    ]
    return LineChart(
        chart_id=chart_id,
        title=title,
        description=description or describe_trend(points, value_format, change_unit),
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        y_ticks=[Tick(_round(y_of(t)), tick_format(t)) for t in ticks],
        x_labels=x_labels,
        path=_path(coordinates),
        markers=markers,
    )


def sparkline(
    points: Sequence[DataPoint],
    *,
    chart_id: str,
    title: str,
    description: str | None = None,
    value_format: Callable[[Number], str] = format_number,
    width: int = 120,
    height: int = 32,
) -> Sparkline | None:
    """A word-sized line of a series, scaled to its own range; None for fewer than two figures."""
    known = [p for p in points if p.value is not None]
    if len(known) < 2:
        return None
    pad = 4.0
    values = [float(p.value) for p in known]
    low, high = min(values), max(values)
    span = high - low

    def y_of(v: float) -> float:
        if span == 0:
            return height / 2
        return height - pad - (v - low) / span * (height - 2 * pad)

    xs = _x_positions(known, pad, width - pad)
    coordinates = [(x, y_of(v)) for x, v in zip(xs, values, strict=True)]
    markers = [
        Marker(_round(x), _round(y), value_format(p.value), p.label, i == len(known) - 1)
        for i, ((x, y), p) in enumerate(zip(coordinates, known, strict=True))
    ]
    return Sparkline(
        chart_id=chart_id,
        title=title,
        description=description or describe_trend(known, value_format),
        width=width,
        height=height,
        path=_path(coordinates),
        markers=markers,
    )


def bar_chart(
    rows: Sequence[tuple[str, Number]],
    *,
    chart_id: str,
    title: str,
    description: str,
    value_format: Callable[[Number], str] = format_number,
    max_value: float | None = None,
    width: int = 640,
) -> BarChart:
    """Horizontal bars, each with its label above it and its value at its end."""
    row_height, bar_height = 52, 20
    value_room = 90.0
    top_value = max_value if max_value is not None else max((float(v) for _, v in rows), default=0.0)
    top_value = top_value or 1.0
    bars = []
    for i, (label, value) in enumerate(rows):
        label_y = i * row_height + 18
        bar_width = max(0.0, float(value) / top_value * (width - value_room))
        bars.append(
            Bar(
                label=label,
                text=value_format(value),
                label_y=label_y,
                bar_y=label_y + 8,
                width=_round(bar_width),
                text_x=_round(bar_width + 8),
                text_y=label_y + 8 + 15,
            )
        )
    return BarChart(
        chart_id=chart_id,
        title=title,
        description=description,
        width=width,
        height=max(row_height, len(rows) * row_height + 8),
        bar_height=bar_height,
        bars=bars,
    )
