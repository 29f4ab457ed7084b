"""The reports' tables as data, built once and written out as Markdown, CSV, HTML or Excel.

A :class:`Table` has columns (a machine name for CSV headers and a label for
people, in the current language) and rows of cells. A cell is text, a number,
``None`` (no value) or a :class:`~grievance_rules.scoring.Rate`: the CSV writer
spreads a rate over three columns (value, numerator, denominator), Markdown and
HTML write it as ``75.0% (3/4)``. Markdown and HTML show a selection of a wide
table's columns (:meth:`Table.select`); CSV and Excel write all of them.

Units are named as the orders name them: ``unit`` is the id, ``unit_name`` the
name (``东风社区``, the id when the orders give none), ``unit_kind`` the kind's
code and ``kind_name`` the kind as people call it (``村（社区）``).

Example:
    >>> from importlib.resources import files
    >>> from grievance_rules.i18n import language
    >>> from grievance_rules.reading import read_orders
    >>> from grievance_rules.scoring import score
    >>> card = score(read_orders(files("grievance_rules") / "samples" / "orders.jsonl").orders,
    ...              "chengdong")
    >>> table = unit_table(card).select("period", "unit_name", "kind_name", "score")
    >>> table.columns[1].label, table.rows[0]
    ('unit', ('2026-02', '东风社区', 'village (community)', -1.0))
    >>> with language("zh"):
    ...     unit_table(card).select("unit_name", "kind_name").columns[1].label
    '单位类型'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from grievance_rules.engine import Rejection
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list, pgettext
from grievance_rules.reports.formatting import (
    CLOCK_STATES,
    actor_text,
    citation_text,
    counts_text,
    kind_of_finding_label,
    outcome_text,
    period_text,
    rate_definition_texts,
    rate_label,
    role_text,
    state_label,
    topic_label,
    topic_zh,
    unit_kind_label,
    unit_name,
)
from grievance_rules.reports.traces import trace_joined
from grievance_rules.scoring import (
    RATES,
    Comparison,
    OrderComparison,
    Rate,
    Scorecard,
)

__all__ = [
    "Cell",
    "Column",
    "ComparisonCounts",
    "Table",
    "comparison_counts",
    "comparison_tables",
    "composite_table",
    "count_table",
    "divergence_table",
    "example_table",
    "finding_table",
    "order_divergence_table",
    "outcome_table",
    "rank_text",
    "rate_change_table",
    "rate_definition_table",
    "rejection_table",
    "score_matrix",
    "scorecard_tables",
    "unit_names",
    "unit_score_table",
    "unit_table",
]


class Share(float):
    """A share (0 to 1) shown as a percentage: a pack's composite of rates.

    Markdown and HTML write it as a percentage (:func:`~.formatting.percent`), Excel
    holds the number under ``0.0%``, CSV and Parquet the number itself: one value,
    not one rounded to 4 decimals beside another.
    """


Cell = str | int | float | Rate | None


@dataclass(frozen=True)
class Column:
    """A column: ``key`` heads it in CSV, ``label`` (translated) in Markdown, HTML and Excel.

    A ``rate`` column holds :class:`~grievance_rules.scoring.Rate` cells (or ``None``).
    """

    key: str
    label: str
    rate: bool = False


@dataclass(frozen=True)
class Table:
    """A titled table: its name (the CSV file's), columns and rows."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def select(self, *keys: str) -> Table:
        """The same table with only these columns, in this order.

        Raises:
            KeyError: a key that is not a column of the table.
        """
        index = {column.key: position for position, column in enumerate(self.columns)}
        missing = [key for key in keys if key not in index]
        if missing:
            raise KeyError(f"table {self.name!r} has no column {', '.join(missing)}")
        picks = [index[key] for key in keys]
        return Table(
            name=self.name,
            title=self.title,
            columns=tuple(self.columns[p] for p in picks),
            rows=tuple(tuple(row[p] for p in picks) for row in self.rows),
        )


def _columns(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(key, label) for key, label in pairs)


def rank_text(rank: int | None, peers: int) -> str | None:
    """A place among peers: ``2 of 17`` / ``第2名（共17个）``; ``None`` without a rank."""
    if rank is None:
        return None
    return _("{place} of {peers}").format(place=rank, peers=peers)


def unit_names(cards: Iterable[Scorecard]) -> dict[str, str]:
    """Every unit's name the scorecards know (the first one given wins)."""
    names: dict[str, str] = {}
    for card in cards:
        for unit, name in card.unit_names.items():
            names.setdefault(unit, name)
    return names


def _unit_cells(unit: str, kind: str | None, names: Mapping[str, str]) -> tuple[Cell, ...]:
    return (unit, unit_name(unit, names), kind, unit_kind_label(kind) or None)


def _unit_header() -> tuple[Column, ...]:
    return _columns(
        ("unit", _("unit id")),
        ("unit_name", _("unit")),
        ("unit_kind", _("kind code")),
        ("kind_name", _("kind of unit")),
    )


def _rate_columns() -> tuple[Column, ...]:
    return tuple(Column(d.name, rate_label(d.name), rate=True) for d in RATES)


def _unit_columns() -> tuple[Column, ...]:
    return (
        *_columns(
            ("pack", _("pack")),
            ("period", _("period")),
            ("period_start", _("from")),
            ("period_end", _("to (exclusive)")),
        ),
        *_unit_header(),
        *_columns(
            ("orders", _("orders")),
            ("excluded", _("excluded")),
            ("points", _("points")),
            ("score", _("score")),
            ("rank", _("rank")),
            ("place", _("place")),
            ("peers", _("peers")),
        ),
        *_rate_columns(),
        *_columns(
            ("composite", _("composite (pack weights)")),
            ("counts", _("finding counts")),
            ("findings", _("period findings")),
        ),
    )


def _unit_rows(card: Scorecard, names: Mapping[str, str]) -> tuple[tuple[Cell, ...], ...]:
    rows = []
    for row in card.rows:
        rows.append(
            (
                row.pack,
                period_text(row.period),
                row.period_start.isoformat(),
                row.period_end.isoformat(),
                *_unit_cells(row.unit, row.unit_kind, names),
                row.orders,
                row.excluded,
                row.points,
                row.score,
                rank_text(row.rank, row.peers),
                row.rank,
                row.peers,
                *(row.rates.get(d.name) for d in RATES),
                None if row.composite is None else Share(row.composite),
                counts_text(row.counts),
                pgettext("list", "; ").join(finding.rule_id for finding in row.findings),
            )
        )
    return tuple(rows)


def unit_table(card: Scorecard) -> Table:
    """One row per unit and period: orders, points, score, rank, every rate, counts, findings."""
    return Table(
        "units",
        _("Scores by unit and period"),
        _unit_columns(),
        _unit_rows(card, card.unit_names),
    )


def score_matrix(card: Scorecard) -> Table:
    """Units down, periods across, the score in each cell (``None``: the unit has no row)."""
    periods = card.periods()
    scores = {(row.unit, row.period): row.score for row in card.rows}
    kinds = {row.unit: row.unit_kind for row in card.rows}
    columns = (*_unit_header(), *(Column(p, period_text(p)) for p in periods))
    rows = tuple(
        (
            *_unit_cells(unit, kinds[unit], card.unit_names),
            *(scores.get((unit, period)) for period in periods),
        )
        for unit in card.units()
    )
    return Table("score_matrix", _("Score by unit (rows) and period (columns)"), columns, rows)


def finding_table(cards: Sequence[Scorecard]) -> Table:
    """Every period finding: the rule, what it asks of whom, and the clause it cites."""
    names = unit_names(cards)
    columns = _columns(
        ("pack", _("pack")),
        ("period", _("period")),
        ("unit", _("unit id")),
        ("unit_name", _("unit")),
        ("rule_id", _("rule")),
        ("tier_id", _("tier")),
        ("title", _("title")),
        ("action", _("action")),
        ("actor_role", _("who acts")),
        ("target_role", _("on whom")),
        ("clause", _("clause")),
        ("quote", _("quoted text")),
        ("source", _("source")),
        ("trace", _("why")),
    )
    rows = tuple(
        (
            card.pack,
            period_text(finding.period),
            finding.unit,
            unit_name(finding.unit, names),
            finding.rule_id,
            finding.tier_id,
            finding.title,
            finding.action,
            actor_text(
                finding.actor_role,
                finding.actor_body,
                # the handling unit of a period finding is the period's unit
                finding.unit if finding.actor_unit == "handling_unit" else finding.actor_unit,
                names,
            ),
            role_text(finding.target_role or finding.target_body),
            finding.citation.clause,
            finding.citation.text,
            finding.citation.source,
            trace_joined(finding.trace, unit_names=names, parameter_labels=card.parameter_labels),
        )
        for card in cards
        for finding in card.findings()
    )
    return Table("findings", _("Period findings"), columns, rows)


def rate_definition_table() -> Table:
    """What each rate counts (:data:`~grievance_rules.scoring.RATES`), in the current language."""
    columns = _columns(
        ("name", _("rate code")),
        ("zh", _("rate")),
        ("numerator", _("numerator")),
        ("denominator", _("denominator")),
    )
    rows = tuple(rate_definition_texts())
    return Table("rates", _("Rates: what they count"), columns, rows)


def rejection_table(rejections: Iterable[Rejection]) -> Table:
    """The inputs that could not be assessed, with every reason."""
    columns = _columns(("source", _("input")), ("order_id", _("order")), ("reasons", _("reasons")))
    rows = tuple((r.source, r.order_id, pgettext("list", "; ").join(r.reasons)) for r in rejections)
    return Table("rejections", _("Inputs rejected"), columns, rows)


def count_table(cards: Sequence[Scorecard]) -> Table:
    """Per pack: inputs = assessed + excluded + rejected; and how many assessed are in no row.

    ``unattributed``: the assessed orders that count for no unit (answered online, taken
    on by the centre ...): the rows' orders are ``assessed`` less these.
    """
    columns = _columns(
        ("pack", _("pack")),
        ("inputs", _("inputs")),
        ("assessed", _("assessed")),
        ("excluded", _("excluded from assessment")),
        ("rejected", _("rejected")),
        ("unattributed", _("assessed, in no unit's row")),
    )
    rows = tuple(
        (c.pack, c.inputs, c.assessed, c.excluded, c.rejected, c.unattributed.orders) for c in cards
    )
    return Table("counts", _("Inputs = assessed + excluded + rejected"), columns, rows)


def scorecard_tables(card: Scorecard) -> tuple[Table, ...]:
    """Every table of a scorecard report, in the order the reports show them."""
    return (
        count_table([card]),
        unit_table(card),
        finding_table([card]),
        rate_definition_table(),
        rejection_table(card.rejections),
    )


def _states(counts: Iterable[dict[str, int]], first: Sequence[str]) -> list[str]:
    seen = {state for count in counts for state in count}
    return [*first, *sorted(seen - set(first))]


def outcome_table(cmp: Comparison) -> Table:
    """Per pack: its clocks by state, windows by state, deductions, points and escalations."""
    clock_states = _states((o.clocks for o in cmp.outcomes), CLOCK_STATES)
    window_states = _states((o.windows for o in cmp.outcomes), ("within", "late"))
    columns = _columns(
        ("pack", _("pack")),
        ("orders", _("orders assessed")),
        *(
            (f"clocks_{s}", _("time limits {state}").format(state=state_label(s)))
            for s in clock_states
        ),
        *(
            (f"windows_{s}", _("windows {state}").format(state=state_label(s)))
            for s in window_states
        ),
        ("deductions", _("deductions")),
        ("points", _("points")),
        ("orders_with_points", _("orders with points")),
        ("escalations", _("escalations")),
    )
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (
            o.pack,
            o.orders,
            *(o.clocks.get(s, 0) for s in clock_states),
            *(o.windows.get(s, 0) for s in window_states),
            o.deductions,
            o.points,
            o.orders_with_points,
            o.escalations,
        )
        for o in cmp.outcomes
    )
    return Table("outcomes", _("Deadline and other outcomes by pack"), columns, rows)


