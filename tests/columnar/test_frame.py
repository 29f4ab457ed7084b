"""The whole-batch kernels' building blocks: the flat frame, searches, batch conditions.

Expected values are worked out by hand from the orders written here; the whole-batch
clock kernel is also held to the order-by-order kernel it replaced.
"""

from __future__ import annotations

import datetime as dt
import tempfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grievance_rules.columnar.batch import prepare
from grievance_rules.columnar.clocks import clock_rows, clock_rows_loop
from grievance_rules.columnar.conditions import holds_over_batch, since_with_findings
from grievance_rules.columnar.findings import as_rows
from grievance_rules.columnar.frame import Frame, build_frame, first_from, frame_of
from grievance_rules.columnar.run import _clocks_in_order
from grievance_rules.engine.conditions import deduction_points
from grievance_rules.engine.matching import value_reader, view_of
from grievance_rules.engine.plan import plan_for
from grievance_rules.errors import NotYetReceivedError
from grievance_rules.model import EVENT_CLASSES, WorkOrder
from grievance_rules.model.assignments import assignments
from grievance_rules.packs.schema import AllOf, AnyOf, CountOf, NotOf, Trigger
from grievance_rules.reading import Accepted, BatchColumns
from grievance_rules.reading.parquet import iter_parquet_orders
from grievance_rules.reading.parquet_export import write_parquet
from grievance_rules.samples.generator import generate_orders
from grievance_rules.testing.strategies import work_orders
from tests.columnar.differential import kernel_rows

UNITS = [
    {"id": "ctr", "kind": "dispatch_centre"},
    {"id": "d1", "kind": "street_office"},
    {"id": "d2", "kind": "street_office"},
]


def _order(oid: str, events: list[dict[str, object]]) -> WorkOrder:
    return WorkOrder.model_validate(
        {
            "id": oid,
            "channel": "12345",
            "category": "投诉",
            "received_at": "2024-05-06T09:00:00+08:00",
            "units": UNITS,
            "events": events,
        }
    )


def _us(text: str) -> int:
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return (dt.datetime.fromisoformat(text) - epoch) // dt.timedelta(microseconds=1)


A = _order(
    "A",
    [
        {"type": "dispatched", "at": "2024-05-06T09:30+08:00", "unit": "ctr", "to_unit": "d1"},
        {"type": "first_contact", "at": "2024-05-06T10:00+08:00", "unit": "d1"},
        {
            "type": "reassigned",
            "at": "2024-05-06T11:00+08:00",
            "unit": "ctr",
            "from_unit": "d1",
            "to_unit": "d2",
        },
        {"type": "first_contact", "at": "2024-05-07T10:00+08:00", "unit": "d2"},
    ],
)
B = _order("B", [])  # no events at all
C = _order(
    "C",
    [
        {"type": "dispatched", "at": "2024-05-06T14:00+08:00", "unit": "ctr", "to_unit": "d2"},
        {"type": "first_contact", "at": "2024-05-06T15:00+08:00", "unit": "d2"},
    ],
)


def test_first_from_by_hand():
    rows = np.array([2, 5, 9], dtype=np.int64)
    lower = np.array([0, 3, 6, 10, 5], dtype=np.int64)
    upper = np.array([4, 5, 9, 12, 6], dtype=np.int64)
    # [0,4) holds 2; [3,5) nothing (5 is excluded); [6,9) nothing; [10,12) nothing; [5,6) 5
    assert first_from(rows, lower, upper).tolist() == [2, -1, -1, -1, 5]
    assert first_from(np.zeros(0, dtype=np.int64), lower, upper).tolist() == [-1] * 5


def test_frame_lays_out_kept_events_by_hand():
    as_of = dt.datetime.fromisoformat("2024-05-06T23:00+08:00")  # A's last event is later
    frame = build_frame([A, B, C], as_of)
    # A keeps 3 of 4 events, B none, C both
    assert frame.offsets.tolist() == [0, 3, 3, 5]
    assert frame.order.tolist() == [0, 0, 0, 2, 2]
    assert frame.pos.tolist() == [0, 1, 2, 0, 1]
    assert frame.index.tolist() == [0, 1, 2, 0, 1]
    assert frame.at_us.tolist() == [
        _us("2024-05-06T09:30+08:00"),
        _us("2024-05-06T10:00+08:00"),
        _us("2024-05-06T11:00+08:00"),
        _us("2024-05-06T14:00+08:00"),
        _us("2024-05-06T15:00+08:00"),
    ]
    names = [frame.unit_name(int(c)) for c in frame.unit]
    assert names == ["ctr", "d1", "ctr", "ctr", "d2"]
    handling = [frame.unit_name(int(c)) for c in frame.handling]
    assert handling == ["d1", "d1", "d2", "d2", "d2"]
    assert [frame.unit_name(int(c)) for c in frame.first_handling] == ["d1", None, "d2"]
    table = frame.assignment_table()
    # A: d1 from its dispatch (0) to the reassignment (2), d2 from there; C: d2 from 0
    assert table.order.tolist() == [0, 0, 2]
    assert table.begins.tolist() == [0, 2, 0]
    assert table.ends.tolist() == [2, -1, -1]
    assert [frame.unit_name(int(c)) for c in table.unit] == ["d1", "d2", "d2"]
    assert table.dispatched.tolist() == [True, False, True]


def test_views_are_made_when_asked_for_and_kept():
    as_of = dt.datetime.fromisoformat("2024-05-06T23:00+08:00")
    frame = build_frame([A, B, C], as_of)
    views = frame.views
    assert len(views) == 3
    view = views[0]  # A cut at as_of: 3 of its 4 events, held by d1, d1, then d2
    assert view.kept == list(A.events[:3])
    assert view.indices == [0, 1, 2]
    assert view.handling == ["d1", "d1", "d2"]
    assert view.upstream == frozenset({"ctr"})
    assert view.ignored_after_as_of == 1
    assert views[0] is view
    assert views[-3] is view
    assert views[1].kept == []
    assert views[1].handling == []
    assert views[-1].handling == ["d2", "d2"]
    assert views[1:] == [views[1], views[2]]
    assert list(views) == [view, views[1], views[2]]
    assert [frame.views[i] for i in range(3)] == [view_of(o, as_of) for o in (A, B, C)]
    assert frame.upstream == [frozenset({"ctr"})] * 3
    with pytest.raises(IndexError):
        views[3]


