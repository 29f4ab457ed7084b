"""The Parquet reader's fast path makes the orders validation makes, and leaves the rest to it.

:mod:`grievance_rules.reading.parquet_models` makes the orders (and their events,
locations and evidence) whose cells it can vouch for without pydantic validation.
The reference is the same reader with the fast path switched off
(``parquet_models._FAST``): over generated orders, hypothesis orders and mutated
tables (a cell stripping would change, a number out of range, NaN, an unknown or
Chinese enumeration term, a naive or out-of-range instant, a cell its event type
does not have, a missing required cell, a boolean coordinate, an id twice ...)
both give the same records: accepted or rejected, the same problems and
warnings, and for an accepted order the same values of the same types at every
level, the same fields set, the same JSON and the same ``repr``.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import pickle
import random
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from grievance_rules.model import EVENT_CLASSES, Location, WorkOrder
from grievance_rules.model.base import FrozenModel
from grievance_rules.model.events import Evidence
from grievance_rules.reading import parquet_models
from grievance_rules.reading.parquet import (
    events_schema,
    orders_schema,
    parquet_partitions,
    read_partition,
    units_schema,
)
from grievance_rules.reading.parquet_export import write_parquet
from grievance_rules.reading.results import RecordResult
from grievance_rules.samples import generate_orders
from grievance_rules.testing.strategies import work_orders
from tests.reading.test_parquet_differential import _mutated_tables, _rows_of, _write

_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def _shape(value: Any) -> Any:
    """A value as a comparable tree: each model's class, fields set and fields; each leaf's type.

    Instants with their zone object and offset; enumeration members by class.
    """
    if isinstance(value, BaseModel):
        return (
            type(value),
            frozenset(value.model_fields_set),
            list(value.__dict__),  # (the fields in order: what repr and iteration show)
            {name: _shape(field) for name, field in value.__dict__.items()},
            value.__pydantic_extra__,
            value.__pydantic_private__,
        )
    if isinstance(value, tuple | list):
        return (type(value), [_shape(item) for item in value])
    if isinstance(value, dict):
        return (type(value), [(_shape(k), _shape(v)) for k, v in value.items()])
    if isinstance(value, dt.datetime):
        return (type(value), value, id(value.tzinfo), value.utcoffset(), value.fold)
    if isinstance(value, float) and math.isnan(value):
        return (float, "nan")
    return (type(value), value)


def _read(partition: Any, fast: bool, **options: Any) -> tuple[list[RecordResult], int]:
    """The partition's records, and how many orders the fast path made."""
    made = 0
    real = parquet_models.made_orders

    def counted(*args: Any) -> list[Any]:
        nonlocal made
        out = real(*args)
        made += sum(order is not None for order in out)
        return out

    before = parquet_models._FAST
    parquet_models._FAST = fast
    parquet_models.made_orders = counted  # type: ignore[assignment]
    try:
        return list(read_partition(partition, **options)), made
    finally:
        parquet_models._FAST = before
        parquet_models.made_orders = real  # type: ignore[assignment]


def _same(folder: Path, **options: Any) -> int:
    """Read every partition with and without the fast path; the orders made fast.

    Fails unless both readings give the same records, value for value.
    """
    fast_made = 0
    for partition in parquet_partitions(folder):
        fast, made = _read(partition, True, **options)
        slow, none = _read(partition, False, **options)
        assert none == 0
        fast_made += made
        assert fast == slow
        for one, other in zip(fast, slow, strict=True):
            assert type(one) is type(other)
            assert one.location == other.location
            if one.ok and other.ok:
                assert one.warnings == other.warnings
                assert one.history_checked == other.history_checked
                assert one.order == other.order
                assert one.order.model_dump_json() == other.order.model_dump_json()
                assert repr(one.order) == repr(other.order)
                assert _shape(one.order) == _shape(other.order)
            else:
                assert one.problems == other.problems  # type: ignore[union-attr]
                assert one.order_id == other.order_id  # type: ignore[union-attr]
    return fast_made


# --- generated orders: all made fast, all the same -----------------------------------------


