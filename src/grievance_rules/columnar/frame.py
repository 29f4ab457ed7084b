"""A batch's kept events as flat numpy arrays, built once and shared by every pack.

What an order is at its assessment instant does not depend on the pack: its kept
events, the handling unit after each, its assignments. :func:`build_frame` cuts
each order to ``as_of`` once (:func:`~grievance_rules.engine.matching.view_of`) and
lays the kept events of the whole batch end to end: order ``i``'s events are the
rows ``offsets[i]`` to ``offsets[i + 1]`` (its *global* indices), in the order's
time order. Units and event types are integer codes (``-1`` for none). Kernels find
starts, stops and occurrences with searches over these arrays
(:func:`first_from`) instead of walking each order's events.
"""

from __future__ import annotations

import datetime as dt
import operator
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, compress, repeat
from typing import Any, NamedTuple, TypeVar, overload

import numpy as np
import numpy.typing as npt

from grievance_rules.columnar.findings import first_seen_codes
from grievance_rules.columnar.instants import to_us, to_us_array
from grievance_rules.columnar.read_columns import (
    ReadAt,
    ReadColumns,
    by_batch,
    coded,
    event_us,
    order_us,
    read_columns,
    read_sources,
    rows_of,
    types_of,
    units_of,
)
from grievance_rules.engine.clocks import compile_where
from grievance_rules.engine.matching import (
    Cut,
    OrderView,
    check_integers,
    cut_of,
    integer_fields,
    view_of_cut,
)
from grievance_rules.engine.single import as_of_instant, instant_of
from grievance_rules.model import Unit, WorkOrder
from grievance_rules.model.assignments import ASSIGNING_EVENT_TYPES, Assignment, assignments
from grievance_rules.model.events import EventBase
from grievance_rules.model.handling import HOLDER_HISTORY_EVENTS, TRANSFER_EVENTS, handling_units

__all__ = [
    "AssignmentTable",
    "Frame",
    "build_frame",
    "first_from",
    "first_of_runs",
    "in_orders",
    "selector_fields",
    "union_rows",
]

_T = TypeVar("_T")
_K = TypeVar("_K")
Int64s = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

EventClass = type[EventBase]
"""An event's class (an alias: inside :class:`Frame`, ``type`` names its type codes)."""

_SCALAR_SET = frozenset((str, bool, int, float))
_SEQUENCES = (list, tuple)
_MISSING = object()
_KEPT = operator.itemgetter(1)
_INDICES = operator.itemgetter(2)
_UPSTREAM = operator.itemgetter(3)
_FIELDS = operator.attrgetter("__dict__")
"""An event's fields (its instance dict), read in C."""
_EVENTS = operator.attrgetter("events")
_RECEIVED_AT = operator.attrgetter("received_at")
_AT = operator.attrgetter("at")
_ID = operator.attrgetter("id")
_UNITS = operator.attrgetter("units")
_PLAIN_SELECTED = tuple(map(operator.attrgetter, ("channel", "category", "urgency")))
_LISTED_SELECTED = tuple(map(operator.attrgetter, ("special_kinds", "flags")))
"""What :func:`selector_fields` (and :meth:`Frame.selector_keys`, for a whole batch) reads
of an order, as it is and as a tuple, in its keys' order: the one list of them."""


@dataclass(frozen=True)
class AssignmentTable:
    """Every order's assignments as flat arrays, in order and then in the order they began.

    Attributes:
        order: the order of each assignment.
        begins: the position (among the order's kept events) of the assigning event.
        ends: the position of the event ending it, ``-1`` while it runs.
        unit: the assigned unit's code.
        dispatched: whether it began by a ``dispatched`` event (else ``reassigned``).
    """

    order: Int64s
    begins: Int64s
    ends: Int64s
    unit: Int64s
    dispatched: Bools


class CutViews(Sequence[OrderView]):
    """Each cut order's view (``view_of_cut``), made when first asked for and kept.

    The kernels ask for a few orders' views (those they read one at a time), so most
    are never made. ``held``: the handling unit after each kept event of the batch, flat
    (codes into distinct names, ``-1``: none), the order ``i``'s from ``bounds[i]`` to
    ``bounds[i + 1]``.
    """

    __slots__ = ("_bounds", "_codes", "_cuts", "_made", "_names")

    def __init__(self, cuts: Sequence[Cut], held: tuple[Int64s, list[str]], bounds: list[int]):
        codes, units = held
        self._cuts = cuts
        self._codes = codes
        self._names = np.empty(len(units) + 1, dtype=object)  # (the last, None: code -1)
        self._names[:-1] = units
        self._bounds = bounds
        self._made: list[OrderView | None] = [None] * len(cuts)

    def __len__(self) -> int:
        return len(self._cuts)

    @overload
    def __getitem__(self, i: int) -> OrderView: ...
    @overload
    def __getitem__(self, i: slice) -> list[OrderView]: ...
    def __getitem__(self, i: int | slice) -> OrderView | list[OrderView]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        view = self._made[i]  # (an index out of range raises IndexError here)
        if view is None:
            k = i + len(self) if i < 0 else i
            held = self._names[self._codes[self._bounds[k] : self._bounds[k + 1]]].tolist()
            view = self._made[k] = view_of_cut(self._cuts[k], held)
        return view

    def __iter__(self) -> Iterator[OrderView]:
        return map(self.__getitem__, range(len(self)))


