import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules.model import WorkOrder
from grievance_rules.reading import Accepted, Rejected, iter_orders, read_orders
from grievance_rules.testing.strategies import work_orders
from tests.model.samples import minimal, record


def _jsonl(*records: object) -> bytes:
    return b"".join(
        (r if isinstance(r, bytes) else json.dumps(r, ensure_ascii=False).encode()) + b"\n"
        for r in records
    )


def test_reads_and_locates_every_line(tmp_path):
    bad = minimal() | {"category": "抱怨"}
    path = tmp_path / "orders.jsonl"
    path.write_bytes(_jsonl(record(), b"", bad, b"   ", minimal()))
    report = read_orders(path)
    assert report.records == 3
    assert [a.location.line for a in report.accepted] == [1, 5]
    assert [a.location.record for a in report.accepted] == [1, 3]
    (rejected,) = report.rejected
    assert rejected.location.line == 3
    assert rejected.order_id == "M1"
    assert rejected.problems[0].field == "category"
    assert str(rejected).startswith(f"{path}:3 (order M1): category:")


def test_bom_and_text_streams():
    data = b"\xef\xbb\xbf" + _jsonl(minimal())
    assert read_orders(io.BytesIO(data), format="jsonl").records == 1
    text = data.decode("utf-8")
    assert len(read_orders(io.StringIO(text), format="jsonl").accepted) == 1


def test_streaming_is_lazy():
    stream = iter_orders(io.BytesIO(_jsonl(minimal(), minimal())), format="jsonl")
    iterator = iter(stream)
    first = next(iterator)
    assert isinstance(first, Accepted)
    assert stream.records == 1


def test_history_errors_reject_and_warnings_travel():
    broken = record()
    del broken["events"][4]
    warned = record() | {"dispatched_at": "2024-05-06T09:31:00+08:00"}
    report = read_orders(io.BytesIO(_jsonl(broken, warned)), format="jsonl")
    (rejected,) = report.rejected
    assert {p.code for p in rejected.problems} == {"unit_not_reached"}
    (accepted,) = report.accepted
    assert [w.code.value for w in accepted.warnings] == ["dispatched_at_mismatch"]
    strict = read_orders(io.BytesIO(_jsonl(warned)), format="jsonl", strict=True)
    assert [p.code for p in strict.rejected[0].problems] == ["dispatched_at_mismatch"]
    assert strict.rejected[0].problems[0].message.endswith("(warning)")


def test_invalid_json_and_invalid_utf8():
    report = read_orders(
        io.BytesIO(b'{"id": "x",\n' + b'{"id": "\xff\xfe"}\n' + b"[1, 2]\n"), format="jsonl"
    )
    assert report.records == 3
    assert [p.code for r in report.rejected for p in r.problems][:1] == ["json_invalid"]
    assert all(isinstance(r, Rejected) for r in report.rejected)
    assert report.rejected[2].problems[0].code == "model_type"


def test_report_dict_and_problem_counts():
    report = read_orders(io.BytesIO(_jsonl(minimal() | {"channel": "fax"}, b"{")), format="jsonl")
    data = report.to_dict()
    assert data["records"] == 2
    assert data["rejected"] == 2
    assert data["problem_counts"] == {"enum": 1, "json_invalid": 1}
    json.dumps(data)


@settings(max_examples=40, deadline=None, database=None)
@given(st.lists(work_orders(), min_size=1, max_size=5))
def test_generated_orders_round_trip_through_jsonl(orders):
    data = b"".join(o.model_dump_json().encode() + b"\n" for o in orders)
    report = read_orders(io.BytesIO(data), format="jsonl", strict=True)
    assert report.orders == tuple(orders)


def test_fact_lines_round_trip():
    order = WorkOrder.model_validate(record())
    data = json.dumps(order.to_fact(), ensure_ascii=False).encode() + b"\n"
    assert read_orders(io.BytesIO(data), format="jsonl").orders == (order,)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
def test_assume_tz_reads_naive_timestamps_in_that_zone(zone):
    rec = record()
    rec["received_at"] = "2024-05-06 09:12:00"
    rec["events"][0]["at"] = "2024-05-06T09:30:00"
    report = read_orders(io.BytesIO(_jsonl(rec)), format="jsonl", assume_tz=zone)
    if zone == "UTC":  # 09:30 UTC is 17:30 in Shanghai: after the next events -> reported
        assert {p.code for p in report.rejected[0].problems} >= {"out_of_order"}
    else:
        (order,) = report.orders
        assert order == WorkOrder.model_validate(record())


def test_a_truncated_line_is_said_in_chinese_without_the_parser_s_english() -> None:
    from grievance_rules.i18n import language

    with language("zh"):
        report = read_orders(io.BytesIO(b'{"id": "A1", "channel":\n'), format="jsonl")
    (rejected,) = report.rejected
    assert str(rejected.problems[0]) == "不是有效的 JSON：该条记录不完整或格式有误 [json_invalid]"
