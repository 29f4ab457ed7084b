"""An order as the plain-JSON facts the rule engine matches.

Each event becomes one flat fact: its scalar fields, ``fact: "event"``, its
``index`` in the history, ``ts`` (seconds since the epoch), the
``handling_unit`` at that instant, ``to_unit_upstream`` and ``unit_upstream`` (whether
an event's ``to_unit``, or its acting ``unit``, is a centre rather than a handling unit:
:data:`~grievance_rules.packs.schema.UPSTREAM_TESTS`), and ``<field>_count`` for each list field
(``evidence_count: 0`` is a reply without evidence). The order becomes one fact
with ``fact: "order"``, its classification, ``sk_<special kind>: true`` per
special kind and ``flag_<flag>: true`` per flag. Fact ``id`` values are
``order`` and ``e<index>`` (durable-rules identifies facts by ``id``); an event's
own id is kept as ``event_id``.

Given the properties a ruleset reads (``properties``), :func:`build_facts` builds
each fact with those properties only: exactly the full fact restricted to them,
computed without serialising the whole event (the engine's fast path; the rule
engine cannot tell the two apart, since a pattern only sees what it reads).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grievance_rules.engine._durable import CompiledRuleset, check_fact_integer, get_adapter
from grievance_rules.engine.matching import (
    ABSENT,
    EngineName,
    Match,
    OrderView,
    check_integers,
    integer_fields,
    value_reader,
    view_of,
)
from grievance_rules.model import WorkOrder
from grievance_rules.model.events import EventBase
from grievance_rules.packs.schema import UPSTREAM_TESTS

if TYPE_CHECKING:
    from grievance_rules.engine.plan import PackPlan

__all__ = ["DurableMatcher", "OrderFacts", "build_facts", "facts_of"]

_META = frozenset({"fact", "index", "ts", "handling_unit", "event_id", *UPSTREAM_TESTS})


@dataclass(frozen=True)
class OrderFacts:
    """The facts of one order up to ``as_of`` (for tests and benchmarks of the facts).

    Attributes:
        order: the order fact.
        events: one fact per event at or before ``as_of``, in history order.
        kept: the events those facts come from (same order).
        indices: each kept event's index in ``order.events``.
        handling: the handling unit at each kept event (after it took effect).
        ignored_after_as_of: how many events were left out because they are later.
    """

    order: dict[str, Any]
    events: list[dict[str, Any]]
    kept: list[EventBase]
    indices: list[int]
    handling: list[str | None]
    ignored_after_as_of: int


def _event_fact(
    event: EventBase, index: int, handling: str | None, upstream: frozenset[str]
) -> dict[str, Any]:
    raw = event.model_dump(mode="json", exclude_none=True)
    fact: dict[str, Any] = {"id": f"e{index}", "fact": "event", "index": index}
    for key, value in raw.items():
        if key in _META:
            raise AssertionError(f"event field {key!r} collides with a fact meta key")
        if key == "id":
            fact["event_id"] = value
        elif isinstance(value, list):
            fact[f"{key}_count"] = len(value)
        elif isinstance(value, dict):
            continue
        else:
            fact[key] = value
    fact["ts"] = event.at.timestamp()
    for name, unit_field in UPSTREAM_TESTS.items():
        unit = raw.get(unit_field)
        if unit is not None:
            fact[name] = unit in upstream
    if handling is not None:
        fact["handling_unit"] = handling
    return fact


# How one property of a projected event fact is read: (event, index, handling unit,
# upstream units) -> the value, or ABSENT where the full fact has no such key. Fields,
# counts and the unit properties are read by the native matcher's readers
# (:func:`~grievance_rules.engine.matching.value_reader`): one reading of a value for
# both backends; only the fact's own keys (id, index, ts ...) are read here.
_Reader = Callable[[EventBase, int, "str | None", frozenset[str]], Any]
_PLANS: dict[tuple[type[EventBase], frozenset[str]], tuple[tuple[str, _Reader], ...]] = {}


def _indexed(read: Callable[[EventBase, str | None, frozenset[str]], Any]) -> _Reader:
    return lambda event, index, handling, up: read(event, handling, up)


_META_READERS: dict[str, _Reader] = {
    "id": lambda event, index, handling, up: f"e{index}",
    "fact": lambda event, index, handling, up: "event",
    "index": lambda event, index, handling, up: index,
    "ts": lambda event, index, handling, up: event.at.timestamp(),
    "event_id": lambda event, index, handling, up: ABSENT if event.id is None else event.id,
}


def _plan(cls: type[EventBase], properties: frozenset[str]) -> tuple[tuple[str, _Reader], ...]:
    """How to read each of ``properties`` of an event of class ``cls`` (built once)."""
    plan = _PLANS.get((cls, properties))
    if plan is not None:
        return plan
    fields = cls.model_fields
    readers: list[tuple[str, _Reader]] = []
    for name in sorted(properties):
        if name in UPSTREAM_TESTS and UPSTREAM_TESTS[name] not in fields:
            continue  # never in the fact (and no slow look-up of a missing attribute)
        if name in _META_READERS:
            readers.append((name, _META_READERS[name]))
        elif (
            name == "handling_unit"
            or name in UPSTREAM_TESTS
            or (
                name != "id"
                and (
                    name in fields or (name.endswith("_count") and name[: -len("_count")] in fields)
                )
            )
        ):
            readers.append((name, _indexed(value_reader(name, fields))))
    plan = _PLANS[(cls, properties)] = tuple(readers)
    return plan


def _projected_event_fact(
    event: EventBase,
    index: int,
    position: int,
    handling: str | None,
    upstream: frozenset[str],
    properties: frozenset[str],
) -> dict[str, Any]:
    cls = event.__class__
    # the full fact would carry every integer field, and durable-rules refuses the
    # ones beyond 64 bits: refuse them here too, with the adapter's words
    for name in integer_fields(cls):
        value = getattr(event, name)
        if value.__class__ is int:
            check_fact_integer(value, position, name)
    fact: dict[str, Any] = {}
    for name, read in _plan(cls, properties):
        value = read(event, index, handling, upstream)
        if value is not ABSENT:
            fact[name] = value
    return fact


def facts_of(
    view: OrderView, properties: Collection[str] | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The order fact and one fact per kept event of an order's view.

    Args:
        view: the order as known at ``as_of``.
        properties: if given, each fact keeps only these properties (those a ruleset
            reads); the facts are then the full facts restricted to them.

    Raises:
        FactValidationError: with ``properties``, an event's integer field does not fit
            durable-rules' 64-bit integers (the full facts would be refused for it).
    """
    order = view.order
    indices = view.indices
    handling = view.handling
    upstream = view.upstream
    fact: dict[str, Any] = {
        "id": "order",
        "fact": "order",
        "order_id": order.id,
        "channel": order.channel.value,
        "category": order.category.value,
        "urgency": order.urgency.value,
    }
    for kind in order.special_kinds:
        fact[f"sk_{kind.value}"] = True
    for flag in order.flags:
        fact[f"flag_{flag.value}"] = True
    for name in ("reply_deadline", "dispatched_at", "complainant", "issue", "location"):
        if getattr(order, name) is not None:
            fact[f"has_{name}"] = True
    handler_kind = view.first_handler_kind()
    if handler_kind is not None:
        fact["handling_unit_kind"] = handler_kind
    if properties is None:
        events = [
            _event_fact(event, indices[k], handling[k], upstream)
            for k, event in enumerate(view.kept)
        ]
    else:
        wanted = frozenset(properties)
        fact = {key: value for key, value in fact.items() if key in wanted}
        events = [
            _projected_event_fact(event, indices[k], k + 1, handling[k], upstream, wanted)
            for k, event in enumerate(view.kept)
        ]
    return fact, events


