"""Generated orders evaluate under every built-in pack, and give every rule work."""

from collections import Counter
from dataclasses import dataclass, field

import pytest

from grievance_rules.engine import PeriodTally, RepeatIndex, evaluate, evaluate_periods
from grievance_rules.engine.plan import plan_for
from grievance_rules.model import WorkOrder
from grievance_rules.packs import Pack, find_pack
from grievance_rules.packs.schema import ParamRef
from grievance_rules.samples import default_registry, generate_orders

PACKS = ("chengdong", "xiayang", "daye")
N = 2000


@dataclass
class Fired:
    """How many orders each rule found something in, under one pack."""

    assessed: int = 0
    deducted: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    periods: Counter[str] = field(default_factory=Counter)


@pytest.fixture(scope="module")
def orders() -> list[WorkOrder]:
    return list(generate_orders(N, seed=31))


@pytest.fixture(scope="module")
def fired(orders: list[WorkOrder]) -> dict[str, Fired]:
    repeats = RepeatIndex.from_orders(orders)
    result = {}
    kinds = {unit.id: unit.kind.value for unit in default_registry()}
    for name in PACKS:
        pack, tally, periods = find_pack(name), Fired(), PeriodTally(find_pack(name))
        for order in orders:
            assessment = evaluate(order, pack, repeats=repeats)
            periods.add(assessment)
            assert assessment.order_id == order.id
            assert assessment.warnings == (), (order.id, assessment.warnings)
            tally.assessed += 1
            tally.deducted += bool(assessment.deductions)
            found = {d.rule_id for d in assessment.deductions}
            found |= {e.rule_id for e in assessment.escalations}
            found |= {c.rule_id for c in assessment.clocks if c.state == "breached"}
            found |= {w.rule_id for w in assessment.windows if w.state == "late"}
            tally.rules.update(found)
        for finding in evaluate_periods(periods, pack, unit_kinds=kinds):
            tally.periods[finding.tier_id or finding.rule_id] += 1
        result[name] = tally
    return result


@pytest.mark.parametrize("name", PACKS)
def test_every_order_evaluates(name: str, fired: dict[str, Fired]) -> None:
    assert fired[name].assessed == N


@pytest.mark.parametrize("name", PACKS)
@pytest.mark.parametrize("kind", ["deduction", "clock", "escalation", "window"])
def test_every_rule_of_a_kind_fires_sometimes(
    name: str, kind: str, fired: dict[str, Fired]
) -> None:
    # deductions and escalations found, clocks breached, windows missed; nothing is
    # exempt (the generator's Limitations list what needs a RepeatIndex or a snapshot)
    # A clock that runs only under another reading (runs_if, off by default: 城东's
    # one-hour feedback for 属事 offices) is exempt; its scenarios show it firing.
    pack = find_pack(name)
    rules = [
        rule.id
        for rule in pack.rules
        if rule.kind == kind and getattr(rule, "runs_if", None) is None
    ]
    silent = [rule for rule in rules if fired[name].rules[rule] == 0]
    assert silent == []


def _switched_off(pack: Pack, condition: object) -> bool:
    """Whether a tier's ``all`` holds a ``param_is`` its pack's first values do not meet
    (a tier of another reading, off by default: 夏阳's 约谈 counted over the year)."""
    plan = plan_for(pack.id)
    for part in getattr(condition, "all", ()):
        for name, wanted in getattr(part, "param_is", {}).items():
            if plan.value(ParamRef(param=name), pack.manifest.effective_from) != wanted:
                return True
    return False


@pytest.mark.parametrize("name", PACKS)
def test_every_period_tier_and_ranking_fires_sometimes(name: str, fired: dict[str, Fired]) -> None:
    pack = find_pack(name)
    expected = [
        tier.id
        for rule in pack.rules
        if rule.kind == "period"
        for tier in rule.tiers
        if not _switched_off(pack, tier.when)
    ]
    expected += [rule.id for rule in pack.rules if rule.kind == "ranking"]
    assert [item for item in expected if fired[name].periods[item] == 0] == []


def test_deductions_only_where_a_pack_declares_them(fired: dict[str, Fired]) -> None:
    # chengdong deducts for a minority of orders; xiayang and daye set no points
    assert 0.1 < fired["chengdong"].deducted / N < 0.6
    assert fired["xiayang"].deducted == fired["daye"].deducted == 0
