"""The orders of a Parquet batch whose histories certainly have no issue, found from its columns.

The Parquet reader checks the history of every order it makes
(:func:`~grievance_rules.model.check_history`: a pass in Python over the order's
events, some 4 % of comparing a partition under three packs), and almost every
order has no issue. :func:`cleared` looks at a batch's columns instead, every
order and event at once in numpy, and clears the orders whose history it can
tell has none of the issues ``check_history`` reports, errors and warnings; the
reader checks the others as before, so their issues are what they were.

It is conservative: an order it clears has no issue, but an order without one
may be left to the full check. The checks that are plain over columns are
made as ``check_history`` makes them (units known and not repeated, event ids
not repeated, instants in order and after receipt, deadlines not before their
event, a handling unit reached before it acts, no callback before a reply, no
handling after 办结 without a reopening, ``dispatched_at`` the first dispatch);
the returns and extensions are cleared only in the simple shape, each request
decided (granted) before the next, the decision naming that requester or
none: two requests open at once leave the order to the full check.

The cells are read as they are; the reader asks only about orders it made from
those cells without validation (:mod:`.parquet_models`, which takes text that
stripping leaves as it is, and instants of microsecond columns), so the cells
are the orders' values. The units are the reader's :class:`~grievance_rules.model.Unit`
objects themselves (their ids as validated). A column of another type than the
reader's own schema gives (for instants, ``timestamp[us]`` with a zone), or an
order's unit that is not a ``Unit``, clears nothing there.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, repeat
from typing import Any

import numpy as np

from grievance_rules.model import EVENT_CLASSES, Unit
from grievance_rules.model.enums import UPSTREAM_UNIT_KINDS
from grievance_rules.model.history import HANDLING_TYPES, REOPENING_TYPES
from grievance_rules.reading.arrow_buffers import buffer_values, validity, whole_numbers

__all__ = ["cleared"]

_SCREEN = True
"""Whether the reader screens its batches (a test turns it off to read the same tables
both ways; not an option)."""

_KINDS = tuple(EVENT_CLASSES)
"""The event types, numbered by their place here (a type the model does not know, or none:
the number after the last)."""
_UNIT_COLUMNS = tuple(sorted({name for cls in EVENT_CLASSES.values() for name in cls.unit_fields}))
"""Every column that names a unit in some event class (``unit``: the acting unit)."""
_DEADLINE_COLUMNS = tuple(
    sorted({name for cls in EVENT_CLASSES.values() for name in cls.instant_fields[1:]})
)
"""Every instant of an event besides its own (``at``): the instants ``check_history`` says
must not be before the event."""
_NULL = -1
"""The code of an empty cell."""
_UNKNOWN = -2
"""The code of a text not numbered (a unit id no unit of the batch has, an unknown type)."""


class _UnscreenedError(Exception):
    """A column the screen does not read (another type): the batch is left to the full check."""


def _kinds(names: frozenset[str]) -> Any:
    """Whether each event type (by number, the last for an unknown one) is among ``names``."""
    return np.array([kind in names for kind in _KINDS] + [False], dtype=bool)


_REOPENING = _kinds(REOPENING_TYPES)
_HANDLING = _kinds(HANDLING_TYPES)


def cleared(
    orders: Any,
    events: Any,
    bounds: Sequence[int],
    units: Sequence[Sequence[Any]],
) -> list[bool]:
    """Whether each order of a batch certainly has a history without issue.

    Args:
        orders: the batch of the orders table (an Arrow record batch or table).
        events: its orders' events (an Arrow table, each order's rows together, in
            the orders' order; ``None``: no events).
        bounds: ``bounds[i]:bounds[i + 1]`` are the rows of ``events`` of order ``i``
            (offsets from ``bounds[0]``).
        units: each order's units (a :class:`Unit`, or the cells of one refused).

    Returns:
        One flag an order: ``True`` only where ``check_history`` of the order made
        from these cells finds nothing.
    """
    count = orders.num_rows
    if not _SCREEN or count == 0:
        return [False] * count
    try:
        return _cleared(orders, events, bounds, units).tolist()  # type: ignore[no-any-return]
    except _UnscreenedError:
        return [False] * count


def _cleared(
    orders: Any, events: Any, bounds: Sequence[int], units: Sequence[Sequence[Any]]
) -> Any:
    count = orders.num_rows
    received, known = _instants(_column(orders, "received_at"), count)
    good = known.copy()  # (no receipt: the model refuses the order; nothing to clear)
    dispatched = _instants(_column(orders, "dispatched_at"), count)
    for instant, present in (dispatched, _instants(_column(orders, "reply_deadline"), count)):
        good &= ~(present & (instant < received))
    for name in ("special_kinds", "flags"):
        good &= ~_listed_twice(_column(orders, name), count)
    held = _Units(units, count)
    good &= ~held.bad
    edges = np.asarray(bounds, dtype=np.int64) - bounds[0]
    size = int(edges[-1])
    if size == 0 or events is None:
        return good
    good &= ~_History(events, edges, size, held).with_issue(received, dispatched)
    return good


class _Units:
    """Each order's units, as a table: whether a unit id is one of an order's, and its side.

    The unit ids of the batch are numbered (``ids``); ``side[order * width + number]``
    is ``0`` where the order has no unit of that id, ``1`` where it is a handling unit,
    ``2`` where it is upstream (``width``: the count of ids, at least one). A batch
    whose table would be too large (thousands of distinct unit ids) is not screened.
    """

    _LARGEST = 1 << 23
    """Cells of the table at most (a byte each)."""

    def __init__(self, units: Sequence[Sequence[Any]], count: int) -> None:
        every = list(chain.from_iterable(units))
        # each distinct unit (one object shared by the orders with the same cells) looked at once
        objects = np.fromiter(map(id, every), dtype=np.uint64, count=len(every))
        _distinct, first, which = np.unique(objects, return_index=True, return_inverse=True)
        self.ids: dict[str, int] = {}
        numbers = []
        sides = []
        for unit in map(every.__getitem__, first.tolist()):
            if type(unit) is Unit:
                numbers.append(self.ids.setdefault(unit.id, len(self.ids)))
                sides.append(2 if unit.kind in UPSTREAM_UNIT_KINDS else 1)
            else:  # (cells the model refused: the order is validated, not screened)
                numbers.append(_UNKNOWN)
                sides.append(0)
        self.width = width = max(len(self.ids), 1)
        if count * width > self._LARGEST:
            raise _UnscreenedError
        which = which.reshape(-1)
        codes = np.array(numbers, dtype=np.int64)[which]
        owner = np.repeat(np.arange(count), np.fromiter(map(len, units), np.int64, count=count))
        self.bad = np.zeros(count, dtype=bool)
        """The orders with a unit that is not a :class:`Unit`, or an id twice."""
        self.bad[owner[codes < 0]] = True
        kept = codes >= 0
        keys = owner[kept] * width + codes[kept]
        ordered = np.sort(keys)
        self.bad[ordered[1:][ordered[1:] == ordered[:-1]] // width] = True
        self.side = np.zeros(count * width, dtype=np.int8)
        self.side[keys] = np.array(sides, dtype=np.int8)[which][kept]


class _History:
    """The events of a batch's orders, as numpy arrays (:func:`cleared`).

    The cells of the unit columns, mostly empty but for ``unit``, are kept as the
    rows that hold one and their units' numbers (:func:`_cells`).
    """

    def __init__(self, events: Any, edges: Any, size: int, units: _Units) -> None:
        self.size = size
        self.edges = edges
        self.owner = np.repeat(np.arange(len(edges) - 1), np.diff(edges))
        """Each event's order (its place in the batch)."""
        self.start = edges[:-1][self.owner]
        """The row of the first event of each event's order."""
        self.row = np.arange(size)
        numbers = {kind: number for number, kind in enumerate(_KINDS)}
        kind = _dense(*_cells(_column(events, "type"), size, numbers), size, _NULL)
        self.kind = np.where(kind < 0, len(_KINDS), kind)
        """Each event's type, by number (an unknown one, or none: the number after the last)."""
        self.reopening = _REOPENING[self.kind]
        self.at, self.dated = _instants(_column(events, "at"), size)
        self.units = units
        self.refs = {name: _cells(_column(events, name), size, units.ids) for name in _UNIT_COLUMNS}
        self.actor = _dense(*self.refs["unit"], size, _NULL)
        """Each event's acting unit, by number (``-1``: none)."""
        self.events = events

    def is_kind(self, name: str) -> Any:
        return self.kind == _KINDS.index(name)

    def same_order_as_previous(self, rows: Any) -> Any:
        """Whether each of ``rows`` (ascending) has the row before it in ``rows`` in its order."""
        same = np.zeros(len(rows), dtype=bool)
        same[1:] = self.owner[rows[1:]] == self.owner[rows[:-1]]
        return same

    def with_issue(self, received: Any, dispatched: tuple[Any, Any]) -> Any:
        """Whether each order has an event the screen cannot clear."""
        bad = (self.kind == len(_KINDS)) | ~self.dated
        at = self.at
        bad |= at < received[self.owner]
        bad[1:] |= (at[1:] < at[:-1]) & (self.owner[1:] == self.owner[:-1])
        for name in _DEADLINE_COLUMNS:
            deadline, present = _instants(_column(self.events, name), self.size)
            bad |= present & (deadline < at)
        for rows, codes in self.refs.values():
            side = self.side_of(rows, codes)
            bad[rows[side == 0]] = True  # (not a unit of the order)
        rows, codes = self.refs["unit"]
        side = np.zeros(self.size, dtype=np.int8)
        side[rows] = self.side_of(rows, codes)
        bad |= self.unreached(side == 1)
        bad |= self.after_closed(side == 2)
        bad |= self.callback_before_reply()
        bad |= self.repeated_ids()
        bad |= self.decisions("return_requested", "return_decided", "requester")
        bad |= self.decisions("extension_requested", "extension_granted", "for_unit")
        orders = len(self.edges) - 1
        out = np.bincount(self.owner[bad], minlength=orders) > 0
        return out | self.dispatch_differs(*dispatched)

    def side_of(self, rows: Any, codes: Any) -> Any:
        """The side of the unit each cell names in its order (see :class:`_Units`; ``0``: none)."""
        side = np.zeros(len(rows), dtype=np.int8)
        known = codes >= 0
        places = self.owner[rows[known]] * self.units.width + codes[known]
        side[known] = self.units.side[places]
        return side

    def unreached(self, acting: Any) -> Any:
        """A handling unit acting (``acting``) before a dispatch, reassignment ... to it.

        A unit is reached after an event of those kinds naming it ``to_unit``, or from
        its own 主动承办 on (that event included): at twice the event's row, plus one
        for the former.
        """
        width = self.units.width
        rows, target = self.refs["to_unit"]
        sent = self.reopening[rows] & (target >= 0)
        rows, target = rows[sent], target[sent]
        proactive = np.flatnonzero(self.is_kind("proactive_handling") & (self.actor >= 0))
        keys = np.concatenate(
            (
                self.owner[rows] * width + target,
                self.owner[proactive] * width + self.actor[proactive],
            )
        )
        when = np.concatenate((2 * rows + 1, 2 * proactive))
        order = np.lexsort((when, keys))
        keys, when = keys[order], when[order]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        keys, when = keys[first], when[first]  # when each unit of each order is first reached
        acts = np.flatnonzero(acting)
        bad = np.zeros(self.size, dtype=bool)
        if not len(keys):
            bad[acts] = True
            return bad
        wanted = self.owner[acts] * width + self.actor[acts]
        place = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        bad[acts] = (keys[place] != wanted) | (when[place] > 2 * acts)
        return bad

    def last(self, rows: Any) -> Any:
        """For each event, the last of ``rows`` (a mask) at or before it (``-1``: none)."""
        return np.maximum.accumulate(np.where(rows, self.row, -1))

    def after_closed(self, upstream: Any) -> Any:
        """A handling event of a unit not ``upstream`` after 办结, with no reopening since."""
        closed = self.last(self.is_kind("closed"))
        reopened = self.last(self.reopening)
        handling = _HANDLING[self.kind] & ~upstream
        return handling & (closed >= self.start) & (closed > reopened)

    def callback_before_reply(self) -> Any:
        replied = self.last(self.is_kind("replied"))
        return self.is_kind("callback") & (replied < self.start)

    def repeated_ids(self) -> Any:
        """An event id said twice in an order (both events)."""
        rows, codes = _cells(_column(self.events, "id"), self.size, None)
        bad = np.zeros(self.size, dtype=bool)
        if len(rows) < 2:
            return bad
        keys = self.owner[rows] * (int(codes.max()) + 1) + codes
        order = np.argsort(keys, kind="stable")
        twice = keys[order][1:] == keys[order][:-1]
        bad[rows[order][1:][twice]] = True
        return bad

    def decisions(self, asked: str, decided: str, named: str) -> Any:
        """Returns (or extensions) not in the simple shape: each request decided before the next.

        ``check_history`` keeps the requesting units of the open requests; with each
        request decided before the next, only one is open at a decision, the decision
        finds it (naming no unit, or the unit that asked) and none is left. Any other
        shape (a decision first, two requests or decisions in a row, a decision naming
        another unit) is left to the full check.
        """
        rows = np.flatnonzero(self.is_kind(asked) | self.is_kind(decided))
        if not len(rows):
            return np.zeros(self.size, dtype=bool)
        is_decision = self.kind[rows] == _KINDS.index(decided)
        before = np.zeros(len(rows), dtype=bool)  # whether the row before in rows is a request
        before[1:] = ~is_decision[:-1]
        before &= self.same_order_as_previous(rows)
        requester = np.full(len(rows), _NULL)
        requester[1:] = self.actor[rows[:-1]]
        name = _dense(*self.refs[named], self.size, _NULL)[rows]
        fits = (name == _NULL) | ((name >= 0) & (name == requester))
        wrong = np.where(is_decision, ~(before & fits), before)
        bad = np.zeros(self.size, dtype=bool)
        bad[rows[wrong]] = True
        return bad

    def dispatch_differs(self, dispatched: Any, given: Any) -> Any:
        """Orders whose ``dispatched_at`` is not the instant of their first dispatch."""
        rows = np.flatnonzero(self.is_kind("dispatched"))
        out = np.zeros(len(given), dtype=bool)
        if not len(rows):
            return out
        first = rows[~self.same_order_as_previous(rows)]
        orders = self.owner[first]
        out[orders] = given[orders] & (dispatched[orders] != self.at[first])
        return out


