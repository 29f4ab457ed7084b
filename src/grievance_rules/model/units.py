"""Units: the dispatching centres and the handling units an order passes through.

An order carries the units it involves (``WorkOrder.units``); every unit id an
event names must be among them, so that an order is a self-contained fact the
engine can evaluate without a lookup elsewhere.

Example:
    >>> unit = Unit(id="c07", name="东风社区", kind="属地",
    ...             leaders={"party_secretary": "王书记", "liaison_leader": None})
    >>> unit.kind, unit.leaders
    (<UnitKind.VILLAGE_COMMUNITY: 'village_community'>, {<LeaderRole.LIAISON_LEADER: 'liaison_leader'>: None, <LeaderRole.PARTY_SECRETARY: 'party_secretary'>: '王书记'})
"""  # noqa: E501

from __future__ import annotations

from pydantic import Field, field_validator

from grievance_rules.model.base import FrozenModel
from grievance_rules.model.enums import LeaderRole, UnitKind

__all__ = ["Unit", "UnitId"]

UnitId = str
"""A unit's id: an opaque, non-empty string unique within an order."""

_ROLE_ORDER = {role: index for index, role in enumerate(LeaderRole)}


class Unit(FrozenModel):
    """A body that dispatches, handles, calls back, supervises or decides.

    Attributes:
        id: the unit's id, unique within the order.
        name: its name (e.g. ``党政办公室``, ``东风社区``).
        kind: what kind of body it is; see :class:`UnitKind`.
        parent: the id of the unit it belongs to (a community's street), if known.
        leaders: its answerable leaders by role; the name may be unknown (``None``).
            Roles are kept in :class:`LeaderRole` declaration order.
    """

    id: UnitId = Field(min_length=1)
    name: str = ""
    kind: UnitKind
    parent: UnitId | None = None
    leaders: dict[LeaderRole, str | None] = Field(default_factory=dict)

    @field_validator("leaders")
    @classmethod
    def _roles_in_order(cls, value: dict[LeaderRole, str | None]) -> dict[LeaderRole, str | None]:
        if len(value) < 2:
            return value  # (most units: nothing to order)
        return dict(sorted(value.items(), key=lambda item: _ROLE_ORDER[item[0]]))
