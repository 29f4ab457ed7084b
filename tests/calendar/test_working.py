"""Named cases at the edges of the calendar."""

import datetime as dt
import warnings

import numpy as np
import pytest

from grievance_rules.calendar import DayKind, LocalOverlay, china
from grievance_rules.errors import (
    CalendarError,
    CalendarRangeError,
    GrievanceRulesError,
    ProvisionalCalendarError,
    ProvisionalCalendarWarning,
)

D = dt.date


@pytest.fixture
def cal():
    return china()


# -- the 2026 Spring Festival: 2-15 (Sun) .. 2-23 (Mon) off, 2-14 and 2-28 (Sat) worked --


def test_spring_festival_2026_plus_one_working_day(cal) -> None:
    assert cal.add_working_days(D(2026, 2, 15), 1) == D(2026, 2, 24)


def test_spring_festival_2026_days(cal) -> None:
    assert [cal.is_working_day(D(2026, 2, d)) for d in range(13, 25)] == [
        True,  # 13 Fri
        True,  # 14 Sat, make-up
        *([False] * 9),  # 15 Sun .. 23 Mon
        True,  # 24 Tue
    ]
    assert cal.day_info(D(2026, 2, 17)).name == "春节"


@pytest.mark.parametrize(
    "day",
    [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 9, 20), D(2026, 10, 10)],
)
def test_make_up_days_of_2026_are_working_days(cal, day: dt.date) -> None:
    info = cal.day_info(day)
    assert day.weekday() >= 5
    assert info.is_working_day
    assert info.kind is DayKind.MAKEUP_WORKDAY


def test_a_make_up_saturday_counts_when_adding(cal) -> None:
    # Friday 2026-02-13 + 1 working day is the make-up Saturday, not Tuesday 24th
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert cal.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)


def test_add_from_a_non_working_day(cal) -> None:
    # whatever the date itself is: Saturday 2026-03-07 + 1 = Monday 9th
    assert cal.add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)


# -- year boundaries ----------------------------------------------------------------------


def test_new_year_2026_boundary(cal) -> None:
    # 2026-01-01..03 off, Sunday 2026-01-04 worked
    assert cal.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 4)
    assert cal.working_days_between(D(2025, 12, 31), D(2026, 1, 5)) == 2


def test_new_year_2019_set_by_the_2019_notice(cal) -> None:
    # 2018-12-29 (Sat) worked; 2018-12-30 .. 2019-01-01 off, all set by the 2019 notice
    assert cal.is_working_day(D(2018, 12, 29))
    assert not cal.is_working_day(D(2018, 12, 31))
    assert cal.add_working_days(D(2018, 12, 28), 1) == D(2018, 12, 29)
    assert cal.add_working_days(D(2018, 12, 29), 1) == D(2019, 1, 2)
    assert "2019" in cal.day_info(D(2018, 12, 31)).source.title


def test_first_day_of_the_data_and_before(cal) -> None:
    assert not cal.is_working_day(D(2004, 1, 1))  # 元旦
    with pytest.raises(CalendarRangeError, match=r"2003-12-31 is outside the calendar"):
        cal.is_working_day(D(2003, 12, 31))
    with pytest.raises(CalendarRangeError):
        cal.add_working_days(D(2003, 12, 31), 1)
    with pytest.raises(CalendarRangeError):
        cal.working_days_between(D(2003, 12, 31), D(2004, 1, 5))


def test_the_end_of_the_projection_is_a_clear_error(cal) -> None:
    with pytest.raises(CalendarRangeError, match="outside the calendar"):
        cal.is_working_day(D(2061, 1, 1))
    with pytest.raises(CalendarRangeError, match="past the calendar's end"):
        china(on_provisional="allow").add_working_days(D(2060, 12, 30), 5)


def test_n_below_one_is_refused(cal) -> None:
    with pytest.raises(CalendarError, match="must be at least 1, not 0"):
        cal.add_working_days(D(2026, 3, 2), 0)
    with pytest.raises(GrievanceRulesError):
        cal.add_working_days(D(2026, 3, 2), -3)


def test_between_is_antisymmetric(cal) -> None:
    assert cal.working_days_between(D(2026, 3, 9), D(2026, 3, 2)) == -5
    assert cal.working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0


