"""The instant a clock reached a warning level, for many clock rows at once.

``_reached_us`` (the batch's arithmetic, over arrays) against ``_reached`` (one row at a
time through :func:`~grievance_rules.engine.clocks.level_reached`, the engine's
statement of it): equal on every row, for shares of a period whose
``ceil(fraction * total * 1e6)`` is one microsecond too many or too few as often as
not.
"""

from __future__ import annotations

import numpy as np
import pytest

from grievance_rules.columnar import evaluate_columnar
from grievance_rules.columnar.conditions import _reached, _reached_us
from grievance_rules.columnar.instants import to_us
from grievance_rules.engine.plan import compile_pack, plan_for
from grievance_rules.samples.generator import generate_orders

ORDERS = list(generate_orders(40, seed=23))
FRACTIONS = [0.3, 0.7, 1 / 3, 0.55, 0.9]
US_PER_DAY = 86_400_000_000


def _rows(rule_id: str, seed: int, count: int) -> list[tuple[object, ...]]:
    # clocks of the batch's orders starting at any microsecond of 2024-2025, running for
    # up to 40 days (none, now and then), stopped or running at the assessment instant
    rng = np.random.default_rng(seed)
    first = 1_704_038_400_000_000  # 2024-01-01 00:00+08:00
    rows = []
    for k in range(count):
        start = first + int(rng.integers(0, 700 * US_PER_DAY))
        span = 0 if k % 50 == 0 else int(rng.integers(1, 40 * US_PER_DAY))
        stop = -1 if k % 3 else start + int(rng.integers(0, 2 * span + 1))
        rows.append(
            (k % len(ORDERS), "", rule_id, "clock", 0, "", "running", start, start + span,
             stop, "", float("nan"), float("nan"), "columnar", -1)
        )  # fmt: skip
    return rows


@pytest.mark.parametrize("fraction", FRACTIONS)
@pytest.mark.parametrize(
    "rule_id", ["CD-5.written-deadline", "CD-1.emergency-feedback"]
)  # (office time; an elapsed period, on wall-clock time)
def test_each_row_reaches_its_level_where_the_engine_says(rule_id: str, fraction: float):
    changes = {"warning_yellow": 0.1, "warning_red": fraction}  # (yellow below red)
    plan = compile_pack(plan_for("chengdong").pack.with_parameters(changes))
    batch = evaluate_columnar(ORDERS, plan).batch
    assert batch is not None
    rows = _rows(rule_id, seed=int(fraction * 1000), count=3000)
    found = _reached_us(batch, rule_id, rows, "red")  # type: ignore[arg-type]
    want = []
    for row in rows:
        one = _reached(batch, row[0], rule_id, row, "red")  # type: ignore[arg-type]
        want.append(None if one is None else to_us(one.at))
    assert found == want
    assert 0 < sum(at is not None for at in found) < len(rows)  # (reached on some, not all)
