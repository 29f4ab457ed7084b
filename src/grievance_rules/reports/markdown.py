"""Scorecards and comparisons as Markdown: headings, counts and GitHub-style tables.

Every value comes from :mod:`grievance_rules.reports.tables`; a cell's text is
escaped so that nothing in the data (a ``|``, a ``<script>``, a newline) can
break the table or turn into markup where the Markdown is rendered.

Example:
    >>> from importlib.resources import files
    >>> from grievance_rules.reading import read_orders
    >>> from grievance_rules.scoring import score
    >>> card = score(read_orders(files("grievance_rules") / "samples" / "orders.jsonl").orders,
    ...              "chengdong")
    >>> text = scorecard_markdown(card)
    >>> text.splitlines()[0]
    '# Scorecard: chengdong@2024, by month'
    >>> "| 2026-02 | c07 |" in text
    True
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from grievance_rules.reports.formatting import (
    DASH,
    KEY_RATES,
    as_of_text,
    number,
    rate_text,
)
from grievance_rules.reports.tables import (
    Cell,
    Table,
    comparison_tables,
    order_divergence_table,
    score_matrix,
    scorecard_tables,
)
from grievance_rules.scoring import RATES, Comparison, Rate, Scorecard

__all__ = ["comparison_markdown", "escape", "markdown_table", "scorecard_markdown"]

_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
_SPECIAL = re.compile(r"([\\`*\[\]<>|])")


def escape(text: str) -> str:
    r"""Text made safe for a Markdown table cell or line.

    The characters that would end a cell or start markup (``\ ` * [ ] < > |``) are
    backslash-escaped and line breaks become spaces.

    Example:
        >>> escape("a|b <script>")
        'a\\|b \\<script\\>'
    """
    flat = _BREAKS.sub(" ", text).strip()
    return _SPECIAL.sub(r"\\\1", flat)


def _cell(value: Cell) -> str:
    if value is None:
        return DASH
    if isinstance(value, Rate):
        return rate_text(value)
    if isinstance(value, float | int):
        return number(value)
    if not value:
        return DASH
    return "<br>".join(escape(line) for line in value.split("\n"))


def markdown_table(table: Table) -> list[str]:
    """A table's lines; a table without rows is the line ``None.``."""
    if not table.rows:
        return ["None."]
    lines = [
        "| " + " | ".join(escape(column.label) for column in table.columns) + " |",
        "|" + "---|" * len(table.columns),
    ]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in table.rows]
    return lines


def _section(title: str, body: Iterable[str]) -> list[str]:
    return ["", f"## {escape(title)}", "", *body]


def _rate_definitions(table: Table) -> list[str]:
    return [
        "Each rate is a share of a unit's assessed orders received in the period "
        "(numerator/denominator); — where the denominator is 0.",
        "",
        *markdown_table(table),
    ]


def scorecard_markdown(card: Scorecard) -> str:
    """A scorecard as Markdown.

    Sections: the counts (inputs = assessed + excluded + rejected), the score of
    each unit by period (a matrix), the scores with points, rank, orders and key
    rates, every rate with its numerator and denominator, the period findings
    with the clause each cites, what the rates count, and the rejected inputs.
    """
    _counts, units, findings, rates, rejections = scorecard_tables(card)
    out = [
        f"# Scorecard: {escape(card.pack)}, by {escape(card.period_kind)}",
        "",
        f"Assessed at: {escape(as_of_text(card.as_of))}.",
    ]
    out += _section(
        "Counts",
        [
            f"Inputs {card.inputs} = assessed {card.assessed} + excluded from assessment "
            f"{card.excluded} + rejected {card.rejected}.",
        ],
    )
    out += _section("Score by unit and period", markdown_table(score_matrix(card)))
    out += _section(
        "Scores, ranks and key rates",
        markdown_table(
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
            )
        ),
    )
    out += _section(
        "Rates",
        markdown_table(units.select("period", "unit", *(r.name for r in RATES))),
    )
    out += _section(
        "Period findings",
        markdown_table(
            findings.select("period", "unit", "rule_id", "title", "action", "clause", "quote")
        ),
    )
    out += _section("Rates: what they count", _rate_definitions(rates))
    out += _section("Inputs rejected", markdown_table(rejections))
    return "\n".join(out) + "\n"


def _examples(cmp: Comparison) -> list[str]:
    if not cmp.examples:
        return ["None."]
    out = [
        f"The first {len(cmp.examples)} orders on which the packs diverge: each topic with "
        "every pack's outcome, the rules behind it and the clauses they cite.",
    ]
    for example in cmp.examples:
        points = ", ".join(
            f"{escape(pack)} {number(example.points.get(pack))}" for pack in cmp.packs
        )
        out += ["", f"### Order {escape(example.order_id)} (points: {points})", ""]
        out += markdown_table(order_divergence_table(cmp, example))
    return out


def comparison_markdown(cmp: Comparison) -> str:
    """A comparison of packs as Markdown.

    Sections: the counts per pack, each pack's outcomes (clocks and windows by
    state, deductions, points, escalations), the patterns of divergence (kind,
    topic, each pack's outcome, how many orders, example ids), the diverging
    orders with each side's rules and citations, each unit's score under each
    pack, each pack's period findings, and the rejected inputs.
    """
    counts, outcomes, divergences, _examples_table, unit_scores, _cards, findings, rejections = (
        comparison_tables(cmp)
    )
    out = [
        "# Comparison: " + " · ".join(escape(pack) for pack in cmp.packs),
        "",
        f"Assessed at: {escape(as_of_text(cmp.as_of))}.",
    ]
    out += _section(
        "Counts",
        [
            f"Inputs {cmp.inputs} = assessed {cmp.assessed} + rejected {cmp.rejected}; "
            f"the packs diverge on {cmp.orders_diverging} of the {cmp.assessed} assessed orders.",
            "",
            *markdown_table(counts),
        ],
    )
    out += _section("Outcomes by pack", markdown_table(outcomes))
    out += _section(
        "Where the packs diverge",
        [
            "Findings are matched by kind and topic; each row is one pattern of outcomes "
            "(— : the pack has no such finding), most frequent first.",
            "",
            *markdown_table(divergences),
        ],
    )
    out += _section("Diverging orders", _examples(cmp))
    out += _section("Unit scores under each pack", markdown_table(unit_scores))
    out += _section(
        "Period findings",
        markdown_table(
            findings.select("pack", "period", "unit", "rule_id", "action", "clause", "quote")
        ),
    )
    out += _section("Inputs rejected", markdown_table(rejections))
    return "\n".join(out) + "\n"
