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
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

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
    number,
    rate_text,
    topic_zh,
)
from grievance_rules.reports.tables import (
    Cell,
    Column,
    Table,
    comparison_tables,
    order_divergence_table,
    scorecard_tables,
)
from grievance_rules.scoring import RATES, Comparison, Rate, Scorecard

if TYPE_CHECKING:
    from grievance_rules.packs.diff import PackDiff

__all__ = ["comparison_html", "html_table", "scorecard_html"]

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
    if isinstance(value, float | int):
        return f'<td class="num" data-value="{number(value)}">{_e(number(value))}</td>'
    if not value:
        return f"<td>{DASH}</td>"
    cls = ' class="quote"' if "\n" in value or column.key in ("quote", "citations") else ""
    return f"<td{cls}>" + "<br>".join(_e(line) for line in value.split("\n")) + "</td>"


def html_table(table: Table, *, table_id: str | None = None) -> str:
    """A table as a sortable HTML ``<table>`` (a paragraph "None." when it has no rows)."""
    if not table.rows:
        return '<p class="empty">None.</p>'
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
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
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


def _panel(card: Scorecard, periods: tuple[str, ...]) -> HeatPanel:
    """A scorecard's scores as a heat map over the given periods."""
    values: dict[tuple[str, str], float | None] = {
        (row.unit, row.period): row.score for row in card.rows
    }
    return HeatPanel(card.pack, tuple(card.units()), periods, values)


