"""A batch of orders prepared once for every kernel: as known at ``as_of``, and matched.

Each order is cut to its events up to ``as_of`` (:func:`~grievance_rules.engine.
matching.view_of`), and the plan's event references and selectors are matched
over the whole batch in one call of the native matcher, exactly as the per-order
engine matches them. Kernels read the result through :class:`OrderBatch`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from grievance_rules.calendar import SHANGHAI
from grievance_rules.columnar.frame import Frame, build_frame
from grievance_rules.columnar.instants import EPOCH_ORDINAL, shanghai_day
from grievance_rules.columnar.matching import FlatMatch, OrderMatches, match_flat
from grievance_rules.engine.batch import BatchInput, order_of_input, record_rejection
from grievance_rules.engine.matching import Match, OrderView
from grievance_rules.engine.plan import PackPlan
from grievance_rules.engine.repeats import RepeatIndex
from grievance_rules.errors import WorkOrderError
from grievance_rules.i18n import gettext as _
from grievance_rules.model import WorkOrder, ensure_coherent
from grievance_rules.model.assignments import Assignment
from grievance_rules.packs.schema import ParamIs, ParamRef
from grievance_rules.reading.problems import problems_from_validation
from grievance_rules.reading.results import Rejected

__all__ = ["OrderBatch", "OrderInput", "prepare", "to_orders"]

OrderInput = BatchInput
"""An order as a model, a reader's record (accepted or rejected), a dict, or one JSON line."""


def to_orders(inputs: Iterable[OrderInput]) -> list[WorkOrder]:
    """Validate the inputs into work orders (a reader's accepted record: its order).

    Raises:
        WorkOrderError: a record is not a valid work order (its position and id named),
            or is a record its reader rejected (its place and the reader's reasons).
    """
    orders = []
    for position, item in enumerate(inputs):
        if isinstance(item, Rejected):  # a record its reader rejected: no order to judge
            raise WorkOrderError(
                _("record {position} ({where}) was rejected by its reader: {reasons}").format(
                    position=position,
                    where=item.location,
                    reasons=_("; ").join(record_rejection(item).reasons),
                )
            )
        try:
            orders.append(order_of_input(item))  # (an accepted record: its order)
        except ValidationError as exc:
            name = item.get("id") if isinstance(item, Mapping) else None
            # as the readers say it, in either language: the field as a path
            # (events[1].round), pydantic's message in the language in use
            problem = problems_from_validation(exc)[0]
            said = (
                _("record {position} (id {id}) is not a valid work order: {field}: {problem}")
                if name
                else _("record {position} is not a valid work order: {field}: {problem}")
            )
            raise WorkOrderError(
                said.format(
                    position=position, id=name, field=problem.field, problem=problem.message
                )
            ) from exc
    return orders


@dataclass(frozen=True)
class OrderBatch:
    """Orders as known at their assessment instant, matched under one plan.

    Attributes:
        plan: the compiled pack.
        orders: the work orders, in input order.
        instants: each order's assessment instant (``as_of``, else its last instant).
        judged: each order's judged date (whose parameter values apply).
        views: each order cut to ``as_of``.
        matches: what each order's events and the order matched.
        frame: the kept events as flat arrays (shared by every pack of the call).
        flat: the matches as global rows of :attr:`frame` and selector masks.
        repeats: the cross-order repeat index, if any.
    """

    plan: PackPlan
    orders: Sequence[WorkOrder]
    instants: Sequence[dt.datetime]
    judged: Sequence[dt.date]
    views: Sequence[OrderView]
    matches: Sequence[Match]
    frame: Frame = field(repr=False)
    flat: FlatMatch = field(repr=False)
    repeats: RepeatIndex | None = None
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)
    """Per-batch results kernels share (filtered stop rows, judged-date groups): a cache,
    not state (dropping it changes no result)."""

    def assignments(self, i: int) -> tuple[Assignment, ...]:
        """Order ``i``'s assignments over its kept events (computed once)."""
        return self.frame.assignments(i)

    def positions(self, i: int, pattern: str) -> list[int]:
        """Positions in order ``i``'s kept events that a pattern matched."""
        matches = self.matches
        if isinstance(matches, OrderMatches):
            return matches.positions(i, pattern)
        return matches[i].events.get(pattern, [])

    def rows(self, pattern: str) -> npt.NDArray[np.int64]:
        """The global rows (of :attr:`frame`) a pattern matched, in increasing order."""
        found = self.flat.rows.get(pattern)
        return found if found is not None else np.zeros(0, dtype=np.int64)

    def selector_mask(self, selector: str) -> npt.NDArray[np.bool_]:
        """Which orders a selector applies to."""
        key = ("selector", selector)
        found: npt.NDArray[np.bool_] | None = self.memo.get(key)
        if found is None:
            found = self.memo[key] = self.flat.selector_mask(selector)
        return found

    def judged_groups(self) -> tuple[list[dt.date], npt.NDArray[np.int64]]:
        """The distinct judged dates, and per order the index of its own."""
        found: tuple[list[dt.date], npt.NDArray[np.int64]] | None = self.memo.get("judged")
        if found is None:
            index: dict[dt.date, int] = {}
            codes = [index.setdefault(day, len(index)) for day in self.judged]
            found = self.memo["judged"] = (list(index), np.asarray(codes, dtype=np.int64))
        return found

    def value(self, ref: Any, i: int) -> Any:
        """A literal or a parameter's value on order ``i``'s judged date."""
        if not isinstance(ref, ParamRef):  # a literal, as it is
            return ref
        return self.plan.value(ref, self.judged[i])

    def param_is_on(self, cond: ParamIs) -> npt.NDArray[np.bool_]:
        """Per order, whether the parameter has the value on its judged date (once a date)."""
        ((name, wanted),) = cond.param_is.items()
        days, day_of = self.judged_groups()
        ref = ParamRef(param=name)
        on = np.asarray([self.plan.value(ref, day) == wanted for day in days], dtype=bool)
        found: npt.NDArray[np.bool_] = on[day_of] if len(day_of) else np.zeros(0, dtype=bool)
        return found


