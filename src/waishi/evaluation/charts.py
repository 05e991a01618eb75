"""Small SVG charts drawn on the server: horizontal bars (plain or stacked), lines, columns.

Why not pygal: its charts carry a <style> element, style="" attributes and a <script>, all of
which the strict Content-Security-Policy refuses (and its colours live in that <style>). These
charts use presentation attributes (fill, stroke, x, y …) and classes only, so they render under
the CSP, print, and keep their colours without any stylesheet.

Each chart is an <svg role="img"> with a <title> and <desc>, a <title> tooltip on every bar and
point, and a viewBox 340 units wide: on a 390 px phone the chart is drawn about 1:1, so its
12-unit text stays 11–12 px. The numbers
are also in the table the page shows under every chart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH = 340
FONT = 12
SMALL = 10  # numbers written on the bars
LABEL_W = 92  # label column of horizontal bars: seven Chinese characters
VALUE_W = 46  # room right of the longest bar for its value
ROW_H = 24
BAR_H = 16
AXIS_H = 22
TEXT = "#1d2630"
MUTED = "#5d6877"
GRID = "#dce2ea"
PRIMARY = "#1b57a6"


@dataclass(frozen=True)
class Series:
    """One stacked part or one line: its key in the rows' values, label and colours."""

    key: object
    label: str
    fill: str
    text_fill: str = "#ffffff"  # for numbers written on the fill
    dash: str = ""  # lines: stroke-dasharray, so series differ without colour
    marker: str = "circle"  # lines: circle, square or diamond


@dataclass
class Bar:
    """One row of a horizontal bar chart. `values` maps a Series key to its value (a plain
    bar uses the key None); `tooltips` the same keys to the text shown on hover."""

    label: str
    values: dict
    value_text: str = ""
    tooltips: dict = field(default_factory=dict)


@dataclass
class Slot:
    """One x position of a line or column chart: its label (two lines: e.g. quarter, year)."""

    label: str
    sublabel: str = ""
    values: dict = field(default_factory=dict)  # Series key → number or None
    tooltips: dict = field(default_factory=dict)


def nice_ticks(top: float, count: int = 4, *, whole: bool = False) -> list[float]:
    """Round axis ticks from 0 to at least `top` (steps of 1, 2, 2.5 or 5 × 10ⁿ); `whole` for
    counts, whose ticks are whole numbers (no "0.25 evaluations")."""
    if top <= 0:
        return [0.0, 1.0]
    rough = top / count
    power = 10 ** math.floor(math.log10(rough))
    steps = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(m * power for m in steps if m * power >= rough)
    if whole:
        step = max(step, 1)
    ticks, value = [0.0], 0.0
    while value < top - 1e-9:
        value += step
        ticks.append(value)
    return ticks


def tick_text(value: float, suffix: str = "") -> str:
    """An axis label: 2500 → "2.5k", 3000000 → "3M" (short enough for a phone's axis)."""
    if value >= 1_000_000 and value % 100_000 == 0:
        text = f"{value / 1_000_000:g}M"
    elif value >= 1000 and value % 100 == 0:
        text = f"{value / 1000:g}k"
    else:
        text = f"{value:g}"
    return text + suffix


def text_width(text: str, size: float = FONT) -> float:
    """A fair estimate of rendered width: CJK characters one em, others about 0.6 em."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.6 for ch in text)


def fit(text: str, width: float, size: float = FONT) -> str:
    """`text` shortened with an ellipsis to fit `width`."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _esc(text) -> str:
    return escape(str(text), quote=True)


def _svg(chart_id: str, title: str, desc: str, height: float, body: list[str]) -> SafeString:
    """The chart. Built from f-strings (format_html per element cost ~40 ms a page): every
    text passes through _esc, every number through _n, colours and classes are constants."""
    markup = (
        f'<svg class="chart" id="{_esc(chart_id)}" viewBox="0 0 {WIDTH} {_n(height)}" '
        f'width="{WIDTH}" height="{_n(height)}" role="img" '
        f'aria-labelledby="{_esc(chart_id)}-title {_esc(chart_id)}-desc" font-size="{FONT}" '
        f'preserveAspectRatio="xMinYMin meet"><title id="{_esc(chart_id)}-title">{_esc(title)}'
        f'</title><desc id="{_esc(chart_id)}-desc">{_esc(desc)}</desc>{"".join(body)}</svg>'
    )
    return mark_safe(markup)  # noqa: S308 — every part escaped as the docstring says


def _tip(tooltip: str) -> str:
    return f"<title>{_esc(tooltip)}</title>" if tooltip else ""


def _rect(x, y, w, h, fill, tooltip="", css="") -> str:
    klass = f' class="{_esc(css)}"' if css else ""
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(w, 0))}" height="{_n(h)}" '
        f'fill="{_esc(fill)}"{klass}>{_tip(tooltip)}</rect>'
    )