def _kind_topic_columns() -> tuple[Column, ...]:
    return _columns(
        ("kind", _("kind code")),
        ("kind_name", _("kind of finding")),
        ("topic", _("topic code")),
        ("topic_zh", _("topic (Chinese)")),
        ("topic_name", _("topic")),
    )


def _kind_topic_cells(kind: str, topic: str) -> tuple[Cell, ...]:
    return (kind, kind_of_finding_label(kind), topic, topic_zh(topic), topic_label(topic))


def divergence_table(cmp: Comparison) -> Table:
    """Each pattern of divergence: kind, topic, each pack's outcome, how many orders, examples."""
    columns = (
        *_kind_topic_columns(),
        *_columns(
            *((pack, pack) for pack in cmp.packs),
            ("orders", _("orders")),
            ("examples", _("example orders")),
        ),
    )
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (
            *_kind_topic_cells(d.kind, d.topic),
            *(outcome_text(p) for p in d.pattern),
            d.orders,
            join_list(d.examples),
        )
        for d in cmp.divergences
    )
    return Table("divergences", _("Where the packs diverge"), columns, rows)


def example_table(cmp: Comparison) -> Table:
    """The diverging orders kept in full: per order, topic and pack, the rules and citations."""
    names = unit_names(cmp.scorecards)
    columns = _columns(
        ("order_id", _("order")),
        *((c.key, c.label) for c in _kind_topic_columns()),
        ("pack", _("pack")),
        ("outcome", _("outcome")),
        ("order_points", _("order's points")),
        ("rule_ids", _("rules")),
        ("citations", _("citations")),
        ("details", _("details")),
    )
    rows = tuple(
        (
            example.order_id,
            *_kind_topic_cells(divergence.kind, divergence.topic),
            side.pack,
            outcome_text(side.outcome),
            example.points.get(side.pack),
            join_list(side.rule_ids),
            citation_text(side.citations),
            trace_joined(side.details, unit_names=names),
        )
        for example in cmp.examples
        for divergence in example.divergences
        for side in divergence.sides
    )
    return Table("examples", _("Diverging orders, both sides"), columns, rows)


