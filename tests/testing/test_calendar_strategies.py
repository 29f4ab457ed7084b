"""Calendars and instants near their edges, and properties of deadlines drawn from them."""

import datetime as dt

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from grievance_rules.calendar import SHANGHAI, DayKind, WorkingCalendar, china
from grievance_rules.errors import CalendarError
from grievance_rules.testing.strategies import (
    calendars,
    edge_instants,
    first_working_days_after_holidays,
    holiday_eves,
    last_working_days_before_holidays,
    makeup_days,
    office_hour_edges,
)

SETTINGS = settings(max_examples=40, deadline=None, database=None)
SIMPLEST = settings(database=None, max_examples=1, phases=[Phase.generate])
HOURS = "09:00-12:00,13:30-17:30"
CAL = china(office_hours=HOURS)
OFF = {DayKind.HOLIDAY, DayKind.PROJECTED_HOLIDAY, DayKind.LOCAL_HOLIDAY, DayKind.LOCAL_CLOSURE}
ONE = dt.timedelta(days=1)


def kind(cal: WorkingCalendar, day: dt.date) -> DayKind:
    return cal.day_info(day).kind


def off_run_has_holiday(cal: WorkingCalendar, first_off: dt.date) -> bool:
    """Whether the run of days off starting at ``first_off`` holds a holiday or closure."""
    day = first_off
    while not cal.is_working_day(day):
        if kind(cal, day) in OFF:
            return True
        day += ONE
    return False


def is_edge_day(cal: WorkingCalendar, day: dt.date) -> bool:
    """Eve, last working day before, first after a holiday, or a make-up day."""
    if kind(cal, day) in {DayKind.MAKEUP_WORKDAY, DayKind.LOCAL_WORKDAY}:
        return True
    if kind(cal, day + ONE) in OFF and kind(cal, day) not in OFF:
        return True
    if (
        cal.is_working_day(day)
        and not cal.is_working_day(day + ONE)
        and off_run_has_holiday(cal, day + ONE)
    ):
        return True
    if cal.is_working_day(day) and not cal.is_working_day(day - ONE):
        start = day - ONE
        while not cal.is_working_day(start - ONE):
            start -= ONE
        return off_run_has_holiday(cal, start)
    return False


def local(instant: dt.datetime) -> dt.datetime:
    return instant.astimezone(SHANGHAI)


@SETTINGS
@given(holiday_eves(CAL))
def test_a_holiday_eve_is_the_day_before_a_holiday(day):
    assert kind(CAL, day + ONE) in OFF
    assert kind(CAL, day) not in OFF


@SETTINGS
@given(last_working_days_before_holidays(CAL))
def test_the_last_working_day_before_a_holiday_is_followed_by_days_off_with_a_holiday(day):
    assert CAL.is_working_day(day)
    assert not CAL.is_working_day(day + ONE)
    assert off_run_has_holiday(CAL, day + ONE)


@SETTINGS
@given(first_working_days_after_holidays(CAL))
def test_the_first_working_day_after_a_holiday_follows_a_holiday(day):
    assert CAL.is_working_day(day)
    assert not CAL.is_working_day(day - ONE)
    start = day - ONE
    while not CAL.is_working_day(start - ONE):
        start -= ONE
    assert off_run_has_holiday(CAL, start)


@SETTINGS
@given(makeup_days(CAL))
def test_a_makeup_day_is_a_weekend_day_that_is_worked(day):
    assert day.weekday() >= 5
    assert CAL.is_working_day(day)
    assert kind(CAL, day) is DayKind.MAKEUP_WORKDAY


def test_known_edges_of_2024_and_2026():
    # 端午 2024: Monday 06-10 off; the eve is Sunday 06-09, the last working day Friday 06-07
    june = {"first": dt.date(2024, 6, 1), "last": dt.date(2024, 6, 30)}
    assert find(holiday_eves(CAL, **june), lambda d: True, settings=SIMPLEST) == dt.date(2024, 6, 9)
    assert find(
        last_working_days_before_holidays(CAL, **june), lambda d: True, settings=SIMPLEST
    ) == dt.date(2024, 6, 7)
    assert find(
        first_working_days_after_holidays(CAL, **june), lambda d: True, settings=SIMPLEST
    ) == dt.date(2024, 6, 11)
    # 春节 2026: Saturday 02-14 is a make-up working day
    feb = {"first": dt.date(2026, 2, 1), "last": dt.date(2026, 2, 20)}
    assert find(makeup_days(CAL, **feb), lambda d: True, settings=SIMPLEST) == dt.date(2026, 2, 14)
    with pytest.raises(CalendarError, match="none between"):
        makeup_days(CAL, first=dt.date(2024, 7, 1), last=dt.date(2024, 7, 31))


