"""Columnar evaluation: a whole pack over a batch of orders, findings as a table.

The per-order engine (:mod:`grievance_rules.engine`) is the reference; this package
computes the same findings for many orders at once where a kernel evaluates a rule
exactly, and sends every other rule and order to the per-order engine, counting
both (see ``docs/columnar.md``).

Example:
    >>> from grievance_rules.columnar import evaluate_columnar
    >>> from grievance_rules.samples.generator import generate_orders
    >>> result = evaluate_columnar(generate_orders(20, seed=1), "xiayang")
    >>> result.summary()["orders"]
    20
"""

from grievance_rules.columnar._deps import MissingExtraError
from grievance_rules.columnar.events import EventsTable, events_table
from grievance_rules.columnar.findings import COLUMNS, FindingRows
from grievance_rules.columnar.run import (
    ColumnarResult,
    RuleCount,
    evaluate_columnar,
    evaluate_columnar_each,
)

__all__ = [
    "COLUMNS",
    "ColumnarResult",
    "EventsTable",
    "FindingRows",
    "MissingExtraError",
    "RuleCount",
    "evaluate_columnar",
    "evaluate_columnar_each",
    "events_table",
]
