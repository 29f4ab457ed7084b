"""The long layout as Parquet: an orders table, an events table and a units table.

The tables of :mod:`.long` (工单, 流转记录, 单位), typed for the analyst's tools
(pandas, Polars, DuckDB, Arrow), with the model's English field names as columns:

* ``orders.parquet``: one row per order, the columns of :data:`ORDERS_SCHEMA`
  (enumerations as their English values, instants as ``timestamp[us, Asia/Shanghai]``,
  ``location`` a struct, ``special_kinds`` and ``flags`` lists);
* ``events.parquet``: one row per event, in time order within an order, the
  order's id in ``order_id`` and every event field a column of
  :data:`EVENTS_SCHEMA` (empty where it does not apply to the row's ``type``);
* ``units.parquet`` (optional): each order's units, in order, with its ``order_id``
  (``leaders`` a map of role to name).

A *dataset* is a folder holding these three files (one partition), or a folder
holding the folders ``orders/``, ``events/`` and ``units/`` with one file of each
per partition, the same names in each (``part-00000.parquet`` ...): the layout
pandas, Polars and DuckDB read as one table per folder. An order and its events
and units are in the same partition. The path of an ``orders.parquet`` file
names the partition of its folder.

Reading (:func:`iter_parquet_orders`) gives one :class:`~.results.Accepted` or
:class:`~.results.Rejected` per order row, in partition and row order, and one
rejection per order id of the events or units table that the orders table does
not have; each record's location is its orders file and row (from 1). A
partition's events and units tables are held in memory while it is read (the
orders table is read in batches), so memory is bounded by the partition.

Example:
    >>> import tempfile
    >>> from grievance_rules.reading.parquet_export import write_parquet
    >>> from grievance_rules.samples import generate_orders
    >>> orders = list(generate_orders(20, seed=3))
    >>> folder = tempfile.mkdtemp()
    >>> write_parquet(orders, folder, partition_size=8)
    20
    >>> [p.name for p in parquet_partitions(folder)]
    ['part-00000', 'part-00001', 'part-00002']
    >>> [r.order for r in iter_parquet_orders(folder)] == orders
    True
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grievance_rules.errors import ReadError
from grievance_rules.i18n import gettext as _
from grievance_rules.model import EVENT_CLASSES
from grievance_rules.reading.long import BOOL_FIELDS, EVENT_HEADERS
from grievance_rules.reading.reader import validate_record
from grievance_rules.reading.results import RecordProblem, RecordResult, Rejected, SourceLocation

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "EVENT_COLUMNS",
    "ORDER_COLUMNS",
    "TIMEZONE",
    "UNIT_COLUMNS",
    "ParquetPartition",
    "events_schema",
    "is_parquet",
    "iter_parquet_orders",
    "orders_schema",
    "parquet_partitions",
    "partition_order_ids",
    "read_partition",
    "units_schema",
]

TIMEZONE = "Asia/Shanghai"
"""The zone of the timestamp columns (the instants are absolute; the zone is for display)."""

ORDER_COLUMNS = (
    "id",
    "channel",
    "category",
    "urgency",
    "special_kinds",
    "response_level",
    "received_at",
    "dispatched_at",
    "reply_deadline",
    "complainant",
    "issue",
    "summary",
    "location",
    "flags",
)
"""The orders table's columns: every field of a work order but its units and events."""

EVENT_COLUMNS = (
    "order_id",
    "type",
    *(name for name in EVENT_HEADERS if name not in ("order", "type")),
)
"""The events table's columns: the order's id, the event type, then every event field."""

UNIT_COLUMNS = ("order_id", "id", "name", "kind", "parent", "leaders")
"""The units table's columns."""

