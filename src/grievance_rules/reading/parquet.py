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
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import and_, is_not, itemgetter, setitem
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from pydantic import ValidationError

from grievance_rules.collector import paused
from grievance_rules.errors import ReadError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list, join_truncated, ngettext
from grievance_rules.model import EVENT_CLASSES, Unit, WorkOrder
from grievance_rules.model.base import EARLIEST, LATEST
from grievance_rules.reading import history_screen, parquet_models
from grievance_rules.reading.arrow_buffers import bit_values, buffer_values, validity, whole_numbers
from grievance_rules.reading.long import BOOL_FIELDS, EVENT_HEADERS
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
_FIRST_MICROS = (dt.datetime.min.replace(tzinfo=dt.UTC) - _EPOCH) // dt.timedelta(microseconds=1)
_LAST_MICROS = (dt.datetime.max.replace(tzinfo=dt.UTC) - _EPOCH) // dt.timedelta(microseconds=1)
_ALLOWED = {kind: frozenset(cls.model_fields) for kind, cls in EVENT_CLASSES.items()}
_RUN = 256
"""Orders rows validated at a time (with the collector paused; see :func:`read_partition`)."""
_KEPT = 12
"""More objects the collector tracks than this a row, left by a run of rows (those of the
run before freed): the caller keeps its records (an order leaves some 40 when kept)."""
_NEW: Any = object()
"""A unit's cells not met before (:class:`_Units`)."""


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


def _problem(field: str, message: str, code: str = "invalid_cell") -> RecordProblem:
    return RecordProblem(field, message, code)


def _plain(name: str, value: Any) -> Any:
    """A cell as the model reads it: a map (Arrow gives a list of pairs) as a dict."""
    if name == "leaders" and isinstance(value, list):
        return dict(value)
    return value


def _instants(column: Any, valid: Any = None, order: Any = None) -> list[Any]:
    """A zoned timestamp column as UTC datetimes (``None`` where a cell is null).

    The datetimes are made from microseconds since 1970 by :func:`_datetimes`
    (several times quicker than Arrow's own conversion of zoned timestamps, or
    than :meth:`datetime.datetime.fromtimestamp`), and are the same datetimes.
    With ``valid`` (whether each cell holds a value, numpy ``bool``), only the
    cells that do, in order; with ``order`` as well (numpy positions among them),
    those at the positions, in that order (see :func:`_values`).
    """
    pa = _pa()
    if column.type.unit == "us":
        values = whole_numbers(column)  # (microseconds since 1970 whatever the zone)
    else:  # (a foreign file's unit: Arrow's cast, in pyarrow.compute)
        values = whole_numbers(
            column.cast(pa.timestamp("us", tz="UTC"), safe=False).cast(pa.int64())
        )
    present = None
    if valid is not None:
        values = values[valid]
        if order is not None:
            values = values[order]
    elif order is not None:
        values = values[order]  # (every cell holds one: its positions are its rows)
        if column.null_count:  # (a null's instant: none)
            holds = validity(column)[order]
            present, values = np.flatnonzero(holds), values[holds]
    elif column.null_count:
        present = np.flatnonzero(validity(column))
        values = values[present]
    made: list[Any]
    if len(values) and (values.min() < _FIRST_MICROS or values.max() > _LAST_MICROS):
        # beyond datetime's years (year 20000, -5000: another tool's data): such a cell
        # as the text of its instant, which the model refuses, naming it; the others as
        # datetimes (it was an OverflowError, a traceback)
        inside = (values >= _FIRST_MICROS) & (values <= _LAST_MICROS)
        made = _far_instants(values)
        for place, instant in zip(
            np.flatnonzero(inside).tolist(), _datetimes(values[inside]), strict=True
        ):
            made[place] = instant
    else:
        made = _datetimes(values)
    if present is None:
        return made
    out: list[Any] = [None] * (len(column) if order is None else len(order))
    for index, instant in zip(present.tolist(), made, strict=True):
        out[index] = instant
    return out


def _wall(value: Any) -> Any:
    """A far instant's text without its ``Z`` (a naive column's wall time), else as it is."""
    return value[:-1] if isinstance(value, str) and value.endswith("Z") else value


