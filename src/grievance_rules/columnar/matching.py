"""The plan's event references and selectors matched over a whole batch at once.

The same tests as the engine's native matcher (:mod:`grievance_rules.engine.matching`:
its readers of a value as the fact carries it, and its tests of a ``where`` entry),
applied by column instead of by event: all events of one type are read once per field
that any of the type's references tests, each distinct value is tested once per
entry, and a reference's matches are the events whose values pass all its entries.
Selectors depend on a few fields of the order (channel, category, urgency, special
kinds, flags, the first handler's kind, the fields ``has`` names): each selector is
judged once per distinct value of the fields it reads. The result is the native
matcher's, order for order.

What does not depend on the pack is kept on the batch's :class:`~.frame.Frame` for
every pack of a call: the values read, each ``where`` entry's verdicts, what the
selectors read of each order, and the 64-bit integer check.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from grievance_rules.columnar.frame import Frame, frame_of, selector_fields
from grievance_rules.engine.compiler import event_key, selector_key
from grievance_rules.engine.matching import (
    ABSENT,
    Match,
    OrderView,
    check_integers,
    value_reader,
    where_test,
)
from grievance_rules.engine.plan import PackPlan
from grievance_rules.model.events import EVENT_CLASSES
from grievance_rules.packs.schema import UPSTREAM_TESTS, Selector

__all__ = ["FlatMatch", "match_batch", "match_flat"]

_Reader = Callable[[Any, "str | None", frozenset[str]], Any]
_Test = Callable[[Any], bool]
# per event type: the fields read (names, readers), and per pattern its terms (field index,
# test, the where value's repr)
_TypePlan = tuple[
    tuple[str, ...],
    tuple[_Reader, ...],
    tuple[tuple[str, tuple[tuple[int, _Test, str], ...]], ...],
]


def _selectors(selector: Selector) -> Iterator[Selector]:
    yield selector
    for alternative in selector.any_of:
        yield from _selectors(alternative)


def _compiled(plan: PackPlan) -> tuple[dict[str, _TypePlan], tuple[str, ...]]:
    """The plan's references grouped by event type (kept in the plan's memo)."""
    key = "columnar-matching-terms"
    found = plan.memo.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    by_type: dict[str, dict[str, Any]] = {}
    for ref in plan.patterns.refs:
        assert ref.event is not None
        name = plan.patterns.event_rules[event_key(ref)]
        by_type.setdefault(ref.event, {}).setdefault(name, ref)
    compiled: dict[str, _TypePlan] = {}
    for event_type, named in by_type.items():
        fields = EVENT_CLASSES[event_type].model_fields
        names: list[str] = []
        patterns = []
        for name, ref in sorted(named.items()):
            terms = []
            for field_name, value in sorted(ref.where.items()):
                if field_name not in names:
                    names.append(field_name)
                terms.append((names.index(field_name), where_test(value), repr(value)))
            patterns.append((name, tuple(terms)))
        readers = tuple(value_reader(field_name, fields) for field_name in names)
        compiled[event_type] = (tuple(names), readers, tuple(patterns))
    has = sorted(
        {f for rule in plan.pack.rules for s in _selectors(rule.applies_to) for f in s.has}
    )
    plan.memo[key] = (compiled, tuple(has))
    return compiled, tuple(has)


_Column = Callable[[Frame, str], list[Any]]
_SEQUENCES = (list, tuple)
_SEQUENCE_TYPES = frozenset(_SEQUENCES)


def _column_reader(name: str, fields: Mapping[str, Any]) -> _Column | None:
    """What the engine's ``value_reader(name, fields)`` gives, for many events at once.

    For the properties not among the event class's own fields that the frame's arrays
    give without calling the reader on each event: the handling unit after the event,
    whether the event's ``to_unit`` or acting ``unit`` is upstream, and a list field's length
    (``<field>_count``). ``None``: read each event with the engine's reader.
    """
    if name == "handling_unit":

        def handling_unit(frame: Frame, event_type: str) -> list[Any]:
            names = [*frame.unit_names, ABSENT]  # code -1 reads the last
            rows = frame.rows_of_type(event_type)
            return list(map(names.__getitem__, frame.handling[rows].tolist()))

        return handling_unit
    if name in UPSTREAM_TESTS:
        unit_field = UPSTREAM_TESTS[name]
        if unit_field not in fields:
            return None

        def upstream_of(frame: Frame, event_type: str) -> list[Any]:
            upstream = frame.upstream
            units = frame.values_of_type(event_type, unit_field)
            owners = frame.order[frame.rows_of_type(event_type)].tolist()
            return [
                ABSENT if unit is None else unit in upstream[i]
                for unit, i in zip(units, owners, strict=True)
            ]

        return upstream_of
    base = name.removesuffix("_count")
    if name not in fields and name.endswith("_count") and base in fields:

        def count(frame: Frame, event_type: str) -> list[Any]:
            values = frame.values_of_type(event_type, base)
            if set(map(type, values)) <= _SEQUENCE_TYPES:
                return list(map(len, values))
            return [len(v) if isinstance(v, _SEQUENCES) else ABSENT for v in values]

        return count
    return None


def _passes(test: _Test, values: list[Any]) -> list[bool]:
    cache: dict[Any, bool] = {}
    out = []
    for value in values:
        try:
            verdict = cache.get(value)
            if verdict is None:
                verdict = cache[value] = test(value)
        except TypeError:  # an unhashable value: tested on its own
            verdict = test(value)
        out.append(verdict)
    return out


def _judge(plan: PackPlan, order: Any, kind: str | None) -> frozenset[str]:
    return frozenset(n for n, test in plan.selector_predicates if test(order, kind))


_KEY_FIELDS = {
    "channel": 0,
    "category": 1,
    "urgency": 2,
    "special_kind": 3,
    "not_special_kind": 3,
    "flag": 4,
    "unit_kind": 5,
}
"""A selector's field → the place in :meth:`Frame.selector_keys`'s key of what it reads."""
_UNKNOWN_FIELDS = set(Selector.model_fields) - set(_KEY_FIELDS) - {"has", "any_of"}


def _reads(selector: Selector, has: tuple[str, ...]) -> set[int]:
    """The places of the (key + ``has`` unset flags) a selector's predicate reads."""
    if _UNKNOWN_FIELDS:  # a selector field this module does not know: it may read anything
        return set(range(6 + len(has)))
    found = {place for name, place in _KEY_FIELDS.items() if getattr(selector, name)}
    found.update(6 + has.index(name) for name in selector.has)
    for alternative in selector.any_of:
        found |= _reads(alternative, has)
    return found