@dataclass
class Frame:
    """The kept events of a batch as flat arrays (see the module docstring).

    Attributes:
        orders: the orders.
        instants: each order's assessment instant.
        views: each order cut to its instant (a view made when first asked for, where
            the frame cut them: :class:`CutViews`).
        upstream: each order's upstream unit ids (``views[i].upstream``).
        offsets: order ``i``'s events are the global rows ``offsets[i]:offsets[i + 1]``.
        order: per event, its order.
        pos: per event, its position among the order's kept events.
        index: per event, its index in ``order.events``.
        at_us: per event, its instant (µs UTC).
        unit: per event, the acting unit's code (``-1``: none).
        handling: per event, the handling unit's code after it (``-1``: none).
        type: per event, its type's code.
        events: the event objects, in the same rows.
        attrs: per event, its fields' values by name (the model's ``__dict__``: read
            there rather than through the model, several times faster).
        first_handling: per order, the code of its first handling unit (``-1``: none).
        received_us: per order, its receipt.
        instants_us: per order, its assessment instant.
    """

    orders: Sequence[WorkOrder]
    instants: Sequence[dt.datetime]
    views: Sequence[OrderView]
    upstream: Sequence[frozenset[str]]
    offsets: Int64s
    order: Int64s
    pos: Int64s
    index: Int64s
    at_us: Int64s
    unit: Int64s
    handling: Int64s
    type: Int64s
    events: list[EventBase]
    attrs: list[dict[str, Any]]
    type_codes: dict[str, int]
    unit_codes: dict[str, int]
    unit_names: list[str]
    first_handling: Int64s
    received_us: Int64s
    instants_us: Int64s
    _assignments: list[tuple[Assignment, ...] | None] = field(default_factory=list, repr=False)
    _table: AssignmentTable | None = field(default=None, repr=False)
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False)
    _read: ReadColumns | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.orders)

    # What the kernels read of the events goes through the methods below, by field and
    # global row, never through the objects' lists: an event object is asked for only
    # where a model function takes one (``event``, ``events_at``).

    @property
    def size(self) -> int:
        """How many events the frame holds (its global rows ``0`` to ``size - 1``)."""
        return len(self.at_us)

    def event(self, row: int) -> EventBase:
        """The event at a global row, for a model function that takes the object."""
        return self.events[row]

    def events_at(self, rows: Sequence[int]) -> list[EventBase]:
        """The events at global rows, for a model function that takes the objects."""
        return list(map(self.events.__getitem__, rows))

    def classes_at(self, rows: Sequence[int]) -> list[EventClass]:
        """The class of the event at each global row."""
        return list(map(type, map(self.events.__getitem__, rows)))

    def values_of_type(self, event_type: str, name: str) -> list[Any]:
        """A field of the events of one type (one of its class's fields).

        In the order of :meth:`rows_of_type`.
        """
        return list(map(operator.itemgetter(name), self.attrs_of_type(event_type)))

    def values_at(self, rows: Sequence[int], name: str, default: Any = None) -> list[Any]:
        """``getattr(event, name, default)`` of the event at each global row.

        A field's value is read from where the event holds its fields; for a row whose
        event has no such field, the event is asked only if its class has an attribute of
        that name (or the name is private), else ``default`` is given.
        """
        held = list(map(self.attrs.__getitem__, rows))
        try:
            return list(map(operator.itemgetter(name), held))  # (a field of every row's event)
        except KeyError:
            pass
        found = [fields.get(name, _MISSING) for fields in held]
        private = name.startswith("_")
        asked: dict[EventClass, bool] = {}  # (whether a class has it: once a class)
        for k in [k for k, value in enumerate(found) if value is _MISSING]:
            cls = self.class_at(rows[k])
            ask = asked.get(cls)
            if ask is None:
                ask = asked[cls] = private or hasattr(cls, name)
            found[k] = getattr(self.event(rows[k]), name, default) if ask else default
        return found

    def class_at(self, row: int) -> EventClass:
        """The class of the event at a global row."""
        return type(self.events[row])

    def unit_code(self, unit: str | None) -> int:
        """The code of a unit id (``-1`` for none or a unit no event names)."""
        return -1 if unit is None else self.unit_codes.get(unit, -2)

    def code_for(self, unit: str | None) -> int:
        """The code of a unit id, given one if it has none yet (``-1`` for none)."""
        if unit is None:
            return -1
        code = self.unit_codes.get(unit)
        if code is None:
            code = self.unit_codes[unit] = len(self.unit_names)
            self.unit_names.append(unit)
        return code

    def _codes_for(self, units: list[str]) -> Int64s:
        """:meth:`code_for` of each unit id (none ``None``), looked up in C when all have one."""
        found = list(map(self.unit_codes.get, units))
        if None in found:
            found = list(map(self.code_for, units))
        return np.asarray(found, dtype=np.int64)

    def unit_name(self, code: int) -> str | None:
        """The unit id of a code (``None`` for ``-1``)."""
        return None if code < 0 else self.unit_names[code]

    def handling_at(self, i: int, at_us: int) -> str | None:
        """The unit handling order ``i`` at an instant (µs), else its first handling unit.

        The handling unit after its last kept event by then (:attr:`handling`).
        """
        reader: Callable[[int, int], str | None] = self.remember(
            "handling-at", self._handling_reader
        )
        return reader(i, at_us)

    def _handling_reader(self) -> Callable[[int, int], str | None]:
        """:meth:`handling_at`, its columns read as lists once."""
        at_l = self.remember("at-list", self.at_us.tolist)
        offsets = self.remember("offsets-list", self.offsets.tolist)
        handling = self.remember("handling-list", self.handling.tolist)
        first = self.first_handling.tolist()
        names = self.unit_names

        def handling_at(i: int, at_us: int) -> str | None:
            low = offsets[i]
            last = bisect_right(at_l, at_us, low, offsets[i + 1]) - 1
            code = handling[last] if last >= low else -1
            if code < 0:
                code = first[i]
            return None if code < 0 else names[code]

        return handling_at

    def assignments(self, i: int) -> tuple[Assignment, ...]:
        """Order ``i``'s assignments over its kept events (computed once for every pack)."""
        found = self._assignments[i]
        if found is None:
            rows, bounds = self.remember("assigning-rows", self._assigning_rows)
            chosen = rows[bounds[i] : bounds[i + 1]]
            found = ()
            if chosen:
                found = _positioned(
                    self._assigning(chosen), self.pos[chosen].tolist(), self.orders[i].units
                )
            self._assignments[i] = found
        return found

    def _assigning(self, rows: list[int]) -> list[_Assigning]:
        """The events at global rows as ``assignments`` reads them.

        Their fields read a field at a time, not from each event object.
        """
        names = self.remember("type-names", lambda: list(self.type_codes))
        return list(
            map(
                _Assigning,
                map(names.__getitem__, self.type[rows].tolist()),
                self.values_at(rows, "unit"),
                self.values_at(rows, "to_unit"),
                self.values_at(rows, "from_unit"),
                self.values_at(rows, "decision"),
                self.values_at(rows, "requester"),
            )
        )

    def _assigning_rows(self) -> tuple[list[int], list[int]]:
        """The global rows of the events assignments read, and where each order's begin."""
        rows = np.sort(np.concatenate([self.rows_of_type(t) for t in ASSIGNING_EVENT_TYPES]))
        return rows.tolist(), np.searchsorted(rows, self.offsets).tolist()

    def assignment_table(self) -> AssignmentTable:
        """Every order's assignments as flat arrays (computed once).

        An order whose only event of the types assignments read is a dispatch (most
        orders) has the assignment :func:`assignments` reads from it, found for all such
        orders at once: one if the dispatch sends the order down from upstream (or from
        an unrecorded sender), none otherwise. The others are read order by order.
        """
        if self._table is None:
            rows_l, bounds_l = self.remember("assigning-rows", self._assigning_rows)
            rows, bounds = np.asarray(rows_l, dtype=np.int64), np.asarray(bounds_l, dtype=np.int64)
            counts = bounds[1:] - bounds[:-1]
            alone = counts == 1  # (and its one row a dispatch, below)
            first = counts  # each order's first assigning row (one with none: not read)
            if len(rows):
                first = rows[np.minimum(bounds[:-1], len(rows) - 1)]
                alone &= self.type[first] == self.type_codes.get("dispatched", -1)
            # the orders with one dispatch: its target and sender, and the order's upstream
            single = np.flatnonzero(alone)
            sent = first[single].tolist()
            upstream = self.upstream
            to_units = self.values_at(sent, "to_unit")
            down = [
                target is not None
                and target not in upstream[i]
                and (sender is None or sender in upstream[i])
                for i, target, sender in zip(
                    single.tolist(), to_units, self.values_at(sent, "unit"), strict=True
                )
            ]
            kept = np.asarray(down, dtype=bool)
            sent_kept = first[single][kept]  # (the dispatches that begin an assignment)
            single = single[kept]
            targets = list(compress(to_units, down))
            # the other orders' assignments, read order by order (their events read at
            # once), kept for :meth:`assignments` too
            order: list[int] = []
            begins: list[int] = []
            ends: list[int] = []
            units: list[int] = []
            how: list[bool] = []
            others = (counts > 0) & ~alone
            chosen = rows[np.repeat(others, counts)]
            read = self._assigning(chosen.tolist())
            at = 0
            of_orders = self.orders
            pos = self.pos[chosen].tolist()
            for i, count in zip(
                np.flatnonzero(others).tolist(), counts[others].tolist(), strict=True
            ):
                found = self._assignments[i]
                if found is None:
                    found = self._assignments[i] = _positioned(
                        read[at : at + count], pos[at : at + count], of_orders[i].units
                    )
                for a in found:
                    order.append(i)
                    begins.append(a.begins)
                    ends.append(-1 if a.ends is None else a.ends)
                    units.append(self.code_for(a.unit))
                    how.append(a.how == "dispatched")
                at += count
            all_orders = np.concatenate((single, np.asarray(order, dtype=np.int64)))
            by_order = np.argsort(all_orders, kind="stable")
            self._table = AssignmentTable(
                all_orders[by_order],
                np.concatenate((self.pos[sent_kept], np.asarray(begins, np.int64)))[by_order],
                np.concatenate(
                    (np.full(len(single), -1, dtype=np.int64), np.asarray(ends, np.int64))
                )[by_order],
                np.concatenate(
                    (
                        self._codes_for(targets),
                        np.asarray(units, dtype=np.int64),
                    )
                )[by_order],
                np.concatenate((np.ones(len(single), dtype=bool), np.asarray(how, bool)))[by_order],
            )
        return self._table

    def where_rows(self, event_type: str, where: dict[str, Any]) -> Int64s:
        """Global rows of the events of a type that pass a ``where`` (as the engine's filter)."""

        def passing() -> Int64s:
            rows = self.rows_of_type(event_type)
            chosen: Int64s = rows[self.passes(rows, where)]
            return chosen

        return self.remember(("where-rows", event_type, _where_key(where)), passing)

    def passes(self, rows: Int64s, where: dict[str, Any]) -> Bools:
        """Whether the events at ``rows`` pass a ``where`` (the engine's ``compile_where``).

        Each event is judged once per distinct ``where`` over the whole call, whichever
        rule or pack asks.
        """
        # the filter, and each event's verdict so far (-1: not judged yet)
        entry: tuple[Callable[[object], bool], npt.NDArray[np.int8]] = self.remember(
            ("where", _where_key(where)),
            lambda: (compile_where(where), np.full(self.size, -1, dtype=np.int8)),
        )
        test, verdicts = entry
        unknown = rows[verdicts[rows] < 0]
        if len(unknown):
            # the filter reads only these attributes (a ``_count`` its list's length as
            # well): events alike in them (and in class) are judged once
            names = sorted(where)
            counted = [n.removesuffix("_count") for n in names if n.endswith("_count")]
            at = unknown.tolist()
            classes = self.classes_at(at)
            kinds = set(classes)
            read = [
                *(self._attribute(n, at, kinds) for n in names),
                *(self._attribute(n, at, kinds, length=n not in where) for n in counted),
            ]
            # events of one class: what they read tells them apart; one column: its
            # values are the keys themselves (no tuple to build and hash)
            columns = read if read and len(kinds) == 1 else [classes, *read]
            keys: list[Any] = columns[0] if len(columns) == 1 else list(zip(*columns, strict=True))
            try:
                distinct = dict.fromkeys(keys)
            except TypeError:  # an unhashable value (a list): each event judged on its own
                verdicts[unknown] = np.asarray(
                    _judged_one_by_one(test, keys, self.events_at(at)), np.int8
                )
            else:
                # the first event of each kind stands for it (the last written, reversed)
                first = dict(zip(reversed(keys), reversed(at), strict=True))
                verdict_of = {key: test(self.event(first[key])) for key in distinct}
                verdicts[unknown] = np.fromiter(
                    map(verdict_of.__getitem__, keys), dtype=np.int8, count=len(keys)
                )
        result: Bools = verdicts[rows] == 1
        return result

    def _attribute(
        self,
        name: str,
        rows: list[int],
        kinds: set[EventClass],
        *,
        length: bool = False,
    ) -> list[Any]:
        """An attribute of the event at each global row, as ``getattr(event, name, _MISSING)``.

        Read by field (:meth:`values_at`) where it is a field of every class, and known
        missing where it is no attribute of any (a pydantic model looks a missing one
        up slowly). ``length``: a list or tuple as ``(its length,)`` (what a ``_count``
        filter reads of it, and hashable). Values none of which is a str, bool, int or
        float are given as their objects' ids (a key telling events apart at least as
        finely as the values do).
        """
        if all(name in kind.model_fields for kind in kinds):
            found = self.values_at(rows, name)
        elif name.startswith("_") or any(hasattr(kind, name) for kind in kinds):
            found = [
                getattr(e, name, _MISSING) for e in self.events_at(rows)
            ]  # a class's or private
        elif any(name in kind.model_fields for kind in kinds):
            # a field of some of the kinds (a pydantic class does not have its fields as
            # attributes): read where the events hold their fields, missing from the others
            found = self.values_at(rows, name, _MISSING)
        else:
            # (a model's instance has no attribute but its fields, its class's and private ones)
            return [_MISSING] * len(rows)
        if length:
            return [(len(v),) if isinstance(v, _SEQUENCES) else v for v in found]
        if set(map(type, found)).isdisjoint(_SCALAR_SET):
            # no str, bool, int or float: each object by its identity (an enum member hashes
            # in Python, slowly; the same object is the same value)
            return list(map(id, found))
        return found

    def rows_of_type(self, event_type: str) -> Int64s:
        """The global rows of the events of one type, in increasing order."""

        def rows() -> Int64s:
            code = self.type_codes.get(event_type)
            if code is None:
                return np.zeros(0, dtype=np.int64)
            return np.flatnonzero(self.type == code).astype(np.int64)

        return self.remember(("type-rows", event_type), rows)

    def attrs_of_type(self, event_type: str) -> list[dict[str, Any]]:
        """The :attr:`attrs` of the events of one type, in the order of :meth:`rows_of_type`."""
        return self.remember(
            ("type-attrs", event_type),
            lambda: list(map(self.attrs.__getitem__, self.rows_of_type(event_type).tolist())),
        )

    def read(
        self,
        event_type: str,
        name: str,
        reader: Callable[[EventBase, str | None, frozenset[str]], Any],
        *,
        plain: bool = False,
        column: Callable[[Frame, str], list[Any]] | None = None,
    ) -> list[Any]:
        """One field of every event of a type, as ``reader`` reads it (once per call).

        ``reader`` is the engine's reader of that field for that event type (it is
        given the event, the handling unit after it and the order's upstream units);
        any pack reads the same values, so they are kept for the next. ``plain``: the
        field is one of the event class's own (the engine reads its value).
        ``column``: what ``reader`` gives for every event of the type, read at once
        (from the frame's arrays, instead of calling ``reader`` on each event).
        """

        def values() -> list[Any]:
            if column is not None:
                return column(self, event_type)
            if plain:
                return self._plain_values(event_type, name, reader)
            return list(map(self._reader_at(reader), self.rows_of_type(event_type).tolist()))

        return self.remember(("values", event_type, name), values)

    def _reader_at(
        self, reader: Callable[[EventBase, str | None, frozenset[str]], Any]
    ) -> Callable[[int], Any]:
        """``reader`` of the event at a global row (given its handling unit and upstream)."""
        names, upstream = self.unit_names, self.upstream
        handling = self.remember("handling-list", self.handling.tolist)
        order = self.remember("order-list", self.order.tolist)

        def at(g: int) -> Any:
            return reader(
                self.event(g),
                None if handling[g] < 0 else names[handling[g]],
                upstream[order[g]],
            )

        return at

    def _plain_values(
        self,
        event_type: str,
        name: str,
        reader: Callable[[EventBase, str | None, frozenset[str]], Any],
    ) -> list[Any]:
        """:meth:`read` of one of the event class's own fields.

        The engine's reader gives a str, bool, int or float as it is, and reads any
        other value (an enum member, ``None``, a date) from the value alone: each
        distinct object is read once (by one of the events holding it).
        """
        raw = self.values_of_type(event_type, name)
        kinds = set(map(type, raw))
        if kinds <= _SCALAR_SET:
            return raw
        rows = self.rows_of_type(event_type).tolist()
        if kinds - _SCALAR_SET == {type(None)}:  # scalars and None (an optional field)
            absent = {None: self._reader_at(reader)(rows[raw.index(None)])}
            return list(map(absent.get, raw, raw))
        slow = self._reader_at(reader)
        if kinds.isdisjoint(_SCALAR_SET) and len(kinds - {type(None)}) == 1:
            # one kind of value (an enumeration's members, maybe None): equal values
            # are read alike, so each distinct value is read once, by its first event
            try:
                first = dict(zip(reversed(raw), reversed(rows), strict=True))
            except TypeError:  # a value that cannot be a key: by object, below
                pass
            else:
                read = {value: slow(row) for value, row in first.items()}
                return list(map(read.__getitem__, raw))
        return _by_object(rows, raw, slow)

    def remember(self, key: Any, make: Callable[[], _T]) -> _T:
        """What ``make`` gives, made once per frame under ``key`` (shared by every pack)."""
        if key in self._memo:
            found: _T = self._memo[key]
            return found
        made = self._memo[key] = make()
        return made

    def value_codes(
        self,
        event_type: str,
        name: str,
        reader: Callable[[EventBase, str | None, frozenset[str]], Any],
        *,
        plain: bool = False,
        column: Callable[[Frame, str], list[Any]] | None = None,
    ) -> tuple[Int64s, list[Any]] | None:
        """:meth:`read`'s values as codes into their distinct values (in first-seen order).

        Values equal as dictionary keys share a code (the first seen stands for them);
        ``None`` when a value cannot be a key (a list): test the values one by one.
        A field of the event class's own (``plain``) is grouped by its reader's codes
        where the reader gives them (:meth:`_read_codes`).
        """

        def numbered() -> tuple[Int64s, list[Any]] | None:
            if plain and self._read is not None and self._read.parts:
                found = self._read_codes(event_type, name, reader)
                if found is not None:
                    return found
            values = self.read(event_type, name, reader, plain=plain, column=column)
            try:
                seen, codes = first_seen_codes(values)
            except TypeError:  # an unhashable value
                return None
            return codes, list(seen)

        return self.remember(("codes", event_type, name), numbered)

    def _read_codes(
        self,
        event_type: str,
        name: str,
        reader: Callable[[EventBase, str | None, frozenset[str]], Any],
    ) -> tuple[Int64s, list[Any]] | None:
        """:meth:`value_codes` of one of the event class's own fields, from its reader's codes.

        The events of an order whose reader gives its events as numbers are grouped by
        their reader's code of the field (equal codes, equal values), and ``reader`` reads
        one event of each group; the others' values are read as :meth:`_plain_values`
        reads them (a str, bool, int or float as it is, another object once). ``None``
        when a reader does not code the field, or a value cannot be a key.
        """
        assert self._read is not None
        rows = self.rows_of_type(event_type)
        part_of, row_in = self.remember("read-sources", self._read_sources)
        parts, places = part_of[rows], row_in[rows]
        codes = np.full(len(rows), -1, dtype=np.int64)
        found: dict[Any, int] = {}  # each value read, in the order first read
        slow = self._reader_at(reader)
        given = parts[parts >= 0]
        try:
            for p in np.flatnonzero(np.bincount(given)).tolist() if len(given) else ():
                chosen = np.flatnonzero(parts == p)
                coded = self._read.parts[p].batch.field_codes(name, places[chosen])
                if coded is None:
                    return None
                held = coded + 1  # (a null, -1, as 0)
                # the first event holding each code, read for them all
                first = np.full(int(held.max()) + 1, len(held), dtype=np.int64)
                np.minimum.at(first, held, np.arange(len(held), dtype=np.int64))
                present = np.flatnonzero(first < len(held))
                holders = rows[chosen[first[present]]].tolist()
                lookup = np.full(len(first), -1, dtype=np.int64)
                lookup[present] = np.fromiter(
                    (found.setdefault(slow(g), len(found)) for g in holders),
                    dtype=np.int64,
                    count=len(holders),
                )
                codes[chosen] = lookup[held]
            rest = np.flatnonzero(parts < 0)
            if len(rest):
                at = rows[rest].tolist()
                read = _by_object(at, self.values_at(at, name), slow)
                codes[rest] = np.fromiter(
                    (found.setdefault(value, len(found)) for value in read),
                    dtype=np.int64,
                    count=len(read),
                )
        except TypeError:  # a value that cannot be a key
            return None
        return codes, list(found)

    def _read_sources(self) -> tuple[Int64s, Int64s]:
        """Per global row, its order's part of :attr:`_read` (``-1``: none) and its row there."""
        assert self._read is not None
        return read_sources(self._read, self.offsets)

    def handler_kinds(self) -> list[str | None]:
        """Per order, the kind of its first handling unit (``first_handler_kind``, once)."""

        def kinds() -> list[str | None]:
            # once per tuple of units (a reader's orders naming the same units share one)
            # and first handling unit
            names = self.unit_names

            def kind_of(key: tuple[int, int], order: WorkOrder) -> str | None:
                if key[1] >= 0:
                    first = names[key[1]]
                    for unit in reversed(order.units):
                        if unit.id == first:
                            return unit.kind._value_  # as OrderView.first_handler_kind
                return None

            keys = zip(map(id, map(_UNITS, self.orders)), self.first_handling.tolist(), strict=True)
            return _once_per_key(list(keys), self.orders, kind_of)

        return self.remember("handler-kinds", kinds)

    def selector_keys(self) -> tuple[Int64s, list[int], list[tuple[Any, ...]]]:
        """What selectors read of each order (but ``has``), as codes; once for every pack.

        Per order, the code of its (channel, category, urgency, special kinds, flags,
        first handler's kind), codes in first-seen order; per code, the first order
        with it, and the key itself.
        """

        def keys() -> tuple[Int64s, list[int], list[tuple[Any, ...]]]:
            # selector_fields of each order, from the same fields, its tuples made in C
            orders = self.orders
            fields = zip(
                *(map(getter, orders) for getter in _PLAIN_SELECTED),
                *(map(tuple, map(getter, orders)) for getter in _LISTED_SELECTED),
                self.handler_kinds(),
                strict=True,
            )
            seen, codes = first_seen_codes(list(fields))
            _values, first = np.unique(codes, return_index=True)
            return codes, first.tolist(), list(seen)

        return self.remember("selector-keys", keys)

    def kept_of_type(self, event_type: str) -> Bools:
        """Per order, whether one of its kept events is of a type (read from the type codes)."""
        code = self.type_codes.get(event_type)
        if code is None:
            return np.zeros(len(self.orders), dtype=bool)
        found: Bools = np.bincount(self.order[self.type == code], minlength=len(self.orders)) > 0
        return found

    def unset(self, name: str) -> Bools:
        """Per order, whether an order field is ``None`` (what a selector's ``has`` reads)."""
        return self.remember(
            ("unset", name),
            lambda: np.fromiter(  # (each order's field read in C)
                map(operator.is_, map(operator.attrgetter(name), self.orders), repeat(None)),
                dtype=bool,
                count=len(self.orders),
            ),
        )

    def check_integers(self) -> None:
        """Refuse an event integer wider than 64 bits, as ``check_integers`` on each view.

        Once per frame: only events of a class with integer fields are read, and on a
        refusal the views are checked in order, so the error is the one the first
        offending order's check raises.

        Raises:
            FactValidationError: an event integer wider than 64 bits.
        """
        if self._memo.get("integers-checked"):
            return
        everyone = range(self.size)
        classes = self.classes_at(everyone)
        fields = {cls: integer_fields(cls) for cls in set(classes)}
        wide = {cls: names for cls, names in fields.items() if names}
        low, high = -(2**63), 2**63 - 1
        for cls, names in wide.items():
            rows = [g for g, of in zip(everyone, classes, strict=True) if of is cls]
            for name in names:
                for value in self.values_at(rows, name):
                    if value.__class__ is int and not low <= value <= high:
                        for view in self.views:
                            check_integers(view)
        self._memo["integers-checked"] = True

    @property
    def ids(self) -> npt.NDArray[Any]:
        """The orders' ids (an object array, built once)."""
        return self.remember("ids", lambda: np.asarray(list(map(_ID, self.orders)), dtype=object))

    def order_attribute_us(self, name: str) -> Int64s:
        """An instant field of each order (``reply_deadline``) in µs, ``-1`` where unset."""
        return self.remember(("order-us", name), lambda: order_us(self._read, name, self.orders))


