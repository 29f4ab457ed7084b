"""A rule for one kind of unit is judged by the unit each finding is about (``for_unit_kind``).

Fidelity audit, finding 2: 城东's one-hour feedback (三（一）「属地的由挂包领导督促社区第一时间办理…
原则上一个小时内反馈办理结果」) runs per assignment, and 党政办 moves orders between units
(三（二）「党政办按照一把手签批意见派件」); the hour binds the 属地 unit holding the order, not
the order's first unit. The 约谈 of 三（七） names the 第一责任人 of the unit that handled the
order (二（二）). Finding 3: 附件2 scores each village's own 超期件 (``once_per:
order_and_unit``). Expected values are worked by hand from the text and the calendar
(2024-05-06 is a Monday and a working day; office hours assumed 09:00-12:00, 13:30-17:30).
Both matching backends must give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from grievance_rules.engine import evaluate
from grievance_rules.engine.matching import EngineName
from grievance_rules.engine.plan import compile_pack, plan_for
from grievance_rules.model import WorkOrder
from grievance_rules.packs.schema import DeductionRule
from grievance_rules.testing.scenarios import load_scenarios

from .conftest import ENGINES, requires_durable

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "policies" / "chengdong" / "scenarios"
CST = dt.timezone(dt.timedelta(hours=8))
UNITS = [
    {"id": "dzb", "name": "党政办公室", "kind": "dispatch_centre"},
    {"id": "o01", "name": "城建办", "kind": "street_office"},
    {"id": "c07", "name": "东风社区", "kind": "village_community"},
]


def _order(order_id: str, events: list[dict[str, Any]], **fields: Any) -> WorkOrder:
    record = {
        "id": order_id,
        "channel": "hotline_12345",
        "category": "投诉",
        "received_at": "2024-05-06T09:00:00+08:00",
        "units": UNITS,
        "events": events,
        **fields,
    }
    return WorkOrder.model_validate(record)


def _moved_after_hours(first: str, second: str) -> WorkOrder:
    """The audit's reproduction: urgent, Mon 18:50 to ``first``, 19:00 moved, reply 21:30."""
    return _order(
        f"{first}-then-{second}",
        [
            {"type": "dispatched", "at": "2024-05-06T18:50:00+08:00", "unit": "dzb",
             "to_unit": first},
            {"type": "reassigned", "at": "2024-05-06T19:00:00+08:00", "unit": "dzb",
             "from_unit": first, "to_unit": second, "decided_by": "一把手", "reason": "x"},
            {"type": "replied", "at": "2024-05-06T21:30:00+08:00", "unit": second,
             "evidence": [{"kind": "photo"}]},
        ],
        urgency="urgent",
        received_at="2024-05-06T18:40:00+08:00",
    )  # fmt: skip


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # the office's assignment is not 属地: no hour; 东风社区's from 19:00, due 20:00,
        # replied 21:30 (before the fix: no one-hour clock at all)
        ("o01", "c07", [("CD-1.emergency-feedback", "c07", "breached", "2024-05-06T20:00")]),
        # 东风社区's hour from 18:50 (due 19:50) ends when the order leaves it at 19:00,
        # not yet due; 城建办 gets none (before the fix: a breached hour due 20:00)
        ("c07", "o01", [("CD-1.emergency-feedback", "c07", "met", "2024-05-06T19:50")]),
    ],
)
def test_the_hour_binds_the_unit_holding_the_order_by_its_own_kind(
    engine: EngineName, first: str, second: str, expected: list[tuple[str, str, str, str]]
) -> None:
    assessment = evaluate(
        _moved_after_hours(first, second),
        "chengdong",
        dt.datetime(2024, 5, 8, tzinfo=CST),
        engine=engine,
    )
    found = [
        (c.rule_id, c.unit, c.state, c.due.strftime("%Y-%m-%dT%H:%M"))
        for c in assessment.clocks
        if c.rule_id.startswith("CD-1.")
    ]
    assert found == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_the_interview_names_the_first_responsible_of_the_unit_that_handled_it(
    engine: EngineName,
) -> None:
    # 城建办 Mon 09:30, moved to 东风社区 10:00; 东风社区's first 续报 Tue 05-07 10:00 committed
    # to Thu 05-09 17:30, not closed by then (breached at 17:30); its second 续报 Fri 05-10
    # 10:00. 三（七）「一次续报未按期完成造成二次续报」 holds from the later of the two: Fri
    # 10:00, when 东风社区 holds the order: its 书记 is interviewed (二（二）), not an office's
    # 分管领导 (before the fix: CD-7.interview-office, as the order's first unit was an office).
    order = _order(
        "CD-7-moved",
        [
            {"type": "dispatched", "at": "2024-05-06T09:30:00+08:00", "unit": "dzb",
             "to_unit": "o01"},
            {"type": "reassigned", "at": "2024-05-06T10:00:00+08:00", "unit": "dzb",
             "from_unit": "o01", "to_unit": "c07", "decided_by": "一把手", "reason": "x"},
            {"type": "continuation", "at": "2024-05-07T10:00:00+08:00", "unit": "c07",
             "committed_deadline": "2024-05-09T17:30:00+08:00"},
            {"type": "continuation", "at": "2024-05-10T10:00:00+08:00", "unit": "c07",
             "committed_deadline": "2024-05-14T17:30:00+08:00"},
        ],
    )  # fmt: skip
    escalations = evaluate(
        order, "chengdong", dt.datetime(2024, 5, 15, 9, tzinfo=CST), engine=engine
    ).escalations
    found = [
        (e.rule_id, e.target_unit, e.target_role, e.since.isoformat())
        for e in escalations
        if e.rule_id.startswith("CD-7.")
    ]
    assert found == [
        ("CD-7.interview-village", "c07", "party_secretary", "2024-05-10T10:00:00+08:00")
    ]


def test_once_per_order_true_is_the_older_spelling_of_once_per_order() -> None:
    base = {
        "id": "D-1",
        "kind": "deduction",
        "title": "超期件",
        "clauses": ["X-1"],
        "citation": {"source": "a.txt", "clause": "一", "text": "每件扣1分"},
        "points": -1,
        "when": {"event": "replied"},
    }
    assert DeductionRule.model_validate({**base, "once_per_order": True}).counted_once_per == (
        "order"
    )
    assert DeductionRule.model_validate(base).counted_once_per is None
    assert (
        DeductionRule.model_validate({**base, "once_per": "order_and_unit"}).counted_once_per
        == "order_and_unit"
    )


def _cases() -> list[Any]:
    return [
        case
        for name in ("reassigned_unit_kind.yaml", "overdue_per_unit.yaml")
        for case in load_scenarios(SCENARIOS / name)
    ]


@requires_durable
@pytest.mark.parametrize("case", _cases(), ids=lambda case: case.name)
def test_both_backends_judge_the_unit_of_each_finding_alike(case: Any) -> None:
    plan = compile_pack(plan_for("chengdong").pack.with_parameters(dict(case.parameters)))
    as_of = dt.datetime.fromisoformat(str(case.as_of))
    for record in case.orders:
        order = WorkOrder.model_validate(record)
        native = evaluate(order, plan, as_of, engine="native").model_dump_json()
        durable = evaluate(order, plan, as_of, engine="durable").model_dump_json()
        assert native.replace('"engine":"native"', '"engine":"durable"') == durable
        assert json.loads(native)["clocks"] or json.loads(native)["deductions"]
