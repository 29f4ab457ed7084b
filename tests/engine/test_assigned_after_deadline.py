"""A clock per assignment due at a written deadline: none for a unit given the order after it.

chengdong's 三（五）「严格在工单规定回复时限内回复」 (CD-5.written-deadline) runs a clock for each
unit the order is assigned to, due at the order's ``reply_deadline``. A unit that was given
the order only after that deadline never had it while the deadline ran: no clock runs for
it, and the unit holding the order at the deadline answers for it.
Worked by hand (2024-05-06 is a Monday; office hours 09:00-12:00, 13:30-17:30):

* ``late-move``: deadline Wed 05-08 17:30; 城建办 ``o01`` has the order from Mon 09:30;
  党政办 moves it to 东风社区 ``c07`` on Thu 05-09 10:00, which replies at 15:00. Clocks:
  ``o01`` breached (due Wed 17:30, taken from it Thu 10:00); none for ``c07``.
* ``early-move``: the same, moved on Wed 05-08 10:00: ``o01``'s clock ends unbreached
  (not yet due when the order was taken from it) and ``c07`` replies on Thu 15:00,
  late: breached at Wed 17:30.
"""

from __future__ import annotations

import datetime as dt

import pytest

from grievance_rules.columnar.batch import prepare
from grievance_rules.columnar.clocks import clock_rows, clock_rows_loop
from grievance_rules.columnar.findings import as_rows
from grievance_rules.columnar.run import _clocks_in_order
from grievance_rules.engine import evaluate
from grievance_rules.engine.plan import PackPlan, plan_for
from grievance_rules.model import WorkOrder
from tests.columnar.differential import assert_same, kernel_rows

RULE = "CD-5.written-deadline"
AS_OF = dt.datetime.fromisoformat("2024-05-20T00:00:00+08:00")
UNITS = [
    {"id": "dzb", "name": "党政办公室", "kind": "dispatch_centre"},
    {"id": "c07", "name": "东风社区", "kind": "village_community"},
    {"id": "o01", "name": "城建办", "kind": "street_office"},
]


def _order(order_id: str, moved: str) -> WorkOrder:
    return WorkOrder.model_validate(
        {
            "id": order_id,
            "channel": "hotline_12345",
            "category": "complaint",
            "received_at": "2024-05-06T09:00:00+08:00",
            "reply_deadline": "2024-05-08T17:30:00+08:00",
            "units": UNITS,
            "events": [
                {"type": "dispatched", "at": "2024-05-06T09:30:00+08:00", "unit": "dzb",
                 "to_unit": "o01"},
                {"type": "reassigned", "at": moved, "unit": "dzb", "from_unit": "o01",
                 "to_unit": "c07", "decided_by": "一把手"},
                {"type": "replied", "at": "2024-05-09T15:00:00+08:00", "unit": "c07",
                 "evidence": [{"kind": "photo"}]},
            ],
        }
    )  # fmt: skip


LATE_MOVE = _order("late-move", "2024-05-09T10:00:00+08:00")
EARLY_MOVE = _order("early-move", "2024-05-08T10:00:00+08:00")


@pytest.fixture(scope="module")
def plan() -> PackPlan:
    return plan_for("chengdong")


def _clocks(plan: PackPlan, order: WorkOrder) -> list[tuple[str | None, str, str]]:
    found = evaluate(order, plan, AS_OF).clocks
    return [(c.unit, c.state, c.due.isoformat()) for c in found if c.rule_id == RULE]


def test_no_clock_for_a_unit_given_the_order_after_the_deadline(plan: PackPlan) -> None:
    assert _clocks(plan, LATE_MOVE) == [("o01", "breached", "2024-05-08T17:30:00+08:00")]
    # nothing wrong with the data: no warning either
    assert evaluate(LATE_MOVE, plan, AS_OF).warnings == ()


def test_a_unit_given_the_order_before_the_deadline_still_answers_for_it(plan: PackPlan) -> None:
    assert _clocks(plan, EARLY_MOVE) == [
        ("o01", "met", "2024-05-08T17:30:00+08:00"),
        ("c07", "breached", "2024-05-08T17:30:00+08:00"),
    ]
    assert not [w for w in evaluate(EARLY_MOVE, plan, AS_OF).warnings if w.rule_id == RULE]


def test_the_columnar_kernels_agree(plan: PackPlan) -> None:
    orders = [LATE_MOVE, EARLY_MOVE]
    assert_same(orders, plan, AS_OF)
    ((rule, selector),) = [(r, s) for r, s in _clocks_in_order(plan) if r.id == RULE]
    part, _ = clock_rows(prepare(orders, plan, AS_OF), rule, selector, lambda *a: [])
    looped, _ = clock_rows_loop(prepare(orders, plan, AS_OF), rule, selector, lambda *a: [])
    rows = as_rows(part)
    assert kernel_rows(part) == kernel_rows(looped)
    assert sorted((row[0], row[5], row[6]) for row in rows) == [
        (0, "o01", "breached"),
        (1, "c07", "breached"),
        (1, "o01", "met"),
    ]
