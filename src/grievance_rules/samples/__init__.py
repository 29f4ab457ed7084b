"""Sample data: the hand-written orders shipped with the package, and a generator.

* ``orders.jsonl`` (beside this module): five hand-written orders, read by
  ``grievance-rules demo``; ``orders.xlsx``: the same orders in the long
  layout for Excel (times on Shanghai wall clock; a test keeps them equal).
* :func:`generate_orders`: a seeded stream of realistic synthetic orders of a
  fictional street, as many as wanted (``grievance-rules sample``); the rates
  are the fields of :class:`Mix`, the units those of :class:`UnitRegistry`.

See ``docs/model.md``, "Sample data".
"""

from __future__ import annotations

from grievance_rules.samples.generator import (
    DEFAULT_START,
    OFFICE_HOURS,
    generate_lines,
    generate_orders,
    order_line,
)
from grievance_rules.samples.mix import VERDICTS, Mix, SampleConfigError, rate_table
from grievance_rules.samples.topics import TOPICS, Topic
from grievance_rules.samples.units import STREET_NAME, UnitRegistry, default_registry

__all__ = [
    "DEFAULT_START",
    "OFFICE_HOURS",
    "STREET_NAME",
    "TOPICS",
    "VERDICTS",
    "Mix",
    "SampleConfigError",
    "Topic",
    "UnitRegistry",
    "default_registry",
    "generate_lines",
    "generate_orders",
    "order_line",
    "rate_table",
]