def _by_object(rows: list[int], raw: list[Any], slow: Callable[[int], Any]) -> list[Any]:
    """What the engine's reader gives of the values ``raw`` held by the events at ``rows``.

    A str, bool, int or float as it is; another object read once (``slow`` of the
    first row holding it), by identity.
    """
    objects = dict(zip(map(id, raw), raw, strict=True))
    holder = dict(zip(map(id, reversed(raw)), reversed(rows), strict=True))
    known = {
        key: slow(holder[key])
        for key, value in objects.items()
        if value.__class__ not in _SCALAR_SET
    }
    if set(map(type, raw)).isdisjoint(_SCALAR_SET):
        return list(map(known.__getitem__, map(id, raw)))
    return [v if v.__class__ in _SCALAR_SET else known[id(v)] for v in raw]


def _positioned(
    read: Sequence[_Assigning], positions: list[int], units: Iterable[Unit]
) -> tuple[Assignment, ...]:
    """An order's assignments over the events ``read``, as positions among its kept events.

    ``positions``: each read event's position among the order's kept events.
    """
    return tuple(
        Assignment(a.unit, positions[a.begins], _at(positions, a.ends), a.how)
        for a in assignments(read, units)
    )


def _at(positions: list[int], k: int | None) -> int | None:
    """``positions[k]``, ``None`` for none."""
    return None if k is None else positions[k]


