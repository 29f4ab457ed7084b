"""event_indices_as_of: the events up to an instant, in time order (a stable sort)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from grievance_rules.model.handling import event_indices_as_of, excluded_from_assessment

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