@pytest.mark.parametrize("size", [None, 70])
def test_generated_orders_are_made_fast_and_as_validation_makes_them(tmp_path, size):
    orders = list(generate_orders(300, seed=11))
    write_parquet(orders, tmp_path, partition_size=size)
    assert _same(tmp_path) == len(orders)
    assert _same(tmp_path, batch_size=7) == len(orders)  # (runs and batches cut elsewhere)


@settings(max_examples=60, deadline=None, suppress_health_check=_HEALTH)
@given(orders=st.lists(work_orders(), max_size=6, unique_by=lambda o: o.id))
def test_any_orders_are_made_as_validation_makes_them(tmp_path_factory, orders):
    folder = tmp_path_factory.mktemp("any")
    write_parquet(orders, folder)
    _same(folder)


@settings(max_examples=150, deadline=None, suppress_health_check=_HEALTH)
@given(tables=_mutated_tables(), batch=st.integers(1, 5))
def test_any_mutated_tables_read_alike_with_and_without_the_fast_path(
    tmp_path_factory, tables, batch
):
    folder = tmp_path_factory.mktemp("mutated")
    _write(folder, *tables)
    _same(folder, batch_size=batch)


# --- mutated tables, one change at a time ----------------------------------------------------


def _located(**cells: Any) -> dict[str, Any]:
    return {"address": "东风路1号", "area": None, "latitude": None, "longitude": None, **cells}


_ORDER_CELLS: list[tuple[str, Any]] = [
    ("summary", " 路灯不亮"),
    ("summary", "路灯不亮\u3000"),
    ("summary", "路灯\x1c"),  # (Python's strip takes it, pydantic's does not: left to it)
    ("complainant", ""),
    ("id", ""),
    ("id", " 2405060001 "),
    ("category", "投诉"),  # (the Chinese term: validation looks it up)
    ("category", " complaint"),
    ("category", "抱怨"),
    ("channel", "１２３４５"),
    ("channel", None),
    ("urgency", "very"),
    ("special_kinds", ["unknown_kind"]),
    ("special_kinds", ["接诉即办件"]),
    ("flags", ["excluded_from_assessment", "nonsense"]),
    ("response_level", 0),
    ("response_level", 4),
    ("response_level", 5),
    ("received_at", None),
    ("received_at", dt.datetime(1899, 12, 31, 23, 59, tzinfo=dt.UTC)),
    ("received_at", dt.datetime(1900, 1, 1, tzinfo=dt.UTC)),
    ("received_at", dt.datetime(2199, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC)),
    ("received_at", dt.datetime(2200, 1, 1, tzinfo=dt.UTC)),
    ("reply_deadline", dt.datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=dt.UTC)),
    ("location", _located(address=" 东风路1号")),
    ("location", _located(latitude=91.0)),
    ("location", _located(latitude=-90.0, longitude=180.0)),
    ("location", _located(longitude=float("nan"))),
    ("location", _located(latitude=float("inf"))),
    ("location", {"address": None, "area": None, "latitude": None, "longitude": None}),
]
_EVENT_CELLS: list[tuple[str, Any]] = [
    ("note", "  a note  "),
    ("note", ""),
    ("unit", " c07"),
    ("to_unit", None),
    ("at", None),
    ("at", dt.datetime(2250, 1, 1, tzinfo=dt.UTC)),
    ("type", None),
    ("type", "teleported"),
    ("type", " closed"),
    ("type", "Closed"),
    ("decision", "approved"),
    ("round", 0),
    ("round", 2**40),
    ("points", float("nan")),
    ("points", 1000.0),
    ("points", 1000.5),
    ("method", "电话"),
    ("evidence", [{"kind": "rumour", "ref": None}]),
    ("evidence", [{"kind": "photo", "ref": " a.jpg"}]),
    ("evidence", [{"kind": "photo", "ref": "a.jpg"}, {"kind": None, "ref": None}]),
    ("signatures", ["main_leader", "main_leader"]),
    ("signatures", ["nobody"]),
    ("reason", " 推诿"),
    ("level", "town"),
    ("face_to_face", True),
]


