"""Reading the long layout from Parquet: one record per order row, a batch at a time.

The files, their tables and columns, and how a dataset's partitions are found, are
:mod:`.parquet_layout`'s (re-exported here); :mod:`.parquet_export` writes them.

Reading (:func:`iter_parquet_orders`) gives one :class:`~.results.Accepted` or
:class:`~.results.Rejected` per order row, in partition and row order, and one
rejection per order id of the events or units table that the orders table does
not have; each record's location is its orders file and row (from 1). A
partition's events and units tables are held in memory as Arrow tables while it
is read, sorted by their order's row; the orders table is read in batches, and
Python values are made a batch of orders at a time, a column at a time, so
memory is bounded by the partition. An order whose cells checks made a column
at a time vouch for is made without pydantic validation, as validation makes
it (:mod:`.parquet_models`); every other order is validated by the model as
every reader's are, so that its rejection and problems are theirs. Each order's
history is checked: a screen over a batch's columns clears the orders it can tell
have no issue (:mod:`.history_screen`), ``check_history`` checks the others. A unit
named by many orders is validated once and shared.
``benchmarks/reading_bench.py --parquet`` measures it against JSON Lines
(docs/benchmarks/reading.md).

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

import dataclasses
import datetime as dt
import functools
import gc
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import and_, is_not, setitem
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from pydantic import ValidationError

from grievance_rules.collector import paused
from grievance_rules.errors import ReadError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list, join_truncated, ngettext
from grievance_rules.model import Unit, WorkOrder
from grievance_rules.reading import history_screen, parquet_models
from grievance_rules.reading.arrow_buffers import (
    bit_values,
    int64_array,
    int64_values,
    validity,
    whole_numbers,
)
from grievance_rules.reading.parquet_cells import (
    FIELDS_OF_TYPE,
    Cells,
    dense,
    is_text,
    numbered_rows,
    table_cells,
)
from grievance_rules.reading.parquet_layout import (
    EVENT_COLUMNS,
    INTEGER_FIELDS,
    ORDER_COLUMNS,
    TIMEZONE,
    UNIT_COLUMNS,
    ParquetPartition,
    events_schema,
    is_parquet,
    orders_schema,
    parquet_partitions,
    require_pyarrow,
    units_schema,
)
from grievance_rules.reading.problems import without_units_table
from grievance_rules.reading.reader import record_checks, unsaid
from grievance_rules.reading.results import (
    Accepted,
    BatchColumns,
    RecordProblem,
    RecordResult,
    Rejected,
    SourceLocation,
)

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
    "unread_columns",
]
_RUN = 256
"""Orders rows validated at a time (with the collector paused; see :func:`read_partition`)."""
_KEPT = 12
"""More objects the collector tracks than this a row, left by a run of rows (those of the
run before freed): the caller keeps its records (an order leaves some 40 when kept)."""
_NEW: Any = object()
"""A unit's cells not met before (:class:`_Units`)."""


def _problem(field: str, message: str, code: str = "invalid_cell") -> RecordProblem:
    return RecordProblem(field, message, code)


@dataclass(frozen=True, slots=True)
class _ByOrder:
    """The events or units table of a partition, its rows in the orders table's order.

    Attributes:
        table: the rows that belong to a row of the orders table, sorted by that
            row (stably: in table order within an order).
        rows: the file row (from 1) of each row of ``table``.
        bounds: ``bounds[i]:bounds[i + 1]`` are the rows of the orders table's row ``i``.
        orphans: the file rows of each order id the orders table does not have,
            in the order the ids first appear.
    """

    table: pa.Table | None
    rows: list[int]
    bounds: list[int]
    orphans: dict[Any, list[int]]

    def part(
        self, first: int, last: int, *, by_type: bool = False, units: _Units | None = None
    ) -> tuple[Cells, list[int]]:
        """The cells and file rows of the orders table's rows ``first`` to ``last - 1``."""
        start, stop = self.bounds[first], self.bounds[last]
        if self.table is None or start == stop:
            return Cells([], []), []
        names = [name for name in self.table.column_names if name != "order_id"]
        cells = table_cells(self.table.slice(start, stop - start), names, by_type, units)
        return cells, self.rows[start:stop]


