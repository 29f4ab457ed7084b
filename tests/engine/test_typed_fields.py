"""What the engine knew as data is in the assessment as data, beside the trace's words.

A clock's pauses (``ClockFinding.pauses``) and the start event a ``missing_deadline``
warning is about (``DataWarning.event_type``): the instants and indices here are worked
out by hand from each order's history and the demo pack's office hours
(09:00-12:00, 13:30-17:30), not read from the engine.
"""

from __future__ import annotations

import datetime as dt
import functools
import json

import pytest

from grievance_rules.engine import ClockFinding, ClockPause
from grievance_rules.engine import evaluate as checked_evaluate
from grievance_rules.model import WorkOrder
from grievance_rules.packs import Pack

from .conftest import ENGINES, at, dispatched, make_order

# small histories (a return decided after the reply ...): the history checks are not the point
evaluate = functools.partial(checked_evaluate, check_history=False)


def _reply_clock(order: WorkOrder, pack: Pack, as_of: str, engine: str = "native") -> ClockFinding:
    assessment = evaluate(order, pack, at(as_of), engine=engine)
    return next(c for c in assessment.clocks if c.rule_id == "D-reply")


def _requested(when: str) -> dict[str, str]:
    return {"type": "return_requested", "at": when, "unit": "c07", "reason": "x"}


def _decided(when: str) -> dict[str, str]:
    return {"type": "return_decided", "at": when, "unit": "ctr", "decision": "refused"}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_clock_paused_twice_carries_both_pauses(demo: Pack, engine: str) -> None:
    # D-reply: 2 working days (civil_code) from Monday 09:30, due Wednesday 2024-05-08 17:30,
    # paused from a return request (event 1, 3) to its decision (event 2, 4)
    order = make_order(
        dispatched("2024-05-06T09:30"),
        _requested("2024-05-06T10:00"),
        _decided("2024-05-06T15:00"),
        _requested("2024-05-07T09:00"),
        _decided("2024-05-07T11:00"),
    )
    clock = _reply_clock(order, demo, "2024-05-07T12:00", engine)
    assert clock.pauses == (
        ClockPause(
            begin=at("2024-05-06T10:00"), begin_event=1, end=at("2024-05-06T15:00"), end_event=2
        ),
        ClockPause(
            begin=at("2024-05-07T09:00"), begin_event=3, end=at("2024-05-07T11:00"), end_event=4
        ),
    )
    # 10:00-12:00 and 13:30-15:00 (3 h 30) then 09:00-11:00 (2 h) of office time: from
    # Wednesday 17:30, Thursday 09:00-12:00 and 13:30-16:00
    assert (clock.state, clock.due) == ("running", at("2024-05-09T16:00"))
    data = json.loads(clock.model_dump_json())
    assert data["pauses"][0] == {
        "begin": "2024-05-06T10:00:00+08:00",
        "begin_event": 1,
        "end": "2024-05-06T15:00:00+08:00",
        "end_event": 2,
    }
    # the words stay beside the fields, one line for each pause
    said = [line for line in clock.trace if line.startswith("paused from event")]
    assert said == [
        "paused from event 1 (2024-05-06T10:00:00+08:00) to 2024-05-06T15:00:00+08:00: "
        "due moves to 2024-05-09T14:00:00+08:00",
        "paused from event 3 (2024-05-07T09:00:00+08:00) to 2024-05-07T11:00:00+08:00: "
        "due moves to 2024-05-09T16:00:00+08:00",
    ]


def test_a_pause_not_yet_decided_runs_to_as_of(demo: Pack) -> None:
    order = make_order(dispatched("2024-05-06T09:30"), _requested("2024-05-06T10:00"))
    clock = _reply_clock(order, demo, "2024-05-09T10:00")
    assert clock.state == "paused"
    assert clock.pauses == (
        ClockPause(begin=at("2024-05-06T10:00"), begin_event=1, end=at("2024-05-09T10:00"),
                   end_event=None),
    )  # fmt: skip


def test_a_pause_decided_after_the_reply_ends_at_the_reply(demo: Pack) -> None:
    # replied (event 2) Tuesday 10:00 while the return was pending; decided (event 3) at 11:00
    order = make_order(
        dispatched("2024-05-06T09:30"),
        _requested("2024-05-06T10:00"),
        {"type": "replied", "at": "2024-05-07T10:00", "unit": "c07"},
        _decided("2024-05-07T11:00"),
    )
    clock = _reply_clock(order, demo, "2024-05-08T09:00")
    assert (clock.state, clock.stop_event) == ("met", 2)
    assert clock.pauses == (
        ClockPause(begin=at("2024-05-06T10:00"), begin_event=1, end=at("2024-05-07T10:00"),
                   end_event=None),
    )  # fmt: skip


def test_a_clock_never_paused_has_no_pauses(demo: Pack) -> None:
    clock = _reply_clock(make_order(dispatched("2024-05-06T09:30")), demo, "2024-05-07T09:00")
    assert clock.pauses == ()
    assert json.loads(clock.model_dump_json())["pauses"] == []


def _letter_without_deadline() -> WorkOrder:
    return WorkOrder.model_validate(
        {
            "id": "L3",
            "received_at": "2024-05-06T09:00:00+08:00",
            "channel": "12345",
            "category": "投诉",
            "units": [
                {"id": "rx", "name": "市12345公共热线服务中心", "kind": "市热线中心"},
                {"id": "ljq", "name": "罗家桥街道", "kind": "街道"},
            ],
            "events": [
                {"type": "dispatched", "at": "2024-05-06T09:30:00+08:00", "unit": "rx",
                 "to_unit": "ljq"},
                {"type": "supervision", "at": "2024-05-09T10:00:00+08:00", "unit": "rx",
                 "level": "市督办", "mode": "书面督办", "to_unit": "ljq"},
            ],
        }
    )  # fmt: skip


@pytest.mark.parametrize("engine", ENGINES)
def test_a_missing_deadline_names_the_start_events_type(engine: str) -> None:
    # daye DY-12.letter-deadline runs to the deadline the letter (a supervision, event 1) sets
    as_of = dt.datetime(2024, 5, 16, 9, tzinfo=dt.UTC)
    assessment = checked_evaluate(_letter_without_deadline(), "daye", as_of, engine=engine)
    (warning,) = [w for w in assessment.warnings if w.code == "missing_deadline"]
    assert (warning.rule_id, warning.event_type) == ("DY-12.letter-deadline", "supervision")
    assert json.loads(warning.model_dump_json()) == {
        "code": "missing_deadline",
        "message": "DY-12.letter-deadline: the supervision event has no deadline; the clock "
        "cannot run (no written time limit applies to it under this rule)",
        "rule_id": "DY-12.letter-deadline",
        "event_type": "supervision",
    }


def test_a_deadline_missing_from_the_order_names_no_event() -> None:
    # chengdong CD-5.written-deadline runs to the order's own reply_deadline, which it lacks
    order = make_order(dispatched("2024-05-06T09:30"))
    assessment = checked_evaluate(order, "chengdong", at("2024-05-07T09:00"))
    (warning,) = [w for w in assessment.warnings if w.code == "missing_deadline"]
    assert warning.rule_id == "CD-5.written-deadline"
    assert warning.message.startswith("CD-5.written-deadline: the order has no reply_deadline;")
    assert warning.event_type is None
