"""Property tests of the day arithmetic."""

import datetime as dt
import warnings

from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules.calendar import (
    CountingConvention,
    Deadline,
    Duration,
    HalfDayRule,
    LocalOverlay,
    OfficeHours,
    WorkingCalendar,
    china,
)
from grievance_rules.calendar.days import DayKind
from grievance_rules.calendar.deadlines import _compute_deadline
from grievance_rules.calendar.office_hours import SHANGHAI, to_shanghai
from grievance_rules.errors import ProvisionalCalendarWarning

CAL = china(on_provisional="allow")
FINAL = CAL.final_through
days = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2059, 6, 30))
final_days = st.dates(min_value=dt.date(2004, 1, 1), max_value=FINAL - dt.timedelta(days=90))
steps = st.integers(min_value=1, max_value=60)


@given(days, steps, steps)
def test_adding_is_monotone_in_n(day: dt.date, m: int, n: int) -> None:
    if m < n:
        assert CAL.add_working_days(day, m) < CAL.add_working_days(day, n)


@given(days, days, steps)
def test_adding_is_monotone_in_the_start(a: dt.date, b: dt.date, n: int) -> None:
    if a <= b:
        assert CAL.add_working_days(a, n) <= CAL.add_working_days(b, n)


@given(days, steps)
def test_add_and_count_invert_each_other(day: dt.date, n: int) -> None:
    assert CAL.working_days_between(day, CAL.add_working_days(day, n)) == n


@given(days, steps)
def test_result_is_always_a_working_day_after_the_start(day: dt.date, n: int) -> None:
    result = CAL.add_working_days(day, n)
    assert result > day
    assert CAL.is_working_day(result)


@given(days, steps, steps)
def test_adding_m_then_n_equals_adding_m_plus_n(day: dt.date, m: int, n: int) -> None:
    assert CAL.add_working_days(CAL.add_working_days(day, m), n) == CAL.add_working_days(day, m + n)


@given(days, days)
def test_count_is_antisymmetric(a: dt.date, b: dt.date) -> None:
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)


@settings(max_examples=200)
@given(days, steps)
def test_provisional_flags_propagate(day: dt.date, n: int) -> None:
    cal = china()  # warns
    result_is_provisional = CAL.add_working_days(day, n) > FINAL
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cal.add_working_days(day, n)
    warned = any(issubclass(w.category, ProvisionalCalendarWarning) for w in caught)
    assert warned == result_is_provisional
    deadline = CAL.deadline(
        dt.datetime.combine(day, dt.time(10), tzinfo=dt.timezone(dt.timedelta(hours=8))),
        f"{n} working days",
        "civil_code",
    )
    assert deadline.provisional == (deadline.last_day > FINAL)
    assert deadline.provisional == any(d > FINAL for d in deadline.provisional_days)