def _by_order(table: pa.Table | None, position: Mapping[str, int], orders: int) -> _ByOrder:
    """A table's rows grouped by the row of their order in the orders table.

    ``position`` is the first row of each text id of the orders table.
    """
    if table is None:
        return _ByOrder(None, [], [0] * (orders + 1), {})
    column = dense(table.column("order_id"))
    if require_pyarrow().types.is_dictionary(column.type):  # (text as read, see _read_table)
        # each distinct id looked up once (only text is an order's id), each row by its code
        words = column.dictionary.to_pylist()
        found = [position.get(word, -1) if isinstance(word, str) else -1 for word in words]
        codes = int64_values(column.indices, len(words))  # a null: the last, -1
        where = np.array([*found, -1], dtype=np.int64)[codes]
        lost = np.flatnonzero(where < 0)
        words.append(None)
        keys = list(map(words.__getitem__, codes[lost].tolist()))
    else:
        every = column.to_pylist()
        looked: Iterator[int]
        if is_text(column.type):  # each id (text, or None) looked up in C
            looked = map(position.get, every, repeat(-1))
        else:  # another type (numbers): only text is an order's id
            looked = (position.get(key, -1) if isinstance(key, str) else -1 for key in every)
        where = np.fromiter(looked, dtype=np.int64, count=len(every))
        lost = np.flatnonzero(where < 0)
        keys = list(map(every.__getitem__, lost.tolist()))
    orphans: dict[Any, list[int]] = {}
    for index, key in zip(lost.tolist(), keys, strict=True):
        orphans.setdefault(key, []).append(index + 1)
    owned = np.flatnonzero(where >= 0)
    order = owned[np.argsort(where[owned], kind="stable")]
    bounds = np.concatenate(([0], np.cumsum(np.bincount(where[owned], minlength=orders))))
    if len(order) != len(column) or np.any(order != np.arange(len(order))):
        table = table.take(int64_array(order))  # already in order as written: no copy
    return _ByOrder(table, (order + 1).tolist(), bounds.tolist(), orphans)


def _unreadable(path: str, problem: Exception) -> ReadError:
    """The error for a file Arrow cannot read as Parquet (its footer, or a damaged page)."""
    return ReadError(
        _("{path}: not a readable Parquet file ({problem})").format(path=path, problem=problem)
    )


def _read_table(path: str | None, columns: Sequence[str], what: str) -> pa.Table | None:
    if path is None:
        return None
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
        raise _unreadable(path, exc) from None
    if "order_id" not in schema.names:
        raise ReadError(
            _("{path}: the {what} table has no order_id column").format(path=path, what=what)
        )
    wanted = [name for name in schema.names if name in columns]
    text = require_pyarrow().types.is_string
    # text as dictionaries: a few dozen types, units and terms over many rows, and each
    # order's id over its rows, decoded (and looked up, see _by_order) once each
    words = [name for name in wanted if text(schema.field(name).type)]
    # (ParquetFile, not read_table: that goes through pyarrow.dataset, which imports
    # pandas; see int64_array)
    try:
        with pq.ParquetFile(path, read_dictionary=words) as handle:
            table: pa.Table = handle.read(columns=wanted)
    except (OSError, ValueError) as exc:  # a damaged page, past the footer read above
        raise _unreadable(path, exc) from None
    return _with_text_ids(table, "order_id")


def _with_text_ids(table: Any, name: str) -> Any:
    """A table or batch whose id column ``name``, if of integers, is their decimal text.

    Ids written as numbers (pandas keeps 2501070001 so) are read as text, as a
    spreadsheet's number cell of an id is: every id column then finds its order
    (an order with numeric ids was rejected, and its events and units rows with it as
    orphans of an order "the orders table does not have").
    """
    pa = require_pyarrow()
    at = table.schema.get_field_index(name)
    if at < 0 or not pa.types.is_integer(table.schema.field(at).type):
        return table
    text = table.column(at).cast(pa.string())
    if isinstance(table, pa.Table):
        return table.set_column(at, name, text)
    columns = list(table.columns)
    columns[at] = text
    return pa.RecordBatch.from_arrays(columns, names=table.schema.names)


def _event_problems(index: int, cells: Mapping[str, Any], where: str) -> list[RecordProblem]:
    kind = cells.get("type")
    allowed = FIELDS_OF_TYPE.get(kind) if isinstance(kind, str) else None
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


def _file_row(file: str, row: int) -> str:
    """A row of a table's file, as a message says it (``events/part-00000.parquet row 4``)."""
    return _("{file} row {row}").format(file=file, row=row)


def _events_file(path: str) -> str:
    """The events file as a message names it: with its folder when partitioned.

    ``part-00000.parquet`` alone is also an orders and a units file's name.
    """
    events = Path(path)
    return f"{events.parent.name}/{events.name}" if events.parent.name == "events" else events.name


def _event_rows_note(
    problems: Sequence[RecordProblem], rows: Sequence[int], file: str
) -> tuple[RecordProblem, ...]:
    """Problems of ``events[i]`` say which row of the events file the event is on."""
    out = []
    for problem in problems:
        if problem.field.startswith("events[") and file not in problem.message:
            index_text = problem.field[len("events[") :].split("]", 1)[0]
            if index_text.isdigit() and int(index_text) < len(rows):
                problem = RecordProblem(
                    problem.field,
                    _("{message} ({where})").format(
                        message=problem.message, where=_file_row(file, rows[int(index_text)])
                    ),
                    problem.code,
                )
        out.append(problem)
    return tuple(out)