class _Assigning(NamedTuple):
    """An event as :func:`~grievance_rules.model.assignments.assignments` reads it."""

    type: str
    unit: str | None
    to_unit: str | None
    from_unit: str | None
    decision: Any
    requester: str | None


def _judged_one_by_one(
    test: Callable[[object], bool], keys: list[Any], events: list[EventBase]
) -> list[bool]:
    """Each event's verdict, events alike (a hashable key) judged once."""
    judged: dict[Any, bool] = {}
    found: list[bool] = []
    for key, event in zip(keys, events, strict=True):
        try:
            verdict = judged.get(key)
            if verdict is None:
                verdict = judged[key] = test(event)
        except TypeError:  # an unhashable value (a list): judged on its own
            verdict = test(event)
        found.append(verdict)
    return found


def _where_key(where: dict[str, Any]) -> str:
    return repr(sorted(where.items()))


def build_frame(
    orders: Sequence[WorkOrder],
    as_of: dt.datetime | None,
    in_time_order: Sequence[bool] | None = None,
    read: Sequence[ReadAt | None] | None = None,
) -> Frame:
    """Cut each order to its assessment instant and lay the kept events out flat.

    ``in_time_order``: per order, whether its history is known checked
    (:func:`~grievance_rules.model.history.ensure_coherent` passed it, here or in a
    reader), its events listed in time order: its instant and the events up to it
    are then found from the end (as the per-order batch finds them). ``None``: none is.
    ``read``: per order, its reader's events as numbers (:attr:`~grievance_rules.
    reading.Accepted.columns`), or ``None``: taken for an order in time order, whose
    kept events are its first ones, instead of reading each event's object again for
    its instant, type and acting unit.

    Each order is cut as :func:`~grievance_rules.engine.matching.view_of` cuts it; the
    handling unit after each kept event is found for the whole batch at once
    (:func:`_handling_over_batch`). When every order is known checked and given by its
    reader, the instants and cuts are found from the reader's µs for all of them at
    once (:func:`_read_cuts`), not by comparing datetimes an order at a time.
    """
    known: Sequence[bool] = [False] * len(orders) if in_time_order is None else in_time_order
    from_read = None if read is None or not all(known) else _read_cuts(orders, as_of, read)
    instants_us = None
    if from_read is not None:
        instants, cuts, instants_us = from_read
    else:
        instants = [
            instant_of(order, as_of, in_time_order=k)
            for order, k in zip(orders, known, strict=True)
        ]
        cuts = [
            cut_of(order, instant, in_time_order=k)
            for order, instant, k in zip(orders, instants, known, strict=True)
        ]
    kept = list(map(_KEPT, cuts))
    upstream = list(map(_UPSTREAM, cuts))
    events: list[EventBase] = list(chain.from_iterable(kept))
    attrs = list(map(_FIELDS, events))
    offsets = _offsets(kept)
    given = None
    if read is not None:
        usable = [entry if k else None for entry, k in zip(read, known, strict=True)]
        given = read_columns(usable, orders, offsets)
    types, type_names = types_of(given, offsets, attrs)
    held = _handling_over_batch(kept, upstream, attrs, offsets, types, type_names)
    typed = (types, type_names)
    return _laid_out(
        orders,
        instants,
        (CutViews(cuts, held, offsets.tolist()), upstream, map(_INDICES, cuts)),
        offsets,
        events,
        attrs,
        held,
        typed,
        given,
        first_ones=all(known),
        instants_us=instants_us,
    )


