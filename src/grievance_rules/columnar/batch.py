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

from pydantic import ValidationError

from grievance_rules.calendar import SHANGHAI
from grievance_rules.columnar.matching import match_batch
from grievance_rules.engine.matching import Match, OrderView, view_of
from grievance_rules.engine.plan import PackPlan
from grievance_rules.engine.repeats import RepeatIndex
from grievance_rules.engine.single import instant_of
from grievance_rules.errors import WorkOrderError
from grievance_rules.model import WorkOrder, ensure_coherent
from grievance_rules.model.assignments import Assignment, assignments

__all__ = ["OrderBatch", "OrderInput", "prepare", "to_orders", "to_us"]

OrderInput = WorkOrder | Mapping[str, Any] | str | bytes
"""An order as a model, a dict, or one JSON line."""

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def to_us(instant: dt.datetime) -> int:
    """An aware instant as microseconds since 1970-01-01 UTC."""
    return (instant - _EPOCH) // _MICROSECOND


def to_orders(inputs: Iterable[OrderInput]) -> list[WorkOrder]:
    """Validate the inputs into work orders.

    Raises:
        WorkOrderError: a record is not a valid work order (its position and id named).
    """
    orders = []
    for position, item in enumerate(inputs):
        if isinstance(item, WorkOrder):
            orders.append(item)
            continue
        try:
            if isinstance(item, str | bytes):
                orders.append(WorkOrder.model_validate_json(item))
            else:
                orders.append(WorkOrder.model_validate(item))
        except ValidationError as exc:
            name = item.get("id") if isinstance(item, Mapping) else None
            raise WorkOrderError(
                f"record {position}{f' (id {name})' if name else ''} is not a valid work "
                f"order: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}"
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
    """

    plan: PackPlan
    orders: Sequence[WorkOrder]
    instants: Sequence[dt.datetime]
    judged: Sequence[dt.date]
    views: Sequence[OrderView]
    matches: Sequence[Match]
    repeats: RepeatIndex | None = None
    _assignments: dict[int, tuple[Assignment, ...]] = field(default_factory=dict, repr=False)

    def assignments(self, i: int) -> tuple[Assignment, ...]:
        """Order ``i``'s assignments over its kept events (computed once)."""
        found = self._assignments.get(i)
        if found is None:
            found = self._assignments[i] = assignments(self.views[i].kept, self.orders[i].units)
        return found

    def positions(self, i: int, pattern: str) -> list[int]:
        """Positions in order ``i``'s kept events that a pattern matched."""
        return self.matches[i].events.get(pattern, [])

    def value(self, ref: Any, i: int) -> Any:
        """A literal or a parameter's value on order ``i``'s judged date."""
        return self.plan.value(ref, self.judged[i])


def prepare(
    orders: Sequence[WorkOrder],
    plan: PackPlan,
    as_of: dt.datetime | None,
    judged_on: dt.date | None = None,
    *,
    repeats: RepeatIndex | None = None,
    check_history: bool = True,
    check_integers: bool = True,
) -> OrderBatch:
    """Cut, check and match a batch of orders under a plan, as the per-order engine does.

    Raises:
        HistoryError: an order's history contradicts itself (``check_history``).
        FactValidationError: an event integer wider than 64 bits (``check_integers``).
    """
    effective = plan.pack.manifest.effective_from
    instants, judged, views = [], [], []
    for order in orders:
        if check_history:
            ensure_coherent(order)
        instant = instant_of(order, as_of)
        instants.append(instant)
        day = judged_on or order.received_at.astimezone(SHANGHAI).date()
        judged.append(max(day, effective))
        views.append(view_of(order, instant))
    matches = match_batch(plan, views, check=check_integers)
    return OrderBatch(plan, orders, instants, judged, views, matches, repeats)
