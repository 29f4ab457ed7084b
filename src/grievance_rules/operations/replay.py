"""Event replay: an order's assessment after each event, and at each light change.

:func:`assessment_at` evaluates an order at given instants; :func:`timeline`
replays an order event by event, adding the instants between events at which a
running clock turned yellow or red (what a 黄红灯 SMS log would have said). Every
assessment is exactly what :func:`~grievance_rules.engine.evaluate` says at that
instant, byte for byte.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from grievance_rules.engine import Assessment, PackPlan, RepeatIndex, evaluate, loaded_pack
from grievance_rules.model import WorkOrder
from grievance_rules.operations.watch_list import changes_between, check_instant
from grievance_rules.packs import Pack

__all__ = ["TimelineEntry", "assessment_at", "timeline"]


class TimelineEntry(BaseModel):
    """One step of an order's timeline: what happened, and the assessment just after."""

    model_config = ConfigDict(frozen=True)

    at: dt.datetime
    cause: Literal["received", "event", "level"]
    event: int | None = None
    """Index of the event in the order's history (``cause == "event"``)."""
    what: str
    """``received``, the event's type, or ``<rule id>#<occurrence> turns <level>``."""
    assessment: Assessment


def assessment_at(
    order: WorkOrder,
    pack: Pack | PackPlan | str | Path,
    instants: Iterable[dt.datetime],
    *,
    repeats: RepeatIndex | None = None,
) -> list[Assessment]:
    """The order's assessment at each instant, in the order given.

    Each is ``evaluate(order, pack, instant)``: events after the instant are not read.

    Args:
        order: the work order and its whole history.
        pack: a loaded pack, or a pack name or directory.
        instants: timezone-aware instants.
        repeats: the other orders, for repeat conditions (``RepeatIndex``).

    Raises:
        NaiveDatetimeError: an instant has no timezone.
        NotYetReceivedError: an instant is before the order's receipt.

    Example:
        >>> import datetime as dt
        >>> from grievance_rules.model import WorkOrder
        >>> order = WorkOrder.model_validate({
        ...     "id": "T1", "channel": "12345", "category": "投诉",
        ...     "received_at": "2024-05-06T09:00:00+08:00",
        ...     "units": [{"id": "ctr", "kind": "dispatch_centre"},
        ...               {"id": "dept", "kind": "street_office"}],
        ...     "events": [{"type": "dispatched", "at": "2024-05-06T09:00:00+08:00",
        ...                 "unit": "ctr", "to_unit": "dept"},
        ...                {"type": "signed_for", "at": "2024-05-06T10:00:00+08:00",
        ...                 "unit": "dept"}]})
        >>> instants = [dt.datetime.fromisoformat(t) for t in
        ...             ("2024-05-06T09:30+08:00", "2024-05-06T10:00+08:00")]
        >>> [a.clocks[0].state for a in assessment_at(order, "xiayang", instants)]
        ['running', 'met']
    """
    pack = loaded_pack(pack)
    return [evaluate(order, pack, instant, repeats=repeats) for instant in instants]


def timeline(
    order: WorkOrder,
    pack: Pack | PackPlan | str | Path,
    until: dt.datetime | None = None,
    *,
    repeats: RepeatIndex | None = None,
) -> list[TimelineEntry]:
    """Replay an order: its receipt, each event, and each light change between them.

    Events at the same instant make one step each, in the order they are listed;
    the assessment of each is the one at that instant (all of them read). Light
    changes are the instants a running clock reaches a higher warning level
    before the next event (or ``until``, by default the last event).

    Args:
        order: the work order and its history.
        pack: a loaded pack, or a pack name or directory.
        until: replay light changes up to this instant after the last event.
        repeats: the other orders, for repeat conditions (``RepeatIndex``): each step's
            assessment is then what ``evaluate`` gives with the same index.

    Raises:
        NaiveDatetimeError: ``until`` has no timezone.
    """
    if until is not None:
        check_instant(until, "until")  # (a naive one was a TypeError, comparing it)
    pack = loaded_pack(pack)
    steps: list[tuple[dt.datetime, Literal["received", "event"], int | None, str]] = [
        (order.received_at, "received", None, "received")
    ]
    indexed = sorted(range(len(order.events)), key=lambda i: order.events[i].at)
    steps.extend((order.events[i].at, "event", i, order.events[i].type) for i in indexed)
    last = max(step[0] for step in steps)
    end = until if until is not None and until > last else last
    entries: list[TimelineEntry] = []
    cache: dict[dt.datetime, Assessment] = {}

    def at(instant: dt.datetime) -> Assessment:
        if instant not in cache:
            cache[instant] = evaluate(order, pack, instant, repeats=repeats)
        return cache[instant]

    for n, (instant, cause, index, what) in enumerate(steps):
        entries.append(
            TimelineEntry(at=instant, cause=cause, event=index, what=what, assessment=at(instant))
        )
        following = steps[n + 1][0] if n + 1 < len(steps) else end
        if following <= instant:
            continue
        horizon = following - dt.timedelta(microseconds=1) if n + 1 < len(steps) else following
        for change_at, level, rule_id, occurrence in changes_between(order, pack, instant, horizon):
            entries.append(
                TimelineEntry(
                    at=change_at,
                    cause="level",
                    what=f"{rule_id}#{occurrence} turns {level}",
                    assessment=at(change_at),
                )
            )
    return entries
