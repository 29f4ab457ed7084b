"""event_indices_as_of: the events up to an instant, in time order (a stable sort)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from grievance_rules.model.handling import (
    event_indices_as_of,
    excluded_from_assessment,
    handling_units,
)

START = dt.datetime(2024, 5, 6, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _order(minutes: list[int]) -> Any:
    events = [SimpleNamespace(at=START + dt.timedelta(minutes=m)) for m in minutes]
    return SimpleNamespace(events=events)


def test_in_order_and_all_kept() -> None:
    assert event_indices_as_of(_order([0, 5, 5, 9]), START + dt.timedelta(minutes=9)) == [
        0,
        1,
        2,
        3,
    ]


def test_later_events_left_out_and_ties_keep_their_listing() -> None:
    # listed: 10, 0, 5, 0, 30 (minutes); as of minute 10: the 30 goes
    order = _order([10, 0, 5, 0, 30])
    assert event_indices_as_of(order, START + dt.timedelta(minutes=10)) == [1, 3, 2, 0]
    assert event_indices_as_of(order, START - dt.timedelta(minutes=1)) == []


@given(
    st.lists(st.integers(min_value=0, max_value=20), max_size=12),
    st.integers(min_value=-1, max_value=21),
)
def test_same_as_filtering_then_a_stable_sort(minutes: list[int], cut: int) -> None:
    as_of = START + dt.timedelta(minutes=cut)
    expected = sorted((i for i, m in enumerate(minutes) if m <= cut), key=lambda i: minutes[i])
    assert event_indices_as_of(_order(minutes), as_of) == expected


@given(
    st.lists(st.integers(min_value=0, max_value=20), max_size=12),
    st.integers(min_value=-1, max_value=21),
)
def test_known_time_order_gives_the_same(minutes: list[int], cut: int) -> None:
    # events listed in time order (as a checked history has them): the first ones
    minutes = sorted(minutes)
    as_of = START + dt.timedelta(minutes=cut)
    expected = [i for i, m in enumerate(minutes) if m <= cut]
    assert event_indices_as_of(_order(minutes), as_of, in_time_order=True) == expected
    assert event_indices_as_of(_order(minutes), as_of) == expected


def test_excluded_from_assessment_by_flag_or_a_kept_excluded_event() -> None:
    from grievance_rules.model import WorkOrder

    def order(flags: list[str], events: list[dict[str, Any]]) -> WorkOrder:
        return WorkOrder.model_validate(
            {
                "id": "X1",
                "channel": "12345",
                "category": "投诉",
                "received_at": "2024-05-06T09:00:00+08:00",
                "flags": flags,
                "units": [{"id": "ctr", "kind": "dispatch_centre"}],
                "events": events,
            }
        )

    excluded = {"type": "excluded", "at": "2024-05-07T09:00:00+08:00", "unit": "ctr"}
    flagged = order(["excluded_from_assessment"], [])
    assert excluded_from_assessment(flagged, [])
    with_event = order([], [excluded])
    assert excluded_from_assessment(with_event, with_event.events)
    # the excluded event is later than as_of: not among the kept events, not excluded
    assert not excluded_from_assessment(with_event, [])
    assert not excluded_from_assessment(order([], []), [])


# handling_units: who holds the order after each event ------------------------------

_UNITS = [
    {"id": "ctr", "kind": "dispatch_centre"},
    {"id": "c01", "kind": "village_community"},
    {"id": "c02", "kind": "village_community"},
]


def _events(*steps: tuple[str, str, str | None]) -> list[Any]:
    """Events of an order from (type, acting unit, other unit) steps, a minute apart."""
    from grievance_rules.model import WorkOrder

    events: list[dict[str, Any]] = []
    for minute, (kind, unit, other) in enumerate(steps):
        event: dict[str, Any] = {
            "type": kind,
            "at": (START + dt.timedelta(minutes=minute)).isoformat(),
            "unit": unit,
        }
        if kind == "dispatched":
            event["to_unit"] = other
        elif kind == "reassigned":
            event.update(from_unit=other, to_unit="c02" if other == "c01" else "c01")
        elif kind == "return_decided":
            event.update(decision="approved", requester=other)
        events.append(event)
    order = WorkOrder.model_validate(
        {
            "id": "J",
            "channel": "12345",
            "category": "投诉",
            "received_at": START.isoformat(),
            "units": _UNITS,
            "events": events,
        }
    )
    return list(order.events)


def test_a_joint_orders_first_unit_returning_it_leaves_the_second_holding_it() -> None:
    # 联办: c01 then c02 are sent the order; c01 asks to return it and the centre
    # approves. c02 still holds it (it had none after the approval, as if both had
    # given it back: a deduction "charged to the handling unit" then charged nobody).
    events = _events(
        ("dispatched", "ctr", "c01"),
        ("dispatched", "ctr", "c02"),
        ("return_requested", "c01", None),
        ("return_decided", "ctr", "c01"),
    )
    assert handling_units(events, frozenset({"ctr"})) == ["c01", "c02", "c02", "c02"]


def test_the_last_unit_returning_a_joint_order_leaves_it_with_the_first() -> None:
    # c02, sent it last, returns it: c01, sent it first and not returning it, holds it
    events = _events(
        ("dispatched", "ctr", "c01"),
        ("dispatched", "ctr", "c02"),
        ("return_requested", "c02", None),
        ("return_decided", "ctr", None),  # requester not recorded: the last request's unit
    )
    assert handling_units(events, frozenset({"ctr"})) == ["c01", "c02", "c02", "c01"]


def test_a_return_approved_for_the_only_unit_leaves_nobody_holding_it() -> None:
    events = _events(
        ("dispatched", "ctr", "c01"),
        ("return_requested", "c01", None),
        ("return_decided", "ctr", "c01"),
        ("dispatched", "ctr", "c02"),
    )
    assert handling_units(events, frozenset({"ctr"})) == ["c01", "c01", None, "c02"]


_STEPS = st.sampled_from(
    [
        ("dispatched", "ctr", "c01"),
        ("dispatched", "ctr", "c02"),
        ("reassigned", "ctr", "c01"),
        ("reassigned", "ctr", "c02"),
        ("return_requested", "c01", None),
        ("return_requested", "c02", None),
        ("return_decided", "ctr", "c01"),
        ("return_decided", "ctr", "c02"),
    ]
)


@given(st.lists(_STEPS, max_size=8))
def test_the_handling_unit_is_the_last_sent_of_those_still_assigned(steps: list[Any]) -> None:
    # The reference: the assignments (model.assignments, its own reading of the same
    # events). After each event the handling unit is, of the units whose assignment is
    # still running, the one last sent the order (a dispatch again to a unit holding it
    # continues its assignment but sends it the order anew), else none. Sent by the
    # centre only, no forwards.
    from grievance_rules.model.assignments import assignments
    from grievance_rules.model.units import Unit

    events = _events(*steps)
    found = assignments(events, [Unit.model_validate(u) for u in _UNITS])
    expected = []
    for position in range(len(events)):
        running = {
            a.unit for a in found if a.begins <= position and (a.ends is None or a.ends > position)
        }
        sent = [e.to_unit for e in events[: position + 1] if e.type in ("dispatched", "reassigned")]
        last = [unit for unit in sent if unit in running]
        expected.append(last[-1] if last else None)
    assert handling_units(events, frozenset({"ctr"})) == expected
