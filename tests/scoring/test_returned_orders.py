"""Whom an order counts for once an approved return handed it back (not dispatched again).

大冶 （七）「所有工单应自交办之日起1个工作日内签收认领,不属于本单位职责范围的,应当在2个工作日内
退单」. 罗家桥街道 (ljq) completes O1; it signs for O2 a day late and returns it (属住建职责),
the centre approves, and by 30 June O2 is not dispatched again. Worked by hand, June 2023:

* the pack's reading (``returned_order_counts_for: last_unit``): O2 stays ljq's, in every
  rate: 2 orders, 办事办结率 1/2, 按时签收率 1/2 (O2's sign-off was late: it stays late);
* the other (``none``): O2 counts for no unit, apart as ``returned``: ljq 1 order,
  办事办结率 1/1, and 按时签收率 1/1 — the late sign-off is out of the rate too (the rates
  count whole orders), which is why the packs keep the first reading.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from grievance_rules.errors import PackError
from grievance_rules.packs import find_pack, load_pack
from grievance_rules.scoring import score

AS_OF = dt.datetime(2023, 6, 30, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))
UNITS = [
    {"id": "rx", "name": "市12345公共热线服务中心", "kind": "市热线中心"},
    {"id": "ljq", "name": "罗家桥街道", "kind": "街道"},
]
PHOTO = [{"kind": "photo", "ref": "p.jpg"}]


def _order(order_id: str, *events: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": order_id,
        "channel": "12345",
        "category": "投诉",
        "received_at": "2023-06-05T09:00:00+08:00",
        "units": UNITS,
        "events": [{**e, "at": f"2023-06-{e['at']}:00+08:00"} for e in events],
    }


O1 = _order(
    "O1",
    {"type": "dispatched", "at": "05T09:30", "unit": "rx", "to_unit": "ljq"},
    {"type": "signed_for", "at": "05T10:00", "unit": "ljq"},
    {"type": "replied", "at": "06T10:00", "unit": "ljq", "evidence": PHOTO},
)
O2 = _order(
    "O2",
    {"type": "dispatched", "at": "05T09:30", "unit": "rx", "to_unit": "ljq"},
    {"type": "signed_for", "at": "07T10:00", "unit": "ljq"},  # due Tue 06-06: late
    {"type": "return_requested", "at": "07T15:00", "unit": "ljq", "reason": "属住建职责"},
    {
        "type": "return_decided",
        "at": "08T10:00",
        "unit": "rx",
        "decision": "approved",
        "requester": "ljq",
    },
)


def _cards(pack: Any) -> list[Any]:
    cards = [
        score([O1, O2], pack, period="month", as_of=AS_OF, path=path)
        for path in ("per-order", "columnar")
    ]
    assert cards[0].model_dump_json() == cards[1].model_dump_json()  # the two paths agree
    return cards


def _ljq(card: Any) -> tuple[int, tuple[float, int], tuple[float, int]]:
    (ljq,) = [row for row in card.rows if row.unit == "ljq"]
    completion, sign_off = ljq.rates["completion"], ljq.rates["on_time_sign_off"]
    return (
        ljq.orders,
        (completion.numerator, completion.denominator),
        (sign_off.numerator, sign_off.denominator),
    )


def test_a_returned_order_stays_the_returning_units_in_every_rate() -> None:
    card = _cards(find_pack("daye"))[0]
    assert _ljq(card) == (2, (1, 2), (1, 2))
    assert card.unattributed.orders == 0


def test_the_other_reading_counts_it_for_no_unit_its_sign_off_too() -> None:
    pack = find_pack("daye").with_parameters({"returned_order_counts_for": "none"})
    card = _cards(pack)[0]
    assert _ljq(card) == (1, (1, 1), (1, 1))
    assert card.assessed == 2
    assert card.unattributed.orders == 1
    assert card.unattributed.reasons["returned"] == 1
    assert sum(row.orders for row in card.rows) + card.unattributed.orders == card.assessed


def test_a_setting_that_is_no_reading_is_refused_naming_file_and_field(tmp_path) -> None:
    import shutil

    copy = tmp_path / "daye"
    shutil.copytree(find_pack("daye").directory, copy)
    parameters = copy / "parameters.yaml"
    text = parameters.read_text(encoding="utf-8")
    marker = "  returned_order_counts_for:\n"
    head, tail = text.split(marker)
    parameters.write_text(
        head + marker + tail.replace("value: last_unit", "value: nobody", 1), encoding="utf-8"
    )
    with pytest.raises(PackError) as caught:
        load_pack(copy)
    assert str(caught.value) == (
        "parameters.yaml: parameter returned_order_counts_for: 'nobody' is not one of its "
        "values: none, last_unit"
    )
    # a literal in pack.yaml: refused with the file and the field
    parameters.write_text(text, encoding="utf-8")
    manifest = copy / "pack.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            "returned_orders: {param: returned_order_counts_for}", "returned_orders: sideways"
        ),
        encoding="utf-8",
    )
    with pytest.raises(PackError) as caught:
        load_pack(copy)
    assert "pack.yaml" in str(caught.value)
    assert "scoring.returned_orders" in str(caught.value)


def test_a_parameter_without_labels_is_checked_by_the_setting_it_serves(tmp_path) -> None:
    # labels list a parameter's values and refuse others; without them, the scoring
    # setting's own check refuses a value that is no reading
    import shutil

    copy = tmp_path / "daye"
    shutil.copytree(find_pack("daye").directory, copy)
    parameters = copy / "parameters.yaml"
    text = parameters.read_text(encoding="utf-8")
    head, tail = text.split("  returned_order_counts_for:\n")
    tail = "\n".join(line for line in tail.splitlines() if not line.startswith("    labels"))
    tail = tail.replace("value: last_unit", "value: nobody", 1)
    parameters.write_text(head + "  returned_order_counts_for:\n" + tail + "\n", encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(copy)
    message = str(caught.value)
    assert message.startswith("pack.yaml: scoring.returned_orders: 'nobody' is not one of ")
    assert "returned_order_counts_for" in message