_INSTANT_FIELDS = frozenset(name for cls in EVENT_CLASSES.values() for name in cls.instant_fields)
_INT_FIELDS = frozenset({"round"})
_FLOAT_FIELDS = frozenset({"points"})
_LIST_FIELDS = frozenset({"signatures"})
_EVIDENCE_FIELDS = frozenset({"evidence"})
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ALLOWED = {kind: frozenset(cls.model_fields) for kind, cls in EVENT_CLASSES.items()}


def _pa() -> Any:
    try:
        import pyarrow
    except ImportError:  # pragma: no cover - pyarrow is in the columnar extra
        raise ReadError(
            _("Parquet needs pyarrow: pip install 'grievance-rules[columnar]'")
        ) from None
    return pyarrow


def _instant_type() -> pa.DataType:
    return _pa().timestamp("us", tz=TIMEZONE)


def orders_schema() -> pa.Schema:
    """The Arrow schema of the orders table."""
    pa = _pa()
    return pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("channel", pa.string()),
            pa.field("category", pa.string()),
            pa.field("urgency", pa.string()),
            pa.field("special_kinds", pa.list_(pa.string())),
            pa.field("response_level", pa.int16()),
            pa.field("received_at", _instant_type()),
            pa.field("dispatched_at", _instant_type()),
            pa.field("reply_deadline", _instant_type()),
            pa.field("complainant", pa.string()),
            pa.field("issue", pa.string()),
            pa.field("summary", pa.string()),
            pa.field(
                "location",
                pa.struct(
                    [
                        pa.field("address", pa.string()),
                        pa.field("area", pa.string()),
                        pa.field("latitude", pa.float64()),
                        pa.field("longitude", pa.float64()),
                    ]
                ),
            ),
            pa.field("flags", pa.list_(pa.string())),
        ]
    )


def _event_type(name: str) -> pa.DataType:
    pa = _pa()
    if name in _INSTANT_FIELDS:
        return _instant_type()
    if name in BOOL_FIELDS:
        return pa.bool_()
    if name in _INT_FIELDS:
        return pa.int32()
    if name in _FLOAT_FIELDS:
        return pa.float64()
    if name in _LIST_FIELDS:
        return pa.list_(pa.string())
    if name in _EVIDENCE_FIELDS:
        return pa.list_(pa.struct([pa.field("kind", pa.string()), pa.field("ref", pa.string())]))
    return pa.string()


def events_schema() -> pa.Schema:
    """The Arrow schema of the events table."""
    pa = _pa()
    return pa.schema(
        [pa.field("order_id", pa.string(), nullable=False), pa.field("type", pa.string())]
        + [pa.field(name, _event_type(name)) for name in EVENT_COLUMNS[2:]]
    )


def units_schema() -> pa.Schema:
    """The Arrow schema of the units table."""
    pa = _pa()
    return pa.schema(
        [
            pa.field("order_id", pa.string(), nullable=False),
            pa.field("id", pa.string()),
            pa.field("name", pa.string()),
            pa.field("kind", pa.string()),
            pa.field("parent", pa.string()),
            pa.field("leaders", pa.map_(pa.string(), pa.string())),
        ]
    )


@dataclass(frozen=True, slots=True)
class ParquetPartition:
    """One partition of a Parquet dataset: its orders file and the events and units beside it.

    Attributes:
        name: the partition's name (its files' stem, or its folder's name).
        orders: the orders file.
        events: the events file (``None``: none, so no order has events).
        units: the units file (``None``: none, so no order has units).
    """

    name: str
    orders: str
    events: str | None = None
    units: str | None = None


