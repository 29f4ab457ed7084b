"""Who holds an order: the events up to an instant, and the handling unit after each.

These readings of a history are shared by the engine (which unit a clock or
deduction falls on) and the scorecards (which unit a rate counts for), so they
live with the model.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Sequence

from grievance_rules.model.enums import StrikeScope
from grievance_rules.model.events import EventBase
from grievance_rules.model.order import WorkOrder

__all__ = [
    "EXCLUDING_EVENT",
    "HOLDER_HISTORY_EVENTS",
    "STRIKING_EVENT",
    "TRANSFER_EVENTS",
    "about_unit",
    "event_indices_as_of",
    "excluded_by_flag",
    "excluded_from_assessment",
    "excludes_from_assessment",
    "handling_units",
    "unit_kind",
]

TRANSFER_EVENTS = ("dispatched", "reassigned")
"""The events that send an order to their ``to_unit`` (:func:`handling_units`)."""

HOLDER_HISTORY_EVENTS = ("return_decided", "proactive_handling")
"""The events after which :func:`handling_units` reads more than the last transfer: who
held the order before (a return approved), or whether anyone holds it (work taken up
unasked). Without one, the handling unit after an event is the ``to_unit`` of the last
transfer not to an upstream unit, up to it, and ``None`` before any (a return decided
but refused changes nothing)."""


def event_indices_as_of(
    order: WorkOrder, as_of: dt.datetime, *, in_time_order: bool = False
) -> list[int]:
    """The indices of the order's events up to ``as_of``, in time order.

    A stable sort: events at the same instant keep the order they are listed in.
    The common case, every event listed in time order and none after ``as_of``,
    is found in one pass without sorting. ``in_time_order``: the caller knows the
    events are listed in time order (a history
    :func:`~grievance_rules.model.history.ensure_coherent` accepted), so those up to
    ``as_of`` are the first ones, found from the end (comparing aware datetimes is the
    cost here, a microsecond or so each).

    Example:
        >>> from grievance_rules.model.order import WorkOrder
        >>> order = WorkOrder.model_validate({
        ...     "id": "A", "channel": "app", "category": "求助",
        ...     "received_at": "2024-05-06T09:00:00+08:00",
        ...     "units": [{"id": "u", "kind": "township"}],
        ...     "events": [
        ...         {"type": "dispatched", "at": "2024-05-06T11:00:00+08:00", "to_unit": "u"},
        ...         {"type": "signed_for", "at": "2024-05-06T10:00:00+08:00", "unit": "u"},
        ...         {"type": "replied", "at": "2024-05-08T10:00:00+08:00", "unit": "u"}]})
        >>> event_indices_as_of(order, order.events[2].at)
        [1, 0, 2]
        >>> event_indices_as_of(order, order.events[0].at)
        [1, 0]
    """
    events = order.events
    if in_time_order:
        kept = len(events)
        while kept and events[kept - 1].at > as_of:
            kept -= 1
        return list(range(kept))
    # events listed in time order (one comparison each), the last by as_of: all of them
    # (comparing aware datetimes is the cost here, a microsecond or so each)
    ats = [event.at for event in events]
    if all(map(operator.le, ats, ats[1:])) and (not ats or ats[-1] <= as_of):
        return list(range(len(ats)))
    return sorted(
        (i for i, event in enumerate(events) if event.at <= as_of),
        key=lambda i: events[i].at,
    )


EXCLUDING_EVENT = "excluded"
"""The type of event that excludes an order from assessment (:func:`excluded_from_assessment`)."""


def excluded_by_flag(order: WorkOrder) -> bool:
    """Whether the order's flags exclude it from assessment (不纳入测评), whatever its events."""
    for flag in order.flags:  # noqa: SIM110 (a hot path: no generator a call)
        if flag.value == "excluded_from_assessment":
            return True
    return False


STRIKING_EVENT = "struck_off"
"""The type of event that, of scope ``assessment`` (核减 of the whole order), excludes it too."""


def excludes_from_assessment(event: EventBase) -> bool:
    """Whether an event takes its order out of assessment.

    An ``excluded`` event (不纳入测评), or a 核减 of the whole order: a ``struck_off``
    event of scope ``assessment`` (one of scope ``dissatisfied_count`` strikes only the
    order's 不满意 rating).
    """
    kind = event.type
    if kind == EXCLUDING_EVENT:
        return True
    return kind == STRIKING_EVENT and event.__dict__.get("scope") is StrikeScope.ASSESSMENT


