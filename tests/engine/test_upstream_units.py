"""The derived property ``unit_upstream``: whether an event's acting unit is upstream.

Beside ``to_unit_upstream`` (where a dispatch sends the order), ``unit_upstream`` tells
who acted: a centre (the hotline centre ``rx``, of kind ``dispatch_centre``) or a
handling unit (罗家桥街道 ``ljq``, 市住建局 ``zjj``). daye's （八） binds the 承办单位: a reply
by the hotline centre itself (（六）「话务员在线进行答复」) is no unit's false reply. A small
pack of two escalations on orders of Mon 2023-06-05, worked by hand:

* ``U-unit``: a reply by a handling unit (``unit_upstream: false``), once per unit;
* ``U-centre``: a reply by the centre (``unit_upstream: true``), once per order.

Both matching backends and the columnar path give the same findings.
"""

from __future__ import annotations

import pytest

from grievance_rules.engine.matching import EngineName, value_reader
from grievance_rules.engine.plan import PackPlan, compile_pack
from grievance_rules.i18n import language
from grievance_rules.model import WorkOrder
from grievance_rules.model.events import Excluded, Replied
from grievance_rules.packs import load_pack
from grievance_rules.packs.diff import diff_packs
from grievance_rules.reports.pack_diff import pack_diff_markdown

from .conftest import ENGINES
from .two_units import (
    assert_columnar_finds,
    escalation,
    escalations_found,
    made_order,
    sent_to,
    write_pack,
)

BY_A_UNIT = "{event: replied, where: {unit_upstream: false}}"
BY_THE_CENTRE = "{event: replied, where: {unit_upstream: true}}"
RULES = (
    "rules:\n"
    + escalation("U-unit", "承办单位的回复", BY_A_UNIT, "{unit: trigger_unit}", "unit")
    + escalation("U-centre", "热线中心的答复", BY_THE_CENTRE, "{unit: trigger_unit}", "order")
)


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> PackPlan:
    pack = write_pack(tmp_path_factory.mktemp("packs"), "upstream-units", "上级单位", RULES)
    return compile_pack(load_pack(pack))


# answered online by the centre, never dispatched
ONLINE = made_order("C1", ("replied", "05T09:20", "rx", {"kind": "explanation"}))
# sent to ljq, which replied; then the centre replied too (a reply it relays)
BOTH = made_order(
    "C2",
    sent_to("ljq"),
    ("replied", "06T10:00", "ljq", {}),
    ("replied", "06T15:00", "rx", {}),
)
# sent to both units, each replied
TWO_UNITS = made_order(
    "C3",
    sent_to("ljq"),
    sent_to("zjj"),
    ("replied", "06T10:00", "ljq", {}),
    ("replied", "06T11:00", "zjj", {}),
)
# a reply with no acting unit recorded: neither a centre's nor a handling unit's
NO_UNIT = made_order("C4", sent_to("ljq"), ("replied", "06T10:00", None, {}))

EXPECTED = {
    "C1": [("U-centre", "rx", "06-05 09:20")],
    "C2": [("U-centre", "rx", "06-06 15:00"), ("U-unit", "ljq", "06-06 10:00")],
    "C3": [("U-unit", "ljq", "06-06 10:00"), ("U-unit", "zjj", "06-06 11:00")],
    "C4": [],
}
ORDERS = [ONLINE, BOTH, TWO_UNITS, NO_UNIT]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("order", ORDERS, ids=lambda order: order.id)
def test_a_reply_is_told_apart_by_who_made_it(
    plan: PackPlan, order: WorkOrder, engine: EngineName
) -> None:
    assert escalations_found(plan, order, engine) == EXPECTED[order.id]


def test_the_columnar_path_finds_the_same(plan: PackPlan) -> None:
    assert_columnar_finds(plan, ORDERS, EXPECTED)


def test_the_reader_gives_whether_the_acting_unit_is_upstream() -> None:
    read = value_reader("unit_upstream", Replied.model_fields)
    reply = Replied.model_validate({"at": "2023-06-06T10:00:00+08:00", "unit": "ljq"})
    assert read(reply, None, frozenset({"rx"})) is False
    assert read(reply, None, frozenset({"ljq"})) is True
    unknown = Replied.model_validate({"at": "2023-06-06T10:00:00+08:00"})
    assert read(unknown, None, frozenset({"rx"})) is not False  # absent: no unit recorded


def test_the_reader_gives_whether_an_approver_is_upstream() -> None:
    # 夏阳 三、2「由城运中心向上级部门提出审核,审核通过的…」: approved by a centre, or not
    read = value_reader("approved_by_upstream", Excluded.model_fields)
    by_centre = Excluded.model_validate({"at": "2023-06-07T15:00:00+08:00", "approved_by": "rx"})
    by_itself = Excluded.model_validate({"at": "2023-06-07T15:00:00+08:00", "approved_by": "ljq"})
    assert read(by_centre, None, frozenset({"rx"})) is True
    assert read(by_itself, None, frozenset({"rx"})) is False
    assert (
        value_reader("approved_by_upstream", Replied.model_fields)(
            Replied.model_validate({"at": "2023-06-06T10:00:00+08:00"}), None, frozenset()
        )
        is not True
    )  # a reply has no approver


def test_a_pack_diff_says_who_acted(plan: PackPlan) -> None:
    diff = diff_packs(plan.pack, plan.pack)
    with language("en"):
        english = pack_diff_markdown(diff, lang="en")
    assert "replied (by a handling unit)" in english
    assert "replied (by an upstream centre)" in english
    chinese = pack_diff_markdown(diff, lang="zh")
    assert "回复（由承办单位作出）" in chinese
    assert "回复（由上级中心作出）" in chinese
