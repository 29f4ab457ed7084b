"""The Parquet reader works a batch of orders rows at a time: what a caller can see of that."""

import datetime as dt
import gc
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from grievance_rules.reading.parquet import (
    events_schema,
    orders_schema,
    parquet_partitions,
    read_partition,
)
from grievance_rules.reading.results import Accepted, Rejected

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _order(order_id):
    return {
        "id": order_id,
        "channel": "12345",
        "category": "complaint",
        "received_at": dt.datetime(2024, 5, 6, 9, 12, tzinfo=SHANGHAI),
    }


def _write(folder: Path, ids, events=()):
    folder.mkdir(parents=True, exist_ok=True)
    schema = orders_schema().set(0, pa.field("id", pa.string()))  # a foreign file: ids may be null
    pq.write_table(
        pa.Table.from_pylist([_order(i) for i in ids], schema=schema),
        folder / "orders.parquet",
    )
    pq.write_table(
        pa.Table.from_pylist(list(events), schema=events_schema()), folder / "events.parquet"
    )


def test_the_collector_is_on_whenever_the_caller_holds_a_record(tmp_path):
    _write(tmp_path, [f"O{n}" for n in range(7)])
    (partition,) = parquet_partitions(tmp_path)
    seen = []
    for result in read_partition(partition, batch_size=3):  # batches of 3, 3 and 1 rows
        seen.append((result.order.id, gc.isenabled()))
    assert seen == [(f"O{n}", True) for n in range(7)]


def test_a_collector_the_caller_disabled_stays_disabled(tmp_path):
    _write(tmp_path, ["A", "B", "C"])
    (partition,) = parquet_partitions(tmp_path)
    gc.disable()
    try:
        states = [gc.isenabled() for _ in read_partition(partition, batch_size=2)]
        assert states == [False, False, False]
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_resumes_when_the_caller_stops_early(tmp_path):
    _write(tmp_path, ["A", "B", "C", "D"])
    (partition,) = parquet_partitions(tmp_path)
    records = read_partition(partition, batch_size=4)
    first = next(records)
    assert first.order.id == "A"
    assert gc.isenabled()
    records.close()
    assert gc.isenabled()


def test_an_id_repeated_in_another_batch_rejects_both_rows(tmp_path):
    # rows 1 and 5 share an id and are read in different batches of two; rows 3 and 4
    # have no id (null), which is each row's own problem, not a repetition
    at = dt.datetime(2024, 5, 6, 10, tzinfo=SHANGHAI)
    _write(
        tmp_path,
        ["R", "S", None, None, "R", "T"],
        [{"order_id": "T", "type": "signed_for", "at": at}],
    )
    (partition,) = parquet_partitions(tmp_path)
    results = list(read_partition(partition, batch_size=2))
    assert [type(r).__name__ for r in results] == [
        "Rejected",
        "Accepted",
        "Rejected",
        "Rejected",
        "Rejected",
        "Accepted",
    ]
    for index in (0, 4):
        (problem,) = results[index].problems
        assert problem.code == "duplicate_id"
        assert "order id 'R' is on rows 1, 5 of orders.parquet" in problem.message
    for index in (2, 3):
        assert isinstance(results[index], Rejected)
        assert [p.field for p in results[index].problems] == ["id"]
        assert all(p.code != "duplicate_id" for p in results[index].problems)
    assert [r.location.row for r in results] == [1, 2, 3, 4, 5, 6]
    last = results[5]
    assert isinstance(last, Accepted)
    assert [e.type for e in last.order.events] == ["signed_for"]


def test_an_events_file_in_many_row_groups_reads_as_one_in_a_single_group(tmp_path):
    # the events table comes back in chunks (one per row group) or in one: the same orders
    at = dt.datetime(2024, 5, 6, 10, tzinfo=SHANGHAI)
    events = [
        {"order_id": order_id, "type": "signed_for", "at": at + dt.timedelta(hours=hours)}
        for hours, order_id in enumerate(["B", "A", "C", "A", "B"])
    ]
    read = {}
    for groups in (1, 2):
        folder = tmp_path / str(groups)
        _write(folder, ["A", "B", "C"])
        table = pa.Table.from_pylist(events, schema=events_schema())
        pq.write_table(table, folder / "events.parquet", row_group_size=groups)
        assert pq.ParquetFile(folder / "events.parquet").num_row_groups == 5 // groups + (
            5 % groups > 0
        )
        (partition,) = parquet_partitions(folder)
        read[groups] = [r.order for r in read_partition(partition, batch_size=2)]
    assert read[1] == read[2]
    assert [[e.at.hour for e in order.events] for order in read[1]] == [[3, 5], [2, 6], [4]]