def is_parquet(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names a Parquet dataset: a ``.parquet`` file, or a folder holding one.

    Example:
        >>> is_parquet("orders.jsonl"), is_parquet("x/orders.parquet")
        (False, True)
    """
    target = Path(path)
    if target.suffix.lower() == ".parquet":
        return True
    if not target.is_dir():
        return False
    return (target / "orders.parquet").is_file() or (target / "orders").is_dir()


def _present(path: Path) -> str | None:
    return str(path) if path.is_file() else None


def parquet_partitions(path: str | os.PathLike[str]) -> list[ParquetPartition]:
    """The partitions of a dataset, in name order.

    Args:
        path: a folder with ``orders.parquet`` (and ``events.parquet``,
            ``units.parquet``), a folder with ``orders/``, ``events/`` and ``units/``
            folders of partition files, or an ``orders.parquet`` file (its events and
            units beside it, named ``events.parquet`` and ``units.parquet``).

    Raises:
        ReadError: no orders table there, or an events or units file whose orders
            file is missing.
    """
    target = Path(path)
    if target.is_file():
        folder = target.parent
        return [
            ParquetPartition(
                target.stem if target.name != "orders.parquet" else folder.name,
                str(target),
                _present(folder / "events.parquet"),
                _present(folder / "units.parquet"),
            )
        ]
    if (target / "orders.parquet").is_file():
        return parquet_partitions(target / "orders.parquet")
    orders_dir = target / "orders"
    if not orders_dir.is_dir():
        raise ReadError(
            _(
                "{path}: no Parquet orders table (expected orders.parquet, or a folder orders/ "
                "of partition files)"
            ).format(path=target)
        )
    names = sorted(p.name for p in orders_dir.glob("*.parquet"))
    for table in ("events", "units"):
        folder = target / table
        if folder.is_dir():
            strays = sorted({p.name for p in folder.glob("*.parquet")} - set(names))
            if strays:
                raise ReadError(
                    _("{path}: {table}/{name} has no orders/{name} beside it").format(
                        path=target, table=table, name=strays[0]
                    )
                )
    return [
        ParquetPartition(
            name.removesuffix(".parquet"),
            str(orders_dir / name),
            _present(target / "events" / name),
            _present(target / "units" / name),
        )
        for name in names
    ]


def _problem(field: str, message: str, code: str = "invalid_cell") -> RecordProblem:
    return RecordProblem(field, message, code)


def _plain(name: str, value: Any) -> Any:
    """A cell as the model reads it: a map (Arrow gives a list of pairs) as a dict."""
    if name == "leaders" and isinstance(value, list):
        return dict(value)
    return value


def _group(
    table: pa.Table | None, columns: Sequence[str]
) -> dict[str | None, list[tuple[int, dict[str, Any]]]]:
    """A table's rows (1-based row, non-null cells) grouped by ``order_id``, in table order."""
    groups: dict[str | None, list[tuple[int, dict[str, Any]]]] = {}
    if table is None:
        return groups
    rows = _rows(table, [name for name in table.column_names if name in columns])
    keys = table.column("order_id").to_pylist()
    for index, cells in enumerate(rows):
        cells.pop("order_id", None)
        groups.setdefault(keys[index], []).append((index + 1, cells))
    return groups


def _rows(table: pa.Table | pa.RecordBatch, names: Sequence[str]) -> list[dict[str, Any]]:
    """Each row's non-null cells, column by column.

    The work grows with the cells that hold a value, not with rows times columns;
    instants come as UTC datetimes, maps as dicts.
    """
    import numpy as np

    pa = _pa()
    rows: list[dict[str, Any]] = [{} for _ in range(table.num_rows)]
    for name in names:
        column = table.column(name)
        if column.null_count == len(column):
            continue
        kind = column.type
        present: Sequence[int] = range(len(column))
        if column.null_count:
            present = np.flatnonzero(column.is_valid().to_numpy(zero_copy_only=False)).tolist()
            column = column.take(pa.array(present, pa.int64()))
        if pa.types.is_timestamp(kind) and kind.tz is not None:
            # microseconds since 1970 UTC, made datetimes here: six times quicker than Arrow's
            micros = column.cast(pa.timestamp("us", tz="UTC"), safe=False).cast(pa.int64())
            values = [_EPOCH + dt.timedelta(microseconds=m) for m in micros.to_pylist()]
        else:
            values = column.to_pylist()
        if name == "leaders":
            values = [_plain(name, value) for value in values]
        for index, value in zip(present, values, strict=True):
            rows[index][name] = value
    return rows


def _read_table(path: str | None, columns: Sequence[str], what: str) -> pa.Table | None:
    if path is None:
        return None
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
        raise ReadError(
            _("{path}: not a readable Parquet file ({problem})").format(path=path, problem=exc)
        ) from None
    if "order_id" not in schema.names:
        raise ReadError(
            _("{path}: the {what} table has no order_id column").format(path=path, what=what)
        )
    wanted = [name for name in schema.names if name in columns]
    table: pa.Table = pq.read_table(path, columns=wanted)
    return table


def _event_problems(index: int, cells: Mapping[str, Any], where: str) -> list[RecordProblem]:
    kind = cells.get("type")
    allowed = _ALLOWED.get(kind) if isinstance(kind, str) else None
    if allowed is None or cells.keys() <= allowed:
        return []  # all is well, or the model names an unknown or missing type
    return [
        _problem(
            f"events[{index}].{name}",
            _(
                "{where}: column {column!r} does not apply to an event of type {kind}; "
                "leave it empty"
            ).format(where=where, column=name, kind=kind),
        )
        for name in cells
        if name not in allowed
    ]


def _event_rows_note(
    problems: Sequence[RecordProblem], rows: Sequence[int], file: str
) -> tuple[RecordProblem, ...]:
    """Problems of ``events[i]`` say which row of the events file the event is on."""
    out = []
    for problem in problems:
        if problem.field.startswith("events[") and " row " not in problem.message:
            index_text = problem.field[len("events[") :].split("]", 1)[0]
            if index_text.isdigit() and int(index_text) < len(rows):
                problem = RecordProblem(
                    problem.field,
                    f"{problem.message} ({file} row {rows[int(index_text)]})",
                    problem.code,
                )
        out.append(problem)
    return tuple(out)


def _repeated_ids(handle: Any) -> dict[str, list[int]]:
    """The ids on more than one row of an orders table, with their rows (from 1)."""
    rows: dict[str, list[int]] = {}
    position = 0
    for batch in handle.iter_batches(batch_size=65536, columns=["id"]):
        for order_id in batch.column(0).to_pylist():
            position += 1
            if isinstance(order_id, str):
                rows.setdefault(order_id, []).append(position)
    return {order_id: found for order_id, found in rows.items() if len(found) > 1}


def _repeated(order_id: str, rows: Sequence[int], partition: ParquetPartition) -> RecordProblem:
    return RecordProblem(
        "id",
        _(
            "order id {order_id!r} is on rows {rows} of {file}: the events and units of "
            "its records cannot be told apart, so none of them is read"
        ).format(
            order_id=order_id,
            rows=", ".join(str(row) for row in rows),
            file=Path(partition.orders).name,
        ),
        "duplicate_id",
    )


def read_partition(
    partition: ParquetPartition,
    *,
    assume_tz: str | dt.tzinfo | None = None,
    strict: bool = False,
    batch_size: int = 4096,
) -> Iterator[RecordResult]:
    """The records of one partition, each accepted or rejected, in row order.

    Args:
        partition: the partition (:func:`parquet_partitions`).
        assume_tz: the zone of timestamps without one (a foreign file's naive
            timestamps); without it such a timestamp rejects its record.
        strict: reject orders whose history has warnings, not only errors.
        batch_size: orders rows read at a time.

    Raises:
        ReadError: a file that is not Parquet, or a table without its id column.
    """
    import pyarrow.parquet as pq

    events = _group(_read_table(partition.events, EVENT_COLUMNS, "events"), EVENT_COLUMNS)
    units = _group(_read_table(partition.units, UNIT_COLUMNS, "units"), UNIT_COLUMNS)
    try:
        handle = pq.ParquetFile(partition.orders)
    except (OSError, ValueError) as exc:
        raise ReadError(
            _("{path}: not a readable Parquet file ({problem})").format(
                path=partition.orders, problem=exc
            )
        ) from None
    names = [name for name in handle.schema_arrow.names if name in ORDER_COLUMNS]
    if "id" not in names:
        raise ReadError(
            _("{path}: the orders table has no id column").format(path=partition.orders)
        )
    record = 0
    events_file = Path(partition.events).name if partition.events else "events"
    twice = _repeated_ids(handle)
    with handle:
        for batch in handle.iter_batches(batch_size=batch_size, columns=names):
            for obj in _rows(batch, names):
                record += 1
                location = SourceLocation(partition.orders, record, row=record)
                order_id = obj.get("id")
                key = order_id if isinstance(order_id, str) else None
                if key is not None and key in twice:
                    events.pop(key, None)  # whose they are cannot be told
                    units.pop(key, None)
                    yield Rejected(location, (_repeated(key, twice[key], partition),), key)
                    continue
                found = events.pop(key, []) if key is not None else []
                problems: list[RecordProblem] = []
                event_list = []
                for position, (row, cells) in enumerate(found):
                    problems.extend(_event_problems(position, cells, f"{events_file} row {row}"))
                    event_list.append(cells)
                obj["events"] = event_list
                own_units = units.pop(key, []) if key is not None else []
                obj["units"] = [cells for _row, cells in own_units]
                result = validate_record(obj, assume_tz=assume_tz, strict=strict, location=location)
                if problems:
                    earlier = result.problems if isinstance(result, Rejected) else ()
                    result = Rejected(location, (*problems, *earlier), key)
                if isinstance(result, Rejected) and found:
                    result = Rejected(
                        location,
                        _event_rows_note(result.problems, [r for r, _c in found], events_file),
                        result.order_id,
                    )
                yield result
    for table, groups, path in (
        ("events", events, partition.events),
        ("units", units, partition.units),
    ):
        for order_id, rows in groups.items():
            record += 1
            location = SourceLocation(str(path), record, row=rows[0][0])
            shown = ", ".join(str(row) for row, _c in rows[:10]) + (
                " ..." if len(rows) > 10 else ""
            )
            what = (
                _("order {order_id}").format(order_id=order_id)
                if order_id is not None
                else _("no order (order_id empty)")
            )
            yield Rejected(
                location,
                (
                    RecordProblem(
                        "",
                        _(
                            "{count} {table} row(s) ({rows}) for {what}, which the orders "
                            "table does not have"
                        ).format(count=len(rows), table=table, rows=shown, what=what),
                        "orphan_events" if table == "events" else "orphan_units",
                    ),
                ),
                order_id,
            )


def iter_parquet_orders(
    path: str | os.PathLike[str] | Iterable[ParquetPartition],
    *,
    assume_tz: str | dt.tzinfo | None = None,
    strict: bool = False,
) -> Iterator[RecordResult]:
    """The records of a Parquet dataset (every partition, in name order), each accepted or rejected.

    Args:
        path: a dataset (see :func:`parquet_partitions`), or its partitions.
        assume_tz: the zone of timestamps without one.
        strict: reject orders whose history has warnings, not only errors.

    Raises:
        ReadError: no dataset there, or a file that is not Parquet.
    """
    partitions = parquet_partitions(path) if isinstance(path, str | os.PathLike) else list(path)
    for partition in partitions:
        yield from read_partition(partition, assume_tz=assume_tz, strict=strict)


def partition_order_ids(partition: ParquetPartition) -> list[str | None]:
    """The order ids of a partition's orders table, in row order (only that column is read)."""
    import pyarrow.parquet as pq

    table = pq.read_table(partition.orders, columns=["id"])
    ids: list[str | None] = table.column("id").to_pylist()
    return ids
