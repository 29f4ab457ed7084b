"""Charts as inline SVG, drawn in Python: heat maps, stacked bars and bars.

Each function returns one ``<svg>`` element as text, to be placed inside an
HTML page: no script, no external font, image or stylesheet, no ``xmlns`` (an
inline SVG in HTML needs none). Every text is escaped. Every mark carries a
``<title>`` (the browser's tooltip) with its exact value, and the value is
written on the mark where it fits, so the chart reads without colour too.

Marks have classes the page styles and the tests count: ``cell`` (a heat-map
cell), ``bar`` (a bar or a segment of a stacked bar); legend swatches are
``swatch``. Sizes are whole pixels; the same data gives the same SVG text.

Example:
    >>> svg = bar_chart("Orders", [("a", 3, "clock"), ("b", 1, "window")],
    ...                 {"clock": "#4575b4", "window": "#fdae61"})
    >>> svg.count('class="bar"'), svg.startswith("<svg")
    (2, True)
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from grievance_rules.i18n import gettext as _
from grievance_rules.reports.formatting import DASH, number, percent

__all__ = [
    "CLOCK_COLOURS",
    "KIND_COLOURS",
    "HeatPanel",
    "bar_chart",
    "heat_map",
    "stacked_bar_chart",
    "text_width",
]

CLOCK_COLOURS: dict[str, str] = {
    "met": "#1a9850",
    "breached": "#d73027",
    "running": "#4575b4",
    "paused": "#fdae61",
}
"""Colours of a clock's states in the deadline chart (other states are grey)."""

KIND_COLOURS: dict[str, str] = {
    "clock": "#4575b4",
    "window": "#fdae61",
    "deduction": "#d73027",
    "escalation": "#762a83",
}
"""Colours of the kinds of finding in the divergence chart."""

_OTHER = "#969696"
_FONT = 13
_SMALL = 11
_AXIS = 12
_LOW, _MID, _HIGH = (0xD7, 0x30, 0x27), (0xFE, 0xE0, 0x8B), (0x1A, 0x98, 0x50)
_FLAT = "#e8e8e8"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def text_width(text: str, size: int = _FONT) -> int:
    """An estimate of a text's width in pixels: CJK characters are square, others ~0.6 em."""
    wide = sum(1 for ch in text if ord(ch) >= 0x2E80)
    return round(wide * size + (len(text) - wide) * size * 0.62)


def _svg(width: int, height: int, label: str, body: list[str], chart_id: str | None) -> str:
    ident = f' id="{_e(chart_id)}"' if chart_id else ""
    return (
        f'<svg{ident} class="chart" role="img" aria-label="{_e(label)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">'
        f"<title>{_e(label)}</title>" + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, *, cls: str = "", anchor: str = "start") -> str:
    klass = f' class="{cls}"' if cls else ""
    return (
        f'<text x="{x:g}" y="{y:g}"{klass} text-anchor="{anchor}" '
        f'dominant-baseline="middle">{_e(text)}</text>'
    )


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> str:
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


def _scale(value: float, low: float, high: float) -> tuple[str, bool]:
    """The fill of a value between low and high (red → yellow → green) and whether it is dark."""
    if high == low:
        return _FLAT, False
    t = (value - low) / (high - low)
    colour = _mix(_LOW, _MID, t * 2) if t < 0.5 else _mix(_MID, _HIGH, (t - 0.5) * 2)
    return colour, t < 0.2 or t > 0.8


@dataclass(frozen=True)
class HeatPanel:
    """One heat map: rows (units) down, columns (periods) across, a value per cell.

    A missing key or ``None`` is a cell without a value (drawn blank, with ``—``).
    ``row_labels`` names the rows for people (a unit's name for its id; the
    ``data-row`` attribute keeps the id); ``share`` writes the values as
    percentages (a rate, coloured on one fixed scale: 0 % red, 100 % green);
    ``note`` is a line under the panel's title (what the panel shows instead of
    what, and why); ``column_labels`` names the columns (``data-column`` keeps
    the key); ``details`` says what a value is of (a rate's numerator and
    denominator: 100 % of 1 order is not 100 % of 20).
    """

    title: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: Mapping[tuple[str, str], float | None]
    row_labels: Mapping[str, str] = field(default_factory=dict)
    share: bool = False
    note: str = ""
    value_name: str = ""
    column_labels: Mapping[str, str] = field(default_factory=dict)
    details: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """What a cell's value is of, shown beside it when pointed at (a rate's ``4/5``)."""


