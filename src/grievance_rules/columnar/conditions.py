"""Kernels for records and escalations whose conditions read only the order's events.

A condition made of event triggers (``event`` with ``where``, ``after``,
``unless_after``, ``assigns``), ``any``, ``all`` and ``not`` is judged from the matched
positions, as :mod:`grievance_rules.engine.condition_tree` judges it on one order.
A condition that counts (``count``), repeats across orders, or reads clocks, windows,
escalations or deductions is left to the per-order engine (:func:`unsupported`).
"""

from __future__ import annotations

import datetime as dt

from grievance_rules.columnar.batch import OrderBatch
from grievance_rules.columnar.findings import Row
from grievance_rules.engine.condition_tree import count_threshold
from grievance_rules.engine.plan import PackPlan
from grievance_rules.packs.schema import (
    AllOf,
    AnyOf,
    Condition,
    CountOf,
    EscalationRule,
    NotOf,
    RecordRule,
    Trigger,
)

__all__ = ["escalation_rows", "record_rows", "unsupported"]

_NAN = float("nan")


def unsupported(cond: Condition | None) -> str | None:
    """Why a condition is not judged here, or ``None`` if it is."""
    if cond is None:
        return None
    if isinstance(cond, Trigger):
        if cond.event is None or cond.clock or cond.window or cond.escalation or cond.deduction:
            return "a trigger on another rule's findings"
        return None
    if isinstance(cond, AnyOf | AllOf):
        parts = cond.any if isinstance(cond, AnyOf) else cond.all
        return next((why for part in parts if (why := unsupported(part)) is not None), None)
    if isinstance(cond, NotOf):
        return unsupported(cond.not_)
    if isinstance(cond, CountOf):
        return unsupported(cond.count)
    return f"a {type(cond).__name__} condition"


# (holds, since, positions of the events counted)
_Holding = tuple[bool, dt.datetime | None, list[int]]


class UnsupportedError(Exception):
    """This order's condition needs the per-order engine."""


def _judge(plan: PackPlan, batch: OrderBatch, i: int, cond: Condition) -> _Holding:
    if isinstance(cond, Trigger):
        kept = batch.views[i].kept
        found = batch.positions(i, plan.pattern_of(cond))
        if found and cond.assigns:
            begins = {a.begins for a in batch.assignments(i)}
            found = [k for k in found if k in begins]
        if found and (cond.after is not None or cond.unless_after is not None):
            after = batch.positions(i, plan.pattern_of(cond.after)) if cond.after else None
            unless = (
                batch.positions(i, plan.pattern_of(cond.unless_after)) if cond.unless_after else []
            )
            found = [
                k
                for k in found
                if (after is None or any(j < k for j in after)) and not any(j < k for j in unless)
            ]
        if not found:
            return False, None, []
        return True, kept[found[0]].at, found
    if isinstance(cond, AllOf):
        parts = [_judge(plan, batch, i, part) for part in cond.all]
        ok = all(p[0] for p in parts)
        since = max((p[1] for p in parts if p[1] is not None), default=None) if ok else None
        return ok, since, [u for p in parts for u in p[2]]
    if isinstance(cond, AnyOf):
        parts = [_judge(plan, batch, i, part) for part in cond.any]
        holding = [p for p in parts if p[0]]
        since = min((p[1] for p in holding if p[1] is not None), default=None)
        return bool(holding), since, [u for p in holding for u in p[2]]
    if isinstance(cond, CountOf):
        _holds, _since, found = _judge(plan, batch, i, cond.count)
        kept = batch.views[i].kept
        if cond.distinct is not None:
            seen: set[object] = set()
            distinct = []
            for k in found:
                key = getattr(kept[k], cond.distinct, None)
                if key not in seen:
                    seen.add(key)
                    distinct.append(k)
            found = distinct
        at_least, number, _text = count_threshold(cond, lambda ref: batch.value(ref, i))
        if at_least:
            if number < 1:
                raise UnsupportedError
            ok = len(found) >= number
            return ok, kept[found[number - 1]].at if ok else None, found
        ok = len(found) == number
        since = (kept[found[-1]].at if found else batch.orders[i].received_at) if ok else None
        return ok, since, found
    assert isinstance(cond, NotOf)
    inner = _judge(plan, batch, i, cond.not_)
    return not inner[0], None, []


def record_rows(batch: OrderBatch, rule: RecordRule, selector: str) -> tuple[list[Row], set[int]]:
    """One row per order the record rule applies to, and the orders left to the engine."""
    plan = batch.plan
    rows: list[Row] = []
    fallback: set[int] = set()
    for i, match in enumerate(batch.matches):
        if selector not in match.selectors:
            continue
        state = ""
        if rule.when is not None:
            try:
                state = "true" if _judge(plan, batch, i, rule.when)[0] else "false"
            except UnsupportedError:
                fallback.add(i)
                continue
        rows.append(
            (i, batch.orders[i].id, rule.id, "record", 0, "", state, -1, -1, -1, "", _NAN,
             _NAN, "columnar")
        )  # fmt: skip
    return rows, fallback


def _handling_at(batch: OrderBatch, i: int, instant: dt.datetime) -> str | None:
    view = batch.views[i]
    current = None
    for event, unit in zip(view.kept, view.handling, strict=True):
        if event.at > instant:
            break
        current = unit
    if current is not None:
        return current
    return next((unit for unit in view.handling if unit is not None), None)


def escalation_rows(
    batch: OrderBatch, rule: EscalationRule, selector: str
) -> tuple[list[Row], set[int]]:
    """A row per order on which the escalation is due, and the orders left to the engine."""
    plan = batch.plan
    rows: list[Row] = []
    fallback: set[int] = set()
    for i, match in enumerate(batch.matches):
        if selector not in match.selectors:
            continue
        try:
            holds, since, units = _judge(plan, batch, i, rule.when)
        except UnsupportedError:
            fallback.add(i)
            continue
        if not holds:
            continue
        order = batch.orders[i]
        since = since or order.received_at
        target = rule.target.unit
        if target == "handling_unit":
            unit = _handling_at(batch, i, since)
        elif target == "trigger_unit":
            unit = batch.views[i].kept[units[-1]].unit if units else None
        elif target == "dispatch_centre":
            unit = next((u.id for u in order.units if u.kind.value == "dispatch_centre"), None)
        else:
            unit = None
        rows.append(
            (i, order.id, rule.id, "escalation", 0, unit or "", "due",
             int((since - _EPOCH) // _US), -1, -1, "", _NAN, _NAN, "columnar")
        )  # fmt: skip
    return rows, fallback


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_US = dt.timedelta(microseconds=1)