def test_events_are_read_by_field_by_hand():
    frame = build_frame([A, B, C], None)  # every event kept: rows 0-3 are A's, 4-5 C's
    assert frame.size == 6
    assert frame.values_at([0, 2, 4], "to_unit") == ["d1", "d2", "d2"]
    assert frame.values_at([2], "from_unit") == ["d1"]
    # a first contact has no to_unit: the default, as getattr gives it
    assert frame.values_at([1, 0], "to_unit") == [None, "d1"]
    marker = object()
    assert frame.values_at([1], "to_unit", marker) == [marker]
    # a class's own attribute is read from the event (no field holds it)
    assert frame.values_at([1], "instant_fields") == [("at",)]
    assert frame.values_of_type("first_contact", "unit") == ["d1", "d2", "d2"]
    assert [c.__name__ for c in frame.classes_at([0, 1, 2])] == [
        "Dispatched",
        "FirstContact",
        "Reassigned",
    ]
    assert frame.event(5) is C.events[1]
    assert frame.events_at([3, 4]) == [A.events[3], C.events[0]]


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(
    orders=st.lists(work_orders(), min_size=1, max_size=6),
    name=st.sampled_from(
        ["to_unit", "unit", "deadline", "points", "new_deadline", "round", "instant_fields", "nope"]
    ),
)
def test_values_at_is_getattr_hypothesis(orders: list[WorkOrder], name: str):
    frame = build_frame(orders, None)
    kept = [event for view in frame.views for event in view.kept]  # the frame's rows
    rows = list(range(len(kept)))[::-1]  # any order of rows
    marker = object()
    assert frame.values_at(rows, name) == [getattr(kept[g], name, None) for g in rows]
    assert frame.values_at(rows, name, marker) == [getattr(kept[g], name, marker) for g in rows]
    assert frame.classes_at(rows) == [type(kept[g]) for g in rows]


def _same_assignments(orders: list[WorkOrder], as_of: dt.datetime | None) -> None:
    # an order received after as_of did not exist then: it is refused, not laid out
    orders = [o for o in orders if as_of is None or o.received_at <= as_of]
    frame = build_frame(orders, as_of)
    table = frame.assignment_table()
    expected = [
        (i, a.begins, -1 if a.ends is None else a.ends, a.unit, a.how == "dispatched")
        for i, view in enumerate(frame.views)
        for a in assignments(view.kept, view.order.units)
    ]
    found = list(
        zip(
            table.order.tolist(),
            table.begins.tolist(),
            table.ends.tolist(),
            [frame.unit_name(c) for c in table.unit.tolist()],
            table.dispatched.tolist(),
            strict=True,
        )
    )
    assert found == expected
    for i, view in enumerate(frame.views):  # and order by order
        assert frame.assignments(i) == assignments(view.kept, view.order.units)


def test_assignment_table_is_the_models():
    at = "2024-05-06T09:30+08:00"
    one_dispatch = [  # an order's one dispatch: an assignment only from upstream down
        _order(f"D{n}", [{"type": "dispatched", "at": at, **sent}])
        for n, sent in enumerate(
            [
                {"unit": "ctr", "to_unit": "d1"},
                {"unit": None, "to_unit": "d1"},  # an unrecorded sender
                {"unit": "d1", "to_unit": "d2"},  # a forward by a handling unit
                {"unit": "ctr", "to_unit": "ctr"},  # to an upstream unit
            ]
        )
    ]
    _same_assignments([A, B, C, *one_dispatch, *generate_orders(400, seed=9)], None)


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(orders=st.lists(work_orders(), min_size=1, max_size=6), hours=st.integers(0, 24 * 30))
def test_assignment_table_is_the_models_hypothesis(orders: list[WorkOrder], hours: int):
    _same_assignments(orders, min(o.received_at for o in orders) + dt.timedelta(hours=hours))


def test_holds_over_batch_by_hand():
    plan = plan_for("xiayang")
    batch = prepare([A, B, C], plan, None)
    contact = Trigger(event="first_contact")
    dispatch = Trigger(event="dispatched")
    # A has 2 first contacts, B none, C one
    assert holds_over_batch(batch, contact).tolist() == [True, False, True]
    twice = CountOf(count=contact, at_least=2)
    assert holds_over_batch(batch, twice).tolist() == [True, False, False]
    exactly_one = CountOf(count=contact, equals=1)
    assert holds_over_batch(batch, exactly_one).tolist() == [False, False, True]
    none = CountOf(count=contact, equals=0)
    assert holds_over_batch(batch, none).tolist() == [False, True, False]
    assert holds_over_batch(batch, NotOf(not_=dispatch)).tolist() == [False, True, False]
    both = AllOf(all=(twice, dispatch))
    assert holds_over_batch(batch, both).tolist() == [True, False, False]
    either = AnyOf(any=(exactly_one, twice))
    assert holds_over_batch(batch, either).tolist() == [True, False, True]
    # what events alone cannot decide is left to the order-by-order judge
    assert holds_over_batch(batch, Trigger(clock=("XY-1.accept",), state="breached")) is None
    # A's two contacts are by two units (d1, then d2); C's one by d2
    units = CountOf(count=contact, at_least=2, distinct="unit")
    assert holds_over_batch(batch, units).tolist() == [True, False, False]


