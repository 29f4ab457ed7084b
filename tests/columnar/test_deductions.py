"""The event deductions' kernel: the unit each matched event charges, read for a batch at once."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grievance_rules.columnar import evaluate_columnar
from grievance_rules.columnar.deductions import _booked, _booked_over_batch, _charged_units
from grievance_rules.columnar.findings import Row, as_rows
from grievance_rules.engine.plan import compile_pack, plan_for
from grievance_rules.model import WorkOrder
from grievance_rules.packs.schema import Progression, Trigger
from grievance_rules.samples.generator import generate_orders
from grievance_rules.testing.strategies import work_orders

from .differential import assert_same

PLAN = plan_for("chengdong")
RULE = PLAN.deduction_rules[0][0]


CHARGES = ["handling_unit", "trigger_unit", "subject_unit", "about_unit"]
GENERATED = list(generate_orders(300, seed=17))  # (some events before any holder: the first)
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)


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
@SETTINGS
@given(orders=st.lists(work_orders(), min_size=1, max_size=6))
def test_charged_units_are_each_events_own(charge: str, orders: list[WorkOrder]):
    _each_events_own(orders, charge)


# 附件2's readings a deduction kernel books by (counted once per order or per unit
# charged; points for villages only or for every unit): each pack copy under one of them
READINGS = [
    {"annex2_once_per": "order"},
    {"annex2_once_per": "order", "annex2_assesses": "all"},
    {"annex2_once_per": "order_and_unit", "annex2_assesses": "all"},
]
READING_PLANS = [compile_pack(PLAN.pack.with_parameters(reading)) for reading in READINGS]


@pytest.mark.parametrize("reading", range(len(READINGS)))
def test_generated_orders_book_alike_on_both_paths_under_each_reading(reading: int):
    # the deductions over the batch (once per order or unit, points by the unit's kind,
    # doubled per redo) are the per-order engine's, order by order
    result = assert_same(GENERATED, READING_PLANS[reading])
    booked = [row for row in result.findings if row[3] == "deduction"]
    assert len({row[2] for row in booked}) >= 5  # (several of 附件2's items booked)


@pytest.mark.parametrize("reading", range(len(READINGS)))
@SETTINGS
@given(orders=st.lists(work_orders(), min_size=1, max_size=6))
def test_hypothesis_orders_book_alike_on_both_paths(reading: int, orders: list[WorkOrder]):
    assert_same(orders, READING_PLANS[reading])


class _Found:
    """Other rules' rows as a kernel finds them (``BatchFindings``), none run per order."""

    def __init__(self, rows: dict[str, list[Row]]) -> None:
        self.rows = rows

    def __call__(self, rule_id: str, i: int) -> list[Row]:
        return [row for row in self.rows.get(rule_id, []) if row[0] == i]

    def of_rule(self, rule_id: str) -> tuple[list[Row], set[int]]:
        return self.rows.get(rule_id, []), set()

    def parts_of_rule(self, rule_id: str) -> tuple[list[list[Row]], set[int]]:
        rows = self.rows.get(rule_id)
        return ([rows] if rows else []), set()


