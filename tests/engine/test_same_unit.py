"""``same_unit``: an ``after`` / ``unless_after`` event counts only when the same unit acted.

daye's （八）「承办单位在收到工单后,应及时联系诉求人…严禁在未联系诉求人的情况下虚假回复」: the
承办单位 is the subject of both 联系 and 答复, so a reply is covered only by its own unit's
contact. A small pack of three escalations, each targeting the unit that replied, once per
unit, on orders of 2023-06-05 (a Monday), worked by hand:

* ``S-after``: a reply after a first contact of the same unit;
* ``S-unless``: a reply with no first contact of the same unit before it;
* ``S-any``: a reply with no first contact of any unit before it (``same_unit`` not given);
* ``S-after-any``: a reply after a first contact of any unit.

Both matching backends and the columnar path give the same findings; each finding's
trace names the event that satisfied ``after`` and, with ``same_unit``, every earlier
event passed over for being another unit's (or no unit's); on generated orders, what
``same_unit`` finds stands in the relations its definition implies.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grievance_rules.engine import evaluate
from grievance_rules.engine.matching import EngineName
from grievance_rules.engine.plan import PackPlan, compile_pack
from grievance_rules.i18n import language
from grievance_rules.model import WorkOrder
from grievance_rules.packs import load_pack
from grievance_rules.packs.diff import diff_packs
from grievance_rules.reports.pack_diff import pack_diff_markdown
from grievance_rules.reports.traces import trace_text
from grievance_rules.samples.generator import generate_orders
from grievance_rules.testing.strategies import work_orders
from tests.columnar.differential import assert_same
from tests.packs.refusals import refusals

from .conftest import ENGINES
from .two_units import (
    AS_OF,
    UNITS,
    assert_columnar_finds,
    escalation,
    escalations_found,
    made_order,
    sent_to,
    write_pack,
)


def _rule(rule_id: str, trigger: str) -> str:
    return escalation(rule_id, "虚假回复", trigger, "{unit: trigger_unit}", "unit")


RULES = "rules:\n" + "".join(
    (
        _rule("S-after", "{event: replied, after: {event: first_contact}, same_unit: true}"),
        _rule(
            "S-unless", "{event: replied, unless_after: {event: first_contact}, same_unit: true}"
        ),
        _rule("S-any", "{event: replied, unless_after: {event: first_contact}}"),
        _rule("S-after-any", "{event: replied, after: {event: first_contact}}"),
    )
)


def _write(tmp_path: Path, rules: str) -> Path:
    return write_pack(tmp_path, "same-unit", "同一单位", rules)


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> PackPlan:
    return compile_pack(load_pack(_write(tmp_path_factory.mktemp("packs"), RULES)))


# ljq called; the order went to zjj, which replied without a call of its own
REASSIGNED = made_order(
    "R1",
    sent_to("ljq"),
    ("first_contact", "05T11:00", "ljq", {}),
    ("reassigned", "06T09:00", "rx", {"from_unit": "ljq", "to_unit": "zjj"}),
    ("replied", "06T15:00", "zjj", {}),
)
# sent to both; zjj called and replied; ljq replied without a call
TOGETHER = made_order(
    "R2",
    sent_to("ljq"),
    sent_to("zjj"),
    ("first_contact", "05T11:00", "zjj", {}),
    ("replied", "06T10:00", "ljq", {}),
    ("replied", "06T11:00", "zjj", {}),
)
# a contact recorded without a unit: no unit's own contact
NO_UNIT = made_order(
    "R3",
    sent_to("ljq"),
    ("first_contact", "05T11:00", None, {}),
    ("replied", "06T10:00", "ljq", {}),
)
# ljq called only after its reply
CALLED_LATER = made_order(
    "R4",
    sent_to("ljq"),
    ("replied", "06T10:00", "ljq", {}),
    ("first_contact", "06T15:00", "ljq", {}),
)
# sent to both; ljq called, then zjj called and replied
TWO_CALLS = made_order(
    "R5",
    sent_to("ljq"),
    sent_to("zjj"),
    ("first_contact", "05T10:30", "ljq", {}),
    ("first_contact", "05T11:00", "zjj", {}),
    ("replied", "06T10:00", "zjj", {}),
)

EXPECTED = {
    "R1": [("S-after-any", "zjj", "06-06 15:00"), ("S-unless", "zjj", "06-06 15:00")],
    "R2": [
        ("S-after", "zjj", "06-06 11:00"),
        ("S-after-any", "ljq", "06-06 10:00"),
        ("S-after-any", "zjj", "06-06 11:00"),
        ("S-unless", "ljq", "06-06 10:00"),
    ],
    "R3": [("S-after-any", "ljq", "06-06 10:00"), ("S-unless", "ljq", "06-06 10:00")],
    "R4": [
        ("S-any", "ljq", "06-06 10:00"),
        ("S-unless", "ljq", "06-06 10:00"),
    ],
    "R5": [("S-after", "zjj", "06-06 10:00"), ("S-after-any", "zjj", "06-06 10:00")],
}
ORDERS = [REASSIGNED, TOGETHER, NO_UNIT, CALLED_LATER, TWO_CALLS]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("order", ORDERS, ids=lambda order: order.id)
def test_only_the_replying_unit_s_own_contact_counts(
    plan: PackPlan, order: WorkOrder, engine: EngineName
) -> None:
    assert escalations_found(plan, order, engine) == EXPECTED[order.id]


# Each finding's trace, by hand: the event counted, the event that satisfied ``after``
# (the first before it; with same_unit, the first of the same unit), and each earlier
# after / unless_after event that did not count for it, being another unit's or no unit's.
# Events are numbered from 0 in each order's history above.
R1_REPLY = "counted event 3 (replied) at 2023-06-06T15:00:00+08:00"
R2_LJQ = "counted event 3 (replied) at 2023-06-06T10:00:00+08:00"
R2_ZJJ = "counted event 4 (replied) at 2023-06-06T11:00:00+08:00"
R2_CALL = "after event 2 (first_contact) at 2023-06-05T11:00:00+08:00"
TRACES = {
    ("R1", "S-after-any", "zjj"): [
        R1_REPLY,
        "after event 1 (first_contact) at 2023-06-05T11:00:00+08:00",
        "once per unit concerned: zjj",
    ],
    ("R1", "S-unless", "zjj"): [
        R1_REPLY,
        "passed over event 1 (first_contact) by ljq: not the same unit",
        "once per unit concerned: zjj",
    ],
    ("R2", "S-after", "zjj"): [R2_ZJJ, R2_CALL, "once per unit concerned: zjj"],
    ("R2", "S-after-any", "ljq"): [R2_LJQ, R2_CALL, "once per unit concerned: ljq"],
    ("R2", "S-after-any", "zjj"): [R2_ZJJ, R2_CALL, "once per unit concerned: zjj"],
    ("R2", "S-unless", "ljq"): [
        R2_LJQ,
        "passed over event 2 (first_contact) by zjj: not the same unit",
        "once per unit concerned: ljq",
    ],
    ("R3", "S-after-any", "ljq"): [
        "counted event 2 (replied) at 2023-06-06T10:00:00+08:00",
        "after event 1 (first_contact) at 2023-06-05T11:00:00+08:00",
        "once per unit concerned: ljq",
    ],
    ("R3", "S-unless", "ljq"): [
        "counted event 2 (replied) at 2023-06-06T10:00:00+08:00",
        "passed over event 1 (first_contact) with no unit: not the same unit",
        "once per unit concerned: ljq",
    ],
    # the contact came after the reply: nothing before it to pass over
    ("R4", "S-any", "ljq"): [
        "counted event 1 (replied) at 2023-06-06T10:00:00+08:00",
        "once per unit concerned: ljq",
    ],
    ("R4", "S-unless", "ljq"): [
        "counted event 1 (replied) at 2023-06-06T10:00:00+08:00",
        "once per unit concerned: ljq",
    ],
    # after: the unit's own call, the first call before it being another unit's
    ("R5", "S-after", "zjj"): [
        "counted event 4 (replied) at 2023-06-06T10:00:00+08:00",
        "after event 3 (first_contact) at 2023-06-05T11:00:00+08:00",
        "passed over event 2 (first_contact) by ljq: not the same unit",
        "once per unit concerned: zjj",
    ],
    ("R5", "S-after-any", "zjj"): [
        "counted event 4 (replied) at 2023-06-06T10:00:00+08:00",
        "after event 2 (first_contact) at 2023-06-05T10:30:00+08:00",
        "once per unit concerned: zjj",
    ],
}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_trace_says_which_earlier_events_counted_and_which_were_passed_over(
    plan: PackPlan, engine: EngineName
) -> None:
    got = {
        (order.id, e.rule_id, str(e.target_unit)): list(e.trace)
        for order in ORDERS
        for e in evaluate(order, plan, AS_OF, engine=engine).escalations
    }
    assert got == TRACES


@pytest.mark.parametrize("engine", ENGINES)
def test_an_event_two_triggers_count_is_named_once_with_its_notes(
    tmp_path: Path, engine: EngineName
) -> None:
    # the same callback counted by a trigger with after and by one without: one line for
    # it, with the after note under it (not two lines, one bare)
    when = "{all: [{event: callback, after: {event: replied}}, {event: callback}]}"
    rules = "rules:\n" + escalation("D-1", "回访", when, "{unit: handling_unit}", "order")
    plan = compile_pack(load_pack(_write(tmp_path, rules)))
    order = made_order(
        "D1",
        sent_to("ljq"),
        ("replied", "06T10:00", "ljq", {}),
        ("callback", "07T10:00", "rx", {"contacted": True}),
    )
    (finding,) = evaluate(order, plan, AS_OF, engine=engine).escalations
    assert finding.trace == (
        "counted event 2 (callback) at 2023-06-07T10:00:00+08:00",
        "after event 1 (replied) at 2023-06-06T10:00:00+08:00",
    )


def test_the_passed_over_event_reads_in_chinese(plan: PackPlan) -> None:
    (finding,) = [
        e for e in evaluate(REASSIGNED, plan, AS_OF).escalations if e.rule_id == "S-unless"
    ]
    names = {unit["id"]: unit["name"] for unit in UNITS}
    with language("zh"):
        shown = [trace_text(line, unit_names=names) for line in finding.trace]
    assert shown[1] == "未计入：流转环节 1（先行联系）（单位 ljq 罗家桥街道），非同一单位"
    with language("zh"):
        after = trace_text("after event 1 (first_contact) at 2023-06-05T11:00:00+08:00")
    assert after == "此前已有：流转环节 1（先行联系），时间 2023-06-05T11:00:00+08:00"


def test_the_columnar_path_finds_the_same(plan: PackPlan) -> None:
    assert_columnar_finds(plan, ORDERS, EXPECTED)


def test_same_unit_without_after_or_unless_after_is_refused(tmp_path: Path) -> None:
    pack = _write(tmp_path, "rules:\n" + _rule("S-1", "{event: replied, same_unit: true}"))
    english, chinese = refusals(pack)
    assert "'same_unit' goes with 'after' or 'unless_after'" in str(english)
    assert "'same_unit' 只能与 'after' 或 'unless_after' 同用" in str(chinese)
    assert english.rule_id == chinese.rule_id == "S-1"


def test_a_pack_diff_says_the_same_unit(plan: PackPlan) -> None:
    diff = diff_packs(plan.pack, plan.pack)
    english = pack_diff_markdown(diff, lang="en")
    chinese = pack_diff_markdown(diff, lang="zh")
    assert "trigger: replied after first_contact by the same unit\n" in english
    assert "trigger: replied with no first_contact by the same unit before it\n" in english
    assert "trigger: replied with no first_contact before it\n" in english
    assert "触发条件：同一单位先行联系之后的回复\n" in chinese
    assert "触发条件：回复（此前无同一单位的先行联系）\n" in chinese
    assert "触发条件：回复（此前无先行联系）\n" in chinese


def _by_rule(plan: PackPlan, order: WorkOrder) -> dict[str, dict[str | None, dt.datetime]]:
    """Each rule's findings on the order: the unit concerned and the instant it holds from."""
    found: dict[str, dict[str | None, dt.datetime]] = {
        rule: {} for rule in ("S-after", "S-unless", "S-any", "S-after-any")
    }
    for e in evaluate(order, plan).escalations:
        found[e.rule_id][e.target_unit] = e.since
    return found


