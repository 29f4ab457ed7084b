"""The target ``about_unit``: the unit a counted callback rates (its 评价单位), else the holder.

daye's （八）「严禁在未联系诉求人的情况下虚假回复」 read from the callback: the complainant says
no one called (是否联系: 否). On an order two units handle, the callback may record which unit
it rates (``about_unit``); the finding concerns that unit, and where the callback records
none, the unit holding the order at it. A small pack of two escalations on orders of
2023-06-05 (a Monday), worked by hand:

* ``A-each``: a callback with ``contacted: false``, target ``about_unit``, once per unit;
* ``A-once``: the same, once per order (the unit of the last callback counted).

Both matching backends and the columnar path give the same findings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from grievance_rules.engine import evaluate
from grievance_rules.engine.matching import EngineName
from grievance_rules.engine.plan import PackPlan, compile_pack
from grievance_rules.errors import PackError
from grievance_rules.i18n import language
from grievance_rules.model import WorkOrder
from grievance_rules.packs import load_pack
from grievance_rules.packs.diff import diff_packs
from grievance_rules.reports.pack_diff import pack_diff_markdown
from tests.packs.refusals import refusals

from .conftest import ENGINES
from .two_units import (
    AS_OF,
    assert_columnar_finds,
    escalation,
    escalations_found,
    made_order,
    sent_to,
    write_pack,
)

NOT_CONTACTED = "{event: callback, where: {contacted: false}}"


def _rule(rule_id: str, when: str, once_per: str) -> str:
    target = "{unit: about_unit, role: main_leader}"
    return escalation(rule_id, "回访中诉求人表示未被联系", when, target, once_per)


RULES = (
    "rules:\n" + _rule("A-each", NOT_CONTACTED, "unit") + _rule("A-once", NOT_CONTACTED, "order")
)


def _write(tmp_path: Path, rules: str) -> Path:
    return write_pack(tmp_path, "about-unit", "评价单位", rules)


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> PackPlan:
    return compile_pack(load_pack(_write(tmp_path_factory.mktemp("packs"), RULES)))


def _callback(at: str, contacted: bool, about: str | None = None) -> Any:
    fields: dict[str, Any] = {"contacted": contacted}
    if about is not None:
        fields["about_unit"] = about
    return ("callback", at, "rx", fields)


# sent to both (zjj last): a callback rating ljq says no call, one rating zjj says a call,
# one rating no unit says no call (the holder then: zjj, sent last)
TOGETHER = made_order(
    "B1",
    sent_to("ljq"),
    sent_to("zjj"),
    ("replied", "06T10:00", "ljq", {}),
    ("replied", "06T11:00", "zjj", {}),
    _callback("07T10:00", False, "ljq"),
    _callback("07T10:30", True, "zjj"),
    _callback("07T11:00", False),
)
# ljq replied, then the order moved to zjj; the callback after the move rates ljq's reply
MOVED = made_order(
    "B2",
    sent_to("ljq"),
    ("replied", "05T16:00", "ljq", {}),
    ("reassigned", "06T09:00", "rx", {"from_unit": "ljq", "to_unit": "zjj"}),
    _callback("07T10:00", False, "ljq"),
)
# no 评价单位: the unit holding the order at the callback, as the target handling_unit
HELD = made_order(
    "B3", sent_to("ljq"), ("replied", "06T10:00", "ljq", {}), _callback("07T10:00", False)
)
# the callback says a call was made: nothing
CALLED = made_order(
    "B4", sent_to("ljq"), ("replied", "06T10:00", "ljq", {}), _callback("07T10:00", True, "ljq")
)

EXPECTED = {
    "B1": [
        ("A-each", "ljq", "06-07 10:00"),
        ("A-each", "zjj", "06-07 11:00"),
        # once per order: from the first callback counted, to the unit of the last one
        ("A-once", "zjj", "06-07 10:00"),
    ],
    "B2": [("A-each", "ljq", "06-07 10:00"), ("A-once", "ljq", "06-07 10:00")],
    "B3": [("A-each", "ljq", "06-07 10:00"), ("A-once", "ljq", "06-07 10:00")],
    "B4": [],
}
ORDERS = [TOGETHER, MOVED, HELD, CALLED]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("order", ORDERS, ids=lambda order: order.id)
def test_the_finding_concerns_the_unit_the_callback_rates(
    plan: PackPlan, order: WorkOrder, engine: EngineName
) -> None:
    assert escalations_found(plan, order, engine) == EXPECTED[order.id]


def test_the_trace_names_each_callback_counted_for_the_unit(plan: PackPlan) -> None:
    traces = {
        str(e.target_unit): list(e.trace)
        for e in evaluate(TOGETHER, plan, AS_OF).escalations
        if e.rule_id == "A-each"
    }
    assert traces == {
        "ljq": [
            "counted event 4 (callback) at 2023-06-07T10:00:00+08:00",
            "once per unit concerned: ljq",
        ],
        "zjj": [
            "counted event 6 (callback) at 2023-06-07T11:00:00+08:00",
            "once per unit concerned: zjj",
        ],
    }


def test_the_columnar_path_finds_the_same(plan: PackPlan) -> None:
    assert_columnar_finds(plan, ORDERS, EXPECTED)


@pytest.mark.parametrize(
    "when",
    [
        "{event: replied}",
        "{any: [" + NOT_CONTACTED + ", {event: replied}]}",
        "{not: " + NOT_CONTACTED + "}",
    ],
    ids=["replied", "callback-or-replied", "no-callback-counted"],
)
def test_about_unit_needs_every_trigger_to_count_callbacks(tmp_path: Path, when: str) -> None:
    pack = _write(tmp_path, "rules:\n" + _rule("A-1", when, "order"))
    english, chinese = refusals(pack)
    assert "'about_unit' is the unit a callback rates" in str(english)
    assert "'about_unit' 是回访所评价的单位" in str(chinese)
    assert english.rule_id == chinese.rule_id == "A-1"


def test_once_per_unit_takes_about_unit_but_not_the_handling_unit(tmp_path: Path) -> None:
    rules = "rules:\n" + _rule("A-1", NOT_CONTACTED, "unit").replace(
        "{unit: about_unit, role: main_leader}", "{unit: handling_unit}"
    )
    with language("en"), pytest.raises(PackError) as refused:
        load_pack(_write(tmp_path, rules))
    assert "trigger_unit or about_unit, not 'handling_unit'" in str(refused.value)


def test_a_pack_diff_names_the_unit_the_callback_rates(plan: PackPlan) -> None:
    diff = diff_packs(plan.pack, plan.pack)
    assert "the unit the callback rates, main_leader" in pack_diff_markdown(diff, lang="en")
    assert "回访所评价的单位" in pack_diff_markdown(diff, lang="zh")
