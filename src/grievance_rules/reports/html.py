"""Scorecards and comparisons as one self-contained HTML page, with charts.

The page needs nothing but itself: the stylesheet is inline, the charts are
inline SVG drawn in Python (:mod:`grievance_rules.reports.charts`), there is no
external font, image, stylesheet or script and no web address that loads
anything. A Content-Security-Policy in the page forbids loading anything at all
(``default-src 'none'``) and admits only the page's own stylesheet and script by
their SHA-256 hashes. The one small script makes the tables sortable by a click
on a heading; everything shown is in the HTML without it.

Text is escaped (:func:`html.escape`) wherever it comes from. Chinese text uses
the system's CJK fonts (Noto Sans CJK SC, Source Han Sans, PingFang, Microsoft
YaHei ...). The same input gives the same bytes: the page has no time stamp but
the ``as_of`` of the assessment.

Example:
    >>> from importlib.resources import files
    >>> from grievance_rules.reading import read_orders
    >>> from grievance_rules.scoring import score
    >>> card = score(read_orders(files("grievance_rules") / "samples" / "orders.jsonl").orders,
    ...              "chengdong")
    >>> page = scorecard_html(card)
    >>> page.startswith("<!DOCTYPE html>"), "<title>Scorecard: chengdong@2024" in page
    (True, True)
    >>> "<title>考核计分表：chengdong@2024" in scorecard_html(card, lang="zh")
    True
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import html
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from grievance_rules.i18n import current_language, join_list
from grievance_rules.i18n import gettext as _
from grievance_rules.reports.charts import (
    CLOCK_COLOURS,
    KIND_COLOURS,
    HeatPanel,
    bar_chart,
    heat_map,
    stacked_bar_chart,
)
from grievance_rules.reports.formatting import (
    CLOCK_STATES,
    DASH,
    KEY_RATES,
    as_of_text,
    diff_status_label,
    in_language,
    kind_of_finding_label,
    number,
    percent,
    period_kind_label,
    period_text,
    quoted,
    rate_label,
    rate_text,
    sets_no_points,
    state_label,
    topic_label,
    unit_with_name,
)
from grievance_rules.reports.markdown import (
    comparison_counts_sentence,
    examples_intro,
    order_heading,
    scorecard_counts_sentence,
)
from grievance_rules.reports.tables import (
    Cell,
    Column,
    Share,
    Table,
    comparison_counts,
    comparison_tables,
    order_divergence_table,
    scorecard_tables,
    unit_names,
)
from grievance_rules.scoring import RATES, Comparison, Rate, Scorecard

if TYPE_CHECKING:
    from grievance_rules.packs.diff import PackDiff

_CODES = ("kind", "topic", "topic_zh", "unit", "unit_kind")
"""Columns of codes that CSV carries and people's tables leave out (they show the names)."""

__all__ = [
    "PANEL_RATES",
    "comparison_html",
    "html_table",
    "scorecard_html",
    "sets_no_points",
]

FONT_STACK = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", '
    '"Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", system-ui, sans-serif'
)

_STYLE = """
:root { color-scheme: light; }
body { font-family: FONTS; color: #1f2328; background: #fff; margin: 0 auto;
  max-width: 1280px; padding: 1rem 1.5rem 3rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: .5rem 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; padding-top: .5rem;
  border-top: 1px solid #d0d7de; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .25rem; }
p.meta { color: #59636e; margin: 0 0 1rem; }
nav ul { list-style: none; padding: 0; margin: .5rem 0 1rem; display: flex; flex-wrap: wrap;
  gap: .25rem 1rem; }
nav a { color: #0969da; text-decoration: none; }
.figures { display: flex; flex-wrap: wrap; gap: .75rem; margin: .5rem 0 1rem; padding: 0; }
.figures li { list-style: none; border: 1px solid #d0d7de; border-radius: 6px;
  padding: .5rem .9rem; min-width: 7rem; }
.figures b { display: block; font-size: 1.5rem; }
.figures span { color: #59636e; font-size: .85rem; }
.wrap { overflow: auto; max-height: 36rem; margin: .5rem 0 1.25rem; }
table { border-collapse: separate; border-spacing: 0; font-size: .85rem; }
th, td { border-right: 1px solid #d0d7de; border-bottom: 1px solid #d0d7de;
  padding: .25rem .5rem; text-align: left; vertical-align: top; }
tr > :first-child { border-left: 1px solid #d0d7de; }
thead th { border-top: 1px solid #d0d7de; position: sticky; top: 0; z-index: 1; }
th { background: #f6f8fa; font-weight: 600; cursor: pointer; white-space: nowrap; }
th[aria-sort="ascending"]::after { content: " ▲"; }
th[aria-sort="descending"]::after { content: " ▼"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.quote { min-width: 16rem; }
tbody tr:nth-child(even) { background: #fafbfc; }
figure { margin: .75rem 0 1rem; }
figcaption { color: #59636e; font-size: .85rem; margin-top: .25rem; }
svg.chart { max-width: 100%; height: auto; display: block; }
svg text { font-family: inherit; font-size: 13px; fill: #1f2328; }
svg text.axis { font-size: 12px; }
svg text.legend, svg text.bar-label { font-size: 11px; }
svg text.cell-label { font-size: 12px; }
svg text.panel-title { font-weight: 600; }
svg text.dark { fill: #fff; }
svg rect.cell.missing { stroke: #d0d7de; stroke-dasharray: 3 2; }
@media print { th { cursor: auto; } nav { display: none; }
  .wrap { max-height: none; overflow: visible; } }
""".replace("FONTS", FONT_STACK).strip()

