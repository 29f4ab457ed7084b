"""Zoned timestamp columns become the datetimes Arrow itself would give, made another way.

The Parquet reader makes its UTC datetimes from microseconds since 1970 with
numpy and each datetime's pickled state (``reading.parquet_cells._datetimes``); Arrow's
own ``to_pylist`` (then ``astimezone(UTC)``) and ``datetime + timedelta`` are the
references, and a few instants are written out by hand.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules.reading.parquet_cells import _datetimes, _instants

UTC = dt.UTC
_FIRST = dt.datetime(1, 1, 1, tzinfo=UTC)
_LAST = dt.datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)


def _micros(instant: dt.datetime) -> int:
    return (instant - dt.datetime(1970, 1, 1, tzinfo=UTC)) // dt.timedelta(microseconds=1)


def test_instants_written_out_by_hand() -> None:
    cases = [
        dt.datetime(1970, 1, 1, tzinfo=UTC),
        dt.datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
        dt.datetime(2000, 2, 29, 0, 0, 0, 1, tzinfo=UTC),  # a leap day of a 400th year
        dt.datetime(1900, 3, 1, 0, 0, tzinfo=UTC),  # the day after 28 February (no leap day)
        dt.datetime(2100, 2, 28, 23, 59, 59, tzinfo=UTC),
        dt.datetime(2024, 12, 31, 16, 30, tzinfo=UTC),  # 2025-01-01 00:30 in Shanghai
        _FIRST,
        _LAST,
    ]
    made = _datetimes(np.array([_micros(c) for c in cases], dtype=np.int64))
    assert made == cases
    assert all(instant.tzinfo is UTC for instant in made)
    assert [repr(m) for m in made] == [repr(c) for c in cases]


@settings(max_examples=60, deadline=None)
@given(
    micros=st.lists(
        st.none() | st.integers(_micros(_FIRST), _micros(_LAST)), min_size=1, max_size=40
    ),
    zone=st.sampled_from(["Asia/Shanghai", "UTC", "+05:30", "America/New_York"]),
)
def test_a_zoned_column_reads_as_arrow_reads_it(micros: list[int | None], zone: str) -> None:
    column = pa.array(micros, pa.timestamp("us", tz="UTC")).cast(pa.timestamp("us", tz=zone))
    expected = [
        None if value is None else value.astimezone(UTC)
        for value in pa.array(micros, pa.timestamp("us", tz="UTC")).to_pylist()
    ]
    made = _instants(column)
    assert made == expected
    assert [repr(m) for m in made] == [repr(e) for e in expected]


def test_many_instants_read_as_datetime_arithmetic_gives_them() -> None:
    rng = np.random.default_rng(2026)
    micros = rng.integers(_micros(_FIRST), _micros(_LAST), 50_000, dtype=np.int64)
    epoch = dt.datetime(1970, 1, 1, tzinfo=UTC)
    assert _datetimes(micros) == [epoch + dt.timedelta(microseconds=m) for m in micros.tolist()]


def test_an_instant_beyond_datetime_s_years_is_its_text() -> None:
    # (it was an OverflowError: a traceback; the text is refused by the model, naming it)
    column = pa.array([0, _micros(_LAST) + 1], pa.timestamp("us", tz="UTC"))
    assert _instants(column) == [
        dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
        "+10000-01-01T00:00:00.000000Z",  # the microsecond after 9999-12-31T23:59:59.999999
    ]
