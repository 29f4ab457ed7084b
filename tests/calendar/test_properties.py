"""Property tests of the day arithmetic."""

import datetime as dt
import warnings

from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules.calendar import china
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