def _repeated_ids(ids: Sequence[Any]) -> dict[str, list[int]]:
    """The ids on more than one row of an orders table, with their rows (from 1)."""
    text = [order_id for order_id in ids if isinstance(order_id, str)]
    if len(set(text)) == len(text):  # the common case, without a list per id
        return {}
    rows: dict[str, list[int]] = {}
    for position, order_id in enumerate(ids, 1):
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
            rows=join_list(str(row) for row in rows),
            file=Path(partition.orders).name,
        ),
        "duplicate_id",
    )


def _orphans(
    table: str, groups: Mapping[Any, Sequence[int]], path: str | None, record: int
) -> Iterator[Rejected]:
    """One rejection per order id of an events or units table the orders table lacks."""
    for order_id, rows in groups.items():
        record += 1
        location = SourceLocation(str(path), record, row=rows[0])
        shown = join_truncated(rows, 10)
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
                    ngettext(
                        "{count} {table} row ({rows}) for {what}, which the orders "
                        "table does not have",
                        "{count} {table} rows ({rows}) for {what}, which the orders "
                        "table does not have",
                        len(rows),
                    ).format(count=len(rows), table=table, rows=shown, what=what),
                    "orphan_events" if table == "events" else "orphan_units",
                ),
            ),
            order_id,
        )


class _Units:
    """Each distinct unit of a partition validated once, as the model would within its order.

    A unit's cells that validate on their own give a :class:`~grievance_rules.model.Unit`
    that every order with the same cells shares (the model is frozen, and takes a
    ``Unit`` as it is): the orders of a partition name a few dozen units on many
    thousand rows. Cells that do not validate stay a dict, so the order's
    validation reports them as before (``units[i].field``). Equal cells are equal
    values of the same type (text is equal only to text), so they validate alike.
    """

    _LIMIT = 100_000
    """Distinct units kept at most (then the cache starts again)."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, ...], dict[tuple[Any, ...], Unit | None]] = {}
        self.size = 0

    def rows(self, keys: tuple[str, ...], columns: Sequence[Sequence[Any]]) -> list[Any]:
        """Each row of ``columns`` (the values of ``keys``, leaders as pairs): a unit, or cells.

        The distinct rows are found in C (``dict.fromkeys``), only those not met
        before are validated here, each once, and the rows are looked up in C
        (``map``): the Python work is a step per distinct unit, not per row.
        """
        at = keys.index("leaders") if "leaders" in keys else -1
        rows = list(zip(*columns, strict=True))
        if self.size >= self._LIMIT:
            self.known.clear()
            self.size = 0
        known = self.known.setdefault(keys, {})
        try:
            distinct = dict.fromkeys(rows)
        except TypeError:  # a value that is not text (a list in a foreign file's column)
            found: list[Any] = [self._found(known, keys, values, at) for values in rows]
        else:
            valid = True
            for values in distinct:
                unit = known.get(values, _NEW)
                if unit is _NEW:
                    unit = self._found(known, keys, values, at)
                valid = valid and unit is not None
            found = list(map(known.__getitem__, rows))
            if valid:
                return found
        return [
            self._cells(keys, values, at) if unit is None else unit
            for values, unit in zip(rows, found, strict=True)
        ]

    def _found(
        self,
        known: dict[tuple[Any, ...], Unit | None],
        keys: tuple[str, ...],
        values: tuple[Any, ...],
        at: int,
    ) -> Unit | None:
        """The unit of a row's values (``None``: they do not validate, or cannot be kept)."""
        try:
            seen = known.get(values, _NEW)
        except TypeError:
            return None
        if seen is not _NEW:
            return cast("Unit | None", seen)
        unit: Unit | None
        try:
            unit = Unit.model_validate(self._cells(keys, values, at))
        except ValidationError:
            unit = None
        known[values] = unit
        self.size += 1
        return unit

    @staticmethod
    def _cells(keys: tuple[str, ...], values: tuple[Any, ...], at: int) -> dict[str, Any]:
        cells = dict(zip(keys, values, strict=True))
        if at >= 0 and isinstance(values[at], tuple):
            cells["leaders"] = dict(values[at])
        return cells


