"""Matching: which events each event reference of a pack selects, which selectors an order meets.

Every pattern a pack has tests one thing: an event reference (a clock's start or
stop, a trigger and its ``after``) tests one event; an ``applies_to`` selector
tests the order. Two backends answer the same question with one semantics:

* ``native`` (the default, pure Python, every Python version): each reference is
  compiled once (:func:`event_predicate`, :func:`selector_predicate`) into a
  predicate on the event or order object itself, and :class:`NativeMatcher` runs
  the predicates of an event's type over each event.
* ``durable``: the same patterns (:mod:`grievance_rules.engine.compiler`) run on
  durable-rules over flat facts (:mod:`grievance_rules.engine.facts`); installed
  with ``pip install 'grievance-rules[durable]'`` on Python 3.11–3.12.

A predicate reads a value exactly as the fact would carry it (an enum's value, a
tuple's length for ``<field>_count``, the handling unit at that event, whether
``to_unit`` is an upstream centre) and applies the test durable-rules applies to
the fact: equality, any of a list, ``exists``, ``ne``/``gte``/``lte``/``gt``/``lt``
(false when the field is absent). The differential tests hold the two backends to
byte-identical assessments.
"""

from __future__ import annotations

import datetime as dt
import enum
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol, get_args

from grievance_rules.errors import (
    EngineArgumentError,
    FactValidationError,
    RuleDefinitionError,
)
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list
from grievance_rules.model import WorkOrder
from grievance_rules.model.events import EVENT_CLASSES, EventBase
from grievance_rules.model.handling import event_indices_as_of, handling_units, unit_kind
from grievance_rules.packs.schema import UPSTREAM_TESTS, EventRef, Selector, Trigger

if TYPE_CHECKING:
    from grievance_rules.engine.plan import PackPlan

__all__ = [
    "ABSENT",
    "ENGINES",
    "Cut",
    "EngineName",
    "EventPredicate",
    "Match",
    "Matcher",
    "NativeMatcher",
    "OrderPredicate",
    "OrderView",
    "any_of",
    "check_integers",
    "cut_of",
    "event_predicate",
    "get_matcher",
    "integer_fields",
    "selector_predicate",
    "value_reader",
    "view_of",
    "view_of_cut",
    "where_test",
]

EngineName = Literal["native", "durable"]
ENGINES: tuple[EngineName, ...] = ("native", "durable")

EventPredicate = Callable[[EventBase, "str | None", frozenset[str]], bool]
"""``(event, handling unit after it, upstream unit ids) -> matches``."""
OrderPredicate = Callable[[WorkOrder, "str | None"], bool]
"""``(order, kind of its first handling unit) -> matches``."""

ABSENT: Any = object()
"""What a reader gives for a property the event (as a fact) does not carry."""
_INT64_LOW, _INT64_HIGH = -(2**63), 2**63 - 1
"""The integers durable-rules can hold (two comparisons: ``in range(...)`` costs more)."""


# -- reading a value as the fact carries it ----------------------------------------------

_ValueReader = Callable[[EventBase, "str | None", frozenset[str]], Any]


def _json_scalar(value: Any) -> Any:
    """A field's value as the fact holds it, or ABSENT (None, lists and objects are not)."""
    if value is None or isinstance(value, list | tuple | dict):
        return ABSENT
    if isinstance(value, enum.Enum):
        return value._value_  # (what .value gives, without enum's Python-level property)
    if isinstance(value, str | bool | int | float):
        return value
    if hasattr(value, "model_dump"):
        return ABSENT
    return value  # refused at load: only scalar fields may be tested


def value_reader(name: str, fields: Mapping[str, Any]) -> _ValueReader:
    """How to read property ``name`` of an event whose class has ``fields``."""
    if name == "handling_unit":
        return lambda event, handling, upstream: ABSENT if handling is None else handling
    if name in UPSTREAM_TESTS:
        unit_field = UPSTREAM_TESTS[name]
        if unit_field not in fields:
            return lambda event, handling, upstream: ABSENT

        def upstream_of(event: EventBase, handling: str | None, upstream: frozenset[str]) -> Any:
            unit = getattr(event, unit_field)
            return ABSENT if unit is None else unit in upstream

        return upstream_of
    if name in fields:

        def field_value(event: EventBase, handling: str | None, upstream: frozenset[str]) -> Any:
            value = getattr(event, name)
            if value.__class__ in (str, bool, int, float):
                return value
            if isinstance(value, dt.datetime | dt.date):  # as the JSON dump writes it
                return event.model_dump(mode="json", include={name})[name]
            return _json_scalar(value)

        return field_value
    base = name.removesuffix("_count")
    if name.endswith("_count") and base in fields:

        def count(event: EventBase, handling: str | None, upstream: frozenset[str]) -> Any:
            value = getattr(event, base)
            return len(value) if isinstance(value, list | tuple) else ABSENT

        return count
    return lambda event, handling, upstream: ABSENT  # a field this event type lacks


