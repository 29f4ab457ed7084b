"""Generated orders evaluate under every built-in pack, and give every rule work."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

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


def test_orders_in_a_projected_year_are_evaluated_with_their_clocks_marked_provisional():
    # docs/model.md and the generator said "evaluating them warns that the calendar is
    # provisional": the packs' calendars allow projected days; the clocks say it
    import warnings

    from grievance_rules.errors import ProvisionalCalendarWarning

    orders = list(generate_orders(40, seed=3, start=dt.date(2027, 3, 1), months=1))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ProvisionalCalendarWarning)
        assessments = [evaluate(order, "xiayang") for order in orders]
    clocks = [c for a in assessments for c in a.clocks if c.due is not None]
    assert clocks
    assert all(c.provisional for c in clocks)  # every day of 2027 is projected
    assert not [w for a in assessments for w in a.warnings if "provisional" in w.code]
    text = (Path(__file__).resolve().parents[2] / "docs" / "model.md").read_text(encoding="utf-8")
    assert "evaluating them warns" not in text
    assert "`provisional: true` (no warning is raised" in " ".join(text.split())
