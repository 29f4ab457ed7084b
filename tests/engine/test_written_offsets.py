"""An order is the same order however its instants' offsets are written.

The order's own JSON already writes every instant in Shanghai time; its assessment
(findings' instants and traces) does too, so an order sent in UTC (``Z``) and the same
order in ``+08:00`` give the same bytes.
"""

import datetime as dt
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules.engine import evaluate
from grievance_rules.model import WorkOrder
from grievance_rules.packs import find_pack
from grievance_rules.samples import generate_lines

PACKS = [find_pack(name) for name in ("chengdong", "xiayang", "daye")]
ORDERS = [json.loads(line) for line in generate_lines(40, seed=23)]
AS_OF = dt.datetime.fromisoformat("2026-06-30T12:00:00+08:00")
OFFSETS = st.sampled_from([0, -5, 1, 8, 9, 14]).map(lambda h: dt.timezone(dt.timedelta(hours=h)))


INSTANT_KEYS = frozenset(
    {
        "received_at",
        "reply_deadline",
        "at",
        "deadline",
        "committed_deadline",
        "new_deadline",
        "requested_deadline",
    }
)


def rewritten(record: Any, zone: st.DrawFn) -> Any:
    """The record with each instant written in an offset drawn for it."""
    if isinstance(record, list):
        return [rewritten(item, zone) for item in record]
    if not isinstance(record, dict):
        return record
    out = {}
    for key, value in record.items():
        if key in INSTANT_KEYS and isinstance(value, str):
            text = dt.datetime.fromisoformat(value).astimezone(zone(OFFSETS)).isoformat()
            out[key] = text.replace("+00:00", "Z")
        else:
            out[key] = rewritten(value, zone)
    return out


def test_an_order_in_utc_is_assessed_as_in_shanghai_time() -> None:
    # (daye) 2024-05-06T01:30:00Z is 09:30 in Shanghai: every instant in the JSON and the
    # traces is written +08:00, as for the order written so
    record = ORDERS[0]  # units shi (city centre) and zjj (a city department)
    utc = {
        **record,
        "received_at": "2024-05-06T01:00:00Z",
        "events": [
            {"type": "dispatched", "at": "2024-05-06T01:30:00Z", "unit": "shi", "to_unit": "zjj"},
            {"type": "replied", "at": "2024-05-08T02:00:00Z", "unit": "zjj"},
        ],
    }
    local = {
        **utc,
        "received_at": "2024-05-06T09:00:00+08:00",
        "events": [
            {**utc["events"][0], "at": "2024-05-06T09:30:00+08:00"},
            {**utc["events"][1], "at": "2024-05-08T10:00:00+08:00"},
        ],
    }
    utc.pop("reply_deadline", None)
    local.pop("reply_deadline", None)
    a = evaluate(WorkOrder.model_validate(utc), PACKS[2], as_of=AS_OF).model_dump_json()
    b = evaluate(WorkOrder.model_validate(local), PACKS[2], as_of=AS_OF).model_dump_json()
    assert "Z" not in a.replace('"Z', "")  # no instant written in UTC
    assert "2024-05-06T09:30:00+08:00" in a
    assert a == b


@settings(max_examples=30, deadline=None, database=None)
@given(st.sampled_from(ORDERS), st.sampled_from(PACKS), st.data())
def test_offsets_do_not_change_an_assessments_bytes(record, pack, data) -> None:
    moved = rewritten(record, data.draw)
    order, again = WorkOrder.model_validate(record), WorkOrder.model_validate(moved)
    assert again == order
    assert (
        evaluate(again, pack, as_of=AS_OF).model_dump_json()
        == evaluate(order, pack, as_of=AS_OF).model_dump_json()
    )
