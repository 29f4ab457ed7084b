"""Period tiers and rankings from the findings table equal those from the assessments."""

from __future__ import annotations

import datetime as dt

import pytest

from grievance_rules.columnar import evaluate_columnar
from grievance_rules.engine import evaluate
from grievance_rules.engine.periods import PeriodTally, evaluate_periods
from grievance_rules.engine.plan import plan_for
from grievance_rules.samples.generator import generate_orders

ORDERS = list(generate_orders(400, seed=23))


def _plain(tally: PeriodTally) -> tuple[dict[object, object], dict[object, float], int]:
    counts = {slot: dict(keys) for slot, keys in tally.counts.items()}
    return counts, dict(tally.points), tally.excluded


@pytest.mark.parametrize("name", ["chengdong", "xiayang", "daye"])
@pytest.mark.parametrize("as_of", [None, "2025-08-01T12:00+08:00"])
def test_period_findings_from_the_table(name: str, as_of: str | None):
    plan = plan_for(name)
    instant = dt.datetime.fromisoformat(as_of) if as_of else None
    # the orders received by as_of (those after it did not exist then)
    orders = [o for o in ORDERS if instant is None or o.received_at <= instant]
    result = evaluate_columnar(orders, plan, as_of=instant)
    reference = PeriodTally(plan.pack, periods=frozenset({"month"}))
    for order in orders:
        reference.add(evaluate(order, plan, instant))
    tally = result.period_tally(frozenset({"month"}))
    assert _plain(tally) == _plain(reference)
    assert tally.counts  # something was counted
    units = {unit.id: unit.kind.value for order in ORDERS for unit in order.units}
    mine = evaluate_periods(tally, plan.pack, unit_kinds=units)
    theirs = evaluate_periods(reference, plan.pack, unit_kinds=units)
    assert [f.model_dump() for f in mine] == [f.model_dump() for f in theirs]
    if name != "daye":  # daye has no period rule or ranking
        assert mine