def order_divergence_table(cmp: Comparison, example: OrderComparison) -> Table:
    """One diverging order: a row per kind and topic, a column per pack.

    A pack's cell is its outcome, then each rule behind it with the clause it
    cites and the quoted text, one per line; a what-if variant's cell says which
    parameters the run set (the value may differ from the quoted clause's).
    """
    columns = _columns(
        ("kind", _("kind of finding")),
        ("topic", _("topic")),
        *((pack, pack) for pack in cmp.packs),
    )
    rows: list[tuple[Cell, ...]] = []
    for divergence in example.divergences:
        cells: list[Cell] = [
            kind_of_finding_label(divergence.kind),
            topic_label(divergence.topic),
        ]
        for side in divergence.sides:
            lines = [outcome_text(side.outcome)]
            lines += [
                f"{rule_id} · {citation_text([citation])}"
                for rule_id, citation in zip(side.rule_ids, side.citations, strict=True)
            ]
            _base, plus, settings = side.pack.partition("+")
            if plus:  # a what-if variant: its values are not the quoted clauses' own
                lines.append(
                    _(
                        "(this run sets {settings}; the quoted clause gives the pack's value)"
                    ).format(settings=settings)
                )
            cells.append("\n".join(lines))
        rows.append(tuple(cells))
    title = _("Order {order_id}").format(order_id=example.order_id)
    return Table(f"order_{example.order_id}", title, columns, tuple(rows))


