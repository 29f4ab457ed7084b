"""The two matching backends give byte-identical assessments; plans are compiled once.

The native matcher (compiled predicates) is the default; durable-rules is the optional
backend. On generated orders and on orders that meet or miss a time limit by a hair,
for the three built-in packs and the demo pack, the assessments' JSON must be equal
but for the ``engine`` field that says which backend judged.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grievance_rules.engine import PackPlan, compile_pack, evaluate, evaluate_each, plan_for
from grievance_rules.engine.matching import get_matcher
from grievance_rules.errors import EngineError, NotYetReceivedError, PackError
from grievance_rules.model import WorkOrder
from grievance_rules.packs import Pack, find_pack, load_pack
from grievance_rules.packs.schema import ClockRule, ParamRef
from grievance_rules.testing.strategies import boundary_cases, work_orders

from .conftest import HERE, dispatched, make_order, requires_durable

BUILTIN = ("chengdong", "xiayang", "daye")
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)


def _without_engine(text: str) -> dict[str, object]:
    data = json.loads(text)
    data.pop("engine")
    return data


def _both(order: WorkOrder, pack: Pack, as_of: dt.datetime | None = None) -> None:
    native = evaluate(order, pack, as_of, engine="native").model_dump_json()
    durable = evaluate(order, pack, as_of, engine="durable").model_dump_json()
    assert json.loads(native)["engine"] == "native"
    assert json.loads(durable)["engine"] == "durable"
    assert _without_engine(native) == _without_engine(durable)
    # byte for byte, but for the engine's name
    assert native.replace('"engine":"native"', '"engine":"durable"') == durable


PACKS = {name: find_pack(name) for name in BUILTIN}


@requires_durable
@pytest.mark.parametrize("name", [*BUILTIN, "demo"])
@SETTINGS
@given(order=work_orders(), hours=st.integers(-24, 24 * 60))
def test_both_backends_assess_generated_orders_alike(name: str, order: WorkOrder, hours: int):
    pack = PACKS[name] if name in PACKS else load_pack(HERE / "packs" / "demo")
    _both(order, pack)
    as_of = order.received_at + dt.timedelta(hours=hours)
    if hours >= 0:
        _both(order, pack, as_of)
        return
    for engine in ("native", "durable"):  # before its receipt the order did not exist
        with pytest.raises(NotYetReceivedError):
            evaluate(order, pack, as_of, engine=engine)


@requires_durable
@pytest.mark.parametrize("name", BUILTIN)
@SETTINGS
@given(data=st.data())
def test_both_backends_assess_boundary_orders_alike(name: str, data: st.DataObject):
    case = data.draw(boundary_cases(PACKS[name]))
    _both(case.order, PACKS[name], case.as_of)
    _both(case.order, PACKS[name], case.due)


@requires_durable
def test_both_backends_judge_a_batch_under_several_packs_alike():
    orders = [
        make_order(dispatched(f"2024-05-{d:02d}T09:30"), id=f"B{d}").model_dump(mode="json")
        for d in range(6, 12)
    ]
    native = list(evaluate_each(orders, BUILTIN, engine="native"))
    durable = list(evaluate_each(orders, BUILTIN, engine="durable"))
    assert len(native) == len(durable) == 6
    for mine, theirs in zip(native, durable, strict=True):
        assert [r.assessment.engine for r in mine] == ["native"] * 3  # type: ignore[union-attr]
        assert [_without_engine((r.to_json() or b"").decode()) for r in mine] == [
            _without_engine((r.to_json() or b"").decode()) for r in theirs
        ]


def test_an_unknown_engine_is_refused_by_name():
    with pytest.raises(EngineError, match="unknown engine 'drools'; one of: native, durable"):
        evaluate(make_order(), "daye", engine="drools")  # type: ignore[arg-type]


def test_a_missing_durable_rules_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch):
    from grievance_rules.engine import _durable, matching

    def missing() -> object:
        raise ImportError("No module named 'durable'")

    monkeypatch.setattr(matching, "_MATCHERS", {})
    monkeypatch.setattr(_durable, "_ADAPTER", None)
    monkeypatch.setattr(_durable, "_ENGINE", None)
    monkeypatch.setitem(__import__("sys").modules, "durable", None)
    with pytest.raises(EngineError, match=r"pip install 'grievance-rules\[durable\]'"):
        get_matcher("durable")
    del missing


def test_every_assessment_names_its_backend_and_pack_content():
    assessment = evaluate(make_order(dispatched("2024-05-06T09:30")), "daye")
    assert assessment.engine == "native"
    assert assessment.pack_hash == find_pack("daye").content_hash
    assert len(assessment.pack_hash) == 64
    assert assessment.pack_origin == "builtin"
    by_path = evaluate(make_order(dispatched("2024-05-06T09:30")), HERE / "packs" / "demo")
    assert (by_path.pack_origin, by_path.pack) == ("path", "demo@1")


# --- the plan -------------------------------------------------------------------------------


def test_compiling_attaches_nothing_to_the_pack():
    pack = find_pack("chengdong")
    before = dict(vars(pack))
    plan = compile_pack(pack)
    assert isinstance(plan, PackPlan)
    assert plan.pack is pack
    assert set(vars(pack)) == set(before)
    with pytest.raises(AttributeError):
        plan.pack = pack  # type: ignore[misc]


def test_the_plan_indexes_each_event_reference_by_its_type():
    plan = compile_pack(PACKS["xiayang"])
    types = set(plan.event_predicates)
    for clock, _ in plan.clock_rules:
        assert clock.stop.event in types
        assert plan.pattern_of(clock.stop) in dict(plan.event_predicates[clock.stop.event])
    assert all(
        names == sorted(names)
        for names in ([n for n, _ in tests] for tests in plan.event_predicates.values())
    )


def test_escalations_come_after_the_escalations_they_count():
    plan = compile_pack(PACKS["chengdong"])
    seen: set[str] = set()
    for rule, _ in plan.escalation_rules:
        from grievance_rules.packs.schema import iter_triggers

        counted = {rid for t in iter_triggers(rule.when) for rid in t.escalation}
        assert counted <= seen | {r.id for r, _ in plan.escalation_rules if r.id == rule.id}
        seen.add(rule.id)


def test_parameters_are_resolved_per_date_segment():
    pack = PACKS["daye"]
    plan = compile_pack(pack)
    for name, parameter in pack.parameters.items():
        for dated in parameter.values:
            assert plan.value(ParamRef(param=name), dated.from_) == dated.value
            assert plan.value(ParamRef(param=name), dated.from_ + dt.timedelta(days=1)) == (
                parameter.value_on(dated.from_ + dt.timedelta(days=1))
            )
        before = parameter.values[0].from_ - dt.timedelta(days=1)
        with pytest.raises(PackError, match=f"parameter '{name}' has no value on {before}"):
            plan.value(ParamRef(param=name), before)
    assert plan.value(3, dt.date(2020, 1, 1)) == 3


def test_overrides_hold_on_every_date():
    pack = PACKS["chengdong"]
    name = next(iter(pack.parameters))
    value = pack.parameters[name].values[-1].value
    plan = compile_pack(pack.with_parameters({name: value}))
    assert plan.value(ParamRef(param=name), dt.date(1990, 1, 1)) == value


def _mentions_repeat(node: object) -> bool:
    """Whether a condition's data (as the YAML wrote it) has a ``repeat`` anywhere."""
    if isinstance(node, dict):
        return "repeat" in node or any(_mentions_repeat(v) for v in node.values())
    if isinstance(node, list):
        return any(_mentions_repeat(v) for v in node)
    return False


