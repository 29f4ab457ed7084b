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
    >>> "| 2026-02 | 东风社区 | village (community) |" in text
    True
    >>> scorecard_markdown(card, lang="zh").splitlines()[0]
    '# 考核计分表：chengdong@2024，按月'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from grievance_rules.i18n import current_language, join_list, ngettext
from grievance_rules.i18n import gettext as _
from grievance_rules.packs.pack import base_key
from grievance_rules.reports.formatting import (
    DASH,
    KEY_RATES,
    as_of_text,
    in_language,
    number,
    percent,
    period_kind_label,
    quoted,
    rate_text,
    sets_no_points,
    unattributed_reason_label,
)
from grievance_rules.reports.tables import (
    Cell,
    Share,
    Table,
    comparison_counts,
    comparison_tables,
    composite_table,
    order_divergence_table,
    rate_change_table,
    score_matrix,
    scorecard_tables,
)
from grievance_rules.scoring import RATES, Comparison, Rate, Scorecard, Unattributed

_CODES = ("kind", "topic", "topic_zh", "unit", "unit_kind")
"""Columns of codes that CSV carries and people's tables leave out (they show the names)."""

__all__ = [
    "comparison_counts_sentence",
    "comparison_markdown",
    "counts_sentence",
    "escape",
    "examples_intro",
    "markdown_table",
    "order_heading",
    "scorecard_counts_sentence",
    "scorecard_markdown",
    "unattributed_sentence",
]

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
    if isinstance(value, Share):
        return percent(value)
    if isinstance(value, float | int):
        return number(value)
    if not value:
        return DASH
    return "<br>".join(escape(line) for line in value.split("\n"))


def markdown_table(table: Table) -> list[str]:
    """A table's lines; a table without rows is the line ``None.`` (``无。``)."""
    if not table.rows:
        return [_("None.")]
    lines = [
        "| " + " | ".join(escape(column.label) for column in table.columns) + " |",
        "|" + "---|" * len(table.columns),
    ]
    lines += [
        "| "
        + " | ".join(
            _cell(quoted(value) if column.key == "quote" else value)
            for column, value in zip(table.columns, row, strict=True)
        )
        + " |"
        for row in table.rows
    ]
    return lines


def _section(title: str, body: Iterable[str]) -> list[str]:
    return ["", f"## {escape(title)}", "", *body]


def _rate_definitions(table: Table) -> list[str]:
    return [
        _(
            "Each rate is a share of a unit's assessed orders received in the period "
            "(numerator/denominator); — where the denominator is 0."
        ),
        "",
        *markdown_table(table),
    ]


def scorecard_markdown(card: Scorecard, *, lang: str | None = None) -> str:
    """A scorecard as Markdown, in the current language or ``lang`` (``zh``, ``en``).

    Sections: the counts (inputs = assessed + excluded + rejected), the score of
    each unit by period (a matrix), the scores with points, rank, orders and key
    rates, every rate with its numerator and denominator, the period findings
    with the clause each cites, what the rates count, and the rejected inputs.
    Units are named by name and kind, as the orders give them.
    """
    with in_language(lang):
        return _scorecard_markdown(card)


def scorecard_counts_sentence(card: Scorecard) -> str:
    """A scorecard's counts (:func:`counts_sentence`), the orders in no unit's row too."""
    return counts_sentence(
        card.inputs, card.assessed, card.excluded, card.rejected, unattributed=card.unattributed
    )


def counts_sentence(
    inputs: int,
    assessed: int,
    excluded: int,
    rejected: int,
    *,
    unattributed: Unattributed | None = None,
) -> str:
    """``Inputs 3 = assessed 2 + excluded from assessment 0 + rejected 1.``, translated.

    With ``unattributed`` (a scorecard's), followed by :func:`unattributed_sentence`.
    """
    text = _(
        "Inputs {inputs} = assessed {assessed} + excluded from assessment {excluded} "
        "+ rejected {rejected}."
    ).format(inputs=inputs, assessed=assessed, excluded=excluded, rejected=rejected)
    more = "" if unattributed is None else unattributed_sentence(unattributed)
    if not more:
        return text
    return text + ("" if current_language() == "zh" else " ") + more