class _Found:
    """Findings the kernels computed, as the batch kernels ask for them (by hand)."""

    def __init__(self, rows: dict[str, list[tuple]], sent: dict[str, set[int]]) -> None:
        self.rows, self.sent = rows, sent

    def __call__(self, rule_id: str, i: int):
        if i in self.sent.get(rule_id, set()):
            return None
        return [r for r in self.rows.get(rule_id, []) if r[0] == i]

    def of_rule(self, rule_id: str):
        return self.rows.get(rule_id, []), self.sent.get(rule_id, set())

    def parts_of_rule(self, rule_id: str):
        rows = self.rows.get(rule_id)
        return ([rows] if rows else []), self.sent.get(rule_id, set())


def _clock(
    i: int, oid: str, seq: int, state: str, start: str, due: str, stop: str | None, unit="d1"
):
    stopped = _us(stop) if stop else -1
    return (i, oid, "XY-1.accept", "clock", seq, unit, state, _us(start), _us(due), stopped,
            "", float("nan"), float("nan"), "columnar", -1)  # fmt: skip


def _three_clocks():
    """Orders A, B, C as of 05-08 12:00 under xiayang, with clock rows found by hand.

    A: one clock met at 10:00 and one breached, due 05-07 09:30; C: one clock still
    running at as_of, due 05-09 14:00; B: the clock rule runs per order on B.
    """
    as_of = dt.datetime.fromisoformat("2024-05-08T12:00+08:00")
    batch = prepare([A, B, C], plan_for("xiayang"), as_of)
    rows = [
        _clock(0, "A", 0, "met", "2024-05-06T09:30+08:00", "2024-05-06T12:00+08:00",
               "2024-05-06T10:00+08:00"),
        _clock(0, "A", 1, "breached", "2024-05-06T11:00+08:00", "2024-05-07T09:30+08:00",
               None),
        _clock(2, "C", 0, "running", "2024-05-06T14:00+08:00", "2024-05-09T14:00+08:00",
               None),
    ]  # fmt: skip
    found = _Found({"XY-1.accept": rows}, {"XY-1.accept": {1}})
    return batch, found, Trigger(clock=("XY-1.accept",), state="breached")


def test_since_with_findings_by_hand():
    batch, found, breached = _three_clocks()
    holds, since, unknown = since_with_findings(batch, breached, found)
    assert holds.tolist() == [True, False, False]
    # a breached clock counts from its due instant
    assert since[0] == _us("2024-05-07T09:30+08:00")
    assert unknown.tolist() == [False, True, False]
    # a met clock counts at its stop, a running one at the earlier of due and as_of
    met = Trigger(clock=("XY-1.accept",), state="met")
    holds, since, _unknown = since_with_findings(batch, met, found)
    assert holds.tolist() == [True, False, False]
    assert since[0] == _us("2024-05-06T10:00+08:00")
    running = Trigger(clock=("XY-1.accept",), state="running")
    holds, since, _unknown = since_with_findings(batch, running, found)
    assert holds.tolist() == [False, False, True]
    assert since[2] == _us("2024-05-08T12:00+08:00")
    # none running: A (from its receipt, 05-06 09:00); C has one
    none_running = CountOf(count=running, equals=0)
    holds, since, _unknown = since_with_findings(batch, none_running, found)
    assert holds[0]
    assert not holds[2]
    assert since[0] == _us("2024-05-06T09:00+08:00")
    # mixed with events: A's first contact (10:00) or a breached clock, the earliest
    either = AnyOf(any=(breached, Trigger(event="first_contact")))
    holds, since, unknown = since_with_findings(batch, either, found)
    assert holds.tolist() == [True, False, True]
    assert since[0] == _us("2024-05-06T10:00+08:00")
    assert since[2] == _us("2024-05-06T15:00+08:00")
    assert unknown.tolist() == [False, True, False]
    # distinct over findings: A's two breached clocks are both d1's (due 05-07 09:30 and
    # 11:00), C's are d1's (due 15:00) and d2's (due 16:00)
    late = [
        _clock(0, "A", 0, "breached", "2024-05-06T09:30+08:00", "2024-05-07T09:30+08:00",
               None),
        _clock(0, "A", 1, "breached", "2024-05-06T11:00+08:00", "2024-05-07T11:00+08:00",
               None),
        _clock(2, "C", 0, "breached", "2024-05-06T14:00+08:00", "2024-05-07T15:00+08:00",
               None),
        _clock(2, "C", 1, "breached", "2024-05-06T15:00+08:00", "2024-05-07T16:00+08:00",
               None, unit="d2"),
    ]  # fmt: skip
    found = _Found({"XY-1.accept": late}, {"XY-1.accept": {1}})
    one_unit = CountOf(count=breached, at_least=1, distinct="unit")
    holds, since, unknown = since_with_findings(batch, one_unit, found)
    assert holds.tolist() == [True, False, True]
    assert since[0] == _us("2024-05-07T09:30+08:00")
    assert since[2] == _us("2024-05-07T15:00+08:00")
    assert unknown.tolist() == [False, True, False]
    # two units: C only, from its second unit's breach; two clocks (any unit): both
    two_units = CountOf(count=breached, at_least=2, distinct="unit")
    holds, since, _unknown = since_with_findings(batch, two_units, found)
    assert holds.tolist() == [False, False, True]
    assert since[2] == _us("2024-05-07T16:00+08:00")
    two = CountOf(count=breached, at_least=2)
    holds, since, _unknown = since_with_findings(batch, two, found)
    assert holds.tolist() == [True, False, True]
    assert since[0] == _us("2024-05-07T11:00+08:00")
    # distinct instants: an occurrence's instant is read per order
    instants = CountOf(count=breached, at_least=2, distinct="at")
    assert since_with_findings(batch, instants, found) is None


def _per_unit(when, once_per: str = "unit"):
    """XY-6.sign-dispatch (which applies to every order), made an escalation to the
    unit a trigger counted; with its selector."""
    from grievance_rules.packs.schema import Target

    ((rule, selector),) = [
        (r, s) for r, s in plan_for("xiayang").escalation_rules if r.id == "XY-6.sign-dispatch"
    ]
    changes = {"when": when, "target": Target(unit="trigger_unit"), "once_per": once_per}
    return rule.model_copy(update=changes), selector


