"""Instants: read in one zone where written at +08:00; written on Shanghai time, remembered."""

import datetime as dt

import pendulum
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from grievance_rules.calendar import SHANGHAI
from grievance_rules.model import Instant, instant_text

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


_INSTANT = TypeAdapter(Instant)


@given(
    st.datetimes(min_value=dt.datetime(1901, 1, 2), max_value=dt.datetime(2199, 12, 30)),
    _OFFSETS,
    st.sampled_from(["json", "python", "text"]),
)
def test_an_instant_is_read_as_the_same_instant_written_alike(
    wall: dt.datetime, zone: dt.tzinfo, how: str
) -> None:
    given_instant = wall.replace(tzinfo=zone)
    text = given_instant.isoformat()
    if how == "json":
        read = _INSTANT.validate_json(f'"{text}"')
    elif how == "python":
        read = _INSTANT.validate_python(given_instant)
    else:
        read = _INSTANT.validate_python(text)  # (a string from Python: the checked path)
    assert read == given_instant
    # written as given: the zone may be another object, never another offset
    assert read.isoformat() == text
    assert read.utcoffset() == given_instant.utcoffset()
    # +08:00 since 1992 (no summer time in China since 1991): the Asia/Shanghai zone
    shanghai = given_instant.utcoffset() == dt.timedelta(hours=8) and wall.year >= 1992
    assert (read.tzinfo is SHANGHAI) is shanghai


def test_instants_at_plus_eight_share_one_zone_by_hand() -> None:
    order_text = b'["2025-03-07T20:00:00+08:00", "2025-03-08T10:00:00+08:00"]'
    first, second = TypeAdapter(list[Instant]).validate_json(order_text)
    assert first.tzinfo is second.tzinfo is SHANGHAI
    assert (first.hour, first.isoformat()) == (20, "2025-03-07T20:00:00+08:00")
    # 1988-07-01 12:00 at +08:00 was 13:00 on Shanghai's summer time (UTC+9): left as written
    summer = _INSTANT.validate_json('"1988-07-01T12:00:00+08:00"')
    assert summer.tzinfo is not SHANGHAI
    assert summer.isoformat() == "1988-07-01T12:00:00+08:00"
    # the first instant since Shanghai's summer time ended for good, and the one before it
    new_year = _INSTANT.validate_json('"1992-01-01T00:00:00+08:00"')
    eve = _INSTANT.validate_json('"1991-12-31T23:59:59+08:00"')
    assert new_year.tzinfo is SHANGHAI
    assert eve.tzinfo is not SHANGHAI
    assert eve.isoformat() == "1991-12-31T23:59:59+08:00"
    # another offset keeps its own zone (reading may name a zone for naive timestamps)
    new_york = _INSTANT.validate_json('"2025-03-07T07:00:00-05:00"')
    assert new_york.utcoffset() == dt.timedelta(hours=-5)
    assert new_york == first  # 07:00 at -05:00 is 12:00 UTC, 20:00 at +08:00