def _selector_reads(plan: PackPlan) -> list[tuple[str, tuple[int, ...], Any]]:
    """Per selector pattern: its name, the key places it reads, its predicate (memo)."""
    key = "columnar-selector-reads"
    found: list[tuple[str, tuple[int, ...], Any]] | None = plan.memo.get(key)
    if found is None:
        has = _compiled(plan)[1]
        of_name: dict[str, Selector] = {}
        for rule in plan.pack.rules:
            name = plan.patterns.selector_rules[selector_key(rule.applies_to)]
            of_name.setdefault(name, rule.applies_to)
        found = plan.memo[key] = [
            (name, tuple(sorted(_reads(of_name[name], has))), test)
            for name, test in plan.selector_predicates
        ]
    return found


def _shapes(plan: PackPlan, frame: Frame) -> tuple[npt.NDArray[np.int64], list[frozenset[str]]]:
    """Per order, the index of its selector answer; the distinct answers (first seen first).

    What selectors read of an order is coded once per frame (:meth:`Frame.selector_keys`);
    a pack with ``has`` fields adds whether each is unset. Each selector is judged once
    per distinct value of the parts of that it reads, on the first order with it.
    """
    has = _compiled(plan)[1]
    codes, first, keys = frame.selector_keys()
    kinds = frame.handler_kinds()
    orders = frame.orders
    if has:
        unset = [frame.unset(name) for name in has]
        combined = codes.copy()
        for flags in unset:
            combined = combined * 2 + flags
        _values, where, inverse = np.unique(combined, return_index=True, return_inverse=True)
        by_first = np.argsort(where, kind="stable")
        rank = np.empty(len(by_first), dtype=np.int64)
        rank[by_first] = np.arange(len(by_first), dtype=np.int64)
        shapes: npt.NDArray[np.int64] = rank[inverse.reshape(-1)]
        first = where[by_first].tolist()
        keys = [
            (*keys[c], *(bool(flags[i]) for flags in unset))
            for c, i in zip(codes[first].tolist(), first, strict=True)
        ]
    else:
        shapes = codes
    names: list[list[str]] = [[] for _ in first]
    for name, places, test in _selector_reads(plan):
        verdicts: dict[Any, bool] = {}
        # the parts of each key the selector reads (nothing read: one part for all)
        parts = map(operator.itemgetter(*places), keys) if places else repeat((), len(keys))
        for k, (part, i) in enumerate(zip(parts, first, strict=True)):
            verdict = verdicts.get(part)
            if verdict is None:
                verdict = verdicts[part] = test(orders[i], kinds[i])
            if verdict:
                names[k].append(name)
    return shapes, [frozenset(found) for found in names]


