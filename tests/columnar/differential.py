"""The reference side of the differential tests: an assessment's findings as comparable rows.

Written here from the assessment's own fields (not with the package's conversion),
so a mistake in the columnar rows cannot hide behind the same mistake on both sides.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence

import pytest

from grievance_rules.columnar import ColumnarResult, evaluate_columnar
from grievance_rules.columnar.findings import Part, as_rows
from grievance_rules.engine import evaluate
from grievance_rules.engine.assessment import Assessment
from grievance_rules.engine.plan import PackPlan
from grievance_rules.errors import NotYetReceivedError
from grievance_rules.model import WorkOrder

Key = tuple[object, ...]
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def kernel_rows(part: Part) -> list[tuple[object, ...]]:
    """A kernel's findings as rows to compare, sorted: a NaN as ``None``.

    (Two NaN are equal in a tuple only when they are the same object: a row made from
    a block of columns holds a NaN of its own.)
    """
    return sorted(
        (tuple(None if value != value else value for value in row) for row in as_rows(part)),
        key=repr,
    )


def _us(instant: dt.datetime | None) -> int:
    return -1 if instant is None else (instant - _EPOCH) // dt.timedelta(microseconds=1)


def reference_keys(assessment: Assessment) -> list[Key]:
    """(kind, rule, unit, state, start, due, stop, level, points) of every finding."""
    keys: list[Key] = []
    for c in assessment.clocks:
        keys.append(
            ("clock", c.rule_id, c.unit or "", c.state, _us(c.start), _us(c.due),
             _us(c.stopped_at), c.warning_level or "", None)
        )  # fmt: skip
    for w in assessment.windows:
        keys.append(
            ("window", w.rule_id, w.unit or "", w.state, _us(w.opened_at), _us(w.closes_at),
             _us(w.acted_at), "", None)
        )  # fmt: skip
    for d in assessment.deductions:
        keys.append(
            ("deduction", d.rule_id, d.unit or "", "", _us(d.occurred_at), -1, -1, "", d.points)
        )
    for e in assessment.escalations:
        keys.append(
            ("escalation", e.rule_id, e.target_unit or "", "due", _us(e.since), -1, -1, "", None)
        )
    for r in assessment.records:
        state = "" if r.computed is None else str(r.computed).lower()
        keys.append(("record", r.rule_id, "", state, -1, -1, -1, "", None))
    return sorted(keys, key=repr)


def columnar_keys(result: ColumnarResult) -> dict[int, list[Key]]:
    """The same keys from the findings table, per order position."""
    found: dict[int, list[Key]] = defaultdict(list)
    for row in result.findings:
        (order, _oid, rule_id, kind, _seq, unit, state, start, due, stop, level, _f, points,
         _path, _event) = row  # fmt: skip
        found[order].append(
            (kind, rule_id, unit, state, start, due, stop, level,
             None if math.isnan(points) else points)
        )  # fmt: skip
    return {order: sorted(keys, key=repr) for order, keys in found.items()}


def assert_same(
    orders: Sequence[WorkOrder], plan: PackPlan, as_of: dt.datetime | None = None
) -> ColumnarResult:
    """Evaluate both ways; fail naming the first order that differs and both sides.

    An order received after ``as_of`` did not exist then: the per-order engine refuses
    it (``NotYetReceivedError``), and only the others are compared.
    """
    if as_of is not None:
        for order in orders:
            if order.received_at > as_of:
                with pytest.raises(NotYetReceivedError):
                    evaluate(order, plan, as_of)
        orders = [order for order in orders if order.received_at <= as_of]
    result = evaluate_columnar(orders, plan, as_of=as_of)
    got = columnar_keys(result)
    for i, order in enumerate(orders):
        want = reference_keys(evaluate(order, plan, as_of))
        mine = got.get(i, [])
        if mine != want:
            only_engine = [k for k in want if k not in mine]
            only_columnar = [k for k in mine if k not in want]
            raise AssertionError(
                f"order {order.id} (position {i}) under {plan.key} differs:\n"
                f"  per-order only: {only_engine}\n  columnar only: {only_columnar}"
            )
    return result
