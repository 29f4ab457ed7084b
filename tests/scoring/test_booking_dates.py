"""A finding counts in the period it happened in, whatever instant it is assessed at.

A clock is breached at its due instant. Dating its deduction (and any escalation it
triggers) at the late reply instead would move the deduction to a later week or month
once the reply arrives, so a closed month's score would change afterwards.
"""

import datetime as dt
from typing import Any

import pytest

from grievance_rules.engine import evaluate
from grievance_rules.model import WorkOrder
from grievance_rules.packs import find_pack
from grievance_rules.scoring import ScoringPath, score

UNITS = [
    {"id": "dzb", "name": "党政办公室", "kind": "dispatch_centre"},
    {"id": "qu", "name": "区投诉中心", "kind": "district_centre"},
    {"id": "c01", "name": "东风社区", "kind": "village_community"},
]
# 省级热线 to 东风社区, dispatched Fri 2024-09-27 16:00: 2 working days of 420 office minutes
# (09:00-12:00, 13:30-17:30) = 840: Fri 90, Sat 09-28 rest, Sun 09-29 (调休上班) 420, Mon
# 09-30 330 (180 + 150) -> due Mon 2024-09-30 16:00; the reply came after 国庆, 10-08 10:00.
# 附件2 二、1「超期件：超期回复或回退，每件扣1分」: -1 to 东风社区, breached in September.
LATE_ACROSS_MONTH: dict[str, Any] = {
    "id": "CDX-1B",
    "channel": "provincial_hotline",
    "category": "投诉",
    "received_at": "2024-09-27T15:50:00+08:00",
    "units": UNITS,
    "events": [
        {"type": "dispatched", "at": "2024-09-27T16:00:00+08:00", "unit": "dzb", "to_unit": "c01"},
        {"type": "first_contact", "at": "2024-09-27T16:10:00+08:00", "unit": "c01"},
        {
            "type": "replied",
            "at": "2024-10-08T10:00:00+08:00",
            "unit": "c01",
            "kind": "substantive",
            "evidence": [{"kind": "photo"}],
            "signatures": ["liaison_leader"],
        },
    ],
}
DUE = dt.datetime.fromisoformat("2024-09-30T16:00:00+08:00")
BEFORE_REPLY = dt.datetime.fromisoformat("2024-09-30T23:00:00+08:00")
LONG_AFTER = dt.datetime.fromisoformat("2024-12-31T23:00:00+08:00")


@pytest.mark.parametrize("as_of", [BEFORE_REPLY, LONG_AFTER], ids=["open", "replied"])
def test_a_late_reply_is_deducted_when_the_clock_was_breached(as_of: dt.datetime) -> None:
    order = WorkOrder.model_validate(LATE_ACROSS_MONTH)
    assessment = evaluate(order, "chengdong", as_of=as_of)
    overdue = [d for d in assessment.deductions if d.rule_id == "CD-A2.1.overdue"]
    assert [(d.points, d.unit, d.occurred_at) for d in overdue] == [(-1.0, "c01", DUE)]
    assert overdue[0].trace[0] == (
        "counted clock CD-5.provincial-urgent#0 breached at 2024-09-30T16:00:00+08:00"
    )


@pytest.mark.parametrize("path", ["per-order", "columnar"])
@pytest.mark.parametrize("as_of", [BEFORE_REPLY, LONG_AFTER], ids=["open", "replied"])
def test_a_closed_month_keeps_its_points(path: ScoringPath, as_of: dt.datetime) -> None:
    card = score([LATE_ACROSS_MONTH], find_pack("chengdong"), as_of=as_of, path=path)
    rows = {row.period: row for row in card.rows if row.unit == "c01"}
    assert rows["2024-09"].points == -1.0
    assert rows["2024-09"].counts["clock:CD-5.provincial-urgent:breached"] == 1
    if "2024-10" in rows:
        assert rows["2024-10"].points == 0.0
        assert "clock:CD-5.provincial-urgent:breached" not in rows["2024-10"].counts
