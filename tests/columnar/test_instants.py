"""Instants as microseconds, and their Shanghai dates (summer time before 1992 included).

Expected dates come from the zone rules as published, not from the code under test:
China kept summer time (UTC+9) from 1986 to 1991, in 1990 from 15 April 02:00 to
16 September 02:00 local time; the standard library's ``zoneinfo`` (the system's
tz database) is the independent source of the property test.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from grievance_rules.columnar.instants import (
    EPOCH_ORDINAL,
    FIXED_OFFSET_FROM_US,
    from_us,
    shanghai_day,
    to_us,
    to_us_array,
)

UTC = dt.UTC
TZ_DATABASE = ZoneInfo("Asia/Shanghai")


def _date(day: int) -> dt.date:
    return dt.date.fromordinal(EPOCH_ORDINAL + day)


def test_microseconds_round_trip():
    instant = dt.datetime(2024, 5, 6, 9, 12, 0, 250, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert to_us(instant) == 1_714_957_920_000_250
    assert from_us(to_us(instant)) == instant
    assert to_us_array([instant, None]).tolist() == [1_714_957_920_000_250, -1]


def test_a_summer_night_in_1990_is_the_next_day_in_shanghai():
    # 1990-07-01 15:30 UTC is 00:30 on 2 July under summer time (UTC+9), 23:30 on 1 July at UTC+8
    summer = to_us(dt.datetime(1990, 7, 1, 15, 30, tzinfo=UTC))
    assert _date(shanghai_day(summer)) == dt.date(1990, 7, 2)
    assert _date(int(shanghai_day(np.array([summer]))[0])) == dt.date(1990, 7, 2)
    # the same hour in winter, and after 1991: UTC+8
    winter = to_us(dt.datetime(1990, 12, 1, 15, 30, tzinfo=UTC))
    assert _date(shanghai_day(winter)) == dt.date(1990, 12, 1)
    later = to_us(dt.datetime(2024, 7, 1, 15, 30, tzinfo=UTC))
    assert _date(shanghai_day(later)) == dt.date(2024, 7, 1)


def test_the_fixed_offset_starts_after_the_last_summer_time():
    # summer time last ended on 1991-09-15 (02:00 local, back to 01:00): 1991-09-14 17:00 UTC
    assert from_us(FIXED_OFFSET_FROM_US) > dt.datetime(1991, 9, 14, 17, tzinfo=UTC)


@given(
    st.lists(
        st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2060, 12, 31)),
        min_size=1,
        max_size=20,
    )
)
def test_shanghai_days_are_those_of_the_tz_database(naive: list[dt.datetime]):
    instants = [t.replace(tzinfo=UTC) for t in naive]
    expected = [t.astimezone(TZ_DATABASE).date() for t in instants]
    days = shanghai_day(to_us_array(instants))
    assert [_date(d) for d in days.tolist()] == expected
    assert [_date(shanghai_day(to_us(t))) for t in instants] == expected
