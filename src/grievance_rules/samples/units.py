"""The units of the synthetic street: who dispatches, handles, calls back and supervises.

One fictional street, 青石街道, as the three source documents describe a
street: a dispatch office (党政办公室, also its 城运中心) that dispatches and
calls back; 8 offices and centres (属事) and 17 villages and communities (属地)
that handle orders; 3 grid workstations (联勤联动工作站); above it the district
complaint centre (区投诉中心) and the city hotline centre (市热线中心), which
dispatches to city departments and public enterprises; and two discipline
bodies (街道纪工委, 市纪委监委). Leader roles are listed with unknown names
(``None``): the synthetic data names no person.

Example:
    >>> registry = default_registry()
    >>> len(registry.villages), len(registry.offices), registry.dispatch.name
    (17, 8, '党政办公室（城运中心）')
    >>> registry["c07"].name, registry["c07"].kind.zh
    ('东风社区', '属地')
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

from grievance_rules.model import LeaderRole, Unit, UnitKind

__all__ = ["STREET_NAME", "UnitRegistry", "default_registry"]

STREET_NAME = "青石街道"
"""The fictional street the synthetic orders belong to."""

_VILLAGES = (
    ("c01", "杨柳社区"),
    ("c02", "新华社区"),
    ("c03", "红星村"),
    ("c04", "桃园社区"),
    ("c05", "白鹭社区"),
    ("c06", "金桥村"),
    ("c07", "东风社区"),
    ("c08", "光明社区"),
    ("c09", "长青社区"),
    ("c10", "石桥村"),
    ("c11", "南湖村"),
    ("c12", "清河社区"),
    ("c13", "永安村"),
    ("c14", "梅园社区"),
    ("c15", "丰收村"),
    ("c16", "滨江社区"),
    ("c17", "龙泉村"),
)
_OFFICES = (
    ("cgb", "城管办公室"),
    ("cjb", "城建办公室"),
    ("sfb", "社会事务办公室"),
    ("pab", "平安办公室"),
    ("jjb", "经济发展办公室"),
    ("wyb", "物业管理服务中心"),
    ("slb", "社区事务受理服务中心"),
    ("hjb", "生态环境办公室"),
)
_DEPARTMENTS = (
    ("zjj", "市住建局", UnitKind.CITY_DEPARTMENT),
    ("sthj", "市生态环境局", UnitKind.CITY_DEPARTMENT),
    ("scjg", "市市场监管局", UnitKind.CITY_DEPARTMENT),
    ("jtj", "市交通运输局", UnitKind.CITY_DEPARTMENT),
    ("swj", "市水务局", UnitKind.CITY_DEPARTMENT),
    ("gdgs", "供电公司", UnitKind.PUBLIC_ENTERPRISE),
    ("rqgs", "燃气公司", UnitKind.PUBLIC_ENTERPRISE),
)
_WORKSTATIONS = (
    ("gz1", "第一联勤联动工作站"),
    ("gz2", "第二联勤联动工作站"),
    ("gz3", "第三联勤联动工作站"),
)


def _leaders(*roles: LeaderRole) -> dict[LeaderRole, str | None]:
    return dict.fromkeys(roles)


@dataclass(frozen=True)
class UnitRegistry:
    """Every unit the synthetic orders may involve, by role.

    Attributes:
        dispatch: the street's dispatch office (派件单位), which also calls back.
        district: the district complaint centre: district redos and supervision,
            return decisions, exclusions.
        city: the city hotline centre: dispatch to city departments, city redos
            (书面交办), strike-offs, city supervision.
        street_discipline: the street's discipline body (街道纪工委).
        city_discipline: the city's discipline body (市纪委监委), which receives referrals.
        offices: the street's offices and centres (属事).
        villages: the villages and communities (属地).
        departments: city departments and public enterprises, dispatched by the city centre.
        workstations: grid workstations (联勤联动工作站), dispatched by the street.
    """

    dispatch: Unit
    district: Unit
    city: Unit
    street_discipline: Unit
    city_discipline: Unit
    offices: tuple[Unit, ...]
    villages: tuple[Unit, ...]
    departments: tuple[Unit, ...]
    workstations: tuple[Unit, ...]

    def __iter__(self) -> Iterator[Unit]:
        """Every unit, upstream ones first, in a fixed order."""
        yield from (
            self.dispatch,
            self.district,
            self.city,
            self.street_discipline,
            self.city_discipline,
        )
        yield from self.offices
        yield from self.villages
        yield from self.departments
        yield from self.workstations

    @functools.cached_property
    def _by_id(self) -> dict[str, Unit]:
        return {unit.id: unit for unit in self}

    @functools.cached_property
    def rank(self) -> dict[str, int]:
        """Each unit id's position in the fixed order (orders list their units so)."""
        return {unit.id: i for i, unit in enumerate(self)}

    def __getitem__(self, unit_id: str) -> Unit:
        """The unit with this id.

        Raises:
            KeyError: no such unit.
        """
        return self._by_id[unit_id]


@functools.cache
def default_registry() -> UnitRegistry:
    """The synthetic street's units (the same instance on every call)."""
    office_leaders = _leaders(LeaderRole.LEADER_IN_CHARGE, LeaderRole.RESPONSIBLE_PERSON)
    village_leaders = _leaders(
        LeaderRole.LIAISON_LEADER, LeaderRole.INSTRUCTOR, LeaderRole.PARTY_SECRETARY
    )
    return UnitRegistry(
        dispatch=Unit(
            id="dzb",
            name="党政办公室（城运中心）",
            kind=UnitKind.DISPATCH_CENTRE,
            leaders=_leaders(LeaderRole.MAIN_LEADER, LeaderRole.LEADER_IN_CHARGE),
        ),
        district=Unit(id="qu", name="区投诉中心", kind=UnitKind.DISTRICT_CENTRE),
        city=Unit(id="shi", name="市热线中心", kind=UnitKind.CITY_CENTRE),
        street_discipline=Unit(id="jgw", name="街道纪工委", kind=UnitKind.DISCIPLINE_BODY),
        city_discipline=Unit(id="sjw", name="市纪委监委", kind=UnitKind.DISCIPLINE_BODY),
        offices=tuple(
            Unit(
                id=uid,
                name=name,
                kind=UnitKind.STREET_OFFICE,
                leaders=office_leaders,
            )
            for uid, name in _OFFICES
        ),
        villages=tuple(
            Unit(
                id=uid,
                name=name,
                kind=UnitKind.VILLAGE_COMMUNITY,
                leaders=village_leaders,
            )
            for uid, name in _VILLAGES
        ),
        departments=tuple(
            Unit(id=uid, name=name, kind=kind, leaders=_leaders(LeaderRole.DEPARTMENT_HEAD))
            for uid, name, kind in _DEPARTMENTS
        ),
        workstations=tuple(
            Unit(id=uid, name=name, kind=UnitKind.GRID_WORKSTATION) for uid, name in _WORKSTATIONS
        ),
    )
