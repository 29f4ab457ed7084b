"""城东: who replies in person and files the 提级 form depends on the unit's kind (二)."""

import datetime as dt

import pytest

from grievance_rules.engine import evaluate
from grievance_rules.model import WorkOrder

CST = dt.timezone(dt.timedelta(hours=8))


def _unsatisfied_twice(unit: str, kind: str) -> WorkOrder:
    return WorkOrder.model_validate(
        {
            "id": f"A-{unit}",
            "channel": "hotline_12345",
            "category": "投诉",
            "received_at": "2024-05-06T09:00:00+08:00",
            "units": [
                {"id": "dzb", "kind": "dispatch_centre"},
                {"id": "qu", "kind": "district_centre"},
                {"id": unit, "kind": kind},
            ],
            "events": [
                {
                    "type": "dispatched",
                    "at": "2024-05-06T09:30:00+08:00",
                    "unit": "dzb",
                    "to_unit": unit,
                },
                {
                    "type": "replied",
                    "at": "2024-05-06T15:00:00+08:00",
                    "unit": unit,
                    "evidence": [{"kind": "photo"}],
                },
                {
                    "type": "callback",
                    "at": "2024-05-07T10:00:00+08:00",
                    "unit": "qu",
                    "round": 1,
                    "result_satisfaction": "dissatisfied",
                },
                # handled a second time (三（八）「多次投诉经多次办理」): sent back, replied again
                {
                    "type": "redo_ordered",
                    "at": "2024-05-07T11:00:00+08:00",
                    "unit": "dzb",
                    "level": "street",
                    "to_unit": unit,
                },
                {
                    "type": "replied",
                    "at": "2024-05-07T16:00:00+08:00",
                    "unit": unit,
                    "round": 2,
                    "evidence": [{"kind": "photo"}],
                },
                {
                    "type": "callback",
                    "at": "2024-05-08T10:00:00+08:00",
                    "unit": "qu",
                    "round": 2,
                    "result_satisfaction": "dissatisfied",
                },
            ],
        }
    )


@pytest.mark.parametrize(
    ("unit", "kind", "suffix", "role"),
    [
        # 二（二）属地: the 挂包领导 leads a village's or community's complaints
        ("c07", "village_community", "", "liaison_leader"),
        # 二（一）属事: the 分管党政领导 answers for an office's
        ("o01", "street_office", "-office", "leader_in_charge"),
    ],
)
def test_face_reply_and_escalation_by_the_units_kind(unit, kind, suffix, role) -> None:
    as_of = dt.datetime(2024, 5, 9, 9, 0, tzinfo=CST)
    found = {
        e.rule_id: e.actor_role
        for e in evaluate(_unsatisfied_twice(unit, kind), "chengdong", as_of).escalations
    }
    assert found == {f"CD-6.face-reply{suffix}": role, f"CD-8.escalate{suffix}": role}
