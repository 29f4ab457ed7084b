"""What the calendar refuses it says in the chosen language: a service or CLI user reads it."""

from __future__ import annotations

import datetime as dt

import pytest

from grievance_rules.calendar import LocalOverlay, OfficeHours, china, compute_deadline
from grievance_rules.calendar.durations import Duration
from grievance_rules.errors import CalendarError, CalendarRangeError, DurationError
from grievance_rules.i18n import language

D = dt.date


@pytest.fixture(scope="module")
def cal():
    return china()


def test_a_date_outside_the_calendar(cal) -> None:
    with language("en"), pytest.raises(CalendarRangeError) as english:
        cal.is_working_day(D(2003, 12, 31))
    assert str(english.value).startswith(
        "2003-12-31 is outside the calendar 'china', which covers 2004-01-01 to 2060-12-31"
    )
    with language("zh"), pytest.raises(CalendarRangeError) as chinese:
        cal.is_working_day(D(2003, 12, 31))
    assert str(chinese.value).startswith(
        "2003-12-31 不在日历 'china' 的范围内：该日历涵盖 2004-01-01 至 2060-12-31（"
    )
    assert str(chinese.value).endswith(" 之后的日期为暂定推算）")


def test_zero_working_days(cal) -> None:
    with language("en"), pytest.raises(CalendarError, match=r"^the number of working days must"):
        cal.add_working_days(D(2026, 3, 2), 0)
    with language("zh"), pytest.raises(CalendarError, match=r"^工作日数必须至少为 1，而不是 0$"):
        cal.add_working_days(D(2026, 3, 2), 0)


def test_past_the_end_of_the_calendar() -> None:
    allowing = china(on_provisional="allow")
    with language("zh"), pytest.raises(CalendarRangeError) as caught:
        allowing.add_working_days(D(2060, 12, 30), 5)
    assert str(caught.value) == "2060-12-30 之后第 5 个工作日超出了日历的终点 2060-12-31"


def test_office_hours_written_wrong() -> None:
    with language("zh"), pytest.raises(CalendarError) as caught:
        OfficeHours.parse("09:00-12:00,下午")
    assert str(caught.value) == "办公时间 '09:00-12:00,下午'：'下午' 不是 HH:MM-HH:MM 格式"
    with language("en"), pytest.raises(CalendarError) as caught:
        OfficeHours.parse("13:30-17:30,09:00-12:00")
    assert str(caught.value) == "office-hours intervals must be sorted and must not overlap"
    with language("zh"), pytest.raises(CalendarError, match=r"^办公时段须按先后排列，且不得重叠$"):
        OfficeHours.parse("13:30-17:30,09:00-12:00")


def test_a_local_overlay_that_contradicts_itself() -> None:
    with language("zh"), pytest.raises(CalendarError) as caught:
        LocalOverlay("青石", closures={D(2026, 3, 2): "a"}, working_days={D(2026, 3, 2): "b"})
    assert str(caught.value) == "本地日历调整 '青石'：2026-03-02 既是休息日又是工作日"


def test_a_duration_that_a_convention_cannot_count(cal) -> None:
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with language("zh"), pytest.raises(DurationError) as caught:
        compute_deadline(cal, start, Duration.parse("2 working days"), "elapsed")
    assert str(caught.value) == "2 working days 不能按自然时间连续计算；请用 working_time"


def test_a_duration_longer_than_python_dates_is_past_the_end() -> None:
    # 99,999,999,999 working days: more minutes than a timedelta holds; refused as any
    # result past the calendar's end, not with Python's OverflowError
    start = dt.datetime.fromisoformat("2024-06-07T09:00:00+08:00")
    cal = china(office_hours=OfficeHours.parse("09:00-12:00,13:30-17:30"))
    with language("en"), pytest.raises(CalendarRangeError) as english:
        compute_deadline(cal, start, "99999999999 working days", "working_time")
    assert str(english.value) == "the result is past the calendar's end 2060-12-31"
    with language("zh"), pytest.raises(CalendarRangeError) as chinese:
        compute_deadline(cal, start, "99999999999 working days", "working_time")
    assert str(chinese.value) == "结果超出了日历的终点 2060-12-31"