def test_a_datetime_is_taken_by_its_date(cal) -> None:
    assert cal.add_working_days(dt.datetime(2026, 2, 13, 23, 0), 1) == D(2026, 2, 14)


# -- provisional years ----------------------------------------------------------------------


def test_first_of_january_2027_is_provisional_not_a_crash() -> None:
    cal = china(on_provisional="allow")
    info = cal.day_info(D(2027, 1, 1))
    assert info.provisional
    assert not info.is_working_day
    assert info.kind is DayKind.PROJECTED_HOLIDAY


def test_provisional_answers_warn_by_default(cal) -> None:
    with pytest.warns(ProvisionalCalendarWarning, match="2026-12-24"):
        cal.add_working_days(D(2026, 12, 30), 3)
    with pytest.warns(ProvisionalCalendarWarning):
        cal.is_working_day(D(2027, 3, 1))
    with pytest.warns(ProvisionalCalendarWarning):
        cal.working_days_between(D(2026, 12, 1), D(2027, 1, 10))


def test_final_answers_do_not_warn(cal) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cal.add_working_days(D(2026, 12, 1), 10)
        cal.working_days_between(D(2026, 1, 1), D(2026, 12, 24))


def test_provisional_can_be_refused() -> None:
    cal = china(on_provisional="raise")
    with pytest.raises(ProvisionalCalendarError, match="provisional"):
        cal.add_working_days(D(2026, 12, 30), 1)


def test_late_december_of_the_last_notice_year_is_provisional(cal) -> None:
    # the 2027 notice may still set days there, as the 2019 notice set 2018-12-29..31
    assert not cal.is_provisional(D(2026, 12, 24))
    assert cal.is_provisional(D(2026, 12, 25))
    assert cal.final_through == D(2026, 12, 24)


def test_projection_of_2027_spring_festival() -> None:
    cal = china(on_provisional="allow")
    # 除夕 2027-02-05 (Fri) .. 初三 02-08; 02-06/07 fall on a weekend: 补假 02-09, 02-10
    off = [d for d in range(4, 13) if not cal.is_working_day(D(2027, 2, d))]
    assert off == [5, 6, 7, 8, 9, 10]
    assert cal.day_info(D(2027, 2, 9)).name == "春节补假"


# -- overlays -----------------------------------------------------------------------------------


def test_overlay_closure_holiday_and_working_day(cal) -> None:
    overlay = LocalOverlay(
        "城东街道",
        closures={D(2026, 3, 2): "办公楼停电"},
        holidays={D(2026, 3, 3): "地方节日"},
        working_days={D(2026, 3, 7): "集中办公日"},
    )
    local = cal.with_overlay(overlay)
    assert not local.is_working_day(D(2026, 3, 2))
    assert local.day_info(D(2026, 3, 2)).kind is DayKind.LOCAL_CLOSURE
    assert local.day_info(D(2026, 3, 3)).kind is DayKind.LOCAL_HOLIDAY
    assert local.is_working_day(D(2026, 3, 7))
    assert local.add_working_days(D(2026, 2, 28), 1) == D(2026, 3, 4)  # 2-28 is a make-up Sat
    assert local.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 7)
    # the national calendar is unchanged
    assert cal.is_working_day(D(2026, 3, 2))


def test_overlay_contradiction_is_refused() -> None:
    with pytest.raises(CalendarError, match="both a day off and a working day"):
        LocalOverlay("x", closures={D(2026, 3, 2): "a"}, working_days={D(2026, 3, 2): "b"})


def test_overlay_outside_the_range_is_refused(cal) -> None:
    with pytest.raises(CalendarRangeError):
        cal.with_overlay(LocalOverlay("x", closures={D(1999, 3, 2): "a"}))


# -- batch forms ---------------------------------------------------------------------------------


