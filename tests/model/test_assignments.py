"""Assignments: each handling unit's turn with an order, read from its events."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from grievance_rules.model import WorkOrder
from grievance_rules.model.assignments import ASSIGNING_EVENT_TYPES, Assignment, assignments
from grievance_rules.testing.strategies import work_orders

UNITS = [
    {"id": "ctr", "kind": "dispatch_centre"},
    {"id": "t1", "kind": "township"},
    {"id": "v1", "kind": "village_community", "parent": "t1"},
    {"id": "d1", "kind": "city_department"},
]


def _turns(*events: dict[str, object]) -> list[tuple[str, int, int | None, str]]:
    order = WorkOrder.model_validate(
        {
            "id": "A",
            "channel": "12345",
            "category": "投诉",
            "received_at": "2024-05-06T09:00:00+08:00",
            "units": UNITS,
            "events": [
                {"at": f"2024-05-06T{10 + i:02d}:00:00+08:00", **e} for i, e in enumerate(events)
            ],
        }
    )
    return [(a.unit, a.begins, a.ends, a.how) for a in assignments(order.events, order.units)]


def test_a_return_approved_then_a_new_dispatch_reads_as_a_reassignment() -> None:
    by_dispatch = _turns(
        {"type": "dispatched", "unit": "ctr", "to_unit": "t1"},
        {"type": "return_requested", "unit": "t1"},
        {"type": "return_decided", "unit": "ctr", "decision": "approved"},
        {"type": "dispatched", "unit": "ctr", "to_unit": "d1"},
    )
    by_reassignment = _turns(
        {"type": "dispatched", "unit": "ctr", "to_unit": "t1"},
        {"type": "return_requested", "unit": "t1"},
        {"type": "return_decided", "unit": "ctr", "decision": "approved", "requester": "t1"},
        {"type": "reassigned", "unit": "ctr", "from_unit": "t1", "to_unit": "d1"},
    )
    assert by_dispatch == [("t1", 0, 2, "dispatched"), ("d1", 3, None, "dispatched")]
    assert by_reassignment == [("t1", 0, 2, "dispatched"), ("d1", 3, None, "reassigned")]


def test_a_refused_return_ends_nothing() -> None:
    assert _turns(
        {"type": "dispatched", "unit": "ctr", "to_unit": "t1"},
        {"type": "return_requested", "unit": "t1"},
        {"type": "return_decided", "unit": "ctr", "decision": "refused"},
    ) == [("t1", 0, None, "dispatched")]


def test_a_forward_to_a_village_is_not_an_assignment_and_a_joint_dispatch_is_two() -> None:
    assert _turns(
        {"type": "dispatched", "unit": "ctr", "to_unit": "t1"},
        {"type": "dispatched", "unit": "t1", "to_unit": "v1"},
        {"type": "dispatched", "unit": "ctr", "to_unit": "d1"},
    ) == [("t1", 0, None, "dispatched"), ("d1", 2, None, "dispatched")]


def test_a_reassignment_without_from_unit_ends_every_holder() -> None:
    assert _turns(
        {"type": "dispatched", "unit": "ctr", "to_unit": "t1"},
        {"type": "dispatched", "unit": "ctr", "to_unit": "d1"},
        {"type": "reassigned", "unit": "ctr", "to_unit": "v1"},
    ) == [("t1", 0, 2, "dispatched"), ("d1", 1, 2, "dispatched"), ("v1", 2, None, "reassigned")]


def test_sending_the_order_again_to_its_holder_continues_the_assignment() -> None:
    assert _turns(
        {"type": "dispatched", "unit": "ctr", "to_unit": "d1"},
        {"type": "replied", "unit": "d1"},
        {"type": "dispatched", "unit": "ctr", "to_unit": "d1"},
    ) == [("d1", 0, None, "dispatched")]


@given(work_orders())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_only_the_assigning_event_types_decide_the_assignments(order: WorkOrder) -> None:
    # the columnar frame gives assignments() only these events (ASSIGNING_EVENT_TYPES)
    kept = [k for k, e in enumerate(order.events) if e.type in ASSIGNING_EVENT_TYPES]
    full = assignments(order.events, order.units)
    read = assignments([order.events[k] for k in kept], order.units)
    assert full == tuple(
        Assignment(a.unit, kept[a.begins], None if a.ends is None else kept[a.ends], a.how)
        for a in read
    )