def test_an_escalation_once_per_unit_is_found_over_the_batch_by_hand():
    from grievance_rules.columnar.escalations import _per_unit_over_batch

    batch, found, breached = _three_clocks()
    either = AnyOf(any=(breached, Trigger(event="first_contact")))
    escalated, unknown = _per_unit_over_batch(batch, *_per_unit(either), found)
    # A holds from its first contact (d1, 05-06 10:00); d1 also has the breached clock
    # (due 05-07 09:30, later), d2 its own contact (05-07 10:00): one row each, d1 first.
    # C: d2's contact at 15:00 (its clock runs: not counted). B: the clock runs per order
    assert [(r[0], r[4], r[5], r[7]) for r in escalated] == [
        (0, 0, "d1", _us("2024-05-06T10:00+08:00")),
        (0, 1, "d2", _us("2024-05-07T10:00+08:00")),
        (2, 0, "d2", _us("2024-05-06T15:00+08:00")),
    ]
    assert unknown.tolist() == [False, True, False]
    # all of them: A only (C has no breached clock), from the later part (the breach,
    # 05-07 09:30); d1's first occurrence is earlier, so d1 from 09:30, d2 from 10:00
    both = AllOf(all=(breached, Trigger(event="first_contact")))
    escalated, _unknown = _per_unit_over_batch(batch, *_per_unit(both), found)
    assert [(r[0], r[4], r[5], r[7]) for r in escalated] == [
        (0, 0, "d1", _us("2024-05-07T09:30+08:00")),
        (0, 1, "d2", _us("2024-05-07T10:00+08:00")),
    ]
    # once per order: the orders where it holds go to the per-order judge
    escalated, unknown = _per_unit_over_batch(batch, *_per_unit(either, "order"), found)
    assert escalated == []
    assert unknown.tolist() == [True, True, True]
    # a count is left to the per-order judge throughout
    twice = CountOf(count=Trigger(event="first_contact"), at_least=2)
    assert _per_unit_over_batch(batch, *_per_unit(twice), found) is None


def test_deduction_points_by_hand():
    # doubling from -1 under a cap of 5: -1, -2, then -4 cut to the -2 left; a fourth
    # occurrence has nothing left and is not booked
    assert list(deduction_points([None] * 4, -1.0, doubling=True, cap=5.0)) == [
        (1, -1.0, -1.0, False),
        (2, -2.0, -2.0, False),
        (3, -4.0, -2.0, True),
    ]
    # points from the event (none given: 0, booked without a cap, skipped under one)
    assert list(deduction_points([-0.5, None, -2.0], None, doubling=False, cap=None)) == [
        (1, -0.5, -0.5, False),
        (2, 0.0, 0.0, False),
        (3, -2.0, -2.0, False),
    ]
    assert list(deduction_points([-0.5, None, -2.0], None, doubling=False, cap=2.0)) == [
        (1, -0.5, -0.5, False),
        (3, -2.0, -1.5, True),
    ]
    # a flat amount, no cap: every occurrence
    assert [p for _s, _r, p, _c in deduction_points([None] * 3, 2.0, doubling=False, cap=None)] == [
        2.0,
        2.0,
        2.0,
    ]


ORDERS = list(generate_orders(200, seed=23))


@pytest.mark.parametrize("name", ["chengdong", "xiayang", "daye"])
@pytest.mark.parametrize("as_of", [None, "2025-07-01T10:30+08:00"])
def test_whole_batch_clock_kernel_equals_the_order_by_order_one(name: str, as_of: str | None):
    plan = plan_for(name)
    instant = dt.datetime.fromisoformat(as_of) if as_of else None
    # the orders received by as_of (those after it did not exist then)
    orders = [o for o in ORDERS if instant is None or o.received_at <= instant]
    assert len(orders) > 50
    done: dict[tuple[str, int], list[tuple[object, ...]]] = {}
    gone: dict[str, set[int]] = {}

    def findings(rule_id: str, i: int) -> list[tuple[object, ...]] | None:
        return None if i in gone.get(rule_id, set()) else done.get((rule_id, i), [])

    batch = prepare(orders, plan, instant)
    for rule, selector in _clocks_in_order(plan):
        part, fallback = clock_rows(batch, rule, selector, findings)  # type: ignore[arg-type]
        rows = as_rows(part)
        loop_batch = prepare(orders, plan, instant)
        looped, want_fallback = clock_rows_loop(
            loop_batch,
            rule,
            selector,
            findings,  # type: ignore[arg-type]
        )
        assert fallback == want_fallback, rule.id
        assert kernel_rows(part) == kernel_rows(looped), rule.id
        gone[rule.id] = fallback
        for row in rows:
            done.setdefault((row[2], row[0]), []).append(row)


def test_finding_rows_mix_blocks_and_rows_in_the_rows_order():
    from grievance_rules.columnar.findings import COLUMNS, FindingRows, block

    nan = float("nan")
    clock = (1, "B", "R-2", "clock", 0, "u", "met", 5, 6, 7, "", 0.5, nan, "columnar", 3)
    early = (0, "A", "R-9", "window", 0, "u", "within", 1, 2, 3, "", nan, nan, "per_order", 0)
    found = FindingRows([clock])
    ids = np.asarray(["A", "B"], dtype=object)
    found.extend_columns(
        block(
            np.array([1, 0]),
            ids,
            "R-1",
            "record",
            seq=0,
            state=np.array(["true", "false"], dtype=object),
        )
    )
    found.extend([early])
    found.sort()
    assert len(found) == 4
    # by order, then kind (clock < record < window), then rule, then place
    keys = [(r[0], r[3], r[2]) for r in found]
    assert keys == [
        (0, "record", "R-1"),
        (0, "window", "R-9"),
        (1, "clock", "R-2"),
        (1, "record", "R-1"),
    ]
    record = dict(zip(COLUMNS, found.rows[0], strict=True))
    assert (record["state"], record["start_us"], record["path"]) == ("false", -1, "columnar")
    assert (record["unit"], record["seq"]) == ("", 0)
    columns = found.columns()
    assert columns["order"].tolist() == [0, 0, 1, 1]
    assert columns["stop_us"].tolist() == [-1, 3, 7, -1]
    # what comes after a sort follows the sorted findings
    found.extend([early])
    assert [r[2] for r in found] == ["R-1", "R-9", "R-2", "R-1", "R-9"]


