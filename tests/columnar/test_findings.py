"""The findings table: its helpers, and the table in rows, columns and Arrow, however built."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from grievance_rules.columnar.findings import (
    COLUMNS,
    Block,
    Coded,
    Filler,
    FindingRows,
    Row,
    _coded_strings,
    _factorised,
    full,
)

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
    found = _coded_strings(pa, _factorised(column))
    # pyarrow's own masked conversion, the empty strings masked by comparison
    expected = pa.array(values, pa.string(), mask=np.asarray([v == "" for v in values], dtype=bool))
    assert found.equals(expected)
    assert found.null_count == values.count("")
    assert found.to_pylist() == [v or None for v in values]
    found.validate(full=True)


_NAN = float("nan")
_STRING_COLUMNS = {"order_id", "rule_id", "kind", "unit", "state", "level", "path"}
_ROWS = st.lists(
    st.tuples(
        st.integers(0, 4),  # order
        st.sampled_from(["R-1", "R-10", "R-2", "XY-9"]),
        st.sampled_from(["clock", "window", "deduction", "escalation", "record"]),
        st.integers(0, 2),  # seq
        st.sampled_from(["", "u1", "街道办"]),
        st.sampled_from(["", "met", "breached", "true"]),
        st.integers(-1, 3),  # an instant, -1 for none
        st.sampled_from(["", "yellow", "red"]),
        st.sampled_from([_NAN, 0.0, 0.5]),
        st.sampled_from(["columnar", "per_order"]),
    ).map(
        lambda t: (
            t[0],
            f"O-{t[0]}",
            t[1],
            t[2],
            t[3],
            t[4],
            t[5],
            t[6] * 10**12,
            t[6],
            -1,
            t[7],
            t[8],
            _NAN if t[2] != "deduction" else 2.0,
            t[9],
            t[6],
        )
    ),
    max_size=25,
)


def _block_of(rows: list[Row], coded: set[str]) -> Block:
    """Rows as a block, the string columns named in ``coded`` given as codes."""
    columns = {}
    codes = {}
    for k, name in enumerate(COLUMNS):
        values = [row[k] for row in rows]
        if name in _STRING_COLUMNS:
            array = np.empty(len(values), dtype=object)
            array[:] = values
            columns[name] = array
            if name in coded:  # numbered backwards, by hand: the table may not care
                words = sorted(set(values), reverse=True)
                codes[name] = Coded(
                    np.asarray([words.index(v) for v in values], dtype=np.int64),
                    np.asarray(words, dtype=object),
                )
        else:
            columns[name] = np.asarray(
                values, dtype=np.float64 if name in ("fraction", "points") else np.int64
            )
    return Block(columns, codes)


def _same_rows(found: list[Any], expected: list[Any]) -> bool:
    return len(found) == len(expected) and all(
        _same(list(a), list(b)) for a, b in zip(found, expected, strict=True)
    )


@settings(deadline=None, max_examples=60)
@given(
    _ROWS,
    st.lists(
        st.tuples(st.integers(0, 6), st.booleans(), st.sets(st.sampled_from(COLUMNS[1:]))),
        max_size=5,
    ),
    st.booleans(),
)
def test_a_table_of_blocks_and_rows_is_its_rows_sorted_by_hand(
    rows: list[Row], cuts: list[tuple[int, bool, set[str]]], sort: bool
) -> None:
    found = FindingRows()
    rest = list(rows)
    for size, as_block, coded in cuts:  # parts as kernels give them, rows or blocks
        part, rest = rest[:size], rest[size:]
        if part and as_block:
            found.extend_columns(_block_of(part, coded))
        else:
            found.extend(part)
    found.extend(rest)
    if sort:
        found.sort()
    # the reference: Python's stable sort of the rows as added, by order, kind, rule, place
    expected = sorted(rows, key=lambda r: (r[0], r[3], r[2], r[4])) if sort else rows
    table = found.to_arrow()
    # what is read of the parts once the table stands for them
    rest = found.without("record")
    assert _same_rows(rest.rows, [row for row in expected if row[3] != "record"])
    assert found.orders_with(frozenset({"R-1", "XY-9"}), "met") == {
        row[0] for row in expected if row[2] in ("R-1", "XY-9") and row[6] == "met"
    }
    assert _same_rows(found.rows, expected)
    columns = found.columns()
    assert _same_rows(
        list(zip(*(columns[name].tolist() for name in COLUMNS), strict=True)), expected
    )
    for k, name in enumerate(COLUMNS):  # Arrow's columns, made from the rows by hand
        values = [row[k] for row in expected]
        if name.endswith("_us"):
            wanted = pa.array([v if v >= 0 else None for v in values], pa.timestamp("us", tz="UTC"))
            assert table.column(name.removesuffix("_us")).combine_chunks().equals(wanted)
        elif name in ("fraction", "points"):
            wanted = pa.array([None if math.isnan(v) else v for v in values], pa.float64())
            assert table.column(name).combine_chunks().equals(wanted)
        elif name in _STRING_COLUMNS:
            wanted = pa.array([v or None for v in values], pa.string())
            assert table.column(name).combine_chunks().equals(wanted), name
        else:
            assert table.column(name).to_pylist() == values