def _text(x, y, text, *, anchor="start", fill=TEXT, css="", tooltip="", size=None) -> str:
    klass = f' class="{_esc(css)}"' if css else ""
    font = f' font-size="{_n(size)}"' if size else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" dy="0.35em" text-anchor="{anchor}" fill="{_esc(fill)}"'
        f"{klass}{font}>{_esc(text)}{_tip(tooltip)}</text>"
    )


def _line(x1, y1, x2, y2, stroke=GRID, css="chart-grid") -> str:
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}" '
        f'stroke-width="1" class="{css}"/>'
    )


# --- horizontal bars ------------------------------------------------------------------------


def bars(
    chart_id: str,
    *,
    title: str,
    desc: str,
    rows: list[Bar],
    series: list[Series] | None = None,
    percent: bool = False,
    axis_suffix: str = "",
) -> SafeString:
    """Horizontal bars, one row per Bar, stacked by `series` (one plain series when None).
    With `percent`, each row is split by shares of its own total (100 % long)."""
    series = series or [Series(None, "", PRIMARY)]
    totals = [sum(float(row.values.get(s.key) or 0) for s in series) for row in rows]
    if percent:
        ticks, suffix = [0.0, 25.0, 50.0, 75.0, 100.0], "%"
    else:
        ticks, suffix = nice_ticks(max(totals, default=0.0)), axis_suffix
    plot_bottom = 4 + len(rows) * ROW_H
    body = []
    for tick in ticks:
        x = BAR_X + BAR_SPAN * tick / ticks[-1]
        body.append(_line(x, 2, x, plot_bottom))
        body.append(
            _text(
                x,
                plot_bottom + AXIS_H / 2,
                tick_text(tick, suffix),
                anchor="middle",
                fill=MUTED,
                css="chart-tick",
                size=SMALL,
            )
        )
    for i, (row, total) in enumerate(zip(rows, totals, strict=True)):
        # A bar's length is its value on the axis, or its share of the row when in per cent.
        unit = (100 / total if percent and total else 1.0) * BAR_SPAN / ticks[-1]
        body.append(_bar_row(row, series, 4 + i * ROW_H + (ROW_H - BAR_H) / 2, unit))
    return _svg(chart_id, title, desc, plot_bottom + AXIS_H, body)


BAR_X = LABEL_W + 4
BAR_SPAN = WIDTH - BAR_X - VALUE_W


def _bar_row(row: Bar, series: list[Series], y: float, unit: float) -> str:
    """One row: its label, a rect per series (the count written inside when it fits and the
    bar is stacked), the row's value after the bar."""
    middle = y + BAR_H / 2
    parts = [
        _text(
            LABEL_W,
            middle,
            fit(row.label, LABEL_W - 4),
            anchor="end",
            css="chart-label",
            tooltip=row.label,
        )
    ]
    x = BAR_X
    for s in series:
        value = float(row.values.get(s.key) or 0)
        if value <= 0:
            continue
        width = value * unit
        css = f"chart-bar series-{s.key}" if s.key else "chart-bar"
        parts.append(_rect(x, y, width, BAR_H, s.fill, row.tooltips.get(s.key, ""), css=css))
        shown = _n(value)
        if len(series) > 1 and width >= text_width(shown, SMALL) + 6:
            parts.append(
                _text(
                    x + width / 2,
                    middle,
                    shown,
                    anchor="middle",
                    fill=s.text_fill,
                    css="chart-value-in",
                    size=SMALL,
                )
            )
        x += width
    if row.value_text:
        parts.append(_text(x + 4, middle, row.value_text, css="chart-value"))
    return f'<g class="chart-row">{"".join(parts)}</g>'


# --- lines and columns over time ------------------------------------------------------------

PLOT_LEFT = 36
PLOT_RIGHT = 8
PLOT_H = 160
PLOT_TOP = 8


def _slot_x(count: int) -> tuple[float, list[float]]:
    span = WIDTH - PLOT_LEFT - PLOT_RIGHT
    step = span / max(count, 1)
    return step, [PLOT_LEFT + step * (i + 0.5) for i in range(count)]


def _x_axis(slots: list[Slot], xs: list[float], step: float) -> list[str]:
    """Labels under the plot: every slot's label while they fit, else every n-th; the
    sublabel (e.g. the year under quarters) where it changes."""
    every = max(1, math.ceil(max((text_width(s.label) for s in slots), default=0) / (step - 2)))
    body, last_sub = [], None
    base = PLOT_TOP + PLOT_H
    for i, (slot, x) in enumerate(zip(slots, xs, strict=True)):
        if i % every == 0:
            body.append(
                _text(
                    x,
                    base + 10,
                    slot.label,
                    anchor="middle",
                    fill=MUTED,
                    css="chart-tick",
                    size=SMALL,
                )
            )
        if slot.sublabel and slot.sublabel != last_sub:
            body.append(
                _text(
                    x,
                    base + 24,
                    slot.sublabel,
                    anchor="middle",
                    fill=MUTED,
                    css="chart-tick",
                    size=SMALL,
                )
            )
            last_sub = slot.sublabel
    return body


