"""An extension granted to one unit (``for_unit``) moves that unit's clock, not another's.

daye's （八）「一般工单应于签收后5个工作日内进行答复」 runs a clock per assignment
(DY-8b.reply); （九） lets 「承办单位…申请延期办理」. The order of scenario DY-X9 (worked by
hand there): sent to 罗家桥街道 ``ljq`` and 市住建局 ``zjj`` together on Mon 2024-09-23, both
signed 11:00; ``ljq`` is granted a new deadline, Thu 2024-10-31 17:30. ``zjj``'s five
working days end on the make-up working Sunday 2024-09-29 at 11:00.
"""

from __future__ import annotations

import datetime as dt

from grievance_rules.engine import evaluate
from grievance_rules.engine.plan import plan_for
from grievance_rules.model import WorkOrder
from tests.columnar.differential import assert_same

AS_OF = dt.datetime.fromisoformat("2024-09-27T12:00:00+08:00")


def _event(kind: str, at: str, unit: str, **fields: str) -> dict[str, str]:
    return {"type": kind, "at": f"2024-09-{at}:00+08:00", "unit": unit, **fields}


ORDER = WorkOrder.model_validate(
    {
        "id": "DY-X9",
        "channel": "12345",
        "category": "投诉",
        "received_at": "2024-09-23T09:00:00+08:00",
        "units": [
            {"id": "rx", "name": "市12345公共热线服务中心", "kind": "city_centre"},
            {"id": "ljq", "name": "罗家桥街道", "kind": "street_office"},
            {"id": "zjj", "name": "市住建局", "kind": "city_department"},
        ],
        "events": [
            _event("dispatched", "23T10:00", "rx", to_unit="ljq"),
            _event("dispatched", "23T10:00", "rx", to_unit="zjj"),
            _event("signed_for", "23T11:00", "ljq"),
            _event("signed_for", "23T11:00", "zjj"),
            _event("first_contact", "23T11:30", "ljq"),
            _event("first_contact", "23T11:30", "zjj"),
            _event("extension_requested", "26T10:00", "ljq",
                   requested_deadline="2024-10-31T17:30:00+08:00"),
            _event("extension_granted", "27T10:00", "rx", for_unit="ljq",
                   new_deadline="2024-10-31T17:30:00+08:00"),
        ],
    }
)  # fmt: skip


def test_only_the_unit_granted_the_extension_has_its_deadline_moved() -> None:
    plan = plan_for("daye")
    clocks = {
        c.unit: c.due.isoformat()
        for c in evaluate(ORDER, plan, AS_OF).clocks
        if c.rule_id == "DY-8b.reply"
    }
    assert clocks == {"ljq": "2024-10-31T17:30:00+08:00", "zjj": "2024-09-29T11:00:00+08:00"}
    result = assert_same([ORDER], plan, AS_OF)  # the columnar kernel agrees, not falling back
    paths = {row[13] for row in result.findings if row[2] == "DY-8b.reply"}
    assert paths == {"columnar"}
