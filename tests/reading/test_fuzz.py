"""Thousands of random malformed records: none crashes the reader, each is accounted for."""

import copy
import csv
import io
import json
import random
from typing import Any

from grievance_rules.reading import Accepted, Rejected, read_orders
from tests.model.samples import minimal, record

JUNK: list[Any] = [
    None, 0, -1, 1.5, 10**30, True, "", " ", "投诉", "2024-05-06", "2024-05-06T09:00:00",
    "2024-13-45T99:99:99+08:00", "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00Z",
    "\u0000", "\ud7ff", "💥" * 50, [], [1, 2], {}, {"type": "closed"}, {"a": {"b": [None]}},
    "events", "dispatched", "nowhere", "-Infinity",
]  # fmt: skip


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _mutate(rec: Any, rng: random.Random) -> Any:
    for _ in range(rng.randint(1, 4)):
        paths = _paths(rec)
        path = rng.choice(paths)
        if not path:
            rec = rng.choice(JUNK) if rng.random() < 0.1 else rec
            continue
        parent: Any = rec
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        action = rng.random()
        if action < 0.3:
            del parent[key]
        elif action < 0.8:
            parent[key] = copy.deepcopy(rng.choice(JUNK))
        elif isinstance(parent, list):
            parent.insert(rng.randrange(len(parent) + 1), copy.deepcopy(parent[key]))
        else:
            parent[rng.choice(["extra", "type", "at", "unit"])] = copy.deepcopy(rng.choice(JUNK))
    return rec


def _line(rng: random.Random) -> bytes:
    rec = record() if rng.random() < 0.7 else minimal()
    roll = rng.random()
    if roll < 0.1:
        return json.dumps(rec, ensure_ascii=False).encode()  # valid
    text = json.dumps(_mutate(rec, rng), ensure_ascii=False).encode("utf-8", "surrogatepass")
    if roll < 0.2:  # byte-level damage
        cut = rng.randrange(len(text))
        return text[:cut] + bytes(rng.randrange(256) for _ in range(rng.randint(0, 4)))
    if roll < 0.23:
        return b"[" * 5000 + b"]" * 5000  # deep nesting
    return text


def _check_accounting(report, expected_records: int) -> None:
    assert report.records == expected_records
    assert len(report.accepted) + len(report.rejected) == expected_records
    for result in report.rejected:
        assert isinstance(result, Rejected)
        assert result.problems
        assert all(p.message and p.code for p in result.problems)
        str(result)
    for result in report.accepted:
        assert isinstance(result, Accepted)
        assert all(w.severity == "warning" for w in result.warnings)
        json.dumps(result.order.to_fact())
    json.dumps(report.to_dict())


def test_jsonl_fuzz():
    rng = random.Random(20240506)
    lines = [_line(rng).replace(b"\n", b" ").replace(b"\r", b" ") for _ in range(3000)]
    data = b"\n".join(lines) + b"\n"
    expected = sum(1 for line in lines if line.strip())
    report = read_orders(io.BytesIO(data), format="jsonl")
    _check_accounting(report, expected)
    assert len(report.accepted) >= 200
    assert len(report.rejected) >= 2000
    lines_seen = sorted(r.location.line for r in (*report.accepted, *report.rejected))
    assert lines_seen == [i for i, line in enumerate(lines, 1) if line.strip()]


def test_jsonl_fuzz_with_assume_tz():
    rng = random.Random(7)
    lines = [_line(rng).replace(b"\n", b" ").replace(b"\r", b" ") for _ in range(1000)]
    expected = sum(1 for line in lines if line.strip())
    report = read_orders(io.BytesIO(b"\n".join(lines)), format="jsonl", assume_tz="Asia/Shanghai")
    _check_accounting(report, expected)


def test_json_document_fuzz():
    rng = random.Random(11)
    items = [_mutate(record(), rng) for _ in range(500)]
    data = json.dumps(items, ensure_ascii=False).encode("utf-8", "surrogatepass")
    report = read_orders(io.BytesIO(data), format="json", assume_tz="Asia/Shanghai")
    _check_accounting(report, 500)


def test_csv_fuzz():
    rng = random.Random(3)
    header = ["id", "channel", "category", "urgency", "received_at", "special_kinds", "units",
              "events", "location.latitude", "response_level"]  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    rows = 0
    for _ in range(1000):
        rec = _mutate(record(), rng)
        rec = rec if isinstance(rec, dict) else {}
        row = []
        for name in header:
            value = rec.get(name.split(".")[0], rng.choice(JUNK))
            if name == "location.latitude":
                value = rng.choice(JUNK)
            cell = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            if rng.random() < 0.05:
                cell = cell[: rng.randrange(len(cell) + 1)] + '"'
            row.append(cell)
        writer.writerow(row)
        rows += 1
    data = out.getvalue().encode("utf-8", "surrogatepass")
    report = read_orders(io.BytesIO(data), format="csv", assume_tz="Asia/Shanghai")
    assert len(report.accepted) + len(report.rejected) == report.records
    assert 0 < report.records <= rows
    _check_accounting(report, report.records)