def _column(table: Any, name: str) -> Any:
    """A column of a table or batch as one array (``None``: no such column, or every cell null)."""
    if name not in table.schema.names:
        return None
    column = table.column(name)
    if hasattr(column, "combine_chunks"):
        column = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    return None if column.null_count == len(column) else column


def _instants(array: Any, count: int) -> tuple[Any, Any]:
    """Microseconds since 1970 of a zoned ``timestamp[us]`` column, and which cells hold one."""
    if array is None:
        return np.zeros(count, dtype=np.int64), np.zeros(count, dtype=bool)
    import pyarrow as pa

    kind = array.type
    if not pa.types.is_timestamp(kind) or kind.unit != "us" or kind.tz is None:
        raise _UnscreenedError
    return buffer_values(array, np.dtype("i8")), validity(array)


def _cells(array: Any, count: int, numbers: dict[str, int] | None) -> tuple[Any, Any]:
    """The rows of a text column that hold a value, and each one's number (numpy ``int64``).

    With ``numbers``, each text's number there (``-2``: not there); without, equal
    texts have equal numbers.
    """
    if array is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    import pyarrow as pa

    kind = array.type
    if pa.types.is_dictionary(kind) and pa.types.is_string(kind.value_type):
        words = array.dictionary.to_pylist()
        indices = array.indices
        places = whole_numbers(indices)
        rows = np.flatnonzero(validity(indices)) if indices.null_count else np.arange(count)
        places = places[rows] if indices.null_count else places
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        words = array.to_pylist()
        rows = np.flatnonzero(validity(array)) if array.null_count else np.arange(count)
        places = rows
    else:
        raise _UnscreenedError
    if numbers is None:
        # (a dictionary may hold a text twice: each word takes the number of its last place)
        last = dict(zip(words, range(len(words)), strict=True))
        table = list(map(last.__getitem__, words))
    else:
        table = list(map(numbers.get, words, repeat(_UNKNOWN)))
    return rows, np.array(table, dtype=np.int64)[places]


def _dense(rows: Any, codes: Any, count: int, empty: int) -> Any:
    """Numbers of some rows (:func:`_cells`) as one a row, ``empty`` in the others."""
    if len(rows) == count:
        return codes
    out = np.full(count, empty, dtype=np.int64)
    out[rows] = codes
    return out


def _listed_twice(array: Any, count: int) -> Any:
    """Whether each list cell holds a value twice (a list column; ``None``: none does)."""
    if array is None:
        return np.zeros(count, dtype=bool)
    import pyarrow as pa

    kind = array.type
    if not (pa.types.is_list(kind) or pa.types.is_large_list(kind)) or not (
        pa.types.is_string(kind.value_type) or pa.types.is_large_string(kind.value_type)
    ):
        raise _UnscreenedError
    offsets = array.offsets
    ends = whole_numbers(offsets)
    out = np.zeros(count, dtype=bool)
    for row in np.flatnonzero(np.diff(ends) >= 2).tolist():  # (most lists: one value, or none)
        values = array[row].as_py()
        out[row] = values is not None and len(set(values)) != len(values)
    return out