def _read_cuts(
    orders: Sequence[WorkOrder], as_of: dt.datetime | None, read: Sequence[ReadAt | None]
) -> tuple[list[dt.datetime], list[Cut], Int64s] | None:
    """Each order's instant and cut (as :func:`build_frame` finds them), and the instants in µs.

    For orders whose histories are known checked (their events listed in time order),
    each given by its reader as numbers (``read``, none missing), as many events as its
    reader's batch says. Found as :func:`~grievance_rules.engine.single.instant_of` and
    :func:`~grievance_rules.engine.matching.cut_of` find them from the end of the list
    (the instant, the last events' first; the events kept, those up to the last one not
    after ``as_of``), over the batch's integers at once instead of comparing datetimes an
    order at a time. ``None`` when an order is not so given, or ``as_of`` is before an
    order's receipt (the per-order path then raises, naming it).
    """
    n = len(orders)
    if not n or None in read:
        return None
    events = list(map(_EVENTS, orders))
    listed = np.fromiter(map(len, events), dtype=np.int64, count=n)
    received = np.empty(n, dtype=np.int64)
    last = np.full(n, -1, dtype=np.int64)  # per order, its last event's instant (-1: none)
    ends = np.empty(n, dtype=np.int64)  # per order, where the run kept (or before the last) ends
    limit = None if as_of is None else as_of_instant(as_of)
    limit_us = -1 if limit is None else to_us(limit)
    for batch, mine, at in by_batch(read):
        low = batch.bounds[at]
        count = batch.bounds[at + 1] - low
        if not np.array_equal(count, listed[mine]):
            return None  # (a record made by hand with another order's numbers)
        received[mine] = batch.received[at]
        values = batch.at[rows_of(low, count)]
        starts = np.zeros(len(mine), dtype=np.int64)
        np.cumsum(count[:-1], out=starts[1:])
        if len(values):
            lasts = np.where(count > 0, values[np.maximum(starts + count - 1, 0)], -1)
            last[mine] = lasts
        else:
            lasts = np.full(len(mine), -1, dtype=np.int64)
        # those up to the run from the end: events at the last one's instant, or after as_of
        settled = values != np.repeat(lasts, count) if limit is None else values <= limit_us
        ends[mine] = _run_ends(np.flatnonzero(settled), starts, count) - starts
    if limit is not None:
        if bool((received > limit_us).any()):
            return None
        instants: list[dt.datetime] = [limit] * n
        instants_us = np.full(n, limit_us, dtype=np.int64)
        kept: list[list[EventBase]] = list(
            map(list, map(operator.getitem, events, map(slice, repeat(None), ends.tolist())))
        )
    else:
        kept = list(map(list, events))
        after = (listed > 0) & (last > received)
        instants = list(map(_RECEIVED_AT, orders))
        late = np.flatnonzero(after).tolist()  # (their instants: the kept ones' first at the last)
        firsts = map(operator.getitem, map(events.__getitem__, late), ends[after].tolist())
        deque(map(operator.setitem, repeat(instants), late, map(_AT, firsts)), maxlen=0)
        instants_us = np.where(after, last, received)
    indices = list(map(list, map(range, map(len, kept))))
    upstream = _upstream_ids(orders)
    cuts: list[Cut] = list(zip(orders, kept, indices, upstream, strict=True))
    return instants, cuts, instants_us


