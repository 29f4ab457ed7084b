"""Findings as a table: one row per finding, one column per field, every kind together.

Columns (in :data:`COLUMNS` order):

``order`` (position in the batch), ``order_id``, ``rule_id``, ``kind`` (clock, window,
deduction, escalation, record), ``seq`` (the finding's place among its rule's findings
on the order), ``unit`` (the unit the clock runs against, the window's actor, the unit
charged, the escalation's target), ``state`` (a clock's or window's state; ``due`` for
an escalation; ``true``/``false`` for a record's computed part, empty when nothing is
computed), ``start_us`` (a clock's start, a window's opening, an escalation's ``since``,
a deduction's instant), ``due_us`` (a clock's due instant, a window's closing),
``stop_us`` (a clock's stop, a window's action), ``level`` (a clock's warning level),
``fraction`` (a clock's elapsed fraction), ``points`` (a deduction's), ``path``
(``columnar`` or ``per_order``), ``event`` (the index in the order's events of a
clock's start event or a window's action). Instants are int64 microseconds since 1970-01-01 UTC;
``-1`` / ``nan`` / empty where a field does not apply.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from grievance_rules.columnar._deps import require_pyarrow
from grievance_rules.columnar.batch import to_us
from grievance_rules.engine.assessment import Assessment

__all__ = ["COLUMNS", "FindingRows", "Row", "rows_of_assessment"]

COLUMNS = (
    "order",
    "order_id",
    "rule_id",
    "kind",
    "seq",
    "unit",
    "state",
    "start_us",
    "due_us",
    "stop_us",
    "level",
    "fraction",
    "points",
    "path",
    "event",
)

Row = tuple[int, str, str, str, int, str, str, int, int, int, str, float, float, str, int]
"""One finding, in :data:`COLUMNS` order."""

_INT_COLUMNS = frozenset({"order", "seq", "start_us", "due_us", "stop_us", "event"})
_FLOAT_COLUMNS = frozenset({"fraction", "points"})
_NAN = math.nan


@dataclass
class FindingRows:
    """Findings gathered row by row, turned into columns at the end."""

    rows: list[Row] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def extend(self, rows: list[Row]) -> None:
        """Add rows."""
        self.rows.extend(rows)

    def sort(self) -> None:
        """Rows in order, then kind, then rule and place (the per-order engine's order aside)."""
        self.rows.sort(key=itemgetter(0, 3, 2, 4))

    def columns(self) -> dict[str, npt.NDArray[Any]]:
        """The findings as numpy columns (strings as object arrays)."""
        out: dict[str, npt.NDArray[Any]] = {}
        for index, name in enumerate(COLUMNS):
            values = [row[index] for row in self.rows]
            if name in _INT_COLUMNS:
                out[name] = np.asarray(values, dtype=np.int64)
            elif name in _FLOAT_COLUMNS:
                out[name] = np.asarray(values, dtype=np.float64)
            else:
                out[name] = np.asarray(values, dtype=object)
        return out

    def to_arrow(self) -> Any:
        """The findings as a ``pyarrow.Table`` (instants as UTC timestamps, µs).

        Raises:
            MissingExtraError: pyarrow is not installed (the ``columnar`` extra).
        """
        pa = require_pyarrow()
        arrays = {}
        for index, name in enumerate(COLUMNS):
            values: list[Any] = [row[index] for row in self.rows]
            if name.endswith("_us"):
                arrays[name.removesuffix("_us")] = pa.array(
                    [None if v < 0 else v for v in values], pa.timestamp("us", tz="UTC")
                )
            elif name in _INT_COLUMNS:
                arrays[name] = pa.array(values, pa.int64())
            elif name in _FLOAT_COLUMNS:
                arrays[name] = pa.array(
                    [None if math.isnan(v) else v for v in values], pa.float64()
                )
            else:
                arrays[name] = pa.array([v or None for v in values], pa.string())
        return pa.table(arrays)


def _us(instant: Any) -> int:
    return -1 if instant is None else to_us(instant)


def rows_of_assessment(
    order: int, assessment: Assessment, rule_ids: frozenset[str] | None, path: str
) -> list[Row]:
    """The rows of an assessment's findings (only those of ``rule_ids`` when given)."""
    oid = assessment.order_id
    rows: list[Row] = []
    seq: dict[str, int] = {}

    def keep(rule_id: str) -> int | None:
        if rule_ids is not None and rule_id not in rule_ids:
            return None
        n = seq.get(rule_id, 0)
        seq[rule_id] = n + 1
        return n

    for c in assessment.clocks:
        if (n := keep(c.rule_id)) is not None:
            rows.append(
                (order, oid, c.rule_id, "clock", c.occurrence, c.unit or "", c.state, _us(c.start),
                 _us(c.due), _us(c.stopped_at), c.warning_level or "", c.elapsed_fraction,
                 _NAN, path, -1 if c.start_event is None else c.start_event)
            )  # fmt: skip
    for w in assessment.windows:
        if (n := keep(w.rule_id)) is not None:
            rows.append(
                (order, oid, w.rule_id, "window", n, w.unit or "", w.state, _us(w.opened_at),
                 _us(w.closes_at), _us(w.acted_at), "", _NAN, _NAN, path, w.event)
            )  # fmt: skip
    for d in sorted(assessment.deductions, key=lambda d: (d.rule_id, d.sequence, d.occurrence)):
        if (n := keep(d.rule_id)) is not None:
            rows.append(
                (order, oid, d.rule_id, "deduction", n, d.unit or "", "", _us(d.occurred_at),
                 -1, -1, "", _NAN, d.points, path, -1)
            )  # fmt: skip
    for e in assessment.escalations:
        if (n := keep(e.rule_id)) is not None:
            rows.append(
                (order, oid, e.rule_id, "escalation", n, e.target_unit or "", "due",
                 _us(e.since), -1, -1, "", _NAN, _NAN, path, -1)
            )  # fmt: skip
    for r in assessment.records:
        if (n := keep(r.rule_id)) is not None:
            state = "" if r.computed is None else "true" if r.computed else "false"
            rows.append(
                (order, oid, r.rule_id, "record", n, "", state, -1, -1, -1, "", _NAN, _NAN, path,
                 -1)
            )  # fmt: skip
    return rows
