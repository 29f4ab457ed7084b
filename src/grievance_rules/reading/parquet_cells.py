"""A Parquet table's cells as Python values: a column at a time, grouped by the cells rows hold.

The Parquet reader (:mod:`.parquet`) turns each batch of a table into the values
the model is given: instants as UTC datetimes made from their microseconds
(:func:`_datetimes`), text looked up once a distinct word, numbers from the
arrays' buffers (:mod:`.arrow_buffers`), maps as dicts. Rows are grouped by which
columns hold a value (and, in an events table, by ``type``), so that a group's
cells of a column are a slice of that column's values (:func:`table_cells`,
:class:`Cells`); :func:`_fine` tells which columns need no check a cell. No
Python step is made a cell where numpy or C can make it a column.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np

from grievance_rules.collector import paused
from grievance_rules.model import EVENT_CLASSES
from grievance_rules.model.base import EARLIEST, LATEST
from grievance_rules.reading.arrow_buffers import (
    bit_values,
    buffer_values,
    int64_values,
    validity,
    whole_numbers,
)
from grievance_rules.reading.parquet_layout import require_pyarrow

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "FIELDS_OF_TYPE",
    "Cells",
    "UnitRows",
    "dense",
    "is_text",
    "numbered_rows",
    "table_cells",
]


class UnitRows(Protocol):
    """What makes a units table's rows (the reader's units, shared among its orders)."""

    def rows(self, keys: tuple[str, ...], columns: Sequence[Sequence[Any]]) -> list[Any]:
        """The rows of a group holding ``keys``: each a dict, or a unit validated before."""
        ...


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
_FIRST_MICROS = (dt.datetime.min.replace(tzinfo=dt.UTC) - _EPOCH) // _MICROSECOND
_LAST_MICROS = (dt.datetime.max.replace(tzinfo=dt.UTC) - _EPOCH) // _MICROSECOND
"""The first and last instants a datetime holds, in µs since 1970."""
_FIRST_INSTANT = (EARLIEST - _EPOCH) // _MICROSECOND
_PAST_INSTANTS = (LATEST - _EPOCH) // _MICROSECOND
"""The instants the model takes, in µs since 1970 (from the first, up to the other)."""

FIELDS_OF_TYPE = {kind: frozenset(cls.model_fields) for kind, cls in EVENT_CLASSES.items()}
"""The fields of each event type (a cell of another column is misplaced on its row)."""


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
    pa = require_pyarrow()
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

    With ``pairs``, maps as tuples of pairs instead (hashable: the reader finds the units
    alike by their cells, ``parquet._Units``).
    With ``valid`` (whether each cell holds a value, numpy ``bool``), only the cells
    that do, in order: picked from the column's values in numpy or in C, not by
    Arrow's ``drop_null``, which would import pyarrow.compute (a fifth of a second)
    for it (see :func:`~.arrow_buffers.int64_array`). With ``order`` (numpy positions among those
    cells), the cells at those positions, in that order: text of a dictionary,
    numbers and instants put in order as numbers, before any Python value is made.
    """
    pa = require_pyarrow()
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        return _instants(column, valid, order)
    if pa.types.is_timestamp(kind):  # naive (a foreign file's wall time): read as the zoned
        # are, then without their zone (Arrow's own conversion overflowed on year 20000)
        zoned = _instants(column.cast(pa.timestamp(kind.unit, tz="UTC")), valid, order)
        return [v.replace(tzinfo=None) if isinstance(v, dt.datetime) else _wall(v) for v in zoned]
    if pa.types.is_dictionary(kind):
        # text read as a dictionary (see parquet._read_table): each distinct value made once,
        # the cells looked up in C (Arrow makes a value a cell, through scalars, else)
        words = column.dictionary.to_pylist()
        words.append(None)  # (what a null cell's code, -1, finds without ``valid``)
        if valid is not None:  # (the cells of the indices that hold one: no copy, no fill)
            codes = whole_numbers(column.indices)[valid]
        else:
            codes = int64_values(column.indices, -1)
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
class Cells:
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


