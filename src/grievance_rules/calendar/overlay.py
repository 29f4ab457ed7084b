"""Local overlays: what a jurisdiction changes on top of the national calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from grievance_rules.calendar.days import DayKind, DayRecord, Notice
from grievance_rules.errors import CalendarError
from grievance_rules.i18n import gettext as _

__all__ = ["LocalOverlay"]


def _frozen(mapping: Mapping[dt.date, str]) -> Mapping[dt.date, str]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class LocalOverlay:
    """Days a jurisdiction closes or opens in addition to the national calendar.

    Attributes:
        name: what the overlay is (e.g. "城东街道 2026 local days").
        closures: extra closures of an otherwise working day, date → reason.
        holidays: the jurisdiction's own holidays, date → name.
        working_days: extra working days on an otherwise free day, date → reason.
        source: the local decision that sets these days, if any.

    Example:
        >>> overlay = LocalOverlay("demo", closures={dt.date(2026, 3, 2): "停电"})
        >>> [r.kind.value for r in overlay.records()]
        ['local_closure']
    """

    name: str
    closures: Mapping[dt.date, str] = field(default_factory=dict)
    holidays: Mapping[dt.date, str] = field(default_factory=dict)
    working_days: Mapping[dt.date, str] = field(default_factory=dict)
    source: Notice | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "closures", _frozen(self.closures))
        object.__setattr__(self, "holidays", _frozen(self.holidays))
        object.__setattr__(self, "working_days", _frozen(self.working_days))
        off = set(self.closures) | set(self.holidays)
        both = sorted(off & set(self.working_days))
        if both:
            raise CalendarError(
                _("overlay {name}: {day} is both a day off and a working day").format(
                    name=repr(self.name), day=both[0]
                )
            )

    def records(self) -> list[DayRecord]:
        """The overlay's days as calendar records, in date order."""
        source = self.source or Notice(self.name, "", dt.date.min)
        kinds = (
            (self.closures, DayKind.LOCAL_CLOSURE),
            (self.holidays, DayKind.LOCAL_HOLIDAY),
            (self.working_days, DayKind.LOCAL_WORKDAY),
        )
        records = [
            DayRecord(day, kind, reason, reason, source)
            for table, kind in kinds
            for day, reason in table.items()
        ]
        return sorted(records, key=lambda r: r.date)
