"""grievance-rules: executable, testable rules for Chinese 12345 citizen-hotline work orders.

The public face of the library. Modules, one concern each:

* :mod:`grievance_rules.calendar`: China working-day calendars and deadlines.
* :mod:`grievance_rules.packs`: finding and loading policy packs.
* :mod:`grievance_rules.errors`: the one error hierarchy.

Example:
    >>> import datetime as dt
    >>> import grievance_rules as gr
    >>> gr.china().add_working_days(dt.date(2026, 2, 15), 1)
    datetime.date(2026, 2, 24)
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from grievance_rules.calendar import (
    CountingConvention,
    Deadline,
    Duration,
    HalfDayRule,
    LocalOverlay,
    OfficeHours,
    WorkingCalendar,
    china,
)
from grievance_rules.errors import GrievanceRulesError

try:
    __version__ = version("grievance-rules")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0+unknown"

__all__ = [
    "CountingConvention",
    "Deadline",
    "Duration",
    "GrievanceRulesError",
    "HalfDayRule",
    "LocalOverlay",
    "OfficeHours",
    "WorkingCalendar",
    "__version__",
    "china",
]
