"""Scorecards and findings as Parquet: typed tables for the analyst's own tools.

* :func:`scorecard_table` / :func:`write_scorecard_parquet`: one row per unit and
  period (the :class:`~grievance_rules.scoring.UnitScore` rows): dates as dates,
  counts as a map, each rate as three columns (``NAME``: the share, null when
  undefined; ``NAME_n``; ``NAME_d``), the period rules that fire as a list of
  ``rule_id/tier_id``. The card's counts, which the rows alone do not give (inputs,
  assessed, excluded, rejected, and the orders in no unit's row by reason and period),
  are the table's schema metadata under :data:`SCORECARD_METADATA_KEY`, as JSON
  (:func:`scorecard_counts` reads them back).
* :func:`findings_table` / :class:`FindingsWriter`: one row per finding of each
  assessment (clock, window, deduction, escalation), with the order, the pack, the
  rule and its citation, the unit, the state, the instants and the points; the
  trace and a clock's pauses stay with the assessment (``evaluate`` in JSON Lines
  gives them).

Columns are keys (``unit``, ``score``, ``due`` ...), the same in every language.
Files are written beside their place and renamed into it when complete.

Example:
    >>> import tempfile, pathlib
    >>> import pyarrow.parquet as pq
    >>> from importlib.resources import files
    >>> from grievance_rules.reading import read_orders
    >>> from grievance_rules.scoring import score
    >>> card = score(read_orders(files("grievance_rules") / "samples" / "orders.jsonl").orders,
    ...              "chengdong")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "card.parquet"
    >>> write_scorecard_parquet(card, path)
    >>> table = pq.read_table(path)
    >>> table.num_rows == len(card.rows), table.column("unit").to_pylist()[0]
    (True, 'c07')
    >>> counts = scorecard_counts(path)
    >>> sum(table.column("orders").to_pylist()) + counts["unattributed"]["orders"] == card.assessed
    True
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from grievance_rules.atomic import atomic_path, put_in_place, temporary_beside
from grievance_rules.engine import Assessment
from grievance_rules.errors import ReadError
from grievance_rules.i18n import gettext as _
from grievance_rules.packs.schema import Citation
from grievance_rules.scoring import RATES, Scorecard

__all__ = [
    "SCORECARD_METADATA_KEY",
    "FindingsWriter",
    "findings_schema",
    "findings_table",
    "scorecard_counts",
    "scorecard_table",
    "write_scorecard_parquet",
]

SCORECARD_METADATA_KEY = b"grievance_rules.scorecard"
"""The schema metadata key of a scorecard table's counts (JSON, UTF-8)."""

_COUNTED = frozenset(
    {"pack", "period_kind", "as_of", "inputs", "assessed", "excluded", "rejected", "unattributed"}
)
"""What of a :class:`Scorecard` the metadata holds: all but its rows (the table's), its
rejections (one per input: ``score`` in JSON lists them) and the names and labels
reports use."""


def _citation(citation: Citation) -> str:
    return f"{citation.source} {citation.clause}"


def _scorecard_schema() -> Any:
    import pyarrow as pa

    fields = [
        pa.field("pack", pa.string()),
        pa.field("period", pa.string()),
        pa.field("period_kind", pa.string()),
        pa.field("period_start", pa.date32()),
        pa.field("period_end", pa.date32()),
        pa.field("unit", pa.string()),
        pa.field("unit_name", pa.string()),
        pa.field("unit_kind", pa.string()),
        pa.field("orders", pa.int64()),
        pa.field("excluded", pa.int64()),
        pa.field("points", pa.float64()),
        pa.field("score", pa.float64()),
        pa.field("rank", pa.int32()),
        pa.field("peers", pa.int32()),
        pa.field("composite", pa.float64()),
        pa.field("counts", pa.map_(pa.string(), pa.int64())),
    ]
    for rate in RATES:
        fields += [
            pa.field(rate.name, pa.float64()),
            pa.field(f"{rate.name}_n", pa.float64()),
            pa.field(f"{rate.name}_d", pa.int64()),
        ]
    fields.append(pa.field("findings", pa.list_(pa.string())))
    return pa.schema(fields)


def scorecard_table(card: Scorecard) -> Any:
    """The scorecard's rows as an Arrow table (``pyarrow.Table``)."""
    import pyarrow as pa

    rows = []
    for row in card.rows:
        cells: dict[str, Any] = {
            "pack": row.pack,
            "period": row.period,
            "period_kind": row.period_kind,
            "period_start": row.period_start,
            "period_end": row.period_end,
            "unit": row.unit,
            "unit_name": card.unit_names.get(row.unit),
            "unit_kind": row.unit_kind,
            "orders": row.orders,
            "excluded": row.excluded,
            "points": row.points,
            "score": row.score,
            "rank": row.rank,
            "peers": row.peers,
            "composite": row.composite,
            "counts": list(row.counts.items()),
            "findings": [f"{f.rule_id}/{f.tier_id}" for f in row.findings],
        }
        for rate in RATES:
            found = row.rates.get(rate.name)
            cells[rate.name] = found.value if found else None
            cells[f"{rate.name}_n"] = found.numerator if found else None
            cells[f"{rate.name}_d"] = found.denominator if found else None
        rows.append(cells)
    counts = card.model_dump_json(include=set(_COUNTED)).encode()
    schema = _scorecard_schema().with_metadata({SCORECARD_METADATA_KEY: counts})
    return pa.Table.from_pylist(rows, schema=schema)