def _replying_units(order: WorkOrder) -> set[str | None]:
    return {event.unit for event in order.events if event.type == "replied"}


def _holds_the_relations(plan: PackPlan, order: WorkOrder) -> None:
    found = _by_rule(plan, order)
    # a reply with no contact at all before it has none of its own unit before it either,
    # and a reply after its own unit's contact is after a contact
    for weaker, stronger in (("S-any", "S-unless"), ("S-after", "S-after-any")):
        for unit, since in found[weaker].items():
            assert unit in found[stronger], (order.id, weaker, stronger, unit)
            assert found[stronger][unit] <= since, (order.id, weaker, stronger, unit)
    # each reply of a unit is either after its own unit's contact or not
    replying = {unit for unit in _replying_units(order) if unit is not None}
    assert replying == set(found["S-after"]) | set(found["S-unless"]), order.id


SETTINGS = settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def test_the_relations_hold_on_sample_orders(plan: PackPlan) -> None:
    # (the sample's replies all follow their own unit's contact or none at all: the
    # readings never part there; the orders below make them part)
    orders = list(generate_orders(400, seed=11))
    for order in orders:
        _holds_the_relations(plan, order)
    assert_same(orders, plan)


@SETTINGS
@given(orders=st.lists(work_orders(), min_size=1, max_size=4))
def test_the_relations_hold_on_generated_orders(plan: PackPlan, orders: list[WorkOrder]) -> None:
    for order in orders:
        _holds_the_relations(plan, order)
    assert_same(orders, plan)