# -- tests on a value ------------------------------------------------------------------

_Test = Callable[[Any], bool]


def _equals(operand: Any) -> _Test:
    return lambda value: value is not ABSENT and value == operand


def any_of(tests: Sequence[Callable[[Any], bool]]) -> Callable[[Any], bool]:
    """A test that passes a value when any of ``tests`` does (in order, the first decides).

    A loop, not ``any()`` over a generator: no generator is made a call, on a hot path.

    Example:
        >>> any_of([lambda v: v > 2, lambda v: v == 0])(0), any_of([])(1)
        (True, False)
    """

    def passes(value: Any) -> bool:
        for test in tests:  # noqa: SIM110 (no generator a call)
            if test(value):
                return True
        return False

    return passes


def where_test(value: Any) -> _Test:
    """The test a ``where`` value stands for (the compiler's ``_where``, read in Python)."""
    if value is None:
        return lambda actual: actual is ABSENT
    if isinstance(value, list):
        return any_of([where_test(item) for item in value])
    if isinstance(value, dict):
        ((op, operand),) = value.items()
        if op == "exists":
            return (
                (lambda actual: actual is not ABSENT)
                if operand
                else (lambda actual: actual is ABSENT)
            )
        if op == "ne":
            return lambda actual: actual is not ABSENT and actual != operand
        if op == "gte":
            return lambda actual: actual is not ABSENT and actual >= operand
        if op == "lte":
            return lambda actual: actual is not ABSENT and actual <= operand
        if op == "gt":
            return lambda actual: actual is not ABSENT and actual > operand
        if op == "lt":
            return lambda actual: actual is not ABSENT and actual < operand
        raise RuleDefinitionError(_("unknown operator {op}").format(op=repr(op)))
    return _equals(value)


def event_predicate(ref: EventRef | Trigger) -> EventPredicate:
    """An event reference as a predicate on an event of its type.

    The event's type is not tested: :class:`NativeMatcher` only asks the predicates
    of an event's own type.

    Example:
        >>> from grievance_rules.model.events import Replied
        >>> import datetime as dt
        >>> ref = EventRef(event="replied", where={"evidence_count": {"gte": 1}})
        >>> reply = Replied(at=dt.datetime(2024, 5, 6, 9, tzinfo=dt.UTC), unit="c07")
        >>> event_predicate(ref)(reply, "c07", frozenset())
        False
    """
    assert ref.event is not None
    fields = EVENT_CLASSES[ref.event].model_fields
    terms = [
        (value_reader(name, fields), where_test(value)) for name, value in sorted(ref.where.items())
    ]
    if not terms:
        return lambda event, handling, upstream: True
    if len(terms) == 1:
        ((read, test),) = terms
        return lambda event, handling, upstream: test(read(event, handling, upstream))

    def every(event: EventBase, handling: str | None, upstream: frozenset[str]) -> bool:
        for read, test in terms:  # noqa: SIM110 (a hot path: no generator a call)
            if not test(read(event, handling, upstream)):
                return False
        return True

    return every


def selector_predicate(selector: Selector) -> OrderPredicate:
    """An ``applies_to`` selector as a predicate on the order (and its first handler's kind).

    Example:
        >>> from grievance_rules.model import WorkOrder
        >>> order = WorkOrder.model_validate({"id": "A", "channel": "12345",
        ...     "category": "投诉", "received_at": "2024-05-06T09:00+08:00"})
        >>> selector_predicate(Selector(channel=(order.channel.value,)))(order, None)
        True
        >>> selector_predicate(Selector(unit_kind=("village_community",)))(order, None)
        False
    """
    tests: list[OrderPredicate] = []
    for name in ("channel", "category", "urgency"):
        values = frozenset(getattr(selector, name))
        if values:
            tests.append(_classified_as(name, values))
    if selector.special_kind:
        tests.append(_listed_in("special_kinds", frozenset(selector.special_kind)))
    if selector.not_special_kind:
        listed = _listed_in("special_kinds", frozenset(selector.not_special_kind))
        tests.append(lambda order, kind: not listed(order, kind))
    if selector.unit_kind:
        kinds = frozenset(selector.unit_kind)
        tests.append(lambda order, kind: kind is not None and kind in kinds)
    if selector.flag:
        tests.append(_listed_in("flags", frozenset(selector.flag)))
    tests.extend(_has(field_name) for field_name in selector.has)
    if selector.any_of:
        tests.append(_any_of([selector_predicate(alternative) for alternative in selector.any_of]))
    return _all_of(tests)


