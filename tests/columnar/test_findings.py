"""The findings table's helpers: columns of one value made as ``np.full`` makes them."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from grievance_rules.columnar.findings import Filler, _strings, full

_COLUMNS = st.one_of(  # (dtype, value) as block() fills its columns
    st.tuples(st.just(object), st.one_of(st.text(max_size=6), st.integers(-5, 5), st.none())),
    st.tuples(st.just(np.int64), st.integers(-5, 5)),
    st.tuples(st.just(np.float64), st.floats(allow_nan=True)),
)


def _same(a: list[Any], b: list[Any]) -> bool:
    return all(
        x == y
        or (isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y))
        for x, y in zip(a, b, strict=True)
    )


@given(st.integers(0, 40), _COLUMNS)
def test_full_holds_what_np_full_holds(m: int, column: tuple[type[Any], Any]) -> None:
    dtype, value = column
    # np.full passes a str through numpy's string type, which drops trailing NULs
    # ('\x00' becomes ''); full holds the str itself (see the test below)
    assume(not (isinstance(value, str) and value.endswith("\x00")))
    expected = np.full(m, value, dtype=dtype)
    found = full(m, value, dtype)
    assert found.dtype == expected.dtype
    assert found.shape == expected.shape
    assert _same(found.tolist(), expected.tolist())
    assert [type(v) for v in found.tolist()] == [type(v) for v in expected.tolist()]


@given(st.integers(0, 5), st.text(max_size=6))
@example(m=2, value="a\x00")  # found by the test above: np.full gives 'a' here
def test_full_holds_the_str_itself(m: int, value: str) -> None:
    assert full(m, value, object).tolist() == [value] * m


def test_a_filler_gives_read_only_views_of_one_value() -> None:
    filler = Filler()
    short, long = filler.full(3, "r1", object), filler.full(7, "r1", object)
    assert short.tolist() == ["r1"] * 3
    assert long.tolist() == ["r1"] * 7
    assert not long.flags.writeable


@settings(deadline=None)  # (the first example may be the first to import pyarrow)
@given(st.lists(st.one_of(st.just(""), st.text(max_size=5)), max_size=30))
@example(values=[])
@example(values=["", ""])
@example(values=["督办", "", "a\x00"])
def test_strings_are_arrow_strings_an_empty_one_null(values: list[str]) -> None:
    column = np.empty(len(values), dtype=object)
    column[:] = values
    found = _strings(pa, column)
    # pyarrow's own masked conversion, the empty strings masked by comparison
    expected = pa.array(values, pa.string(), mask=np.asarray([v == "" for v in values], dtype=bool))
    assert found.equals(expected)
    assert found.null_count == values.count("")
    assert found.to_pylist() == [v or None for v in values]
    found.validate(full=True)
