"""Repeat detection across orders: the same complainant, the same issue.

Conditions such as 大冶's on-site supervision trigger (一个月内1名诉求人反映同一问题
3次(含)以上或3名(含)以上诉求人反映同一问题) look beyond one order. A
:class:`RepeatIndex` holds, for a set of orders, only their keys and receipt
instants (not the orders), and answers how many orders share a key in a window.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from grievance_rules.calendar import SHANGHAI
from grievance_rules.errors import GrievanceRulesError
from grievance_rules.model import WorkOrder, ensure_coherent

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

    @classmethod
    def from_inputs(
        cls,
        items: Iterable[Any],
        *,
        duplicates: Literal["reject", "last", "allow"] = "reject",
        last: Mapping[str, int] | None = None,
        check_history: bool = True,
        as_of: dt.datetime | None = None,
    ) -> RepeatIndex:
        """Index the orders a batch of these inputs would assess (a first pass).

        The inputs as :func:`~grievance_rules.engine.evaluate_each` or
        :func:`~grievance_rules.scoring.score` take them: work orders, a reader's
        accepted or rejected records, dicts or JSON text. A record the reader
        rejected, one that is no valid work order, or (``check_history``) one whose
        history contradicts itself is not indexed; of the records of one order id
        only the one the batch keeps is: the first (``duplicates="reject"``) or the
        last (``"last"``; ``last`` each id's last position, from
        :func:`~grievance_rules.engine.batch.last_positions`, or computed here when
        ``items`` is a sequence). With ``as_of``, an order received after it is not
        indexed: the index holds the orders known at ``as_of``, as the assessments
        see them (an order received up to ``as_of`` counts only orders received up to
        its own receipt anyway). What the engine itself refuses later is indexed.
        Only keys and instants are kept, and the ids seen (``reject``).

        Example:
            >>> order = {"id": "A", "channel": "12345", "category": "投诉",
            ...          "received_at": "2024-05-06T09:00:00+08:00", "units": [],
            ...          "events": [], "complainant": "c1", "issue": "i1"}
            >>> index = RepeatIndex.from_inputs([order, {**order, "id": "B"}, {"id": "C"}])
            >>> index.count("complainant", "c1", "i1", dt.datetime(2024, 5, 31, tzinfo=SHANGHAI))
            2

        Raises:
            WorkOrderError: ``items`` is one order, not an iterable of orders.
            EngineError: ``duplicates`` is not ``reject``, ``last`` or ``allow``.
            NaiveDatetimeError: ``as_of`` has no timezone.
            CalendarError: ``as_of`` is not a datetime, or is outside 1900-2199.
        """
        # what the batch refuses, refused here too (batch and single import this module)
        from grievance_rules.engine.batch import refuse_call_mistakes
        from grievance_rules.engine.duplicates import check_duplicates

        refuse_call_mistakes(items, "RepeatIndex.from_inputs", as_of)
        check_duplicates(duplicates)
        if duplicates == "last" and last is None:
            from grievance_rules.engine.batch import last_positions  # batch imports this module
            from grievance_rules.engine.duplicates import last_needs_a_sequence

            if not isinstance(items, Sequence) or isinstance(items, str | bytes):
                raise last_needs_a_sequence(items, last=True)
            last = last_positions(items)
        index = cls()
        seen: set[str] = set()
        for position, item in enumerate(items):
            order = _order_of(item, check_history)
            if order is None:
                continue
            if as_of is not None and order.received_at > as_of:
                continue
            if duplicates == "reject":
                if order.id in seen:
                    continue
                seen.add(order.id)
            elif duplicates == "last" and last is not None and last.get(order.id) != position:
                continue
            index.add(order)
        return index

    def merge(self, other: RepeatIndex) -> RepeatIndex:
        """A new index of the orders of both (two parts of a batch indexed apart).

        Example:
            >>> order = {"id": "A", "channel": "12345", "category": "投诉",
            ...          "received_at": "2024-05-06T09:00:00+08:00", "units": [],
            ...          "events": [], "complainant": "c1", "issue": "i1"}
            >>> both = RepeatIndex.from_inputs([order]).merge(
            ...     RepeatIndex.from_inputs([{**order, "id": "B", "complainant": "c2"}]))
            >>> both.count("issue", None, "i1", dt.datetime(2024, 5, 31, tzinfo=SHANGHAI))
            2
        """
        merged = RepeatIndex()
        for key in self.by_person_issue.keys() | other.by_person_issue.keys():
            merged.by_person_issue[key] = list(
                heapq.merge(self.by_person_issue.get(key, []), other.by_person_issue.get(key, []))
            )
        for issue in self.by_issue.keys() | other.by_issue.keys():
            merged.by_issue[issue] = list(
                heapq.merge(self.by_issue.get(issue, []), other.by_issue.get(issue, []))
            )
        return merged

    def of_order(self, order: WorkOrder) -> RepeatIndex:
        """The part of the index an order's repeat conditions read: a new, small index.

        The receipts of its complainant on its issue, and those of its issue: what
        :meth:`count` reads for it, by either key, so the counts for the order are the
        same from this part as from the whole index (a kept example, assessed again
        later without the whole index).

        Example:
            >>> order = {"id": "A", "channel": "12345", "category": "投诉",
            ...          "received_at": "2024-05-06T09:00:00+08:00", "units": [],
            ...          "events": [], "complainant": "c1", "issue": "i1"}
            >>> index = RepeatIndex.from_inputs(
            ...     [order, {**order, "id": "B", "complainant": "c2"},
            ...      {**order, "id": "C", "issue": "i2"}])
            >>> part = index.of_order(WorkOrder.model_validate(order))
            >>> sorted(part.by_issue), sorted(part.by_person_issue)
            (['i1'], [('c1', 'i1')])
        """
        part = RepeatIndex()
        issue = order.issue
        if issue is None:
            return part
        if issue in self.by_issue:
            part.by_issue[issue] = list(self.by_issue[issue])
        key = (order.complainant, issue)
        if order.complainant is not None and key in self.by_person_issue:
            part.by_person_issue[key] = list(self.by_person_issue[key])
        return part

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


def _order_of(item: Any, check_history: bool) -> WorkOrder | None:
    """The work order an input holds, or ``None`` when the batch would reject it."""
    order: Any = getattr(item, "order", item)  # a reader's accepted record carries its order
    if not isinstance(order, WorkOrder):
        if not isinstance(order, str | bytes | Mapping):
            return None  # a reader's rejected record, or no order at all
        try:
            if isinstance(order, Mapping):
                order = WorkOrder.model_validate(order)
            else:
                order = WorkOrder.model_validate_json(order)
        except ValueError:  # pydantic's ValidationError, or JSON that does not parse
            return None
    if check_history:
        try:
            ensure_coherent(order)
        except GrievanceRulesError:
            return None
    result: WorkOrder = order
    return result
