"""Instants written on Shanghai time: instant_text, remembered."""

import datetime as dt

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from grievance_rules.model import instant_text

_PLUS_EIGHT = dt.timezone(dt.timedelta(hours=8))
_OFFSETS = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)


@given(
    st.datetimes(min_value=dt.datetime(1992, 1, 2), max_value=dt.datetime(2199, 12, 30)),
    _OFFSETS,
    _OFFSETS,
)
def test_an_instant_is_written_alike_in_every_zone_and_every_time(
    wall: dt.datetime, zone: dt.tzinfo, other: dt.tzinfo
) -> None:
    instant = wall.replace(tzinfo=zone)
    # the reference: the standard library's own conversion to +08:00 (no summer time
    # in China since 1991)
    expected = instant.astimezone(_PLUS_EIGHT).isoformat()
    assert instant_text(instant) == expected
    assert instant_text(instant) == expected  # (remembered)
    assert instant_text(instant.astimezone(other)) == expected  # an equal instant


def test_instants_written_by_hand() -> None:
    utc = dt.datetime(2024, 5, 6, 1, 0, 30, 5, tzinfo=dt.UTC)
    assert instant_text(utc) == "2024-05-06T09:00:30.000005+08:00"
    assert instant_text(utc.astimezone(_PLUS_EIGHT)) == "2024-05-06T09:00:30.000005+08:00"
    # a subclass is written by its own isoformat, not taken from the memo of an equal instant
    moment = pendulum.datetime(2024, 5, 6, 1, 0, 30, 5, tz="UTC")
    assert instant_text(moment) == moment.in_timezone("Asia/Shanghai").isoformat()
