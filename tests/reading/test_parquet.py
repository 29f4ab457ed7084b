"""The long layout as Parquet: lossless round trips, partitions, and every record accounted for."""

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grievance_rules.errors import ReadError
from grievance_rules.i18n import language
from grievance_rules.model import WorkOrder
from grievance_rules.reading.parquet import (
    EVENT_COLUMNS,
    ORDER_COLUMNS,
    ParquetPartition,
    events_schema,
    is_parquet,
    iter_parquet_orders,
    orders_schema,
    parquet_partitions,
    read_partition,
    units_schema,
)
from grievance_rules.reading.parquet_export import write_parquet
from grievance_rules.reading.results import Accepted, Rejected
from grievance_rules.samples import generate_orders
from grievance_rules.testing.strategies import work_orders

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _read(path):
    return list(iter_parquet_orders(path))


def _order(**changes):
    record = {
        "id": "P1",
        "channel": "12345",
        "category": "complaint",
        "received_at": dt.datetime(2024, 5, 6, 9, 12, tzinfo=SHANGHAI),
    }
    record.update(changes)
    return record


def _write_tables(folder: Path, orders, events=(), units=None):
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        pa.Table.from_pylist(list(orders), schema=orders_schema()), folder / "orders.parquet"
    )
    pq.write_table(
        pa.Table.from_pylist(list(events), schema=events_schema()), folder / "events.parquet"
    )
    if units is not None:
        pq.write_table(
            pa.Table.from_pylist(list(units), schema=units_schema()), folder / "units.parquet"
        )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(orders=st.lists(work_orders(), max_size=5, unique_by=lambda o: o.id))
