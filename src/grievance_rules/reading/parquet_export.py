"""Writing orders as a Parquet dataset of the long layout (:mod:`.parquet_layout`), losslessly.

:func:`write_parquet` writes ``orders.parquet``, ``events.parquet`` and
``units.parquet`` into a folder, or with ``partition_size`` the folders
``orders/``, ``events/`` and ``units/`` with one ``part-NNNNN.parquet`` each per
``partition_size`` orders. Every file is written beside its place and renamed into
it when complete. Reading the dataset back gives the same orders
(:func:`~.parquet.iter_parquet_orders`; a property test checks it), so the same
JSON of each.

Example:
    >>> import tempfile
    >>> from grievance_rules.reading.parquet import iter_parquet_orders
    >>> from grievance_rules.samples import generate_orders
    >>> orders = list(generate_orders(5, seed=1))
    >>> folder = tempfile.mkdtemp()
    >>> write_parquet(orders, folder)
    5
    >>> sorted(p.name for p in __import__("pathlib").Path(folder).iterdir())
    ['events.parquet', 'orders.parquet', 'units.parquet']
    >>> [r.order for r in iter_parquet_orders(folder)] == orders
    True
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from grievance_rules.atomic import put_in_place, temporary_beside
from grievance_rules.errors import ArgumentError
from grievance_rules.i18n import gettext as _
from grievance_rules.model import WorkOrder
from grievance_rules.reading.parquet_layout import (
    EVENT_COLUMNS,
    ORDER_COLUMNS,
    UNIT_COLUMNS,
    events_schema,
    orders_schema,
    units_schema,
)

__all__ = ["order_rows", "write_parquet"]

_ROW_GROUP = 50_000
"""Orders buffered before a row group is written."""


_AS_THEY_ARE = frozenset({str, int, float, bool, type(None), dt.datetime})
"""Types whose values Arrow takes as they are (most cells: tested first)."""


def _plain(value: Any) -> Any:
    """A model value as Arrow takes it: enums as their values, models as dicts, tuples as lists.

    A model's fields are read from its ``__dict__`` (in field order), an enum's value
    from ``_value_``: the same values as ``getattr`` and ``.value``, without going
    through pydantic's and enum's attribute machinery, which took most of the writing.
    """
    kind = type(value)
    if kind in _AS_THEY_ARE:
        return value
    if kind is tuple or kind is list:
        return [item if type(item) in _AS_THEY_ARE else _plain(item) for item in value]
    if isinstance(value, enum.Enum):
        return value._value_
    if isinstance(value, BaseModel):
        fields = value.__dict__
        return {name: _plain(fields[name]) for name in _field_names(kind)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return [(_plain(k), _plain(v)) for k, v in value.items()]
    return value


_FIELD_NAMES: dict[type[BaseModel], tuple[str, ...]] = {}


def _field_names(kind: type[BaseModel]) -> tuple[str, ...]:
    """A model class's field names, in order (read from the class once)."""
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(kind.model_fields)
    return names


_CHECKED_EVENTS: set[type[BaseModel]] = set()
"""Event classes whose every field was found to have a column."""


def _event_fields(kind: type[BaseModel]) -> tuple[str, ...]:
    """An event class's field names (:func:`_field_names`), each checked to have a column.

    Raises:
        ValueError: a field the events table has no column for.
    """
    names = _field_names(kind)
    if kind not in _CHECKED_EVENTS:
        for name in names:
            if name not in EVENT_COLUMNS:
                raise ValueError(f"event field {name!r} has no column in the events table")
        _CHECKED_EVENTS.add(kind)
    return names