def unattributed_sentence(unattributed: Unattributed) -> str:
    """How many orders count for no unit and why, translated; ``""`` when none.

    ``Of the assessed, 184 count for no unit (answered online by the operator 119,
    transferred out 37, not accepted 28).`` (已测评的工单中，184 件不计入任何单位（话务员
    在线答复 119 件、在线转接 37 件、不予受理 28 件）。): the reasons with a count, in the
    order of :data:`~grievance_rules.scoring.UNATTRIBUTED_REASONS`; then those excluded
    from assessment, if any.

    Example:
        >>> from grievance_rules.scoring import Unattributed
        >>> found = Unattributed(orders=2, reasons={"answered_online": 1,
        ...     "handled_by_centre": 1})
        >>> unattributed_sentence(found)
        'Of the assessed, 2 count for no unit (answered online by the operator 1, handled by a centre 1).'
        >>> from grievance_rules.i18n import language
        >>> with language("zh"):
        ...     unattributed_sentence(found)
        '已测评的工单中，2 件不计入任何单位（话务员在线答复 1 件、中心自行办理 1 件）。'
    """  # noqa: E501
    sentences = []
    if unattributed.orders:
        reasons = join_list(
            _("{reason} {count}").format(reason=unattributed_reason_label(reason), count=count)
            for reason, count in unattributed.reasons.items()
            if count
        )
        sentences.append(
            ngettext(
                "Of the assessed, {count} counts for no unit ({reasons}).",
                "Of the assessed, {count} count for no unit ({reasons}).",
                unattributed.orders,
            ).format(count=unattributed.orders, reasons=reasons)
        )
    if unattributed.excluded:
        sentences.append(
            ngettext(
                "Of those excluded from assessment, {count} counts for no unit.",
                "Of those excluded from assessment, {count} count for no unit.",
                unattributed.excluded,
            ).format(count=unattributed.excluded)
        )
    return ("" if current_language() == "zh" else " ").join(sentences)


def _scorecard_markdown(card: Scorecard) -> str:
    _counts, units, findings, rates, rejections = scorecard_tables(card)
    title = _("Scorecard: {pack}, by {period}").format(
        pack=card.pack, period=period_kind_label(card.period_kind)
    )
    out = [
        f"# {escape(title)}",
        "",
        escape(_("Assessed at: {as_of}.").format(as_of=as_of_text(card.as_of))),
    ]
    out += _section(
        _("Counts"),
        [escape(scorecard_counts_sentence(card))],
    )
    matrix = score_matrix(card)
    out += _section(
        _("Score by unit and period"),
        markdown_table(
            matrix.select("unit_name", "kind_name", *(c.key for c in matrix.columns[4:]))
        ),
    )
    out += _section(
        _("Scores, ranks and key rates"),
        markdown_table(
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
                # the pack's own weighting of its rates (daye (十五)), where it has one
                *(["composite"] if any(r.composite is not None for r in card.rows) else []),
            )
        ),
    )
    out += _section(
        _("Rates"),
        markdown_table(units.select("period", "unit_name", *(r.name for r in RATES))),
    )
    out += _section(
        _("Period findings"),
        markdown_table(
            findings.select(
                "period",
                "unit_name",
                "rule_id",
                "title",
                "action",
                "source",
                "clause",
                "quote",
                "trace",
            )
        ),
    )
    out += _section(
        _("Rates: what they count"),
        _rate_definitions(rates.select("zh", "numerator", "denominator")),
    )
    out += _section(_("Inputs rejected"), markdown_table(rejections))
    return "\n".join(out) + "\n"


def examples_intro(count: int) -> str:
    """The sentence above the diverging orders, translated."""
    return ngettext(
        "The first {count} order on which the packs diverge: each topic with every pack's "
        "outcome, the rules behind it and the clauses they cite.",
        "The first {count} orders on which the packs diverge: each topic with every pack's "
        "outcome, the rules behind it and the clauses they cite.",
        count,
    ).format(count=count)


def order_heading(order_id: str, points: str) -> str:
    """``Order S-0002 (points: chengdong@2024 -1, ...)``, translated."""
    return _("Order {order_id} (points: {points})").format(order_id=order_id, points=points)


def _examples(cmp: Comparison) -> list[str]:
    if not cmp.examples:
        return [_("None.")]
    out = [escape(examples_intro(len(cmp.examples)))]
    for example in cmp.examples:
        points = join_list(f"{pack} {number(example.points.get(pack))}" for pack in cmp.packs)
        out += ["", f"### {escape(order_heading(example.order_id, points))}", ""]
        out += markdown_table(order_divergence_table(cmp, example))
    return out


def _composites(cmp: Comparison, units: int) -> list[str]:
    """The section of the composites that differ between the packs (none: no pack has one).

    ``units``: how many units and periods the comparison scores (the rows of its unit
    scores).
    """
    if not any(row.composite is not None for card in cmp.scorecards for row in card.rows):
        return []
    table = composite_table(cmp)
    if not table.rows:
        said = ngettext(
            "The composite score (pack weights) is the same under every pack for the "
            "{units} unit and period.",
            "The composite score (pack weights) is the same under every pack for each of "
            "the {units} units and periods.",
            units,
        ).format(units=units)
    else:
        said = ngettext(
            "The composite score (pack weights) differs between the packs for {moved} of "
            "the {units} unit and period; each below, with its value under every pack.",
            "The composite score (pack weights) differs between the packs for {moved} of "
            "the {units} units and periods; each below, with its value under every pack.",
            units,
        ).format(moved=len(table.rows), units=units)
    return _changes(_("Composite scores under each pack"), said, table)


def _changes(heading: str, said: str, table: Table) -> list[str]:
    """A section of what differs between the packs: ``said``, then its table, if any rows."""
    body = [escape(said)]
    if table.rows:
        body += [
            "",
            *markdown_table(table.select(*(c.key for c in table.columns if c.key not in _CODES))),
        ]
    return _section(heading, body)


