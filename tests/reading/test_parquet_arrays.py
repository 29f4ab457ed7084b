"""Arrow arrays read as numpy from their buffers, as Arrow's own conversions give them.

The Parquet reader reads whole numbers and validity from an array's buffers, and
makes index arrays from numpy buffers (``reading.arrow_buffers``: ``whole_numbers``,
``bit_values``, ``validity``, ``int64_values``, ``int64_array``), where Arrow's
``to_numpy`` and ``pa.array`` would import pandas; ``to_pylist`` is the reference, on sliced
arrays (an offset into the buffers), nulls and every width of integer. It picks
the cells that hold a value in numpy or in C (``reading.parquet_cells._values`` with
``valid``), where Arrow's ``drop_null`` would import pyarrow.compute: ``drop_null`` is
the reference.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules.reading.arrow_buffers import (
    bit_values,
    int64_array,
    int64_values,
    validity,
    whole_numbers,
)
from grievance_rules.reading.parquet_cells import _instants, _values

_TYPES = {
    pa.int8(): (-(2**7), 2**7 - 1),
    pa.int16(): (-(2**15), 2**15 - 1),
    pa.int32(): (-(2**31), 2**31 - 1),
    pa.int64(): (-(2**63), 2**63 - 1),
    pa.uint8(): (0, 2**8 - 1),
    pa.uint32(): (0, 2**32 - 1),
}


@st.composite
def _sliced(draw: st.DrawFn) -> tuple[pa.Array, list[int | None]]:
    """An integer array, perhaps with nulls, sliced somewhere, and its cells."""
    kind = draw(st.sampled_from(list(_TYPES)))
    low, high = _TYPES[kind]
    cells = draw(st.lists(st.none() | st.integers(low, high), max_size=40))
    start = draw(st.integers(0, len(cells)))
    stop = draw(st.integers(start, len(cells)))
    return pa.array(cells, kind).slice(start, stop - start), cells[start:stop]


@settings(max_examples=150, deadline=None)
@given(case=_sliced(), null=st.integers(-5, 5))
def test_whole_numbers_read_from_their_buffers(case, null):
    array, cells = case
    assert validity(array).tolist() == [cell is not None for cell in cells]
    assert bit_values(array.is_valid()).tolist() == [cell is not None for cell in cells]
    if array.null_count == 0:
        assert whole_numbers(array).tolist() == cells
    made = int64_values(array, null)
    assert made.dtype == np.int64
    assert made.tolist() == [null if cell is None else cell for cell in cells]


@settings(max_examples=80, deadline=None)
@given(
    numbers=st.lists(st.integers(-(2**63), 2**63 - 1), max_size=30),
    step=st.sampled_from([1, 2, -1]),
)
def test_numbers_made_into_an_arrow_array(numbers, step):
    values = np.array(numbers, dtype=np.int64)[::step]  # (not contiguous with a step)
    made = int64_array(values)
    assert made.type == pa.int64()
    assert made.null_count == 0
    assert made.to_pylist() == values.tolist()


def test_a_dictionary_array_s_validity_and_empty_arrays():
    words = pa.array(["a", None, "b", "a"]).dictionary_encode().slice(1)
    assert validity(words).tolist() == [False, True, True]
    assert int64_values(words.indices, -1).tolist() == [-1, 1, 0]
    empty = pa.array([], pa.int32())
    assert whole_numbers(empty).tolist() == []
    assert int64_values(empty, 0).tolist() == []
    assert bit_values(pa.array([], pa.bool_())).tolist() == []
    assert int64_array(np.array([], dtype=np.int64)).to_pylist() == []


_CELLS = {
    "text": (pa.string(), st.text(max_size=3)),
    "words": (pa.dictionary(pa.int32(), pa.string()), st.sampled_from(["a", "b", "c"])),
    "flag": (pa.bool_(), st.booleans()),
    "round": (pa.int32(), st.integers(-5, 5)),
    "points": (pa.float64(), st.floats(allow_nan=False)),
    "small": (pa.uint8(), st.integers(0, 255)),
    "single": (pa.float32(), st.floats(width=32, allow_nan=False)),
    "signatures": (pa.list_(pa.string()), st.lists(st.sampled_from(["x", "y"]), max_size=2)),
    "leaders": (
        pa.map_(pa.string(), pa.string()),
        st.lists(st.tuples(st.sampled_from(["k", "m"]), st.none() | st.just("v")), max_size=2),
    ),
    "at": (
        pa.timestamp("us", tz="Asia/Shanghai"),
        st.integers(0, 2**52).map(
            lambda m: dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=m)
        ),
    ),
}


@st.composite
def _column(draw: st.DrawFn) -> tuple[str, pa.Array]:
    """A column of one of the reader's kinds, perhaps with nulls, sliced somewhere."""
    name = draw(st.sampled_from(list(_CELLS)))
    kind, cells = _CELLS[name]
    values = draw(st.lists(st.none() | cells, max_size=30))
    if pa.types.is_dictionary(kind):
        column = pa.array(values, pa.string()).dictionary_encode()
    else:
        column = pa.array(values, kind)
    start = draw(st.integers(0, len(values)))
    return name, column.slice(start, draw(st.integers(0, len(values) - start)))


@settings(max_examples=200, deadline=None)
@given(case=_column(), pairs=st.booleans())
def test_the_cells_that_hold_a_value_as_arrow_s_drop_null_leaves_them(case, pairs):
    # the reference: Arrow's own is_valid and drop_null (in pyarrow.compute)
    name, column = case
    valid = validity(column)
    assert valid.tolist() == column.is_valid().to_pylist()
    expected = _values(name, column.drop_null(), pairs=pairs)
    assert _values(name, column, pairs=pairs, valid=valid) == expected
    if column.null_count == 0:
        assert _values(name, column, pairs=pairs) == expected
    if pa.types.is_dictionary(column.type):  # every cell, a null one as None
        assert _values(name, column, pairs=pairs) == column.to_pylist()


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_instants_of_any_unit_read_as_arrow_reads_them(unit):
    micros = [0, -1_000_000, 951_782_400_000_000, None, 1_700_000_000_123_000]
    column = pa.array(micros, pa.timestamp("us", tz="UTC")).cast(
        pa.timestamp(unit, tz="Asia/Shanghai"), safe=False
    )
    expected = [None if v is None else v.astimezone(dt.UTC) for v in column.to_pylist()]
    assert _instants(column) == expected
    valid = validity(column)
    assert _instants(column, valid) == [v for v in expected if v is not None]


def test_validity_of_arrays_without_a_bitmap():
    assert validity(pa.array([None, None], pa.null())).tolist() == [False, False]
    assert validity(pa.array([1, 2])).tolist() == [True, True]
    assert validity(pa.array(["a", None]).dictionary_encode().slice(1)).tolist() == [False]
