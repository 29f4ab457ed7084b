"""The evaluation's warnings: each once per order, however often a rule raises it."""

from __future__ import annotations

import datetime as dt

from grievance_rules.engine._context import Evaluation
from grievance_rules.engine.assessment import DataWarning
from grievance_rules.engine.matching import view_of
from grievance_rules.engine.plan import compile_pack
from grievance_rules.packs import find_pack

from .conftest import make_order


def _evaluation(shared: dict[object, object] | None = None) -> Evaluation:
    plan = compile_pack(find_pack("daye"))
    order = make_order()
    as_of = dt.datetime(2024, 5, 7, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    return Evaluation(
        order=order,
        plan=plan,
        pack=plan.pack,
        calendar=plan.calendar,
        facts=view_of(order, as_of),
        as_of=as_of,
        judged_on=as_of.date(),
        matched={},
        selectors=frozenset(),
        shared=plan.memo if shared is None else shared,
    )


def test_an_equal_warning_is_recorded_once() -> None:
    ev = _evaluation()
    ev.warn("repeat_needs_other_orders", "R-1: needs the other orders", "R-1")
    ev.warn("repeat_needs_other_orders", "R-1: needs the other orders", "R-1")
    ev.warn("repeat_needs_other_orders", "R-2: needs the other orders", "R-2")
    ev.warn("repeat_needs_other_orders", "R-1: needs the other orders")  # no rule id: another
    assert ev.warnings == [
        DataWarning(
            code="repeat_needs_other_orders", message="R-1: needs the other orders", rule_id="R-1"
        ),
        DataWarning(
            code="repeat_needs_other_orders", message="R-2: needs the other orders", rule_id="R-2"
        ),
        DataWarning(code="repeat_needs_other_orders", message="R-1: needs the other orders"),
    ]


def test_once_even_when_the_plan_shares_no_more_warnings() -> None:
    full: dict[object, object] = {k: None for k in range(5000)}  # past the sharing limit
    ev = _evaluation(full)
    ev.warn("c", "m", None)
    ev.warn("c", "m", None)
    assert ev.warnings == [DataWarning(code="c", message="m")]
    assert not [k for k in full if isinstance(k, tuple)]  # not shared, still once