def _far_instants(micros: Any) -> list[Any]:
    """Instants as ISO-like text in UTC, for years no datetime holds (``+19970-03-02T…Z``)."""
    year, month, day, hour, minute, second, micro = _civil(micros)
    return [
        f"{y:+05d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}.{us:06d}Z"
        for y, mo, d, h, mi, s, us in zip(
            year.tolist(),
            month.tolist(),
            day.tolist(),
            hour.tolist(),
            minute.tolist(),
            second.tolist(),
            micro.tolist(),
            strict=True,
        )
    ]


def _civil(micros: Any) -> tuple[Any, ...]:
    """Year, month, day, hour, minute, second and microsecond of UTC instants (numpy)."""
    days, in_day = np.divmod(micros, 86_400_000_000)
    shifted = days + 719_468  # days since 0000-03-01
    era = shifted // 146_097
    day_of_era = shifted - era * 146_097
    year_of_era = (
        day_of_era - day_of_era // 1_460 + day_of_era // 36_524 - day_of_era // 146_096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    month_from_march = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * month_from_march + 2) // 5 + 1
    month = np.where(month_from_march < 10, month_from_march + 3, month_from_march - 9)
    year = year_of_era + era * 400 + (month <= 2)
    seconds, micro = np.divmod(in_day, 1_000_000)
    minutes, second = np.divmod(seconds, 60)
    hour, minute = np.divmod(minutes, 60)
    return year, month, day, hour, minute, second, micro


def _datetimes(micros: Any) -> list[dt.datetime]:
    """UTC datetimes from microseconds since 1970 (numpy ``int64``, in datetime's years).

    The date and time of day are worked out for the whole array in numpy (the
    civil date of a day number, as in H. Hinnant's ``civil_from_days``), written
    as the ten bytes of a datetime's pickled state, and each datetime made from
    its state and ``UTC`` in C: the constructor's own path for unpickling, with
    no arguments to parse and no time zone to call.

    Example:
        >>> import numpy as np
        >>> _datetimes(np.array([0, -1, 951_782_400_000_001], dtype=np.int64))
        [datetime.datetime(1970, 1, 1, 0, 0, tzinfo=datetime.timezone.utc), \
datetime.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.timezone.utc), \
datetime.datetime(2000, 2, 29, 0, 0, 0, 1, tzinfo=datetime.timezone.utc)]
    """
    year, month, day, hour, minute, second, micro = _civil(micros)
    state = np.empty((len(micros), 10), dtype=np.uint8)
    for place, part in enumerate(
        (year >> 8, year & 255, month, day, hour, minute, second, micro >> 16, micro >> 8, micro)
    ):
        state[:, place] = part & 255
    from_state: Any = dt.datetime  # datetime(state, tzinfo): typeshed does not know the form
    return list(map(from_state, state.view("V10").reshape(-1).tolist(), repeat(dt.UTC)))


def _values(
    name: str, column: Any, pairs: bool = False, valid: Any = None, order: Any = None
) -> list[Any]:
    """A column's cells as Python values: instants as UTC datetimes, maps as dicts.

    With ``pairs``, maps as tuples of pairs instead (hashable; see :class:`_Units`).
    With ``valid`` (whether each cell holds a value, numpy ``bool``), only the cells
    that do, in order: picked from the column's values in numpy or in C, not by
    Arrow's ``drop_null``, which would import pyarrow.compute (a fifth of a second)
    for it (see :func:`_int64_array`). With ``order`` (numpy positions among those
    cells), the cells at those positions, in that order: text of a dictionary,
    numbers and instants put in order as numbers, before any Python value is made.
    """
    pa = _pa()
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        return _instants(column, valid, order)
    if pa.types.is_timestamp(kind):  # naive (a foreign file's wall time): read as the zoned
        # are, then without their zone (Arrow's own conversion overflowed on year 20000)
        zoned = _instants(column.cast(pa.timestamp(kind.unit, tz="UTC")), valid, order)
        return [v.replace(tzinfo=None) if isinstance(v, dt.datetime) else _wall(v) for v in zoned]
    if pa.types.is_dictionary(kind):
        # text read as a dictionary (see _read_table): each distinct value made once,
        # the cells looked up in C (Arrow makes a value a cell, through scalars, else)
        words = column.dictionary.to_pylist()
        words.append(None)  # (what a null cell's code, -1, finds without ``valid``)
        if valid is not None:  # (the cells of the indices that hold one: no copy, no fill)
            codes = whole_numbers(column.indices)[valid]
        else:
            codes = _integers(column.indices, -1)
        values: list[Any] = _looked_up(words, codes if order is None else codes[order])
    elif valid is not None and _is_plain_number(kind):
        numbers = _fixed(column)[valid]  # (bool, int and float as Arrow gives them)
        values = (numbers if order is None else numbers[order]).tolist()
    else:
        values = column.to_pylist()
        if valid is not None:
            values = list(map(values.__getitem__, np.flatnonzero(valid).tolist()))
        if order is not None:
            values = list(map(values.__getitem__, order.tolist()))
    if name == "leaders":
        if pairs:
            if pa.types.is_map(kind) and (valid is not None or not column.null_count):
                return list(map(tuple, values))  # (each cell a map's list of pairs)
            return [tuple(value) if isinstance(value, list) else value for value in values]
        values = [_plain(name, value) for value in values]
    return values


def _looked_up(words: list[Any], codes: Any) -> list[Any]:
    """``words[code]`` for each of ``codes`` (numpy), picked in numpy, not a Python call a cell."""
    return cast("list[Any]", np.fromiter(words, dtype=object, count=len(words))[codes].tolist())


@dataclass(frozen=True, slots=True)
class _Cells:
    """The non-null cells of a table's rows: as a dict a row, or a group of rows' columns.

    Attributes:
        rows: each row's non-null cells, in column order (a units table, or a
            table without cells; else empty: see ``columns``).
        misplaced: each row's whether a cell holds a value its ``type`` does not
            have (an events table; always ``False`` elsewhere).
        groups: the rows with the same cells (and ``type``), by :func:`_grouped_cells`:
            each group's column names and its rows (ascending); ``None``: not made.
        fine: the columns every cell of which a field of this kind keeps as it is
            (:func:`_fine`), by name: ``text``, ``instant`` or ``flag``.
        columns: each group's cells, a list of each of its keys' values (its rows'),
            made instead of ``rows`` (see :func:`_grouped_cells`); ``None``: ``rows``
            are made.
        places: with ``columns``, each row's group and its place among the
            group's rows (numpy).
    """

    rows: list[dict[str, Any]]
    misplaced: list[bool]
    groups: list[tuple[tuple[str, ...], list[int]]] | None = None
    fine: Mapping[str, str] = dataclasses.field(default_factory=dict)
    columns: list[list[list[Any]]] | None = None
    places: tuple[Any, Any] | None = None

    def cells_of(self, low: int, high: int) -> list[dict[str, Any]]:
        """The dicts of rows ``low`` to ``high - 1``: made from the groups' columns if need be.

        Each is the row's non-null cells, in column order.
        """
        if self.columns is None or self.places is None or self.groups is None:
            return self.rows[low:high]
        numbers, places = self.places
        groups, columns = self.groups, self.columns
        return [
            dict(zip(groups[number][0], [values[place] for values in columns[number]], strict=True))
            for number, place in zip(
                numbers[low:high].tolist(), places[low:high].tolist(), strict=True
            )
        ]


def _dense(column: Any) -> Any:
    """A column as one array (a table's column may be in chunks; one chunk is taken as it is)."""
    if not hasattr(column, "combine_chunks"):
        return column
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _mask_code(masks: Sequence[Any], count: int) -> Any:
    """A number for each row's set of present columns: equal sets, equal numbers."""
    code = np.zeros(count, dtype=np.int64)
    for start in range(0, len(masks), 62):  # 62 columns a word; the words folded into one code
        word = np.zeros(count, dtype=np.int64)
        for bit, mask in enumerate(masks[start : start + 62]):
            if mask is None:
                word |= np.int64(1 << bit)
            else:
                word |= mask.astype(np.int64) << np.int64(bit)
        _kept, word_code = np.unique(word, return_inverse=True)
        if start == 0:  # (the first word's numbers are already the codes: no second sort)
            code = word_code.reshape(-1).astype(np.int64, copy=False)
            continue
        _kept, code = np.unique(
            code * (int(word_code.max()) + 1) + word_code.reshape(-1), return_inverse=True
        )
        code = code.reshape(-1)
    return code


def _cells(
    table: pa.Table | pa.RecordBatch,
    names: Sequence[str],
    by_type: bool,
    units: _Units | None = None,
) -> _Cells:
    """Each row's non-null cells (:func:`_made_cells`), the garbage collector paused meanwhile.

    Only dicts and lists without cycles are made there; a collection in the middle
    would only walk them (a third of the time otherwise).
    """
    with paused():
        return _made_cells(table, names, by_type, units)


def _made_cells(
    table: pa.Table | pa.RecordBatch,
    names: Sequence[str],
    by_type: bool,
    units: _Units | None = None,
) -> _Cells:
    """Each row's non-null cells, built one set of present columns at a time.

    Rows are numbered by which columns hold a value (and, in an events table, by
    ``type``): a few dozen such sets in a table of events. Each column becomes
    Python values once, put in the order of the sets while they are numbers, so
    that each set's rows' cells of a column are a slice of them
    (:func:`_grouped_cells`): the Python work is a step per set and column, not per
    row or cell. With ``units``, each row is a dict, or the :class:`Unit` of cells
    validated before (:class:`_Units`), its cells picked from the column's values.
    """
    pa = _pa()
    count = table.num_rows
    present: list[str] = []
    arrays: list[Any] = []  # each column with a value, as Arrow has it
    masks: list[Any] = []  # each column's cells that hold a value (None: every cell)
    filled: list[Any] = []  # the rows where each column has a value (None: every row)
    for name in names:
        column = _dense(table.column(name))
        if column.null_count == len(column):
            continue
        # the keys interned, as the model's field names are: pydantic-core finds each
        # field in the dict by the same string, not an equal one (some 7 % of validating)
        present.append(sys.intern(name))
        arrays.append(column)
        if column.null_count:  # (most event columns are mostly empty)
            mask = validity(column)
            masks.append(mask)
            filled.append(np.flatnonzero(mask))
        else:
            masks.append(None)
            filled.append(None)
    if count == 0 or not present:
        return _Cells([{} for _ in range(count)], [False] * count)
    code = _mask_code(masks, count)
    kinds: list[Any] = []
    check_each = False
    if by_type and "type" in present:
        column = _dense(table.column("type"))
        if pa.types.is_dictionary(column.type) and _is_text(column.type.value_type):
            encoded = column
        elif _is_text(column.type):
            encoded = column.dictionary_encode()
        else:
            encoded = None
        if encoded is not None:
            kinds = [*encoded.dictionary.to_pylist(), None]
            indices = _integers(encoded.indices, len(kinds) - 1)
            _kept, code = np.unique(code * len(kinds) + indices, return_inverse=True)
            code = code.reshape(-1)
        else:
            check_each = True  # not text: each event's type is looked at on its own
    if units is None:
        order, sorted_code = _group_order(code)
        columns: list[list[Any]] = []  # each column's values in the groups' order
        fine: dict[str, str] = {}  # the columns whose cells need no validation (see _fine)
        for name, column, mask, rows in zip(present, arrays, masks, filled, strict=True):
            # its cells group after group (each group's rows ascending): put in that
            # order as numbers where they are numbers, so each group's are a slice
            cells_order = order if rows is None else _in_groups(sorted_code, code[rows])
            values = _values(name, column, valid=mask, order=cells_order)
            columns.append(values)
            verdict = _fine(column, values, mask)
            if verdict is not None:
                fine[name] = verdict
        cells = _grouped_cells(
            present, columns, masks, code, order, bool(kinds) or check_each, check_each
        )
        return dataclasses.replace(cells, fine=fine)
    columns = [
        _values(name, column, pairs=True, valid=mask)
        for name, column, mask in zip(present, arrays, masks, strict=True)
    ]
    order = np.argsort(code, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(code)))).tolist()
    made: list[Any] = []  # the rows, group after group
    for number in range(len(bounds) - 1):
        members = order[bounds[number] : bounds[number + 1]]
        first = int(members[0])
        held = [index for index, mask in enumerate(masks) if mask is None or mask[first]]
        keys = tuple(present[index] for index in held)
        made += units.rows(
            keys, [_picked(columns[index], filled[index], members) for index in held]
        )
    if len(bounds) == 2 or count == 1:  # one group: already in table order
        return _Cells(made, [False] * count)
    where = np.empty(count, dtype=np.int64)
    where[order] = np.arange(count)  # each row's place among the groups' rows
    return _Cells(list(itemgetter(*where.tolist())(made)), [False] * count)


