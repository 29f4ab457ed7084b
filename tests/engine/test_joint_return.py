"""A joint order (联办) one of whose units returns it: the other still holds it.

城东 附件2 二、3 「过程不满意件：每件扣1分」 (CD-A2.3.process-unsatisfied) charges the
unit handling the order at the callback. 城管办 and 东风社区 are both sent the order;
城管办 asks to return it (「不属于城东街道管辖范围的工单…申请回退」, 三（二）) and the centre
approves; 东风社区 signs for it, replies, and the callback rates the process 不满意.
东风社区 is the unit charged: it still held the order. The engine read the approval as
handing the order back from both units, and the deduction then fell on 城管办, the unit
that had returned it (0 points: 附件2 assesses villages and communities, 「一、考核对象：
各村（社区）」), so nobody lost the point.
"""

from __future__ import annotations

from grievance_rules.engine import evaluate
from grievance_rules.engine.plan import plan_for
from grievance_rules.packs import find_pack
from tests.columnar.differential import assert_same

from .conftest import dispatched, make_order

ORDER = make_order(
    dispatched("2024-05-06T09:30", to="off"),
    dispatched("2024-05-06T09:31", to="c07"),
    {"type": "return_requested", "at": "2024-05-06T11:00", "unit": "off", "reason": "非本单位职责"},
    {
        "type": "return_decided",
        "at": "2024-05-06T15:00",
        "unit": "ctr",
        "decision": "approved",
        "requester": "off",
    },
    {"type": "signed_for", "at": "2024-05-07T09:00", "unit": "c07"},
    {"type": "replied", "at": "2024-05-08T09:00", "unit": "c07"},
    {
        "type": "callback",
        "at": "2024-05-09T10:00",
        "unit": "ctr",
        "process_satisfaction": "dissatisfied",
    },
)


def test_the_unit_still_holding_a_joint_order_is_charged() -> None:
    found = evaluate(ORDER, "chengdong")
    charged = [(d.rule_id, d.unit, d.points) for d in found.deductions]
    assert charged == [("CD-A2.3.process-unsatisfied", "c07", -1.0)]


def test_the_columnar_path_charges_the_same_unit() -> None:
    assert_same([ORDER], plan_for(find_pack("chengdong")))


# 东风社区 (c07) and 西湖村 (c08) are both sent the order and both reply; one callback
# rates c07's handling 不满意 (process and result), another c08's 满意. 附件2 二、3
# 「过程不满意件：每件扣1分」 and 二、4 「结果不满意件：每件扣0.5分」 are the rated unit's: c07
# loses 1.5, c08 nothing. They were charged to c08, the unit holding the order (sent last),
# while the rates counted the 不满意 as c07's.
RATED = make_order(
    dispatched("2024-05-06T09:30", to="c07"),
    dispatched("2024-05-06T09:31", to="c08"),
    {"type": "signed_for", "at": "2024-05-06T10:00", "unit": "c07"},
    {"type": "signed_for", "at": "2024-05-06T10:00", "unit": "c08"},
    {"type": "replied", "at": "2024-05-07T10:00", "unit": "c07"},
    {"type": "replied", "at": "2024-05-07T11:00", "unit": "c08"},
    {
        "type": "callback",
        "at": "2024-05-08T10:00",
        "unit": "ctr",
        "about_unit": "c07",
        "process_satisfaction": "dissatisfied",
        "result_satisfaction": "dissatisfied",
    },
    {
        "type": "callback",
        "at": "2024-05-08T10:30",
        "unit": "ctr",
        "about_unit": "c08",
        "satisfaction": "satisfied",
    },
    id="T2",
)


def test_a_callback_rated_not_satisfied_charges_the_unit_it_rates() -> None:
    found = evaluate(RATED, "chengdong")
    charged = sorted((d.rule_id, d.unit, d.points) for d in found.deductions)
    assert charged == [
        ("CD-A2.3.process-unsatisfied", "c07", -1.0),
        ("CD-A2.4.result-unsatisfied", "c07", -0.5),
    ]


def test_the_columnar_path_charges_the_rated_unit_too() -> None:
    assert_same([RATED], plan_for(find_pack("chengdong")))
