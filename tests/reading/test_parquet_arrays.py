"""Arrow arrays read as numpy from their buffers, as Arrow's own conversions give them.

The Parquet reader reads whole numbers and validity from an array's buffers, and
makes index arrays from numpy buffers (``reading.parquet._numbers``, ``_integers``,
``_bits``, ``_validity``, ``_int64_array``), where Arrow's ``to_numpy`` and
``pa.array`` would import pandas; ``to_pylist`` is the reference, on sliced
arrays (an offset into the buffers), nulls and every width of integer.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules.reading.parquet import (
    _bits,
    _int64_array,
    _integers,
    _numbers,
    _validity,
)

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
    assert _validity(array).tolist() == [cell is not None for cell in cells]
    assert _bits(array.is_valid()).tolist() == [cell is not None for cell in cells]
    if array.null_count == 0:
        assert _numbers(array).tolist() == cells
    made = _integers(array, null)
    assert made.dtype == np.int64
    assert made.tolist() == [null if cell is None else cell for cell in cells]


@settings(max_examples=80, deadline=None)
@given(
    numbers=st.lists(st.integers(-(2**63), 2**63 - 1), max_size=30),
    step=st.sampled_from([1, 2, -1]),
)
def test_numbers_made_into_an_arrow_array(numbers, step):
    values = np.array(numbers, dtype=np.int64)[::step]  # (not contiguous with a step)
    made = _int64_array(values)
    assert made.type == pa.int64()
    assert made.null_count == 0
    assert made.to_pylist() == values.tolist()


def test_a_dictionary_array_s_validity_and_empty_arrays():
    words = pa.array(["a", None, "b", "a"]).dictionary_encode().slice(1)
    assert _validity(words).tolist() == [False, True, True]
    assert _integers(words.indices, -1).tolist() == [-1, 1, 0]
    empty = pa.array([], pa.int32())
    assert _numbers(empty).tolist() == []
    assert _integers(empty, 0).tolist() == []
    assert _bits(pa.array([], pa.bool_())).tolist() == []
    assert _int64_array(np.array([], dtype=np.int64)).to_pylist() == []