def test_finding_rows_without_a_kind_are_the_rest_in_the_same_order():
    from grievance_rules.columnar import evaluate_columnar
    from grievance_rules.columnar.findings import FindingRows, block
    from grievance_rules.samples import generate_lines

    nan = float("nan")
    clock = (1, "B", "R-2", "clock", 0, "u", "met", 5, 6, 7, "", 0.5, nan, "columnar", 3)
    early = (0, "A", "R-9", "window", 0, "u", "within", 1, 2, 3, "", nan, nan, "per_order", 0)
    note = (0, "A", "R-0", "record", 0, "", "true", -1, -1, -1, "", nan, nan, "per_order", -1)
    found = FindingRows([clock, note])
    ids = np.asarray(["A", "B"], dtype=object)
    found.extend_columns(block(np.array([1, 0]), ids, "R-1", "record", seq=0))
    found.extend([early])
    found.sort()
    rest = found.without("record")
    assert len(rest) == 2
    # by order, then kind, then rule: as in the whole table, the records left out
    assert [(r[0], r[3], r[2]) for r in rest] == [(0, "window", "R-9"), (1, "clock", "R-2")]
    assert rest.columns()["stop_us"].tolist() == [3, 7]
    assert found.without("clock").without("window").without("record").rows == []
    # a real batch: the same rows as the whole table's without its records
    result = evaluate_columnar(list(generate_lines(80, seed=11)), "chengdong")
    left = result.findings.without("record").rows  # from the parts, before the whole is built
    rows = [row for row in result.findings.rows if row[3] != "record"]
    assert 0 < len(rows) < len(result.findings)
    assert repr(left) == repr(rows)  # nan == nan in repr
    assert repr(result.findings.without("record").rows) == repr(rows)  # from the built rows


def test_since_over_batch_by_hand():
    from grievance_rules.columnar.conditions import since_over_batch
    from grievance_rules.packs.schema import EventRef

    plan = plan_for("xiayang")
    batch = prepare([A, B, C], plan, None)
    contact = Trigger(event="first_contact")
    a1, a2 = _us("2024-05-06T10:00+08:00"), _us("2024-05-07T10:00+08:00")
    c1 = _us("2024-05-06T15:00+08:00")
    received = _us("2024-05-06T09:00+08:00")

    def judged(cond):  # type: ignore[no-untyped-def]
        found = since_over_batch(batch, cond)
        assert found is not None
        return found[0].tolist(), found[1].tolist()

    # a trigger holds from its first occurrence
    assert judged(contact) == ([True, False, True], [a1, -1, c1])
    # at least 2: from the second; equals 0: from the receipt; equals 1: from the last
    assert judged(CountOf(count=contact, at_least=2)) == ([True, False, False], [a2, -1, -1])
    assert judged(CountOf(count=contact, equals=0)) == ([False, True, False], [-1, received, -1])
    assert judged(CountOf(count=contact, equals=1)) == ([False, False, True], [-1, -1, c1])
    # after the reassignment (A's event 2): only A's second contact counts
    after = Trigger(event="first_contact", after=EventRef(event="reassigned"))
    assert judged(after) == ([True, False, False], [a2, -1, -1])
    # unless after the reassignment: A's first contact, and C's (C was never reassigned)
    unless = Trigger(event="first_contact", unless_after=EventRef(event="reassigned"))
    assert judged(unless) == ([True, False, True], [a1, -1, c1])
    # any: the earliest of the parts that hold; all: the latest; not: no instant
    assert judged(AnyOf(any=(after, unless))) == ([True, False, True], [a1, -1, c1])
    assert judged(AllOf(all=(after, unless))) == ([True, False, False], [a2, -1, -1])
    assert judged(NotOf(not_=after)) == ([False, True, True], [-1, -1, -1])


def test_assigns_and_distinct_over_the_batch_by_hand():
    from grievance_rules.columnar.conditions import since_over_batch

    def dispatch(at: str, sender: str, to: str) -> dict[str, object]:
        return {"type": "dispatched", "at": at, "unit": sender, "to_unit": to}

    d = _order(
        "D",
        [
            dispatch("2024-05-06T09:30+08:00", "ctr", "d1"),  # begins d1's assignment
            dispatch("2024-05-06T10:00+08:00", "d1", "d2"),  # a forward by d1: no assignment
            dispatch("2024-05-06T11:00+08:00", "ctr", "d1"),  # d1 holds it: the same one
            dispatch("2024-05-06T12:00+08:00", "ctr", "d2"),  # begins d2's (joint)
        ],
    )
    plan = plan_for("daye")
    batch = prepare([d, B], plan, None)
    assigning = Trigger(event="dispatched", assigns=True)
    found = since_over_batch(batch, CountOf(count=assigning, at_least=2, distinct="to_unit"))
    assert found is not None
    # two assignments to two units: from the second, at 12:00
    assert found[0].tolist() == [True, False]
    assert found[1].tolist() == [_us("2024-05-06T12:00+08:00"), -1]
    every = since_over_batch(
        batch, CountOf(count=Trigger(event="dispatched"), at_least=2, distinct="to_unit")
    )
    assert every is not None
    # every dispatch: d1, d2, d1, d2: the second distinct unit comes at 10:00
    assert every[1].tolist() == [_us("2024-05-06T10:00+08:00"), -1]
    three = since_over_batch(batch, CountOf(count=assigning, at_least=3))
    assert three is not None
    assert three[0].tolist() == [False, False]