def heat_map(
    label: str, panels: Sequence[HeatPanel], *, chart_id: str | None = None, value_name: str = ""
) -> str:
    """Heat maps stacked one under the other, each on its own colour scale.

    Within a panel the lowest value is red, the middle yellow, the highest green;
    a panel whose values are all equal is grey. Each cell shows its value.

    Args:
        label: what the chart shows (its accessible name and tooltip).
        panels: the heat maps, drawn top to bottom.
        chart_id: the ``id`` of the ``<svg>``.
        value_name: the name of the value in each cell's tooltip (``score``).
    """
    row_label = max(
        [
            text_width(panel.row_labels.get(row, row), _AXIS)
            for panel in panels
            for row in panel.rows
        ]
        + [24]
    )
    columns = {panel.column_labels.get(c, c) for panel in panels for c in panel.columns}
    widest = max([text_width(column, _AXIS) for column in columns] + [0])
    cell_w, cell_h = max(60, min(widest + 14, 76)), 30
    rotate = widest + 14 > cell_w
    head = round(widest * 0.71) + 16 if rotate else 22
    left = row_label + 16
    cells = left + max([len(p.columns) for p in panels] + [1]) * cell_w + 8
    titles = max(
        [text_width(p.title) + 16 for p in panels]
        + [text_width(p.note, _SMALL) + 16 for p in panels]
        + [0]
    )
    # the legend as the panels are coloured: rates on one fixed scale, scores each on its own
    words = _legend_words(shares=all(panel.share for panel in panels))
    width = max(cells, titles, _legend_width(words) + 8)
    body: list[str] = []
    y = 8
    body += _legend_scale(y, words)
    y += 28
    for panel in panels:
        body.append(_text(8, y + 10, panel.title, cls="panel-title"))
        if panel.note:
            y += 18
            body.append(_text(8, y + 10, panel.note, cls="legend panel-note"))
        y += 24 + head
        for position, key in enumerate(panel.columns):
            x = left + position * cell_w + cell_w / 2
            column = panel.column_labels.get(key, key)
            if rotate:
                body.append(
                    f'<text class="axis" x="{x:g}" y="{y - 6}" text-anchor="start" '
                    f'transform="rotate(-45 {x:g} {y - 6})">{_e(column)}</text>'
                )
            else:
                body.append(_text(x, y - 10, column, cls="axis", anchor="middle"))
        present = [v for v in panel.values.values() if v is not None]
        low, high = (min(present), max(present)) if present else (0.0, 0.0)
        if panel.share:  # a rate: one scale for every panel, 0 % red, 100 % green
            low, high = 0.0, 1.0
        for row in panel.rows:
            name = panel.row_labels.get(row, row)
            body.append(_text(left - 8, y + cell_h / 2, name, cls="axis", anchor="end"))
            for position, column in enumerate(panel.columns):
                x = left + position * cell_w
                value = panel.values.get((row, column))
                body.append(
                    _heat_cell(
                        (x, y, cell_w, cell_h),
                        panel,
                        row,
                        column,
                        value,
                        (low, high),
                        panel.value_name or value_name,
                    )
                )
            y += cell_h
        y += 12
    return _svg(width, y, label, body, chart_id)


def _heat_cell(
    box: tuple[int, int, int, int],
    panel: HeatPanel,
    row: str,
    column: str,
    value: float | None,
    bounds: tuple[float, float],
    value_name: str,
) -> str:
    x, y, w, h = box
    low, high = bounds
    shown = DASH if value is None else percent(value) if panel.share else number(value)
    name = panel.row_labels.get(row, row)
    period = panel.column_labels.get(column, column)
    tip = f"{panel.title} · {name} · {period}: {value_name} {shown}"
    detail = panel.details.get((row, column))
    if detail:
        tip += f" ({detail})"
    if value is None:
        fill, dark, data = "#ffffff", False, ""
    else:
        fill, dark = _scale(value, low, high)
        data = f' data-value="{number(value)}"'
    klass = "cell missing" if value is None else "cell"
    text_class = "cell-label dark" if dark else "cell-label"
    return (
        f'<rect class="{klass}" x="{x}" y="{y}" width="{w - 2}" height="{h - 2}" fill="{fill}" '
        f'data-row="{_e(row)}" data-column="{_e(column)}"{data}><title>{_e(tip)}</title></rect>'
        + _text(x + (w - 2) / 2, y + (h - 2) / 2, shown, cls=text_class, anchor="middle")
    )


def _legend_words(*, shares: bool = False) -> tuple[str, str]:
    """The legend's ends: 0 % and 100 % for rates (one fixed scale), else each panel's own.

    (It said "highest, within each panel" over rates coloured 0 % red, 100 % green.)
    """
    if shares:
        return "0%", "100%"
    return _("lowest"), _("highest, within each panel")


def _legend_width(words: tuple[str, str]) -> int:
    low, high = words
    return 8 + text_width(low, _SMALL) + 6 + 5 * 18 + 6 + text_width(high, _SMALL)