class _Batch:
    """A batch of the orders table (its rows from the row after ``first``), made records.

    :meth:`make` makes the batch's cells (its rows', and its events' and units' as
    one slice of their tables' cells); :meth:`records` then validates a run of its rows
    by the model, as any reader's record is.
    """

    def __init__(
        self,
        partition: ParquetPartition,
        batch: Any,
        names: Sequence[str],
        first: int,
        events: _ByOrder,
        units: _ByOrder,
        shared: _Units,
        twice: Mapping[str, Sequence[int]],
        validator: Callable[
            [],
            tuple[
                Callable[[SourceLocation, Mapping[str, Any]], RecordResult],
                Callable[[SourceLocation, WorkOrder], RecordResult],
            ],
        ],
        integers_fit: bool = False,
    ) -> None:
        self.partition = partition
        self.batch = batch
        self.names = names
        self.first = first
        self.events = events
        self.units = units
        self.shared = shared
        self.twice = twice
        self.validator = validator
        """The validator of cells, and the check of an order made (:func:`.record_checks`),
        made when first needed (an unknown zone raises there)."""
        self.integers_fit = integers_fit
        """Whether the events' integers all fit 64 bits (:func:`_integers_fit`)."""

    def make(self) -> None:
        """The batch's cells (its orders', events' and units'), its ids, its events checked.

        And which of its orders' histories certainly have no issue (:mod:`.history_screen`).
        """
        order_cells = table_cells(self.batch, self.names, by_type=False)
        self.order_cells = order_cells
        self.ids = _column_of(order_cells, "id", self.batch.num_rows)
        first, last = self.first, self.first + self.batch.num_rows
        events, units = self.events, self.units
        self.events_file = (
            _events_file(self.partition.events) if self.partition.events else "events"
        )
        orders = Path(self.partition.orders)
        self.units_file = (  # (the file missing: named as the partition's would be)
            f"units/{orders.name}" if orders.parent.name == "orders" else "units.parquet"
        )
        event_cells, self.event_rows = events.part(first, last, by_type=True)
        unit_cells, _unit_rows = units.part(first, last, units=self.shared)
        self.event_bounds = events.bounds[first : last + 1]
        self.unit_lists = _shared_slices(unit_cells.rows, units.bounds[first : last + 1])
        self.unit_tuples = _unit_tuples(self.unit_lists)
        self.misplaced = event_cells.misplaced if any(event_cells.misplaced) else None
        self.event_cells = event_cells
        self.event_groups = parquet_models.checked_events(
            event_cells.groups, event_cells.columns, event_cells.fine
        )
        start, stop = events.bounds[first], events.bounds[last]
        self.columns = _batch_columns(self.batch, events.table, start, stop, self.event_bounds)
        self.cleared = history_screen.cleared(
            self.batch,
            None if events.table is None else events.table.slice(start, stop - start),
            self.event_bounds,
            self.unit_lists,
        )

    def records(self, low: int, high: int) -> list[RecordResult]:
        """The records of the batch's rows ``low`` to ``high - 1`` (from 0), in row order.

        An order whose cells and events :mod:`.parquet_models` vouches for is made
        there and only its history checked (by ``check_history``, unless the screen
        cleared it); the others are validated by the model.
        :meth:`make` first.
        """
        partition = self.partition
        twice = self.twice
        event_cells = self.event_cells
        unit_lists = self.unit_lists
        event_bounds = self.event_bounds
        event_rows = self.event_rows
        events_file = self.events_file
        misplaced = self.misplaced
        cleared = self.cleared
        check = checked = None
        start = event_bounds[0]
        file = partition.orders
        no_units = partition.units is None
        event_models = parquet_models.made_events(
            self.event_groups, (event_bounds[low] - start, event_bounds[high] - start)
        )
        first_event = event_bounds[low]
        order_cells = self.order_cells
        made = parquet_models.made_orders(
            order_cells.groups or [],
            order_cells.columns or [],
            (low, high),
            [
                event_models[event_bounds[at] - first_event : event_bounds[at + 1] - first_event]
                for at in range(low, high)
            ],
            self.unit_tuples[low:high],
            order_cells.fine,
        )
        results: list[Any] = [None] * (high - low)
        clean: list[int] = []  # where an order made here, its history without issue, is accepted
        clean_locations: list[SourceLocation] = []
        clean_orders: list[WorkOrder] = []
        clean_rows: list[int] = []  # (their places in the batch)
        locations = _locations(file, self.first + low + 1, high - low)
        ids = self.ids
        if not twice and misplaced is None:  # (the common case: each such order found at once)
            # made from its cells, its history screened clear (both bools: ``and_`` in C)
            fine = list(map(and_, map(is_not, made, repeat(None)), cleared[low:high]))
            clean = list(compress(range(high - low), fine))
            clean_locations = list(compress(locations, fine))
            clean_orders = cast("list[WorkOrder]", list(compress(made, fine)))
            clean_rows = [low + k for k in clean]
            rest = [low + k for k, ok in enumerate(fine) if not ok]
        else:
            rest = list(range(low, high))
        for offset in rest:
            location = locations[offset - low]
            order_id = ids[offset]
            key = order_id if isinstance(order_id, str) else None
            if key is not None and key in twice:
                results[offset - low] = Rejected(
                    location, (_repeated(key, twice[key], partition),), key
                )
                continue
            low_event = event_bounds[offset] - start
            high_event = event_bounds[offset + 1] - start
            found = None  # (the events' cells: made only for an order validated by the model)
            problems: list[RecordProblem] = []
            if misplaced is not None and any(misplaced[low_event:high_event]):
                found = event_cells.cells_of(low_event, high_event)
                for index, cells in enumerate(found):
                    where = _file_row(events_file, event_rows[low_event + index])
                    problems.extend(_event_problems(index, cells, where))
            if check is None or checked is None:
                check, checked = self.validator()
            order = made[offset - low]
            if order is not None and not problems:
                if cleared[offset]:  # (the common case: accepted below, in bulk)
                    clean.append(offset - low)
                    clean_locations.append(location)
                    clean_orders.append(order)
                    clean_rows.append(offset)
                    continue
                result = checked(location, order)  # (its history checked there, once)
            else:
                (obj,) = order_cells.cells_of(offset, offset + 1)
                obj["events"] = (
                    event_cells.cells_of(low_event, high_event) if found is None else found
                )
                obj["units"] = unit_lists[offset]
                result = check(location, obj)
            if problems:
                earlier = unsaid(result.problems, problems) if isinstance(result, Rejected) else ()
                result = Rejected(location, (*problems, *earlier), key)
            if high_event > low_event and isinstance(result, Rejected):
                result = Rejected(
                    location,
                    _event_rows_note(
                        result.problems, event_rows[low_event:high_event], events_file
                    ),
                    result.order_id,
                )
            if no_units and isinstance(result, Rejected):
                result = without_units_table(result, self.units_file)
            if self.integers_fit and isinstance(result, Accepted):
                result = dataclasses.replace(result, integers_fit=True)
            results[offset - low] = result
        if clean:
            accepted = _accepted(
                clean_locations, clean_orders, self.integers_fit, self.columns, clean_rows
            )
            deque(map(setitem, repeat(results), clean, accepted), maxlen=0)
        return results