@given(final_days, steps)
def test_final_days_never_warn(day: dt.date, n: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        china().add_working_days(day, n)


_office = china(office_hours="09:00-12:00,13:30-17:30", on_provisional="allow")
_CST = dt.timezone(dt.timedelta(hours=8))
_instants = st.builds(
    lambda day, minute, zone: (
        dt.datetime.combine(day, dt.time(), _CST) + dt.timedelta(minutes=minute)
    ).astimezone(zone),
    st.dates(dt.date(2023, 12, 20), dt.date(2026, 12, 20)),
    st.integers(0, 24 * 60 - 1),
    st.sampled_from([_CST, dt.UTC]),
)
_periods = st.sampled_from(
    [
        ("same day", "civil_code", "half_minutes"),
        ("2 working days", "civil_code", "half_minutes"),
        ("7 natural days", "civil_code", "half_minutes"),
        ("same day", "working_time", "half_minutes"),
        ("1 working day", "working_time", "half_minutes"),
        ("0.5 working days", "working_time", "half_minutes"),
        ("0.5 working days", "working_time", "noon_cutoff"),
        ("1.5 working days", "working_time", "noon_cutoff"),
        ("4 working hours", "working_time", "half_minutes"),
        ("3 working days", "working_time", "noon_cutoff"),
        ("12 working days", "working_time", "half_minutes"),
    ]
)


@given(_instants, _instants, _periods)
def test_remembered_deadlines_equal_fresh_ones(a: dt.datetime, b: dt.datetime, period) -> None:
    """A deadline served from the calendar's memo is the one computed afresh."""
    duration, convention, half_day = period
    for start in (a, b, a):
        fresh = _compute_deadline(
            _office,
            to_shanghai(start),
            Duration.parse(duration),
            CountingConvention(convention),
            HalfDayRule(half_day),
        )
        served = _office.deadline(start, duration, convention, half_day=half_day)
        assert served == fresh
        assert served.start == start


OFFICE = china(office_hours="09:00-12:00,13:30-17:30", on_provisional="allow")
_ZONES = st.sampled_from(
    [dt.UTC, dt.timezone(dt.timedelta(hours=8)), dt.timezone(-dt.timedelta(hours=5))]
)
_SETTLED = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2026, 11, 30)).map(
    lambda t: t.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
)


def _office_time_by_hand(a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    """Office time from ``a`` to ``b`` (Shanghai), summed day by day over the intervals."""
    total = dt.timedelta()
    day = a.date()
    while day <= b.date():
        if OFFICE.is_working_day(day):
            midnight = dt.datetime.combine(day, dt.time(), a.tzinfo)
            for start_minute, end_minute in OFFICE.office_hours.intervals:
                begin = max(a, midnight + dt.timedelta(minutes=start_minute))
                end = min(b, midnight + dt.timedelta(minutes=end_minute))
                total += max(end - begin, dt.timedelta())
        day += dt.timedelta(days=1)
    return total


@settings(max_examples=150, deadline=None)
@given(_SETTLED, st.integers(min_value=0, max_value=12 * 24 * 60), _ZONES, _ZONES)
def test_remembered_office_time_positions_measure_office_time(
    a: dt.datetime, minutes: int, zone_a: dt.tzinfo, zone_b: dt.tzinfo
) -> None:
    b = a + dt.timedelta(minutes=minutes)
    expected = _office_time_by_hand(a, b) // dt.timedelta(microseconds=1)
    # asked first as written in one zone, then again (remembered) as written in another
    for first, second in ((a, b), (a.astimezone(zone_a), b.astimezone(zone_b))):
        assert OFFICE.office_time_position_us(second) - OFFICE.office_time_position_us(first) == (
            expected
        )


# A local overlay over the final years, so that make-up days of both kinds are met.
LOCAL = china(on_provisional="allow").with_overlay(
    LocalOverlay(
        "demo",
        closures={dt.date(2025, 3, 4): "停电"},
        holidays={dt.date(2025, 3, 12): "植树节"},
        working_days={dt.date(2025, 3, 8): "防汛值守", dt.date(2025, 3, 15): "防汛值守"},
    )
)
HOURS = OfficeHours.parse("09:00-12:00,13:30-17:30")
OFFICES = {False: CAL.with_office_hours(HOURS), True: LOCAL.with_office_hours(HOURS)}
near = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2025, 5, 31))


def _walked(cal: WorkingCalendar, first: dt.date, last: dt.date, count_first: bool) -> tuple:
    """A deadline's days from first to last, asked of the calendar one day at a time."""
    counted, makeup, skipped, provisional = [], [], [], []
    day = first
    while day <= last:
        info = cal.day_info(day)
        if info.provisional:
            provisional.append(day)
        if day != first or count_first:
            if not info.is_working_day:
                skipped.append((day, info.kind, info.name, info.provisional))
            else:
                counted.append(day)
                if info.kind in (DayKind.MAKEUP_WORKDAY, DayKind.LOCAL_WORKDAY):
                    makeup.append((day, info.kind, info.name, info.provisional))
        day += dt.timedelta(days=1)
    return counted, makeup, skipped, provisional


