"""The Parquet writer's rows and columns, against the plain readings they replace.

``order_rows`` reads model fields from ``__dict__`` and enum values from ``_value_``
(``reading.parquet_export``); the reference here is the plain reading, through
``getattr`` and ``.value``, as the writer did it before. ``_columns`` places each
row's cells into columns; Arrow's ``Table.from_pylist`` is the reference.
"""

from __future__ import annotations

import enum
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from grievance_rules.model import WorkOrder
from grievance_rules.reading.parquet import EVENT_COLUMNS, ORDER_COLUMNS, UNIT_COLUMNS
from grievance_rules.reading.parquet_export import _columns, _event_fields, order_rows
from grievance_rules.testing.strategies import work_orders


def _reference_plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, BaseModel):
        return {name: _reference_plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, tuple | list):
        return [_reference_plain(item) for item in value]
    if isinstance(value, dict):
        return [(_reference_plain(k), _reference_plain(v)) for k, v in value.items()]
    return value


def _reference_rows(order: WorkOrder) -> tuple[Any, Any, Any]:
    row = {name: _reference_plain(getattr(order, name)) for name in ORDER_COLUMNS}
    events = [
        {
            "order_id": order.id,
            **{name: _reference_plain(getattr(e, name)) for name in type(e).model_fields},
        }
        for e in order.events
    ]
    units = [
        {"order_id": order.id, **{n: _reference_plain(getattr(u, n)) for n in UNIT_COLUMNS[1:]}}
        for u in order.units
    ]
    return row, events, units


def _shape(value: Any) -> Any:
    """A value with each leaf replaced by its type: equal shapes, equal types throughout."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [type(value), *(_shape(v) for v in value)]
    return type(value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order=work_orders())
def test_an_order_s_rows_are_its_plain_field_values(order):
    rows = order_rows(order)
    expected = _reference_rows(order)
    assert rows == expected
    assert _shape(rows) == _shape(expected)  # enums as plain str, tuples as lists
    assert all(set(cells) <= set(EVENT_COLUMNS) for cells in rows[1])


_NAMES = ["a", "b", "c", "d", "e"]
_SCHEMA = pa.schema([pa.field(name, pa.string() if name < "c" else pa.int64()) for name in _NAMES])


@st.composite
def _sparse_rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Rows holding some of the columns each (in any order), as an events row does."""
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        names = draw(st.lists(st.sampled_from(_NAMES), unique=True))
        rows.append(
            {
                name: draw(st.none() | (st.text(max_size=3) if name < "c" else st.integers(-9, 9)))
                for name in names
            }
        )
    return rows


@settings(max_examples=200, deadline=None)
@given(rows=_sparse_rows())
def test_rows_placed_into_columns_make_the_table_from_pylist_makes(rows):
    table = pa.Table.from_pydict(_columns(rows, _SCHEMA.names), schema=_SCHEMA)
    assert table.equals(pa.Table.from_pylist(rows, schema=_SCHEMA))


def test_an_event_field_without_a_column_is_refused_by_name():
    from grievance_rules.model.events import Replied

    class Annotated(Replied):
        mood: str = "calm"

    with pytest.raises(ValueError, match="event field 'mood' has no column in the events table"):
        _event_fields(Annotated)


def test_a_dataset_written_over_another_leaves_none_of_it(tmp_path) -> None:
    # 40 orders in parts of 10, then 10 in parts of 5 into the same folder: it said
    # "10 orders written" and the folder read as 30 (two old partitions left)
    from grievance_rules.reading.parquet import iter_parquet_orders, parquet_partitions
    from grievance_rules.reading.parquet_export import write_parquet
    from grievance_rules.samples import generate_orders

    orders = list(generate_orders(40, seed=2))
    target = tmp_path / "ds"
    assert write_parquet(orders, target, partition_size=10) == 40
    assert write_parquet(orders[:10], target, partition_size=5) == 10
    assert len(parquet_partitions(target)) == 2
    assert [r.order.id for r in iter_parquet_orders(target)] == [o.id for o in orders[:10]]
    # one partition over a partitioned one: only the three files, the folders gone
    assert write_parquet(orders[:3], target) == 3
    assert sorted(p.name for p in target.iterdir()) == [
        "events.parquet",
        "orders.parquet",
        "units.parquet",
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["ds"]  # no staging folder left


def test_a_failed_write_leaves_the_folder_as_it_was(tmp_path) -> None:
    # a run that failed after two partitions left them, read as a whole dataset
    from grievance_rules.reading.parquet import parquet_partitions
    from grievance_rules.reading.parquet_export import write_parquet
    from grievance_rules.samples import generate_orders

    def failing():  # type: ignore[no-untyped-def]
        yield from generate_orders(25, seed=3)
        raise OSError("the input broke off")

    with pytest.raises(OSError, match="broke off"):
        write_parquet(failing(), tmp_path / "new", partition_size=10)
    assert list(tmp_path.iterdir()) == []
    write_parquet(list(generate_orders(4, seed=1)), tmp_path / "old", partition_size=2)
    with pytest.raises(OSError, match="broke off"):
        write_parquet(failing(), tmp_path / "old", partition_size=10)
    assert len(parquet_partitions(tmp_path / "old")) == 2  # the earlier dataset, whole
    assert [p.name for p in tmp_path.iterdir()] == ["old"]


def test_a_folder_of_other_files_is_refused(tmp_path) -> None:
    from grievance_rules.errors import ArgumentError
    from grievance_rules.reading.parquet_export import write_parquet
    from grievance_rules.samples import generate_orders

    (tmp_path / "notes.txt").write_text("keep\n", encoding="utf-8")
    with pytest.raises(ArgumentError, match=r"holds other files than a Parquet dataset"):
        write_parquet(list(generate_orders(2, seed=1)), tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
