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

from typing import Any

from grievance_rules.calendar.deadlines import remembered_deadline
from grievance_rules.calendar.office_hours import to_shanghai
from grievance_rules.columnar.batch import OrderBatch
from grievance_rules.columnar.findings import Row
from grievance_rules.columnar.frame import first_of_runs
from grievance_rules.columnar.instants import from_us, to_us
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
    """Order ``i``'s window rows, read from the frame's arrays (its kept events' rows)."""
    plan = batch.plan
    frame = batch.frame
    first = int(frame.offsets[i])  # the global row of the order's first kept event
    judged = batch.judged[i]
    half = rule.half_day if rule.half_day is not None else plan.pack.manifest.calendar.half_day
    spec = str(plan.value(rule.duration, judged))
    convention = str(plan.value(rule.convention, judged))
    half_day = str(plan.value(half, judged))
    opens = batch.positions(i, opens_pattern) if opens_pattern is not None else []
    rows: list[Row] = []
    for k in batch.positions(i, action):
        unit = frame.unit_name(int(frame.unit[first + k]))
        if rule.opens == "received":
            opened = int(frame.received_us[i])
        else:
            before = [j for j in opens if j < k]
            if rule.per_assignment:
                own = [
                    a.begins
                    for a in batch.assignments(i)
                    if a.unit == unit
                    and a.begins < k
                    and (a.how == "reassigned" or a.begins in opens)
                ]
                before = own or before
            if not before:
                continue  # the engine warns (window_not_opened) and reports nothing
            opened = int(frame.at_us[first + before[-1]])
        key = (opened, spec, convention, half_day)  # (an instant in µs: equal instants alike)
        deadline = deadlines.get(key)
        if deadline is None:
            try:
                deadline = remembered_deadline(
                    plan.calendar,
                    to_shanghai(from_us(opened), what="start"),
                    spec,
                    convention,
                    half_day=half_day,
                )
            except GrievanceRulesError as exc:
                raise _FallbackError from exc
            deadlines[key] = deadline
        if deadline.provisional:
            raise _FallbackError
        acted = int(frame.at_us[first + k])
        due = to_us(deadline.due)
        state = "within" if acted <= due else "late"
        rows.append(
            (i, frame.ids[i], rule.id, "window", len(rows), unit or "", state,
             opened, due, acted, "", _NAN, _NAN, "columnar", int(frame.index[first + k]))
        )  # fmt: skip
    return rows