_FIRST_INSTANT = (EARLIEST - _EPOCH) // dt.timedelta(microseconds=1)
_PAST_INSTANTS = (LATEST - _EPOCH) // dt.timedelta(microseconds=1)


def _fine(column: Any, values: list[Any], valid: Any) -> str | None:
    """Whether a field keeps every cell of a column as it is, checked on the whole column.

    ``text``: every value (of a dictionary column: every word) is text that stripping
    leaves as it is; ``instant``: a zoned timestamp column of microseconds, every
    cell in the years 1900-2199 (made by :func:`_datetimes`: aware, in UTC);
    ``flag``: a boolean column. ``None``: none of these (the cells are looked at
    with their field, see :mod:`.parquet_models`). ``values`` are the column's
    non-null cells, ``valid`` which cells are (``None``: every one).
    """
    pa = _pa()
    kind = column.type
    if pa.types.is_boolean(kind):
        return "flag"
    if pa.types.is_timestamp(kind):
        if kind.tz is None or kind.unit != "us":
            return None
        micros = whole_numbers(column)
        if valid is not None:
            micros = micros[valid]
        if len(micros) and (micros.min() < _FIRST_INSTANT or micros.max() >= _PAST_INSTANTS):
            return None
        return "instant"
    if pa.types.is_dictionary(kind) and _is_text(kind.value_type):
        values = [word for word in column.dictionary.to_pylist() if word is not None]
    elif not _is_text(kind):
        return None
    if set(map(type, values)) <= {str} and list(map(str.strip, values)) == values:
        return "text"
    return None