def test_passes_reads_a_field_only_some_of_the_events_classes_have():
    # a clock stopped by replies or a closure, less the 初步回复 (daye DY-12.letter-deadline):
    # `kind` is a field of a reply, not of a closure; each reply is judged by its own kind
    order = _order(
        "R",
        [
            {"type": "dispatched", "at": "2024-05-06T09:30+08:00", "unit": "ctr", "to_unit": "d1"},
            {"type": "replied", "at": "2024-05-06T10:00+08:00", "unit": "d1"},
            {
                "type": "replied",
                "at": "2024-05-06T11:00+08:00",
                "unit": "d1",
                "kind": "preliminary",
            },
            {"type": "closed", "at": "2024-05-06T12:00+08:00", "unit": "ctr"},
        ],
    )
    frame = build_frame([order], None)
    rows = np.asarray([1, 2, 3], dtype=np.int64)  # the two replies and the closure
    assert frame.passes(rows, {"kind": "preliminary"}).tolist() == [False, True, False]
    # the verdicts are kept for every later caller with the same filter (the replies only)
    assert frame.passes(rows[:2], {"kind": "preliminary"}).tolist() == [False, True]


def test_handling_units_over_the_batch_by_hand():
    from grievance_rules.model.handling import handling_units

    at = "2024-05-06T{}+08:00".format
    refused = _order(  # a return refused changes nothing: read over the batch
        "R",
        [
            {"type": "dispatched", "at": at("09:30"), "unit": "ctr", "to_unit": "d1"},
            {"type": "return_requested", "at": at("10:00"), "unit": "d1"},
            {"type": "return_decided", "at": at("11:00"), "unit": "ctr", "decision": "refused"},
            {"type": "dispatched", "at": at("12:00"), "unit": "d1", "to_unit": "ctr"},
            {"type": "reassigned", "at": at("13:00"), "unit": "ctr", "to_unit": "d2"},
        ],
    )
    approved = _order(  # a return approved: d1 gives the order back, nobody holds it
        "P",
        [
            {"type": "dispatched", "at": at("09:30"), "unit": "ctr", "to_unit": "d1"},
            {"type": "return_requested", "at": at("10:00"), "unit": "d1"},
            {"type": "return_decided", "at": at("11:00"), "unit": "ctr", "decision": "approved"},
            {"type": "proactive_handling", "at": at("12:00"), "unit": "d2"},
        ],
    )
    frame = build_frame([refused, B, approved], None)
    # R: d1 from its dispatch; the forward to the centre (upstream) keeps d1; then d2
    assert frame.views[0].handling == ["d1", "d1", "d1", "d1", "d2"]
    assert frame.views[1].handling == []  # B: no events
    # P: d1, d1, none after the approval, d2 once it takes the order on unasked
    assert frame.views[2].handling == ["d1", "d1", None, "d2"]
    names = [frame.unit_name(int(c)) for c in frame.handling]
    assert names == ["d1", "d1", "d1", "d1", "d2", "d1", "d1", None, "d2"]
    for view in frame.views:  # the model's reading, order by order
        assert view.handling == handling_units(view.kept, view.upstream)


def _same_handling(orders: list[WorkOrder], as_of: dt.datetime | None) -> None:
    from grievance_rules.engine.matching import view_of
    from grievance_rules.engine.single import instant_of

    frame = build_frame(orders, as_of)
    for order, view in zip(orders, frame.views, strict=True):
        expected = view_of(order, instant_of(order, as_of))
        assert view == expected, order.id


def test_handling_units_over_the_batch_are_the_models():
    orders = list(generate_orders(600, seed=21))
    kinds = {e.type for o in orders for e in o.events}
    assert {"return_decided", "proactive_handling", "reassigned"} <= kinds
    _same_handling(orders, None)