def test_batch_forms_equal_the_scalar_forms(cal) -> None:
    rng = np.random.default_rng(7)
    base = np.datetime64("2004-01-01")
    days = base + rng.integers(0, 8000, size=500).astype("timedelta64[D]")
    steps = rng.integers(1, 40, size=500)
    added = cal.add_working_days_array(days, steps)
    ends = days + rng.integers(-30, 60, size=500).astype("timedelta64[D]")
    counts = cal.working_days_between_array(days, ends)
    working = cal.is_working_day_array(days)
    for k in range(500):
        day = days[k].astype(dt.date)
        assert added[k].astype(dt.date) == cal.add_working_days(day, int(steps[k]))
        assert counts[k] == cal.working_days_between(day, ends[k].astype(dt.date))
        assert working[k] == cal.is_working_day(day)


def test_batch_forms_check_their_inputs(cal) -> None:
    with pytest.raises(CalendarError, match="every number of working days must be at least 1"):
        cal.add_working_days_array(np.array(["2026-03-02"], dtype="datetime64[D]"), 0)
    with pytest.raises(CalendarRangeError, match="1990-01-01"):
        cal.is_working_day_array(np.array(["2026-03-02", "1990-01-01"], dtype="datetime64[D]"))
    with pytest.warns(ProvisionalCalendarWarning):
        cal.add_working_days_array(np.array(["2026-12-30"], dtype="datetime64[D]"), 1)


def test_a_datetime_within_the_notices_is_not_provisional() -> None:
    # working_days_between with datetimes (a pandas Timestamp is one) missed the quick
    # look-up and then always reported provisional days: raised under on_provisional="raise"
    cal = china(on_provisional="raise")
    start, end = dt.datetime(2025, 1, 1), dt.datetime(2025, 2, 1)
    # January 2025: 23 weekdays, less 元旦 (01-01 is the start, not counted) and 春节
    # 01-28..01-31 (4 weekdays), plus the make-up Sunday 01-26: 23 - 1 - 4 + 1 = 19
    assert cal.working_days_between(start, end) == 19
    assert cal.working_days_between(D(2025, 1, 1), D(2025, 2, 1)) == 19
    with pytest.raises(ProvisionalCalendarError):  # a day past the notices still says so
        cal.working_days_between(dt.datetime(2025, 1, 1), dt.datetime(2027, 3, 1))


def test_an_aware_datetime_is_taken_on_its_shanghai_date() -> None:
    # 2026-03-06T20:00Z is Saturday 2026-03-07 04:00 in Shanghai: a day off (it said Friday's
    # answer, a working day); a naive datetime is its own wall-clock date
    utc = dt.datetime(2026, 3, 6, 20, 0, tzinfo=dt.UTC)
    cal = china()
    assert cal.is_working_day(utc) is False
    assert cal.day_info(utc).date == D(2026, 3, 7)
    assert cal.is_working_day(dt.datetime(2026, 3, 6, 20, 0)) is True
    assert cal.add_working_days(utc, 1) == D(2026, 3, 9)  # Monday after Saturday
    assert cal.working_days_between(utc, D(2026, 3, 9)) == 1


def test_a_missing_date_in_an_array_is_a_calendar_error() -> None:
    with pytest.raises(CalendarError, match=r"missing date \(NaT\) at position 1"):
        china().is_working_day_array(np.array(["2026-03-02", "NaT"], dtype="datetime64[D]"))


def test_the_shared_calendar_cannot_be_renamed() -> None:
    # china() is one object a process: renaming it renamed everyone's
    cal = china()
    with pytest.raises(AttributeError):
        cal.name = "tampered"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        cal.overlays = ()  # type: ignore[misc]
    assert china().name == "china"


def test_a_provisional_position_warns_on_every_call_though_settled_ones_are_remembered() -> None:
    office = china(office_hours="09:00-12:00,13:30-17:30")
    friday = dt.datetime.fromisoformat("2026-01-30T17:00+08:00")
    monday = dt.datetime.fromisoformat("2026-02-02T09:30+08:00")
    for _ in range(2):  # (the second time from the memo): 30 + 30 minutes of office time
        assert (
            office.office_time_position_us(monday) - office.office_time_position_us(friday)
            == 60 * 60_000_000
        )
    later = dt.datetime.fromisoformat("2027-03-01T10:00+08:00")  # no notice has set 2027 yet
    for _ in range(3):
        with pytest.warns(ProvisionalCalendarWarning, match="office_time_position_us"):
            office.office_time_position_us(later)