def _group_order(code: Any) -> tuple[Any, Any]:
    """The rows in the order of their codes (each code's rows ascending), and the codes to sort.

    The codes to sort are ``code`` as 16-bit numbers where they fit (numpy sorts those
    stably by radix, in linear time: :func:`_in_groups` sorts each column's by them).
    """
    narrow = code.astype(np.uint16) if len(code) and int(code.max()) < 1 << 16 else code
    return np.argsort(narrow, kind="stable"), narrow


def _in_groups(narrow: Any, codes: Any) -> Any:
    """The order that puts cells of rows with ``codes`` (ascending rows) group after group.

    ``None``: they are in that order already. ``narrow`` is :func:`_group_order`'s.

    Example:
        >>> import numpy as np
        >>> order, narrow = _group_order(np.array([1, 0, 1, 2, 0]))
        >>> order.tolist()  # (the rows, group 0's, then 1's, then 2's)
        [1, 4, 0, 2, 3]
        >>> _in_groups(narrow, np.array([1, 1, 2, 0])).tolist()  # (a column of four rows)
        [3, 0, 1, 2]
        >>> _in_groups(narrow, np.array([0, 1, 1])) is None
        True
    """
    order = np.argsort(codes.astype(narrow.dtype, copy=False), kind="stable")
    if len(order) < 2 or bool((order[1:] > order[:-1]).all()):
        return None
    return order


