"""grievance-rules: executable, testable rules for Chinese 12345 citizen-hotline work orders.

The public face of the library: the names most users need, each from the
module of its one concern (imported on first use, so that ``import
grievance_rules`` — and the pytest plugin and hypothesis hook, which import it —
stay cheap):

* :mod:`grievance_rules.calendar`: China working-day calendars and deadlines
  (``china``, ``WorkingCalendar``, ``Duration``, ``CountingConvention`` ...).
* :mod:`grievance_rules.model`: the work order (``WorkOrder``).
* :mod:`grievance_rules.reading`: ``read_orders``, ``iter_orders``, ``validate_record``.
* :mod:`grievance_rules.packs`: ``find_pack``, ``load_pack``.
* :mod:`grievance_rules.engine`: ``evaluate``, ``evaluate_many``, ``compile_pack``,
  ``Assessment``.
* :mod:`grievance_rules.scoring`: ``score``, ``compare``, ``what_if``.
* :mod:`grievance_rules.errors`: the one error hierarchy (``GrievanceRulesError``;
  ``PackError``, ``HistoryError``, ``NaiveDatetimeError`` among it).

Example:
    >>> import datetime as dt
    >>> import grievance_rules as gr
    >>> gr.china().add_working_days(dt.date(2026, 2, 15), 1)
    datetime.date(2026, 2, 24)
    >>> gr.find_pack("daye").id
    'daye'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from grievance_rules.engine import Assessment, compile_pack, evaluate, evaluate_many
    from grievance_rules.errors import (
        GrievanceRulesError,
        HistoryError,
        NaiveDatetimeError,
        PackError,
    )
    from grievance_rules.model import WorkOrder
    from grievance_rules.packs import find_pack, load_pack
    from grievance_rules.reading import iter_orders, read_orders, validate_record
    from grievance_rules.scoring import compare, score, what_if

    __version__: str

_WHERE = {
    "CountingConvention": "calendar",
    "Deadline": "calendar",
    "Duration": "calendar",
    "HalfDayRule": "calendar",
    "LocalOverlay": "calendar",
    "OfficeHours": "calendar",
    "WorkingCalendar": "calendar",
    "china": "calendar",
    "GrievanceRulesError": "errors",
    "HistoryError": "errors",
    "NaiveDatetimeError": "errors",
    "PackError": "errors",
    "WorkOrder": "model",
    "read_orders": "reading",
    "iter_orders": "reading",
    "validate_record": "reading",
    "find_pack": "packs",
    "load_pack": "packs",
    "Assessment": "engine",
    "compile_pack": "engine",
    "evaluate": "engine",
    "evaluate_many": "engine",
    "score": "scoring",
    "compare": "scoring",
    "what_if": "scoring",
}

__all__ = [
    "Assessment",
    "CountingConvention",
    "Deadline",
    "Duration",
    "GrievanceRulesError",
    "HalfDayRule",
    "HistoryError",
    "LocalOverlay",
    "NaiveDatetimeError",
    "OfficeHours",
    "PackError",
    "WorkOrder",
    "WorkingCalendar",
    "__version__",
    "china",
    "compare",
    "compile_pack",
    "evaluate",
    "evaluate_many",
    "find_pack",
    "iter_orders",
    "load_pack",
    "read_orders",
    "score",
    "validate_record",
    "what_if",
]


def _version() -> str:
    """The installed distribution's version, read when first asked.

    Reading the installed distributions' metadata takes tens of milliseconds, which
    ``import grievance_rules``, and so every pytest run through the plugin, would pay.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("grievance-rules")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _version()
        globals()[name] = value
        return value
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'grievance_rules' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"grievance_rules.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