def build_facts(
    order: WorkOrder, as_of: dt.datetime, properties: Collection[str] | None = None
) -> OrderFacts:
    """The facts of ``order`` as known at ``as_of`` (later events are left out).

    Args:
        order: the work order.
        as_of: events after this instant are left out.
        properties: if given, each fact keeps only these properties (those a ruleset
            reads); the facts are then the full facts restricted to them.

    Raises:
        FactValidationError: with ``properties``, an event's integer field does not fit
            durable-rules' 64-bit integers (the full facts would be refused for it).
    """
    view = view_of(order, as_of)
    fact, events = facts_of(view, properties)
    return OrderFacts(
        fact,
        events,
        list(view.kept),
        list(view.indices),
        list(view.handling),
        view.ignored_after_as_of,
    )


class DurableMatcher:
    """The durable-rules backend: the plan's patterns over each order's facts.

    Every pattern of a pack tests one fact, so what a fact matches depends on that
    fact alone: the orders given to :meth:`match` share one durable-rules session,
    and equal facts (the same properties, of the same types) are asserted once.
    """

    name: EngineName = "durable"

    def match(self, plan: PackPlan, items: Sequence[OrderView]) -> list[Match]:
        """Match each order's facts in one session (see the class docstring).

        Raises:
            EngineError: durable-rules is not installed or failed.
            FactValidationError: an order's facts durable-rules cannot take.
        """
        ruleset = self._ruleset(plan)
        properties = ruleset.properties
        slots: dict[tuple[tuple[tuple[str, Any], ...], tuple[type, ...]], int] = {}
        distinct: list[dict[str, Any]] = []
        order_slots: list[list[int]] = []
        for item in items:
            check_integers(item)  # (again: what durable-rules cannot hold never reaches it)
            order_fact, event_facts = facts_of(item, properties)
            taken = []
            for fact in (order_fact, *event_facts):
                key = (tuple(fact.items()), tuple(map(type, fact.values())))
                slot = slots.get(key)
                if slot is None:
                    slot = slots[key] = len(distinct)
                    distinct.append(fact)
                taken.append(slot)
            order_slots.append(taken)
        names = get_adapter().match_facts(ruleset, distinct)
        results = []
        for taken in order_slots:
            matched: dict[str, list[int]] = {}
            for position, slot in enumerate(taken[1:]):
                for rule in names[slot]:
                    matched.setdefault(rule, []).append(position)
            results.append(Match(frozenset(names[taken[0]]), matched))
        return results

    @staticmethod
    def _ruleset(plan: PackPlan) -> CompiledRuleset:
        """The plan's ruleset, registered once (checking and hashing the definition is not free)."""
        ruleset: CompiledRuleset | None = plan.memo.get("durable ruleset")
        if ruleset is None:
            patterns = plan.patterns
            ruleset = get_adapter().compile(
                f"{patterns.namespace}#{patterns.digest}", patterns.definition
            )
            plan.memo["durable ruleset"] = ruleset
        return ruleset
