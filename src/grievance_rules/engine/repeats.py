"""Repeat detection across orders: the same complainant, the same issue.

Conditions such as 大冶's on-site supervision trigger (一个月内1名诉求人反映同一问题
3次(含)以上或3名(含)以上诉求人反映同一问题) look beyond one order. A
:class:`RepeatIndex` holds, for a set of orders, only their keys and receipt
instants (not the orders), and answers how many orders share a key in a window.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from grievance_rules.calendar import SHANGHAI
from grievance_rules.model import WorkOrder

__all__ = ["RepeatIndex"]


@dataclass
class RepeatIndex:
    """Receipt instants of orders by (complainant, issue) and by issue.

    Example:
        >>> index = RepeatIndex()
        >>> index.count("complainant", "c1", "i1", dt.datetime(2024, 5, 9, tzinfo=SHANGHAI))
        0
    """

    by_person_issue: dict[tuple[str, str], list[float]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_issue: dict[str, list[tuple[float, str]]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def from_orders(cls, orders: Iterable[WorkOrder]) -> RepeatIndex:
        """Index the keys of every order (a first pass over a batch)."""
        index = cls()
        for order in orders:
            index.add(order)
        return index

    def add(self, order: WorkOrder) -> None:
        """Index one order (orders without an issue key are not indexed)."""
        if order.issue is None:
            return
        ts = order.received_at.timestamp()
        if order.complainant is not None:
            bisect.insort(self.by_person_issue[(order.complainant, order.issue)], ts)
            bisect.insort(self.by_issue[order.issue], (ts, order.complainant))

    def count(
        self,
        key: Literal["complainant", "issue"],
        complainant: str | None,
        issue: str | None,
        received_at: dt.datetime,
        within: Literal["calendar_month"] | int = "calendar_month",
    ) -> int:
        """Orders in the window ending at ``received_at`` sharing the key.

        ``complainant``: orders of this complainant on this issue. ``issue``:
        distinct complainants on this issue. The window is the calendar month of
        ``received_at`` (up to it) or the ``within`` natural days before it.
        """
        if issue is None:
            return 0
        local = received_at.astimezone(SHANGHAI)
        if within == "calendar_month":
            begin = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        else:
            begin = local - dt.timedelta(days=within)
        lo, hi = begin.timestamp(), local.timestamp()
        if key == "complainant":
            if complainant is None:
                return 0
            times = self.by_person_issue.get((complainant, issue), [])
            return bisect.bisect_right(times, hi) - bisect.bisect_left(times, lo)
        entries = self.by_issue.get(issue, [])
        start = bisect.bisect_left(entries, (lo, ""))
        people = {person for ts, person in entries[start:] if ts <= hi}
        return len(people)