def _grouped_cells(
    present: Sequence[str],
    columns: Sequence[list[Any]],
    masks: Sequence[Any],
    code: Any,
    order: Any,
    typed: bool,
    check_each: bool,
) -> _Cells:
    """The cells of each group of rows with the same cells (and type), a column at a time.

    ``code`` numbers each row's set of present columns (and type), from 0; ``order``
    are the rows group after group (each group's ascending), and ``columns`` each
    column's cells in that order, so that a group's cells of a column are a slice of
    them (:func:`_in_groups`). :mod:`.parquet_models` checks each group's columns and
    makes the instances it vouches for from them, so no dict is made a row only to be
    copied into its instance's dict; a row's dict is made only when its order is
    validated by the model (:meth:`_Cells.cells_of`). With ``typed`` (an events
    table), a group's rows are misplaced where its type does not have one of its
    columns (every row with ``check_each``: a type that is not text).
    """
    count = len(code)
    sizes = np.bincount(code)
    starts = np.cumsum(sizes) - sizes
    places = np.empty(count, dtype=np.int64)
    places[order] = np.arange(count) - np.repeat(starts, sizes)  # each row's place in its group
    groups: list[tuple[tuple[str, ...], list[int]]] = []
    cells: list[list[list[Any]]] = []
    misplaced = [False] * count
    wrong = []
    taken = [0] * len(columns)  # how many of each column's cells the groups so far hold
    for start, size in zip(starts.tolist(), sizes.tolist(), strict=True):
        members = order[start : start + size]
        first = int(members[0])
        held = [index for index, mask in enumerate(masks) if mask is None or mask[first]]
        keys = tuple(present[index] for index in held)
        groups.append((keys, members.tolist()))
        group_cells = []
        for index in held:
            low = taken[index]
            taken[index] = low + size
            group_cells.append(columns[index][low : low + size])
        cells.append(group_cells)
        if typed:
            kind = group_cells[keys.index("type")][0] if "type" in keys else None
            allowed = _ALLOWED.get(kind) if isinstance(kind, str) else None
            wrong.append(check_each or (allowed is not None and not set(keys) <= allowed))
    if any(wrong):
        misplaced = np.array(wrong, dtype=bool)[code].tolist()
    return _Cells([], misplaced, groups, columns=cells, places=(code, places))