def scorecard_counts(source: str | os.PathLike[str] | Any) -> dict[str, Any]:
    """The counts a scorecard's Parquet file (or table) holds beside its rows.

    ``pack``, ``period_kind``, ``as_of``, ``inputs``, ``assessed``, ``excluded``,
    ``rejected`` and ``unattributed`` (the orders in no unit's row, by reason and
    period), as the scorecard's JSON gives them: the rows' ``orders`` plus
    ``unattributed["orders"]`` is ``assessed``.

    Args:
        source: the file written by :func:`write_scorecard_parquet`, or the table
            :func:`scorecard_table` gave.

    Raises:
        ReadError: the file cannot be read as Parquet, or it (or the table) holds no
            scorecard counts.
    """
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    if isinstance(source, pa.Table):
        schema, where = source.schema, _("the table")
    else:
        where = str(source)
        try:
            schema = pq.read_schema(source)
        except (OSError, pa.ArrowException) as exc:
            raise ReadError(
                _("{source} cannot be read as Parquet: {problem}").format(source=where, problem=exc)
            ) from exc
    found = (schema.metadata or {}).get(SCORECARD_METADATA_KEY)
    if found is None:
        raise ReadError(
            _("{source} holds no scorecard counts (no {key} in its schema metadata)").format(
                source=where, key=SCORECARD_METADATA_KEY.decode()
            )
        )
    counts: dict[str, Any] = json.loads(found)
    return counts


def _write_atomically(table: Any, target: str | os.PathLike[str]) -> None:
    import pyarrow.parquet as pq

    with atomic_path(target) as tmp:
        pq.write_table(table, tmp, compression="zstd")


def write_scorecard_parquet(card: Scorecard, target: str | os.PathLike[str]) -> None:
    """Write the scorecard's rows as one Parquet file."""
    _write_atomically(scorecard_table(card), target)


def findings_schema() -> Any:
    """The Arrow schema of the findings table."""
    import pyarrow as pa

    instant = pa.timestamp("us", tz="Asia/Shanghai")
    return pa.schema(
        [
            pa.field("order_id", pa.string()),
            pa.field("pack", pa.string()),
            pa.field("as_of", instant),
            pa.field("kind", pa.string()),
            pa.field("rule_id", pa.string()),
            pa.field("title", pa.string()),
            pa.field("citation", pa.string()),
            pa.field("unit", pa.string()),
            pa.field("state", pa.string()),
            pa.field("start", instant),
            pa.field("due", instant),
            pa.field("stopped_at", instant),
            pa.field("warning_level", pa.string()),
            pa.field("points", pa.float64()),
            pa.field("occurred_at", instant),
            pa.field("action", pa.string()),
            pa.field("target_unit", pa.string()),
        ]
    )


def _finding_rows(assessment: Assessment) -> list[dict[str, Any]]:
    base = {"order_id": assessment.order_id, "pack": assessment.pack, "as_of": assessment.as_of}
    rows: list[dict[str, Any]] = []
    for clock in assessment.clocks:
        rows.append(
            {
                **base,
                "kind": "clock",
                "rule_id": clock.rule_id,
                "title": clock.title,
                "citation": _citation(clock.citation),
                "unit": clock.unit,
                "state": clock.state,
                "start": clock.start,
                "due": clock.due,
                "stopped_at": clock.stopped_at,
                "warning_level": clock.warning_level,
            }
        )
    for window in assessment.windows:
        rows.append(
            {
                **base,
                "kind": "window",
                "rule_id": window.rule_id,
                "title": window.title,
                "citation": _citation(window.citation),
                "unit": window.unit,
                "state": window.state,
                "start": window.opened_at,
                "due": window.closes_at,
                "stopped_at": window.acted_at,
            }
        )
    for deduction in assessment.deductions:
        rows.append(
            {
                **base,
                "kind": "deduction",
                "rule_id": deduction.rule_id,
                "title": deduction.title,
                "citation": _citation(deduction.citation),
                "unit": deduction.unit,
                "points": deduction.points,
                "occurred_at": deduction.occurred_at,
            }
        )
    for escalation in assessment.escalations:
        rows.append(
            {
                **base,
                "kind": "escalation",
                "rule_id": escalation.rule_id,
                "title": escalation.title,
                "citation": _citation(escalation.citation),
                "unit": escalation.target_unit,
                "occurred_at": escalation.since,
                "action": escalation.action,
                "target_unit": escalation.target_unit,
            }
        )
    return rows


def findings_table(assessments: Iterable[Assessment]) -> Any:
    """Every finding of the assessments as an Arrow table (``pyarrow.Table``), in order."""
    import pyarrow as pa

    rows = [row for assessment in assessments for row in _finding_rows(assessment)]
    return pa.Table.from_pylist(rows, schema=findings_schema())


class FindingsWriter:
    """Writes findings to a Parquet file as assessments come, a row group at a time.

    The file appears at ``target`` only when the writer is closed without an error.

    Args:
        target: the file to write.
        row_group: findings buffered before a row group is written.
    """

    def __init__(self, target: str | os.PathLike[str], *, row_group: int = 50_000) -> None:
        import pyarrow.parquet as pq

        self.target = Path(target)
        self.temp = temporary_beside(self.target)
        self.schema = findings_schema()
        self.writer = pq.ParquetWriter(self.temp, self.schema, compression="zstd")
        self.rows: list[dict[str, Any]] = []
        self.row_group = row_group
        self.findings = 0

    def add(self, assessment: Assessment) -> None:
        """Add one assessment's findings."""
        found = _finding_rows(assessment)
        self.rows.extend(found)
        self.findings += len(found)
        if len(self.rows) >= self.row_group:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
        self.rows.clear()

    def close(self, keep: bool = True) -> None:
        """Finish the file (``keep=False``: throw it away)."""
        try:
            if keep:
                self._flush()
        finally:
            self.writer.close()
        if keep:
            put_in_place(self.temp, self.target)
        else:
            self.temp.unlink(missing_ok=True)

    def __enter__(self) -> FindingsWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close(keep=kind is None)