def _tables(seed: int) -> tuple[list[dict[str, Any]], ...]:
    return _rows_of(list(generate_orders(40, seed=seed)))


@pytest.mark.parametrize(("name", "value"), _ORDER_CELLS, ids=repr)
def test_an_order_cell_changed_reads_alike(tmp_path, name, value):
    orders, events, units = _tables(5)
    for row in orders[::7]:
        row[name] = value
    _write(tmp_path, orders, events, units)
    made = _same(tmp_path)
    assert made >= len(orders) - len(orders[::7])  # (the others still made fast)


@pytest.mark.parametrize(("name", "value"), _EVENT_CELLS, ids=repr)
def test_an_event_cell_changed_reads_alike(tmp_path, name, value):
    orders, events, units = _tables(6)
    rng = random.Random(name)
    own = [row for row in events if name in EVENT_CLASSES[row["type"]].model_fields]
    for row in [*rng.sample(own, min(len(own), 8)), *rng.sample(events, 4)]:
        row[name] = value  # (on events of types with the field, and on any: misplaced)
    _write(tmp_path, orders, events, units)
    assert _same(tmp_path) > 0


@pytest.mark.parametrize("zone", [None, "Asia/Shanghai"])
def test_naive_instants_are_left_to_validation(tmp_path, zone):
    orders, events, units = _tables(7)
    naive = {"received_at": pa.timestamp("us"), "at": pa.timestamp("us")}
    for rows in (orders, events):
        for row in rows:
            for name in naive:
                if isinstance(row.get(name), dt.datetime):
                    row[name] = row[name].astimezone(dt.UTC).replace(tzinfo=None)
    _write_typed(tmp_path, orders, events, units, naive)
    options = {"assume_tz": zone} if zone else {}
    assert _same(tmp_path, **options) == 0


def test_a_boolean_coordinate_is_left_to_validation(tmp_path):
    orders, events, units = _tables(8)
    location = pa.struct(
        [
            pa.field("address", pa.string()),
            pa.field("area", pa.string()),
            pa.field("latitude", pa.bool_()),
            pa.field("longitude", pa.float64()),
        ]
    )
    for row in orders:
        row["location"] = _located(latitude=True)
    _write_typed(tmp_path, orders, events, units, {"location": location})
    assert _same(tmp_path) == 0


def test_numbers_of_other_types_are_left_to_validation(tmp_path):
    orders, events, units = _tables(9)
    for row in events:
        if row.get("points") is not None:
            row["points"] = 2
    for row in orders[::3]:
        row["response_level"] = 2
    types = {"points": pa.int64(), "response_level": pa.float64(), "round": pa.float64()}
    _write_typed(tmp_path, orders, events, units, types)
    _same(tmp_path)


def test_ids_twice_a_missing_units_table_and_orphans_read_alike(tmp_path):
    orders, events, _units = _tables(10)
    orders.insert(3, dict(orders[5]))
    events.append({**events[0], "order_id": "nobody"})
    _write(tmp_path, orders, events, None)
    _same(tmp_path)


def test_a_unit_validation_refuses_keeps_its_order_to_validation(tmp_path):
    orders, events, units = _tables(12)
    units[0]["kind"] = "bank"
    units[3]["name"] = " 东风社区 "
    _write(tmp_path, orders, events, units)
    made = _same(tmp_path)
    assert made < len(orders)


def _write_typed(
    folder: Path,
    orders: list[dict[str, Any]],
    events: list[dict[str, Any]],
    units: list[dict[str, Any]] | None,
    types: dict[str, pa.DataType],
) -> None:
    """The tables written with some columns of other types than the layout's."""
    for rows, schema, name in (
        (orders, orders_schema(), "orders"),
        (events, events_schema(), "events"),
        (units, units_schema(), "units"),
    ):
        if rows is None:
            continue
        for column, kind in types.items():
            at = schema.get_field_index(column)
            if at >= 0:
                schema = schema.set(at, pa.field(column, kind))
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), folder / f"{name}.parquet")


# --- the plans follow the model --------------------------------------------------------------