def _y_axis(ticks: list[float], suffix: str) -> list[str]:
    body = []
    for tick in ticks:
        y = PLOT_TOP + PLOT_H - PLOT_H * tick / (ticks[-1] or 1)
        body.append(_line(PLOT_LEFT, y, WIDTH - PLOT_RIGHT, y))
        body.append(
            _text(
                PLOT_LEFT - 4,
                y,
                tick_text(tick, suffix),
                anchor="end",
                fill=MUTED,
                css="chart-tick",
                size=SMALL,
            )
        )
    return body


def _marker(kind: str, x: float, y: float, fill: str, tooltip: str) -> str:
    """A point of a line: circle, square or diamond, so series differ without colour."""
    if kind == "square":
        shape = f'<rect x="{_n(x - 3.5)}" y="{_n(y - 3.5)}" width="7" height="7"'
        return f'{shape} fill="{_esc(fill)}" class="chart-point">{_tip(tooltip)}</rect>'
    if kind == "diamond":
        corners = ((x, y - 4.5), (x + 4.5, y), (x, y + 4.5), (x - 4.5, y))
        points = " ".join(f"{_n(px)},{_n(py)}" for px, py in corners)
        return (
            f'<polygon points="{points}" fill="{_esc(fill)}" class="chart-point">'
            f"{_tip(tooltip)}</polygon>"
        )
    return (
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" fill="{_esc(fill)}" class="chart-point">'
        f"{_tip(tooltip)}</circle>"
    )


def _polyline(points: list, s: Series) -> str:
    dash = f' stroke-dasharray="{_esc(s.dash)}"' if s.dash else ""
    coords = " ".join(f"{_n(x)},{_n(y)}" for x, y, _slot in points)
    return (
        f'<polyline points="{coords}" fill="none" stroke="{_esc(s.fill)}" stroke-width="2"'
        f'{dash} class="chart-line series-{_esc(s.key)}"/>'
    )


def lines(
    chart_id: str,
    *,
    title: str,
    desc: str,
    slots: list[Slot],
    series: list[Series],
    top: float = 100.0,
    suffix: str = "%",
) -> SafeString:
    """One line per series over the slots; a missing value (None) breaks the line."""
    ticks = nice_ticks(top)
    step, xs = _slot_x(len(slots))
    body = _y_axis(ticks, suffix) + _x_axis(slots, xs, step)
    scale = ticks[-1] or 1
    for s in series:
        runs, run = [], []
        for slot, x in zip(slots, xs, strict=True):
            value = slot.values.get(s.key)
            if value is None:
                runs, run = runs + ([run] if run else []), []
                continue
            run.append((x, PLOT_TOP + PLOT_H - PLOT_H * float(value) / scale, slot))
        runs += [run] if run else []
        for points in runs:
            if len(points) > 1:
                body.append(_polyline(points, s))
            body.extend(
                _marker(s.marker, x, y, s.fill, slot.tooltips.get(s.key, ""))
                for x, y, slot in points
            )
    return _svg(chart_id, title, desc, PLOT_TOP + PLOT_H + 32, body)


def columns(
    chart_id: str, *, title: str, desc: str, slots: list[Slot], series: list[Series]
) -> SafeString:
    """Stacked columns over the slots (counts)."""
    totals = [sum(float(slot.values.get(s.key) or 0) for s in series) for slot in slots]
    ticks = nice_ticks(max(totals, default=0) or 1, whole=True)
    step, xs = _slot_x(len(slots))
    body = _y_axis(ticks, "") + _x_axis(slots, xs, step)
    scale, width = ticks[-1] or 1, min(step * 0.6, 28)
    for slot, x in zip(slots, xs, strict=True):
        bottom = PLOT_TOP + PLOT_H
        for s in series:
            value = float(slot.values.get(s.key) or 0)
            if value <= 0:
                continue
            height = PLOT_H * value / scale
            bottom -= height
            body.append(
                _rect(
                    x - width / 2,
                    bottom,
                    width,
                    height,
                    s.fill,
                    slot.tooltips.get(s.key, ""),
                    css=f"chart-bar series-{s.key}",
                )
            )
    return _svg(chart_id, title, desc, PLOT_TOP + PLOT_H + 32, body)


def legend(series: list[Series]) -> SafeString:
    """The series as an HTML list with a colour swatch each (wraps on narrow screens)."""
    return format_html(  # once a chart: format_html's cost does not matter here
        '<ul class="chart-legend">{}</ul>',
        format_html_join(
            "",
            '<li><svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">'
            '<rect width="12" height="12" rx="2" fill="{}"/></svg>{}</li>',
            ((s.fill, s.label) for s in series),
        ),
    )


def decimal_text(value: Decimal | None, places: int = 1) -> str:
    return "—" if value is None else f"{value:,.{places}f}"
