"""Shared inputs of the report tests: the sample orders, and a hostile set.

The hostile set has an order whose handling unit's id is markup and a
spreadsheet formula (``HOSTILE_UNIT``), and an input that cannot be read (a
rejection), so that escaping and the counts can be checked.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib.resources import files

import pytest

from grievance_rules.model import WorkOrder
from grievance_rules.reading import read_orders
from grievance_rules.scoring import Comparison, Scorecard, compare, score
from tests.scoring.orders import order

PACKS = ("chengdong", "xiayang", "daye")
HOSTILE_UNIT = '=cmd|"/c calc"!A1 <script>alert("x")</script> & | *bold*'
BAD_INPUT = {"id": "BAD-1", "received_at": "yesterday"}


def sample_orders() -> list[WorkOrder]:
    return list(read_orders(files("grievance_rules") / "samples" / "orders.jsonl").orders)


def hostile_orders() -> list[object]:
    """Two orders of 2024-05 (one at the hostile unit, one at c02) and one unreadable input."""
    monday = dt.date(2024, 5, 6)
    text = order("H-1", "c01", monday, process="dissatisfied").model_dump_json()
    hostile = WorkOrder.model_validate_json(text.replace('"c01"', json.dumps(HOSTILE_UNIT)))
    return [hostile, order("H-2", "c02", monday + dt.timedelta(days=1)), BAD_INPUT]


@pytest.fixture(scope="package")
def sample_card() -> Scorecard:
    return score(sample_orders(), "chengdong", period="month")


@pytest.fixture(scope="package")
def sample_comparison() -> Comparison:
    return compare(sample_orders(), list(PACKS))


@pytest.fixture(scope="package")
def hostile_card() -> Scorecard:
    return score(hostile_orders(), "chengdong", period="month")


@pytest.fixture(scope="package")
def hostile_comparison() -> Comparison:
    return compare(hostile_orders(), ["chengdong", "daye"])
