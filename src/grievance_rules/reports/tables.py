"""The reports' tables as data, built once and written out as Markdown, CSV or HTML.

A :class:`Table` has columns (a machine name for CSV headers and a label for
people) and rows of cells. A cell is text, a number, ``None`` (no value) or a
:class:`~grievance_rules.scoring.Rate`: the CSV writer spreads a rate over three
columns (value, numerator, denominator), Markdown and HTML write it as
``75.0% (3/4)``. Markdown and HTML show a selection of a wide table's columns
(:meth:`Table.select`); CSV writes all of them.

Example:
    >>> from importlib.resources import files
    >>> from grievance_rules.reading import read_orders
    >>> from grievance_rules.scoring import score
    >>> card = score(read_orders(files("grievance_rules") / "samples" / "orders.jsonl").orders,
    ...              "chengdong")
    >>> table = unit_table(card).select("period", "unit", "score")
    >>> table.columns[1].label, table.rows[0]
    ('unit', ('2026-02', 'c07', -1.0))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from grievance_rules.engine import Rejection
from grievance_rules.reports.formatting import CLOCK_STATES, citation_text, topic_zh
from grievance_rules.scoring import (
    RATES,
    Comparison,
    OrderComparison,
    Rate,
    Scorecard,
    UnitScore,
)

__all__ = [
    "Cell",
    "Column",
    "Table",
    "comparison_tables",
    "count_table",
    "divergence_table",
    "example_table",
    "finding_table",
    "order_divergence_table",
    "outcome_table",
    "rate_definition_table",
    "rejection_table",
    "score_matrix",
    "scorecard_tables",
    "unit_score_table",
    "unit_table",
]

Cell = str | int | float | Rate | None


@dataclass(frozen=True)
class Column:
    """A column: ``key`` heads it in CSV, ``label`` in Markdown and HTML.

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


def _rank(row: UnitScore) -> str | None:
    return None if row.rank is None else f"{row.rank} of {row.peers}"


_RATE_COLUMNS = tuple(Column(d.name, d.zh, rate=True) for d in RATES)
_UNIT_COLUMNS = (
    *_columns(
        ("pack", "pack"),
        ("period", "period"),
        ("period_start", "from"),
        ("period_end", "to (exclusive)"),
        ("unit", "unit"),
        ("unit_kind", "kind"),
        ("orders", "orders"),
        ("excluded", "excluded"),
        ("points", "points"),
        ("score", "score"),
        ("rank", "rank"),
        ("place", "place"),
        ("peers", "peers"),
    ),
    *_RATE_COLUMNS,
    *_columns(
        ("composite", "composite (pack weights)"),
        ("counts", "finding counts"),
        ("findings", "period findings"),
    ),
)


def unit_table(card: Scorecard) -> Table:
    """One row per unit and period: orders, points, score, rank, every rate, counts, findings."""
    rows = []
    for row in card.rows:
        rows.append(
            (
                row.pack,
                row.period,
                row.period_start.isoformat(),
                row.period_end.isoformat(),
                row.unit,
                row.unit_kind,
                row.orders,
                row.excluded,
                row.points,
                row.score,
                _rank(row),
                row.rank,
                row.peers,
                *(row.rates.get(column.key) for column in _RATE_COLUMNS),
                None if row.composite is None else round(row.composite, 4),
                "; ".join(f"{key}={value}" for key, value in row.counts.items()),
                "; ".join(finding.rule_id for finding in row.findings),
            )
        )
    return Table("units", "Scores by unit and period", _UNIT_COLUMNS, tuple(rows))


def score_matrix(card: Scorecard) -> Table:
    """Units down, periods across, the score in each cell (``None``: the unit has no row)."""
    periods = card.periods()
    scores = {(row.unit, row.period): row.score for row in card.rows}
    kinds = {row.unit: row.unit_kind for row in card.rows}
    columns = _columns(("unit", "unit"), ("unit_kind", "kind"), *((p, p) for p in periods))
    rows = tuple(
        (unit, kinds[unit], *(scores.get((unit, period)) for period in periods))
        for unit in card.units()
    )
    return Table("score_matrix", "Score by unit (rows) and period (columns)", columns, rows)


def finding_table(cards: Sequence[Scorecard]) -> Table:
    """Every period finding: the rule, what it asks of whom, and the clause it cites."""
    columns = _columns(
        ("pack", "pack"),
        ("period", "period"),
        ("unit", "unit"),
        ("rule_id", "rule"),
        ("tier_id", "tier"),
        ("title", "title"),
        ("action", "action"),
        ("actor_role", "who acts"),
        ("target_role", "on whom"),
        ("clause", "clause"),
        ("quote", "quoted text"),
        ("source", "source"),
        ("trace", "why"),
    )
    rows = tuple(
        (
            card.pack,
            finding.period,
            finding.unit,
            finding.rule_id,
            finding.tier_id,
            finding.title,
            finding.action,
            finding.actor_role or finding.actor_body,
            finding.target_role or finding.target_body,
            finding.citation.clause,
            finding.citation.text,
            finding.citation.source,
            "; ".join(finding.trace),
        )
        for card in cards
        for finding in card.findings()
    )
    return Table("findings", "Period findings", columns, rows)


