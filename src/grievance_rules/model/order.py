"""The work order (工单): what came in, where it went, and the events of its life.

The model is jurisdiction-neutral: every policy pack reads the same order and
maps its own terms onto it. An order is *structurally* valid when it can be
constructed (types, enumerations, timezone-aware instants); whether its history
is *coherent* (no event before receipt, no callback before a reply, no event for
a unit the order never reached ...) is a separate question answered by
:func:`grievance_rules.model.check_history`, so that a broken history can be
held and reported rather than refused without a word.

Example:
    >>> order = WorkOrder.model_validate({
    ...     "id": "2405060001", "channel": "12345", "category": "投诉",
    ...     "received_at": "2024-05-06T09:12:00+08:00",
    ...     "units": [{"id": "dzb", "name": "党政办公室", "kind": "dispatch_centre"},
    ...               {"id": "c07", "name": "东风社区", "kind": "village_community"}],
    ...     "events": [
    ...         {"type": "dispatched", "at": "2024-05-06T09:30:00+08:00",
    ...          "unit": "dzb", "to_unit": "c07"},
    ...         {"type": "signed_for", "at": "2024-05-06T09:41:00+08:00", "unit": "c07"}]})
    >>> [e.type for e in order.events], order.unit("c07").name
    (['dispatched', 'signed_for'], '东风社区')
    >>> list(order.to_fact())[:4]
    ['id', 'channel', 'category', 'urgency']
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from grievance_rules.model.base import FrozenModel, Instant
from grievance_rules.model.enums import (
    UPSTREAM_UNIT_KINDS,
    Category,
    Channel,
    OrderFlag,
    SpecialKind,
    Urgency,
)
from grievance_rules.model.events import Event, EventBase
from grievance_rules.model.units import Unit, UnitId

__all__ = ["Location", "WorkOrder"]

_E = TypeVar("_E", bound=EventBase)


def _not_yes_or_no(value: Any) -> Any:
    """A coordinate is a number: ``true`` is not the number 1, whatever Python says."""
    if isinstance(value, bool):
        raise PydanticCustomError("float_type", "Input should be a valid number")
    return value


Coordinate = Annotated[float, BeforeValidator(_not_yes_or_no)]
"""A latitude or longitude: a number (``true`` refused: pydantic's lax mode takes it as 1.0)."""


class Location(FrozenModel):
    """Where the problem is.

    Attributes:
        address: the address as written (事发地址).
        area: the area as written: district, street, community, grid.
        latitude: WGS-84 latitude, if known.
        longitude: WGS-84 longitude, if known.
    """

    address: str | None = None
    area: str | None = None
    latitude: Coordinate | None = Field(default=None, ge=-90, le=90)
    longitude: Coordinate | None = Field(default=None, ge=-180, le=180)


class WorkOrder(FrozenModel):
    """One 12345 work order and its history.

    Attributes:
        id: the order number (工单编号).
        channel: where it came in (受理渠道).
        category: 咨询, 求助, 投诉, 举报 or 建议.
        urgency: 一般, 次紧急, 紧急, 即时性诉求.
        special_kinds: 接诉即办件, 随身拍, 市级复核单, 计划性办结工单 ...
        response_level: the 四级响应 level (1 is the most urgent), where the
            jurisdiction grades orders so; ``None`` otherwise.
        received_at: when the hotline received it (受理时间).
        dispatched_at: when it was first dispatched (派单时间), if recorded
            apart from the events; it must agree with the first ``dispatched`` event.
        reply_deadline: the deadline written on the order itself (工单规定回复时限).
        complainant: an opaque key for the complainant (诉求人), for repeat detection.
        issue: an opaque key for "the same problem", for repeat detection.
        summary: what the request says (诉求内容).
        location: where the problem is.
        flags: 不纳入测评, 不予受理, 在线答复 ...
        units: every unit the order involves; event unit ids refer to these.
        events: the history, in time order.
    """

    id: str = Field(min_length=1)
    channel: Channel
    category: Category
    urgency: Urgency = Urgency.NORMAL
    special_kinds: tuple[SpecialKind, ...] = ()
    response_level: int | None = Field(default=None, ge=1, le=4)
    received_at: Instant
    dispatched_at: Instant | None = None
    reply_deadline: Instant | None = None
    complainant: str | None = None
    issue: str | None = None
    summary: str | None = None
    location: Location | None = None
    flags: tuple[OrderFlag, ...] = ()
    units: tuple[Unit, ...] = ()
    events: tuple[Event, ...] = ()

    def to_fact(self) -> dict[str, Any]:
        """The order as plain JSON data (str, int, float, bool, None, list, dict).

        Keys come in field order; enumerations are their English values; instants
        are ISO 8601 on Shanghai time. This is what the engine is given.
        """
        return self.model_dump(mode="json")

    def upstream_unit_ids(self) -> frozenset[str]:
        """The ids of the order's units that dispatch or oversee rather than handle it.

        Example:
            >>> WorkOrder.model_validate({"id": "1", "channel": "app", "category": "咨询",
            ...     "received_at": "2024-05-06T09:12:00+08:00",
            ...     "units": [{"id": "ctr", "kind": "dispatch_centre"},
            ...               {"id": "c07", "kind": "village_community"}]}).upstream_unit_ids()
            frozenset({'ctr'})
        """
        return frozenset(unit.id for unit in self.units if unit.kind in UPSTREAM_UNIT_KINDS)

    def unit(self, unit_id: UnitId) -> Unit:
        """The unit with this id.

        Raises:
            KeyError: the order involves no such unit.
        """
        for unit in self.units:
            if unit.id == unit_id:
                return unit
        raise KeyError(unit_id)

    def events_of(self, kind: type[_E]) -> tuple[_E, ...]:
        """The events of one class, in order.

        Example:
            >>> from grievance_rules.model.events import Replied
            >>> WorkOrder.model_validate({"id": "1", "channel": "app", "category": "咨询",
            ...     "received_at": "2024-05-06T09:12:00+08:00"}).events_of(Replied)
            ()
        """
        return tuple(event for event in self.events if isinstance(event, kind))