def unit_score_table(cmp: Comparison) -> Table:
    """Per unit and period, its score under each pack and the spread (highest − lowest)."""
    names = unit_names(cmp.scorecards)
    columns = (
        Column("period", _("period")),
        *_unit_header(),
        *_columns(*((pack, pack) for pack in cmp.packs), ("spread", _("spread"))),
    )
    rows = []
    for entry in cmp.unit_scores():
        scores = [entry.get(pack) for pack in cmp.packs]
        present = [s for s in scores if s is not None]
        spread = max(present) - min(present) if len(present) > 1 else None
        rows.append(
            (
                period_text(entry["period"]),
                *_unit_cells(entry["unit"], entry["unit_kind"], names),
                *scores,
                spread,
            )
        )
    return Table("unit_scores", _("Unit scores under each pack"), columns, tuple(rows))


def composite_table(cmp: Comparison) -> Table:
    """Per unit and period where the packs' composites differ: each pack's, and the change.

    A composite is a pack's weighting of its rates (``UnitScore.composite``, daye's
    （十五）综合考核; ``None`` where the pack weighs none or one of its rates is
    undefined). Only the units and periods whose composite differs from one pack to
    another (to 6 decimals, as the reports write a number) have a row, in the order of
    :func:`unit_score_table`; with two packs (a what-if: the pack as it is, then with
    the parameters changed) a last column holds the change, the second less the first.
    Composites and change are :class:`Share` cells (percentages for people).
    """
    names = unit_names(cmp.scorecards)
    two = len(cmp.packs) == 2
    columns = (
        Column("period", _("period")),
        *_unit_header(),
        *_columns(*((pack, pack) for pack in cmp.packs)),
        *([Column("change", _("change"))] if two else []),
    )
    rows = []
    for entry in cmp.unit_scores("composite"):
        values: list[float | None] = [entry.get(pack) for pack in cmp.packs]
        if len({None if value is None else round(value, 6) for value in values}) < 2:
            continue
        cells: list[Cell] = [None if value is None else Share(value) for value in values]
        if two:
            before, after = values
            cells.append(None if before is None or after is None else Share(after - before))
        rows.append(
            (
                period_text(entry["period"]),
                *_unit_cells(entry["unit"], entry["unit_kind"], names),
                *cells,
            )
        )
    return Table("composites", _("Composite scores under each pack"), columns, tuple(rows))