def _received_days(orders: Sequence[WorkOrder]) -> tuple[list[dt.date], list[int]]:
    """The distinct Shanghai dates of the orders' receipts, and per order its own's index."""
    of_instant: dict[dt.datetime, int] = {}
    of_day: dict[dt.date, int] = {}
    codes: list[int] = []
    for order in orders:
        received = order.received_at
        code = of_instant.get(received)
        if code is None:
            day = received.astimezone(SHANGHAI).date()
            code = of_instant[received] = of_day.setdefault(day, len(of_day))
        codes.append(code)
    return list(of_day), codes


def _received_days_of(frame: Frame) -> tuple[list[dt.date], list[int]]:
    """:func:`_received_days` of the frame's orders, from their receipts in µs at once."""
    received = frame.received_us
    if not len(received):
        return _received_days(frame.orders)
    days = shanghai_day(received)
    _values, where, inverse = np.unique(days, return_index=True, return_inverse=True)
    by_first = np.argsort(where, kind="stable")
    rank = np.empty(len(by_first), dtype=np.int64)
    rank[by_first] = np.arange(len(by_first), dtype=np.int64)
    distinct = [dt.date.fromordinal(EPOCH_ORDINAL + day) for day in days[where[by_first]].tolist()]
    return distinct, rank[inverse.reshape(-1)].tolist()


def prepare(
    orders: Sequence[WorkOrder],
    plan: PackPlan,
    as_of: dt.datetime | None,
    judged_on: dt.date | None = None,
    *,
    repeats: RepeatIndex | None = None,
    check_history: bool = True,
    check_integers: bool = True,
    frame: Frame | None = None,
) -> OrderBatch:
    """Cut, check and match a batch of orders under a plan, as the per-order engine does.

    ``frame``: the orders already cut to ``as_of`` (:func:`~.frame.build_frame`, shared
    by the packs of one call); built here when not given.

    Raises:
        HistoryError: an order's history contradicts itself (``check_history``).
        FactValidationError: an event integer wider than 64 bits (``check_integers``).
    """
    effective = plan.pack.manifest.effective_from
    if check_history:
        for order in orders:
            ensure_coherent(order)
    if frame is None:
        frame = build_frame(orders, as_of)
    if judged_on is not None:
        distinct, codes = [judged_on], [0] * len(orders)
    else:
        distinct, codes = (
            frame.remember("received-days", lambda: _received_days_of(frame))
            if frame.orders is orders
            else _received_days(orders)
        )
    judged_days = [max(day, effective) for day in distinct]
    judged = list(map(judged_days.__getitem__, codes))
    # the judged dates in the order first met (codes are numbered as first met)
    group: dict[dt.date, int] = {}
    groups = [group.setdefault(day, len(group)) for day in judged_days]
    memo: dict[Any, Any] = {
        "judged": (list(group), np.asarray(groups, dtype=np.int64)[codes].astype(np.int64))
    }
    flat = match_flat(plan, frame.views, check=check_integers, frame=frame)
    return OrderBatch(
        plan,
        orders,
        frame.instants,
        judged,
        frame.views,
        flat.matches,
        frame,
        flat,
        repeats,
        memo=memo,
    )
