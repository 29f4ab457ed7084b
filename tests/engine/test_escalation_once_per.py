"""An escalation found once per unit concerned (``once_per: unit``), or once per order.

Fidelity audit, finding 12: daye's （十二）「一是电话督办。对承办单位逾期未办结事项,以电话询问方式
跟踪办理情况」 calls each 承办单位 about its own overdue item. An order assigned to 罗家桥街道
(ljq) and 市住建局 (zjj) together gives each its own reply limit (（八）「签收后5个工作日内」,
DY-8b.reply per assignment). Worked by hand (office time 09:00-12:00, 13:30-17:30, 420
minutes a day; 5 working days = 2,100 minutes; 2023-06-12 is a Monday, 06-17/18 a
weekend, no holiday before 06-22):

* zjj signs Mon 06-12 10:00: Mon 360, Tue-Fri 1,680, Mon 06-19 60 → due Mon 06-19 10:00;
* ljq signs Mon 06-12 14:00: Mon 210, Tue-Fri 1,680, Mon 06-19 180 + 30 → due 06-19 14:00;
* ljq never signing: its sign-off (（七）「自交办之日起1个工作日内」, the day of 交办 not counted)
  is due Tue 06-13 17:30, and its reply runs from then: Wed, Thu, Fri, Mon, Tue → due
  Tue 06-20 17:30.

Both matching backends give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from grievance_rules.engine import evaluate
from grievance_rules.engine.conditions import found_per_unit
from grievance_rules.engine.matching import EngineName
from grievance_rules.engine.plan import compile_pack, plan_for
from grievance_rules.i18n import language
from grievance_rules.model import WorkOrder
from grievance_rules.packs import load_pack
from grievance_rules.reports.traces import trace_text

from .conftest import ENGINES, requires_durable

ROOT = Path(__file__).resolve().parents[2]
CST = dt.timezone(dt.timedelta(hours=8))
AS_OF = dt.datetime(2023, 6, 21, 12, tzinfo=CST)
UNITS = [
    {"id": "rx", "name": "市12345公共热线服务中心", "kind": "市热线中心"},
    {"id": "ljq", "name": "罗家桥街道", "kind": "街道"},
    {"id": "zjj", "name": "市住建局", "kind": "市直部门"},
]


def _joint(*signed: tuple[str, str]) -> WorkOrder:
    """Sent Mon 2023-06-12 09:30 to ljq and zjj together; signed as given; no reply."""
    events: list[dict[str, Any]] = [
        {"type": "dispatched", "at": "2023-06-12T09:30:00+08:00", "unit": "rx", "to_unit": "ljq"},
        {"type": "dispatched", "at": "2023-06-12T09:30:00+08:00", "unit": "rx", "to_unit": "zjj"},
    ]
    events += [
        {"type": "signed_for", "at": f"2023-06-12T{hhmm}:00+08:00", "unit": unit}
        for unit, hhmm in signed
    ]
    return WorkOrder.model_validate(
        {
            "id": "DY-J1",
            "channel": "12345",
            "category": "投诉",
            "received_at": "2023-06-12T09:00:00+08:00",
            "units": UNITS,
            "events": events,
        }
    )


def _phone(order: WorkOrder, engine: EngineName, **parameters: Any) -> list[tuple[str, str]]:
    pack = plan_for("daye").pack.with_parameters(parameters)
    found = evaluate(order, compile_pack(pack), AS_OF, engine=engine).escalations
    return [
        (str(e.target_unit), e.since.strftime("%m-%d %H:%M"))
        for e in found
        if e.rule_id == "DY-12.phone"
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_each_overdue_unit_is_supervised_from_its_own_breach(engine: EngineName) -> None:
    order = _joint(("zjj", "10:00"), ("ljq", "14:00"))
    # (before: one, [("ljq", "06-19 10:00")]: 罗家桥街道 named at 市住建局's breach)
    assert _phone(order, engine) == [("zjj", "06-19 10:00"), ("ljq", "06-19 14:00")]
    # the other reading: the order once, from its first breach, naming the unit counted last
    assert _phone(order, engine, phone_supervision_once_per="order") == [("ljq", "06-19 10:00")]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_unit_late_twice_is_supervised_once_from_its_first_breach(engine: EngineName) -> None:
    # late_signoff_phone: true — ljq never signs: its sign-off breached Tue 06-13 17:30 and
    # its reply Tue 06-20 17:30, one call from the first; zjj's reply breached 06-19 10:00
    order = _joint(("zjj", "10:00"))
    assert _phone(order, engine, late_signoff_phone=True) == [
        ("ljq", "06-13 17:30"),
        ("zjj", "06-19 10:00"),
    ]
    assert _phone(order, engine, late_signoff_phone=True, phone_supervision_once_per="order") == [
        ("ljq", "06-13 17:30")  # (counted last: ljq's sign-off, of the any's second branch)
    ]


def test_each_finding_traces_what_it_counted_for_its_unit() -> None:
    order = _joint(("zjj", "10:00"))
    pack = plan_for("daye").pack.with_parameters({"late_signoff_phone": True})
    found = [
        e
        for e in evaluate(order, compile_pack(pack), AS_OF).escalations
        if e.rule_id == "DY-12.phone"
    ]
    ljq, zjj = found
    counted = [line for line in ljq.trace if line.startswith("counted ")]
    assert counted == [
        "counted clock DY-8b.reply#0 breached at 2023-06-20T17:30:00+08:00",
        "counted clock DY-7a.signoff#0 breached at 2023-06-13T17:30:00+08:00",
    ]
    assert [line for line in zjj.trace if line.startswith("counted ")] == [
        "counted clock DY-8b.reply#1 breached at 2023-06-19T10:00:00+08:00"  # (the 2nd assignment)
    ]
    assert ljq.trace[-1] == "once per unit concerned, parameter phone_supervision_once_per: ljq"
    with language("zh"):
        zh = trace_text(ljq.trace[-1], unit_names={"ljq": "罗家桥街道"})
    assert zh == "对每个所涉单位各一次，本项单位：ljq 罗家桥街道（参数 phone_supervision_once_per）"


def test_a_literal_once_per_unit_reads_as_the_parameter_does(tmp_path: Path) -> None:
    # the grammar without a parameter: the same pack with `once_per: unit` written in the rule
    copy = tmp_path / "daye"
    shutil.copytree(ROOT / "policies" / "daye", copy)
    rules = copy / "rules" / "supervision.yaml"
    text = rules.read_text(encoding="utf-8")
    assert "    once_per: {param: phone_supervision_once_per}\n" in text
    for literal, expected in (
        ("unit", [("zjj", "06-19 10:00"), ("ljq", "06-19 14:00")]),
        ("order", [("ljq", "06-19 10:00")]),
    ):
        rules.write_text(
            text.replace("{param: phone_supervision_once_per}", literal), encoding="utf-8"
        )
        plan = compile_pack(load_pack(copy))
        found = evaluate(_joint(("zjj", "10:00"), ("ljq", "14:00")), plan, AS_OF).escalations
        got = [
            (str(e.target_unit), e.since.strftime("%m-%d %H:%M"))
            for e in found
            if e.rule_id == "DY-12.phone"
        ]
        assert got == expected, literal
        trace = next(e.trace for e in found if e.rule_id == "DY-12.phone")
        assert any(line.startswith("once per unit concerned: ") for line in trace) == (
            literal == "unit"
        )


def test_found_per_unit_dates_each_unit_no_earlier_than_the_condition() -> None:
    class Occ:
        def __init__(self, day: int, unit: str | None) -> None:
            self.at, self.unit = dt.datetime(2023, 6, day, tzinfo=CST), unit

    a1, b1, a2, n = Occ(2, "a"), Occ(3, "b"), Occ(4, "a"), Occ(1, None)
    # the condition held from the 3rd (a count of two, say): a's first occurrence is earlier
    found = found_per_unit([a1, b1, a2], dt.datetime(2023, 6, 3, tzinfo=CST))
    assert [(u, at.day, occ) for u, at, occ in found] == [("a", 3, [a1, a2]), ("b", 3, [b1])]
    # ties by unit; an occurrence with no unit is a finding with no target
    found = found_per_unit([b1, a2, n], dt.datetime(2023, 6, 1, tzinfo=CST))
    assert [(u, at.day) for u, at, _occ in found] == [(None, 1), ("b", 3), ("a", 4)]


@requires_durable
@pytest.mark.parametrize("parameters", [{}, {"phone_supervision_once_per": "order"}])
@pytest.mark.parametrize("signed", [(("zjj", "10:00"), ("ljq", "14:00")), (("zjj", "10:00"),)])
def test_both_backends_give_the_same_bytes(parameters: dict[str, Any], signed: Any) -> None:
    pack = plan_for("daye").pack.with_parameters({"late_signoff_phone": True, **parameters})
    plan = compile_pack(pack)
    order = _joint(*signed)
    native = evaluate(order, plan, AS_OF, engine="native").model_dump_json()
    durable = evaluate(order, plan, AS_OF, engine="durable").model_dump_json()
    assert native.replace('"engine":"native"', '"engine":"durable"') == durable
    assert native.count('"rule_id":"DY-12.phone"') == (1 if parameters else 2)