def _column_of(cells: Cells, name: str, count: int) -> list[Any]:
    """Each row's cell of column ``name`` (``None``: none), set in C a group at a time."""
    if cells.columns is None or cells.groups is None:
        return [row.get(name) for row in cells.rows]
    out: list[Any] = [None] * count
    for (keys, members), values in zip(cells.groups, cells.columns, strict=True):
        if name in keys:
            deque(map(setitem, repeat(out), members, values[keys.index(name)]), maxlen=0)
    return out


def _made_in_bulk(cls: type[Any], count: int, values: Mapping[str, Iterable[Any]]) -> list[Any]:
    """``count`` instances of a slotted dataclass, each field's values given in ``values``.

    Made as the dataclass's ``__init__`` makes them (each field's value in its
    slot), a field at a time for them all, in C: ``__init__`` is a Python call an
    instance (a record's location and its acceptance: some 2 % of comparing a
    partition under three packs). A field without values raises ``KeyError``; a class
    whose ``__init__`` does more than set its fields (a ``__post_init__``) is refused,
    as it could not be made this way.
    """
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__: make it by its __init__")
    made = list(map(object.__new__, repeat(cls, count)))
    for field in dataclasses.fields(cls):
        slot = vars(cls)[field.name]
        deque(map(slot.__set__, made, values[field.name]), maxlen=0)
    return made


def _locations(file: str, first: int, count: int) -> list[SourceLocation]:
    """``SourceLocation(file, row, None, row)`` for the rows ``first`` to ``first + count - 1``."""
    rows = range(first, first + count)
    none = repeat(None)
    return _made_in_bulk(
        SourceLocation,
        count,
        {"file": repeat(file), "record": rows, "line": none, "row": rows, "sheet": none},
    )


def _accepted(
    locations: Sequence[SourceLocation],
    orders: Sequence[WorkOrder],
    integers_fit: bool,
    columns: BatchColumns | None = None,
    rows: Sequence[int] = (),
) -> list[Accepted]:
    """``Accepted(location, order, history_checked=True)`` for each pair: orders with no issue.

    ``integers_fit``: the events' integers all fit 64 bits (:func:`_integers_fit`).
    ``columns``: the batch's events as numbers, and ``rows`` each order's place in them
    (orders made from their cells unchanged).
    """
    return _made_in_bulk(
        Accepted,
        len(orders),
        {
            "location": locations,
            "order": orders,
            "warnings": repeat(()),
            "history_checked": repeat(True),
            "integers_fit": repeat(integers_fit),
            "columns": repeat(None) if columns is None else zip(repeat(columns), rows),
        },
    )


