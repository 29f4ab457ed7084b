"""The clock kernel's own readings of a period, worked by hand from ``compute_deadline``."""

from __future__ import annotations

import pytest

from grievance_rules.columnar.clocks import _by_date


@pytest.mark.parametrize(
    ("convention", "spec", "by_date"),
    [
        # civil_code counts whole days from the start's date (民法典 art. 201)
        ("civil_code", "2 working days", True),
        ("civil_code", "当日", True),
        # working_time's "the same day" ends at closing time of the start's date (or of
        # the next working day, for a start after closing or on a day off)
        ("working_time", "当日", True),
        # any other working-time period runs from the start's own minute
        ("working_time", "2 working days", False),
        ("working_time", "0.5 working days", False),
        ("working_time", "4 working hours", False),
        ("elapsed", "3 natural days", False),
        ("elapsed", "1 hour", False),
        ("working_time", None, False),
    ],
)
def test_which_periods_due_instants_depend_on_the_starts_date_alone(
    convention: str, spec: str | None, by_date: bool
):
    assert _by_date(convention, spec) is by_date
