"""A paused clock: the due instant moves on its own time line, and lights read pauses in time.

Worked by hand (office hours 09:00-12:00, 13:30-17:30; 2024-05-06 and 05-13 are Mondays).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from types import SimpleNamespace

from grievance_rules.calendar import china
from grievance_rules.engine import evaluate
from grievance_rules.engine.clocks import _shift, level_reached
from grievance_rules.model import WorkOrder
from grievance_rules.packs import load_pack

DEMO = Path(__file__).parent / "packs" / "demo"
T = dt.datetime.fromisoformat


def _twelve_hour_pack(tmp_path: Path, *, pauses: str, extend: bool = False) -> Path:
    """The demo pack, its reply clock made 12 hours of wall-clock time with these pauses."""
    pack_dir = tmp_path / "demo"
    shutil.copytree(DEMO, pack_dir)
    rules = pack_dir / "rules" / "clocks.yaml"
    text = rules.read_text(encoding="utf-8")
    old = (
        "    duration: {param: reply_time}\n    convention: civil_code\n"
        "    pause:\n      - [{event: return_requested}, {event: return_decided}]\n"
        "    extend: {event: extension_granted}\n    cap: 30 working days\n"
    )
    assert old in text
    new = "    duration: 12 hours\n    convention: elapsed\n    pause:\n" + pauses
    if extend:
        new += "    extend: {event: extension_granted}\n"
    rules.write_text(text.replace(old, new), encoding="utf-8")
    return pack_dir


_RETURNS = "      - [{event: return_requested}, {event: return_decided}]\n"


def _event(kind: str, at: str, unit: str, **fields: str) -> dict[str, str]:
    day = "2024-05-07" if at.startswith("+") else "2024-05-06"
    return {"type": kind, "at": f"{day}T{at.lstrip('+')}:00+08:00", "unit": unit, **fields}


def _order(*events: dict[str, str], units: tuple[str, ...] = ("dept",)) -> WorkOrder:
    return WorkOrder.model_validate(
        {
            "id": "P1",
            "channel": "12345",
            "category": "投诉",
            "received_at": "2024-05-06T08:00:00+08:00",
            "units": [
                {"id": "ctr", "kind": "dispatch_centre"},
                *({"id": unit, "kind": "street_office"} for unit in units),
            ],
            "events": list(events),
        }
    )


def test_a_pause_moves_an_elapsed_clock_by_the_wall_clock_time_it_took(tmp_path: Path) -> None:
    # the demo pack's reply clock made 12 hours of wall-clock time, paused while a return
    # is pending: dispatched Mon 08:00 (due 20:00), return asked 10:00 and refused 11:00:
    # one hour paused, due 21:00 (not an office hour added after 20:00, the next morning);
    # at 20:30, 11.5 of its 12 hours have run
    pack_dir = _twelve_hour_pack(tmp_path, pauses=_RETURNS)
    order = _order(
        _event("dispatched", "08:00", "ctr", to_unit="dept"),
        _event("return_requested", "10:00", "dept", reason="不属本部门"),
        _event("return_decided", "11:00", "ctr", decision="refused", requester="dept"),
    )
    (clock,) = evaluate(order, load_pack(pack_dir), T("2024-05-06T20:30:00+08:00")).clocks
    assert (clock.state, clock.due) == ("running", T("2024-05-06T21:00:00+08:00"))
    assert clock.elapsed_fraction == round(11.5 / 12, 6)


def test_a_light_counts_the_pauses_in_time_order_whatever_order_they_come_in() -> None:
    # 2 working days of office time (840 minutes) from Mon 2024-05-13 09:00, paused Mon
    # 10:00-11:00 (60 minutes in) and Tue 09:10-10:10 (430 minutes in). Yellow at half, 420
    # minutes run: 60 + 60 paused, then to 370 running at Tue 09:10 (Mon's 420 less 60
    # paused is 360, Tue 09:00-09:10 10 more), 60 paused, and 50 more: Tue 11:00
    calendar = china(office_hours="09:00-12:00,13:30-17:30")
    minute = 60_000_000
    pauses = [(430 * minute, 60 * minute), (60 * minute, 60 * minute)]  # as two pairs list them
    found = level_reached(
        calendar, T("2024-05-13T09:00:00+08:00"), 840 * 60.0, 0.5, level="yellow", pauses=pauses
    )
    assert found.at == T("2024-05-14T11:00:00+08:00")


def test_time_two_pauses_overlap_stands_still_once(tmp_path: Path) -> None:
    # due 20:00; a return pending 10:00-12:00 and an extension asked 11:00, granted 13:00
    # (granted, it moves nothing: the rule has no extend): the clock stood still 10:00-13:00,
    # three hours, not 2 + 2: due 23:00; at 22:00, 11 of its 12 hours have run
    pauses = _RETURNS + "      - [{event: extension_requested}, {event: extension_granted}]\n"
    pack_dir = _twelve_hour_pack(tmp_path, pauses=pauses)
    order = _order(
        _event("dispatched", "08:00", "ctr", to_unit="dept"),
        _event("return_requested", "10:00", "dept", reason="不属本部门"),
        _event("extension_requested", "11:00", "dept"),
        _event("return_decided", "12:00", "ctr", decision="refused", requester="dept"),
        _event("extension_granted", "13:00", "ctr", new_deadline="2024-05-06T18:00:00+08:00"),
    )
    (clock,) = evaluate(order, load_pack(pack_dir), T("2024-05-06T22:00:00+08:00")).clocks
    assert (clock.state, clock.due) == ("running", T("2024-05-06T23:00:00+08:00"))
    assert clock.elapsed_fraction == round(11 / 12, 6)
    assert [(p.begin_event, p.end_event) for p in clock.pauses] == [(1, 3), (2, 4)]


def test_a_pause_ends_at_the_decision_on_its_own_request(tmp_path: Path) -> None:
    # dispatched to two units at 08:00 (due 20:00); dept2 asks to return at 09:30, dept at
    # 10:00; the centre decides dept2's request at 11:00 and dept's at 14:00. The order's
    # clock stood still from 09:30 until dept's request was decided at 14:00: 4.5 hours,
    # due 00:30 the next day (the 11:00 decision ended only dept2's pause)
    pack_dir = _twelve_hour_pack(tmp_path, pauses=_RETURNS)
    order = _order(
        _event("dispatched", "08:00", "ctr", to_unit="dept"),
        _event("dispatched", "08:00", "ctr", to_unit="dept2"),
        _event("return_requested", "09:30", "dept2", reason="不属本部门"),
        _event("return_requested", "10:00", "dept", reason="不属本部门"),
        _event("return_decided", "11:00", "ctr", decision="refused", requester="dept2"),
        _event("return_decided", "14:00", "ctr", decision="refused", requester="dept"),
        units=("dept", "dept2"),
    )
    (clock,) = evaluate(order, load_pack(pack_dir), T("2024-05-06T22:00:00+08:00")).clocks
    assert (clock.state, clock.due) == ("running", T("2024-05-07T00:30:00+08:00"))
    assert [(p.begin_event, p.end_event) for p in clock.pauses] == [(2, 4), (3, 5)]


def test_an_extension_counts_when_granted_before_a_pause_moved_due_instant(
    tmp_path: Path,
) -> None:
    # due 20:00; a return pending 10:00-13:00 moves it to 23:00; an extension granted at
    # 21:00 (after 20:00, before 23:00: the clock was still in time) to Tue 12:00 counts:
    # due Tue 12:00 (the pause lay before the grant: the new deadline is the due instant)
    pack_dir = _twelve_hour_pack(tmp_path, pauses=_RETURNS, extend=True)
    order = _order(
        _event("dispatched", "08:00", "ctr", to_unit="dept"),
        _event("return_requested", "10:00", "dept", reason="不属本部门"),
        _event("return_decided", "13:00", "ctr", decision="refused", requester="dept"),
        _event("extension_requested", "20:30", "dept"),
        _event("extension_granted", "21:00", "ctr", new_deadline="2024-05-07T12:00:00+08:00"),
    )
    (clock,) = evaluate(order, load_pack(pack_dir), T("2024-05-07T09:00:00+08:00")).clocks
    assert (clock.state, clock.due) == ("running", T("2024-05-07T12:00:00+08:00"))


def test_a_pause_in_working_days_moves_a_due_instant_at_2400_to_2400() -> None:
    # no office hours: a pause from Mon 2024-05-13 to Tue 05-14 is one working day; a clock
    # due at 24:00 on Fri 05-17 (written Sat 00:00) moves one working day on, to 24:00 on
    # Mon 05-20 (Tue 00:00), not to Mon 00:00 (which is 24:00 on Sunday)
    evaluation = SimpleNamespace(calendar=china())
    moved = _shift(
        evaluation,  # type: ignore[arg-type]
        T("2024-05-18T00:00:00+08:00"),
        T("2024-05-13T10:00:00+08:00"),
        T("2024-05-14T10:00:00+08:00"),
    )
    assert moved == T("2024-05-21T00:00:00+08:00")
    # a due instant within the day moves by the day: Fri 17:00 to Mon 17:00
    moved = _shift(
        evaluation,  # type: ignore[arg-type]
        T("2024-05-17T17:00:00+08:00"),
        T("2024-05-13T10:00:00+08:00"),
        T("2024-05-14T10:00:00+08:00"),
    )
    assert moved == T("2024-05-20T17:00:00+08:00")


def test_an_extension_capped_below_the_due_instant_leaves_the_due_instant(tmp_path: Path) -> None:
    # a clock of 2 working days (civil code, the demo's office closing at 17:30: dispatched
    # Mon 2024-05-13 10:00, due Wed 05-15 17:30), its extensions capped at 1 working day
    # from the start (Tue 17:30); one granted on Tue 10:00 to Fri 17:00 is capped at Tue
    # 17:30, and the clock stays due on Wed 17:30: the cap bounds what an extension gives,
    # it never takes time the clock had (the extended due instant was cut to the cap: Tue
    # 17:30, a day early); both paths
    from grievance_rules.engine.plan import plan_for
    from tests.columnar.differential import assert_same

    pack_dir = tmp_path / "demo"
    shutil.copytree(DEMO, pack_dir)
    rules = pack_dir / "rules" / "clocks.yaml"
    text = rules.read_text(encoding="utf-8")
    old = (
        "    pause:\n      - [{event: return_requested}, {event: return_decided}]\n"
        "    extend: {event: extension_granted}\n    cap: 30 working days\n"
    )
    assert old in text
    rules.write_text(
        text.replace(old, "    extend: {event: extension_granted}\n    cap: 1 working day\n"),
        encoding="utf-8",
    )
    order = WorkOrder.model_validate(
        {
            "id": "X1",
            "channel": "12345",
            "category": "投诉",
            "received_at": "2024-05-13T09:00:00+08:00",
            "units": [
                {"id": "ctr", "kind": "dispatch_centre"},
                {"id": "dept", "kind": "street_office"},
            ],
            "events": [
                {
                    "type": "dispatched",
                    "at": "2024-05-13T10:00:00+08:00",
                    "unit": "ctr",
                    "to_unit": "dept",
                },
                {"type": "extension_requested", "at": "2024-05-14T09:00:00+08:00", "unit": "dept"},
                {
                    "type": "extension_granted",
                    "at": "2024-05-14T10:00:00+08:00",
                    "unit": "ctr",
                    "new_deadline": "2024-05-17T17:00:00+08:00",
                },
            ],
        }
    )
    plan = plan_for(load_pack(pack_dir))
    as_of = T("2024-05-14T12:00:00+08:00")
    (clock,) = [c for c in evaluate(order, plan, as_of).clocks if c.rule_id == "D-reply"]
    assert clock.due == T("2024-05-15T17:30:00+08:00")
    assert_same([order], plan, as_of)
