"""Period tiers and rankings from the findings table: the tally, folded from rows.

:class:`grievance_rules.engine.periods.PeriodTally` counts, per kind of period,
period and unit, the deductions (and their points), clocks and windows by state,
and escalations of each assessment; :func:`grievance_rules.engine.evaluate_periods`
judges the pack's period rules and rankings on it. :func:`period_tally` folds the
same counts from a :class:`~.run.ColumnarResult`'s rows instead of assessments (an
order excluded from assessment counts nothing), so period findings need no
per-order ``Assessment``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from grievance_rules.columnar.findings import Row
from grievance_rules.columnar.instants import EPOCH_ORDINAL, shanghai_day
from grievance_rules.engine.periods import PeriodTally, pack_period_of, tally_key
from grievance_rules.model.handling import excluded_by_flag, excluded_from_assessment

if TYPE_CHECKING:
    from grievance_rules.columnar.run import ColumnarResult
    from grievance_rules.packs import Pack

__all__ = [
    "count_rows",
    "excluded_orders",
    "period_slots",
    "period_tally",
    "row_entry",
]


def excluded_orders(result: ColumnarResult) -> set[int]:
    """Orders excluded from assessment (不纳入测评): by a flag or an ``excluded`` event.

    In a pack with records that exclude (``excluding_records``), by a flag or one of
    those records holding, as the per-order engine decides.
    """
    assert result.batch is not None
    excluding = result.plan.excluding_records
    if excluding:
        found = result.findings.orders_with(excluding, "true")
        found.update(i for i, order in enumerate(result.orders) if excluded_by_flag(order))
        return found
    found = set()
    for i, (order, view) in enumerate(zip(result.orders, result.batch.views, strict=True)):
        if excluded_from_assessment(order, view.kept):
            found.add(i)
    return found


def period_tally(result: ColumnarResult, periods: frozenset[str] = frozenset()) -> PeriodTally:
    """The period tally of a columnar result, as if fed its orders' assessments.

    Args:
        result: the columnar evaluation of one pack.
        periods: kinds of period to count in besides those the pack's rules use.
    """
    tally = PeriodTally(result.plan.pack, periods=periods)
    excluded = excluded_orders(result)
    tally.excluded = len(excluded)
    count_rows(tally, (row for row in result.findings if row[0] not in excluded))
    return tally


def row_entry(row: Row) -> tuple[str, str, str, int, str, float] | None:
    """What a findings row counts in a period tally, as :meth:`PeriodTally.add` counts it.

    Its kind, rule and state, the day it counts on (:func:`shanghai_day` of when it was
    so: a deduction or escalation when it happened, a clock when it stopped or else
    fell due (a breached clock when it fell due, stopped late or not), a window when
    its action was taken), its unit and its points; ``None`` for a record row or a row
    without a unit, which count nothing.
    """
    kind, unit = row[3], row[5]
    if not unit or kind == "record":
        return None
    points = 0.0
    if kind == "deduction":
        at, points = row[7], row[12]
    elif kind == "clock":
        at = row[8] if row[6] == "breached" or row[9] < 0 else row[9]
    elif kind == "window":
        at = row[9]
    else:
        at = row[7]
    return kind, row[2], row[6], shanghai_day(at), unit, points


def period_slots(
    pack: Pack,
    kinds: Iterable[str],
    day: int,
    unit: str,
    starts: dict[tuple[int, str], dt.date],
) -> tuple[tuple[str, dt.date, str], ...]:
    """A period tally's slot (kind of period, its first day, unit) of each kind, for a day.

    ``day``: days since 1970-01-01 on Shanghai time (:func:`shanghai_day`); ``starts``:
    a cache of (day, kind of period) → the period's first day, shared between calls.
    """
    found = []
    for period in kinds:
        start = starts.get((day, period))
        if start is None:
            date = dt.date.fromordinal(day + EPOCH_ORDINAL)
            start = starts[(day, period)] = pack_period_of(pack, date, period).start
        found.append((period, start, unit))
    return tuple(found)


def count_rows(
    tally: PeriodTally,
    rows: Iterable[Row],
    starts: dict[tuple[int, str], dt.date] | None = None,
) -> None:
    """Count findings rows into a tally, as :meth:`PeriodTally.add` counts findings.

    The rows of orders excluded from assessment must be left out by the caller
    (:meth:`PeriodTally.add` counts nothing of such an order); record rows and rows
    without a unit count nothing.

    Args:
        tally: the tally to count into.
        rows: findings rows (:data:`~grievance_rules.columnar.findings.COLUMNS`).
        starts: a cache of (day, kind of period) → the period's first day, to share
            between calls.
    """
    pack = tally.pack
    kinds = tally.counted_kinds()
    if starts is None:
        starts = {}
    for row in rows:
        found = row_entry(row)
        if found is None:
            continue
        kind, rule_id, state, day, unit, points = found
        key = tally_key(kind, rule_id, state)
        for slot in period_slots(pack, kinds, day, unit, starts):
            tally.counts[slot][key] += 1
            tally.points[slot] += points