def _rate_changes(cmp: Comparison, units: int) -> list[str]:
    """The section of the rates that differ between the packs, unit by unit and period.

    ``units``: how many units and periods the comparison scores. Only for a pack and
    itself under changed parameters (a what-if: the packs' keys differ by the
    ``+name=value`` they were given): between different packs most rates differ, and
    the HTML report and the CSV give each pack's every rate.
    """
    if len({base_key(pack) for pack in cmp.packs}) > 1:
        return []
    table = rate_change_table(cmp)
    if not table.rows:
        said = ngettext(
            "Every rate is the same under every pack for the {units} unit and period.",
            "Every rate is the same under every pack for each of the {units} units and periods.",
            units,
        ).format(units=units)
    else:
        said = ngettext(
            "A rate differs between the packs for {moved} of the {units} unit and period; "
            "each rate that differs below, with its value under every pack.",
            "A rate differs between the packs for {moved} of the {units} units and periods; "
            "each rate that differs below, with its value under every pack.",
            units,
        ).format(moved=len({(row[0], row[1]) for row in table.rows}), units=units)
    return _changes(_("Rates under each pack"), said, table)


def comparison_markdown(cmp: Comparison, *, lang: str | None = None) -> str:
    """A comparison of packs as Markdown, in the current language or ``lang``.

    Sections: the counts per pack, each pack's outcomes (clocks and windows by
    state, deductions, points, escalations), the patterns of divergence (kind,
    topic, each pack's outcome, how many orders, example ids), the diverging
    orders with each side's rules and citations, each unit's score under each
    pack, the composites that differ between the packs (where a pack weighs its rates
    into one, as daye does: each unit and period whose composite a what-if of a weight
    moved, before and after), each pack's period findings, and the rejected inputs.
    """
    with in_language(lang):
        return _comparison_markdown(cmp)


def comparison_counts_sentence(cmp: Comparison) -> str:
    """The counts of a comparison and how many orders diverge, translated.

    The counts are the scorecards' (an order excluded from assessment, 不纳入测评, is
    excluded under every pack alike): they add up as the table below them does.
    """
    counts = comparison_counts(cmp)
    return ngettext(
        "Inputs {inputs} = assessed {assessed} + excluded from assessment {excluded} + "
        "rejected {rejected}; the packs diverge on {diverging} of the {judged} order not "
        "rejected (those excluded from assessment included).",
        "Inputs {inputs} = assessed {assessed} + excluded from assessment {excluded} + "
        "rejected {rejected}; the packs diverge on {diverging} of the {judged} orders not "
        "rejected (those excluded from assessment included).",
        cmp.assessed,
    ).format(
        inputs=counts.inputs,
        assessed=counts.assessed,
        excluded=counts.excluded,
        rejected=counts.rejected,
        diverging=cmp.orders_diverging,
        judged=cmp.assessed,
    )


def _comparison_markdown(cmp: Comparison) -> str:
    counts, outcomes, divergences, _examples_table, unit_scores, _cards, findings, rejections = (
        comparison_tables(cmp)
    )
    title = _("Comparison: {packs}").format(packs=" · ".join(cmp.packs))
    out = [
        f"# {escape(title)}",
        "",
        escape(_("Assessed at: {as_of}.").format(as_of=as_of_text(cmp.as_of))),
    ]
    out += _section(
        _("Counts"),
        [escape(comparison_counts_sentence(cmp)), "", *markdown_table(counts)],
    )
    out += _section(_("Outcomes by pack"), markdown_table(outcomes))
    out += _section(
        _("Where the packs diverge"),
        [
            escape(
                _(
                    "Findings are matched by kind and topic; each row is one pattern of "
                    "outcomes (— : the pack has no such finding), most frequent first."
                )
            ),
            "",
            *markdown_table(
                divergences.select(*(c.key for c in divergences.columns if c.key not in _CODES))
            ),
        ],
    )
    out += _section(_("Diverging orders"), _examples(cmp))
    pointless = [card.pack for card in cmp.scorecards if sets_no_points(card)]
    note = (
        [
            escape(
                _(
                    "No unit got a point under {packs} in these orders, so a score of 0 there "
                    "is not a cost of nothing (a pack may set no points at all); compare the "
                    "rates and escalations too."
                ).format(packs=join_list(pointless))
            ),
            "",
        ]
        if pointless
        else []
    )
    out += _section(
        _("Unit scores under each pack"),
        [
            *note,
            *markdown_table(
                unit_scores.select(*(c.key for c in unit_scores.columns if c.key not in _CODES))
            ),
        ],
    )
    out += _composites(cmp, len(unit_scores.rows))
    out += _rate_changes(cmp, len(unit_scores.rows))
    out += _section(
        _("Period findings"),
        markdown_table(
            findings.select(
                "pack",
                "period",
                "unit_name",
                "rule_id",
                "action",
                "source",
                "clause",
                "quote",
                "trace",
            )
        ),
    )
    out += _section(_("Inputs rejected"), markdown_table(rejections))
    return "\n".join(out) + "\n"
