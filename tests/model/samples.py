"""Sample records shared by the model and reading tests."""

from __future__ import annotations

import copy
from typing import Any

_RECORD: dict[str, Any] = {
    "id": "CD2405060001",
    "channel": "provincial_hotline",
    "category": "complaint",
    "urgency": "urgent",
    "special_kinds": ["respond_at_once"],
    "received_at": "2024-05-06T09:12:00+08:00",
    "dispatched_at": "2024-05-06T09:30:00+08:00",
    "reply_deadline": "2024-05-08T17:30:00+08:00",
    "complainant": "p-8f2c",
    "issue": "i-noise-0417",
    "summary": "夜间施工噪音扰民",
    "location": {"address": "东风路3号", "area": "城东街道东风社区"},
    "flags": [],
    "units": [
        {"id": "dzb", "name": "党政办公室", "kind": "dispatch_centre"},
        {"id": "qzx", "name": "区投诉中心", "kind": "district_centre"},
        {
            "id": "c07",
            "name": "东风社区",
            "kind": "village_community",
            "parent": "cd",
            "leaders": {"party_secretary": "王书记", "liaison_leader": "李副主任"},
        },
        {"id": "s02", "name": "城市管理办公室", "kind": "street_office"},
    ],
    "events": [
        {"type": "dispatched", "at": "2024-05-06T09:30:00+08:00", "unit": "dzb", "to_unit": "s02"},
        {"type": "signed_for", "at": "2024-05-06T09:41:00+08:00", "unit": "s02"},
        {
            "type": "return_requested",
            "at": "2024-05-06T10:05:00+08:00",
            "unit": "s02",
            "reason": "属地事项",
            "suggested_unit": "东风社区",
            "evidence": [{"kind": "policy_basis", "ref": "职责清单"}],
            "signatures": ["leader_in_charge", "main_leader"],
        },
        {"type": "return_decided", "at": "2024-05-06T10:30:00+08:00", "unit": "dzb",
         "decision": "approved", "requester": "s02"},
        {"type": "reassigned", "at": "2024-05-06T10:31:00+08:00", "unit": "dzb",
         "from_unit": "s02", "to_unit": "c07", "decided_by": "main_leader"},
        {"type": "first_contact", "at": "2024-05-06T10:50:00+08:00", "unit": "c07",
         "method": "phone"},
        {"type": "replied", "at": "2024-05-06T16:00:00+08:00", "unit": "c07",
         "kind": "preliminary"},
        {"type": "continuation", "at": "2024-05-07T09:00:00+08:00", "unit": "c07",
         "committed_deadline": "2024-05-14T17:30:00+08:00"},
        {"type": "replied", "at": "2024-05-10T15:00:00+08:00", "unit": "c07",
         "evidence": [{"kind": "photo", "ref": "site.jpg"}, {"kind": "audio"}]},
        {"type": "callback", "at": "2024-05-10T17:00:00+08:00", "unit": "c07", "round": 1,
         "reached": True, "resolved": True, "process_satisfaction": "satisfied",
         "result_satisfaction": "basically_satisfied"},
        {"type": "callback", "at": "2024-05-11T10:00:00+08:00", "unit": "dzb", "round": 2,
         "reached": True, "resolved": True, "process_satisfaction": "satisfied",
         "result_satisfaction": "satisfied", "method": "manual"},
        {"type": "closed", "at": "2024-05-11T10:05:00+08:00", "unit": "qzx",
         "outcome": "resolved"},
    ],
}  # fmt: skip


def record() -> dict[str, Any]:
    """A coherent 城东 order: a return approved and reassigned, a 续报, two callbacks."""
    return copy.deepcopy(_RECORD)


def minimal() -> dict[str, Any]:
    """The least an order needs."""
    return {
        "id": "M1",
        "channel": "12345",
        "category": "consultation",
        "received_at": "2024-05-06T09:00:00+08:00",
    }
