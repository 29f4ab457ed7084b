"""The escalation rules' kernel: a row per order (or per unit) on which an escalation is due.

An escalation is due when its condition holds (:mod:`.conditions`): from the instant
it first held, with its target unit and level.
"""

from __future__ import annotations

from itertools import compress

import numpy as np
import numpy.typing as npt

from grievance_rules.columnar.batch import OrderBatch
from grievance_rules.columnar.conditions import (
    BatchFindings,
    UnsupportedError,
    applying_orders,
    counting_of,
    judge_order,
    since_with_findings,
)
from grievance_rules.columnar.findings import Row
from grievance_rules.columnar.instants import to_us
from grievance_rules.engine.conditions import COUNTED_TARGETS, counted_unit, found_per_unit
from grievance_rules.model.handling import unit_kind
from grievance_rules.packs.schema import EscalationRule

__all__ = ["escalation_rows"]

_NAN = float("nan")
_NONE = -1
_LATEST = np.iinfo(np.int64).max
Int64s = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


def escalation_rows(
    batch: OrderBatch,
    rule: EscalationRule,
    selector: str,
    findings: BatchFindings,
    only: set[int] | None = None,
) -> tuple[list[Row], set[int]]:
    """A row per order on which the escalation is due, and the orders left to the engine.

    ``only``: the orders where the condition could hold (all when ``None``). Unless the
    escalation targets the unit a trigger counted (``trigger_unit``, or ``about_unit``,
    judged per order), its condition is judged over the whole batch where it can be
    (:func:`since_with_findings`), and per order elsewhere.
    """
    rows: list[Row] = []
    unknown: Bools | None = None
    target = rule.target.unit
    if target not in COUNTED_TARGETS:
        over = since_with_findings(batch, rule.when, findings)
        if over is not None:
            held, since_us, unknown = over
            rows = _escalations_over_batch(batch, rule, selector, held & ~unknown, since_us)
            if not unknown.any():
                return rows, set()
    elif rule.once_per is not None and target == "trigger_unit":
        per_unit = _per_unit_over_batch(batch, rule, selector, findings)
        if per_unit is not None:
            rows, unknown = per_unit
            if not unknown.any():
                return rows, set()
    judged = applying_orders(batch, selector, only)
    if unknown is not None:  # judged per order only where the batch judge could not
        judged = [i for i in judged if unknown[i]]
    fallback: set[int] = set()
    for i in judged:
        try:
            holds, since, counted = judge_order(batch, i, rule.when, findings)
        except UnsupportedError:
            fallback.add(i)
            continue
        if not holds:
            continue
        since = since or batch.orders[i].received_at
        if rule.once_per is not None and counted and batch.value(rule.once_per, i) == "unit":
            seq = 0
            for unit, unit_since, _counted in found_per_unit(counted, since, target=target):
                row = _escalation_row(batch, i, rule, seq, unit, to_us(unit_since))
                if row is not None:
                    rows.append(row)
                    seq += 1
            continue
        if target in COUNTED_TARGETS:
            unit = counted_unit(counted[-1], target) if counted else None
        else:
            unit = _target_unit(batch, i, target, to_us(since))
        row = _escalation_row(batch, i, rule, 0, unit, to_us(since))
        if row is not None:
            rows.append(row)
    return rows, fallback


def _per_unit_over_batch(
    batch: OrderBatch, rule: EscalationRule, selector: str, findings: BatchFindings
) -> tuple[list[Row], Bools] | None:
    """The rows of an escalation to the unit a trigger counted, once per unit, over the batch.

    As the per-order loop of :func:`escalation_rows` with ``once_per: unit``: where
    the condition holds, one row per distinct unit among the occurrences it counted
    (:func:`~grievance_rules.engine.conditions.found_per_unit`: dated at the later of
    the condition's instant and the unit's first occurrence, in order of those
    instants, then of the units), or one row without a unit where it counted none.
    Also returned: the orders left to the per-order judge (where a rule the condition
    reads ran per order, or where the rule is found once per order on the order's
    judged date). ``None``: the condition needs the per-order judge throughout.
    """
    counting = counting_of(batch, rule.when, findings)
    if counting is None:
        return None
    assert rule.once_per is not None
    days, day_of = batch.judged_groups()
    by_unit = np.asarray([batch.plan.value(rule.once_per, day) == "unit" for day in days])
    unit_days = by_unit[day_of] if len(day_of) else np.zeros(0, dtype=bool)
    applies = counting.holds & batch.selector_mask(selector)
    unknown = counting.unknown | (applies & ~unit_days)
    judged = applies & ~unknown
    frame = batch.frame
    since = np.where(counting.since != _NONE, counting.since, frame.received_us)
    first: dict[tuple[int, str | None], int] = {}  # (order, unit) → its first occurrence
    kept = judged[counting.order] if len(counting.order) else np.zeros(0, dtype=bool)
    for i, at, unit in compress(
        zip(counting.order.tolist(), counting.at.tolist(), counting.units, strict=True),
        kept.tolist(),
    ):
        key = (i, unit)
        if at < first.get(key, _LATEST):
            first[key] = at
    since_l = since.tolist()
    found = [(i, max(since_l[i], at), unit or "", unit) for (i, unit), at in first.items()]
    counted = {first_order for first_order, _unit in first}
    for i in np.flatnonzero(judged).tolist():
        if i not in counted:  # it held counting nothing: one row, no unit
            found.append((i, since_l[i], "", None))
    found.sort()
    rows: list[Row] = []
    seq: dict[int, int] = {}
    for i, at, _name, unit in found:
        row = _escalation_row(batch, i, rule, seq.get(i, 0), unit, at)
        if row is not None:
            rows.append(row)
            seq[i] = seq.get(i, 0) + 1
    return rows, unknown


def _escalations_over_batch(
    batch: OrderBatch, rule: EscalationRule, selector: str, holds: Bools, since: Int64s
) -> list[Row]:
    """The escalation rows where the condition holds, from :func:`~.conditions.since_over_batch`."""
    frame = batch.frame
    due = np.flatnonzero(holds & batch.selector_mask(selector))
    instants = np.where(since[due] != _NONE, since[due], frame.received_us[due]).tolist()
    rows: list[Row] = []
    for i, at in zip(due.tolist(), instants, strict=True):
        row = _escalation_row(batch, i, rule, 0, _target_unit(batch, i, rule.target.unit, at), at)
        if row is not None:
            rows.append(row)
    return rows


def _target_unit(batch: OrderBatch, i: int, target: str | None, at_us: int) -> str | None:
    """An escalation's target unit (any target but ``trigger_unit``).

    The unit holding the order at ``at_us``, or the order's dispatch centre; ``None``
    for no unit.
    """
    if target == "handling_unit":
        return batch.frame.handling_at(i, at_us)
    if target == "dispatch_centre":
        units = batch.orders[i].units
        return next((u.id for u in units if u.kind._value_ == "dispatch_centre"), None)
    return None


def _escalation_row(
    batch: OrderBatch, i: int, rule: EscalationRule, seq: int, unit: str | None, at_us: int
) -> Row | None:
    """One escalation row (``None``: the unit is of a kind ``for_unit_kind`` leaves out)."""
    order = batch.orders[i]
    if rule.for_unit_kind and unit_kind(order, unit) not in rule.for_unit_kind:
        return None
    return (i, order.id, rule.id, "escalation", seq, unit or "", "due", at_us, -1, -1, "",
            _NAN, _NAN, "columnar", -1)  # fmt: skip