def order_rows(
    order: WorkOrder,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """One order as rows of the three tables: its orders row, its events rows, its units rows.

    Raises:
        ValueError: an event field the events table has no column for (a model
            change the layout has not followed; never silently dropped).
    """
    fields = order.__dict__
    row = {name: _plain(fields[name]) for name in ORDER_COLUMNS}
    order_id = fields["id"]
    as_they_are = _AS_THEY_ARE
    events = []
    for event in fields["events"]:
        cells: dict[str, Any] = {"order_id": order_id}
        names = _event_fields(type(event))
        for name, value in zip(names, map(event.__dict__.__getitem__, names), strict=True):
            cells[name] = value if type(value) in as_they_are else _plain(value)
        events.append(cells)
    units = []
    for unit in fields["units"]:
        values = unit.__dict__
        units.append({"order_id": order_id, **{n: _plain(values[n]) for n in UNIT_COLUMNS[1:]}})
    return row, events, units


class _Part:
    """The three files of one partition, written a row group at a time."""

    def __init__(self, paths: dict[str, Path]) -> None:
        import pyarrow.parquet as pq

        self.paths = paths
        self.schemas = {
            "orders": orders_schema(),
            "events": events_schema(),
            "units": units_schema(),
        }
        self.temps: dict[str, Path] = {}
        self.writers: dict[str, Any] = {}
        for table, path in paths.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.temps[table] = temporary_beside(path)
            self.writers[table] = pq.ParquetWriter(
                temporary, self.schemas[table], compression="zstd"
            )
        self.rows: dict[str, list[dict[str, Any]]] = {table: [] for table in paths}
        self.orders = 0

    def add(self, order: WorkOrder) -> None:
        row, events, units = order_rows(order)
        self.rows["orders"].append(row)
        self.rows["events"].extend(events)
        self.rows["units"].extend(units)
        self.orders += 1
        if len(self.rows["orders"]) >= _ROW_GROUP:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        for table, rows in self.rows.items():
            if rows or table == "orders":
                schema = self.schemas[table]
                batch = pa.Table.from_pydict(_columns(rows, schema.names), schema=schema)
                self.writers[table].write_table(batch)
            rows.clear()

    def close(self, keep: bool) -> None:
        try:
            if keep:
                self.flush()
        finally:
            for writer in self.writers.values():
                writer.close()
        for table, temp in self.temps.items():
            if keep:
                put_in_place(temp, self.paths[table])
            else:
                temp.unlink(missing_ok=True)


def _columns(rows: list[dict[str, Any]], names: list[str]) -> dict[str, list[Any]]:
    """Rows as columns, ``None`` where a row has no cell (``pa.Table.from_pylist``'s reading).

    Each row's cells are placed, rather than each column looked up in every row: an
    events row holds its event's few fields of the table's many columns.
    """
    count = len(rows)
    columns: dict[str, list[Any]] = {name: [None] * count for name in names}
    for i, cells in enumerate(rows):
        for name, value in cells.items():
            columns[name][i] = value
    return columns


def _chunks(orders: Iterable[WorkOrder], size: int | None) -> Iterator[Iterator[WorkOrder]]:
    iterator = iter(orders)
    while True:
        try:
            first = next(iterator)
        except StopIteration:
            return

        def chunk(first: WorkOrder = first) -> Iterator[WorkOrder]:
            yield first
            if size is None:
                yield from iterator
                return
            for _count in range(size - 1):
                try:
                    yield next(iterator)
                except StopIteration:
                    return

        yield chunk()


def write_parquet(
    orders: Iterable[WorkOrder],
    target: str | os.PathLike[str],
    *,
    partition_size: int | None = None,
) -> int:
    """Write the orders as a Parquet dataset of the long layout; the number of orders written.

    Args:
        orders: the orders (streamed: a row group of orders is held at a time).
        target: the folder (created if need be). The dataset is written whole beside
            it and then put in its place: an earlier dataset there is replaced, none of
            its partitions left; a run that fails leaves the folder as it was.
        partition_size: orders per partition; ``None``: one partition, the three
            files in ``target`` itself.

    Raises:
        ArgumentError: ``partition_size`` below 1, or ``target`` is a file or a folder
            holding other files than a dataset (a ValueError).
    """
    if partition_size is not None and partition_size < 1:
        raise ArgumentError(
            _("partition_size must be at least 1, not {value}").format(value=partition_size),
            parameter="partition_size",
            value=partition_size,
        )
    folder = Path(target)
    _refuse_a_folder_of_other_files(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    # the dataset is written whole beside the target, then put in its place: a run that
    # fails leaves no part of a dataset (it left the partitions written, read as whole),
    # and one written over an earlier dataset leaves none of the earlier partitions
    staging = _new_folder_beside(folder)
    try:
        written = _write_dataset(orders, staging, partition_size)
        _replace_folder(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


_DATASET_ENTRIES = frozenset(
    {f"{table}{suffix}" for table in ("orders", "events", "units") for suffix in ("", ".parquet")}
)


def _refuse_a_folder_of_other_files(folder: Path) -> None:
    """Refuse a target that is a file, or a folder holding anything but a dataset."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise ArgumentError(
            _("{folder}: a file, not a folder for a Parquet dataset").format(folder=folder),
            parameter="target",
            value=str(folder),
        )
    others = sorted(entry.name for entry in folder.iterdir() if entry.name not in _DATASET_ENTRIES)
    if others:
        raise ArgumentError(
            _(
                "{folder} holds other files than a Parquet dataset ({names}); write the "
                "dataset into a new or empty folder"
            ).format(folder=folder, names=", ".join(others[:3]) + (" …" if others[3:] else "")),
            parameter="target",
            value=str(folder),
        )


def _new_folder_beside(folder: Path) -> Path:
    """A new, empty folder beside ``folder`` (``.NAME.*.part``), made as ``mkdir`` makes one."""
    for _attempt in range(100):
        candidate = folder.with_name(f".{folder.name}.{secrets.token_hex(6)}.part")
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(f"no free temporary name beside {folder}")


def _replace_folder(staging: Path, folder: Path) -> None:
    """Put the dataset written in ``staging`` where ``folder`` is, the earlier one removed."""
    if not folder.exists():
        staging.rename(folder)
        return
    earlier = _new_folder_beside(folder)
    earlier.rmdir()
    folder.rename(earlier)
    try:
        staging.rename(folder)
    except OSError:
        earlier.rename(folder)  # (the earlier dataset back where it was)
        raise
    shutil.rmtree(earlier, ignore_errors=True)


def _write_dataset(orders: Iterable[WorkOrder], folder: Path, partition_size: int | None) -> int:
    """Write the dataset into ``folder`` (new and empty); the number of orders written."""
    written = 0
    if partition_size is None:
        paths = {table: folder / f"{table}.parquet" for table in ("orders", "events", "units")}
        chunks: Iterable[Iterator[WorkOrder]] = [iter(orders)]
    else:
        chunks = _chunks(orders, partition_size)
        first = next(iter(chunks), None)  # no orders: one empty partition, still a dataset
        chunks = itertools.chain([first if first is not None else iter(())], chunks)
    for number, chunk in enumerate(chunks):
        if partition_size is not None:
            name = f"part-{number:05d}.parquet"
            paths = {table: folder / table / name for table in ("orders", "events", "units")}
        part = _Part(paths)
        keep = False
        try:
            for order in chunk:
                part.add(order)
            keep = True
        finally:
            part.close(keep)
        written += part.orders
    return written
