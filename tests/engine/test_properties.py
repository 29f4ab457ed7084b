"""Property tests of the engine, on random coherent histories."""

import datetime as dt
import functools
import random

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from grievance_rules.engine import Assessment
from grievance_rules.engine import evaluate as checked_evaluate
from grievance_rules.engine._durable import get_adapter
from grievance_rules.engine.compiler import compile_patterns
from grievance_rules.engine.facts import build_facts
from grievance_rules.model import WorkOrder
from grievance_rules.model.events import EVENT_CLASSES, EVENT_TYPES
from grievance_rules.packs import find_pack
from grievance_rules.testing.strategies import work_orders

from .conftest import requires_durable
from .reference_matcher import ReferenceAdapter

# generated histories are arbitrary (shuffled, events of any kind in any order): the
# properties are about the engine on any order, so the history checks are skipped
evaluate = functools.partial(checked_evaluate, check_history=False)

PACKS = {name: find_pack(name) for name in ("chengdong", "xiayang", "daye")}
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def projection(a: Assessment) -> dict[str, list[tuple[object, ...]]]:
    """Findings without event indices (which move when events are added)."""
    return {
        "clocks": sorted((c.rule_id, c.occurrence, c.state, c.due, c.unit) for c in a.clocks),
        "windows": sorted((w.rule_id, w.state, w.closes_at, w.unit) for w in a.windows),
        "deductions": sorted((d.rule_id, d.points, d.unit, d.occurred_at) for d in a.deductions),
        "escalations": sorted((e.rule_id, e.target_unit, e.since) for e in a.escalations),
    }


def _last(order: WorkOrder) -> dt.datetime:
    return max([order.received_at, *(e.at for e in order.events)])


@pytest.mark.parametrize("name", sorted(PACKS))
@SETTINGS
@given(order=work_orders(), step=st.integers(1, 60 * 24 * 20), data=st.data())
def test_moving_as_of_forward_never_unbreaches_a_clock(name, order, step, data) -> None:
    pack = PACKS[name]
    first = data.draw(st.sampled_from([order.received_at, *(e.at for e in order.events)]))
    later = first + dt.timedelta(minutes=step)
    before = evaluate(order, pack, first)
    after = evaluate(order, pack, later)
    breached_before = {(c.rule_id, c.occurrence) for c in before.clocks if c.state == "breached"}
    breached_after = {(c.rule_id, c.occurrence) for c in after.clocks if c.state == "breached"}
    assert breached_before <= breached_after


@pytest.mark.parametrize("name", sorted(PACKS))
@SETTINGS
@given(order=work_orders(), seed=st.integers(0, 2**32))
def test_findings_do_not_depend_on_the_order_events_are_listed_in(name, order, seed) -> None:
    instants = [e.at for e in order.events]
    assume(len(set(instants)) == len(instants))
    shuffled = list(order.events)
    random.Random(seed).shuffle(shuffled)
    other = order.model_copy(update={"events": tuple(shuffled)})
    as_of = _last(order)
    assert projection(evaluate(order, PACKS[name], as_of)) == projection(
        evaluate(other, PACKS[name], as_of)
    )


UNRELATED = {
    name: sorted(
        set(EVENT_TYPES)
        - {
            t
            for key in compile_patterns(pack).event_rules
            for t in EVENT_TYPES
            if f'"type":"{t}"' in key
        }
        - {"dispatched", "reassigned", "return_decided", "proactive_handling", "excluded"}
        # kinds that need more than an instant and a unit are left out for simplicity
        - {
            t
            for t, cls in EVENT_CLASSES.items()
            if any(f.is_required() for n, f in cls.model_fields.items() if n != "at")
        }
    )
    for name, pack in PACKS.items()
}


@pytest.mark.parametrize("name", sorted(PACKS))
@SETTINGS
@given(order=work_orders(), data=st.data())
def test_unrelated_events_change_nothing(name, order, data) -> None:
    kinds = UNRELATED[name]
    assume(kinds)
    as_of = _last(order)
    extra = []
    for _ in range(data.draw(st.integers(1, 3))):
        kind = data.draw(st.sampled_from(kinds))
        at = data.draw(st.sampled_from([order.received_at, *(e.at for e in order.events)]))
        extra.append({"type": kind, "at": at + dt.timedelta(seconds=1), "unit": order.units[0].id})
    more = WorkOrder.model_validate(
        {**order.model_dump(), "events": [*order.model_dump()["events"], *extra]}
    )
    assert projection(evaluate(order, PACKS[name], as_of)) == projection(
        evaluate(more, PACKS[name], as_of)
    )


@pytest.mark.parametrize("name", sorted(PACKS))
@SETTINGS
@given(order=work_orders(), hours=st.integers(0, 24 * 60))
def test_an_order_with_no_events_breaches_only_what_its_clocks_say(name, order, hours) -> None:
    bare = order.model_copy(update={"events": ()})
    a = evaluate(bare, PACKS[name], bare.received_at + dt.timedelta(hours=hours))
    assert a.windows == ()
    assert all(c.start_event is None for c in a.clocks)
    assert all(d.occurrence.startswith(("clock ", "escalation ")) for d in a.deductions)
    breached = {c.rule_id for c in a.clocks if c.state == "breached"}
    for deduction in a.deductions:
        assert deduction.occurrence.split()[1].split("#")[0] in breached or (
            deduction.occurrence.startswith("escalation ")
        )


@requires_durable
@pytest.mark.parametrize("name", sorted(PACKS))
@SETTINGS
@given(order=work_orders())
def test_durable_rules_matches_what_the_reference_reading_matches(name, order) -> None:
    compiled = compile_patterns(PACKS[name])
    facts = build_facts(order, _last(order))
    # the full facts, but the 'id' match_facts gives the facts itself
    all_facts = [{k: v for k, v in f.items() if k != "id"} for f in (facts.order, *facts.events)]
    durable = get_adapter().match_facts(
        get_adapter().compile(f"{compiled.namespace}#{compiled.digest}", compiled.definition),
        all_facts,
    )
    reference = ReferenceAdapter().match_facts(compiled.definition, all_facts)
    # per fact, the rules it matched, each once (durable-rules fires an "$or" once per
    # branch that holds), in the order of the definition
    assert durable == reference
