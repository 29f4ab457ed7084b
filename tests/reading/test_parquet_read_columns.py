"""The Parquet reader gives an order's events as the numbers it read (``Accepted.columns``).

The instants are checked against the orders' own datetimes, turned into
microseconds here by ``datetime`` arithmetic (not by the code under test), and a
few are written out by hand; the types and acting units against the events' own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grievance_rules.model import WorkOrder
from grievance_rules.reading import Accepted, BatchColumns, SourceLocation
from grievance_rules.reading.parquet import (
    iter_parquet_orders,
    parquet_partitions,
    read_partition,
)
from grievance_rules.reading.parquet_export import write_parquet
from grievance_rules.samples import generate_orders
from grievance_rules.testing.strategies import work_orders

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _micros(instant: dt.datetime | None) -> int:
    return -1 if instant is None else (instant - _EPOCH) // dt.timedelta(microseconds=1)


def _given(record: Accepted) -> tuple[list[int], int, int]:
    """The record's instants as its reader gave them: its events', receipt, reply deadline."""
    assert record.columns is not None
    batch, k = record.columns
    low, high = int(batch.bounds[k]), int(batch.bounds[k + 1])
    return batch.at[low:high].tolist(), int(batch.received[k]), int(batch.reply_deadline[k])


def _words(record: Accepted) -> list[tuple[str, str | None]]:
    """The record's events' types and acting units as its reader gave them."""
    assert record.columns is not None
    batch, k = record.columns
    low, high = int(batch.bounds[k]), int(batch.bounds[k + 1])
    return [
        (batch.type_names[t], None if u < 0 else batch.unit_names[u])
        for t, u in zip(batch.types[low:high].tolist(), batch.units[low:high].tolist(), strict=True)
    ]


def _order(order_id: str, fields: dict[str, object]) -> WorkOrder:
    """A complaint to 12345 with the fields given."""
    return WorkOrder.model_validate(
        {"id": order_id, "channel": "12345", "category": "complaint", **fields}
    )


def _own(order: WorkOrder) -> tuple[list[int], int, int]:
    return (
        [_micros(e.at) for e in order.events],
        _micros(order.received_at),
        _micros(order.reply_deadline),
    )


def _own_words(order: WorkOrder) -> list[tuple[str, str | None]]:
    return [(e.type, e.unit) for e in order.events]


def test_an_orders_instants_by_hand(tmp_path: Path) -> None:
    order = _order(
        "H1",
        {
            "received_at": "2025-03-03T09:00:00+08:00",
            "reply_deadline": "2025-03-10T17:30:00+08:00",
            "units": [{"id": "u1", "kind": "township"}],
            "events": [
                {"type": "dispatched", "at": "2025-03-03T09:15:00+08:00", "to_unit": "u1"},
                {"type": "signed_for", "at": "2025-03-03T10:00:00.000001+08:00", "unit": "u1"},
            ],
        },
    )
    write_parquet([order], tmp_path)
    (record,) = iter_parquet_orders(tmp_path)
    assert isinstance(record, Accepted)
    # 2025-03-03 is day 20,150 after 1970-01-01 (55 years with 14 leap days: 20,089
    # days to 2025-01-01, then 31 + 28 + 2); 09:00 in Shanghai is 01:00 UTC
    day = 20_150 * 86_400_000_000
    hour = 3_600_000_000
    minute = 60_000_000
    assert _given(record) == (
        [day + hour + 15 * minute, day + 2 * hour + 1],
        day + hour,
        day + 7 * 86_400_000_000 + 9 * hour + 30 * minute,  # 03-10 17:30 +08:00 = 09:30 UTC
    )
    assert _words(record) == [("dispatched", None), ("signed_for", "u1")]


def test_the_sample_orders_instants_are_their_datetimes(tmp_path: Path) -> None:
    orders = list(generate_orders(300, seed=7))
    write_parquet(orders, tmp_path, partition_size=120)
    records = list(iter_parquet_orders(tmp_path))
    assert [r.order for r in records if isinstance(r, Accepted)] == orders
    given_ = [r for r in records if isinstance(r, Accepted) and r.columns is not None]
    assert len(given_) > 250  # (an order with a history warning is checked alone: none)
    for record in given_:
        assert _given(record) == _own(record.order), record.order.id
        assert _words(record) == _own_words(record.order), record.order.id
    # one batch's instants are shared by its orders, each at its own place
    batches = {id(r.columns[0]) for r in given_ if r.columns is not None}
    assert 3 <= len(batches) < len(given_)


def test_each_batch_of_a_partition_gives_its_own_orders_instants(tmp_path: Path) -> None:
    orders = list(generate_orders(200, seed=8))
    write_parquet(orders, tmp_path)
    (partition,) = parquet_partitions(tmp_path)
    records = [r for r in read_partition(partition, batch_size=37) if isinstance(r, Accepted)]
    assert [r.order for r in records] == orders
    batches = [r.columns[0] for r in records if r.columns is not None]
    assert len({id(b) for b in batches}) == 6  # 200 rows, 37 at a time: ceiling 5.4
    for record in records:
        if record.columns is not None:
            assert _given(record) == _own(record.order), record.order.id
            assert _words(record) == _own_words(record.order), record.order.id


def test_each_run_of_a_batch_gives_its_own_orders_instants(tmp_path: Path) -> None:
    # 700 orders in one batch, made records a run of 256 rows at a time (a caller that
    # keeps them: the rest of the batch after the first run; one that does not: run by run)
    orders = list(generate_orders(700, seed=9))
    write_parquet(orders, tmp_path)
    (partition,) = parquet_partitions(tmp_path)
    kept = list(read_partition(partition))
    assert [r.order for r in kept if isinstance(r, Accepted)] == orders
    checked = 0
    for record in read_partition(partition):  # (each record dropped once looked at)
        assert isinstance(record, Accepted)
        if record.columns is not None:
            assert _given(record) == _own(record.order), record.order.id
            assert _words(record) == _own_words(record.order), record.order.id
            checked += 1
    assert checked > 600
    for record in kept[256:]:  # (the runs after the first)
        if isinstance(record, Accepted) and record.columns is not None:
            assert _given(record) == _own(record.order), record.order.id


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(orders=st.lists(work_orders(), min_size=1, max_size=6, unique_by=lambda o: o.id))
def test_any_orders_instants_are_its_datetimes_hypothesis(tmp_path_factory, orders) -> None:
    folder = tmp_path_factory.mktemp("ds")
    write_parquet(orders, folder)
    for record in iter_parquet_orders(folder):
        if isinstance(record, Accepted) and record.columns is not None:
            assert _given(record) == _own(record.order)
            assert _words(record) == _own_words(record.order)


def test_an_order_with_a_history_warning_or_made_by_hand_has_none(tmp_path: Path) -> None:
    # a reply after 办结: a warning, so the order's history is checked alone
    order = _order(
        "W1",
        {
            "received_at": "2025-03-03T09:00:00+08:00",
            "units": [{"id": "u1", "kind": "township"}],
            "events": [
                {"type": "dispatched", "at": "2025-03-03T09:15:00+08:00", "to_unit": "u1"},
                {"type": "closed", "at": "2025-03-03T10:00:00+08:00"},
                {"type": "replied", "at": "2025-03-03T11:00:00+08:00", "unit": "u1"},
            ],
        },
    )
    write_parquet([order], tmp_path)
    (record,) = iter_parquet_orders(tmp_path)
    assert isinstance(record, Accepted)
    assert record.warnings
    assert record.columns is None
    assert Accepted(SourceLocation("x", 1), order).columns is None


def test_a_column_not_of_microseconds_gives_none(tmp_path: Path) -> None:
    orders = list(generate_orders(5, seed=3))
    write_parquet(orders, tmp_path)
    (partition,) = parquet_partitions(tmp_path)
    table = pq.read_table(partition.events)
    at = table.schema.get_field_index("at")
    millis = table.column("at").cast(pa.timestamp("ms", tz="Asia/Shanghai"))
    pq.write_table(table.set_column(at, "at", millis), partition.events)
    records = list(read_partition(partition))
    assert [r.order for r in records if isinstance(r, Accepted)] == orders
    assert all(r.columns is None for r in records if isinstance(r, Accepted))


def test_an_order_without_events_and_one_without_a_reply_deadline(tmp_path: Path) -> None:
    orders = [
        _order(
            "E0",
            {
                "received_at": "2025-01-02T08:00:00+08:00",
                "reply_deadline": "2025-01-02T08:00:00.5+08:00",
            },
        ),
        _order(
            "E1",
            {
                "received_at": "2025-01-02T08:30:00+08:00",
                "units": [{"id": "u1", "kind": "township"}],
                "events": [
                    {"type": "dispatched", "at": "2025-01-02T09:00:00+08:00", "to_unit": "u1"}
                ],
            },
        ),
    ]
    write_parquet(orders, tmp_path)
    first, second = iter_parquet_orders(tmp_path)
    assert isinstance(first, Accepted)
    assert isinstance(second, Accepted)
    assert first.columns is not None
    assert isinstance(first.columns[0], BatchColumns)
    # 2025-01-02 is day 20,090 after 1970-01-01; 08:00 in Shanghai is 00:00 UTC
    day = 20_090 * 86_400_000_000
    assert _given(first) == ([], day, day + 500_000)
    assert _given(second) == ([day + 3_600_000_000], day + 1_800_000_000, -1)


def test_an_events_file_without_a_unit_column_gives_no_acting_units(tmp_path: Path) -> None:
    orders = [
        _order(
            "N1",
            {
                "received_at": "2025-01-02T08:00:00+08:00",
                "units": [{"id": "u1", "kind": "township"}],
                "events": [
                    {"type": "dispatched", "at": "2025-01-02T09:00:00+08:00", "to_unit": "u1"},
                    {"type": "closed", "at": "2025-01-03T09:00:00+08:00"},
                ],
            },
        )
    ]
    write_parquet(orders, tmp_path)
    (partition,) = parquet_partitions(tmp_path)
    table = pq.read_table(partition.events)
    pq.write_table(table.drop_columns(["unit"]), partition.events)
    (record,) = read_partition(partition)
    assert isinstance(record, Accepted)
    assert record.order == orders[0]
    assert record.columns is not None  # (made from its cells unchanged: no unit anywhere)
    assert _words(record) == [("dispatched", None), ("closed", None)]


def test_a_pickled_record_leaves_its_readers_numbers_behind(tmp_path: Path) -> None:
    # they are the whole batch's: a chunk of records sent to a worker process would carry
    # them all (a batch of 256 records pickled to 3.98 MB instead of 0.29 MB)
    write_parquet(list(generate_orders(120, seed=9)), tmp_path)
    records = [r for r in iter_parquet_orders(tmp_path) if isinstance(r, Accepted)]
    assert all(r.columns is not None for r in records[:5])
    back = pickle.loads(pickle.dumps(records))
    assert back == records
    assert all(r.columns is None for r in back)
    assert [(r.history_checked, r.integers_fit) for r in back] == [
        (r.history_checked, r.integers_fit) for r in records
    ]
    bare = [dataclasses.replace(r, columns=None) for r in records]
    assert len(pickle.dumps(records)) == len(pickle.dumps(bare))