def test_every_model_class_of_an_order_has_a_plan():
    """A new kind of field, constraint or validator in the model fails here, not silently.

    Every class of an order is made by the fast path today; one it cannot make any
    more (its plan ``None``) would be validated: correct, but slow, and unnoticed.
    Extend :mod:`grievance_rules.reading.parquet_models` (and its checks) for it.
    """
    classes = [WorkOrder, Location, Evidence, *EVENT_CLASSES.values()]
    assert [cls.__name__ for cls in classes if parquet_models.plan_of(cls) is None] == []


def test_a_field_kind_the_fast_path_does_not_know_refuses_its_class():
    class Capped(FrozenModel):
        name: str = Field(max_length=3)

    class Above(FrozenModel):
        count: int = Field(gt=0)

    class Checked(FrozenModel):
        name: str

        @field_validator("name")
        @classmethod
        def _upper(cls, value: str) -> str:
            return value.upper()

    class Lax(FrozenModel):
        model_config = ConfigDict(str_to_lower=True)
        name: str

    class Listed(FrozenModel):
        names: list[str]

    class Stamped(FrozenModel):
        at: dt.datetime

    class Fine(FrozenModel):
        name: str = ""
        count: int = Field(default=1, ge=1)

    for cls in (Capped, Above, Checked, Lax, Listed, Stamped):
        assert parquet_models.plan_of(cls) is None, cls
    assert parquet_models.plan_of(Fine) is not None


def test_text_stripping_would_change_is_never_vouched_for():
    """Every character pydantic strips is one Python's ``str.strip`` strips too.

    The checks ask whether ``str.strip`` leaves a cell as it is; pydantic strips
    with Rust's ``trim`` (Unicode White_Space). Were there a character only Rust
    trims, a cell starting with it would be made fast unstripped.
    """
    strip = TypeAdapter(str, config=ConfigDict(str_strip_whitespace=True)).validate_python
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        text = f"{chr(code)}x{chr(code)}"
        if strip(text) != text:
            assert text.strip() != text, hex(code)


def test_enumerations_are_string_enumerations_of_text_values():
    """The fast path looks an enumeration's exact values up; pydantic does the same."""
    for cls in [WorkOrder, Location, Evidence, *EVENT_CLASSES.values()]:
        plan = parquet_models.plan_of(cls)
        assert plan is not None
        for name, spec in plan.fields.items():
            if spec.kind in ("term", "terms"):
                members = list(spec.terms.values())
                kind = type(members[0])
                assert issubclass(kind, enum.StrEnum)
                adapter = TypeAdapter(cls.model_fields[name].annotation)
                for value, member in spec.terms.items():
                    made = adapter.validate_python(value if spec.kind == "term" else [value])
                    assert made == (member if spec.kind == "term" else (member,)), name


def test_events_made_fast_share_a_fields_set_that_a_copy_does_not_change(tmp_path):
    # the events of a run of rows share one set of their fields set (made once, not one
    # an event); a copy with an update adds to a copy of it, so the others keep theirs
    orders = list(generate_orders(40, seed=5))
    write_parquet(orders, tmp_path)
    (partition,) = parquet_partitions(tmp_path)
    records, made = _read(partition, True)
    assert made == len(orders)
    events = [event for record in records for event in record.order.events]  # type: ignore[union-attr]
    dispatched = [event for event in events if event.type == "dispatched"]
    assert len({id(event.model_fields_set) for event in dispatched}) < len(dispatched)
    before = [set(event.model_fields_set) for event in events]
    first = dispatched[0]
    changed = first.model_copy(update={"note": "改派前备注"})
    assert "note" in changed.model_fields_set
    assert "note" not in first.model_fields_set
    assert [set(event.model_fields_set) for event in events] == before
    # a pickled and restored order has the fields set validation gives its events
    order = records[0].order  # type: ignore[union-attr]
    again = pickle.loads(pickle.dumps(order))
    valid = WorkOrder.model_validate(order.model_dump(exclude_unset=True))
    assert [e.model_fields_set for e in again.events] == [e.model_fields_set for e in valid.events]
