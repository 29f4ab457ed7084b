"""Reading Parquet gives what reading the same orders from JSON Lines gives, and what a
row-at-a-time reading of the same tables gives, message for message.

The Parquet reader builds its dicts a column at a time, groups events and units by
sorting, and shares validated units between orders (:mod:`grievance_rules.reading.parquet`).
Two references check it:

* the same orders as JSON Lines, read by :func:`~grievance_rules.reading.iter_orders`
  (generated orders, hypothesis orders, and the broken-record corpus of
  ``tests/reading/test_corpus.py`` where Parquet can hold the broken value);
* a reader written here the plain way: every row of every table turned into a
  dict by Arrow's own ``to_pylist``, events and units grouped by their order id
  in a dict, each order validated as it is met, on tables mutated by hypothesis
  (bad cells, cells that do not apply, ids twice, orphans, shuffled rows, instants
  before 1970 with microseconds), read in batches of one to five orders.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grievance_rules.errors import ReadError
from grievance_rules.model import WorkOrder
from grievance_rules.reading import iter_orders, validate_record
from grievance_rules.reading.parquet import (
    EVENT_COLUMNS,
    ORDER_COLUMNS,
    UNIT_COLUMNS,
    ParquetPartition,
    _event_problems,
    _event_rows_note,
    _orphans,
    _repeated,
    events_schema,
    iter_parquet_orders,
    orders_schema,
    parquet_partitions,
    partition_order_ids,
    read_partition,
    units_schema,
)
from grievance_rules.reading.parquet_export import order_rows, write_parquet
from grievance_rules.reading.results import Accepted, RecordResult, Rejected, SourceLocation
from grievance_rules.samples import generate_orders
from grievance_rules.testing.strategies import work_orders
from tests.model.samples import record
from tests.reading.test_corpus import CORPUS, _broken

_INSTANTS = frozenset(
    {
        "received_at",
        "dispatched_at",
        "reply_deadline",
        "at",
        "deadline",
        "committed_deadline",
        "requested_deadline",
        "new_deadline",
    }
)
_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def _jsonl(records: list[dict[str, Any]] | list[WorkOrder]) -> list[RecordResult]:
    lines = [
        r.model_dump_json() if isinstance(r, WorkOrder) else json.dumps(r, ensure_ascii=False)
        for r in records
    ]
    return list(iter_orders(io.BytesIO("\n".join(lines).encode()), "jsonl"))


def _cell(name: str, value: Any) -> Any:
    if name in _INSTANTS and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if name == "leaders" and isinstance(value, dict):
        return list(value.items())
    return value


def _write(
    folder: Path,
    orders: list[dict[str, Any]],
    events: list[dict[str, Any]],
    units: list[dict[str, Any]] | None,
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows, schema in (
        ("orders", orders, orders_schema()),
        ("events", events, events_schema()),
        ("units", units, units_schema()),
    ):
        if rows is not None:
            pq.write_table(pa.Table.from_pylist(rows, schema=schema), folder / f"{name}.parquet")


def _tables_of(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], ...]:
    """JSON-style records as rows of the three tables (instants parsed, leaders as pairs)."""
    orders, events, units = [], [], []
    for rec in records:
        orders.append({k: _cell(k, v) for k, v in rec.items() if k not in ("events", "units")})
        events += [
            {"order_id": rec["id"], **{k: _cell(k, v) for k, v in e.items()}}
            for e in rec.get("events", [])
        ]
        units += [
            {"order_id": rec["id"], **{k: _cell(k, v) for k, v in u.items()}}
            for u in rec.get("units", [])
        ]
    return orders, events, units


def _rows_of(orders: list[WorkOrder]) -> tuple[list[dict[str, Any]], ...]:
    """Work orders as rows of the three tables, as the exporter writes them (``order_rows``)."""
    order_table: list[dict[str, Any]] = []
    event_table: list[dict[str, Any]] = []
    unit_table: list[dict[str, Any]] = []
    for order in orders:
        row, events, units = order_rows(order)
        order_table.append(row)
        event_table += events
        unit_table += units
    return order_table, event_table, unit_table


# --- JSON Lines as the reference ----------------------------------------------------------


def test_generated_orders_in_partitions_read_as_from_json_lines(tmp_path):
    orders = list(generate_orders(2_000, seed=2024))
    write_parquet(orders, tmp_path, partition_size=700)
    parquet = list(iter_parquet_orders(tmp_path))
    jsonl = _jsonl(orders)
    assert [r.ok for r in parquet] == [r.ok for r in jsonl]
    assert all(isinstance(r, Accepted) for r in parquet)
    assert [r.order for r in parquet] == [r.order for r in jsonl] == orders
    assert [r.order.model_dump_json() for r in parquet] == [o.model_dump_json() for o in orders]
    assert [r.warnings for r in parquet] == [r.warnings for r in jsonl]
    # the rows: 700 a partition, numbered from 1 in each
    assert [r.location.row for r in parquet[698:702]] == [699, 700, 1, 2]


def test_orders_naming_the_same_units_share_them_and_stay_equal(tmp_path):
    orders = list(generate_orders(300, seed=5))
    write_parquet(orders, tmp_path)
    back = [r.order for r in iter_parquet_orders(tmp_path)]
    assert back == orders
    by_cells: dict[str, set[int]] = {}
    for order in back:
        for unit in order.units:
            by_cells.setdefault(unit.model_dump_json(), set()).add(id(unit))
    # one object per distinct unit (equal cells), however many orders name it
    assert all(len(objects) == 1 for objects in by_cells.values())
    assert len(by_cells) < sum(len(o.units) for o in back) / 10
    # and one tuple per distinct list of units, however many orders hold it
    by_list: dict[tuple[str, ...], set[int]] = {}
    for order in back:
        by_list.setdefault(tuple(u.model_dump_json() for u in order.units), set()).add(
            id(order.units)
        )
    assert all(len(objects) == 1 for objects in by_list.values())
    assert len({id(o.units) for o in back}) == len(by_list) < len(back) / 3


@settings(max_examples=40, deadline=None, suppress_health_check=_HEALTH)
@given(orders=st.lists(work_orders(), max_size=6, unique_by=lambda o: o.id))
def test_any_orders_read_from_parquet_as_from_json_lines(tmp_path_factory, orders):
    folder = tmp_path_factory.mktemp("ds")
    write_parquet(orders, folder)
    parquet = list(iter_parquet_orders(folder))
    jsonl = _jsonl(orders)
    assert [type(r) for r in parquet] == [type(r) for r in jsonl]
    assert [getattr(r, "order", None) for r in parquet] == [
        getattr(r, "order", None) for r in jsonl
    ]
    assert [r.order_id for r in parquet if isinstance(r, Rejected)] == [
        r.order_id for r in jsonl if isinstance(r, Rejected)
    ]


# Broken records whose broken value a typed Parquet table cannot hold as JSON gives it,
# so the two readers are not given the same record (checked by hand, one by one).
_NOT_THE_SAME_IN_PARQUET = {
    "no id": "the id column holds no nulls",
    "special kinds not a list": "a list column holds no number",
    "naive receipt": "a zoned timestamp column takes a naive one as UTC",
    "epoch receipt": "a timestamp column takes a number as microseconds",
    "prose receipt": "a timestamp column holds no text",
    "bare date receipt": "a timestamp column takes a date as midnight UTC",
    "receipt in 1800": "the message shows the instant as given: +08:00 text against UTC",
    "latitude 100": "a float column holds 100.0, and the message shows the value",
    "unknown order field": "the orders table has no column colour",
    "events not a list": "the events table holds events one a row",
    "naive event time": "a zoned timestamp column takes a naive one as UTC",
    "unknown event field": "the events table has no column colour",
    "resolved maybe": "a bool column holds no text",
}


def test_the_broken_record_corpus_reads_as_from_json_lines(tmp_path):
    records: list[dict[str, Any]] = []
    good_id = record()["id"]
    for name, mutate, _code, _field in CORPUS:
        if name not in _NOT_THE_SAME_IN_PARQUET:
            good = record()
            good["id"] = f"G{len(records)}"
            broken = _broken(mutate)
            if broken["id"] == good_id:  # one id a row, or Parquet rejects both as one order twice
                broken["id"] = f"B{len(records)}"
            records += [good, broken]
    assert len(records) == 2 * (len(CORPUS) - 13)
    orders, events, units = _tables_of(records)
    _write(tmp_path, orders, events, units)
    parquet = list(iter_parquet_orders(tmp_path))
    jsonl = _jsonl(records)
    assert len(parquet) == len(jsonl) == len(records)
    assert [r.ok for r in parquet] == [r.ok for r in jsonl] == [True, False] * (len(records) // 2)
    assert [r.order for r in parquet if r.ok] == [r.order for r in jsonl if r.ok]
    first_event_row = 1
    for index, (p, j) in enumerate(zip(parquet, jsonl, strict=True)):
        assert p.location.row == p.location.record == index + 1
        count = len(records[index]["events"])
        if isinstance(p, Rejected):
            assert p.order_id == j.order_id == records[index]["id"]
            assert [(q.field, q.code) for q in p.problems] == [
                (q.field, q.code) for q in j.problems
            ]
            for q, r in zip(p.problems, j.problems, strict=True):
                if q.field.startswith("events["):  # the event's row of events.parquet, by hand
                    position = int(q.field[len("events[") :].split("]")[0])
                    assert (
                        q.message
                        == f"{r.message} (events.parquet row {first_event_row + position})"
                    )
                else:
                    assert q.message == r.message
        first_event_row += count


# --- a row-at-a-time reading of the same tables as the reference -------------------------


def _python(name: str, value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    if name == "leaders" and isinstance(value, list):
        return dict(value)
    return value


def _table_rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, Any]] | None:
    if not path.exists():
        return None
    table = pq.read_table(path)
    keep = [name for name in table.column_names if name in columns]
    # an order's id written as a number is its decimal text (the orders' id, the others'
    # order_id), as a spreadsheet's number cell of an id is
    key = "id" if path.name.startswith("orders") else "order_id"
    integer = key in keep and pa.types.is_integer(table.schema.field(key).type)
    return [
        {
            k: str(v) if integer and k == key else _python(k, v)
            for k, v in row.items()
            if v is not None
        }
        for row in table.select(keep).to_pylist()
    ]


def _row_at_a_time(folder: Path) -> list[RecordResult]:
    """The records of a one-partition dataset, read the plain way."""
    (partition,) = parquet_partitions(folder)
    orders = _table_rows(folder / "orders.parquet", ORDER_COLUMNS) or []
    groups: dict[str, dict[Any, list[tuple[int, dict[str, Any]]]]] = {}
    for table, columns in (("events", EVENT_COLUMNS), ("units", UNIT_COLUMNS)):
        groups[table] = {}
        for row, cells in enumerate(_table_rows(folder / f"{table}.parquet", columns) or [], 1):
            groups[table].setdefault(cells.pop("order_id", None), []).append((row, cells))
    seen: dict[str, list[int]] = {}
    for row, cells in enumerate(orders, 1):
        if isinstance(cells.get("id"), str):
            seen.setdefault(cells["id"], []).append(row)
    results: list[RecordResult] = []
    for row, obj in enumerate(orders, 1):
        location = _location(partition.orders, row)
        key = obj["id"] if isinstance(obj.get("id"), str) else None
        if key is not None and len(seen[key]) > 1:
            groups["events"].pop(key, None)
            groups["units"].pop(key, None)
            results.append(Rejected(location, (_repeated(key, seen[key], partition),), key))
            continue
        found = groups["events"].pop(key, []) if key is not None else []
        problems = [
            problem
            for index, (event_row, cells) in enumerate(found)
            for problem in _event_problems(index, cells, f"events.parquet row {event_row}")
        ]
        obj["events"] = [cells for _r, cells in found]
        own_units = groups["units"].pop(key, []) if key is not None else []
        obj["units"] = [cells for _r, cells in own_units]
        result = validate_record(obj, location=location)
        if problems:
            said = {p.field for p in problems}  # (a cell said not to apply: said once)
            earlier = tuple(
                p
                for p in (result.problems if isinstance(result, Rejected) else ())
                if not (p.code == "extra_forbidden" and p.field in said)
            )
            result = Rejected(location, (*problems, *earlier), key)
        if isinstance(result, Rejected) and found:
            rows = [r for r, _c in found]
            result = Rejected(
                location,
                _event_rows_note(result.problems, rows, "events.parquet"),
                result.order_id,
            )
        results.append(result)
    record_number = len(orders)
    for table, path in (("events", partition.events), ("units", partition.units)):
        rows_of = {k: [r for r, _c in v] for k, v in groups[table].items()}
        results += _orphans(table, rows_of, path, record_number)
        record_number += len(rows_of)
    return results


def _location(file: str, row: int) -> SourceLocation:
    return SourceLocation(file, row, row=row)


_BAD_ORDER_CELLS = [
    ("category", "抱怨"),
    ("channel", None),
    ("urgency", "very"),
    ("id", ""),
    ("response_level", 7),
    ("received_at", dt.datetime(1950, 3, 1, 8, 0, 0, 250_000, tzinfo=dt.UTC)),
    ("received_at", dt.datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=dt.UTC)),
    ("received_at", dt.datetime(1800, 5, 6, 1, tzinfo=dt.UTC)),
    ("reply_deadline", dt.datetime(2019, 1, 1, tzinfo=dt.UTC)),
    ("location", {"address": " 东风路 ", "area": None, "latitude": 100.0, "longitude": None}),
]
_BAD_EVENT_CELLS = [
    ("decision", "approved"),
    ("round", 0),
    ("at", None),
    ("type", None),
    ("type", "teleported"),
    ("type", "closed"),
    ("unit", "ghost"),
    ("order_id", "ZZ"),
    ("order_id", "YY"),
    ("evidence", [{"kind": "rumour", "ref": None}]),
    ("note", "  a note  "),
    ("at", dt.datetime(2030, 1, 1, 0, 0, 0, 1, tzinfo=dt.UTC)),
]
_BAD_UNIT_CELLS = [
    ("kind", "bank"),
    ("order_id", "ZZ"),
    ("leaders", [("boss", "x")]),
    ("name", None),
    ("id", ""),
]


@st.composite
def _mutated_tables(draw: st.DrawFn) -> tuple[list[dict[str, Any]], ...]:
    orders = draw(st.lists(work_orders(), max_size=6, unique_by=lambda o: o.id))
    order_table, event_table, unit_table = _rows_of(orders)
    rng = random.Random(draw(st.integers(0, 2**32)))
    for _ in range(draw(st.integers(0, 4))):
        which = draw(st.sampled_from(["order", "event", "unit", "twice", "shuffle"]))
        if which == "order" and order_table:
            name, value = draw(st.sampled_from(_BAD_ORDER_CELLS))
            rng.choice(order_table)[name] = value
        elif which == "event" and event_table:
            name, value = draw(st.sampled_from(_BAD_EVENT_CELLS))
            rng.choice(event_table)[name] = value
        elif which == "unit" and unit_table:
            name, value = draw(st.sampled_from(_BAD_UNIT_CELLS))
            rng.choice(unit_table)[name] = value
        elif which == "twice" and order_table:
            order_table.insert(rng.randrange(len(order_table) + 1), dict(rng.choice(order_table)))
        elif which == "shuffle":
            rng.shuffle(event_table)
    units = None if draw(st.booleans()) and not unit_table else unit_table
    return order_table, event_table, units


@settings(max_examples=150, deadline=None, suppress_health_check=_HEALTH)
@given(tables=_mutated_tables(), batch=st.integers(1, 5))
def test_any_tables_read_as_a_row_at_a_time(tmp_path_factory, tables, batch):
    folder = tmp_path_factory.mktemp("mutated")
    _write(folder, *tables)
    (partition,) = parquet_partitions(folder)
    fast = list(read_partition(partition, batch_size=batch))
    assert fast == _row_at_a_time(folder)


@pytest.mark.parametrize("batch", [1, 2, 4096])
def test_shuffled_events_and_units_are_put_back_with_their_orders(tmp_path, batch):
    orders = list(generate_orders(40, seed=8))
    order_table, event_table, unit_table = _rows_of(orders)
    rng = random.Random(1)
    # the orders' events interleaved at random, each order's in its own order
    queues: dict[str, list[dict[str, Any]]] = {}
    for row in event_table:
        queues.setdefault(row["order_id"], []).append(row)
    interleaved = []
    while queues:
        key = rng.choice(sorted(queues))
        interleaved.append(queues[key].pop(0))
        if not queues[key]:
            del queues[key]
    assert interleaved != event_table
    rng.shuffle(unit_table)
    _write(tmp_path, order_table, interleaved, unit_table)
    (partition,) = parquet_partitions(tmp_path)
    results = list(read_partition(partition, batch_size=batch))
    # the units of each order come back in their table order, so compare units as sets
    assert [r.order.model_copy(update={"units": ()}) for r in results] == [
        o.model_copy(update={"units": ()}) for o in orders
    ]
    assert [sorted(u.id for u in r.order.units) for r in results] == [
        sorted(u.id for u in o.units) for o in orders
    ]
    assert results == _row_at_a_time(tmp_path)


def test_sets_of_present_columns_numbered_alike_beyond_one_word_of_columns():
    import numpy as np

    from grievance_rules.reading.parquet_cells import numbered_rows

    # 130 columns (more than 62 two-valued parts fit one number): rows 0 and 2 hold the
    # same columns, row 1 lacks column 100 only, row 3 lacks column 5 only
    full = np.ones(4, dtype=bool)
    masks = [full.copy() for _ in range(130)]
    masks[100] = np.array([True, False, True, True])
    masks[5] = np.array([True, True, True, False])
    code = numbered_rows([(mask.astype(np.int64), 2) for mask in masks], 4)[0].tolist()
    assert code[0] == code[2]
    assert len({code[0], code[1], code[3]}) == 3


def test_dictionary_encoded_ids_and_types_read_as_plain_text(tmp_path):
    # a foreign writer's choice: order_id and type dictionary-encoded, a cell misplaced
    orders = list(generate_orders(6, seed=4))
    order_table, event_table, unit_table = _rows_of(orders)
    event_table[3]["decision"] = "approved"  # a cell that does not apply to its event
    _write(tmp_path, order_table, event_table, unit_table)
    for name in ("events", "units"):
        table = pq.read_table(tmp_path / f"{name}.parquet")
        for column in ("order_id", "type"):
            if column in table.column_names:
                index = table.column_names.index(column)
                table = table.set_column(index, column, table.column(column).dictionary_encode())
        pq.write_table(table, tmp_path / f"{name}.parquet")
    assert pa.types.is_dictionary(pq.read_schema(tmp_path / "events.parquet").field("type").type)
    results = list(iter_parquet_orders(tmp_path))
    assert results == _row_at_a_time(tmp_path)
    owner = event_table[3]["order_id"]
    assert [r.ok for r in results] == [o.id != owner for o in orders]
    (bad,) = [r for r in results if not r.ok]
    assert bad.problems[0].code == "invalid_cell"
    assert "events.parquet row 4: column 'decision' does not apply" in bad.problems[0].message
    assert [r.order for r in results if r.ok] == [o for o in orders if o.id != owner]


def test_ids_that_are_numbers_are_read_as_their_text(tmp_path):
    at = dt.datetime(2024, 5, 6, 10, tzinfo=dt.UTC)
    folder = tmp_path
    pq.write_table(
        pa.table({"id": [7], "channel": ["12345"], "category": ["complaint"], "received_at": [at]}),
        folder / "orders.parquet",
    )
    pq.write_table(
        pa.table({"order_id": [7, 7], "type": ["signed_for"] * 2, "at": [at, at]}),
        folder / "events.parquet",
    )
    results = list(iter_parquet_orders(folder))
    assert results == _row_at_a_time(folder)
    # (the order was rejected, id not text, and its events rows with it as orphans)
    (accepted,) = results
    assert isinstance(accepted, Accepted)
    assert (accepted.order.id, len(accepted.order.events)) == ("7", 2)


@pytest.mark.parametrize(
    ("id_type", "order_id_type"),
    [
        (pa.large_string(), pa.string()),
        (pa.dictionary(pa.int8(), pa.string()), pa.large_string()),
        (pa.string(), pa.large_string()),
        (pa.string_view(), pa.string()),  # (looked up as Python text)
    ],
)
def test_ids_in_other_text_types_find_their_events_and_units(tmp_path, id_type, order_id_type):
    # the orders table's ids are looked up in Arrow, cast to the type of the events' ids;
    # an id twice and an orphan among them
    orders = list(generate_orders(6, seed=9))
    order_table, event_table, unit_table = _rows_of(orders)
    order_table.append(dict(order_table[2]))
    event_table.append({**event_table[0], "order_id": "nowhere"})
    _write(tmp_path, order_table, event_table, unit_table)
    for name, column, kind in (
        ("orders", "id", id_type),
        ("events", "order_id", order_id_type),
        ("units", "order_id", order_id_type),
    ):
        table = pq.read_table(tmp_path / f"{name}.parquet")
        index = table.column_names.index(column)
        field = pa.field(column, kind, nullable=name != "orders")
        table = table.set_column(index, field, table.column(column).cast(kind))
        pq.write_table(table, tmp_path / f"{name}.parquet")
    results = list(iter_parquet_orders(tmp_path))
    assert results == _row_at_a_time(tmp_path)
    assert sum(r.ok for r in results) == 5
    assert [r.order_id for r in results[-2:]] == [orders[2].id, "nowhere"]


def _modules_after_reading(folder: Path, expected: tuple[int, int]) -> list[str]:
    """Which of pandas, pyarrow.dataset and pyarrow.compute a fresh process reading
    ``folder`` imports (``expected``: its records accepted, and in all)."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from grievance_rules.reading.parquet import *\n"
        f"(partition,) = parquet_partitions({str(folder)!r})\n"
        "ids = partition_order_ids(partition)\n"
        "results = list(read_partition(partition))\n"
        f"assert (sum(r.ok for r in results), len(results)) == {expected}, results[-1]\n"
        "for name in ('pandas', 'pyarrow.dataset', 'pyarrow.compute'):\n"
        "    if name in sys.modules:\n"
        "        print(name)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return done.stdout.split()