def dense(column: Any) -> Any:
    """A column as one array (a table's column may be in chunks; one chunk is taken as it is)."""
    if not hasattr(column, "combine_chunks"):
        return column
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def numbered_rows(parts: Sequence[tuple[Any, int]], count: int) -> tuple[Any, Any]:
    """Each row's number (equal rows of ``parts``, equal numbers) and each number's first row.

    ``parts``: columns of whole numbers from 0, each below its range. The columns are
    folded into one number while the product of their ranges fits 62 bits, renumbered
    (``np.unique``) before it would not; the numbers are given in the order their
    first rows come.

    Example:
        >>> import numpy as np
        >>> number, first = numbered_rows([(np.array([2, 0, 2, 1]), 3),
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


def table_cells(
    table: pa.Table | pa.RecordBatch,
    names: Sequence[str],
    by_type: bool,
    units: UnitRows | None = None,
) -> Cells:
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
    units: UnitRows | None = None,
) -> Cells:
    """Each row's non-null cells, built one set of present columns at a time.

    Rows are numbered by which columns hold a value (and, in an events table, by
    ``type``): a few dozen such sets in a table of events. Each column becomes
    Python values once, put in the order of the sets while they are numbers, so
    that each set's rows' cells of a column are a slice of them
    (:func:`_grouped_cells`): the Python work is a step per set and column, not per
    row or cell. With ``units``, each row is a dict, or the
    :class:`~grievance_rules.model.Unit` of cells validated before (:class:`UnitRows`),
    its cells picked from the column's values.
    """
    pa = require_pyarrow()
    count = table.num_rows
    present: list[str] = []
    arrays: list[Any] = []  # each column with a value, as Arrow has it
    masks: list[Any] = []  # each column's cells that hold a value (None: every cell)
    filled: list[Any] = []  # the rows where each column has a value (None: every row)
    for name in names:
        column = dense(table.column(name))
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
        return Cells([{} for _ in range(count)], [False] * count)
    # the rows numbered by the columns they hold (a column in every row tells none
    # apart), and by type
    parts = [(mask.astype(np.int64), 2) for mask in masks if mask is not None]
    kinds: list[Any] = []
    check_each = False
    if by_type and "type" in present:
        column = dense(table.column("type"))
        if pa.types.is_dictionary(column.type) and is_text(column.type.value_type):
            encoded = column
        elif is_text(column.type):
            encoded = column.dictionary_encode()
        else:
            encoded = None
        if encoded is not None:
            kinds = [*encoded.dictionary.to_pylist(), None]
            parts.append((int64_values(encoded.indices, len(kinds) - 1), len(kinds)))
        else:
            check_each = True  # not text: each event's type is looked at on its own
    code = numbered_rows(parts, count)[0]
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
        return Cells(made, [False] * count)
    where = np.empty(count, dtype=np.int64)
    where[order] = np.arange(count)  # each row's place among the groups' rows
    return Cells(list(itemgetter(*where.tolist())(made)), [False] * count)


def _fine(column: Any, values: list[Any], valid: Any) -> str | None:
    """Whether a field keeps every cell of a column as it is, checked on the whole column.

    ``text``: every value (of a dictionary column: every word) is text that stripping
    leaves as it is; ``instant``: a zoned timestamp column of microseconds, every
    cell in the years 1900-2199 (made by :func:`_datetimes`: aware, in UTC);
    ``flag``: a boolean column. ``None``: none of these (the cells are looked at
    with their field, see :mod:`.parquet_models`). ``values`` are the column's
    non-null cells, ``valid`` which cells are (``None``: every one).
    """
    pa = require_pyarrow()
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
    if pa.types.is_dictionary(kind) and is_text(kind.value_type):
        values = [word for word in column.dictionary.to_pylist() if word is not None]
    elif not is_text(kind):
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
) -> Cells:
    """The cells of each group of rows with the same cells (and type), a column at a time.

    ``code`` numbers each row's set of present columns (and type), from 0; ``order``
    are the rows group after group (each group's ascending), and ``columns`` each
    column's cells in that order, so that a group's cells of a column are a slice of
    them (:func:`_in_groups`). :mod:`.parquet_models` checks each group's columns and
    makes the instances it vouches for from them, so no dict is made a row only to be
    copied into its instance's dict; a row's dict is made only when its order is
    validated by the model (:meth:`Cells.cells_of`). With ``typed`` (an events
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
            allowed = FIELDS_OF_TYPE.get(kind) if isinstance(kind, str) else None
            wrong.append(check_each or (allowed is not None and not set(keys) <= allowed))
    if any(wrong):
        misplaced = np.array(wrong, dtype=bool)[code].tolist()
    return Cells([], misplaced, groups, columns=cells, places=(code, places))


def is_text(kind: Any) -> bool:
    """Whether an Arrow type is text (``string`` or ``large_string``)."""
    pa = require_pyarrow()
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _is_plain_number(kind: Any) -> bool:
    """Whether an Arrow type is a boolean, whole number or 32- or 64-bit float."""
    pa = require_pyarrow()
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
    pa = require_pyarrow()
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
