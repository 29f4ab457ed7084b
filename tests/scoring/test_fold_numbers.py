"""The fold's grouping of whole numbers without sorting gives what sorting gives.

``_distinct_numbers`` and ``_counted_numbers`` (scoring/folds.py) stand for
``np.unique`` in the period tally's fold; the reference here is plain Python: the
sorted set of the values, each value's place in it, its first place and its count.
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from grievance_rules.scoring import folds
from grievance_rules.scoring.folds import _counted_numbers, _distinct_numbers

# numbers close together (a table of their range), and far apart (sorted instead)
_NUMBERS = st.one_of(
    st.lists(st.integers(0, 40), max_size=60),
    st.lists(st.integers(20_000, 20_400), max_size=60),
    st.lists(st.integers(-(2**40), 2**40), max_size=60),
    st.lists(st.sampled_from([-5, 0, 2**20, 3 * 2**20]), max_size=60),
)


def _reference(values: list[int]) -> tuple[list[int], list[int], list[int], list[int]]:
    """Sorted distinct values, each value's place among them, each one's first place and count."""
    distinct = sorted(set(values))
    place = {value: k for k, value in enumerate(distinct)}
    return (
        distinct,
        [place[value] for value in values],
        [values.index(value) for value in distinct],
        [values.count(value) for value in distinct],
    )


@settings(max_examples=400, deadline=None, database=None)
@given(_NUMBERS, st.sampled_from([folds._SPAN, 0]))
@example([], folds._SPAN)  # no entries
@example([7], folds._SPAN)  # one
@example([3, 3, 3], 0)  # all tied
def test_numbers_grouped_without_sorting_are_those_sorting_gives(values, span):
    """``span`` 0: only a range as short as four times the numbers' count is a table."""
    distinct, place, first, count = _reference(values)
    array = np.array(values, dtype=np.int64)
    saved = folds._SPAN
    folds._SPAN = span
    try:
        found, found_place = _distinct_numbers(array)
        counted, found_first, found_count = _counted_numbers(array)
    finally:
        folds._SPAN = saved
    assert (found.tolist(), found_place.tolist()) == (distinct, place)
    assert (counted.tolist(), found_first.tolist(), found_count.tolist()) == (
        distinct,
        first,
        count,
    )
    assert found_place.shape == array.shape
