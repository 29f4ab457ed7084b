"""What a rule's condition needs on the order (the plan's ``needs``), and the rules skipped.

A deduction or escalation whose condition cannot hold when nothing it counts occurs
is skipped when none of it is on the order; a record rule none of whose triggers
counts anything takes its quiet finding. The assessments are the same as with
every rule evaluated.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from grievance_rules.engine import conditions, evaluate_many
from grievance_rules.engine.plan import _needs, compile_pack
from grievance_rules.packs import find_pack
from grievance_rules.packs.schema import (
    AllOf,
    AnyOf,
    CountOf,
    EventRef,
    NotOf,
    ParamRef,
    Trigger,
)
from grievance_rules.samples import generate_lines


@pytest.fixture(scope="module")
def chengdong_plan() -> Any:
    return compile_pack(find_pack("chengdong"))


def test_what_each_kind_of_condition_needs(chengdong_plan: Any) -> None:
    patterns = chengdong_plan.patterns
    some_ref = patterns.refs[0]
    event = Trigger(event=some_ref.event, where=dict(some_ref.where))
    name = chengdong_plan.pattern_of(event)
    e = ("event", name, None)
    assert _needs(event, patterns) == [(e,)]
    clock = Trigger(clock=("C-1", "C-2"), state="breached")
    c1, c2 = ("clock", "C-1", "breached"), ("clock", "C-2", "breached")
    assert _needs(clock, patterns) == [(c1, c2)]
    window = Trigger(window=("W-1",), state="late")
    w = ("window", "W-1", "late")
    assert _needs(window, patterns) == [(w,)]
    assert _needs(Trigger(escalation=("E-1",)), patterns) == [(("escalation", "E-1", None),)]
    assert _needs(Trigger(deduction=("D-1",)), patterns) == [()]  # never counts on one order
    # all: every part's clauses; any: one clause of every part's needs
    assert _needs(AllOf(all=[clock, AnyOf(any=[window, event])]), patterns) == [(c1, c2), (w, e)]
    assert _needs(AnyOf(any=[clock, AllOf(all=[window, event])]), patterns) == [(c1, c2, w, e)]
    # a count with a literal threshold (at_least is 1 or more) needs its trigger's; equals 0
    # or a parameter not
    assert _needs(CountOf(count=clock, at_least=2), patterns) == [(c1, c2)]
    assert _needs(CountOf(count=clock, equals=1), patterns) == [(c1, c2)]
    assert _needs(CountOf(count=clock, equals=0), patterns) is None
    assert _needs(CountOf(count=clock, at_least=ParamRef(param="n")), patterns) is None
    # "not" may hold on nothing: under "all" the other parts still need theirs
    negated = NotOf.model_validate({"not": clock})
    assert _needs(negated, patterns) is None
    assert _needs(AnyOf(any=[clock, negated]), patterns) is None
    assert _needs(AllOf(all=[negated, window]), patterns) == [(w,)]
    assert _needs(AllOf(all=[negated]), patterns) is None


def test_the_plan_holds_the_needs_as_clauses_of_event_patterns_and_others() -> None:
    plan = compile_pack(find_pack("chengdong"))
    rule = next(r for r in plan.pack.rules if r.id == "CD-7.interview-office")
    # all of: a count (at least 2) of continuation events, and the first 续报's clock
    # breached (CD-7.continuation, or under the other reading of 「一次续报到期未解决」 the
    # one a second 续报 stops: either may hold, so the clause is the two together)
    (events, none), (no_events, others) = plan.needs[rule.id]
    assert events == {plan.pattern_of(rule.when.all[0].count)}
    assert none == ()
    assert no_events == frozenset()
    assert others == (
        ("clock", "CD-7.continuation", "breached"),
        ("clock", "CD-7.first-continuation-until-second", "breached"),
    )


def test_the_built_in_packs_have_rules_to_skip(chengdong_plan: Any) -> None:
    kinds = {
        rule.id: type(rule).__name__
        for rule in chengdong_plan.pack.rules
        if rule.id in chengdong_plan.needs
    }
    assert "DeductionRule" in kinds.values()
    assert "EscalationRule" in kinds.values()
    assert chengdong_plan.record_needs


@pytest.mark.parametrize("pack_name", ["chengdong", "xiayang", "daye"])
def test_skipping_changes_no_assessment(pack_name: str) -> None:
    plan = compile_pack(find_pack(pack_name))
    every_rule = dataclasses.replace(plan, needs={}, record_needs={}, memo={}, quiet_records={})
    lines = list(generate_lines(400, seed=5))
    skipped = [r.to_json() for r in evaluate_many(lines, plan)]
    whole = [r.to_json() for r in evaluate_many(lines, every_rule)]
    assert skipped == whole
    assert all(raw is not None for raw in whole)


def test_a_deduction_on_an_event_is_skipped_only_without_the_event(
    chengdong_plan: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = chengdong_plan
    called: list[str] = []
    original = conditions.evaluate_deduction

    def counted(ev: Any, rule: Any) -> Any:
        called.append(rule.id)
        return original(ev, rule)

    monkeypatch.setattr("grievance_rules.engine.single.evaluate_deduction", counted)
    lines = list(generate_lines(200, seed=8))
    results = list(evaluate_many(lines, plan))
    assert all(r.assessment is not None for r in results)
    event_rules = {
        rule_id
        for rule_id, needs in plan.needs.items()
        if needs and all(not others for _, others in needs)  # events only
    }
    assert event_rules
    calls = [c for c in called if c in event_rules]
    found = sum(
        len({d.rule_id for d in r.assessment.deductions} & event_rules)  # type: ignore[union-attr]
        for r in results
    )
    # evaluated for some orders (every order and rule with a finding among them), skipped
    # for the others
    assert 0 < found <= len(calls)
    assert 0 < len(calls) < len(results) * len(event_rules)


def test_event_ref_patterns_are_named_once(chengdong_plan: Any) -> None:
    ref = chengdong_plan.patterns.refs[0]
    again = EventRef(event=ref.event, where=dict(ref.where))
    assert chengdong_plan.pattern_of(again) == chengdong_plan.pattern_of(ref)
