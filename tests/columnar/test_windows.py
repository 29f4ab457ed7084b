"""The window kernel over a batch: each action's opening found for every order at once."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grievance_rules.columnar import evaluate_columnar
from grievance_rules.columnar.windows import _latest_before
from grievance_rules.engine import evaluate
from grievance_rules.engine.plan import plan_for
from grievance_rules.model import WorkOrder
from grievance_rules.testing.strategies import work_orders

from .differential import columnar_keys, reference_keys

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)
PACKS = ("chengdong", "xiayang", "daye")
WINDOWS = {"chengdong": "CD-2.return-window", "xiayang": "XY-5.return-window",
           "daye": "DY-7b.return-window"}  # fmt: skip
UNITS = [{"id": "ctr", "kind": "dispatch_centre"}, {"id": "dept", "kind": "street_office"}]


@given(
    keys=st.lists(st.integers(0, 60), unique=True),
    asked=st.lists(st.tuples(st.integers(-5, 65), st.integers(-5, 65))),
)
def test_latest_before_is_the_greatest_key_below_and_at_least_the_lowest(
    keys: list[int], asked: list[tuple[int, int]]
):
    found = _latest_before(
        np.asarray(sorted(keys), dtype=np.int64),
        np.asarray([k for k, _ in asked], dtype=np.int64),
        np.asarray([low for _, low in asked], dtype=np.int64),
    )
    want = [max((k for k in keys if low <= k < key), default=-1) for key, low in asked]
    assert found.tolist() == want


def _order(oid: str, *events: dict[str, object]) -> WorkOrder:
    return WorkOrder.model_validate(
        {"id": oid, "channel": "12345", "category": "投诉",
         "received_at": "2024-05-06T09:12:00+08:00", "units": UNITS, "events": list(events)}
    )  # fmt: skip


def _windows(orders: list[WorkOrder], pack: str) -> list[tuple[int, list[tuple[object, ...]]]]:
    result = evaluate_columnar(orders, pack, check_history=False)
    got = columnar_keys(result)
    return [(i, [k for k in got.get(i, []) if k[0] == "window"]) for i in range(len(orders))]


def _engine_windows(
    orders: list[WorkOrder], pack: str
) -> list[tuple[int, list[tuple[object, ...]]]]:
    plan = plan_for(pack)
    return [
        (
            i,
            [
                k
                for k in reference_keys(evaluate(order, plan, check_history=False))
                if k[0] == "window"
            ],
        )
        for i, order in enumerate(orders)
    ]


@pytest.mark.parametrize("pack", PACKS)
def test_an_earlier_orders_dispatch_opens_no_window(pack: str):
    # W-1 dispatches to dept, which asks to return it: one window. W-2, next in the batch,
    # has dept ask to return it with no dispatch of its own: no window (the engine warns),
    # though the row before it is dept's dispatch in W-1 (W-2's history is not checked:
    # dept acts in it unreached)
    dispatched = {"type": "dispatched", "at": "2024-05-06T09:30:00+08:00", "unit": "ctr",
                  "to_unit": "dept"}  # fmt: skip
    returned = {"type": "return_requested", "at": "2024-05-06T09:40:00+08:00", "unit": "dept"}
    orders = [_order("W-1", dispatched, returned), _order("W-2", returned)]
    found = _windows(orders, pack)
    assert [len(keys) for _, keys in found] == [1, 0]
    assert found[0][1][0][1:5] == (WINDOWS[pack], "dept", "within", _us("2024-05-06T09:30+08:00"))
    assert found == _engine_windows(orders, pack)


def _us(text: str) -> int:
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return (dt.datetime.fromisoformat(text) - epoch) // dt.timedelta(microseconds=1)


@pytest.mark.parametrize("pack", PACKS)
@SETTINGS
@given(orders=st.lists(work_orders(), min_size=2, max_size=10))
def test_window_rows_of_a_batch_are_each_orders_own(pack: str, orders: list[WorkOrder]):
    # the engine judges each order alone: the batch's rows of one order come from its
    # own events and assignments only
    assert _windows(orders, pack) == _engine_windows(orders, pack)
