"""An order as the plain-JSON facts the rule engine matches.

Each event becomes one flat fact: its scalar fields, ``fact: "event"``, its
``index`` in the history, ``ts`` (seconds since the epoch), the
``handling_unit`` at that instant, ``to_unit_upstream`` (whether an event's
``to_unit`` is a centre rather than a handling unit), and ``<field>_count`` for each list field
(``evidence_count: 0`` is a reply without evidence). The order becomes one fact
with ``fact: "order"``, its classification, ``sk_<special kind>: true`` per
special kind and ``flag_<flag>: true`` per flag. Fact ``id`` values are
``order`` and ``e<index>`` (durable-rules identifies facts by ``id``); an event's
own id is kept as ``event_id``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from grievance_rules.model import WorkOrder
from grievance_rules.model.events import EventBase

__all__ = ["OrderFacts", "build_facts", "handling_units"]

_TRANSFERS = ("dispatched", "reassigned")
_META = frozenset({"fact", "index", "ts", "handling_unit", "event_id", "to_unit_upstream"})


@dataclass(frozen=True)
class OrderFacts:
    """The facts of one order up to ``as_of``.

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


def handling_units(
    events: list[EventBase], upstream: frozenset[str] = frozenset()
) -> list[str | None]:
    """The handling unit after each event: the last handling unit the order was sent to.

    A dispatch to a centre (an ``upstream`` unit: the district centre sending the
    order to the street's centre) does not make the centre the handling unit. A
    ``return_decided`` approval hands the order back (no handling unit) until it
    is dispatched again.
    """
    current: str | None = None
    result: list[str | None] = []
    for event in events:
        if event.type in _TRANSFERS:
            target = getattr(event, "to_unit", None)
            if target not in upstream:
                current = target
        elif event.type == "return_decided" and getattr(event, "decision", None) == "approved":
            current = None
        elif event.type == "proactive_handling" and current is None:
            current = event.unit
        result.append(current)
    return result


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
    to_unit = raw.get("to_unit")
    if to_unit is not None:
        fact["to_unit_upstream"] = to_unit in upstream
    if handling is not None:
        fact["handling_unit"] = handling
    return fact


def build_facts(order: WorkOrder, as_of: dt.datetime) -> OrderFacts:
    """The facts of ``order`` as known at ``as_of`` (later events are left out)."""
    # in time order (a stable sort: events at the same instant keep their order)
    indices = sorted(
        (i for i, event in enumerate(order.events) if event.at <= as_of),
        key=lambda i: order.events[i].at,
    )
    kept: list[EventBase] = [order.events[i] for i in indices]
    upstream = frozenset(unit.id for unit in order.units if unit.kind.is_upstream)
    handling = handling_units(kept, upstream)
    first_handler = next((unit for unit in handling if unit is not None), None)
    kinds = {unit.id: unit.kind.value for unit in order.units}
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
    if first_handler is not None and first_handler in kinds:
        fact["handling_unit_kind"] = kinds[first_handler]
    events = [_event_fact(event, indices[k], handling[k], upstream) for k, event in enumerate(kept)]
    return OrderFacts(fact, events, kept, indices, handling, len(order.events) - len(kept))