_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  var heads = table.querySelectorAll("thead th");
  heads.forEach(function (th, column) {
    th.tabIndex = 0;
    function key(row) {
      var cell = row.cells[column];
      var value = cell.getAttribute("data-value");
      return value === null ? cell.textContent : parseFloat(value);
    }
    function sort() {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var order = typeof x === "number" && typeof y === "number"
          ? x - y : String(x).localeCompare(String(y), "zh-CN");
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { sort(); }
    });
  });
});
""".strip()


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


_CSP = (
    f"default-src 'none'; style-src '{_sha256(_STYLE)}'; script-src '{_sha256(_SCRIPT)}'; "
    "base-uri 'none'; form-action 'none'"
)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _slug(text: str) -> str:
    return "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in text).strip("-")


def _td(column: Column, value: Cell) -> str:
    if isinstance(value, Rate):
        data = "" if value.value is None else f' data-value="{number(value.value)}"'
        return f'<td class="num"{data}>{_e(rate_text(value))}</td>'
    if value is None:
        return f'<td class="num">{DASH}</td>' if column.rate else f"<td>{DASH}</td>"
    if isinstance(value, Share):
        return f'<td class="num" data-value="{number(value)}">{_e(percent(value))}</td>'
    if isinstance(value, float | int):
        return f'<td class="num" data-value="{number(value)}">{_e(number(value))}</td>'
    if not value:
        return f"<td>{DASH}</td>"
    if column.key == "quote":
        value = quoted(value)
    cls = ' class="quote"' if "\n" in value or column.key in ("quote", "citations") else ""
    return f"<td{cls}>" + "<br>".join(_e(line) for line in value.split("\n")) + "</td>"


def html_table(table: Table, *, table_id: str | None = None) -> str:
    """A table as a sortable HTML ``<table>`` (a paragraph "None." when it has no rows)."""
    if not table.rows:
        return f'<p class="empty">{_e(_("None."))}</p>'
    ident = _e(table_id or f"table-{table.name}")
    head = "".join(f'<th scope="col">{_e(column.label)}</th>' for column in table.columns)
    rows = "".join(
        "<tr>" + "".join(_td(c, v) for c, v in zip(table.columns, row, strict=True)) + "</tr>"
        for row in table.rows
    )
    return (
        f'<div class="wrap"><table id="{ident}" class="sortable">'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
    )


def _figures(entries: Iterable[tuple[str, object]]) -> str:
    items = "".join(
        f"<li><b>{_e(value)}</b><span>{_e(name)}</span></li>" for name, value in entries
    )
    return f'<ul class="figures">{items}</ul>'


def _figure(svg: str, caption: str, figure_id: str) -> str:
    return f'<figure id="{_e(figure_id)}">{svg}<figcaption>{_e(caption)}</figcaption></figure>'


def _page(title: str, subtitle: str, sections: Sequence[tuple[str, str, str]]) -> str:
    nav = "".join(
        f'<li><a href="#{_e(ident)}">{_e(heading)}</a></li>' for ident, heading, _ in sections
    )
    body = "".join(
        f'<section id="{_e(ident)}"><h2>{_e(heading)}</h2>{content}</section>'
        for ident, heading, content in sections
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if current_language() == "zh" else "en"}">\n'
        '<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_CSP)}">\n'
        '<meta name="generator" content="grievance-rules">\n'
        f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f'<header><h1>{_e(title)}</h1><p class="meta">{_e(subtitle)}</p></header>\n'
        f"<nav><ul>{nav}</ul></nav>\n<main>{body}</main>\n"
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )


def _periods(cards: Iterable[Scorecard]) -> tuple[str, ...]:
    """Every period of the scorecards, in time order."""
    starts: dict[str, dt.date] = {}
    for card in cards:
        for row in card.rows:
            starts.setdefault(row.period, row.period_start)
    return tuple(sorted(starts, key=starts.__getitem__))


PANEL_RATES: tuple[str, ...] = (
    "on_time_sign_off",
    "first_contact",
    "completion",
    "on_time_completion",
    "resolution",
    "satisfaction",
)
"""The rates a pack without points is shown by, each that has a value for some unit."""


def _row_labels(card: Scorecard, names: dict[str, str]) -> dict[str, str]:
    """Each unit's label in a chart: its name, or its id and name when the name is not unique.

    Id then name (``c07 东风社区``), as the tables for people write a unit
    (:func:`~grievance_rules.reports.formatting.unit_with_name`).
    """
    units = card.units()
    counts = Counter(names.get(unit) or unit for unit in units)
    return {
        unit: (names.get(unit) or unit)
        if counts[names.get(unit) or unit] == 1
        else unit_with_name(unit, names)
        for unit in units
    }


def _panels(card: Scorecard, periods: tuple[str, ...], names: dict[str, str]) -> list[HeatPanel]:
    """A scorecard as heat maps over the given periods.

    Its scores; or, when the pack set no points, one panel per rate that has a
    value (and the pack's composite, if any).
    """
    panels = _panels_of(card, periods, names)
    columns = {period: period_text(period) for period in periods}
    return [dataclasses.replace(panel, column_labels=columns) for panel in panels]


def _panels_of(card: Scorecard, periods: tuple[str, ...], names: dict[str, str]) -> list[HeatPanel]:
    labels = _row_labels(card, names)
    units = tuple(card.units())
    if not sets_no_points(card):
        values: dict[tuple[str, str], float | None] = {
            (row.unit, row.period): row.score for row in card.rows
        }
        return [HeatPanel(card.pack, units, periods, values, labels, value_name=_("score"))]
    note = _("no points under this pack: its rates are shown instead of its scores")
    panels = []
    for name in PANEL_RATES:
        rates = {(row.unit, row.period): row.rates[name].value for row in card.rows}
        if all(value is None for value in rates.values()):
            continue
        title = f"{card.pack} · {rate_label(name)}"
        counts = {
            (row.unit, row.period): f"{row.rates[name].numerator:g}/{row.rates[name].denominator}"
            for row in card.rows
        }
        panels.append(
            HeatPanel(
                title, units, periods, rates, labels, True, note, rate_label(name), details=counts
            )
        )
        note = ""
    composite = {(row.unit, row.period): row.composite for row in card.rows}
    if any(value is not None for value in composite.values()):
        label = _("composite (pack weights)")
        panels.append(
            HeatPanel(
                f"{card.pack} · {label}", units, periods, composite, labels, True, note, label
            )
        )
    if not panels:  # nothing measured at all: the (flat) scores, said to be so
        values = {(row.unit, row.period): row.score for row in card.rows}
        note = _("no points and no rate with a value under this pack")
        panels.append(HeatPanel(card.pack, units, periods, values, labels, False, note, _("score")))
    return panels


def _heat_caption(cards: Sequence[Scorecard]) -> str:
    text = _(
        "Each cell is a unit's score in a period, each panel on its own scale: red the lowest, "
        "green the highest."
    )
    rated = [card.pack for card in cards if sets_no_points(card)]
    if rated:
        text += " " + _(
            "{packs}: no unit got a point under this pack, so its panels show its rates "
            "instead (a share of the unit's orders: red 0 %, green 100 %)."
        ).format(packs=join_list(rated))
    return text


def scorecard_html(card: Scorecard, *, lang: str | None = None) -> str:
    """A scorecard as one self-contained HTML page, in the current language or ``lang``.

    Shows the counts, a heat map of each unit's score by period (of its rates,
    when the pack set no points), the scores with points, rank, orders and key
    rates (table ``#unit-scores``), every rate with its numerator and
    denominator, the period findings with their citations, what the rates
    count, and the rejected inputs. Units are shown by name and kind.
    """
    with in_language(lang):
        return _scorecard_html(card)


def _scorecard_html(card: Scorecard) -> str:
    _counts, units, findings, rates, rejections = scorecard_tables(card)
    period = period_kind_label(card.period_kind)
    title = _("Scorecard: {pack}, by {period}").format(pack=card.pack, period=period)
    chart = heat_map(
        _("Score of each unit by {period} under {pack}").format(period=period, pack=card.pack),
        _panels(card, _periods([card]), card.unit_names),
        chart_id="chart-scores",
        value_name=_("score"),
    )
    sections = [
        (
            "counts",
            _("Counts"),
            _figures(
                [
                    (_("inputs"), card.inputs),
                    (_("assessed"), card.assessed),
                    (_("assessed, in no unit's row"), card.unattributed.orders),
                    (_("excluded from assessment"), card.excluded),
                    (_("rejected"), card.rejected),
                    (_("units"), len(card.units())),
                    (_("periods"), len(card.periods())),
                ]
            )
            + "<p>"
            + _e(scorecard_counts_sentence(card))
            + "</p>",
        ),
        (
            "scores",
            _("Scores by unit and period"),
            _figure(chart, _heat_caption([card]), "figure-scores")
            + html_table(
                units.select(
                    "period",
                    "unit_name",
                    "kind_name",
                    "orders",
                    "excluded",
                    "points",
                    "score",
                    "rank",
                    *KEY_RATES,
                ),
                table_id="unit-scores",
            ),
        ),
        (
            "rates",
            _("Rates"),
            html_table(units.select("period", "unit_name", *(r.name for r in RATES))),
        ),
        (
            "findings",
            _("Period findings"),
            html_table(
                findings.select(
                    "period", "unit_name", "rule_id", "title", "action", "clause", "quote", "trace"
                )
            ),
        ),
        (
            "rate-definitions",
            _("Rates: what they count"),
            html_table(rates.select("zh", "numerator", "denominator")),
        ),
        ("rejections", _("Inputs rejected"), html_table(rejections)),
    ]
    subtitle = _("Assessed at: {as_of}.").format(as_of=as_of_text(card.as_of))
    return _page(title, subtitle, sections)


def _deadline_chart(cmp: Comparison) -> str:
    states = list(CLOCK_STATES) + sorted(
        {state for o in cmp.outcomes for state in o.clocks} - set(CLOCK_STATES)
    )
    return stacked_bar_chart(
        _("Time limits by state under each pack"),
        [(o.pack, o.clocks) for o in cmp.outcomes],
        [(state, state_label(state)) for state in states],
        CLOCK_COLOURS,
        chart_id="chart-deadlines",
    )


def _divergence_topics(cmp: Comparison) -> list[tuple[str, str, int]]:
    """Orders diverging per kind and topic, most first: ``(kind, topic, orders)``."""
    totals: Counter[tuple[str, str]] = Counter()
    for count in cmp.divergences:
        totals[(count.kind, count.topic)] += count.orders
    return [
        (kind, topic, n) for (kind, topic), n in sorted(totals.items(), key=lambda i: (-i[1], i[0]))
    ]


def _divergence_chart(cmp: Comparison) -> str:
    items = []
    for kind, topic, orders in _divergence_topics(cmp):
        items.append((f"{kind_of_finding_label(kind)} · {topic_label(topic)}", orders, kind))
    return bar_chart(
        _("Orders on which the packs diverge, by kind of finding and topic"),
        items,
        KIND_COLOURS,
        chart_id="chart-divergences",
        empty=_("The packs do not diverge on any order."),
        legend={kind: kind_of_finding_label(kind) for kind in KIND_COLOURS},
    )


def _examples(cmp: Comparison) -> str:
    if not cmp.examples:
        return f'<p class="empty">{_e(_("None."))}</p>'
    parts = [f"<p>{_e(examples_intro(len(cmp.examples)))}</p>"]
    for example in cmp.examples:
        points = join_list(f"{pack} {number(example.points.get(pack))}" for pack in cmp.packs)
        parts.append(f"<h3>{_e(order_heading(example.order_id, points))}</h3>")
        parts.append(
            html_table(
                order_divergence_table(cmp, example),
                table_id=f"order-{_slug(example.order_id)}",
            )
        )
    return "".join(parts)


def _pack_diff(diff: PackDiff) -> str:
    labels = [column.label for column in diff.packs]
    columns = (
        Column("kind", _("kind of finding")),
        Column("topic", _("topic")),
        *(Column(label, label) for label in labels),
        Column("status", _("status")),
    )
    rows: list[tuple[Cell, ...]] = []
    for row in diff.rows:
        cells: list[Cell] = [kind_of_finding_label(row.kind), topic_label(row.topic.value)]
        for sides in row.sides:
            # (the limit as the language says it: "1个工作日", not "1 working day")
            cells.append(
                "\n".join(f"{side.rule_id}: {side.shown('limit')}" for side in sides) or None
            )
        if row.status == "only":
            status = _("only in {pack}").format(pack=row.present_in[0])
        else:
            status = diff_status_label(row.status)
        rows.append((*cells, status))
    summary = diff.summary
    intro = _(
        "The packs' rules without any orders, matched by kind and topic: {matched} rows "
        "matched, {differ} of them differ in limit, points or trigger."
    ).format(matched=summary.matched, differ=summary.differ)
    title = _("Rules side by side")
    return f"<p>{_e(intro)}</p>" + html_table(Table("pack_diff", title, columns, tuple(rows)))


def comparison_html(
    cmp: Comparison, *, pack_diff: PackDiff | None = None, lang: str | None = None
) -> str:
    """A comparison of packs as one self-contained HTML page, in the current language or ``lang``.

    Shows the counts; a heat map per pack of each unit's score by period (of its
    rates, for a pack that set no points) and the scores side by side (table
    ``#unit-scores``); the clocks by state under each pack as stacked bars, with
    each pack's outcomes; the orders diverging by kind and topic as bars, with
    each pattern of divergence; the diverging orders with each side's rules and
    citations; the period findings; the rejected inputs.

    Args:
        cmp: the comparison.
        pack_diff: the static comparison of the same packs'
            rules (:func:`grievance_rules.packs.diff.diff_packs`), shown in a
            section of its own when given.
        lang: ``zh`` or ``en`` (default: the current language).
    """
    with in_language(lang):
        return _comparison_html(cmp, pack_diff)


def _comparison_html(cmp: Comparison, pack_diff: PackDiff | None) -> str:
    counts, outcomes, divergences, _examples_table, unit_scores, _cards, findings, rejections = (
        comparison_tables(cmp)
    )
    names = unit_names(cmp.scorecards)
    periods = _periods(cmp.scorecards)
    counts_of = comparison_counts(cmp)  # as the counts sentence and each scorecard count
    title = _("Comparison: {packs}").format(packs=" · ".join(cmp.packs))
    scores = heat_map(
        _("Score of each unit by period under each pack"),
        [panel for card in cmp.scorecards for panel in _panels(card, periods, names)],
        chart_id="chart-scores",
        value_name=_("score"),
    )
    sections = [
        (
            "counts",
            _("Counts"),
            _figures(
                [
                    (_("inputs"), counts_of.inputs),
                    (_("assessed"), counts_of.assessed),
                    (_("excluded from assessment"), counts_of.excluded),
                    (_("rejected"), counts_of.rejected),
                    (_("orders on which the packs diverge"), cmp.orders_diverging),
                    (_("packs"), len(cmp.packs)),
                ]
            )
            + f"<p>{_e(comparison_counts_sentence(cmp))} "
            + _e(_("Per pack: inputs = assessed + excluded from assessment + rejected."))
            + "</p>"
            + html_table(counts),
        ),
        (
            "scores",
            _("Scores by unit and period"),
            _figure(scores, _heat_caption(cmp.scorecards), "figure-scores")
            + html_table(
                unit_scores.select(*(c.key for c in unit_scores.columns if c.key not in _CODES)),
                table_id="unit-scores",
            ),
        ),
        (
            "deadlines",
            _("Deadline outcomes by pack"),
            _figure(
                _deadline_chart(cmp),
                _(
                    "Every time limit of the assessed orders by its state at the time of "
                    "assessment."
                ),
                "figure-deadlines",
            )
            + html_table(outcomes),
        ),
        (
            "divergences",
            _("Where the packs diverge"),
            _figure(
                _divergence_chart(cmp),
                _("Orders on which the packs' outcomes differ, by kind of finding and topic."),
                "figure-divergences",
            )
            + "<p>"
            + _e(
                _(
                    "Each row is one pattern of outcomes (— : the pack has no such finding), "
                    "most frequent first."
                )
            )
            + "</p>"
            + html_table(
                divergences.select(*(c.key for c in divergences.columns if c.key not in _CODES))
            ),
        ),
        ("examples", _("Diverging orders"), _examples(cmp)),
        (
            "findings",
            _("Period findings"),
            html_table(
                findings.select(
                    "pack", "period", "unit_name", "rule_id", "action", "clause", "quote"
                )
            ),
        ),
    ]
    if pack_diff is not None:
        sections.append(("rules", _("Rules side by side"), _pack_diff(pack_diff)))
    sections.append(("rejections", _("Inputs rejected"), html_table(rejections)))
    subtitle = _("Assessed at: {as_of}.").format(as_of=as_of_text(cmp.as_of))
    return _page(title, subtitle, sections)