def _is_text(kind: Any) -> bool:
    pa = _pa()
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _is_plain_number(kind: Any) -> bool:
    """Whether an Arrow type is a boolean, whole number or 32- or 64-bit float."""
    pa = _pa()
    return bool(
        pa.types.is_boolean(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_float32(kind)
        or pa.types.is_float64(kind)
    )


def _fixed(array: Any) -> Any:
    """The cells of a boolean, whole number or float array as numpy, from its buffers.

    What is under a null cell is not a value (see :func:`~.arrow_buffers.whole_numbers`).
    """
    pa = _pa()
    kind = array.type
    if pa.types.is_boolean(kind):
        return bit_values(array)
    if pa.types.is_integer(kind):
        return whole_numbers(array)
    return buffer_values(array, np.dtype(f"f{kind.bit_width // 8}"))


def _picked(values: list[Any], filled: Any, members: Any) -> Sequence[Any]:
    """A column's values for a group's rows (``members``, ascending), each holding one.

    ``filled`` are the rows (ascending) where the column has a value, the rows of
    ``values`` (``None``: every row).
    """
    if len(values) == len(members):  # the group is every row with a value: all, in order
        return values
    places = members if filled is None else np.searchsorted(filled, members)
    if len(places) == 1:
        return (values[int(places[0])],)
    return itemgetter(*places.tolist())(values)  # type: ignore[no-any-return]


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
    ) -> tuple[_Cells, list[int]]:
        """The cells and file rows of the orders table's rows ``first`` to ``last - 1``."""
        start, stop = self.bounds[first], self.bounds[last]
        if self.table is None or start == stop:
            return _Cells([], []), []
        names = [name for name in self.table.column_names if name != "order_id"]
        cells = _cells(self.table.slice(start, stop - start), names, by_type, units)
        return cells, self.rows[start:stop]


def _int64_array(values: Any) -> pa.Array:
    """Whole numbers (a numpy array) as an Arrow ``int64`` array, made from their buffer.

    ``pa.array`` asks pandas whether its argument is a pandas object, importing it
    (a third of a second, once a process) in a reader that never needs pandas;
    :func:`_integers` does the reverse without an Arrow scalar, for the same reason.
    """
    pa = _pa()
    numbers = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(numbers), [None, pa.py_buffer(numbers)])


def _integers(array: Any, null: int) -> Any:
    """An Arrow array of whole numbers as numpy ``int64``, ``null`` where a cell is null."""
    values = whole_numbers(array).astype(np.int64)  # (a copy)
    if array.null_count:
        values[~validity(array)] = null
    return values


