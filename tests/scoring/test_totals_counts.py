"""A comparison's totals count a batch's states at once as one at a time counts them.

``_count_names`` (scoring/comparison.py) counts a batch's clock and window states from
their codes; the reference here is ``Counter.update`` of the names, one after another:
the same counts, and the names new to the counter put in the same order.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from grievance_rules.scoring.comparison import _count_names

_NAMES = ["met", "breached", "running (yellow)", "open", "paused"]


@given(
    st.lists(st.integers(0, len(_NAMES) - 1), max_size=40),
    st.lists(st.sampled_from(_NAMES), max_size=5),
)
def test_states_counted_at_once_as_one_at_a_time(codes: list[int], before: list[str]) -> None:
    expected = Counter(before)
    expected.update(_NAMES[code] for code in codes)
    found = Counter(before)
    _count_names(found, np.array(codes, dtype=np.int64), _NAMES)
    assert list(found.items()) == list(expected.items())
