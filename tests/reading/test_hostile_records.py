"""Records and options a hostile or careless caller might give: refused cleanly, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grievance_rules.errors import ReadError
from grievance_rules.reading import iter_orders, validate_record
from grievance_rules.reading.results import Rejected

GOOD = {
    "id": "B7",
    "channel": "app",
    "category": "建议",
    "received_at": "2024-05-06T09:00:00+08:00",
}


def nested(levels: int) -> dict[str, object]:
    """{"x": {"x": ... {}}} with ``levels`` dicts."""
    inner: dict[str, object] = {}
    for _ in range(levels - 1):
        inner = {"x": inner}
    return inner


def test_a_dict_nested_ten_thousand_deep_is_a_rejected_record() -> None:
    result = validate_record(nested(10_000))
    assert isinstance(result, Rejected)
    assert [(p.field, p.code) for p in result.problems] == [
        ("id", "missing"),
        ("channel", "missing"),
        ("category", "missing"),
        ("received_at", "missing"),
        ("x", "extra_forbidden"),
    ]
    # the value is shown to six levels (reprlib), not followed all the way down
    assert result.problems[-1].message.startswith("unknown field (value {'x': {'x': {'x': ")
    assert "{...}" in result.problems[-1].message


@pytest.mark.parametrize("where", ["complainant", "extra", "events"])
def test_a_deep_value_in_an_otherwise_good_record_is_rejected_by_field(where: str) -> None:
    deep = nested(10_000)
    record = {**GOOD, where: [deep] if where == "events" else deep}
    result = validate_record(record)
    assert isinstance(result, Rejected)
    assert result.order_id == "B7"
    assert {p.field.split("[")[0].split(".")[0] for p in result.problems} == {where}


def test_deep_json_text_is_a_rejected_record() -> None:
    text = '{"id": "B8", "events": ' + "[" * 10_000 + "]" * 10_000 + "}"
    result = validate_record(text)
    assert isinstance(result, Rejected)
    assert [p.code for p in result.problems] == ["json_invalid"]
    assert "recursion limit exceeded" in result.problems[0].message


@pytest.mark.parametrize("encoding", ["nonsense", "base64", "rot13"])
def test_an_unknown_or_non_text_encoding_is_refused_before_reading(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("id,channel,category,received_at\n", encoding="utf-8")
    with pytest.raises(ReadError) as caught:
        iter_orders(path, encoding=encoding)
    assert str(caught.value) == (
        f"unknown text encoding {encoding!r}; e.g. utf-8, utf-8-sig, gb18030, or auto (detect)"
    )


def test_a_known_encoding_reads(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(
        "id,channel,category,received_at\nB9,app,建议,2024-05-06T09:00+08:00\n".encode("gb18030")
    )
    results = list(iter_orders(path, encoding="gb18030"))
    assert [r.ok for r in results] == [True]
    assert json.loads(results[0].order.model_dump_json())["id"] == "B9"