def _listed_in(name: str, values: frozenset[str]) -> OrderPredicate:
    """Whether one of an order's special kinds or flags (``name``) is one of ``values``."""
    read = operator.attrgetter(name)

    def listed(order: WorkOrder, kind: str | None) -> bool:
        for item in read(order):  # noqa: SIM110 (no generator a call)
            if item._value_ in values:  # (the enum's value, not through its descriptor)
                return True
        return False

    return listed


def _all_of(tests: list[OrderPredicate]) -> OrderPredicate:
    """Whether an order passes every test (a loop, not ``all()`` over a generator: hot)."""
    if len(tests) == 1:
        return tests[0]

    def every(order: WorkOrder, kind: str | None) -> bool:
        for test in tests:  # noqa: SIM110 (no generator a call)
            if not test(order, kind):
                return False
        return True

    return every


def _any_of(tests: list[OrderPredicate]) -> OrderPredicate:
    """Whether an order passes one of the tests (a loop, as :func:`_all_of`)."""

    def some(order: WorkOrder, kind: str | None) -> bool:
        for test in tests:  # noqa: SIM110 (no generator a call)
            if test(order, kind):
                return True
        return False

    return some


def _classified_as(name: str, values: frozenset[str]) -> OrderPredicate:
    read = operator.attrgetter(f"{name}._value_")  # (the enum's value, not its descriptor)
    return lambda order, kind: read(order) in values


def _has(name: str) -> OrderPredicate:
    return lambda order, kind: getattr(order, name) is not None


# -- what a matcher is given and gives back ----------------------------------------------


class OrderView(NamedTuple):
    """One order as known at ``as_of``: its events up to then, and who held it.

    A named tuple, not a frozen dataclass: one is made for every order judged, and a
    frozen dataclass sets each field through ``object.__setattr__`` (0.44 % of a
    partition's instructions, compared under three packs).

    Attributes:
        order: the work order.
        kept: its events at or before ``as_of``, in time order.
        indices: each kept event's index in ``order.events``.
        handling: the handling unit after each kept event.
        upstream: the ids of the order's upstream units (centres).
        ignored_after_as_of: how many events were left out because they are later.
    """

    order: WorkOrder
    kept: Sequence[EventBase]
    indices: Sequence[int]
    handling: Sequence[str | None]
    upstream: frozenset[str]
    ignored_after_as_of: int = 0

    def first_handler_kind(self) -> str | None:
        """The kind of the first unit the order was sent to (the last unit of that id)."""
        return unit_kind(self.order, next((u for u in self.handling if u is not None), None))


@dataclass(frozen=True)
class Match:
    """What one order matched.

    Attributes:
        selectors: the names of the selectors the order meets.
        events: event pattern name → positions (into ``kept``) of the events it selects.
    """

    selectors: frozenset[str]
    events: Mapping[str, list[int]]


def view_of(order: WorkOrder, as_of: dt.datetime, *, in_time_order: bool = False) -> OrderView:
    """The order as known at ``as_of`` (later events left out).

    ``in_time_order``: the events are known to be listed in time order (its history
    was checked): see :func:`~grievance_rules.model.handling.event_indices_as_of`.
    """
    cut = cut_of(order, as_of, in_time_order=in_time_order)
    return view_of_cut(cut, handling_units(cut[1], cut[3]))


Cut = tuple[WorkOrder, list[EventBase], list[int], frozenset[str]]
"""An order cut to an instant (:func:`cut_of`): the order, its events kept up to then (in
time order), their indices in ``order.events``, and the ids of its upstream units."""


def cut_of(order: WorkOrder, as_of: dt.datetime, *, in_time_order: bool = False) -> Cut:
    """The order cut to ``as_of`` (see :func:`view_of`), its handling units not yet read."""
    indices = event_indices_as_of(order, as_of, in_time_order=in_time_order)
    events = order.events
    # in time order, the events kept are the first ones (a slice, not a look-up each)
    kept: list[EventBase] = (
        list(events[: len(indices)]) if in_time_order else list(map(events.__getitem__, indices))
    )
    return order, kept, indices, order.upstream_unit_ids()


def view_of_cut(cut: Cut, handling: Sequence[str | None]) -> OrderView:
    """The view of a cut order (:func:`cut_of`), given the handling unit after each kept event."""
    order, kept, indices, upstream = cut
    return OrderView(order, kept, indices, handling, upstream, len(order.events) - len(kept))