def _upstream_ids(orders: Sequence[WorkOrder]) -> list[frozenset[str]]:
    """Each order's :meth:`~grievance_rules.model.WorkOrder.upstream_unit_ids`, once per list.

    A reader makes each distinct unit once, and the orders naming the same units share
    one tuple of them (:func:`~grievance_rules.reading.parquet._shared_slices`), so the
    orders of a batch hold a few dozen: each (by its identity, alive for the call) is
    read once.
    """
    keys = list(map(id, map(_UNITS, orders)))
    return _once_per_key(keys, orders, lambda _key, order: order.upstream_unit_ids())


def _once_per_key(
    keys: list[_K], orders: Sequence[WorkOrder], read: Callable[[_K, WorkOrder], _T]
) -> list[_T]:
    """``read(key, order)`` of each order, read once per distinct key (by one of its orders).

    For keys that tell apart every two orders ``read`` might tell apart.
    """
    one_of_each = dict(zip(keys, orders, strict=True))  # (an order of each key)
    found = {key: read(key, order) for key, order in one_of_each.items()}
    return list(map(found.__getitem__, keys))


def _run_ends(inside: Int64s, starts: Int64s, count: Int64s) -> Int64s:
    """Per run of rows (``starts[j]`` on, ``count[j]`` long): one past its last row ``inside``.

    ``inside``: rows, ascending. A run with none of them: its start.

    Example:
        >>> import numpy as np
        >>> _run_ends(np.array([0, 1, 5]), np.array([0, 3, 5]), np.array([3, 2, 1])).tolist()
        [2, 3, 6]
    """
    found = np.searchsorted(inside, starts + count) - 1
    last = inside[np.maximum(found, 0)] if len(inside) else np.zeros(len(starts), np.int64)
    ok = (found >= 0) & (last >= starts)
    return np.where(ok, last + 1, starts)


