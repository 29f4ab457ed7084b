"""The plan's event references and selectors matched over a whole batch at once.

The same tests as the engine's native matcher (:mod:`grievance_rules.engine.matching`:
its readers of a value as the fact carries it, and its tests of a ``where`` entry),
applied by column instead of by event: all events of one type are read once per field
that any of the type's references tests, each distinct value is tested once per
entry, and a reference's matches are the events whose values pass all its entries.
Selectors depend on a few fields of the order (channel, category, urgency, special
kinds, flags, the first handler's kind, the fields ``has`` names): each distinct
combination is judged once. The result is the native matcher's, order for order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Any

import numpy as np
import numpy.typing as npt

from grievance_rules.columnar.frame import Frame, frame_of
from grievance_rules.engine.compiler import event_key
from grievance_rules.engine.matching import (
    Match,
    OrderView,
    check_integers,
    value_reader,
    where_test,
)
from grievance_rules.engine.plan import PackPlan
from grievance_rules.model.events import EVENT_CLASSES
from grievance_rules.packs.schema import Selector

__all__ = ["FlatMatch", "match_batch", "match_flat"]

_Reader = Callable[[Any, "str | None", frozenset[str]], Any]
_Test = Callable[[Any], bool]
# per event type: the fields read (names, readers), and per pattern its terms (field index, test)
_TypePlan = tuple[
    tuple[str, ...],
    tuple[_Reader, ...],
    tuple[tuple[str, tuple[tuple[int, _Test], ...]], ...],
]


def _selectors(selector: Selector) -> Iterator[Selector]:
    yield selector
    for alternative in selector.any_of:
        yield from _selectors(alternative)


def _compiled(plan: PackPlan) -> tuple[dict[str, _TypePlan], tuple[str, ...]]:
    """The plan's references grouped by event type (kept in the plan's memo)."""
    key = "columnar-matching-fields"
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
                terms.append((names.index(field_name), where_test(value)))
            patterns.append((name, tuple(terms)))
        readers = tuple(value_reader(field_name, fields) for field_name in names)
        compiled[event_type] = (tuple(names), readers, tuple(patterns))
    has = sorted(
        {f for rule in plan.pack.rules for s in _selectors(rule.applies_to) for f in s.has}
    )
    plan.memo[key] = (compiled, tuple(has))
    return compiled, tuple(has)


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


def match_batch(plan: PackPlan, views: Sequence[OrderView], *, check: bool = True) -> list[Match]:
    """What each order's events and each order matched: the native matcher's answer.

    Raises:
        FactValidationError: an event integer wider than 64 bits (``check``), as the
            native matcher refuses it.
    """
    return match_flat(plan, views, check=check).matches


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

    matches: list[Match]
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
    from it once for every pack of the call. Built here when not given.

    Raises:
        FactValidationError: an event integer wider than 64 bits (``check``).
    """
    if frame is None:  # the matcher reads no instants: the receipts stand in
        frame = frame_of([v.order for v in views], [v.order.received_at for v in views], views)
    compiled, has = _compiled(plan)
    selector_tests = plan.selector_predicates
    judged: dict[tuple[Any, ...], int] = {}
    met: list[frozenset[str]] = []
    shapes: list[int] = []
    for view in views:
        if check:
            check_integers(view)
        order = view.order
        kind = view.first_handler_kind()
        key = (
            order.channel,
            order.category,
            order.urgency,
            tuple(order.special_kinds),
            tuple(order.flags),
            kind,
            tuple(getattr(order, f) is None for f in has),
        )
        shape = judged.get(key)
        if shape is None:
            shape = judged[key] = len(met)
            met.append(frozenset(n for n, test in selector_tests if test(order, kind)))
        shapes.append(shape)
    events: list[dict[str, list[int]]] = [{} for _ in views]
    flat: dict[str, npt.NDArray[np.int64]] = {}
    for event_type, (names, readers, patterns) in compiled.items():
        rows = frame.rows_of_type(event_type)
        if not len(rows):
            continue
        fields = EVENT_CLASSES[event_type].model_fields
        values = [
            frame.read(
                event_type,
                name,
                read,
                plain=name in fields and name not in ("handling_unit", "to_unit_upstream"),
            )
            for name, read in zip(names, readers, strict=True)
        ]
        passed: dict[tuple[int, _Test], list[bool]] = {}
        orders = frame.order[rows].tolist()
        positions = frame.pos[rows].tolist()
        for name, terms in patterns:
            verdicts: list[bool] | None = None
            for term in terms:
                column = passed.get(term)
                if column is None:
                    column = passed[term] = _passes(term[1], values[term[0]])
                verdicts = (
                    column
                    if verdicts is None
                    else [a and b for a, b in zip(verdicts, column, strict=True)]
                )
            if verdicts is None:
                chosen = rows
                pairs = zip(orders, positions, strict=True)
            else:
                chosen = rows[np.fromiter(verdicts, dtype=bool, count=len(rows))]
                pairs = zip(compress(orders, verdicts), compress(positions, verdicts), strict=True)
            for i, k in pairs:
                found = events[i].get(name)
                if found is None:
                    events[i][name] = [k]
                else:
                    found.append(k)
            flat[name] = chosen
    return FlatMatch(
        [Match(met[s], e) for s, e in zip(shapes, events, strict=True)],
        flat,
        np.asarray(shapes, dtype=np.int64),
        met,
    )
