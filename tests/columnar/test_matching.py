"""The batch matcher gives the native matcher's answer, order for order."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grievance_rules.columnar.matching import match_batch
from grievance_rules.engine.matching import get_matcher, view_of
from grievance_rules.engine.plan import plan_for
from grievance_rules.samples.generator import generate_orders
from grievance_rules.testing.strategies import work_orders

PACKS = ("chengdong", "xiayang", "daye")


def _same(plan, orders, as_of=None):  # type: ignore[no-untyped-def]
    views = [view_of(o, as_of or max([o.received_at, *(e.at for e in o.events)])) for o in orders]
    native = get_matcher("native").match(plan, views)
    mine = match_batch(plan, views)
    for order, a, b in zip(orders, native, mine, strict=True):
        assert a.selectors == b.selectors, order.id
        assert dict(a.events) == dict(b.events), order.id


@pytest.mark.parametrize("name", PACKS)
def test_generated_orders(name: str):
    _same(plan_for(name), list(generate_orders(300, seed=5)))


@pytest.mark.parametrize("name", PACKS)
@settings(max_examples=50, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(orders=st.lists(work_orders(), min_size=1, max_size=5), hours=st.integers(0, 24 * 30))
def test_hypothesis_orders(name: str, orders, hours: int):  # type: ignore[no-untyped-def]
    as_of = min(o.received_at for o in orders) + dt.timedelta(hours=hours)
    _same(plan_for(name), orders, as_of)