def scorecard_html(card: Scorecard) -> str:
    """A scorecard as one self-contained HTML page.

    Shows the counts, a heat map of each unit's score by period, the scores with
    points, rank, orders and key rates (table ``#unit-scores``), every rate with
    its numerator and denominator, the period findings with their citations,
    what the rates count, and the rejected inputs.
    """
    _counts, units, findings, rates, rejections = scorecard_tables(card)
    title = f"Scorecard: {card.pack}, by {card.period_kind}"
    chart = heat_map(
        f"Score of each unit by {card.period_kind} under {card.pack}",
        [_panel(card, _periods([card]))],
        chart_id="chart-scores",
        value_name="score",
    )
    sections = [
        (
            "counts",
            "Counts",
            _figures(
                [
                    ("inputs", card.inputs),
                    ("assessed", card.assessed),
                    ("excluded from assessment", card.excluded),
                    ("rejected", card.rejected),
                    ("units", len(card.units())),
                    ("periods", len(card.periods())),
                ]
            )
            + f"<p>Inputs {card.inputs} = assessed {card.assessed} + excluded from assessment "
            f"{card.excluded} + rejected {card.rejected}.</p>",
        ),
        (
            "scores",
            "Scores by unit and period",
            _figure(
                chart,
                "Each cell is a unit's score in a period: red the lowest, green the highest.",
                "figure-scores",
            )
            + html_table(
                units.select(
                    "period",
                    "unit",
                    "unit_kind",
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
        ("rates", "Rates", html_table(units.select("period", "unit", *(r.name for r in RATES)))),
        (
            "findings",
            "Period findings",
            html_table(
                findings.select(
                    "period", "unit", "rule_id", "title", "action", "clause", "quote", "trace"
                )
            ),
        ),
        ("rate-definitions", "Rates: what they count", html_table(rates)),
        ("rejections", "Inputs rejected", html_table(rejections)),
    ]
    return _page(title, f"Assessed at: {as_of_text(card.as_of)}.", sections)


def _deadline_chart(cmp: Comparison) -> str:
    states = list(CLOCK_STATES) + sorted(
        {state for o in cmp.outcomes for state in o.clocks} - set(CLOCK_STATES)
    )
    return stacked_bar_chart(
        "Clocks by state under each pack",
        [(o.pack, o.clocks) for o in cmp.outcomes],
        [(state, state) for state in states],
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
        zh = topic_zh(topic)
        items.append((f"{kind} · {topic}" + (f" {zh}" if zh else ""), orders, kind))
    return bar_chart(
        "Orders on which the packs diverge, by kind of finding and topic",
        items,
        KIND_COLOURS,
        chart_id="chart-divergences",
        empty="The packs do not diverge on any order.",
    )


def _examples(cmp: Comparison) -> str:
    if not cmp.examples:
        return '<p class="empty">None.</p>'
    parts = [
        f"<p>The first {len(cmp.examples)} orders on which the packs diverge: each topic with "
        "every pack's outcome, the rules behind it and the clauses they cite.</p>"
    ]
    for example in cmp.examples:
        points = ", ".join(f"{pack} {number(example.points.get(pack))}" for pack in cmp.packs)
        parts.append(f"<h3>Order {_e(example.order_id)} <small>(points: {_e(points)})</small></h3>")
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
        Column("kind", "kind"),
        Column("topic", "topic"),
        *(Column(label, label) for label in labels),
        Column("status", "status"),
    )
    rows: list[tuple[Cell, ...]] = []
    for row in diff.rows:
        cells: list[Cell] = [row.kind, f"{row.topic.value} {row.topic_zh}"]
        for sides in row.sides:
            cells.append("\n".join(f"{side.rule_id}: {side.limit}" for side in sides) or None)
        status = row.status if row.status != "only" else f"only in {row.present_in[0]}"
        rows.append((*cells, status))
    summary = diff.summary
    intro = (
        f"<p>The packs' rules without any orders, matched by kind and topic: {summary.matched} "
        f"rows matched, {summary.differ} of them differ in limit, points or trigger.</p>"
    )
    return intro + html_table(Table("pack_diff", "Rules side by side", columns, tuple(rows)))


def comparison_html(cmp: Comparison, *, pack_diff: PackDiff | None = None) -> str:
    """A comparison of packs as one self-contained HTML page.

    Shows the counts; a heat map per pack of each unit's score by period and the
    scores side by side (table ``#unit-scores``); the clocks by state under each
    pack as stacked bars, with each pack's outcomes; the orders diverging by kind
    and topic as bars, with each pattern of divergence; the diverging orders with
    each side's rules and citations; the period findings; the rejected inputs.

    Args:
        cmp: the comparison.
        pack_diff: the static comparison of the same packs'
            rules (:func:`grievance_rules.packs.diff.diff_packs`), shown in a
            section of its own when given.
    """
    counts, outcomes, divergences, _examples_table, unit_scores, _cards, findings, rejections = (
        comparison_tables(cmp)
    )
    title = "Comparison: " + " · ".join(cmp.packs)
    scores = heat_map(
        "Score of each unit by period under each pack",
        [_panel(card, _periods(cmp.scorecards)) for card in cmp.scorecards],
        chart_id="chart-scores",
        value_name="score",
    )
    sections = [
        (
            "counts",
            "Counts",
            _figures(
                [
                    ("inputs", cmp.inputs),
                    ("assessed", cmp.assessed),
                    ("rejected", cmp.rejected),
                    ("orders on which the packs diverge", cmp.orders_diverging),
                    ("packs", len(cmp.packs)),
                ]
            )
            + "<p>Per pack: inputs = assessed + excluded from assessment + rejected.</p>"
            + html_table(counts),
        ),
        (
            "scores",
            "Scores by unit and period",
            _figure(
                scores,
                "One heat map per pack, each on its own scale: red the lowest score, "
                "green the highest.",
                "figure-scores",
            )
            + html_table(unit_scores, table_id="unit-scores"),
        ),
        (
            "deadlines",
            "Deadline outcomes by pack",
            _figure(
                _deadline_chart(cmp),
                "Every clock of the assessed orders by its state at the time of assessment.",
                "figure-deadlines",
            )
            + html_table(outcomes),
        ),
        (
            "divergences",
            "Where the packs diverge",
            _figure(
                _divergence_chart(cmp),
                "Orders on which the packs' outcomes differ, by kind of finding and topic.",
                "figure-divergences",
            )
            + "<p>Each row is one pattern of outcomes (— : the pack has no such finding), "
            "most frequent first.</p>" + html_table(divergences),
        ),
        ("examples", "Diverging orders", _examples(cmp)),
        (
            "findings",
            "Period findings",
            html_table(
                findings.select("pack", "period", "unit", "rule_id", "action", "clause", "quote")
            ),
        ),
    ]
    if pack_diff is not None:
        sections.append(("rules", "Rules side by side", _pack_diff(pack_diff)))
    sections.append(("rejections", "Inputs rejected", html_table(rejections)))
    return _page(title, f"Assessed at: {as_of_text(cmp.as_of)}.", sections)
