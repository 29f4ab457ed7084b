"""A reader's events as numbers laid onto a frame's rows, worked out by hand.

Two orders of one reader's batch and one order read from its objects; the codes
each way are written out here from the orders below.
"""

from __future__ import annotations

import numpy as np

from grievance_rules.columnar.read_columns import (
    ReadColumns,
    coded,
    first_seen,
    read_columns,
    read_sources,
    types_of,
    units_of,
)
from grievance_rules.model import WorkOrder
from grievance_rules.reading import BatchColumns

BASE = {
    "channel": "12345",
    "category": "投诉",
    "received_at": "2024-05-06T09:00:00+08:00",
    "units": [{"id": "ctr", "kind": "dispatch_centre"}, {"id": "d1", "kind": "street_office"}],
}


DISPATCH = {"type": "dispatched", "at": "2024-05-06T09:30+08:00", "unit": "ctr", "to_unit": "d1"}
CONTACT = {"type": "first_contact", "at": "2024-05-06T10:00+08:00", "unit": "d1"}
CLOSED = {"type": "closed", "at": "2024-05-07T10:00+08:00"}

A, B, C = (
    WorkOrder.model_validate({**BASE, "id": oid, "events": events})
    for oid, events in (("A", [DISPATCH, CONTACT]), ("B", [CLOSED]), ("C", [CONTACT, CLOSED]))
)  # (C is read from its objects: no reader's numbers)

# the reader's batch: B then A (places 0 and 1), its words in its own order
BATCH = BatchColumns(
    at=np.zeros(3, dtype=np.int64),
    bounds=np.array([0, 1, 3], dtype=np.int64),
    received=np.zeros(2, dtype=np.int64),
    reply_deadline=np.full(2, -1, dtype=np.int64),
    types=np.array([2, 1, 0], dtype=np.int64),  # closed; dispatched, first_contact
    type_names=("first_contact", "dispatched", "closed"),
    units=np.array([-1, 0, 1], dtype=np.int64),  # none; ctr, d1
    unit_names=("ctr", "d1"),
    field_codes=lambda name, rows: None,
)


def _given() -> tuple[ReadColumns, np.ndarray, list[dict[str, object]]]:
    orders = [A, B, C]
    offsets = np.array([0, 2, 3, 5], dtype=np.int64)
    attrs = [e.__dict__ for o in orders for e in o.events]
    return read_columns([(BATCH, 1), (BATCH, 0), None], orders, offsets), offsets, attrs


def test_which_orders_take_their_readers_numbers() -> None:
    given, offsets, _attrs = _given()
    (part,) = given.parts
    assert part.batch is BATCH
    assert part.orders.tolist() == [0, 1]
    assert part.places.tolist() == [1, 0]
    assert part.rows.tolist() == [0, 1, 2]  # (A's two events, then B's)
    assert part.batch_rows.tolist() == [1, 2, 0]
    assert given.rest.tolist() == [2]
    assert given.rest_rows.tolist() == [3, 4]
    part, row = read_sources(given, offsets)
    assert part.tolist() == [0, 0, 0, -1, -1]
    assert row.tolist() == [1, 2, 0, -1, -1]  # (A's events are the batch's rows 1 and 2)


def test_types_and_units_are_numbered_as_first_met_by_hand() -> None:
    given, offsets, attrs = _given()
    # rows: A dispatched, A first_contact, B closed, C first_contact, C closed
    codes, names = types_of(given, offsets, attrs)
    assert names == ["dispatched", "first_contact", "closed"]
    assert codes.tolist() == [0, 1, 2, 1, 2]
    # acting units ctr, d1, none, d1, none; then the handling units held after each
    held = coded(["d1", "d1", "d1", "x9", None])
    assert held[0].tolist() == [0, 0, 0, 1, -1]
    numbered, acting, holding = units_of(given, offsets, attrs, held)
    assert numbered == {"ctr": 0, "d1": 1, "x9": 2}
    assert acting.tolist() == [0, 1, -1, 1, -1]
    assert holding.tolist() == [1, 1, 1, 2, -1]
    # read from the objects alone: the same numbers
    assert types_of(None, offsets, attrs)[1] == names
    assert units_of(None, offsets, attrs, held)[0] == numbered


def test_first_seen_by_hand() -> None:
    codes, words = first_seen(np.array([3, 3, -1, 1, 0, 1]), ["a", "b", "c", "d"])
    assert codes.tolist() == [0, 0, -1, 1, 2, 1]
    assert words == ["d", "b", "a"]
