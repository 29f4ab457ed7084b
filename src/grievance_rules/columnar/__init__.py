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

from grievance_rules.columnar.findings import COLUMNS, FindingRows
from grievance_rules.columnar.run import ColumnarResult, RuleCount, evaluate_columnar

__all__ = ["COLUMNS", "ColumnarResult", "FindingRows", "RuleCount", "evaluate_columnar"]
