"""Small hand-made orders for the scoring tests: one village or office, one callback."""

from __future__ import annotations

import datetime as dt
from typing import Any

from grievance_rules.model import WorkOrder

TZ = "+08:00"
UNITS = [
    {"id": "dzb", "name": "党政办公室", "kind": "dispatch_centre"},
    *({"id": f"c{k:02d}", "name": f"村{k}", "kind": "village_community"} for k in range(1, 6)),
    {"id": "cgb", "name": "城管办公室", "kind": "street_office"},
]


def order(
    order_id: str,
    unit: str,
    day: dt.date,
    *,
    process: str | None = "satisfied",
    result: str | None = "satisfied",
    overall: str | None = None,
    resolved: bool | None = True,
    reply_days: int = 1,
    deadline_days: int = 5,
    contact: bool = True,
    excluded: bool = False,
    struck_off: bool = False,
) -> WorkOrder:
    """An order received at 09:00 on ``day`` and dispatched to ``unit``; replied after
    ``reply_days`` days with a photo (deadline: ``deadline_days`` days, written on the
    order), then one callback with the given ratings the day after the reply."""
    at = dt.datetime.combine(day, dt.time(9), dt.timezone(dt.timedelta(hours=8)))

    def t(days: float, hours: float = 0) -> str:
        return (at + dt.timedelta(days=days, hours=hours)).isoformat()

    events: list[dict[str, Any]] = [
        {"type": "dispatched", "at": t(0, 0.5), "unit": "dzb", "to_unit": unit},
        {"type": "signed_for", "at": t(0, 1), "unit": unit},
    ]
    if contact:
        events.append({"type": "first_contact", "at": t(0, 2), "unit": unit})
    events.append(
        {
            "type": "replied",
            "at": t(reply_days, 1),
            "unit": unit,
            "evidence": [{"kind": "photo", "ref": "p.jpg"}],
        }
    )
    callback: dict[str, Any] = {"type": "callback", "at": t(reply_days + 1, 1), "unit": "dzb"}
    for key, value in (
        ("process_satisfaction", process),
        ("result_satisfaction", result),
        ("satisfaction", overall),
        ("resolved", resolved),
    ):
        if value is not None:
            callback[key] = value
    events.append(callback)
    if struck_off:
        events.append({"type": "struck_off", "at": t(reply_days + 1, 3), "unit": "dzb"})
    if excluded:
        # with its approver: every pack leaves it out (夏阳 三、2 asks the approval)
        events.append(
            {"type": "excluded", "at": t(reply_days + 1, 4), "unit": "dzb", "approved_by": "dzb"}
        )
    return WorkOrder.model_validate(
        {
            "id": order_id,
            "channel": "12345",
            "category": "投诉",
            "received_at": at.isoformat(),
            "reply_deadline": t(deadline_days, 8),
            "units": UNITS,
            "events": events,
        }
    )


def undispatched(
    order_id: str,
    day: dt.date,
    *,
    flags: tuple[str, ...] = (),
    events: tuple[tuple[float, dict[str, Any]], ...] = (),
) -> WorkOrder:
    """An order received at 09:00 on ``day`` that is never dispatched to a handling unit.

    ``events``: (hours after receipt, event fields) each; the units are the scoring
    tests' (``dzb``, the 党政办公室, is the dispatching centre).
    """
    at = dt.datetime.combine(day, dt.time(9), dt.timezone(dt.timedelta(hours=8)))
    return WorkOrder.model_validate(
        {
            "id": order_id,
            "channel": "12345",
            "category": "咨询",
            "received_at": at.isoformat(),
            "units": UNITS,
            "flags": list(flags),
            "events": [
                {**fields, "at": (at + dt.timedelta(hours=hours)).isoformat()}
                for hours, fields in events
            ],
        }
    )


def answered_online(order_id: str, day: dt.date) -> WorkOrder:
    # daye （六）「对部分简单的咨询或建议类诉求，话务员在线进行答复」: never reaches a unit
    return undispatched(
        order_id,
        day,
        flags=("answered_online",),
        events=((0.2, {"type": "closed", "unit": "dzb", "outcome": "explained"}),),
    )


def handled_by_the_centre(order_id: str, day: dt.date) -> WorkOrder:
    # the 党政办 takes the order on itself (主动承办) and replies: it counts for the centre,
    # which 附件2 一、 does not assess (考核对象：各村（社区）)
    return undispatched(
        order_id,
        day,
        events=(
            (0.1, {"type": "proactive_handling", "unit": "dzb"}),
            (5, {"type": "replied", "unit": "dzb", "evidence": [{"kind": "photo"}]}),
            (26, {"type": "callback", "unit": "dzb", "satisfaction": "satisfied"}),
        ),
    )