def test_reading_a_partition_imports_neither_pandas_nor_arrow_s_compute_module(tmp_path):
    # Arrow imports pandas when asked for a numpy view of an array, for an array of
    # Python values or for a scalar, and pyarrow.dataset does when imported (a third of
    # a second, once a process); pyarrow.compute takes a fifth of a second to import.
    # A reader that needs neither for a dataset as written spends neither.
    write_parquet(list(generate_orders(30, seed=2)), tmp_path)
    assert _modules_after_reading(tmp_path, (30, 30)) == []


def test_reading_events_out_of_order_still_leaves_pandas_unimported(tmp_path):
    # putting a table back in order takes its rows in Arrow (pyarrow.compute's take)
    write_parquet(list(generate_orders(30, seed=2)), tmp_path)
    events = pq.read_table(tmp_path / "events.parquet")
    owners = events.column("order_id").to_pylist()
    first = owners.count(owners[0])  # the first order's events moved last: put back by Arrow
    shuffled = events.take([*range(first, len(owners)), *range(first)])
    field = shuffled.schema.field("order_id")
    orphan = shuffled.slice(0, 1).set_column(0, field, pa.array(["nowhere"], field.type))
    pq.write_table(pa.concat_tables([shuffled, orphan]), tmp_path / "events.parquet")
    assert _modules_after_reading(tmp_path, (30, 31)) == ["pyarrow.compute"]


def test_order_ids_of_a_partition_as_read_table_gives_them_or_fails(tmp_path):
    # partition_order_ids reads the one column through ParquetFile; where that cannot
    # (no id column, not Parquet), it refuses the file as read_partition does (it failed
    # as pq.read_table does, a traceback on a Dask client)
    write_parquet(list(generate_orders(7, seed=5)), tmp_path / "good")
    pq.write_table(pa.table({"x": [1]}), tmp_path / "noid.parquet")
    (tmp_path / "junk.parquet").write_text("not parquet")
    (good,) = parquet_partitions(tmp_path / "good")
    expected = pq.read_table(good.orders, columns=["id"]).column("id").to_pylist()
    assert partition_order_ids(good) == expected
    for name in ("noid.parquet", "junk.parquet"):
        partition = ParquetPartition(name, str(tmp_path / name))
        with pytest.raises(ReadError) as reading:
            list(read_partition(partition))
        with pytest.raises(ReadError) as failure:
            partition_order_ids(partition)
        assert str(failure.value) == str(reading.value)
