import datetime as dt
import io
import json

import pytest

from grievance_rules.calendar import SHANGHAI
from grievance_rules.errors import ReadError
from grievance_rules.reading import iter_orders, localize_naive, read_orders
from grievance_rules.reading.naive import zone
from tests.model.samples import minimal


def test_only_naive_instant_fields_are_touched():
    rec = {
        "received_at": dt.datetime(2024, 5, 6, 9),
        "dispatched_at": "2024-05-06T09:30:00Z",
        "summary": "2024-05-06 09:00",
        "events": [
            {"type": "continuation", "at": "2024-05-07 09:00", "committed_deadline": "2024-05-14"},
            {"type": "mystery", "deadline": "2024-05-08 10:00"},
            "not an event",
        ],
    }
    out = localize_naive(rec, SHANGHAI)
    assert out["received_at"] == dt.datetime(2024, 5, 6, 9, tzinfo=SHANGHAI)
    assert out["dispatched_at"] == "2024-05-06T09:30:00Z"
    assert out["summary"] == "2024-05-06 09:00"
    assert out["events"][0]["at"] == "2024-05-07T09:00:00+08:00"
    assert out["events"][0]["committed_deadline"] == "2024-05-14"  # a date: refused later
    assert out["events"][1]["deadline"] == "2024-05-08T10:00:00+08:00"
    assert out["events"][2] == "not an event"
    assert rec["events"][0]["at"] == "2024-05-07 09:00"  # the input is unchanged
    assert localize_naive([1], SHANGHAI) == [1]


def test_unknown_zone():
    with pytest.raises(ReadError, match="unknown time zone 'Mars/Olympus'"):
        zone("Mars/Olympus")
    assert zone(dt.UTC) is dt.UTC


@pytest.mark.parametrize("given", [8, 8.0, ["x"]])
def test_a_zone_that_is_no_name_is_refused_not_read_as_seconds(given):
    # assume_tz=8 read 09:30 as 09:30+00:00:08 (pendulum: an offset of 8 seconds);
    # ["x"] was an AttributeError
    from grievance_rules.i18n import language
    from grievance_rules.reading import validate_record

    with language("en"), pytest.raises(ReadError, match=r"^assume_tz: an IANA zone name"):
        validate_record(minimal() | {"received_at": "2024-06-11 09:30:00"}, assume_tz=given)


def test_assume_tz_does_not_override_explicit_offsets():
    rec = minimal() | {"received_at": "2024-05-06T09:00:00-05:00"}
    data = json.dumps(rec).encode()
    (order,) = read_orders(io.BytesIO(data), format="jsonl", assume_tz="Asia/Shanghai").orders
    assert order.received_at.utcoffset() == dt.timedelta(hours=-5)


def test_a_stream_is_read_once():
    stream = iter_orders(io.BytesIO(json.dumps(minimal()).encode()), format="jsonl")
    assert len(list(stream)) == 1
    with pytest.raises(ReadError, match="read once"):
        list(stream)
