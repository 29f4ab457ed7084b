"""A corpus of broken records, each with the problem it must get (code and field)."""

import io
import json
from collections.abc import Callable
from typing import Any

import pytest

from grievance_rules.reading import Rejected, read_orders, validate_record
from tests.model.samples import record

Rec = dict[str, Any]


def _set(path: str, value: Any) -> Callable[[Rec], None]:
    def mutate(rec: Rec) -> None:
        target: Any = rec
        keys = path.split("/")
        for key in keys[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        last = keys[-1]
        if value is _DELETE:
            del target[int(last) if isinstance(target, list) else last]
        elif isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return mutate


_DELETE = object()


def _swap(i: int, j: int) -> Callable[[Rec], None]:
    def mutate(rec: Rec) -> None:
        events = rec["events"]
        events[i], events[j] = events[j], events[i]

    return mutate


def _drop(*indices: int) -> Callable[[Rec], None]:
    def mutate(rec: Rec) -> None:
        for i in indices:
            del rec["events"][i]

    return mutate


# name, mutation, expected code, expected field
CORPUS: list[tuple[str, Callable[[Rec], None], str, str]] = [
    ("no id", _set("id", _DELETE), "missing", "id"),
    ("empty id", _set("id", ""), "string_too_short", "id"),
    ("unknown channel", _set("channel", "fax"), "enum", "channel"),
    ("unknown category", _set("category", "抱怨"), "enum", "category"),
    ("unknown urgency", _set("urgency", "very"), "enum", "urgency"),
    ("special kinds not a list", _set("special_kinds", 3), "tuple_type", "special_kinds"),
    ("naive receipt", _set("received_at", "2024-05-06T09:12:00"), "timezone_aware", "received_at"),
    ("epoch receipt", _set("received_at", 1714958000), "instant_number", "received_at"),
    ("prose receipt", _set("received_at", "昨天上午"), "datetime_parsing", "received_at"),
    ("no receipt", _set("received_at", _DELETE), "missing", "received_at"),
    ("bare date receipt", _set("received_at", "2024-05-06"), "instant_date", "received_at"),
    (
        "receipt in 1800",
        _set("received_at", "1800-05-06T09:00:00+08:00"),
        "instant_range",
        "received_at",
    ),
    ("level 5", _set("response_level", 5), "less_than_equal", "response_level"),
    ("latitude 100", _set("location/latitude", 100), "less_than_equal", "location.latitude"),
    ("unknown order field", _set("colour", "red"), "extra_forbidden", "colour"),
    ("unit without kind", _set("units/0/kind", _DELETE), "missing", "units[0].kind"),
    ("unknown unit kind", _set("units/1/kind", "bank"), "enum", "units[1].kind"),
    (
        "unknown leader role",
        _set("units/2/leaders", {"boss": "x"}),
        "enum",
        "units[2].leaders.boss",
    ),
    ("events not a list", _set("events", {"a": 1}), "tuple_type", "events"),
    ("event without type", _set("events/1/type", _DELETE), "union_tag_not_found", "events[1]"),
    ("unknown event type", _set("events/1/type", "teleported"), "union_tag_invalid", "events[1]"),
    ("event without time", _set("events/1/at", _DELETE), "missing", "events[1].at"),
    ("naive event time", _set("events/1/at", "2024-05-06 09:41"), "timezone_aware", "events[1].at"),
    ("dispatch nowhere", _set("events/0/to_unit", _DELETE), "missing", "events[0].to_unit"),
    ("unknown event field", _set("events/0/colour", 1), "extra_forbidden", "events[0].colour"),
    (
        "bad evidence kind",
        _set("events/2/evidence/0/kind", "rumour"),
        "enum",
        "events[2].evidence[0].kind",
    ),
    ("bad decision", _set("events/3/decision", "maybe"), "enum", "events[3].decision"),
    (
        "bad satisfaction",
        _set("events/9/process_satisfaction", "很好"),
        "enum",
        "events[9].process_satisfaction",
    ),
    ("callback round 0", _set("events/9/round", 0), "greater_than_equal", "events[9].round"),
    ("resolved maybe", _set("events/9/resolved", "maybe"), "bool_parsing", "events[9].resolved"),
    (
        "continuation without deadline",
        _set("events/7/committed_deadline", _DELETE),
        "missing",
        "events[7].committed_deadline",
    ),
    (
        "event before receipt",
        _set("received_at", "2024-05-06T09:35:00+08:00"),
        "event_before_received",
        "events[0].at",
    ),
    ("events out of order", _swap(5, 6), "out_of_order", "events[6].at"),
    ("callback before reply", _drop(8, 6), "callback_before_reply", "events[7]"),
    (
        "decision without request",
        _set("events/2", {"type": "signed_for", "at": "2024-05-06T10:05:00+08:00", "unit": "s02"}),
        "return_decided_without_request",
        "events[3].requester",
    ),
    ("unit never reached", _set("events/4/to_unit", "s02"), "unit_not_reached", "events[5].unit"),
    ("unknown unit", _set("events/5/unit", "ghost"), "unknown_unit", "events[5].unit"),
    ("duplicate unit", _set("units/3/id", "c07"), "duplicate_unit", "units[3].id"),
    (
        "deadline before its event",
        _set("events/7/committed_deadline", "2024-05-01T00:00:00+08:00"),
        "deadline_before_event",
        "events[7].committed_deadline",
    ),
    (
        "reply deadline before receipt",
        _set("reply_deadline", "2024-05-01T00:00:00+08:00"),
        "deadline_before_received",
        "reply_deadline",
    ),
]


def _broken(mutate: Callable[[Rec], None]) -> Rec:
    rec = record()
    mutate(rec)
    return rec


@pytest.mark.parametrize(("name", "mutate", "code", "field"), CORPUS, ids=[c[0] for c in CORPUS])
def test_each_broken_record_gets_its_error(name, mutate, code, field):
    result = validate_record(_broken(mutate))
    assert isinstance(result, Rejected), name
    assert (code, field) in [(p.code, p.field) for p in result.problems], result
    result = validate_record(json.dumps(_broken(mutate), ensure_ascii=False))
    assert isinstance(result, Rejected)
    assert (code, field) in [(p.code, p.field) for p in result.problems], result


def test_the_corpus_in_one_file_is_fully_accounted_for():
    lines = []
    for _, mutate, _, _ in CORPUS:
        lines.append(json.dumps(record(), ensure_ascii=False))
        lines.append(json.dumps(_broken(mutate), ensure_ascii=False))
    report = read_orders(io.BytesIO("\n".join(lines).encode()), format="jsonl")
    assert report.records == 2 * len(CORPUS)
    assert len(report.accepted) == len(CORPUS)
    assert [r.location.line for r in report.rejected] == list(range(2, 2 * len(CORPUS) + 1, 2))
    for rejected, (_, mutate, code, field) in zip(report.rejected, CORPUS, strict=True):
        assert rejected.order_id == _broken(mutate).get("id")
        assert (code, field) in [(p.code, p.field) for p in rejected.problems]
        assert all(p.message for p in rejected.problems)
