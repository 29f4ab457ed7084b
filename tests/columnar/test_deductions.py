"""The event deductions' kernel: the unit each matched event charges, read for a batch at once."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grievance_rules.columnar import evaluate_columnar
from grievance_rules.columnar.conditions import _charged_units
from grievance_rules.engine.plan import plan_for
from grievance_rules.model import WorkOrder
from grievance_rules.samples.generator import generate_orders
from grievance_rules.testing.strategies import work_orders

PLAN = plan_for("chengdong")
RULE = PLAN.deduction_rules[0][0]


CHARGES = ["handling_unit", "trigger_unit", "subject_unit", "about_unit"]
GENERATED = list(generate_orders(300, seed=17))  # (some events before any holder: the first)


def _each_events_own(orders: list[WorkOrder], charge: str) -> None:
    # every event of the batch, each read from its order's view as the engine reads an
    # occurrence: the holder after it (else the order's first), its acting or subject
    # unit, a callback's rated unit (else the holder)
    batch = evaluate_columnar(orders, PLAN).batch
    assert batch is not None
    frame = batch.frame
    rule = RULE.model_copy(update={"charge": charge})
    found = _charged_units(batch, rule, np.arange(frame.size, dtype=np.int64), frame.order)
    want: list[str | None] = []
    for i, view in enumerate(batch.views):
        first = next((u for u in view.handling if u is not None), None)
        for k, event in enumerate(view.kept):
            holder = view.handling[k] or first
            if charge == "handling_unit":
                want.append(holder)
            elif charge == "trigger_unit":
                want.append(event.unit)
            elif charge == "subject_unit":
                want.append(getattr(event, "subject_unit", None))
            else:
                rated = getattr(event, "about_unit", None) if event.type == "callback" else None
                want.append(rated or holder)
        assert frame.offsets[i + 1] - frame.offsets[i] == len(view.kept)
    assert found == want


@pytest.mark.parametrize("charge", CHARGES)
def test_charged_units_of_generated_orders_are_each_events_own(charge: str):
    _each_events_own(GENERATED, charge)


@pytest.mark.parametrize("charge", CHARGES)
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)
@given(orders=st.lists(work_orders(), min_size=1, max_size=6))
def test_charged_units_are_each_events_own(charge: str, orders: list[WorkOrder]):
    _each_events_own(orders, charge)
