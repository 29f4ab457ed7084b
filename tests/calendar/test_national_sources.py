"""Every day from 2004-01-01 to the end of the last year a notice sets, against two sources.

The State Council notices decide. Where a source disagrees with a notice, the
day is listed in KNOWN_SOURCE_ERRORS with the notice's words; the test fails on
any other disagreement, and also if a listed source error disappears (so the
list cannot go stale).
"""

import datetime as dt
from importlib import resources

import chinese_calendar
import holidays
import pytest

from grievance_rules.calendar import china

# the last year with a notice's file (2026.toml ...): a year added is compared at once
_YEARS = sorted(
    int(entry.name.removesuffix(".toml"))
    for entry in resources.files("grievance_rules.calendar").joinpath("data", "china").iterdir()
    if entry.name.removesuffix(".toml").isdigit()
)
FIRST, LAST = dt.date(_YEARS[0], 1, 1), dt.date(_YEARS[-1], 12, 31)

# source -> {date: what the notice says}
KNOWN_SOURCE_ERRORS: dict[str, dict[dt.date, str]] = {
    "holidays": {},
    "chinesecalendar": {
        # 国务院办公厅关于2006年部分节假日安排的通知（国办发明电〔2005〕35号）:
        # "2005年12月31日（星期六）上班". chinesecalendar has this one 2005 day wrong.
        dt.date(2005, 12, 31): "working day (make-up Saturday set by the 2006 notice)",
    },
}


def _all_days() -> list[dt.date]:
    return [FIRST + dt.timedelta(days=i) for i in range((LAST - FIRST).days + 1)]


def _holidays_package_working(day: dt.date, table: holidays.HolidayBase) -> bool:
    return table.is_working_day(day)


@pytest.fixture(scope="module")
def ours() -> dict[dt.date, bool]:
    cal = china(on_provisional="allow")
    return {day: cal.is_working_day(day) for day in _all_days()}


def test_every_day_matches_the_holidays_package(ours: dict[dt.date, bool]) -> None:
    table = holidays.China(years=range(FIRST.year, LAST.year + 1))
    disagreements = {day for day, working in ours.items() if table.is_working_day(day) != working}
    assert disagreements == set(KNOWN_SOURCE_ERRORS["holidays"])


def test_every_day_matches_chinesecalendar(ours: dict[dt.date, bool]) -> None:
    disagreements = {
        day for day, working in ours.items() if chinese_calendar.is_workday(day) != working
    }
    assert disagreements == set(KNOWN_SOURCE_ERRORS["chinesecalendar"])


def test_known_source_errors_are_decided_by_the_notice() -> None:
    info = china().day_info(dt.date(2005, 12, 31))
    assert info.is_working_day
    assert info.source is not None
    assert "2006年" in info.source.title
    assert info.source.number == "国办发明电〔2005〕35号"


def test_the_range_has_8401_days_and_counts_add_up(ours: dict[dt.date, bool]) -> None:
    assert len(ours) == (LAST - FIRST).days + 1 == 8401
    cal = china(on_provisional="allow")
    assert cal.working_days_between(FIRST - dt.timedelta(days=0), LAST) == sum(
        ours[d] for d in ours if d > FIRST
    )
