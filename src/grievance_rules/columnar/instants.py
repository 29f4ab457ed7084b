"""Instants as integers, the columnar path's unit of time: microseconds since 1970 UTC.

Every kernel holds instants as ``int64`` microseconds since 1970-01-01 UTC and turns
them back into aware datetimes (:func:`from_us`) only where a finding is built. Their
Shanghai date is the date the per-order engine takes (``astimezone(SHANGHAI)``):
since 1992 that is the instant plus eight hours, a sum over a whole array at once;
before it Shanghai kept summer time (UTC+9, 1986 to 1991), so :func:`shanghai_day`
asks the zone for those instants instead of assuming UTC+8.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Sequence
from itertools import compress, repeat
from typing import TypeVar, cast, overload
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from grievance_rules.calendar import SHANGHAI

__all__ = [
    "EPOCH",
    "EPOCH_ORDINAL",
    "FIXED_OFFSET_FROM_US",
    "SHANGHAI_US",
    "US_PER_DAY",
    "US_PER_MINUTE",
    "from_us",
    "shanghai_day",
    "to_us",
    "to_us_array",
]

Int64s = npt.NDArray[np.int64]
_Day = TypeVar("_Day", int, Int64s)

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""Microsecond 0."""
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
"""The proleptic ordinal of day 0 (``dt.date.fromordinal(EPOCH_ORDINAL + day)``)."""
US_PER_MINUTE = 60_000_000
US_PER_DAY = 86_400_000_000
SHANGHAI_US = 8 * 3_600_000_000
"""Shanghai's offset from UTC since 1992 (UTC+8)."""
_MICROSECOND = dt.timedelta(microseconds=1)
_TZINFO = operator.attrgetter("tzinfo")
_TIMESTAMP = dt.datetime.timestamp
_ZONES = (dt.timezone, ZoneInfo)
"""Zones whose instants always have an offset (``timestamp()`` never reads them as local)."""


def to_us(instant: dt.datetime) -> int:
    """An aware instant as microseconds since 1970-01-01 UTC.

    Example:
        >>> to_us(dt.datetime(1970, 1, 1, 8, tzinfo=SHANGHAI))
        0
    """
    return (instant - EPOCH) // _MICROSECOND


def to_us_array(instants: Sequence[dt.datetime | None]) -> Int64s:
    """Aware instants as µs since 1970-01-01 UTC (``-1`` for ``None``).

    Example:
        >>> late = dt.datetime(2100, 1, 1, 0, 0, 0, 999_999, tzinfo=dt.UTC)
        >>> to_us_array([dt.datetime(1970, 1, 1, 8, 0, 0, 1, tzinfo=SHANGHAI), late]).tolist()
        [1, 4102444800999999]
    """
    if None in instants:
        present = list(map(operator.is_not, instants, repeat(None)))
        found = np.full(len(instants), -1, dtype=np.int64)
        given = cast("list[dt.datetime]", list(compress(instants, present)))
        found[np.asarray(present, dtype=bool)] = _aware_us(given)
        return found
    return _aware_us(cast("Sequence[dt.datetime]", instants))


def _aware_us(aware: Sequence[dt.datetime]) -> Int64s:
    """:func:`to_us_array` of instants none of which is ``None``."""
    n = len(aware)
    if all(isinstance(zone, _ZONES) for zone in set(map(_TZINFO, aware))):
        # ``timestamp()`` is the exact µs divided by 10**6, correctly rounded: within
        # 2**31 s of 1970 it and its product by 1e6 err by under 0.25 µs each, so the
        # product rounds back to the exact µs; the others are computed exactly
        seconds = np.fromiter(map(_TIMESTAMP, aware), dtype=np.float64, count=n)
        found: Int64s = np.rint(seconds * 1e6).astype(np.int64)
        for k in np.flatnonzero(~(np.abs(seconds) < 2.0**31)).tolist():
            found[k] = to_us(aware[k])
        return found
    # the subtraction and the division each as one map (no Python frame per instant)
    deltas = map(operator.sub, aware, repeat(EPOCH))
    return np.fromiter(
        map(operator.floordiv, deltas, repeat(_MICROSECOND)), dtype=np.int64, count=n
    )


def from_us(us: int) -> dt.datetime:
    """Microseconds since 1970-01-01 UTC as an aware datetime in UTC."""
    return EPOCH + dt.timedelta(microseconds=us)


FIXED_OFFSET_FROM_US = to_us(dt.datetime(1992, 1, 1, tzinfo=dt.UTC))
"""From here on Shanghai is UTC+8 all year (its summer time ended on 1991-09-15)."""


def _zone_day(us: int) -> int:
    return from_us(us).astimezone(SHANGHAI).toordinal() - EPOCH_ORDINAL


@overload
def shanghai_day(at_us: int) -> int: ...


@overload
def shanghai_day(at_us: Int64s) -> Int64s: ...


def shanghai_day(at_us: int | Int64s) -> int | Int64s:
    """The Shanghai date of instants in µs since 1970, as days since 1970-01-01.

    An integer or a numpy array of them. The date ``astimezone(SHANGHAI)`` gives:
    instants before 1992 are read through the zone (its summer time of 1986 to 1991).

    Example:
        >>> shanghai_day(16 * 3_600_000_000)  # 1970-01-02 00:00+08:00
        1
        >>> summer = to_us(dt.datetime(1990, 7, 1, 15, 30, tzinfo=dt.UTC))  # 00:30+09:00
        >>> dt.date.fromordinal(EPOCH_ORDINAL + shanghai_day(summer))
        datetime.date(1990, 7, 2)
    """
    if isinstance(at_us, np.ndarray):
        days: Int64s = (at_us + SHANGHAI_US) // US_PER_DAY
        early = np.flatnonzero(at_us < FIXED_OFFSET_FROM_US)
        if len(early):
            days[early] = [_zone_day(us) for us in at_us[early].tolist()]
        return days
    if at_us < FIXED_OFFSET_FROM_US:
        return _zone_day(at_us)
    return (at_us + SHANGHAI_US) // US_PER_DAY