def _batch_columns(
    batch: Any, events: pa.Table | None, start: int, stop: int, bounds: Sequence[int]
) -> BatchColumns | None:
    """A batch of the orders table and its events, as numbers (:class:`BatchColumns`).

    ``events``: the events table (its rows ``start`` to ``stop - 1`` the batch's, order
    ``k``'s from ``bounds[k]``). ``None`` when a column read is not of the reader's own
    type (instants: ``timestamp[us]`` with a zone, whose integers are the µs the
    datetimes were made from; ``type`` and ``unit``: text). A null cell is ``-1`` (its
    order is not made from its cells unchanged, but an event's ``unit``).
    """
    received = _micros(batch, "received_at")
    if received is None:
        return None
    reply = (
        _micros(batch, "reply_deadline")
        if "reply_deadline" in batch.schema.names
        else np.full(batch.num_rows, -1, dtype=np.int64)
    )
    if reply is None:
        return None
    empty = np.zeros(0, dtype=np.int64)
    at, types, units = empty, empty, empty
    type_names: tuple[str, ...] = ()
    unit_names: tuple[str, ...] = ()
    coded = _FieldCodes(None)
    if events is not None and stop > start:
        if "at" not in events.column_names or "type" not in events.column_names:
            return None
        part = events.slice(start, stop - start)
        found = _micros_of(part.column("at"))
        typed = _codes_of(part.column("type"))
        acting = (
            _codes_of(part.column("unit"))
            if "unit" in events.column_names
            else (np.full(stop - start, -1, dtype=np.int64), ())
        )
        if found is None or typed is None or acting is None:
            return None
        at, (types, type_names), (units, unit_names) = found, typed, acting
        coded = _FieldCodes(part.select([n for n in part.column_names if _codable(part, n)]))
    edges = np.asarray(bounds, dtype=np.int64) - (bounds[0] if len(bounds) else 0)
    return BatchColumns(at, edges, received, reply, types, type_names, units, unit_names, coded)


def _codable(table: Any, name: str) -> bool:
    """Whether :class:`_FieldCodes` codes a column (kept for it: only those are kept)."""
    pa = require_pyarrow()
    kind = table.schema.field(name).type
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return is_text(kind) or pa.types.is_boolean(kind) or pa.types.is_signed_integer(kind)


@dataclass(frozen=True, slots=True)
class _FieldCodes:
    """:attr:`BatchColumns.field_codes`: a field of a batch's events at rows, as codes.

    Text as its dictionary's indices, booleans as 0 and 1, whole numbers by their
    distinct values; ``-1`` for a null cell; ``None`` for another column (or none).
    Made each time it is asked (the columnar frame asks once per field and batch).
    """

    events: Any  # (the batch's rows of the events table, or None for no events)

    def __call__(self, name: str, rows: Any) -> Any:
        if self.events is None or name not in self.events.column_names:
            return None
        pa = require_pyarrow()
        try:
            column = dense(self.events.column(name))
        except pa.ArrowInvalid:
            return None
        kind = column.type
        if pa.types.is_dictionary(kind) and is_text(kind.value_type):
            values = whole_numbers(column.indices)
        elif pa.types.is_boolean(kind):
            values = bit_values(column)  # (the bits under a null: not read)
        elif pa.types.is_signed_integer(kind):
            values = whole_numbers(column)
        elif is_text(kind):  # (text not read as a dictionary: coded here)
            values = whole_numbers(column.dictionary_encode().indices)
        else:
            return None
        codes = values[rows].astype(np.int64)
        if pa.types.is_signed_integer(kind):  # (numbers by their distinct values)
            codes = np.unique(codes, return_inverse=True)[1].reshape(-1)
        if column.null_count:
            codes[~validity(column)[rows]] = -1
        return codes


def _codes_of(column: Any) -> tuple[Any, tuple[str, ...]] | None:
    """A text column as ``int64`` codes into its words (``-1`` for null); else ``None``."""
    pa = require_pyarrow()
    try:
        column = dense(column)
    except pa.ArrowInvalid:  # (chunks with dictionaries of their own that do not combine)
        return None
    if not pa.types.is_dictionary(column.type):
        if not is_text(column.type):
            return None
        column = column.dictionary_encode()
    elif not is_text(column.type.value_type):
        return None
    words = column.dictionary.to_pylist()
    if any(word is None for word in words):
        return None  # (a null word: not the reader's own dictionary)
    return int64_values(column.indices, -1), tuple(words)


def _micros(batch: Any, name: str) -> Any:
    """A column of a batch of the orders table as µs (:func:`_micros_of`); ``None`` if absent."""
    if name not in batch.schema.names:
        return None
    return _micros_of(batch.column(batch.schema.get_field_index(name)))


def _micros_of(column: Any) -> Any:
    """A ``timestamp[us]`` column with a zone as ``int64`` µs (``-1`` for null); else ``None``."""
    pa = require_pyarrow()
    kind = column.type
    if not (pa.types.is_timestamp(kind) and kind.unit == "us" and kind.tz is not None):
        return None
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    values = np.array(whole_numbers(column), dtype=np.int64)  # (a copy: the reader's own)
    if column.null_count:
        values[~validity(column)] = -1
    return values


