"""A clock whose period is counted ``elapsed`` runs on wall-clock time, lights and share too.

chengdong's 三（一）「在节假日或工作日下班时间接到的紧急投诉事项…原则上一个小时内反馈办理结果」
(CD-1.emergency-feedback) is one hour of wall-clock time from a dispatch after office hours.
Its share of the period, and the warning lights read from it (50 % yellow, 75 % red), are
wall-clock time too, though the pack's calendar has office hours (09:00-12:00,
13:30-17:30): on office time no minute of the hour runs (19:00-20:00 is after hours), and the
clock stood at 100 % from its start. Worked by hand: dispatched Mon 2024-05-06 19:00, due
20:00; at 19:12, 12 of 60 minutes (0.2); at 19:30, 0.5 (yellow); at 19:45, 0.75 (red).
"""

from __future__ import annotations

import datetime as dt

import pytest

from grievance_rules.calendar import china
from grievance_rules.engine import evaluate
from grievance_rules.engine.clocks import level_reached
from grievance_rules.engine.plan import PackPlan, plan_for
from grievance_rules.model import WorkOrder
from grievance_rules.operations.watch_list import level_change_instant
from tests.columnar.differential import assert_same

RULE = "CD-1.emergency-feedback"
ORDER = WorkOrder.model_validate(
    {
        "id": "E9",
        "channel": "hotline_12345",
        "category": "complaint",
        "urgency": "urgent",
        "received_at": "2024-05-06T18:50:00+08:00",
        "units": [
            {"id": "dzb", "name": "党政办公室", "kind": "dispatch_centre"},
            {"id": "c07", "name": "东风社区", "kind": "village_community"},
        ],
        "events": [
            {"type": "dispatched", "at": "2024-05-06T19:00:00+08:00", "unit": "dzb",
             "to_unit": "c07"},
        ],
    }
)  # fmt: skip


def _at(hhmm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"2024-05-06T{hhmm}:00+08:00")


@pytest.fixture(scope="module")
def plan() -> PackPlan:
    return plan_for("chengdong")


@pytest.mark.parametrize(
    ("as_of", "fraction", "light"),
    [("19:12", 0.2, None), ("19:30", 0.5, "yellow"), ("19:45", 0.75, "red")],
)
def test_the_share_and_the_lights_are_wall_clock_time(
    plan: PackPlan, as_of: str, fraction: float, light: str | None
) -> None:
    (clock,) = [c for c in evaluate(ORDER, plan, _at(as_of)).clocks if c.rule_id == RULE]
    assert (clock.state, clock.due) == ("running", _at("20:00"))
    assert (clock.elapsed_fraction, clock.warning_level) == (fraction, light)
    # the columnar kernel (not a fall-back to the engine): the same share and light
    result = assert_same([ORDER], plan, _at(as_of))
    rows = [(row[10] or None, row[11], row[13]) for row in result.findings if row[2] == RULE]
    assert rows == [(light, fraction, "columnar")]


def test_the_instant_a_light_comes_on_is_laid_on_wall_clock_time() -> None:
    calendar = china(office_hours="09:00-12:00,13:30-17:30")
    found = level_reached(calendar, _at("19:00"), 3600.0, 0.75, level="red", wall_clock=True)
    assert found.at == _at("19:45")
    assert "45 of 60 minutes of clock time" in found.how
    # on office time the same numbers lie on the next working day: 45 minutes after 09:00
    office = level_reached(calendar, _at("19:00"), 3600.0, 0.75, level="red")
    assert office.at == dt.datetime.fromisoformat("2024-05-07T09:45:00+08:00")


def test_the_watch_list_names_the_instant_the_next_light_comes_on(plan: PackPlan) -> None:
    assert level_change_instant(ORDER, plan.pack, _at("19:10"), RULE, 0, "yellow") == _at("19:30")
    assert level_change_instant(ORDER, plan.pack, _at("19:31"), RULE, 0, "red") == _at("19:45")
