"""A callback counts in the rates of the unit it rates, not of whichever unit the order ends with.

大冶's callbacks ask 「承办单位是否联系、问题是否解决、满意度评价」 (002 (十)) and each unit
reads 「本单位被群众评价为“不满意”的案件」 (003): a rating is the rated unit's. A callback
names the unit it rates (``about_unit``, 评价单位); else it rates the unit holding the
order at the callback. The rates count an order for the unit holding it at ``as_of``,
and now read only that unit's callbacks. Worked by hand, daye, June 2023: 罗家桥街道
(ljq) and 市住建局 (zjj) are both sent J1 and J2 (联办; zjj sent it last, so the order
counts for zjj); K1 is ljq's until the centre moves it to zjj.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from grievance_rules.scoring import score

AS_OF = dt.datetime(2023, 6, 30, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))
UNITS = [
    {"id": "rx", "name": "市12345公共热线服务中心", "kind": "市热线中心"},
    {"id": "ljq", "name": "罗家桥街道", "kind": "街道"},
    {"id": "zjj", "name": "市住建局", "kind": "市直部门"},
]
PHOTO = [{"kind": "photo", "ref": "p.jpg"}]


def _at(text: str) -> str:
    return f"2023-{text[:5]}T{text[6:]}:00+08:00"


def _order(order_id: str, *events: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": order_id,
        "channel": "12345",
        "category": "投诉",
        "received_at": _at("06-05 09:00"),
        "units": UNITS,
        "events": [{**event, "at": _at(event["at"])} for event in events],
    }


def _callback(at: str, about: str | None, rating: str, **fields: Any) -> dict[str, Any]:
    found = {"type": "callback", "at": at, "unit": "rx", "satisfaction": rating, **fields}
    if about is not None:
        found["about_unit"] = about
    return found


JOINT = (
    {"type": "dispatched", "at": "06-05 09:30", "unit": "rx", "to_unit": "ljq"},
    {"type": "dispatched", "at": "06-05 09:31", "unit": "rx", "to_unit": "zjj"},
    {"type": "signed_for", "at": "06-05 10:00", "unit": "ljq"},
    {"type": "signed_for", "at": "06-05 10:00", "unit": "zjj"},
    {"type": "replied", "at": "06-06 10:00", "unit": "ljq", "evidence": PHOTO},
    {"type": "replied", "at": "06-06 11:00", "unit": "zjj", "evidence": PHOTO},
)


def _satisfaction(*orders: dict[str, Any]) -> dict[str, tuple[float, int]]:
    card = score(list(orders), "daye", period="month", as_of=AS_OF, path="per-order")
    columnar = score(list(orders), "daye", period="month", as_of=AS_OF, path="columnar")
    assert columnar.model_dump_json() == card.model_dump_json()  # the two paths agree
    return {
        row.unit: (row.rates["satisfaction"].numerator, row.rates["satisfaction"].denominator)
        for row in card.rows
        if row.rates["satisfaction"].denominator
    }


@pytest.mark.parametrize("first", ["ljq", "zjj"])
def test_a_joint_orders_rating_of_the_other_unit_is_not_this_units(first: str) -> None:
    # ljq rated 不满意, zjj 满意, in either order: zjj's 满意率 is 1/1. It was 1/1 or
    # 0/1 by which callback came last (the last rating, whichever unit it rated).
    second = "zjj" if first == "ljq" else "ljq"
    ratings = {"ljq": "不满意", "zjj": "满意"}
    j = _order(
        "J",
        *JOINT,
        _callback("06-07 10:00", first, ratings[first]),
        _callback("06-07 10:30", second, ratings[second]),
    )
    assert _satisfaction(j) == {"zjj": (1, 1)}


def test_a_rating_of_the_unit_the_order_was_taken_from_is_not_the_new_units() -> None:
    # K1: ljq replies, the callback rates ljq 不满意 (no 评价单位 recorded: ljq held the
    # order then); the centre moves it to zjj, which replies; no callback rates zjj.
    # zjj's 满意率 was 0/1 (ljq's 不满意); zjj has no rating now.
    k = _order(
        "K1",
        {"type": "dispatched", "at": "06-05 09:30", "unit": "rx", "to_unit": "ljq"},
        {"type": "signed_for", "at": "06-05 10:00", "unit": "ljq"},
        {"type": "replied", "at": "06-06 10:00", "unit": "ljq", "evidence": PHOTO},
        _callback("06-07 10:00", None, "不满意"),
        {"type": "reassigned", "at": "06-08 10:00", "unit": "rx", "from_unit": "ljq",
         "to_unit": "zjj"},
        {"type": "signed_for", "at": "06-08 11:00", "unit": "zjj"},
        {"type": "replied", "at": "06-09 10:00", "unit": "zjj", "evidence": PHOTO},
    )  # fmt: skip
    assert _satisfaction(k) == {}
    later = {**k, "id": "K2"}
    later["events"] = [
        *k["events"],
        {**_callback("06-10 10:00", None, "满意"), "at": _at("06-10 10:00")},
    ]
    assert _satisfaction(later) == {"zjj": (1, 1)}  # zjj's own callback


def test_a_callback_saying_another_unit_called_is_no_contact_by_this_one() -> None:
    # zjj, sent the joint order last, never calls the complainant; a callback about ljq
    # says the complainant was contacted. zjj's 先行联系率 was 1/1 from it; now 0/1.
    j = _order("J3", *JOINT, _callback("06-07 10:00", "ljq", "满意", contacted=True))
    card = score([j], "daye", period="month", as_of=AS_OF)
    (row,) = [row for row in card.rows if row.unit == "zjj"]
    contact = row.rates["first_contact"]
    assert (contact.numerator, contact.denominator) == (0, 1)