def _shapes_of_views(
    plan: PackPlan, views: Sequence[OrderView], check: bool
) -> tuple[npt.NDArray[np.int64], list[frozenset[str]]]:
    """:func:`_shapes` for views not laid out in a frame: read one order at a time."""
    _compiled_types, has = _compiled(plan)
    judged: dict[tuple[Any, ...], int] = {}
    met: list[frozenset[str]] = []
    shapes: list[int] = []
    for view in views:
        if check:
            check_integers(view)
        order = view.order
        kind = view.first_handler_kind()
        key = (*selector_fields(order, kind), tuple(getattr(order, f) is None for f in has))
        shape = judged.get(key)
        if shape is None:
            shape = judged[key] = len(met)
            met.append(_judge(plan, order, kind))
        shapes.append(shape)
    return np.asarray(shapes, dtype=np.int64), met


def match_batch(plan: PackPlan, views: Sequence[OrderView], *, check: bool = True) -> list[Match]:
    """What each order's events and each order matched: the native matcher's answer.

    Raises:
        FactValidationError: an event integer wider than 64 bits (``check``), as the
            native matcher refuses it.
    """
    return list(match_flat(plan, views, check=check).matches)


class OrderMatches(Sequence[Match]):
    """Per order, the native matcher's :class:`Match`, made from the global rows when asked.

    Kernels read an order's matched positions (:meth:`positions`) or the whole
    batch's rows; an order's ``Match`` is made only for the orders someone asks about.
    """

    def __init__(
        self,
        frame: Frame,
        rows: dict[str, npt.NDArray[np.int64]],
        shapes: npt.NDArray[np.int64],
        met: list[frozenset[str]],
    ) -> None:
        self._frame = frame
        self._rows = rows
        self._shapes = shapes.tolist()
        self._met = met
        self._runs: dict[str, tuple[list[int], list[int]]] = {}

    def __len__(self) -> int:
        return len(self._shapes)

    @overload
    def __getitem__(self, i: int) -> Match: ...

    @overload
    def __getitem__(self, i: slice) -> list[Match]: ...

    def __getitem__(self, i: int | slice) -> Match | list[Match]:
        if isinstance(i, slice):
            return [self[k] for k in range(len(self))[i]]
        shape = self._shapes[i]  # (an IndexError past the end)
        events: dict[str, list[int]] = {}
        for name in self._rows:
            found = self.positions(i % len(self), name)
            if found:
                events[name] = found
        return Match(self._met[shape], events)

    def __iter__(self) -> Iterator[Match]:
        return (self[i] for i in range(len(self)))

    def positions(self, i: int, name: str) -> list[int]:
        """The positions in order ``i``'s kept events that pattern ``name`` matched."""
        runs = self._runs.get(name)
        if runs is None:
            rows = self._rows.get(name)
            if rows is None:
                return []
            frame = self._frame
            runs = self._runs[name] = (
                np.searchsorted(rows, frame.offsets).tolist(),
                frame.pos[rows].tolist(),
            )
        bounds, pos = runs
        if i + 1 >= len(bounds):  # an order the frame does not hold
            return []
        return pos[bounds[i] : bounds[i + 1]]