@SETTINGS
@given(office_hour_edges(CAL))
def test_office_hour_edges_are_within_half_an_hour_of_a_boundary_on_a_working_day(instant):
    moment = local(instant)
    assert CAL.is_working_day(moment.date())
    minute = moment.hour * 60 + moment.minute + moment.second / 60
    marks = [m for interval in CAL.office_hours.intervals for m in interval]
    assert min(abs(minute - m) for m in marks) <= 30


@SETTINGS
@given(edge_instants(CAL))
def test_edge_instants_are_near_a_boundary_of_an_edge_day(instant):
    moment = local(instant)
    marks = [0, 24 * 60, *(m for interval in CAL.office_hours.intervals for m in interval)]
    near = []
    for day in (moment.date() - ONE, moment.date(), moment.date() + ONE):
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI)
        for mark in marks:
            if abs(instant - (midnight + dt.timedelta(minutes=mark))) <= dt.timedelta(minutes=90):
                near.append(day)
    assert any(is_edge_day(CAL, day) for day in near)


def test_edge_instants_shrink_to_the_opening_of_the_earliest_edge_day():
    first = find(edge_instants(CAL), lambda t: True, settings=SIMPLEST)
    # 2020-01-01 is New Year's Day: 01-02 is the first working day after it
    assert first == dt.datetime(2020, 1, 2, 9, 0, tzinfo=SHANGHAI)
    assert first.tzinfo is SHANGHAI
    without_hours = find(edge_instants(china()), lambda t: True, settings=SIMPLEST)
    assert without_hours == dt.datetime(2020, 1, 2, 0, 0, tzinfo=SHANGHAI)


def test_office_hour_edges_need_office_hours():
    with pytest.raises(CalendarError, match="no office hours"):
        office_hour_edges(china())


# building a calendar takes tens of milliseconds: few examples
@settings(max_examples=8, deadline=None, database=None)
@given(calendars(overlay=True, office_hours=True))
def test_drawn_overlays_change_only_their_own_days(cal):
    assert cal.office_hours is not None
    (overlay,) = cal.overlays
    changed = {*overlay.closures, *overlay.holidays, *overlay.working_days}
    assert overlay.closures
    for day in changed:
        assert cal.is_working_day(day) is (day in overlay.working_days)
        assert china().is_working_day(day) is not cal.is_working_day(day)
    for day in (dt.date(2024, 3, 1), dt.date(2025, 10, 1), dt.date(2026, 2, 14)):
        if day not in changed:
            assert cal.is_working_day(day) is china().is_working_day(day)


def test_calendars_shrink_to_plain_china():
    assert find(calendars(), lambda c: True, settings=SIMPLEST) is china()
    with_hours = find(calendars(office_hours=True), lambda c: True, settings=SIMPLEST)
    assert str(with_hours.office_hours) == HOURS
    assert with_hours.overlays == ()


# -- properties of deadlines at the edges ---------------------------------------------


@settings(max_examples=20, deadline=None, database=None)
@given(
    calendars(office_hours=True).flatmap(
        lambda cal: st.tuples(st.just(cal), edge_instants(cal), st.integers(1, 3))
    )
)
def test_n_working_days_of_working_time_from_an_edge_is_n_days_of_office_time(drawn):
    cal, start, n = drawn
    due = cal.deadline(start, f"{n} working days", "working_time").due
    assert cal.working_time_between(start, due) == dt.timedelta(
        minutes=n * cal.office_hours.day_minutes
    )
    moment = local(due)
    assert cal.is_working_day(moment.date())
    minute = moment.hour * 60 + moment.minute + moment.second / 60
    assert cal.office_hours.opening < minute <= cal.office_hours.closing


@settings(max_examples=60, deadline=None, database=None)
@given(edge_instants(CAL), st.integers(1, 5))
def test_civil_code_working_days_end_at_closing_time_of_a_working_day(start, n):
    due = local(CAL.deadline(start, f"{n} working days", "civil_code").due)
    assert CAL.is_working_day(due.date())
    assert due.hour * 60 + due.minute == CAL.office_hours.closing
    assert CAL.working_days_between(local(start).date(), due.date()) == n