def check_integers(item: OrderView) -> None:
    """Refuse an event integer wider than 64 bits, whichever backend judges the order.

    durable-rules cannot hold such a value; the native matcher refuses it too, so
    the two backends accept and reject the same orders.

    Raises:
        FactValidationError: naming the event (its position among the facts) and field.
    """
    found = _INTEGER_FIELDS.get
    for position, event in enumerate(item.kept, start=1):
        cls = type(event)  # (not ``event.__class__``: an attribute look-up on the model)
        names = found(cls)
        if names is None:
            names = integer_fields(cls)
        for name in names:  # (most event classes have none: a look-up per event, no call)
            value = getattr(event, name)
            if value.__class__ is int and not _INT64_LOW <= value <= _INT64_HIGH:
                raise FactValidationError(
                    _(
                        "fact {index}, key {key}: {value} is wider than the engine's "
                        "64-bit integers"
                    ).format(index=position, key=repr(name), value=value),
                    field=f"events[{item.indices[position - 1]}].{name}",
                )


_INTEGER_FIELDS: dict[type[EventBase], tuple[str, ...]] = {}


def integer_fields(cls: type[EventBase]) -> tuple[str, ...]:
    """The fields of an event class that may hold an int (in field order), found once."""
    found = _INTEGER_FIELDS.get(cls)
    if found is None:
        found = _INTEGER_FIELDS[cls] = tuple(
            name
            for name, info in cls.model_fields.items()
            if info.annotation is int or int in get_args(info.annotation)
        )
    return found


class Matcher(Protocol):
    """A matching backend: what each order's events and order matched."""

    name: EngineName

    def match(self, plan: PackPlan, items: Sequence[OrderView]) -> list[Match]:
        """Match each order on its own (many orders may share one engine session).

        The views' event integers are checked (:func:`check_integers`) by whoever made
        them: the batch as it reads each input, ``evaluate`` for its order. The native
        matcher does not check them again; the durable one does, since durable-rules
        cannot hold a wider one whoever was meant to check.

        Raises:
            FactValidationError: an order's data the backend cannot take.
            EngineError: the backend failed.
        """
        ...


_SELECTORS_KEPT = 4_096
"""At most this many kinds of order are remembered per plan (then it starts afresh)."""


class NativeMatcher:
    """The compiled predicates of a plan, run in Python."""

    name: EngineName = "native"

    def match(self, plan: PackPlan, items: Sequence[OrderView]) -> list[Match]:
        """Match each order's events with the predicates of their type."""
        by_type = plan.event_predicates
        selectors = plan.selector_predicates
        memo = plan.selectors_met
        results = []
        for item in items:  # (integers checked as each was read: see Matcher.match)
            kind = item.first_handler_kind()
            order = item.order
            # everything a selector reads of the order: orders alike meet the same ones
            key = (
                order.channel,
                order.category,
                order.urgency,
                order.special_kinds,
                order.flags,
                kind,
                *[getattr(order, name) is None for name in plan.selector_fields],
            )
            met = memo.get(key)
            if met is None:
                met = frozenset(name for name, test in selectors if test(order, kind))
                if len(memo) >= _SELECTORS_KEPT:
                    memo.clear()
                memo[key] = met
            matched: dict[str, list[int]] = {}
            upstream = item.upstream
            handling = item.handling
            for position, event in enumerate(item.kept):
                tests = by_type.get(event.type)
                if not tests:
                    continue
                unit = handling[position]
                for name, test in tests:
                    if test(event, unit, upstream):
                        found = matched.get(name)
                        if found is None:
                            matched[name] = [position]
                        else:
                            found.append(position)
            results.append(Match(met, matched))
        return results


_MATCHERS: dict[str, Matcher] = {}


def get_matcher(name: str) -> Matcher:
    """The backend of this name: ``native`` or ``durable``.

    Raises:
        EngineError: an unknown name, or ``durable`` where durable-rules is not
            installed (it installs with ``pip install 'grievance-rules[durable]'``
            on Python 3.11–3.12).
    """
    found = _MATCHERS.get(name)
    if found is not None:
        return found
    if name == "native":
        found = NativeMatcher()
    elif name == "durable":
        from grievance_rules.engine._durable import get_adapter
        from grievance_rules.engine.facts import DurableMatcher

        get_adapter()  # durable-rules missing: fail here, with how to install it
        found = DurableMatcher()
    else:
        raise EngineArgumentError(
            _("unknown engine {name}; one of: {engines}").format(
                name=repr(name), engines=join_list(ENGINES)
            ),
            parameter="engine",
            value=name,
        )
    _MATCHERS[name] = found
    return found
