"""A pack may say which exclusions from assessment count (a record rule with ``excludes``).

夏阳 三、2「审核通过的由相关领导签署后提交」: only an exclusion approved upstream leaves an
order out (``XY-8.excluded``); 城东, whose document says nothing of 不纳入测评, leaves out
any order with an ``excluded`` event. Every path decides alike: the per-order engine,
the columnar period tally, the scoring tables (one pack, and several packs at once,
each excluding its own orders).
"""

from __future__ import annotations

import json

import pytest

from grievance_rules.columnar import evaluate_columnar
from grievance_rules.columnar.periods import excluded_orders
from grievance_rules.engine import evaluate
from grievance_rules.engine.plan import compile_pack, plan_for
from grievance_rules.model import WorkOrder
from grievance_rules.samples.generator import generate_orders
from grievance_rules.scoring import compare, score


def _unapproved(order: WorkOrder) -> WorkOrder:
    """The order without its flag, its exclusions without their approver."""
    events = [
        e.model_copy(update={"approved_by": None}) if e.type == "excluded" else e
        for e in order.events
    ]
    flags = [f for f in order.flags if f.value != "excluded_from_assessment"]
    return order.model_copy(update={"events": tuple(events), "flags": tuple(flags)})


def _orders() -> list[WorkOrder]:
    orders = list(generate_orders(400, seed=17))
    excluding = [i for i, o in enumerate(orders) if any(e.type == "excluded" for e in o.events)]
    assert len(excluding) >= 4  # the generator excludes about 2 % of the orders
    # half of them: no approver recorded, no flag; a quarter: no flag, approved
    for k, i in enumerate(excluding):
        order = orders[i]
        if k % 2 == 0:
            orders[i] = _unapproved(order)
        elif k % 4 == 1:
            flags = [f for f in order.flags if f.value != "excluded_from_assessment"]
            orders[i] = order.model_copy(update={"flags": tuple(flags)})
    return orders


ORDERS = _orders()


def _expected(order: WorkOrder, approval: bool) -> bool:
    flagged = any(f.value == "excluded_from_assessment" for f in order.flags)
    return flagged or any(
        e.type == "excluded" and (not approval or e.approved_by is not None)  # type: ignore[attr-defined]
        for e in order.events
    )


@pytest.mark.parametrize(
    ("name", "changes", "approval"),
    [
        ("xiayang", {}, True),
        ("xiayang", {"exclusion_approval": "not_required"}, False),
        ("chengdong", {}, False),
        ("daye", {}, False),
    ],
)
def test_each_path_excludes_the_orders_the_pack_says(name, changes, approval) -> None:
    plan = compile_pack(plan_for(name).pack.with_parameters(changes)) if changes else plan_for(name)
    expected = {i for i, o in enumerate(ORDERS) if _expected(o, approval)}
    engine = {i for i, o in enumerate(ORDERS) if evaluate(o, plan).excluded_from_assessment}
    assert engine == expected
    assert excluded_orders(evaluate_columnar(ORDERS, plan)) == expected
    if approval:  # some orders the other packs leave out stay in
        assert expected < {i for i, o in enumerate(ORDERS) if _expected(o, False)}


def test_the_scoring_tables_exclude_per_pack() -> None:
    per_order = score(ORDERS, "xiayang", period="month", path="per-order")
    columnar = score(ORDERS, "xiayang", period="month", path="columnar")
    assert columnar.model_dump_json() == per_order.model_dump_json()
    assert per_order.excluded == sum(_expected(o, True) for o in ORDERS)
    # under several packs at once each excludes its own
    both = [
        json.loads(compare(ORDERS, ["chengdong", "xiayang"], path=path).model_dump_json())
        for path in ("per-order", "columnar")
    ]
    assert both[0] == both[1]
    compared = compare(ORDERS, ["chengdong", "xiayang"], path="columnar")
    excluded = {card.pack.split("@")[0]: card.excluded for card in compared.scorecards}
    cards = {
        pack: score(ORDERS, pack, period="month", path="columnar")
        for pack in ("chengdong", "xiayang")
    }
    assert cards["chengdong"].excluded == sum(_expected(o, False) for o in ORDERS)
    assert cards["xiayang"].excluded < cards["chengdong"].excluded
    assert excluded == {pack: card.excluded for pack, card in cards.items()}