def _handling_over_batch(
    kept: Sequence[Sequence[EventBase]],
    upstream: Sequence[frozenset[str]],
    attrs: Sequence[dict[str, Any]],
    offsets: Int64s,
    types: Int64s,
    type_names: Sequence[str],
) -> tuple[Int64s, list[str]]:
    """The handling unit after each kept event of the batch, flat (as ``handling_units``).

    As codes into their distinct names (``-1``: none; as :func:`~.read_columns.coded`
    numbers them). ``types``: each kept event's type, a code into ``type_names``.

    An order with no return approved and no work taken up unasked among its kept events
    (:data:`~grievance_rules.model.handling.HOLDER_HISTORY_EVENTS`) is held, after each
    event, by the ``to_unit`` of its last transfer
    (:data:`~grievance_rules.model.handling.TRANSFER_EVENTS`) not to one of its upstream
    units, up to that event (``None`` before any): found for all such orders at once.
    The others are read one at a time by
    :func:`~grievance_rules.model.handling.handling_units`.
    """
    count = len(attrs)
    # per event type, 1 for a transfer, 2 for one that may need the order read alone
    kinds = np.asarray(
        [(name in TRANSFER_EVENTS) + 2 * (name in HOLDER_HISTORY_EVENTS) for name in type_names],
        dtype=np.int8,
    )
    flags = kinds[types] if count else np.zeros(0, dtype=np.int8)
    order = np.repeat(np.arange(len(kept), dtype=np.int64), np.diff(offsets))
    transfer = np.flatnonzero(flags == 1)
    targets = [attrs[r].get("to_unit") for r in transfer.tolist()]
    sets = [t not in upstream[o] for t, o in zip(targets, order[transfer].tolist(), strict=True)]
    setters = transfer[np.asarray(sets, dtype=bool)]
    if len(setters):
        last = np.full(count, -1, dtype=np.int64)
        last[setters] = np.arange(len(setters), dtype=np.int64)
        np.maximum.accumulate(last, out=last)
        valid = (last >= 0) & (setters[np.maximum(last, 0)] >= offsets[:-1][order])
        setter_codes, units = coded(list(compress(targets, sets)))
        codes = np.append(setter_codes, -1)[np.where(valid, last, len(setters))]
    else:
        codes, units = np.full(count, -1, dtype=np.int64), []
    # a return decided but not approved changes nothing: only the others are read alone
    scalar = [
        r
        for r in np.flatnonzero(flags == 2).tolist()
        if type_names[types[r]] != "return_decided" or attrs[r].get("decision") == "approved"
    ]
    if scalar:
        bounds = offsets.tolist()
        code_of: dict[str | None, int] = {unit: code for code, unit in enumerate(units)}
        code_of[None] = -1
        for i in dict.fromkeys(order[scalar].tolist()):
            found = handling_units(kept[i], upstream[i])
            for unit in found:
                if unit is not None and unit not in code_of:
                    code_of[unit] = len(units)
                    units.append(unit)
            codes[bounds[i] : bounds[i + 1]] = list(map(code_of.__getitem__, found))
    return codes, units