def _integers_fit(table: pa.Table | None) -> bool:
    """Whether each integer an event can hold comes from a column of signed integers.

    Arrow's signed integers have at most 64 bits, so every such value fits the
    engine's 64-bit integers (:func:`~grievance_rules.engine.matching.check_integers`
    would pass every order of the file). A column of another type (unsigned,
    floating or text, as a foreign file may have) leaves the check to evaluation.
    No events table: no integers.
    """
    if table is None:
        return True
    signed = require_pyarrow().types.is_signed_integer
    schema = table.schema
    return all(signed(schema.field(name).type) for name in INTEGER_FIELDS if name in schema.names)


def _slices(rows: list[Any], bounds: Sequence[int]) -> list[list[Any]]:
    """``rows`` cut at ``bounds`` (offsets from ``bounds[0]``): each order's events or units."""
    start = bounds[0]
    if not rows:
        return [[] for _ in range(len(bounds) - 1)]
    edges = np.asarray(bounds, dtype=np.int64) - start
    return list(map(rows.__getitem__, map(slice, edges[:-1].tolist(), edges[1:].tolist())))


def _shared_slices(rows: list[Any], bounds: Sequence[int]) -> list[list[Any]]:
    """:func:`_slices`, the orders whose rows are the same objects in order sharing one list.

    A reader shares each distinct unit among the orders naming it (:class:`_Units`), so
    a batch's orders hold a few dozen distinct lists of units: each made once, and an
    order's units read once per list where it is read by the list's identity. The
    lists are found as numbers: each row's object numbered, each order's numbers
    folded into one (:func:`~.parquet_cells.numbered_rows`).
    """
    count = len(bounds) - 1
    edges = np.asarray(bounds, dtype=np.int64) - bounds[0]
    if not rows or count == 0:
        return _slices(rows, bounds)
    lengths = np.diff(edges)
    objects, numbers = np.unique(
        np.fromiter(map(id, rows), dtype=np.int64, count=len(rows)), return_inverse=True
    )
    width = int(lengths.max())
    table = np.zeros((count, width), dtype=np.int64)  # (0: past an order's last row)
    owner = np.repeat(np.arange(count, dtype=np.int64), lengths)
    table[owner, np.arange(len(rows), dtype=np.int64) - edges[:-1][owner]] = numbers.reshape(-1) + 1
    size = len(objects) + 1
    number, first = numbered_rows([(table[:, k], size) for k in range(width)], count)
    starts, ends = edges[first].tolist(), edges[first + 1].tolist()
    lists = list(map(rows.__getitem__, map(slice, starts, ends)))
    return list(map(lists.__getitem__, number.tolist()))


def _unit_tuples(lists: list[list[Any]]) -> list[tuple[Unit, ...] | None]:
    """Each order's units as a tuple, one per distinct list (:func:`_shared_slices`).

    ``None`` where one is the cells of a unit that did not validate (a dict).
    """
    distinct = {id(found): found for found in lists}
    tuples = {
        key: tuple(found) if set(map(type, found)) <= {Unit} else None
        for key, found in distinct.items()
    }
    return list(map(tuples.__getitem__, map(id, lists)))