def _explained(d: Deadline) -> tuple:
    return (
        list(d.counted_days),
        [(m.date, m.kind, m.name, m.provisional) for m in d.makeup_days],
        [(s.date, s.kind, s.name, s.provisional) for s in d.skipped_days],
        list(d.provisional_days),
    )


@settings(max_examples=300)
@given(
    st.one_of(days, near),
    st.integers(min_value=0, max_value=23),
    st.integers(min_value=1, max_value=40),
    st.sampled_from(["working_time", "civil_code", "civil_code natural"]),
    st.booleans(),
)
def test_a_deadlines_days_are_those_the_calendar_gives_one_by_one(
    day: dt.date, hour: int, n: int, how: str, local: bool
) -> None:
    """Counted, make-up, skipped and provisional days, against a walk over ``day_info``.

    (The deadline takes them as slices of the calendar's days, remembered by span.)
    """
    cal = OFFICES[local]
    start = dt.datetime(day.year, day.month, day.day, hour, 7, tzinfo=SHANGHAI)
    unit = "natural days" if how.endswith("natural") else "working days"
    d = cal.deadline(start, f"{n} {unit}", how.split()[0])
    assert d.makeup_days_counted == tuple(m.date for m in d.makeup_days)
    assert _explained(d) == _walked(cal, day, d.last_day, count_first=how == "working_time")


def test_the_days_of_a_span_across_a_local_make_up_day_and_closure() -> None:
    # by hand: Mon 2025-03-03 10:00 + 5 working days (civil_code, the start day not
    # counted): Tue 03-04 closed (停电); 03-05 Wed, 03-06 Thu, 03-07 Fri, Sat 03-08 open
    # (防汛值守), Sun 03-09 off, Mon 03-10: the fifth; due at its 24:00
    cal = LOCAL
    d = cal.deadline(dt.datetime(2025, 3, 3, 10, tzinfo=SHANGHAI), "5 working days", "civil_code")
    assert d.last_day == dt.date(2025, 3, 10)
    assert [x.isoformat()[5:] for x in d.counted_days] == [
        "03-05",
        "03-06",
        "03-07",
        "03-08",
        "03-10",
    ]
    assert [(s.date.isoformat()[5:], s.kind.value) for s in d.skipped_days] == [
        ("03-04", "local_closure"),
        ("03-09", "weekend"),
    ]
    assert [(m.date.isoformat()[5:], m.name) for m in d.makeup_days] == [("03-08", "防汛值守")]
    assert d.provisional_days == ()


def test_starts_at_one_office_time_position_on_two_days_keep_their_own_days() -> None:
    # by hand: Fri 2025-03-07 20:00 and Sat 03-08 10:00 are both at Friday's closing in
    # office time, so "1 working day" (7 hours) is due Mon 03-10 17:30 from either; but
    # from Friday the days are Fri (counted), Sat, Sun (skipped), Mon; from Saturday
    # Sat, Sun (skipped), Mon
    cal = OFFICES[False]
    friday = dt.datetime(2025, 3, 7, 20, tzinfo=SHANGHAI)
    saturday = dt.datetime(2025, 3, 8, 10, tzinfo=SHANGHAI)
    first = cal.deadline(friday, "1 working day", "working_time")
    second = cal.deadline(saturday, "1 working day", "working_time")
    monday = dt.datetime(2025, 3, 10, 17, 30, tzinfo=SHANGHAI)
    assert first.due == second.due == monday
    assert first.counted_days == (dt.date(2025, 3, 7), dt.date(2025, 3, 10))
    assert second.counted_days == (dt.date(2025, 3, 10),)
    assert [s.date.day for s in first.skipped_days] == [8, 9]
    assert [s.date.day for s in second.skipped_days] == [8, 9]
    assert (first.start, second.start) == (friday, saturday)