def _offsets(kept: Sequence[Sequence[EventBase]]) -> Int64s:
    """Where each order's kept events begin in the flat rows (and, last, how many)."""
    lengths = np.fromiter(map(len, kept), dtype=np.int64, count=len(kept))
    offsets = np.zeros(len(kept) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def frame_of(
    orders: Sequence[WorkOrder],
    instants: Sequence[dt.datetime],
    views: Sequence[OrderView],
    read: Sequence[ReadAt | None] | None = None,
) -> Frame:
    """The frame of orders already cut to their instants.

    ``read``: per order, its reader's events as numbers, or ``None`` (as for
    :func:`build_frame`); taken for a view whose kept events are its order's first ones.
    """
    kept = [v.kept for v in views]
    events: list[EventBase] = list(chain.from_iterable(kept))
    held = list(chain.from_iterable(v.handling for v in views))
    attrs = list(map(_FIELDS, events))
    offsets = _offsets(kept)
    given = None
    if read is not None:
        usable = [
            entry if entry is not None and _first_ones(view.indices) else None
            for entry, view in zip(read, views, strict=True)
        ]
        given = read_columns(usable, orders, offsets)
    typed = types_of(given, offsets, attrs)
    laid = (views, [v.upstream for v in views], (v.indices for v in views))
    return _laid_out(orders, instants, laid, offsets, events, attrs, coded(held), typed, given)


def _first_ones(indices: Sequence[int]) -> bool:
    """Whether indices are ``0, 1, ..., n - 1`` (a view keeping its order's first events)."""
    return all(map(operator.eq, indices, range(len(indices))))


def _laid_out(
    orders: Sequence[WorkOrder],
    instants: Sequence[dt.datetime],
    cut: tuple[Sequence[OrderView], Sequence[frozenset[str]], Iterable[Sequence[int]]],
    offsets: Int64s,
    events: list[EventBase],
    attrs: list[dict[str, Any]],
    held: tuple[Int64s, list[str]],
    typed: tuple[Int64s, list[str]],
    given: ReadColumns | None = None,
    *,
    first_ones: bool = False,
    instants_us: Int64s | None = None,
) -> Frame:
    """The frame of views, laid out end to end.

    ``cut``: the views, each one's upstream unit ids and its kept events' indices;
    ``events`` and ``attrs``: their kept events; ``held``: the handling unit after each
    (a code into distinct names, ``-1``: none);
    ``typed``: each one's type code and the types (:func:`~.read_columns.types_of`);
    ``given``: the orders whose readers give their events as numbers
    (:func:`~.read_columns.read_columns`);
    ``first_ones``: every view keeps its order's first events (its indices
    ``0, ..., n - 1``: each event's index is its position);
    ``instants_us``: the instants in µs, where found (else from the datetimes).
    """
    views, upstream, indices = cut
    n = len(views)
    lengths = np.diff(offsets)
    count = len(events)
    types, type_names = typed
    type_codes = {name: code for code, name in enumerate(type_names)}
    unit_codes, units, handling = units_of(given, offsets, attrs, held)
    order = np.repeat(np.arange(n, dtype=np.int64), lengths)
    pos = np.arange(count, dtype=np.int64) - offsets[order]
    # the first handling unit of each order: the first event with one, else none
    with_unit = np.flatnonzero(handling >= 0)
    first_row = np.searchsorted(with_unit, offsets[:-1])
    first_handling = np.full(n, -1, dtype=np.int64)
    if len(with_unit):
        candidate = with_unit[np.minimum(first_row, len(with_unit) - 1)]
        inside = (first_row < len(with_unit)) & (candidate < offsets[1:])
        first_handling[inside] = handling[candidate[inside]]
    return Frame(
        orders=orders,
        instants=instants,
        views=views,
        upstream=upstream,
        offsets=offsets,
        order=order,
        pos=pos,
        index=pos.copy()
        if first_ones
        else np.fromiter(chain.from_iterable(indices), dtype=np.int64, count=count),
        at_us=event_us(given, offsets, attrs),
        unit=units,
        handling=handling,
        type=types,
        events=events,
        attrs=attrs,
        type_codes=type_codes,
        unit_codes=unit_codes,
        unit_names=list(unit_codes),
        first_handling=first_handling,
        received_us=order_us(given, "received_at", orders),
        instants_us=to_us_array(instants) if instants_us is None else instants_us,
        _assignments=[None] * n,
        _read=given,
    )


def selector_fields(order: WorkOrder, kind: str | None) -> tuple[Any, ...]:
    """What the selectors read of an order, but ``has``.

    (channel, category, urgency, special kinds, flags, the first handler's ``kind``).
    """
    return (
        *(read(order) for read in _PLAIN_SELECTED),
        *(tuple(read(order)) for read in _LISTED_SELECTED),
        kind,
    )


def first_from(rows: Int64s, lower: Int64s, upper: Int64s) -> Int64s:
    """For each query, the first of the sorted global ``rows`` in ``[lower, upper)``, else -1.

    Example:
        >>> import numpy as np
        >>> first_from(np.array([2, 5, 9]), np.array([0, 3, 6, 10]), np.array([4, 5, 9, 12]))
        array([ 2, -1, -1, -1])
    """
    if len(rows) == 0:
        return np.full(len(lower), -1, dtype=np.int64)
    at = rows.searchsorted(lower)
    found = rows[np.minimum(at, len(rows) - 1)]
    ok = (at < len(rows)) & (found < upper)
    result: Int64s = np.where(ok, found, -1)
    return result


def union_rows(a: Int64s, b: Int64s) -> Int64s:
    """The distinct rows of two arrays of rows, in increasing order (``np.union1d``).

    One sort of both and a comparison of neighbours: cheaper than ``np.union1d`` on the
    small arrays of a batch's rows.

    Example:
        >>> import numpy as np
        >>> union_rows(np.array([2, 5, 9]), np.array([5, 1])).tolist()
        [1, 2, 5, 9]
    """
    joined = np.concatenate((a, b)).astype(np.int64, copy=False)
    joined.sort()
    result: Int64s = joined[first_of_runs(joined)]
    return result


def first_of_runs(values: Int64s) -> Bools:
    """Which entries of a sorted array are the first of their run of equal values.

    Example:
        >>> import numpy as np
        >>> first_of_runs(np.array([0, 0, 3, 4, 4])).tolist()
        [True, False, True, True, False]
    """
    found = np.empty(len(values), dtype=bool)
    if len(values):
        found[0] = True
        np.not_equal(values[1:], values[:-1], out=found[1:])
    return found


def in_orders(order: Int64s, chosen: set[int], n: int) -> Bools:
    """Per entry of ``order`` (orders ``0`` to ``n - 1``), whether it is one of ``chosen``.

    Example:
        >>> import numpy as np
        >>> in_orders(np.array([0, 2, 2, 1]), {2}, 3).tolist()
        [False, True, True, False]
    """
    mask = np.zeros(n, dtype=bool)
    mask[np.fromiter(chosen, dtype=np.int64, count=len(chosen))] = True
    found: Bools = mask[order]
    return found