def test_findings_at_one_instant_are_counted_in_the_order_of_their_labels():
    # 城东 附件2 二、1 「超期件：超期回复或回退，每件扣1分」, counted once an order
    # (annex2_once_per: order): two reply clocks breached at the same due instant, each
    # against its own village. The engine orders occurrences at one instant by their
    # labels, "clock CD-5.provincial-urgent#0 breached" before "clock
    # CD-5.written-deadline#0 breached" (the rule lists the written deadline first), so
    # the order is counted once, for comm2.
    plan = READING_PLANS[0]
    (rule,) = [r for r, _selector in plan.deduction_rules if r.id == "CD-A2.1.overdue"]
    order = WorkOrder.model_validate(
        {
            "id": "TIE-2",
            "channel": "12345",
            "category": "投诉",
            "received_at": "2024-05-06T09:12:00+08:00",
            "units": [
                {"id": "ctr", "kind": "dispatch_centre"},
                {"id": "comm", "kind": "village_community"},
                {"id": "comm2", "kind": "village_community"},
            ],
            "events": [
                {"type": "dispatched", "at": "2024-05-06T09:30:00+08:00", "unit": "ctr",
                 "to_unit": "comm"},
            ],
        }
    )  # fmt: skip
    batch = evaluate_columnar([order], plan).batch
    assert batch is not None
    start, due = 1_714_959_000_000_000, 1_715_151_600_000_000  # (µs: the same due for both)
    nan = float("nan")
    rows: dict[str, list[Row]] = {
        rule_id: [(0, "TIE-2", rule_id, "clock", 0, unit, "breached", start, due, -1, "",
                   nan, nan, "columnar", 0)]
        for rule_id, unit in (("CD-5.written-deadline", "comm"),
                              ("CD-5.provincial-urgent", "comm2"))
    }  # fmt: skip
    triggers = [t for t in rule.when.any if isinstance(t, Trigger)]
    part, fallback = _booked_over_batch(batch, rule, triggers, [0], _Found(rows))
    assert fallback == set()
    (row,) = as_rows(part)
    assert row[:11] + row[12:] == (
        0, "TIE-2", "CD-A2.1.overdue", "deduction", 0, "comm2", "", due, -1, -1, "",
        -1.0, "columnar", -1,
    )  # fmt: skip
    assert math.isnan(row[11])  # (no elapsed fraction)


def test_an_events_own_points_are_not_doubled_under_a_progression():
    # 附件2 二、11 books the points an external deduction carries (points: from_event); a
    # progression doubles the rule's own points only (deduction_points: an event's own
    # points are taken as they are), so three such events on one order book -1, -2 and
    # 0 (the third carries none), each at its place in the order
    (rule,) = [r for r, _s in PLAN.deduction_rules if r.id == "CD-A2.11.planned-completion"]
    doubled = rule.model_copy(
        update={"progression": Progression(kind="doubling"), "assesses": None}
    )
    batch = evaluate_columnar(GENERATED[:3], PLAN).batch
    assert batch is not None
    part = _booked(
        batch, doubled, np.array([1, 1, 1]), np.array([10, 20, 30]), ["c1"] * 3, [-1.0, -2.0, None]
    )
    assert [(r[0], r[4], r[5], r[7], r[12]) for r in as_rows(part)] == [
        (1, 0, "c1", 10, -1.0),
        (1, 1, "c1", 20, -2.0),
        (1, 2, "c1", 30, 0.0),
    ]


def test_a_rules_terms_are_shared_by_the_dates_of_a_segment_that_has_them_all():
    import datetime as dt
    from types import SimpleNamespace

    from grievance_rules.columnar.deductions import _terms_of_days
    from grievance_rules.errors import PackError
    from grievance_rules.packs.parameters import ParameterTable
    from grievance_rules.packs.schema import ParamRef

    table = ParameterTable(
        pack_id="t",
        parameters_file="parameters.yaml",
        starts=(dt.date.min, dt.date(2024, 7, 1)),
        values=({"p": 2.0}, {"p": 3.0, "once": "order"}),  # "once" only from 2024-07-01
        first_dates={"p": dt.date.min, "once": dt.date(2024, 7, 1)},
    )
    days = [dt.date(2024, 3, 1), dt.date(2024, 3, 2), dt.date(2024, 8, 1), dt.date(2024, 8, 2)]
    batch = SimpleNamespace(
        judged_groups=lambda: (days, np.arange(4)),
        plan=SimpleNamespace(parameters=table, value=table.value),
    )
    rule = SimpleNamespace(
        points=ParamRef(param="p"), cap=None, counted_once_per=ParamRef(param="once"),
        assesses=None,
    )  # fmt: skip
    terms = _terms_of_days(batch, rule, [2, 0, 3, 1])  # type: ignore[arg-type]
    assert [terms[d].base for d in range(4)] == [2.0, 2.0, 3.0, 3.0]
    assert terms[2] is terms[3]  # one segment, with every value
    assert terms[2].once == "order"
    # the first segment has no "once": each of its dates reads it, and fails, as its own
    assert terms[0] is not terms[1]
    for d in (0, 1):
        with pytest.raises(PackError, match=days[d].isoformat()):
            _ = terms[d].once
