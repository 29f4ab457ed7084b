"""Helpers for testing code that uses grievance-rules, and for testing policy packs.

* assertions about an assessment: :func:`assert_deadline`, :func:`assert_window`,
  :func:`assert_deduction`, :func:`assert_escalation`, :func:`assert_no_finding`
  (:mod:`grievance_rules.testing.assertions`);
* scenario files, a pack's tests as data: :func:`load_scenarios`,
  :func:`run_scenario`, :func:`pack_coverage` (:mod:`grievance_rules.testing.scenarios`;
  collected by pytest through the plugin, run by ``grievance-rules test PACK_DIR``);
* hypothesis strategies (they need the ``hypothesis`` package, a test extra):
  :mod:`grievance_rules.testing.strategies`::

    from grievance_rules.testing.strategies import work_orders, boundary_cases

Kept light: importing this package imports none of these modules; a name is
imported from its module when first used.

Example:
    >>> import grievance_rules.testing as t
    >>> t.assert_deadline.__module__
    'grievance_rules.testing.assertions'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grievance_rules.testing.assertions import (
        assert_deadline,
        assert_deduction,
        assert_escalation,
        assert_no_finding,
        assert_window,
        describe_finding,
    )
    from grievance_rules.testing.scenarios import load_scenarios, pack_coverage, run_scenario

__all__ = [
    "assert_deadline",
    "assert_deduction",
    "assert_escalation",
    "assert_no_finding",
    "assert_window",
    "describe_finding",
    "load_scenarios",
    "pack_coverage",
    "run_scenario",
]

_HOMES = {
    "assert_deadline": "assertions",
    "assert_deduction": "assertions",
    "assert_escalation": "assertions",
    "assert_no_finding": "assertions",
    "assert_window": "assertions",
    "describe_finding": "assertions",
    "load_scenarios": "scenarios",
    "pack_coverage": "scenarios",
    "run_scenario": "scenarios",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
