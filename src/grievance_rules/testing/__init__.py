"""Helpers for testing code that uses grievance-rules.

Kept light: importing this package imports nothing else. The hypothesis
strategies need the ``hypothesis`` package (a test extra) and live in
:mod:`grievance_rules.testing.strategies`::

    from grievance_rules.testing.strategies import work_orders
"""

from __future__ import annotations

__all__: list[str] = []
