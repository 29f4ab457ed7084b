"""Projecting a year that no State Council notice has arranged yet.

Until the notice for a year is published (each November or December for the
year after), nobody knows its 调休 arrangement. The calendar still answers for
such a year, marks every answer *provisional*, and projects the year as follows:

1. The statutory days off of 《全国年节及纪念日放假办法》 as revised on
   2024-11-10 (in force from 2025-01-01): 元旦 1 January; 春节 除夕 to 正月初三
   (4 days); 清明节 (the solar term); 劳动节 1–2 May; 端午节 (五月初五);
   中秋节 (八月十五); 国庆节 1–3 October.
2. The same law: "全体公民放假的假日，如果适逢周六、周日，应当在工作日补假". Each
   statutory day on a Saturday or Sunday, and each statutory day shared by two
   festivals (中秋节 on 1–3 October), gives one day off on the next Monday-to-
   Friday day that is not already off.
3. No make-up working days (调休上班): they cannot be projected.

Lunar festival and solar-term dates come from ``data/china/projection.toml``,
a table computed once (see its ``[source]``) and shipped as data.

Limitations:
    A real notice usually bridges holidays into 3-, 5-, 7- or 8-day blocks with
    make-up Saturdays or Sundays; the projection does not guess those. Projected
    answers near a holiday are therefore often wrong by a day or two, which is
    why they are flagged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from grievance_rules.calendar.days import DayKind, DayRecord, Notice

__all__ = ["STATUTORY_LAW", "project_year"]

STATUTORY_LAW = Notice(
    title="全国年节及纪念日放假办法（2024年修订，2025年1月1日起施行）",
    number="国务院令第795号",
    issued=dt.date(2024, 11, 10),
)

_ONE_DAY = dt.timedelta(days=1)


def project_year(year: int, lunar: Mapping[str, dt.date]) -> list[DayRecord]:
    """The projected days off of one year, statutory days and 补假.

    Args:
        year: the year to project.
        lunar: that year's festival dates from the projection table.

    Returns:
        One record per projected day off, in date order.

    Example:
        >>> days = project_year(2027, {
        ...     "spring_festival_eve": dt.date(2027, 2, 5), "spring_festival": dt.date(2027, 2, 6),
        ...     "qingming": dt.date(2027, 4, 5), "dragon_boat": dt.date(2027, 6, 9),
        ...     "mid_autumn": dt.date(2027, 9, 15)})
        >>> [(d.date.isoformat(), d.name) for d in days if d.name.startswith("春节")]
        ... # doctest: +NORMALIZE_WHITESPACE
        [('2027-02-05', '春节'), ('2027-02-06', '春节'), ('2027-02-07', '春节'),
         ('2027-02-08', '春节'), ('2027-02-09', '春节补假'), ('2027-02-10', '春节补假')]
    """
    eve = lunar["spring_festival_eve"]
    blocks: list[tuple[str, str, list[dt.date]]] = [
        ("元旦", "New Year's Day", [dt.date(year, 1, 1)]),
        ("春节", "Spring Festival", [eve + i * _ONE_DAY for i in range(4)]),
        ("清明节", "Qingming Festival", [lunar["qingming"]]),
        ("劳动节", "Labour Day", [dt.date(year, 5, 1), dt.date(year, 5, 2)]),
        ("端午节", "Dragon Boat Festival", [lunar["dragon_boat"]]),
        ("中秋节", "Mid-Autumn Festival", [lunar["mid_autumn"]]),
        ("国庆节", "National Day", [dt.date(year, 10, d) for d in (1, 2, 3)]),
    ]
    records: dict[dt.date, DayRecord] = {}
    for name, name_en, days in blocks:
        for day in days:
            records.setdefault(
                day, DayRecord(day, DayKind.PROJECTED_HOLIDAY, name, name_en, STATUTORY_LAW)
            )
    for name, name_en, days in blocks:
        # a day owed to this holiday: on a weekend, or shared with another holiday
        # (as 中秋节 and 国庆节 share 1 October 2020: both statutory days were given)
        owed = sum(1 for day in days if day.weekday() >= 5 or records[day].name != name)
        cursor = max(days)
        while owed:
            cursor += _ONE_DAY
            if cursor.weekday() < 5 and cursor not in records:
                records[cursor] = DayRecord(
                    cursor,
                    DayKind.PROJECTED_HOLIDAY,
                    f"{name}补假",
                    f"{name_en} (in lieu)",
                    STATUTORY_LAW,
                )
                owed -= 1
    return [records[day] for day in sorted(records)]
