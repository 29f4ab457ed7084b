"""The window kernel: every action of a window rule over a batch, within or late.

It reproduces :func:`grievance_rules.engine.clocks.evaluate_window`: one finding per
action event, the window opened by the latest opening event before it (per
assignment: the acting unit's own assignment), closing after the rule's duration on
the calendar (the calendar's own deadline arithmetic, once per opening instant).
An action with no opening before it gives no finding (the engine warns). An order
whose window deadline is provisional or that the calendar refuses goes to the
per-order engine.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from grievance_rules.calendar.deadlines import remembered_deadline
from grievance_rules.calendar.office_hours import to_shanghai
from grievance_rules.columnar.batch import OrderBatch
from grievance_rules.columnar.findings import Row
from grievance_rules.columnar.frame import first_of_runs
from grievance_rules.columnar.instants import to_us
from grievance_rules.errors import GrievanceRulesError
from grievance_rules.packs.schema import EventRef, WindowRule

__all__ = ["window_rows"]

_NAN = float("nan")


class _FallbackError(Exception):
    """This order's window needs the per-order engine."""


def window_rows(batch: OrderBatch, rule: WindowRule, selector: str) -> tuple[list[Row], set[int]]:
    """The rows of one window rule over the batch, and the orders left to the engine."""
    plan = batch.plan
    action = plan.pattern_of(rule.action)
    opens_pattern = plan.pattern_of(rule.opens) if isinstance(rule.opens, EventRef) else None
    # the deadlines of one calendar: shared by the batch's window rules
    deadlines: dict[tuple[Any, ...], Any] = batch.memo.setdefault("window-deadlines", {})
    rows: list[Row] = []
    fallback: set[int] = set()
    frame = batch.frame
    owners = frame.order[batch.rows(action)]  # (rows in order: their orders in order)
    acted = owners[first_of_runs(owners)]  # orders with an action, in order
    for i in acted[batch.selector_mask(selector)[acted]].tolist():
        try:
            rows.extend(_order_windows(batch, i, rule, action, opens_pattern, deadlines))
        except _FallbackError:
            fallback.add(i)
    return rows, fallback


def _order_windows(
    batch: OrderBatch,
    i: int,
    rule: WindowRule,
    action: str,
    opens_pattern: str | None,
    deadlines: dict[tuple[Any, ...], Any],
) -> list[Row]:
    plan = batch.plan
    view = batch.views[i]
    kept = view.kept
    judged = batch.judged[i]
    half = rule.half_day if rule.half_day is not None else plan.pack.manifest.calendar.half_day
    spec = str(plan.value(rule.duration, judged))
    convention = str(plan.value(rule.convention, judged))
    half_day = str(plan.value(half, judged))
    opens = batch.positions(i, opens_pattern) if opens_pattern is not None else []
    rows: list[Row] = []
    for k in batch.positions(i, action):
        if rule.opens == "received":
            opened: dt.datetime = batch.orders[i].received_at
        else:
            before = [j for j in opens if j < k]
            if rule.per_assignment:
                own = [
                    a.begins
                    for a in batch.assignments(i)
                    if a.unit == kept[k].unit
                    and a.begins < k
                    and (a.how == "reassigned" or a.begins in opens)
                ]
                before = own or before
            if not before:
                continue  # the engine warns (window_not_opened) and reports nothing
            opened = kept[before[-1]].at
        key = (opened, spec, convention, half_day)
        deadline = deadlines.get(key)
        if deadline is None:
            try:
                deadline = remembered_deadline(
                    plan.calendar,
                    to_shanghai(opened, what="start"),
                    spec,
                    convention,
                    half_day=half_day,
                )
            except GrievanceRulesError as exc:
                raise _FallbackError from exc
            deadlines[key] = deadline
        if deadline.provisional:
            raise _FallbackError
        acted = kept[k].at
        state = "within" if acted <= deadline.due else "late"
        rows.append(
            (i, batch.orders[i].id, rule.id, "window", len(rows), kept[k].unit or "", state,
             to_us(opened), to_us(deadline.due), to_us(acted), "", _NAN, _NAN, "columnar",
             view.indices[k])
        )  # fmt: skip
    return rows