def excluded_from_assessment(order: WorkOrder, kept: Sequence[EventBase]) -> bool:
    """Whether the order is excluded from assessment (不纳入测评).

    By its flag (:func:`excluded_by_flag`), or by an event among ``kept`` (its events up
    to ``as_of``) that excludes it (:func:`excludes_from_assessment`).
    """
    if excluded_by_flag(order):
        return True
    for event in kept:  # noqa: SIM110 (a hot path: no generator a call)
        if excludes_from_assessment(event):
            return True
    return False


def handling_units(
    events: Sequence[EventBase], upstream: frozenset[str] = frozenset()
) -> list[str | None]:
    """The handling unit after each event: the last handling unit the order was sent to.

    A dispatch to a centre (an ``upstream`` unit: the district centre sending the
    order to the street's centre) does not make the centre the handling unit. A
    ``return_decided`` approval hands the requester's part back: the requester
    (``requester``, else the unit of the last return request, as
    :func:`~grievance_rules.model.assignments.assignments` reads it) no longer
    holds the order. When it was the handling unit, the unit sent the order before
    it and still holding it is (a joint order's other unit), else none until the
    order is dispatched again; a return approved for a unit that is not the handling
    unit (a joint order's first unit) leaves the handling unit as it was. A return
    decided with no requester known hands the order back from everyone.

    Example:
        >>> from grievance_rules.model import WorkOrder
        >>> order = WorkOrder.model_validate({
        ...     "id": "J-1", "channel": "12345", "category": "投诉",
        ...     "received_at": "2024-05-06T09:00:00+08:00",
        ...     "units": [{"id": "ctr", "kind": "dispatch_centre"},
        ...               {"id": "c01", "kind": "village_community"},
        ...               {"id": "c02", "kind": "village_community"}],
        ...     "events": [
        ...         {"type": "dispatched", "at": "2024-05-06T09:30:00+08:00", "unit": "ctr",
        ...          "to_unit": "c01"},
        ...         {"type": "dispatched", "at": "2024-05-06T09:31:00+08:00", "unit": "ctr",
        ...          "to_unit": "c02"},
        ...         {"type": "return_requested", "at": "2024-05-06T10:00:00+08:00",
        ...          "unit": "c01"},
        ...         {"type": "return_decided", "at": "2024-05-06T11:00:00+08:00",
        ...          "unit": "ctr", "decision": "approved", "requester": "c01"}]})
        >>> handling_units(order.events, frozenset({"ctr"}))
        ['c01', 'c02', 'c02', 'c02']
    """
    current: str | None = None
    holders: list[str] = []  # the units holding the order, in the order they were sent it
    last_return: str | None = None
    result: list[str | None] = []
    for event in events:
        kind = event.type
        if kind in TRANSFER_EVENTS:
            target = getattr(event, "to_unit", None)
            if target not in upstream:
                if kind == "reassigned":
                    giving = getattr(event, "from_unit", None)
                    holders = [] if giving is None else [u for u in holders if u != giving]
                if target is not None:
                    holders = [u for u in holders if u != target]
                    holders.append(target)
                current = target
        elif kind == "return_requested":
            last_return = event.unit
        elif kind == "return_decided" and getattr(event, "decision", None) == "approved":
            requester = getattr(event, "requester", None) or last_return
            if requester is None:
                holders = []
                current = None
            else:
                holders = [u for u in holders if u != requester]
                if requester == current:
                    current = holders[-1] if holders else None
        elif kind == "proactive_handling" and current is None:
            current = event.unit
            if current is not None:
                holders.append(current)
        result.append(current)
    return result


def about_unit(event: EventBase, handling: str | None) -> str | None:
    """The unit a callback rates: its 评价单位 (``about_unit``), else ``handling``.

    ``handling``: the unit holding the order at the callback. ``None`` for any other
    event (the target ``about_unit`` counts only callbacks). The one statement of it,
    for the engine, the columnar kernel and the rates.
    """
    if event.type != "callback":
        return None
    return event.__dict__["about_unit"] or handling


def unit_kind(order: WorkOrder, unit: str | None) -> str | None:
    """The kind of one of the order's units (the last listed of that id), else ``None``.

    What a rule's ``for_unit_kind`` tests, and ``applies_to.unit_kind`` of the first
    handling unit.

    Example:
        >>> order = WorkOrder.model_validate({"id": "1", "channel": "app", "category": "咨询",
        ...     "received_at": "2024-05-06T09:12:00+08:00",
        ...     "units": [{"id": "c07", "kind": "village_community"}]})
        >>> unit_kind(order, "c07"), unit_kind(order, "o01")
        ('village_community', None)
    """
    if unit is None:
        return None
    for listed in reversed(order.units):
        if listed.id == unit:
            return listed.kind._value_  # (.value, without enum's property)
    return None
