"""Daily operations above the engine: the 黄红灯 watch list and event replay.

* :func:`watch` — every running clock and open window of a set of orders at
  ``as_of``, sorted by due instant, with its warning level, the unit holding the
  order, whom the pack says to notify, the time left, and the instants at which
  clocks will turn yellow or red within a horizon.
* :func:`assessment_at` and :func:`timeline` — an order's assessment after each
  of its events (and at each light change between them).

This package uses only the engine's public API (:func:`~grievance_rules.engine.evaluate`
and the finding classes); it never reaches into the engine's internals.
"""

from grievance_rules.operations.replay import TimelineEntry, assessment_at, timeline
from grievance_rules.operations.watch_list import (
    LevelChange,
    UnitSummary,
    WatchItem,
    WatchList,
    level_change_instant,
    watch,
)

__all__ = [
    "LevelChange",
    "TimelineEntry",
    "UnitSummary",
    "WatchItem",
    "WatchList",
    "assessment_at",
    "level_change_instant",
    "timeline",
    "watch",
]