def _by_order(table: pa.Table | None, position: Mapping[str, int], orders: int) -> _ByOrder:
    """A table's rows grouped by the row of their order in the orders table.

    ``position`` is the first row of each text id of the orders table.
    """
    if table is None:
        return _ByOrder(None, [], [0] * (orders + 1), {})
    column = _dense(table.column("order_id"))
    if _pa().types.is_dictionary(column.type):  # (text as read, see _read_table)
        # each distinct id looked up once (only text is an order's id), each row by its code
        words = column.dictionary.to_pylist()
        found = [position.get(word, -1) if isinstance(word, str) else -1 for word in words]
        codes = _integers(column.indices, len(words))  # a null: the last, -1
        where = np.array([*found, -1], dtype=np.int64)[codes]
        lost = np.flatnonzero(where < 0)
        words.append(None)
        keys = list(map(words.__getitem__, codes[lost].tolist()))
    else:
        every = column.to_pylist()
        looked: Iterator[int]
        if _is_text(column.type):  # each id (text, or None) looked up in C
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
        table = table.take(_int64_array(order))  # already in order as written: no copy
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
    text = _pa().types.is_string
    # text as dictionaries: a few dozen types, units and terms over many rows, and each
    # order's id over its rows, decoded (and looked up, see _by_order) once each
    words = [name for name in wanted if text(schema.field(name).type)]
    # (ParquetFile, not read_table: that goes through pyarrow.dataset, which imports
    # pandas; see _int64_array)
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
    pa = _pa()
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
        order_cells = _cells(self.batch, self.names, by_type=False)
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


def _column_of(cells: _Cells, name: str, count: int) -> list[Any]:
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
    pa = _pa()
    kind = table.schema.field(name).type
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return _is_text(kind) or pa.types.is_boolean(kind) or pa.types.is_signed_integer(kind)


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
        pa = _pa()
        try:
            column = _dense(self.events.column(name))
        except pa.ArrowInvalid:
            return None
        kind = column.type
        if pa.types.is_dictionary(kind) and _is_text(kind.value_type):
            values = whole_numbers(column.indices)
        elif pa.types.is_boolean(kind):
            values = bit_values(column)  # (the bits under a null: not read)
        elif pa.types.is_signed_integer(kind):
            values = whole_numbers(column)
        elif _is_text(kind):  # (text not read as a dictionary: coded here)
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
    pa = _pa()
    try:
        column = _dense(column)
    except pa.ArrowInvalid:  # (chunks with dictionaries of their own that do not combine)
        return None
    if not pa.types.is_dictionary(column.type):
        if not _is_text(column.type):
            return None
        column = column.dictionary_encode()
    elif not _is_text(column.type.value_type):
        return None
    words = column.dictionary.to_pylist()
    if any(word is None for word in words):
        return None  # (a null word: not the reader's own dictionary)
    return _integers(column.indices, -1), tuple(words)


def _micros(batch: Any, name: str) -> Any:
    """A column of a batch of the orders table as µs (:func:`_micros_of`); ``None`` if absent."""
    if name not in batch.schema.names:
        return None
    return _micros_of(batch.column(batch.schema.get_field_index(name)))


def _micros_of(column: Any) -> Any:
    """A ``timestamp[us]`` column with a zone as ``int64`` µs (``-1`` for null); else ``None``."""
    pa = _pa()
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
    signed = _pa().types.is_signed_integer
    schema = table.schema
    return all(signed(schema.field(name).type) for name in _INT_FIELDS if name in schema.names)


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
    folded into one (:func:`_numbered_rows`).
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
    number, first = _numbered_rows([(table[:, k], size) for k in range(width)], count)
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


def _numbered_rows(parts: Sequence[tuple[Any, int]], count: int) -> tuple[Any, Any]:
    """Each row's number (equal rows of ``parts``, equal numbers) and each number's first row.

    ``parts``: columns of whole numbers from 0, each below its range. The columns are
    folded into one number while the product of their ranges fits 62 bits, renumbered
    (``np.unique``) before it would not; the numbers are given in the order their
    first rows come.

    Example:
        >>> import numpy as np
        >>> number, first = _numbered_rows([(np.array([2, 0, 2, 1]), 3),
        ...                                 (np.array([1, 1, 1, 1]), 2)], 4)
        >>> number.tolist(), first.tolist()
        ([0, 1, 0, 2], [0, 1, 3])
    """
    code = np.zeros(count, dtype=np.int64)
    span = 1
    for values, size in parts:
        if span * size >= 2**62:
            _kept, code = np.unique(code, return_inverse=True)
            code = code.reshape(-1).astype(np.int64)
            span = int(code.max(initial=0)) + 1
        code = code * size + values
        span *= size
    _kept, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    by_first = np.argsort(first, kind="stable")
    rank = np.empty(len(first), dtype=np.int64)
    rank[by_first] = np.arange(len(first), dtype=np.int64)
    return rank[inverse.reshape(-1)], first[by_first]


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
    the rows with the same cells (see :func:`_cells`; the units as dicts), and each
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
