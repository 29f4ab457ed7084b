import datetime as dt
from pathlib import Path
from typing import Any

from grievance_rules.model import WorkOrder

DEMO_PACK = Path(__file__).parents[1] / "engine" / "packs" / "demo"
UNITS = [
    {"id": "ctr", "name": "党政办", "kind": "dispatch_centre"},
    {
        "id": "c07",
        "name": "东风社区",
        "kind": "village_community",
        "leaders": {"main_leader": "张三", "leader_in_charge": "李四"},
    },
    {"id": "off", "name": "城管办", "kind": "street_office"},
]


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text if "+" in text else text + "+08:00")


def order(order_id: str, received: str, *events: dict[str, Any], **fields: Any) -> WorkOrder:
    record: dict[str, Any] = {
        "id": order_id,
        "channel": "provincial_hotline",
        "category": "投诉",
        "received_at": at(received).isoformat(),
        "units": UNITS,
        "events": [{**e, "at": at(e["at"]).isoformat()} for e in events],
    }
    record.update(fields)
    return WorkOrder.model_validate(record)


def dispatched(when: str, to: str = "c07") -> dict[str, Any]:
    return {"type": "dispatched", "at": when, "unit": "ctr", "to_unit": to}