@dataclass(frozen=True)
class FlatMatch:
    """The matcher's answer per order, and the same over the whole batch.

    Attributes:
        matches: per order, as the native matcher gives it.
        rows: event pattern name → the global rows (order ``i``'s kept event ``k`` is
            row ``offsets[i] + k``) it selects, in increasing order.
        shapes: per order, the index of its selector answer in ``met``.
        met: the distinct selector answers (the names each meets).
    """

    matches: OrderMatches
    rows: dict[str, npt.NDArray[np.int64]]
    shapes: npt.NDArray[np.int64]
    met: list[frozenset[str]]

    def selector_mask(self, name: str) -> npt.NDArray[np.bool_]:
        """Which orders meet a selector."""
        per_shape = np.fromiter((name in m for m in self.met), dtype=bool, count=len(self.met))
        result: npt.NDArray[np.bool_] = per_shape[self.shapes]
        return result


def match_flat(
    plan: PackPlan,
    views: Sequence[OrderView],
    *,
    check: bool = True,
    frame: Frame | None = None,
) -> FlatMatch:
    """:func:`match_batch`, with the selected events also as global rows of the batch.

    ``frame``: the views' frame (:mod:`.frame`); each field of each event type is read
    from it once for every pack of the call, and what selectors read of each order is
    found once too. Built here when not given.

    Raises:
        FactValidationError: an event integer wider than 64 bits (``check``).
    """
    if frame is None:  # the matcher reads no instants: the receipts stand in
        frame = frame_of([v.order for v in views], [v.order.received_at for v in views], views)
    if frame.views is views or (
        len(frame.views) == len(views) and all(map(operator.is_, frame.views, views))
    ):
        if check:
            frame.check_integers()
        shapes, met = _shapes(plan, frame)
    else:  # views of other orders than the frame's: judged one by one
        shapes, met = _shapes_of_views(plan, views, check)
    compiled = _compiled(plan)[0]
    flat: dict[str, npt.NDArray[np.int64]] = {}
    for event_type, (names, readers, patterns) in compiled.items():
        rows = frame.rows_of_type(event_type)
        if not len(rows):
            continue
        fields = EVENT_CLASSES[event_type].model_fields
        plain = [
            name in fields and name != "handling_unit" and name not in UPSTREAM_TESTS
            for name in names
        ]
        columns = [_column_reader(name, fields) for name in names]
        for name, terms in patterns:
            verdicts: npt.NDArray[np.bool_] | None = None
            for term in terms:
                index = term[0]
                column = _verdicts(
                    frame,
                    event_type,
                    names[index],
                    (readers[index], plain[index], columns[index]),
                    term,
                )
                verdicts = column if verdicts is None else verdicts & column
            flat[name] = rows if verdicts is None else rows[verdicts]
    return FlatMatch(OrderMatches(frame, flat, shapes, met), flat, shapes, met)


def _verdicts(
    frame: Frame,
    event_type: str,
    name: str,
    how: tuple[_Reader, bool, _Column | None],
    term: tuple[int, _Test, str],
) -> npt.NDArray[np.bool_]:
    """Whether each event of a type passes one ``where`` entry (each distinct value once).

    ``how``: the field's reader, whether it is plain, its column reader (:meth:`Frame.read`).
    Kept on the frame for every pack that tests the same field against the same value.
    """
    reader, plain, column = how

    def judge() -> npt.NDArray[np.bool_]:
        test = term[1]
        coded = frame.value_codes(event_type, name, reader, plain=plain, column=column)
        if coded is None:
            values = frame.read(event_type, name, reader, plain=plain, column=column)
            return np.fromiter(_passes(test, values), dtype=bool, count=len(values))
        codes, distinct = coded
        per_value = np.fromiter(map(test, distinct), dtype=bool, count=len(distinct))
        found: npt.NDArray[np.bool_] = per_value[codes]
        return found

    return frame.remember(("match-term", event_type, name, term[2]), judge)