def test_the_repeat_rules_are_known_at_compile_time():
    found = set()
    for name in BUILTIN:
        plan = compile_pack(PACKS[name])
        expected = {
            rule.id
            for rule in PACKS[name].rules
            if getattr(rule, "when", None) is not None
            and _mentions_repeat(rule.when.model_dump(by_alias=True, exclude_defaults=True))
        }
        assert plan.repeat_rules == expected
        found |= expected
    assert found  # some built-in rule counts repeat complaints


# --- finding plans by name -------------------------------------------------------------------


def test_a_name_is_compiled_once_and_gives_what_the_loaded_pack_gives():
    order = make_order(dispatched("2024-05-06T09:30"))
    first = plan_for("daye")
    assert plan_for("daye") is first
    assert (
        evaluate(order, "daye").model_dump_json()
        == evaluate(order, PACKS["daye"]).model_dump_json()
    )
    assert plan_for(first.pack) is first


def test_a_pack_whose_files_change_is_loaded_again(tmp_path: Path):
    folder = tmp_path / "demo"
    shutil.copytree(HERE / "packs" / "demo", folder)
    first = plan_for(folder)
    assert plan_for(folder) is first
    manifest = folder / "pack.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text + "\n# a comment\n", encoding="utf-8")
    second = plan_for(folder)
    assert second is not first
    assert second.pack.content_hash != first.pack.content_hash
    manifest.write_text(text, encoding="utf-8")  # the same content again: the same plan
    assert plan_for(folder).pack.content_hash == first.pack.content_hash


