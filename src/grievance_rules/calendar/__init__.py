"""China working-day calendars: statutory holidays, make-up working days, office hours.

The national calendar is data: one file per State Council notice (国务院办公厅关于
YYYY年部分节假日安排的通知), from 2004 through the latest published year, each
entry tied to its notice. Local overlays (an extra closure, an extra working day,
a jurisdiction's own holiday) and office hours (several intervals a day, in
Asia/Shanghai) are layered on top.

Example:
    >>> import datetime as dt
    >>> from grievance_rules.calendar import china
    >>> cal = china()
    >>> cal.is_working_day(dt.date(2026, 10, 10))   # a make-up Saturday after National Day
    True
    >>> cal.add_working_days(dt.date(2026, 9, 30), 1)
    datetime.date(2026, 10, 8)

References:
    * 国务院办公厅关于YYYY年部分节假日安排的通知, 2004–2026 (each data file names its own).
    * 全国年节及纪念日放假办法 (国务院令第795号修订, in force 2025-01-01): the statutory
      days used to project years that have no notice yet.
    * 中华人民共和国民法典 arts. 201–203: the ``civil_code`` counting convention.

Limitations:
    * Dates before 2004-01-01 are refused; dates after the last notice are
      projected (statutory days and 补假 only, no 调休) and flagged provisional,
      through 2060-12-31; later dates are refused.
    * 25–31 December of the last notice year are provisional too: the following
      year's notice may still set days there (it did for 2005-12-31, 2007-12-29,
      2011-12-31 and 2018-12-29/30/31).
    * Office hours are the same on every working day; a day with other hours is
      not modelled (close the day with an overlay instead).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from pathlib import Path

from grievance_rules.calendar._data import NationalData, load_national_data
from grievance_rules.calendar.days import DayInfo, DayKind, DayRecord, Notice
from grievance_rules.calendar.deadlines import Deadline, MakeupDay, SkippedDay, compute_deadline
from grievance_rules.calendar.durations import (
    CountingConvention,
    Duration,
    DurationUnit,
    HalfDayRule,
)
from grievance_rules.calendar.office_hours import SHANGHAI, OfficeHours, to_shanghai
from grievance_rules.calendar.overlay import LocalOverlay
from grievance_rules.calendar.projection import STATUTORY_LAW, project_year
from grievance_rules.calendar.working import ProvisionalPolicy, WorkingCalendar
from grievance_rules.errors import CalendarDataError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list

__all__ = [
    "SHANGHAI",
    "STATUTORY_LAW",
    "CountingConvention",
    "DayInfo",
    "DayKind",
    "DayRecord",
    "Deadline",
    "Duration",
    "DurationUnit",
    "HalfDayRule",
    "LocalOverlay",
    "MakeupDay",
    "Notice",
    "OfficeHours",
    "ProvisionalPolicy",
    "SkippedDay",
    "WorkingCalendar",
    "china",
    "compute_deadline",
    "national_data",
    "to_shanghai",
]

# The next year's notice can still set days in late December (2018-12-29 is the
# earliest so far); from this day on, the last notice year is provisional too.
_NEXT_NOTICE_REACH = (12, 25)


@functools.cache
def national_data() -> NationalData:
    """The packaged national data, read once per process."""
    return load_national_data()


def _build_national(data: NationalData, on_provisional: str) -> WorkingCalendar:
    years = sorted(data.notice_years)
    missing = sorted(set(range(years[0], years[-1] + 1)) - data.notice_years)
    if missing:
        raise CalendarDataError(
            _("national data has no notice file for {years}").format(
                years=join_list(str(year) for year in missing)
            )
        )
    records = dict(data.days)
    projected_years = [y for y in sorted(data.projection) if y > years[-1]]
    for year in projected_years:
        for record in project_year(year, data.projection[year]):
            records.setdefault(record.date, record)
    last_year = projected_years[-1] if projected_years else years[-1]
    month, day = _NEXT_NOTICE_REACH
    return WorkingCalendar(
        name="china",
        first=dt.date(years[0], 1, 1),
        last=dt.date(last_year, 12, 31),
        final_through=dt.date(years[-1], month, day) - dt.timedelta(days=1),
        records=records,
        on_provisional=on_provisional,
    )


@functools.cache
def _default_national(on_provisional: str) -> WorkingCalendar:
    return _build_national(national_data(), on_provisional)


def china(
    *,
    office_hours: OfficeHours | str | None = None,
    overlays: Iterable[LocalOverlay] = (),
    on_provisional: ProvisionalPolicy | str = ProvisionalPolicy.WARN,
    data_dir: Path | None = None,
) -> WorkingCalendar:
    """The national working-day calendar of the People's Republic of China.

    Args:
        office_hours: working intervals of a working day, e.g.
            ``"09:00-12:00,13:30-17:30"``; needed for working-time arithmetic.
        overlays: local overlays applied in order on top of the national days.
        on_provisional: ``"warn"``, ``"raise"`` or ``"allow"`` when a scalar answer
            touches a day no notice has set yet.
        data_dir: read the national data from this folder instead of the packaged
            data (to try a newly published year before it is released).

    Returns:
        An immutable calendar. Without arguments the same instance is returned on
        every call.

    Example:
        >>> import datetime as dt
        >>> cal = china(office_hours="09:00-12:00,13:30-17:30")
        >>> cal.deadline(dt.datetime.fromisoformat("2026-01-30T15:00+08:00"),
        ...              "1 working day", "working_time").due.isoformat()
        '2026-02-02T15:00:00+08:00'
    """
    policy = ProvisionalPolicy(on_provisional).value
    if data_dir is None:
        cal = _default_national(policy)
    else:
        cal = _build_national(load_national_data(data_dir), policy)
    for overlay in overlays:
        cal = cal.with_overlay(overlay)
    if office_hours is not None:
        cal = cal.with_office_hours(office_hours)
    return cal