@settings(max_examples=80, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(orders=st.lists(work_orders(), min_size=1, max_size=6), hours=st.integers(0, 24 * 30))
def test_handling_units_over_the_batch_are_the_models_hypothesis(
    orders: list[WorkOrder], hours: int
):
    _same_handling(orders, max(o.received_at for o in orders) + dt.timedelta(hours=hours))


def test_findings_table_order_is_lexsorts():
    from grievance_rules.columnar.findings import Coded, _table_order

    rng = np.random.default_rng(5)
    m = 3_000
    kind = Coded(rng.integers(0, 3, m), np.asarray(["window", "clock", "record"], dtype=object))
    rule = Coded(rng.integers(-1, 4, m), np.asarray(["R-2", "R-10", "R-1", "Q"], dtype=object))
    # ranks by hand: clock 0, record 1, window 2; Q 0, R-1 1, R-10 2, R-2 3 (-1: the last)
    kind_rank = np.array([2, 0, 1])[kind.codes]
    rule_rank = np.array([3, 2, 1, 0])[rule.codes]
    for places in (3, 2**60):  # the second does not fit one integer: sorted key by key
        order = rng.integers(0, 40, m)
        seq = rng.integers(7, 7 + places, m)  # (from 7: the places are counted from the least)
        expected = np.lexsort((seq, rule_rank, kind_rank, order))
        assert _table_order(order, kind, rule, seq).tolist() == expected.tolist()


def test_a_row_whose_order_id_is_not_the_batchs_keeps_its_own():
    from grievance_rules.columnar.findings import FindingRows, block

    nan = float("nan")
    ids = np.asarray(["A", "B"], dtype=object)
    found = FindingRows()
    found.extend_columns(block(np.array([1, 0]), ids, "R-1", "record", seq=0))
    # a row naming order 0 by another id than the batch's (the table must not recode it)
    found.extend([(0, "Z", "R-0", "record", 0, "", "", -1, -1, -1, "", nan, nan, "x", -1)])
    found.sort()
    assert found.columns()["order_id"].tolist() == ["Z", "A", "B"]
    assert found.to_arrow().column("order_id").to_pylist() == ["Z", "A", "B"]


def test_clock_columns_from_blocks_are_those_from_rows_by_hand():
    from types import SimpleNamespace

    from grievance_rules.columnar.conditions import clock_columns
    from grievance_rules.columnar.findings import Coded, block

    found = block(
        np.array([0, 0, 2]),
        np.asarray(["A", "B", "C"], dtype=object),
        "R-1",
        "clock",
        seq=np.array([0, 1, 0]),
        unit=Coded(np.array([0, 1, -1]), np.asarray(["d1", "d2", ""], dtype=object)),
        state=Coded(np.array([0, 1, 2]), np.asarray(["breached", "met", "running"], dtype=object)),
        due_us=np.array([10, 20, 30]),
        stop_us=np.array([-1, 15, -1]),
    )

    class Parts:  # the kernel's block, or the same findings as rows
        def __init__(self, parts):
            self.parts = parts

        def parts_of_rule(self, rule_id):
            return self.parts, set()

        def of_rule(self, rule_id):
            return as_rows(found), set()

    for parts in ([found], [as_rows(found)]):
        batch = SimpleNamespace(memo={}, frame=SimpleNamespace(instants_us=np.array([25, 0, 28])))
        clock = clock_columns(batch, "R-1", Parts(parts))  # type: ignore[arg-type]
        assert clock.order == [0, 0, 2]
        # breached: its due instant; met: its stop; running: the earlier of its due
        # instant (30) and its order's assessment instant (28)
        assert clock.at == [10, 15, 28]
        assert clock.units == ["d1", "d2", None]
        assert clock.state.tolist() == ["breached", "met", "running"]
        assert clock.occurrence.tolist() == [0, 1, 0]


def _frames_agree(a: Frame, b: Frame, least: int = 41) -> None:
    names = ("offsets", "index", "pos", "at_us", "received_us", "instants_us", "type", "unit")
    for name in (*names, "handling"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert np.array_equal(
        a.order_attribute_us("reply_deadline"), b.order_attribute_us("reply_deadline")
    )
    assert a.type_codes == b.type_codes
    assert a.unit_codes == b.unit_codes
    assert a.unit_names == b.unit_names
    # each field the matcher may test, as the engine reads it, event for event
    coded_fields = 0
    for event_type in a.type_codes:
        fields = EVENT_CLASSES[event_type].model_fields
        for name in fields:
            reader = value_reader(name, fields)
            expected = a.read(event_type, name, reader, plain=True)
            coded = b.value_codes(event_type, name, reader, plain=True)
            if coded is None:  # (a list: tested one by one, either way)
                assert a.value_codes(event_type, name, reader, plain=True) is None
                continue
            codes, distinct = coded
            assert [distinct[c] for c in codes.tolist()] == expected, (event_type, name)
            coded_fields += 1
    assert coded_fields >= least


@pytest.mark.parametrize("as_of", [None, "2025-04-15T12:00+08:00"])
def test_a_readers_instants_lay_out_as_the_orders_datetimes(tmp_path, as_of: str | None):
    orders = list(generate_orders(400, seed=12))
    write_parquet(orders, tmp_path, partition_size=150)
    records = [r for r in iter_parquet_orders(tmp_path) if isinstance(r, Accepted)]
    instant = None if as_of is None else dt.datetime.fromisoformat(as_of)
    if instant is not None:
        records = [r for r in records if r.order.received_at <= instant]
    given_ = [r.columns for r in records]
    assert sum(g is not None for g in given_) > 0.75 * len(records) > 75
    # a record made by hand with another order's instants: not taken (its events differ)
    with_events = [k for k, r in enumerate(records) if r.order.events and given_[k]]
    most = max(with_events, key=lambda k: len(records[k].order.events))
    fewer = next(
        k for k in with_events if len(records[k].order.events) < len(records[most].order.events)
    )
    given_[fewer] = given_[most]
    given_[1] = None  # and one without
    orders_ = [r.order for r in records]
    known = [True] * len(records)
    plain = build_frame(orders_, instant, known)
    taken = build_frame(orders_, instant, known, given_)
    _frames_agree(plain, taken)
    if instant is not None:
        assert plain.size < sum(len(o.events) for o in orders_)  # (events after as_of cut)
    # by hand: the first order's first kept event, at its own instant
    first = int(plain.offsets[0])
    if plain.size:
        at = orders_[plain.order[first]].events[plain.pos[first]].at
        assert taken.at_us[first] == _us(at.isoformat())
    # an order not in time order is not taken from its reader (its cut is no prefix)
    untimed = build_frame(orders_, instant, [False] * len(records), given_)
    _frames_agree(plain, untimed)
    # the views' frame (the scoring fold's) takes them too
    views = [plain.views[i] for i in range(len(plain))]
    _frames_agree(plain, frame_of(orders_, plain.instants, views, given_))


def test_instants_of_an_order_listed_out_of_time_order_are_not_taken():
    # listed out of time order (a history not checked): its kept events are sorted by
    # time, so the integers in listed order would put each instant on the wrong event
    late_first = _order(
        "X",
        [
            {"type": "first_contact", "at": "2024-05-06T10:00+08:00", "unit": "d1"},
            {"type": "dispatched", "at": "2024-05-06T09:30+08:00", "unit": "ctr", "to_unit": "d1"},
        ],
    )
    listed = [_us("2024-05-06T10:00+08:00"), _us("2024-05-06T09:30+08:00")]
    batch = BatchColumns(
        np.array(listed, dtype=np.int64),
        np.array([0, 2], dtype=np.int64),
        np.array([_us("2024-05-06T09:00+08:00")], dtype=np.int64),
        np.array([-1], dtype=np.int64),
        np.array([1, 0], dtype=np.int64),
        ("dispatched", "first_contact"),
        np.array([1, 0], dtype=np.int64),
        ("ctr", "d1"),
        lambda name, rows: None,
    )
    sorted_us = [_us("2024-05-06T09:30+08:00"), _us("2024-05-06T10:00+08:00")]
    built = build_frame([late_first], None, [False], [(batch, 0)])
    assert built.at_us.tolist() == sorted_us
    assert built.index.tolist() == [1, 0]  # (each kept event's index in order.events)
    view = view_of(late_first, dt.datetime.fromisoformat("2024-05-07T00:00+08:00"))
    assert view.indices == [1, 0]
    cut = frame_of([late_first], [view.order.received_at], [view], [(batch, 0)])
    assert cut.at_us.tolist() == sorted_us
    # in time order, the same integers are taken as they are (what the reader vouches for)
    vouched = build_frame([late_first], None, [True], [(batch, 0)])
    assert vouched.at_us.tolist() == listed
    assert vouched.index.tolist() == [0, 1]
    # and its types and acting units as the reader coded them, numbered as first met
    assert vouched.type_codes == {"first_contact": 0, "dispatched": 1}
    assert vouched.type.tolist() == [0, 1]
    assert vouched.unit_names == ["d1", "ctr"]
    assert vouched.unit.tolist() == [0, 1]


def _cut_alike(fast: Frame, slow: Frame) -> None:
    """Two frames of the same orders cut alike: instants, views and arrays equal."""
    assert fast.instants == slow.instants
    assert [i.utcoffset() for i in fast.instants] == [i.utcoffset() for i in slow.instants]
    assert len(fast.views) == len(slow.views)
    for mine, theirs in zip(fast.views, slow.views, strict=True):
        assert type(mine) is type(theirs)
        assert mine.order is theirs.order
        assert type(mine.kept) is type(theirs.kept) is list
        assert mine.kept == theirs.kept
        assert all(a is b for a, b in zip(mine.kept, theirs.kept, strict=True))
        assert list(mine.indices) == list(theirs.indices)
        assert list(mine.handling) == list(theirs.handling)
        assert mine.upstream == theirs.upstream
        assert mine.ignored_after_as_of == theirs.ignored_after_as_of
    _frames_agree(slow, fast, least=0)


def _read_back(orders: list[WorkOrder], folder: str) -> list[Accepted]:
    write_parquet(orders, folder, partition_size=4)
    records = list(iter_parquet_orders(folder))
    assert all(isinstance(r, Accepted) and r.columns is not None for r in records)
    return records  # type: ignore[return-value]


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(orders=st.lists(work_orders(), min_size=1, max_size=9), hours=st.integers(-24, 24 * 20))
def test_cut_from_a_readers_numbers_is_the_per_order_cut_hypothesis(
    orders: list[WorkOrder], hours: int
):
    # every order read with its numbers and its history checked: the frame cuts them
    # from the reader's µs (_read_cuts); the orders alone are cut one at a time
    orders = [o.model_copy(update={"id": f"{k:04d}"}) for k, o in enumerate(orders)]
    with tempfile.TemporaryDirectory() as folder:
        records = _read_back(orders, folder)
    read = [r.order for r in records]
    numbers = [r.columns for r in records]
    known = [True] * len(read)
    latest = max(o.received_at for o in read)
    as_of = latest + dt.timedelta(hours=hours)
    for instant in (None, as_of):
        if instant is not None and hours < 0:  # before a receipt: refused, naming the order
            with pytest.raises(NotYetReceivedError):
                build_frame(read, instant, known, numbers)
            continue
        _cut_alike(build_frame(read, instant, known, numbers), build_frame(read, instant, known))


_TIED = _order(
    "T",
    [
        {"type": "dispatched", "at": "2024-05-06T09:30+08:00", "unit": "ctr", "to_unit": "d1"},
        {"type": "signed_for", "at": "2024-05-06T10:00+08:00", "unit": "d1"},
        {"type": "first_contact", "at": "2024-05-06T10:00+08:00", "unit": "d1"},
        {"type": "replied", "at": "2024-05-07T16:00+08:00", "unit": "d1"},
    ],
)
_BARE = _order("B", [])


def test_cut_from_a_readers_numbers_by_hand(tmp_path):
    records = _read_back([_TIED, _BARE], str(tmp_path))
    tied, bare = (r.order for r in records)
    read = [r.columns for r in records]
    # as_of none: the instant is the last event's (its object), else the receipt
    frame = build_frame([tied, bare], None, [True, True], read)
    assert frame.instants[0] is tied.events[3].at
    assert frame.instants[1] is bare.received_at
    assert [len(v.kept) for v in frame.views] == [4, 0]
    assert [v.ignored_after_as_of for v in frame.views] == [0, 0]
    # cut at 10:00 on the 6th: the two events then are kept, the reply left out
    at_ten = dt.datetime.fromisoformat("2024-05-06T10:00+08:00")
    frame = build_frame([tied, bare], at_ten, [True, True], read)
    assert frame.instants == [at_ten, at_ten]
    assert [list(v.indices) for v in frame.views] == [[0, 1, 2], []]
    assert [v.ignored_after_as_of for v in frame.views] == [1, 0]
    assert frame.views[0].kept == list(tied.events[:3])
    assert frame.views[0].upstream == frozenset({"ctr"})
    # a minute before: the two at 10:00 left out too
    frame = build_frame([tied], at_ten - dt.timedelta(minutes=1), [True], read[:1])
    assert list(frame.views[0].indices) == [0]
    # the last two at one instant, the reply taken away: the first of them is the instant
    two = _order("T2", [e.model_dump() for e in _TIED.events[:3]])
    (record,) = _read_back([two], str(tmp_path / "two"))
    frame = build_frame([record.order], None, [True], [record.columns])
    assert frame.instants[0] is record.order.events[1].at
    # a receipt after as_of: refused as the per-order engine refuses it
    with pytest.raises(NotYetReceivedError, match="T"):
        build_frame([tied], at_ten - dt.timedelta(days=1), [True], read[:1])


def test_cut_with_another_orders_numbers_is_made_from_the_objects(tmp_path):
    records = _read_back([_TIED, _BARE], str(tmp_path))
    orders = [r.order for r in records]
    swapped = [records[1].columns, records[0].columns]  # (a record made by hand)
    fast = build_frame(orders, None, [True, True], swapped)
    _cut_alike(fast, build_frame(orders, None, [True, True]))
    assert [len(v.kept) for v in fast.views] == [4, 0]