@pytest.mark.parametrize("by", ["directory", "object"])
def test_threads_asking_at_once_for_a_new_pack_compile_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    # a service's threads evaluating by name on its first requests: one compiles the
    # pack, the others wait for it (each used to compile its own, 2-3 times in 8)
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    import grievance_rules.engine.plan as plans
    from grievance_rules.packs import load_pack

    folder = tmp_path / "demo"
    shutil.copytree(HERE / "packs" / "demo", folder)
    given: Path | object = folder if by == "directory" else load_pack(folder)
    compiled = []
    real = plans.compile_pack

    def slow(pack: object) -> PackPlan:
        compiled.append(pack)
        time.sleep(0.05)  # (a wide window for another thread to come in)
        return real(pack)  # type: ignore[arg-type]

    monkeypatch.setattr(plans, "compile_pack", slow)
    start = threading.Barrier(8)

    def ask(_: int) -> PackPlan:
        start.wait()
        return plan_for(given)  # type: ignore[arg-type]

    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(ask, range(8)))
    assert len(compiled) == 1
    assert all(plan is found[0] for plan in found)


def test_a_plan_can_be_given_instead_of_a_pack():
    plan = compile_pack(PACKS["xiayang"])
    order = make_order(dispatched("2024-05-06T09:30"))
    assert evaluate(order, plan) == evaluate(order, PACKS["xiayang"])
    assert any(isinstance(rule, ClockRule) for rule, _ in plan.clock_rules)


def test_a_name_keeps_its_plan_after_many_other_packs_were_compiled():
    from grievance_rules.engine.plan import PLAN_CACHE_SIZE

    first = plan_for("daye")
    others = [PACKS["xiayang"].with_parameters({}) for _ in range(PLAN_CACHE_SIZE + 5)]
    for other in others:
        plan_for(other)
    again = plan_for("daye")
    assert again is first
    assert plan_for(again.pack) is first


# --- the condition trees -----------------------------------------------------------------------


def test_every_condition_is_compiled_once_into_the_plan():
    from grievance_rules.packs.schema import (
        DeductionRule,
        EscalationRule,
        PeriodRule,
        RecordRule,
    )

    for name in BUILTIN:
        pack = PACKS[name]
        plan = compile_pack(pack)
        whens = [
            rule.when
            for rule in pack.rules
            if isinstance(rule, DeductionRule | EscalationRule | RecordRule) and rule.when
        ]
        whens += [
            tier.when for rule in pack.rules if isinstance(rule, PeriodRule) for tier in rule.tiers
        ]
        assert whens
        for when in whens:
            assert plan.condition(when) is plan.conditions[id(when)]
        assert len(plan.conditions) == len(whens)


def test_a_tree_judges_a_period_by_its_counts_and_writes_what_it_read():
    from grievance_rules.engine.condition_tree import compile_condition
    from grievance_rules.packs.schema import AllOf, CountOf, NotOf, Trigger

    cond = AllOf(
        all=(
            CountOf(count=Trigger(deduction=("D-1",)), at_least=ParamRef(param="n")),
            NotOf(not_=CountOf(count=Trigger(escalation=("E-1",)), equals=0)),
        )
    )

    class Week:
        def __init__(self, counts: dict[str, int]) -> None:
            self.counts = counts
            self.notes: list[str] = []

        def count(self, trigger: Trigger) -> int:
            key = "deduction:D-1" if trigger.deduction else "escalation:E-1"
            return self.counts.get(key, 0)

        def label(self, trigger: Trigger) -> str:
            return "deduction:D-1" if trigger.deduction else "escalation:E-1"

        def value(self, ref: object) -> object:
            return 2 if isinstance(ref, ParamRef) else ref

    tree = compile_condition(cond)
    busy = Week({"deduction:D-1": 3, "escalation:E-1": 1})
    assert tree.holds_in_period(busy) is True
    assert busy.notes == [
        "deduction:D-1: 3 (>= 2, parameter n: yes)",
        "escalation:E-1: 1 (== 0: no)",
    ]
    quiet = Week({"deduction:D-1": 3})
    assert tree.holds_in_period(quiet) is False  # no escalation: the not fails
    assert tree.has_repeat is False