def rate_definition_table() -> Table:
    """What each rate counts (:data:`~grievance_rules.scoring.RATES`)."""
    columns = _columns(
        ("name", "rate"), ("zh", "中文"), ("numerator", "numerator"), ("denominator", "denominator")
    )
    rows = tuple((r.name, r.zh, r.numerator, r.denominator) for r in RATES)
    return Table("rates", "Rates: what they count", columns, rows)


def rejection_table(rejections: Iterable[Rejection]) -> Table:
    """The inputs that could not be assessed, with every reason."""
    columns = _columns(("source", "input"), ("order_id", "order"), ("reasons", "reasons"))
    rows = tuple((r.source, r.order_id, "; ".join(r.reasons)) for r in rejections)
    return Table("rejections", "Inputs rejected", columns, rows)


def count_table(cards: Sequence[Scorecard]) -> Table:
    """Per pack: inputs = assessed + excluded + rejected."""
    columns = _columns(
        ("pack", "pack"),
        ("inputs", "inputs"),
        ("assessed", "assessed"),
        ("excluded", "excluded from assessment"),
        ("rejected", "rejected"),
    )
    rows = tuple((c.pack, c.inputs, c.assessed, c.excluded, c.rejected) for c in cards)
    return Table("counts", "Inputs = assessed + excluded + rejected", columns, rows)


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
        ("pack", "pack"),
        ("orders", "orders assessed"),
        *((f"clocks_{s}", f"clocks {s}") for s in clock_states),
        *((f"windows_{s}", f"windows {s}") for s in window_states),
        ("deductions", "deductions"),
        ("points", "points"),
        ("orders_with_points", "orders with points"),
        ("escalations", "escalations"),
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
    return Table("outcomes", "Deadline and other outcomes by pack", columns, rows)


def divergence_table(cmp: Comparison) -> Table:
    """Each pattern of divergence: kind, topic, each pack's outcome, how many orders, examples."""
    columns = _columns(
        ("kind", "kind"),
        ("topic", "topic"),
        ("topic_zh", "主题"),
        *((pack, pack) for pack in cmp.packs),
        ("orders", "orders"),
        ("examples", "example orders"),
    )
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (d.kind, d.topic, topic_zh(d.topic), *d.pattern, d.orders, ", ".join(d.examples))
        for d in cmp.divergences
    )
    return Table("divergences", "Where the packs diverge", columns, rows)


def example_table(cmp: Comparison) -> Table:
    """The diverging orders kept in full: per order, topic and pack, the rules and citations."""
    columns = _columns(
        ("order_id", "order"),
        ("kind", "kind"),
        ("topic", "topic"),
        ("topic_zh", "主题"),
        ("pack", "pack"),
        ("outcome", "outcome"),
        ("order_points", "order's points"),
        ("rule_ids", "rules"),
        ("citations", "citations"),
        ("details", "details"),
    )
    rows = tuple(
        (
            example.order_id,
            divergence.kind,
            divergence.topic,
            topic_zh(divergence.topic),
            side.pack,
            side.outcome,
            example.points.get(side.pack),
            ", ".join(side.rule_ids),
            citation_text(side.citations),
            "; ".join(side.details),
        )
        for example in cmp.examples
        for divergence in example.divergences
        for side in divergence.sides
    )
    return Table("examples", "Diverging orders, both sides", columns, rows)


def order_divergence_table(cmp: Comparison, example: OrderComparison) -> Table:
    """One diverging order: a row per kind and topic, a column per pack.

    A pack's cell is its outcome, then each rule behind it with the clause it
    cites and the quoted text, one per line.
    """
    columns = _columns(
        ("kind", "kind"),
        ("topic", "topic"),
        ("topic_zh", "主题"),
        *((pack, pack) for pack in cmp.packs),
    )
    rows: list[tuple[Cell, ...]] = []
    for divergence in example.divergences:
        cells: list[Cell] = [divergence.kind, divergence.topic, topic_zh(divergence.topic)]
        for side in divergence.sides:
            lines = [side.outcome]
            lines += [
                f"{rule_id} · {citation_text([citation])}"
                for rule_id, citation in zip(side.rule_ids, side.citations, strict=True)
            ]
            cells.append("\n".join(lines))
        rows.append(tuple(cells))
    return Table(f"order_{example.order_id}", f"Order {example.order_id}", columns, tuple(rows))


def unit_score_table(cmp: Comparison) -> Table:
    """Per unit and period, its score under each pack and the spread (highest − lowest)."""
    columns = _columns(
        ("period", "period"),
        ("unit", "unit"),
        ("unit_kind", "kind"),
        *((pack, pack) for pack in cmp.packs),
        ("spread", "spread"),
    )
    rows = []
    for entry in cmp.unit_scores():
        scores = [entry.get(pack) for pack in cmp.packs]
        present = [s for s in scores if s is not None]
        spread = max(present) - min(present) if len(present) > 1 else None
        rows.append((entry["period"], entry["unit"], entry["unit_kind"], *scores, spread))
    return Table("unit_scores", "Unit scores under each pack", columns, tuple(rows))


def comparison_tables(cmp: Comparison) -> tuple[Table, ...]:
    """Every table of a comparison report, in the order the reports show them."""
    cards = list(cmp.scorecards)
    units = [unit_table(card) for card in cards]
    all_units = Table(
        "scorecards",
        "Each pack's scorecard",
        _UNIT_COLUMNS,
        tuple(row for table in units for row in table.rows),
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
