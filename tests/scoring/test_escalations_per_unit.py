"""An order with one escalation per unit concerned charges each unit once in scorecards.

daye's （十二）电话督办 is found once for each unit whose item is overdue (``once_per: unit``,
fidelity audit finding 12). The order of policies/daye/scenarios/phone_supervision_per_unit.yaml
(worked by hand there): 罗家桥街道 (ljq) and 市住建局 (zjj) assigned together, both late on
their reply. Each unit's record counts its own phone supervision, once; under the other
reading (once per order) only the unit the finding names counts it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from grievance_rules.engine.plan import plan_for
from grievance_rules.model import WorkOrder
from grievance_rules.scoring import compare, score
from grievance_rules.testing.scenarios import load_scenarios

ROOT = Path(__file__).resolve().parents[2]
KEY = "escalation:DY-12.phone"


def _case() -> tuple[WorkOrder, dt.datetime]:
    (case, *_rest) = load_scenarios(
        ROOT / "policies" / "daye" / "scenarios" / "phone_supervision_per_unit.yaml"
    )
    (record,) = case.orders
    return WorkOrder.model_validate(record), dt.datetime.fromisoformat(str(case.as_of))


@pytest.mark.parametrize("path", ["per-order", "columnar"])
@pytest.mark.parametrize(
    ("once_per", "expected"),
    [("unit", {"ljq": 1, "zjj": 1}), ("order", {"ljq": 1, "zjj": 0})],
)
def test_each_unit_counts_its_own_phone_supervision_once(
    path: str, once_per: str, expected: dict[str, int]
) -> None:
    order, as_of = _case()
    pack = plan_for("daye").pack.with_parameters({"phone_supervision_once_per": once_per})
    card = score([order], pack, as_of=as_of, path=path)  # type: ignore[arg-type]
    counted = {unit: card.row(unit, "2023-06").counts.get(KEY, 0) for unit in ("ljq", "zjj")}
    assert counted == expected


@pytest.mark.parametrize("path", ["per-order", "columnar"])
def test_a_comparison_counts_each_unit_s_escalation(path: str) -> None:
    # two phone supervisions and the meeting supervision (会议督办) under the pack's reading;
    # one phone supervision fewer under the other
    order, as_of = _case()
    daye = plan_for("daye").pack
    other = daye.with_parameters({"phone_supervision_once_per": "order"})
    result = compare([order], [daye, other], as_of=as_of, path=path)  # type: ignore[arg-type]
    assert [o.escalations for o in result.outcomes] == [3, 2]


@pytest.mark.parametrize("path", ["per-order", "columnar"])
def test_a_pack_that_escalates_fewer_times_diverges(path: str) -> None:
    # daye's 电话督办 once per unit (DY-12.phone), or once per order (the other reading,
    # phone_supervision_once_per=order): an order late at two units loses one. The what-if
    # said "diverge on 0 orders" while its escalations fell from 120 to 117: outcomes were
    # compared as sets of actions. Counted here on the engine, order by order.
    from grievance_rules.engine import evaluate
    from grievance_rules.samples import generate_orders
    from grievance_rules.scoring import what_if

    orders = list(generate_orders(300, seed=7))
    changed = plan_for("daye").pack.with_parameters({"phone_supervision_once_per": "order"})
    differing = [
        o.id
        for o in orders
        if sorted((e.rule_id, e.target_unit) for e in evaluate(o, "daye").escalations)
        != sorted((e.rule_id, e.target_unit) for e in evaluate(o, changed).escalations)
    ]
    assert len(differing) == 3
    result = what_if(orders, "daye", {"phone_supervision_once_per": "order"}, path=path)
    assert result.orders_diverging == len(differing)
    assert {e.order_id for e in result.examples} == set(differing)  # (up to 20 kept)


@pytest.mark.parametrize("path", ["per-order", "columnar"])
def test_a_warning_threshold_changed_diverges_where_a_light_changes(path: str) -> None:
    # each pack names {warning_yellow, warning_red} a switch; a what-if of one said "no
    # effect" (warning levels were no outcome): counted here on the engine, order by order
    from grievance_rules.engine import evaluate
    from grievance_rules.samples import generate_orders
    from grievance_rules.scoring import what_if

    as_of = dt.datetime(2025, 3, 5, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    orders = [o for o in generate_orders(300, seed=7) if o.received_at <= as_of]
    changed = plan_for("xiayang").pack.with_parameters({"warning_yellow": 0.7})

    def lights(pack: object, order: WorkOrder) -> list[tuple[str, int, str | None]]:
        clocks = evaluate(order, pack, as_of).clocks  # type: ignore[arg-type]
        return [(c.rule_id, c.occurrence, c.warning_level) for c in clocks]

    differing = {o.id for o in orders if lights("xiayang", o) != lights(changed, o)}
    assert differing  # (the sample has orders whose yellow light goes)
    result = what_if(orders, "xiayang", {"warning_yellow": 0.7}, as_of=as_of, path=path)
    assert result.orders_diverging == len(differing)
    assert {e.order_id for e in result.examples} == differing
