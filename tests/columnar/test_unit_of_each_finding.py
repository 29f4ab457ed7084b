"""The columnar kernels judge ``for_unit_kind`` and ``once_per: order_and_unit`` as the engine.

On every case of the two chengdong scenario files that reproduce the fidelity audit's
findings 2 and 3 (a rule for one kind of unit; a 超期件 of each village), under the
parameters each case sets: the same findings on both paths, computed by the kernels
(none of these rules left to the per-order engine), and the whole-batch clock kernel
equal to the order-by-order one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from grievance_rules.columnar.batch import prepare
from grievance_rules.columnar.clocks import clock_rows, clock_rows_loop
from grievance_rules.columnar.findings import as_rows
from grievance_rules.columnar.run import _clocks_in_order
from grievance_rules.engine.plan import compile_pack, plan_for
from grievance_rules.model import WorkOrder
from grievance_rules.testing.scenarios import load_scenarios

from .differential import assert_same, kernel_rows

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "policies" / "chengdong" / "scenarios"
RULES = {
    "CD-1.emergency-feedback",
    "CD-1.emergency-feedback-office",
    "CD-6.face-reply",
    "CD-6.face-reply-office",
    "CD-A2.1.overdue",
    "CD-A2.3.process-unsatisfied",
}


def _cases() -> list[Any]:
    return [
        case
        for name in ("reassigned_unit_kind.yaml", "overdue_per_unit.yaml")
        for case in load_scenarios(SCENARIOS / name)
    ]


@pytest.mark.parametrize("case", _cases(), ids=lambda case: case.name)
def test_the_columnar_path_finds_what_the_engine_finds(case: Any) -> None:
    plan = compile_pack(plan_for("chengdong").pack.with_parameters(dict(case.parameters)))
    as_of = dt.datetime.fromisoformat(str(case.as_of))
    orders = [WorkOrder.model_validate(record) for record in case.orders]
    result = assert_same(orders, plan, as_of)
    counts = result.summary()["rules"]
    for rule_id in RULES:  # every order judged by the kernels, none by the engine
        assert counts[rule_id]["per_order"] == 0, (case.name, rule_id)  # type: ignore[index]
    # the deductions and escalations the case lists, exactly (order, rule, unit, points)
    expected = sorted(
        [(d.get("order", orders[0].id), d["rule"], d["unit"], float(d["points"]))
         for d in case.expect.get("deductions", [])]
        + [(e.get("order", orders[0].id), e["rule"], e["target_unit"], None)
           for e in case.expect.get("escalations", [])],
        key=repr,
    )  # fmt: skip
    got = sorted(
        [(row[1], row[2], row[5], None if row[3] == "escalation" else row[12])
         for row in result.findings if row[3] in {"deduction", "escalation"}],
        key=repr,
    )  # fmt: skip
    assert got == expected, case.name


@pytest.mark.parametrize("case", _cases(), ids=lambda case: case.name)
def test_the_whole_batch_clock_kernel_equals_the_order_by_order_one(case: Any) -> None:
    plan = compile_pack(plan_for("chengdong").pack.with_parameters(dict(case.parameters)))
    as_of = dt.datetime.fromisoformat(str(case.as_of))
    orders = [WorkOrder.model_validate(record) for record in case.orders]
    done: dict[tuple[str, int], list[tuple[object, ...]]] = {}

    def findings(rule_id: str, i: int) -> list[tuple[object, ...]] | None:
        return done.get((rule_id, i), [])

    for rule, selector in _clocks_in_order(plan):
        part, fallback = clock_rows(prepare(orders, plan, as_of), rule, selector, findings)  # type: ignore[arg-type]
        looped, want_fallback = clock_rows_loop(
            prepare(orders, plan, as_of),
            rule,
            selector,
            findings,  # type: ignore[arg-type]
        )
        rows = as_rows(part)
        assert (fallback, kernel_rows(part)) == (want_fallback, kernel_rows(looped))
        for row in rows:
            done.setdefault((str(row[2]), int(row[0])), []).append(row)  # type: ignore[call-overload]