def test_any_order_round_trips_losslessly(tmp_path_factory, orders):
    folder = tmp_path_factory.mktemp("ds")
    assert write_parquet(orders, folder) == len(orders)
    results = _read(folder)
    assert all(isinstance(r, Accepted) for r in results), [str(r) for r in results]
    back = [r.order for r in results]
    assert back == orders
    # the same JSON, byte for byte
    assert [o.model_dump_json() for o in back] == [o.model_dump_json() for o in orders]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    orders=st.lists(work_orders(), min_size=1, max_size=8, unique_by=lambda o: o.id),
    size=st.integers(1, 4),
)
def test_partitioned_round_trip_keeps_the_order_of_the_orders(tmp_path_factory, orders, size):
    folder = tmp_path_factory.mktemp("parts")
    write_parquet(orders, folder, partition_size=size)
    partitions = parquet_partitions(folder)
    assert len(partitions) == -(-len(orders) // size)  # ceiling, by hand
    assert [r.order for r in _read(folder)] == orders


def test_sample_orders_round_trip_through_a_file_pair(tmp_path):
    orders = list(generate_orders(200, seed=11))
    write_parquet(orders, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "events.parquet",
        "orders.parquet",
        "units.parquet",
    ]
    assert [r.order for r in _read(tmp_path / "orders.parquet")] == orders
    assert is_parquet(tmp_path)
    assert is_parquet(tmp_path / "orders.parquet")
    assert not is_parquet(tmp_path / "events.parquet".replace(".parquet", ".jsonl"))


def test_the_tables_are_typed_for_analysts(tmp_path):
    order = WorkOrder.model_validate(
        _order(
            units=[
                {
                    "id": "c07",
                    "name": "东风社区",
                    "kind": "village_community",
                    "leaders": {"party_secretary": "王书记"},
                }
            ],
            events=[
                {"type": "dispatched", "at": "2024-05-06T09:30:00+08:00", "to_unit": "c07"},
                {
                    "type": "replied",
                    "at": "2024-05-07T10:00:00+08:00",
                    "unit": "c07",
                    "evidence": [{"kind": "photo", "ref": "a.jpg"}],
                    "round": 2,
                },
            ],
        )
    )
    write_parquet([order], tmp_path)
    orders = pq.read_table(tmp_path / "orders.parquet")
    assert orders.column_names == list(ORDER_COLUMNS)
    assert orders.column("received_at").to_pylist()[0] == dt.datetime(
        2024, 5, 6, 1, 12, tzinfo=dt.UTC
    )
    assert str(orders.schema.field("received_at").type) == "timestamp[us, tz=Asia/Shanghai]"
    events = pq.read_table(tmp_path / "events.parquet")
    assert events.column_names == list(EVENT_COLUMNS)
    rows = events.to_pylist()
    assert [(r["order_id"], r["type"], r["to_unit"], r["round"]) for r in rows] == [
        ("P1", "dispatched", "c07", None),
        ("P1", "replied", None, 2),
    ]
    assert rows[1]["evidence"] == [{"kind": "photo", "ref": "a.jpg"}]
    units = pq.read_table(tmp_path / "units.parquet").to_pylist()
    assert units[0]["leaders"] == [("party_secretary", "王书记")]


def test_every_event_field_has_a_column():
    from grievance_rules.model import EVENT_CLASSES

    fields = {name for cls in EVENT_CLASSES.values() for name in cls.model_fields}
    assert fields <= set(EVENT_COLUMNS)


def test_a_bad_record_is_rejected_naming_record_field_and_problem(tmp_path):
    _write_tables(
        tmp_path,
        [_order(id="A1"), _order(id="A2", category="抱怨"), _order(id="A3")],
        [
            {
                "order_id": "A3",
                "type": "signed_for",
                "at": dt.datetime(2024, 5, 6, 10, tzinfo=SHANGHAI),
                "decision": "approved",
            },
        ],
    )
    results = _read(tmp_path)
    assert [type(r).__name__ for r in results] == ["Accepted", "Rejected", "Rejected"]
    bad = results[1]
    assert bad.order_id == "A2"
    assert bad.location.record == 2
    assert bad.location.row == 2
    assert bad.problems[0].field == "category"
    assert bad.problems[0].code == "enum"
    applies = results[2]
    assert applies.problems[0].field == "events[0].decision"
    assert "events.parquet row 1" in applies.problems[0].message
    assert "does not apply to an event of type signed_for" in applies.problems[0].message


def test_events_of_an_order_the_orders_table_lacks_are_a_record_of_their_own(tmp_path):
    at = dt.datetime(2024, 5, 6, 10, tzinfo=SHANGHAI)
    _write_tables(
        tmp_path,
        [_order(id="A1")],
        [{"order_id": "ZZ", "type": "signed_for", "at": at}] * 2,
    )
    results = _read(tmp_path)
    assert len(results) == 2  # one order, one orphan group: 2 records, counts add up
    orphan = results[1]
    assert isinstance(orphan, Rejected)
    assert orphan.order_id == "ZZ"
    assert orphan.problems[0].code == "orphan_events"
    assert "2 events rows (1, 2) for order ZZ" in orphan.problems[0].message


def test_a_long_list_of_orphan_rows_is_cut_short_as_the_language_does(tmp_path):
    # 12 events rows (1 to 12) of an order the orders table lacks: the first ten are
    # named, then " ..." in English and "……" in Chinese
    at = dt.datetime(2024, 5, 6, 10, tzinfo=SHANGHAI)
    _write_tables(
        tmp_path, [_order(id="A1")], [{"order_id": "ZZ", "type": "signed_for", "at": at}] * 12
    )
    with language("en"):
        orphan = _read(tmp_path)[1]
        assert orphan.problems[0].message == (
            "12 events rows (1, 2, 3, 4, 5, 6, 7, 8, 9, 10 ...) for order ZZ, "
            "which the orders table does not have"
        )
    with language("zh"):
        orphan = _read(tmp_path)[1]
        assert orphan.problems[0].message == (
            "events 表中有 12 行（1、2、3、4、5、6、7、8、9、10……）属于工单 ZZ，"
            "但工单表中没有该工单"
        )


def test_naive_timestamps_need_a_zone(tmp_path):
    folder = tmp_path / "naive"
    folder.mkdir()
    table = pa.table(
        {
            "id": ["N1"],
            "channel": ["12345"],
            "category": ["complaint"],
            "received_at": pa.array([dt.datetime(2024, 5, 6, 9)], pa.timestamp("us")),
        }
    )
    pq.write_table(table, folder / "orders.parquet")
    (result,) = _read(folder)
    assert isinstance(result, Rejected)
    assert result.problems[0].code == "timezone_aware"
    (result,) = iter_parquet_orders(folder, assume_tz="Asia/Shanghai")
    assert isinstance(result, Accepted)
    assert result.order.received_at == dt.datetime(2024, 5, 6, 1, tzinfo=dt.UTC)


def test_a_folder_without_orders_and_a_file_that_is_not_parquet(tmp_path):
    with pytest.raises(ReadError, match="no Parquet orders table"):
        parquet_partitions(tmp_path)
    (tmp_path / "orders.parquet").write_bytes(b"not parquet")
    with pytest.raises(ReadError, match="not a readable Parquet file"):
        _read(tmp_path)


@pytest.mark.parametrize("table", ["orders", "events"])
def test_a_file_damaged_past_its_footer_is_refused_naming_it(tmp_path, table):
    # the footer (schema) reads, a data page does not: refused as unreadable, with its path
    write_parquet(generate_orders(200, seed=3), tmp_path)
    path = tmp_path / f"{table}.parquet"
    pq.write_table(pq.read_table(path), path, compression="zstd")
    damaged = bytearray(path.read_bytes())
    middle = len(damaged) // 2
    damaged[middle : middle + 64] = bytes(64)
    path.write_bytes(bytes(damaged))
    assert pq.read_schema(path).names  # the footer is intact
    with pytest.raises(ReadError, match=rf"{table}\.parquet: not a readable Parquet file"):
        _read(tmp_path)


def test_a_partition_file_without_its_orders_file_is_refused(tmp_path):
    write_parquet(generate_orders(4, seed=1), tmp_path, partition_size=2)
    (tmp_path / "events" / "part-00001.parquet").rename(tmp_path / "events" / "part-00009.parquet")
    with pytest.raises(ReadError, match=r"events/part-00009.parquet has no orders/part-00009"):
        parquet_partitions(tmp_path)


def test_partitions_are_named_and_ordered(tmp_path):
    write_parquet(generate_orders(5, seed=2), tmp_path, partition_size=2)
    assert parquet_partitions(tmp_path) == [
        ParquetPartition(
            f"part-0000{i}",
            str(tmp_path / "orders" / f"part-0000{i}.parquet"),
            str(tmp_path / "events" / f"part-0000{i}.parquet"),
            str(tmp_path / "units" / f"part-0000{i}.parquet"),
        )
        for i in range(3)
    ]


def test_no_orders_still_make_a_dataset(tmp_path):
    assert write_parquet([], tmp_path / "one") == 0
    assert write_parquet([], tmp_path / "parts", partition_size=5) == 0
    assert _read(tmp_path / "one") == []
    assert [p.name for p in parquet_partitions(tmp_path / "parts")] == ["part-00000"]
    assert _read(tmp_path / "parts") == []


def test_an_id_on_two_rows_of_the_orders_table_rejects_both(tmp_path):
    at = dt.datetime(2024, 5, 6, 10, tzinfo=SHANGHAI)
    _write_tables(
        tmp_path,
        [_order(id="A1"), _order(id="D"), _order(id="A2"), _order(id="D")],
        [{"order_id": "D", "type": "signed_for", "at": at}],
    )
    results = _read(tmp_path)
    assert [type(r).__name__ for r in results] == ["Accepted", "Rejected", "Accepted", "Rejected"]
    for rejected in (results[1], results[3]):
        (problem,) = rejected.problems
        assert problem.field == "id"
        assert problem.code == "duplicate_id"
        assert "order id 'D' is on rows 2, 4 of orders.parquet" in problem.message


def test_orders_from_parquet_are_assessed_and_exported_as_from_json_lines(tmp_path):
    # Parquet hands back instants in UTC; the assessment (its as_of, from the last event,
    # its findings and traces) and the long-layout CSV are written in Shanghai time all
    # the same, byte for byte as for the orders read from JSON Lines
    from grievance_rules.engine import evaluate
    from grievance_rules.reading.export import write_long_csv

    orders = list(generate_orders(60, seed=5))
    write_parquet(orders, tmp_path / "set")
    read = [r.order for r in _read(tmp_path / "set")]
    assert read == orders
    for pack in ("chengdong", "xiayang", "daye"):
        assert [evaluate(o, pack).model_dump_json() for o in read] == [
            evaluate(o, pack).model_dump_json() for o in orders
        ]
    write_long_csv(orders, tmp_path / "a.csv")
    write_long_csv(read, tmp_path / "b.csv")
    for suffix in (".csv", ".流转记录.csv", ".单位.csv"):
        assert (tmp_path / f"b{suffix}").read_bytes() == (tmp_path / f"a{suffix}").read_bytes()
    assert "+08:00" in (tmp_path / "b.csv").read_text(encoding="utf-8-sig")


def test_a_dataset_without_its_units_table_says_so(tmp_path):
    orders = list(generate_orders(5, seed=2))
    write_parquet(orders, tmp_path)
    (tmp_path / "units.parquet").unlink()
    results = _read(tmp_path)
    rejected = [r for r in results if isinstance(r, Rejected)]
    assert rejected  # the orders' events name units
    for result in rejected:
        codes = [p.code for p in result.problems]
        assert "unknown_unit" in codes
        assert codes.count("no_units_table") == 1
        assert "no units table (units.parquet)" in str(result)


def test_orphan_rows_of_a_table_are_counted_with_the_noun_in_number(tmp_path):
    at = dt.datetime(2024, 5, 6, 10, tzinfo=SHANGHAI)
    event = {"order_id": "ZZ", "type": "signed_for", "at": at}
    _write_tables(tmp_path / "one", [_order(id="A1")], [event])
    _write_tables(tmp_path / "two", [_order(id="A1")], [event, event])
    with language("en"):
        assert _read(tmp_path / "one")[1].problems[0].message == (
            "1 events row (1) for order ZZ, which the orders table does not have"
        )
        assert _read(tmp_path / "two")[1].problems[0].message == (
            "2 events rows (1, 2) for order ZZ, which the orders table does not have"
        )
    with language("zh"):
        assert _read(tmp_path / "one")[1].problems[0].message == (
            "events 表中有 1 行（1）属于工单 ZZ，但工单表中没有该工单"
        )


def test_a_round_the_model_takes_is_written_and_read_back(tmp_path):
    # round was an int32 column: 2**31 + 5, which the model and both engine paths take,
    # stopped the whole conversion with pyarrow's "too large to fit in C integer type"
    from grievance_rules.model import WorkOrder
    from grievance_rules.reading.parquet import iter_parquet_orders
    from grievance_rules.reading.parquet_export import write_parquet
    from grievance_rules.samples import generate_orders

    order = next(
        o for o in generate_orders(60, seed=4) if any(e.type == "replied" for e in o.events)
    )
    record = order.model_dump(mode="json")
    next(e for e in record["events"] if e["type"] == "replied")["round"] = 2**31 + 5
    wide = WorkOrder.model_validate(record)
    write_parquet([wide], tmp_path / "d")
    (back,) = [result.order for result in iter_parquet_orders(tmp_path / "d")]
    assert back == wide


def test_the_ids_of_a_bad_partition_are_refused_as_reading_refuses_it(tmp_path: Path) -> None:
    # the id check of a Dask run read the ids on its own, and a damaged file, one with no
    # id column or with numbers for ids was a traceback on the client (exit 1)
    from grievance_rules.reading.parquet import partition_order_ids

    write_parquet(list(generate_orders(6, seed=3)), tmp_path / "ok")
    (partition,) = parquet_partitions(tmp_path / "ok")
    table = pq.read_table(partition.orders)
    numbers = table.set_column(0, "id", pa.array(range(6), pa.int64()))
    pq.write_table(numbers, partition.orders)
    # ids written as numbers are read as their text, as a spreadsheet's number cell is
    assert partition_order_ids(partition) == ["0", "1", "2", "3", "4", "5"]
    pq.write_table(table.drop(["id"]), partition.orders)
    with pytest.raises(ReadError, match=r"the orders table has no id column"):
        partition_order_ids(partition)
    Path(partition.orders).write_bytes(b"PAR1 not a file")
    with pytest.raises(ReadError, match=r"not a readable Parquet file"):
        partition_order_ids(partition)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", None])
def test_an_instant_no_datetime_holds_rejects_its_record(tmp_path: Path, zone: str | None) -> None:
    # year 19969 (another tool's data): an OverflowError, a traceback, whether the column
    # is zoned or naive; now the record is rejected naming the field and the instant
    write_parquet(list(generate_orders(3, seed=4)), tmp_path)
    (partition,) = parquet_partitions(tmp_path)
    table = pq.read_table(partition.orders)
    micros = table.column("received_at").cast(pa.int64()).to_pylist()
    micros[1] = 568_000_000_000_000_000  # 568,000,000,000 s after 1970: year 19969
    at = table.schema.get_field_index("received_at")
    far = pa.array(micros, pa.int64()).cast(pa.timestamp("us", tz=zone))
    pq.write_table(table.set_column(at, "received_at", far), partition.orders)
    results = list(read_partition(partition, assume_tz="Asia/Shanghai"))
    assert [type(r).__name__ for r in results] == ["Accepted", "Rejected", "Accepted"]
    (problem,) = results[1].problems
    assert problem.field == "received_at"
    shown = "+19969-03-16T01:46:40.000000" + ("Z" if zone else "")
    assert f"(got '{shown}')" in problem.message


def test_a_partition_without_its_events_file_is_refused(tmp_path: Path) -> None:
    # its orders were assessed with no history, without a word (exit 0, 20 of 40 orders
    # with no finding); a partition missing its units file has its orders rejected
    write_parquet(list(generate_orders(8, seed=6)), tmp_path, partition_size=4)
    (tmp_path / "events" / "part-00001.parquet").unlink()
    with pytest.raises(ReadError, match=r"orders/part-00001.parquet has no events/part-00001"):
        parquet_partitions(tmp_path)


def test_an_events_row_is_named_by_its_folder_and_said_once(tmp_path: Path) -> None:
    # part-00000.parquet alone is also an orders and a units file's name; "row" was English
    # in a Chinese message; a cell said not to apply was said again as an unknown field
    orders = list(generate_orders(6, seed=8))
    write_parquet(orders, tmp_path, partition_size=3)
    events_file = tmp_path / "events" / "part-00000.parquet"
    events = pq.read_table(events_file)
    types = events.column("type").to_pylist()
    row = types.index("signed_for")
    methods = events.column("method").to_pylist()
    methods[row] = "phone"
    at = events.schema.get_field_index("method")
    pq.write_table(events.set_column(at, "method", pa.array(methods, pa.string())), events_file)
    (tmp_path / "units" / "part-00001.parquet").unlink()
    first, second = parquet_partitions(tmp_path)
    with language("en"):
        (rejected,) = [r for r in read_partition(first) if isinstance(r, Rejected)]
    (problem,) = [p for p in rejected.problems if p.field.endswith(".method")]
    assert f"events/part-00000.parquet row {row + 1}:" in problem.message
    with language("zh"):
        (rejected,) = [r for r in read_partition(first) if isinstance(r, Rejected)]
        assert f"events/part-00000.parquet 第 {row + 1} 行" in str(rejected.problems[0])
        units = [r for r in read_partition(second) if isinstance(r, Rejected)]
    assert len(units) == 3
    assert all("units/part-00001.parquet" in str(r.problems[0]) for r in units)


def test_ids_written_as_numbers_read_as_their_text(tmp_path: Path) -> None:
    # pandas writes 2501070001 as an int64 column: each order was rejected ("Input should
    # be a valid string") and its events and units rows with it as orphans: 3 records a
    # order. Now the dataset reads as the one with text ids.
    orders = list(generate_orders(5, seed=2))
    write_parquet(orders, tmp_path / "text")
    write_parquet(orders, tmp_path / "numbers")
    (partition,) = parquet_partitions(tmp_path / "numbers")
    for path, name in ((partition.orders, "id"), (partition.events, "order_id"),
                       (partition.units, "order_id")):  # fmt: skip
        table = pq.read_table(path)
        at = table.schema.get_field_index(name)
        digits = pa.array([int(v) for v in table.column(at).to_pylist()], pa.int64())
        pq.write_table(table.set_column(at, name, digits), path)
    assert all(o.id.isdigit() for o in orders)
    (text,) = parquet_partitions(tmp_path / "text")
    assert [r.order for r in read_partition(partition)] == [r.order for r in read_partition(text)]


def test_locations_and_acceptances_made_in_bulk_are_those_the_dataclasses_make():
    from grievance_rules.reading.parquet import _accepted, _locations
    from grievance_rules.reading.results import SourceLocation

    made = _locations("orders/part-00000.parquet", 7, 3)
    expected = [SourceLocation("orders/part-00000.parquet", row, None, row) for row in (7, 8, 9)]
    assert made == expected
    assert [repr(one) for one in made] == [repr(one) for one in expected]
    assert [hash(one) for one in made] == [hash(one) for one in expected]
    assert all(type(one) is SourceLocation for one in made)
    assert _locations("x", 1, 0) == []
    orders = list(generate_orders(2, seed=5))
    accepted = _accepted(expected[:2], orders, True)
    assert accepted == [Accepted(expected[0], orders[0]), Accepted(expected[1], orders[1])]
    assert [
        (one.location, one.order, one.warnings, one.history_checked, one.integers_fit)
        for one in accepted
    ] == [
        (expected[0], orders[0], (), True, True),
        (expected[1], orders[1], (), True, True),
    ]
    assert [one.integers_fit for one in _accepted(expected[:1], orders[:1], False)] == [False]
    assert all(type(one) is Accepted for one in accepted)


def test_a_dataclass_with_a_post_init_is_not_made_in_bulk():
    import dataclasses

    from grievance_rules.reading.parquet import _made_in_bulk

    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError(self.value)

    with pytest.raises(TypeError, match="__post_init__"):
        _made_in_bulk(Checked, 1, {"value": [-1]})
