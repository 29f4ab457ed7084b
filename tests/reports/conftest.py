"""Shared inputs of the report tests: the sample orders, and a hostile set.

The hostile set has an order whose handling unit's id and name are markup and a
spreadsheet formula (``HOSTILE_UNIT``), and an input that cannot be read (a
rejection), so that escaping and the counts can be checked.
"""

from __future__ import annotations

import datetime as dt
import json
import re
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
    text = text.replace('"c01"', json.dumps(HOSTILE_UNIT)).replace(
        '"村1"', json.dumps(HOSTILE_UNIT)
    )
    hostile = WorkOrder.model_validate_json(text)
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


ALLOWED = (
    re.compile(r"\b[a-z]+@[\d-]+"),  # pack names: chengdong@2024
    re.compile(r"\b(chengdong|xiayang|daye)\b"),  # the built-in packs by name
    re.compile(r"\b[A-Z]{1,4}-[\w.#-]+"),  # rule and order ids: CD-5.provincial-urgent, S-0001
    re.compile(r"[(（][\w-]+[)）]"),  # unit ids in parentheses
    re.compile(r"\d{4}-\d{2}(-\d{2})?(T[\d:.+-]+)?"),  # periods, dates, instants
)
"""What a Chinese page may hold in Latin letters: pack names, rule, order and unit ids, dates."""


def english_words(text: str) -> list[str]:
    """The Latin-letter words left in ``text`` once the allowed terms are taken out."""
    for pattern in ALLOWED:
        text = pattern.sub(" ", text)
    return re.findall(r"[A-Za-z]{2,}", text)
