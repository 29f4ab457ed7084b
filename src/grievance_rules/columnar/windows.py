"""The window kernel: every action of a window rule over a batch, within or late.

It reproduces :func:`grievance_rules.engine.clocks.evaluate_window`: one finding per
action event, the window opened by the latest opening event before it (per
assignment: the acting unit's own assignment), closing after the rule's duration on
the calendar (the calendar's own deadline arithmetic, once per opening instant).
An action with no opening before it gives no finding (the engine warns). An order
whose window deadline is provisional or that the calendar refuses goes to the
per-order engine.

Each action's opening is found for the whole batch at once, from the frame's global
rows (an order's events are consecutive rows, in time order), and so is each closing
of a ``working_time`` period in whole office minutes, in office time (the clock
kernel's arithmetic); the other deadlines are asked of the calendar one opening
instant at a time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from grievance_rules.calendar.deadlines import remembered_deadline
from grievance_rules.calendar.office_hours import to_shanghai
from grievance_rules.columnar.batch import OrderBatch
from grievance_rules.columnar.clocks import office_period_us
from grievance_rules.columnar.findings import Row
from grievance_rules.columnar.instants import from_us, to_us
from grievance_rules.columnar.timeline import timeline_of
from grievance_rules.errors import GrievanceRulesError
from grievance_rules.packs.schema import WindowRule

__all__ = ["window_rows"]

_NAN = float("nan")
Int64s = npt.NDArray[np.int64]


def window_rows(batch: OrderBatch, rule: WindowRule, selector: str) -> tuple[list[Row], set[int]]:
    """The rows of one window rule over the batch, and the orders left to the engine."""
    plan = batch.plan
    frame = batch.frame
    acts = batch.rows(plan.pattern_of(rule.action))  # global rows: by order, then in time
    acts = acts[batch.selector_mask(selector)[frame.order[acts]]]
    # the rule's terms on each judged date of an order with an action (asked in the order
    # of those orders, as the per-order code asks them, with or without an opening)
    days, day_of = batch.judged_groups()
    half = rule.half_day if rule.half_day is not None else plan.pack.manifest.calendar.half_day
    terms: dict[int, tuple[str, str, str]] = {}
    for term in dict.fromkeys(day_of[frame.order[acts]].tolist()):
        day = days[term]
        terms[term] = (
            str(plan.value(rule.duration, day)),
            str(plan.value(rule.convention, day)),
            str(plan.value(half, day)),
        )
    if rule.opens == "received":
        opened = frame.received_us[frame.order[acts]]
    else:
        opening = _openings(batch, rule, acts)
        acts, opening = acts[opening >= 0], opening[opening >= 0]  # (none: the engine warns)
        opened = frame.at_us[opening]
    # the deadlines of one calendar: shared by the batch's window rules
    deadlines: dict[tuple[Any, ...], Any] = batch.memo.setdefault("window-deadlines", {})
    owners = frame.order[acts]
    closing = _closing_in_office_time(batch, opened, day_of[owners], terms)
    ids = frame.ids
    names = frame.unit_names
    rows: list[Row] = []
    fallback: set[int] = set()
    last, seq = -1, 0
    for i, opened_us, term, unit, acted, index, closed in zip(
        owners.tolist(),
        opened.tolist(),
        day_of[owners].tolist(),
        frame.unit[acts].tolist(),
        frame.at_us[acts].tolist(),
        frame.index[acts].tolist(),
        closing.tolist(),
        strict=True,
    ):
        if i in fallback:
            continue  # (the engine evaluates the whole order)
        due = closed  # (closing in office time, found for the batch; else -1)
        if due < 0:
            spec, convention, half_day = terms[term]
            key = (opened_us, spec, convention, half_day)  # (µs: equal instants alike)
            deadline = deadlines.get(key)
            if deadline is None:
                try:
                    deadline = remembered_deadline(
                        plan.calendar,
                        to_shanghai(from_us(opened_us), what="start"),
                        spec,
                        convention,
                        half_day=half_day,
                    )
                except GrievanceRulesError:
                    fallback.add(i)
                    continue
                deadlines[key] = deadline
            if deadline.provisional:
                fallback.add(i)
                continue
            due = to_us(deadline.due)
        if i != last:
            last, seq = i, 0
        state = "within" if acted <= due else "late"
        rows.append(
            (i, ids[i], rule.id, "window", seq, names[unit] if unit >= 0 else "", state,
             opened_us, due, acted, "", _NAN, _NAN, "columnar", index)
        )  # fmt: skip
        seq += 1
    if fallback:
        rows = [row for row in rows if row[0] not in fallback]
    return rows, fallback


def _closing_in_office_time(
    batch: OrderBatch, opened: Int64s, term_of: Int64s, terms: dict[int, tuple[str, str, str]]
) -> Int64s:
    """Each window's closing instant where office time alone finds it, else ``-1``.

    A ``working_time`` period of whole office minutes (``office_period_us``) closes
    where office time has run that long from the opening, as the calendar's
    ``add_working_time`` finds it (``OfficeTimeline``: the clock kernel's arithmetic);
    an opening or a closing off the calendar's final days (a provisional one), and
    every other period, is left to the calendar's deadline (``-1``).
    """
    closing = np.full(len(opened), -1, dtype=np.int64)
    if batch.plan.calendar.office_hours is None or not len(opened):
        return closing
    office = {
        term: office_period_us(batch, spec, convention, half_day)
        for term, (spec, convention, half_day) in terms.items()
    }
    added = np.asarray([office[term] or 0 for term in term_of.tolist()], dtype=np.int64)
    exact, found = timeline_of(batch.plan.calendar).after(opened, added)
    exact &= added > 0
    closing[exact] = found[exact]
    return closing


def _openings(batch: OrderBatch, rule: WindowRule, acts: Int64s) -> Int64s:
    """The global row of the event opening each action's window (``-1``: none).

    The latest opening event of the action's order before it; per assignment, the
    latest assignment of the acting unit that began before it, by a ``reassigned``
    event or by an opening event, where it has one (else the order's opening).
    """
    frame = batch.frame
    assert rule.opens != "received"
    opens = batch.rows(batch.plan.pattern_of(rule.opens))
    owners = frame.order[acts]
    found = _latest_before(opens, acts, frame.offsets[owners])
    if rule.per_assignment:
        table = frame.assignment_table()
        begun = frame.offsets[table.order] + table.begins  # each assignment's global row
        is_open = np.zeros(frame.size, dtype=bool)
        is_open[opens] = True
        usable = ~table.dispatched | is_open[begun]
        # one number per (unit, row), sorted by unit and then row: each action's latest
        # own assignment is the latest of its unit's numbers below its own
        size = max(frame.size, 1)
        own = _latest_before(
            np.sort(table.unit[usable] * size + begun[usable]),
            frame.unit[acts] * size + acts,
            frame.unit[acts] * size + frame.offsets[owners],
        )
        found = np.where(own >= 0, own % size, found)
    return found


def _latest_before(sorted_keys: Int64s, keys: Int64s, lowest: Int64s) -> Int64s:
    """Per key, the greatest of ``sorted_keys`` below it and at least ``lowest`` (``-1``: none).

    Example:
        >>> import numpy as np
        >>> _latest_before(np.array([2, 5, 9]), np.array([5, 6, 12, 3]),
        ...     np.array([0, 3, 10, 3])).tolist()
        [2, 5, -1, -1]
    """
    at = np.searchsorted(sorted_keys, keys, side="left") - 1
    if not len(sorted_keys):
        return np.full(len(keys), -1, dtype=np.int64)
    latest = sorted_keys[np.maximum(at, 0)]
    found: Int64s = np.where((at >= 0) & (latest >= lowest), latest, -1)
    return found
