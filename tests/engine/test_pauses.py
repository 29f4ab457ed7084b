"""A paused clock: the due instant moves on its own time line, and lights read pauses in time.

Worked by hand (office hours 09:00-12:00, 13:30-17:30; 2024-05-06 and 05-13 are Mondays).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from grievance_rules.calendar import china
from grievance_rules.engine import evaluate
from grievance_rules.engine.clocks import level_reached
from grievance_rules.model import WorkOrder
from grievance_rules.packs import load_pack

DEMO = Path(__file__).parent / "packs" / "demo"
T = dt.datetime.fromisoformat


def test_a_pause_moves_an_elapsed_clock_by_the_wall_clock_time_it_took(tmp_path: Path) -> None:
    # the demo pack's reply clock made 12 hours of wall-clock time, paused while a return
    # is pending: dispatched Mon 08:00 (due 20:00), return asked 10:00 and refused 11:00:
    # one hour paused, due 21:00 (not an office hour added after 20:00, the next morning);
    # at 20:30, 11.5 of its 12 hours have run
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
    new = (
        "    duration: 12 hours\n    convention: elapsed\n"
        "    pause:\n      - [{event: return_requested}, {event: return_decided}]\n"
    )
    rules.write_text(text.replace(old, new), encoding="utf-8")

    def event(kind: str, at: str, unit: str, **fields: str) -> dict[str, str]:
        return {"type": kind, "at": f"2024-05-06T{at}:00+08:00", "unit": unit, **fields}

    order = WorkOrder.model_validate(
        {
            "id": "P1",
            "channel": "12345",
            "category": "投诉",
            "received_at": "2024-05-06T08:00:00+08:00",
            "units": [
                {"id": "ctr", "kind": "dispatch_centre"},
                {"id": "dept", "kind": "street_office"},
            ],
            "events": [
                event("dispatched", "08:00", "ctr", to_unit="dept"),
                event("return_requested", "10:00", "dept", reason="不属本部门"),
                event("return_decided", "11:00", "ctr", decision="refused", requester="dept"),
            ],
        }
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