def _legend_scale(y: int, words: tuple[str, str]) -> list[str]:
    low, high = words
    parts = [_text(8, y + 8, low, cls="legend")]
    x = 8 + text_width(low, _SMALL) + 6
    for step in range(5):
        colour, _dark = _scale(step, 0, 4)
        parts.append(
            f'<rect class="swatch" x="{x + step * 18}" y="{y}" width="16" height="16" '
            f'fill="{colour}"/>'
        )
    parts.append(_text(x + 5 * 18 + 6, y + 8, high, cls="legend"))
    return parts


def _swatches(x: int, y: int, entries: Sequence[tuple[str, str]]) -> list[str]:
    parts: list[str] = []
    for name, colour in entries:
        parts.append(
            f'<rect class="swatch" x="{x}" y="{y}" width="14" height="14" fill="{colour}"/>'
        )
        parts.append(_text(x + 20, y + 7, name, cls="legend"))
        x += 20 + text_width(name, _SMALL) + 18
    return parts


def stacked_bar_chart(
    label: str,
    bars: Sequence[tuple[str, Mapping[str, int]]],
    segments: Sequence[tuple[str, str]],
    colours: Mapping[str, str],
    *,
    chart_id: str | None = None,
) -> str:
    """Horizontal stacked bars on one scale, one per label, a segment per non-zero count.

    Args:
        label: what the chart shows.
        bars: per bar, its label and its counts by segment key.
        segments: the segment keys in stacking order, each with its legend text.
        colours: the fill of each segment key (others are grey).
        chart_id: the ``id`` of the ``<svg>``.
    """
    left = max([text_width(name, _AXIS) for name, _counts in bars] + [40]) + 16
    span = 520
    total = max([sum(counts.get(k, 0) for k, _t in segments) for _n, counts in bars] + [0])
    width = left + span + 60
    body = _swatches(left, 8, [(text, colours.get(key, _OTHER)) for key, text in segments])
    y = 36
    for name, counts in bars:
        body.append(_text(left - 8, y + 13, name, cls="axis", anchor="end"))
        x = float(left)
        whole = sum(counts.get(key, 0) for key, _t in segments)
        for key, text in segments:
            count = counts.get(key, 0)
            if not count:
                continue
            w = span * count / total
            body.append(
                f'<rect class="bar" x="{x:.1f}" y="{y}" width="{w:.1f}" height="26" '
                f'fill="{colours.get(key, _OTHER)}" data-bar="{_e(name)}" data-segment="{_e(key)}" '
                f'data-value="{count}"><title>{_e(f"{name} · {text}: {count}")}</title></rect>'
            )
            if w >= text_width(str(count), _SMALL) + 6:
                body.append(
                    _text(x + w / 2, y + 13, str(count), cls="bar-label dark", anchor="middle")
                )
            x += w
        body.append(_text(x + 6, y + 13, f"{whole}", cls="axis"))
        y += 36
    if not bars:
        body.append(_text(left, y + 13, _("Nothing to show."), cls="axis"))
        y += 36
    return _svg(width, y + 4, label, body, chart_id)


def bar_chart(
    label: str,
    items: Sequence[tuple[str, int, str]],
    colours: Mapping[str, str],
    *,
    chart_id: str | None = None,
    empty: str | None = None,
    legend: Mapping[str, str] | None = None,
) -> str:
    """Horizontal bars on one scale, coloured by group, with a legend of the groups.

    Args:
        label: what the chart shows.
        items: per bar, its label, its value and its group (a key of ``colours``).
        colours: the fill of each group, in legend order.
        chart_id: the ``id`` of the ``<svg>``.
        empty: the text shown when there are no bars (default: "Nothing to show.").
        legend: the legend text of each group (default: the group's key).
    """
    left = max([text_width(name, _AXIS) for name, _v, _g in items] + [40]) + 16
    span = 480
    top = max([value for _n, value, _g in items] + [0])
    width = left + span + 60
    names = legend or {}
    body = _swatches(left, 8, [(names.get(g, g), colour) for g, colour in colours.items()])
    y = 36
    for name, value, group in items:
        w = span * value / top if top else 0.0
        body.append(_text(left - 8, y + 11, name, cls="axis", anchor="end"))
        body.append(
            f'<rect class="bar" x="{left}" y="{y}" width="{w:.1f}" height="22" '
            f'fill="{colours.get(group, _OTHER)}" data-bar="{_e(name)}" data-group="{_e(group)}" '
            f'data-value="{value}"><title>{_e(f"{name}: {value}")}</title></rect>'
        )
        body.append(_text(left + w + 6, y + 11, str(value), cls="axis"))
        y += 30
    if not items:
        body.append(
            _text(left, y + 11, _("Nothing to show.") if empty is None else empty, cls="axis")
        )
        y += 30
    return _svg(width, y + 4, label, body, chart_id)
