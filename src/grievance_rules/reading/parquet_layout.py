"""The long layout as Parquet files: their tables, columns, Arrow schemas and partitions.

The tables of :mod:`.long` (工单, 流转记录, 单位), typed for the analyst's tools
(pandas, Polars, DuckDB, Arrow), with the model's English field names as columns:

* ``orders.parquet``: one row per order, the columns of :data:`ORDER_COLUMNS` typed
  by :func:`orders_schema` (enumerations as their English values, instants as
  ``timestamp[us, Asia/Shanghai]``, ``location`` a struct, ``special_kinds`` and
  ``flags`` lists);
* ``events.parquet``: one row per event, in time order within an order, the
  order's id in ``order_id`` and every event field a column of :data:`EVENT_COLUMNS`
  typed by :func:`events_schema` (empty where it does not apply to the row's ``type``);
* ``units.parquet`` (optional): each order's units, in order, with its ``order_id``
  (``leaders`` a map of role to name; :func:`units_schema`).

A *dataset* is a folder holding these three files (one partition), or a folder
holding the folders ``orders/``, ``events/`` and ``units/`` with one file of each
per partition, the same names in each (``part-00000.parquet`` ...): the layout
pandas, Polars and DuckDB read as one table per folder. An order and its events
and units are in the same partition. The path of an ``orders.parquet`` file
names the partition of its folder (:func:`parquet_partitions`).

Written by :mod:`.parquet_export`, read by :mod:`.parquet`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grievance_rules.errors import ReadError
from grievance_rules.i18n import gettext as _
from grievance_rules.model import EVENT_CLASSES
from grievance_rules.reading.long import BOOL_FIELDS, EVENT_HEADERS

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "EVENT_COLUMNS",
    "INTEGER_FIELDS",
    "ORDER_COLUMNS",
    "TIMEZONE",
    "UNIT_COLUMNS",
    "ParquetPartition",
    "events_schema",
    "is_parquet",
    "orders_schema",
    "parquet_partitions",
    "require_pyarrow",
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


INTEGER_FIELDS = frozenset({"round"})
"""The event fields of whole numbers (``int64`` columns)."""

_INSTANT_FIELDS = frozenset(name for cls in EVENT_CLASSES.values() for name in cls.instant_fields)
_FLOAT_FIELDS = frozenset({"points"})
_LIST_FIELDS = frozenset({"signatures"})
_EVIDENCE_FIELDS = frozenset({"evidence"})


def require_pyarrow() -> Any:
    """pyarrow, or a :class:`~grievance_rules.errors.ReadError` saying how to install it."""
    try:
        import pyarrow
    except ImportError:  # pragma: no cover - pyarrow is in the columnar extra
        raise ReadError(
            _("Parquet needs pyarrow: pip install 'grievance-rules[columnar]'")
        ) from None
    return pyarrow


def _instant_type() -> pa.DataType:
    return require_pyarrow().timestamp("us", tz=TIMEZONE)


def orders_schema() -> pa.Schema:
    """The Arrow schema of the orders table."""
    pa = require_pyarrow()
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
    pa = require_pyarrow()
    if name in _INSTANT_FIELDS:
        return _instant_type()
    if name in BOOL_FIELDS:
        return pa.bool_()
    if name in INTEGER_FIELDS:
        return pa.int64()  # (the model takes any round up to 64 bits: int32 refused 2**31)
    if name in _FLOAT_FIELDS:
        return pa.float64()
    if name in _LIST_FIELDS:
        return pa.list_(pa.string())
    if name in _EVIDENCE_FIELDS:
        return pa.list_(pa.struct([pa.field("kind", pa.string()), pa.field("ref", pa.string())]))
    return pa.string()


def events_schema() -> pa.Schema:
    """The Arrow schema of the events table."""
    pa = require_pyarrow()
    return pa.schema(
        [pa.field("order_id", pa.string(), nullable=False), pa.field("type", pa.string())]
        + [pa.field(name, _event_type(name)) for name in EVENT_COLUMNS[2:]]
    )


def units_schema() -> pa.Schema:
    """The Arrow schema of the units table."""
    pa = require_pyarrow()
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
        ReadError: no orders table there, an events or units file whose orders file
            is missing, or a partition without the events file the others have.
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
            present = {p.name for p in folder.glob("*.parquet")}
            strays = sorted(present - set(names))
            if strays:
                raise ReadError(
                    _("{path}: {table}/{name} has no orders/{name} beside it").format(
                        path=target, table=table, name=strays[0]
                    )
                )
            missing = sorted(set(names) - present)
            if table == "events" and present and missing:
                # (its orders would be assessed as if nothing had happened to them)
                raise ReadError(
                    _(
                        "{path}: orders/{name} has no events/{name} beside it, as the "
                        "other partitions have; its orders' histories are missing"
                    ).format(path=target, name=missing[0])
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