@st.composite
def _two_unit_orders(draw: st.DrawFn) -> WorkOrder:
    """Sent to ljq, then to zjj too or instead (or not); contacts and replies by either."""
    how = draw(st.sampled_from(["alone", "together", "reassigned"]))
    events: list[tuple[str, str, str | None, dict[str, Any]]] = [sent_to("ljq")]
    holding = ["ljq"]
    if how == "together":
        events.append(sent_to("zjj"))
        holding = ["ljq", "zjj"]
    acts = draw(
        st.lists(
            st.tuples(st.sampled_from(["first_contact", "replied"]), st.sampled_from([0, 1, None])),
            min_size=1,
            max_size=6,
        )
    )
    moved = draw(st.integers(0, len(acts))) if how == "reassigned" else None
    for k, (kind, who) in enumerate(acts):
        if k == moved:
            events.append(
                ("reassigned", f"06T{8 + k:02d}:30", "rx", {"from_unit": "ljq", "to_unit": "zjj"})
            )
            holding = ["zjj", "ljq"]  # (ljq's earlier acts stay on record)
        unit = None if who is None or who >= len(holding) else holding[who]
        if kind == "replied" and unit is None:
            unit = holding[0]
        events.append((kind, f"06T{9 + k:02d}:00", unit, {}))
    return made_order("G1", *events)


@SETTINGS
@given(order=_two_unit_orders())
def test_the_relations_hold_on_orders_of_two_units(plan: PackPlan, order: WorkOrder) -> None:
    _holds_the_relations(plan, order)
    assert_same([order], plan)