def read_partition(
    partition: ParquetPartition,
    *,
    assume_tz: str | dt.tzinfo | None = None,
    strict: bool = False,
    batch_size: int = 4096,
) -> Iterator[RecordResult]:
    """The records of one partition, each accepted or rejected, in row order.

    The events and units tables are read whole and sorted by the row of their
    order in the orders table (one stable sort); then, a batch of orders rows at
    a time, each table's cells are picked a column at a time, as the columns of
    the rows with the same cells (see :func:`~.parquet_cells.table_cells`; the units
    as dicts), and each
    order takes its events and units as one slice of them, so no Python work is
    done per cell. The orders (and their events, locations and
    evidence) whose cells the column-at-a-time checks of :mod:`.parquet_models`
    vouch for are made there as validation would make them (the same values,
    types and fields set); every other order is validated by the model, as any
    other reader's. Each order's history is checked (``check_history``; an order
    made there only if the screen over the batch's columns, :mod:`.history_screen`,
    does not clear it). The records are made a run of a few hundred rows of the
    batch at a time (the collector paused meanwhile: see the comment in the loop).

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

    events_table = _read_table(partition.events, EVENT_COLUMNS, "events")
    units_table = _read_table(partition.units, UNIT_COLUMNS, "units")
    integers_fit = _integers_fit(events_table)
    try:
        handle = pq.ParquetFile(partition.orders)
    except (OSError, ValueError) as exc:
        raise _unreadable(partition.orders, exc) from None
    names = [name for name in handle.schema_arrow.names if name in ORDER_COLUMNS]
    ids = _ids_of(handle, partition.orders)
    twice = _repeated_ids(ids)
    position: dict[str, int] = {}
    for row, order_id in enumerate(ids):
        if isinstance(order_id, str):
            position.setdefault(order_id, row)
    del ids
    events = _by_order(events_table, position, handle.metadata.num_rows)
    units = _by_order(units_table, position, handle.metadata.num_rows)
    del events_table, units_table, position
    shared = _Units()
    validator = functools.cache(
        functools.partial(record_checks, assume_tz=assume_tz, strict=strict)
    )
    record = 0
    kept = False  # whether the caller keeps the records it is given (see below)
    with handle:
        for batch in _batches(handle, partition.orders, batch_size, names):
            # A batch's cells are made, then its records a run of rows at a time, the
            # cyclic collector paused meanwhile: the cells, models and results made are
            # acyclic (see grievance_rules.collector). A run's results are made, and
            # the run before freed, with the collector paused: when it resumes, it has
            # at most a run's results to walk (a batch's, a sixth of the reading, when
            # the records were made a batch at a time). A caller that keeps the records
            # (they are not freed) would have a collection a run, each walking more of
            # them: once a run leaves many more objects than the run before freed, the
            # records are made a batch at a time (one collection a batch).
            made = _Batch(
                partition,
                batch,
                names,
                record,
                events,
                units,
                shared,
                twice,
                validator,
                integers_fit,
            )
            count = batch.num_rows
            low = 0
            while low < count:
                high = count if kept else min(low + _RUN, count)
                with paused():
                    if not low:
                        made.make()
                    before = gc.get_count()[0]
                    results = made.records(low, high)
                    if (
                        record  # (not the partition's first run: nothing was freed before it)
                        and not kept
                        and gc.get_count()[0] - before > _KEPT * (high - low)
                    ):
                        kept = True
                        results += made.records(high, count)
                        high = count
                low = high
                record += len(results)
                yield from results
            del made
    yield from _orphans("events", events.orphans, partition.events, record)
    yield from _orphans("units", units.orphans, partition.units, record + len(events.orphans))


def _batches(handle: Any, path: str, size: int, columns: Sequence[str]) -> Iterator[Any]:
    """The orders table's batches; a damaged page refused as an unreadable file (named)."""
    batches = handle.iter_batches(batch_size=size, columns=columns)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
            raise _unreadable(path, exc) from None
        yield _with_text_ids(batch, "id")


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


def unread_columns(partitions: Sequence[ParquetPartition]) -> dict[str, list[str]]:
    """The columns of a dataset's tables that name no field, by table (not read at all).

    A column renamed by another tool (``urgency_level``) is dropped, its cells not read:
    the orders read as if it were empty. Each partition's schema is read (its footer
    only), in name order; ``{}`` when every column is a field's.

    Raises:
        ReadError: a file that is not Parquet.
    """
    import pyarrow.parquet as pq

    known = {"orders": ORDER_COLUMNS, "events": EVENT_COLUMNS, "units": UNIT_COLUMNS}
    found: dict[str, list[str]] = {}
    for partition in partitions:
        for table, path in (
            ("orders", partition.orders),
            ("events", partition.events),
            ("units", partition.units),
        ):
            if path is None:
                continue
            try:
                names = pq.read_schema(path).names
            except (OSError, ValueError) as exc:
                raise _unreadable(path, exc) from None
            for name in names:
                if name not in known[table] and name not in found.get(table, []):
                    found.setdefault(table, []).append(name)
    return found


def partition_order_ids(partition: ParquetPartition) -> list[str | None]:
    """The order ids of a partition's orders table, in row order (only that column is read).

    An id that is no text (a number: its record is rejected when read) is ``None``.

    Raises:
        ReadError: the file is not Parquet, is damaged, or has no id column, said as
            :func:`read_partition` says it.
    """
    import pyarrow.parquet as pq

    try:
        handle = pq.ParquetFile(partition.orders)  # (not read_table: see _read_table)
    except (OSError, ValueError) as exc:
        raise _unreadable(partition.orders, exc) from None
    with handle:
        ids = _ids_of(handle, partition.orders)
    return [order_id if isinstance(order_id, str) else None for order_id in ids]


def _ids_of(handle: Any, path: str) -> list[Any]:
    """An orders file's ids in row order, numbers as their text (:func:`_with_text_ids`).

    Raises:
        ReadError: the table has no id column, or a page of it is damaged.
    """
    if "id" not in handle.schema_arrow.names:
        raise ReadError(_("{path}: the orders table has no id column").format(path=path))
    try:
        ids: list[Any] = _with_text_ids(handle.read(columns=["id"]), "id").column("id").to_pylist()
    except (OSError, ValueError) as exc:  # a damaged page
        raise _unreadable(path, exc) from None
    return ids