def rate_change_table(cmp: Comparison) -> Table:
    """Per unit, period and rate where the packs' rates differ: each pack's rate.

    A rate differs when its numerator or denominator does (a what-if of a parameter the
    rates read: 基本满意's weight, whom a returned order counts for). Rows in the order
    of the first pack's scorecard, then of the rates (:data:`RATES`); a unit and period
    one pack has and another has not counts as differing there. Cells are
    :class:`~grievance_rules.scoring.Rate` s (``—`` where a pack has no row).
    """
    names = unit_names(cmp.scorecards)
    cards = list(cmp.scorecards)
    by_pack = [{(row.period, row.unit): row for row in card.rows} for card in cards]
    keys = list(dict.fromkeys(key for rows in by_pack for key in rows))
    columns = (
        Column("period", _("period")),
        *_unit_header(),
        Column("rate", _("rate")),
        *(Column(pack, pack, rate=True) for pack in cmp.packs),
    )
    found = []
    for key in keys:
        rows = [pack_rows.get(key) for pack_rows in by_pack]
        first = next(row for row in rows if row is not None)
        for definition in RATES:
            rates = [None if row is None else row.rates.get(definition.name) for row in rows]
            if len({None if r is None else (r.numerator, r.denominator) for r in rates}) < 2:
                continue
            found.append(
                (
                    period_text(first.period),
                    *_unit_cells(first.unit, first.unit_kind, names),
                    rate_label(definition.name),
                    *rates,
                )
            )
    return Table("rate_changes", _("Rates under each pack"), columns, tuple(found))


class ComparisonCounts(NamedTuple):
    """A comparison's counts as its reports say them: inputs = assessed + excluded + rejected."""

    inputs: int
    assessed: int
    """The inputs assessed and counted, those excluded from assessment not among them."""
    excluded: int
    """The inputs excluded from assessment (不纳入测评, 核减)."""
    rejected: int


def comparison_counts(cmp: Comparison) -> ComparisonCounts:
    """The counts of a comparison as its reports and each scorecard count them.

    ``Comparison.assessed`` is every input not rejected, those excluded from
    assessment among them; a report counts these apart, as each pack's scorecard
    does. An order excluded from assessment is excluded under every pack alike; where
    the packs exclude different orders (夏阳's ``exclusion_approval`` changed), the
    most any pack excludes (each pack's own count is in its scorecard).
    """
    excluded = max((card.excluded for card in cmp.scorecards), default=0)
    return ComparisonCounts(cmp.inputs, cmp.assessed - excluded, excluded, cmp.rejected)


def comparison_tables(cmp: Comparison) -> tuple[Table, ...]:
    """Every table of a comparison report, in the order the reports show them."""
    cards = list(cmp.scorecards)
    names = unit_names(cards)
    all_units = Table(
        "scorecards",
        _("Each pack's scorecard"),
        _unit_columns(),
        tuple(row for card in cards for row in _unit_rows(card, names)),
    )
    return (
        count_table(cards),
        outcome_table(cmp),
        divergence_table(cmp),
        example_table(cmp),
        unit_score_table(cmp),
        all_units,
        finding_table(cards),
        rejection_table(cmp.rejections),
    )
