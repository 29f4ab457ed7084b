"""Values numbered in order of first sighting, as a plain loop numbers them.

``first_seen_codes`` (columnar/findings.py; the findings table and the scoring fold use it)
numbers a batch's string columns in one pass,
the numbers written as bytes while there are at most 256 of them; the reference here
is a dict filled value by value. Past 256 values the numbers are made another way,
from where the bytes stopped.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from grievance_rules.scoring.tables import first_seen_codes


def _reference(values: list[Any]) -> tuple[dict[Any, int], list[int]]:
    numbers: dict[Any, int] = {}
    for value in values:
        if value not in numbers:
            numbers[value] = len(numbers)
    return numbers, [numbers[value] for value in values]


@given(
    st.one_of(
        st.lists(st.sampled_from(["met", "breached", "", "u1", "u2"]), max_size=50),
        st.lists(st.integers(0, 400).map(str), max_size=600),  # (past 256 numbers too)
    )
)
@example([str(k) for k in range(300)] + ["0", "299"])
@example([])
def test_values_numbered_in_order_of_first_sighting(values: list[str]) -> None:
    numbers, codes = first_seen_codes(values)
    expected_numbers, expected_codes = _reference(values)
    assert list(numbers.items()) == list(expected_numbers.items())
    assert type(numbers) is dict
    assert codes.dtype == np.int64
    assert codes.tolist() == expected_codes
