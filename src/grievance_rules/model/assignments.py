"""Who held an order when: its assignments to handling units, from its events.

An *assignment* is one handling unit's turn with the order: it begins when an
upstream unit (a centre, a government) sends the order to it and ends when the
order is taken from it. The one way to record a re-dispatch (重新派单, 改派) is a
``reassigned`` event from the centre naming ``from_unit`` (the unit giving the
order up) and ``to_unit`` (the new one); see ``docs/model.md``. Read the same:

* ``dispatched`` from an upstream unit (or an unrecorded sender) to a handling
  unit begins an assignment; a second such dispatch while the first unit still
  holds the order is a joint assignment (联办: both hold it);
* ``dispatched`` from a handling unit (a township to its own village) is a
  forward inside the assignment, not a new one: the sender stays answerable;
  and a dispatch to the unit that already holds the order (sent back to it for a
  redo) continues its assignment;
* ``reassigned`` ends ``from_unit``'s assignment (every holder's when
  ``from_unit`` is not recorded) and begins ``to_unit``'s;
* ``return_decided`` approved ends the requester's assignment (the unit of the
  last return request when ``requester`` is not recorded): a return approved and
  followed by a new ``dispatched`` reads as a ``reassigned`` does.

Example:
    >>> from grievance_rules.model import WorkOrder
    >>> order = WorkOrder.model_validate({
    ...     "id": "A-1", "channel": "12345", "category": "投诉",
    ...     "received_at": "2024-05-06T09:00:00+08:00",
    ...     "units": [{"id": "ctr", "kind": "dispatch_centre"},
    ...               {"id": "c01", "kind": "village_community"},
    ...               {"id": "c02", "kind": "village_community"}],
    ...     "events": [
    ...         {"type": "dispatched", "at": "2024-05-06T09:30:00+08:00", "unit": "ctr",
    ...          "to_unit": "c01"},
    ...         {"type": "reassigned", "at": "2024-05-06T15:00:00+08:00", "unit": "ctr",
    ...          "from_unit": "c01", "to_unit": "c02"}]})
    >>> [(a.unit, a.begins, a.ends) for a in assignments(order.events, order.units)]
    [('c01', 0, 1), ('c02', 1, None)]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from grievance_rules.model.units import Unit

__all__ = ["ASSIGNING_EVENT_TYPES", "AssigningEvent", "Assignment", "assignments"]

ASSIGNING_EVENT_TYPES = ("dispatched", "reassigned", "return_requested", "return_decided")
"""The event types :func:`assignments` reads; it passes over every other event, so given
only the events of these types it finds the same assignments (positions among them)."""


@dataclass(frozen=True)
class Assignment:
    """One handling unit's turn with an order.

    Attributes:
        unit: the handling unit.
        begins: the position (in the events given) of the event that assigned it.
        ends: the position of the event that took the order from it, or ``None``.
        how: how it began: ``dispatched`` or ``reassigned``.
    """

    unit: str
    begins: int
    ends: int | None
    how: str


class AssigningEvent(Protocol):
    """What :func:`assignments` reads of an event: an event, or a stand-in.

    Its ``type`` and acting ``unit``, and, where its type has them, ``to_unit``,
    ``from_unit``, ``decision`` and ``requester`` (read with ``getattr``, ``None``
    where absent).
    """

    @property
    def type(self) -> str:
        """The event's type."""
        ...

    @property
    def unit(self) -> str | None:
        """The unit that acted."""
        ...


def assignments(events: Sequence[AssigningEvent], units: Iterable[Unit]) -> tuple[Assignment, ...]:
    """The assignments of an order, in the order they began (positions into ``events``)."""
    upstream = {unit.id for unit in units if unit.kind.is_upstream}
    begun: list[tuple[str, int, str]] = []
    ended: dict[int, int] = {}  # index into begun → position of the ending event
    last_return: str | None = None

    def end(unit: str | None, position: int) -> None:
        for i, (held, _begins, _how) in enumerate(begun):
            if i not in ended and (unit is None or held == unit):
                ended[i] = position

    for position, event in enumerate(events):
        kind = event.type  # (the types read here are ASSIGNING_EVENT_TYPES)
        if kind == "dispatched":
            target = getattr(event, "to_unit", None)
            if target is None or target in upstream:
                continue
            if event.unit is not None and event.unit not in upstream:
                continue  # a forward inside the assignment (a township to its village)
            if any(held == target and i not in ended for i, (held, _b, _h) in enumerate(begun)):
                continue  # sent again to the unit holding it (a redo): the same assignment
            begun.append((target, position, "dispatched"))
        elif kind == "reassigned":
            target = getattr(event, "to_unit", None)
            end(getattr(event, "from_unit", None), position)
            if target is not None and target not in upstream:
                begun.append((target, position, "reassigned"))
        elif kind == "return_requested":
            last_return = event.unit
        elif kind == "return_decided" and getattr(event, "decision", None) == "approved":
            requester = getattr(event, "requester", None) or last_return
            if requester is not None:
                end(requester, position)
    return tuple(
        Assignment(unit, begins, ended.get(i), how) for i, (unit, begins, how) in enumerate(begun)
    )
