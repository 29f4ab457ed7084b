"""The clock kernel: every clock of one rule over a batch, without building findings.

It reproduces :func:`grievance_rules.engine.clocks.evaluate_clock` for the clocks it
supports and says which it does not:

* **rule level**: every construct of a clock has a kernel, but a clock whose
  ``no_later_than`` or ``start_else_due_of`` names a clock without one has none;
* **order level**: an order whose clock could be paused, whose deadline (or extension cap)
  is provisional or cannot be computed, whose instants fall outside the calendar's
  final days, or whose ``no_later_than`` / ``start_else_due_of`` clock went to the
  per-order engine, goes to the per-order engine.

Starts and stops are found order by order from the matched positions (a short loop
over each order's events). Due instants under ``working_time`` in working days or
hours are computed over the whole batch with numpy from the calendar's cumulative
tables (:mod:`.timeline`); other conventions go through the calendar's own
``remembered_deadline``, once per distinct start and period. Office-time positions,
elapsed fractions, states and warning levels are computed over the whole batch.
"""

from __future__ import annotations

import datetime as dt
import functools
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from grievance_rules.calendar import Duration
from grievance_rules.calendar.deadlines import remembered_deadline
from grievance_rules.calendar.durations import CountingConvention, DurationUnit, HalfDayRule
from grievance_rules.calendar.office_hours import to_shanghai
from grievance_rules.columnar.batch import OrderBatch
from grievance_rules.columnar.findings import Block, Coded, Filler, Part, Row, block, full
from grievance_rules.columnar.frame import Frame, first_from, first_of_runs, in_orders, union_rows
from grievance_rules.columnar.instants import (
    FIXED_OFFSET_FROM_US,
    SHANGHAI_US,
    US_PER_DAY,
    US_PER_MINUTE,
    from_us,
    to_us,
    to_us_array,
)
from grievance_rules.columnar.timeline import timeline_of
from grievance_rules.engine.clocks import compile_where, extends_for
from grievance_rules.errors import GrievanceRulesError
from grievance_rules.model.handling import unit_kind
from grievance_rules.packs.schema import ClockRule, EventRef, ParamRef

__all__ = ["Findings", "clock_rows", "clock_rows_loop", "on_wall_clock", "unsupported"]

Findings = Callable[[str, int], list[Row] | None]
"""(rule id, order) → that rule's rows on the order, or ``None`` where a kernel did not
compute them (the rule runs per order there)."""

_NO_DUE = -(2**62)

Int64s = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Objects = npt.NDArray[np.object_]


def unsupported(rule: ClockRule) -> str | None:
    """Why the kernel cannot evaluate a clock rule at all, or ``None`` if it can."""
    del rule  # every clock construct has a kernel; some orders still go per order
    return None


def _rows_of(findings: Findings, rule_id: str, i: int) -> list[Row]:
    rows = findings(rule_id, i)
    if rows is None:
        raise LookupError(rule_id)
    return rows


def _standin(
    batch: OrderBatch,
    i: int,
    other_id: str,
    findings: Findings,
    unit: str | None = None,
    assigned: int | None = None,
) -> Row | None:
    """The other clock whose due instant stands in for a start that never happened.

    As the engine's: ``None`` unless it is due by ``as_of`` and was not met.
    """
    rows = sorted(_rows_of(findings, other_id, i), key=lambda r: r[4])
    if unit is not None:
        index = batch.views[i].indices[assigned] if assigned is not None else None
        rows = [
            r for r in rows if (r[5] or None) == unit and r[14] == (-1 if index is None else index)
        ]
    first = rows[0] if rows else None
    if first is None or first[6] == "met" or first[8] > to_us(batch.instants[i]):
        return None
    return first


def _after_hours(batch: OrderBatch, instant: dt.datetime) -> bool:
    hours = batch.plan.calendar.office_hours
    assert hours is not None
    local = to_shanghai(instant)
    if not batch.plan.calendar.is_working_day(local.date()):
        return True
    minute = local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60
    return bool(minute < hours.intervals[0][0] or minute >= hours.intervals[-1][1])


class _FallbackError(Exception):
    """This order's clock needs the per-order engine."""


@dataclass(frozen=True)
class _Period:
    """A rule's period on one judged date, and how its due instant is computed."""

    wanted: bool
    spec: str | None
    convention: str
    half_day: str
    excepting: bool
    office_us: int | None
    """Office µs to add to the start's position (vectorised), or ``None``: the calendar."""


@dataclass
class _Clock:
    order: int
    occurrence: int
    start: dt.datetime
    due: dt.datetime | None
    """Known already (written on the order, or from the calendar), or ``None``: vectorised."""
    office_us: int
    stopped: dt.datetime | None
    unit: str | None
    bounds: list[dt.datetime]
    event: int
    granted: list[int]
    """The global rows of the extensions granted while it ran."""


def _period(batch: OrderBatch, rule: ClockRule, judged: dt.date) -> _Period:
    plan = batch.plan
    wanted = True
    if rule.runs_if is not None:
        ((name, want),) = rule.runs_if.param_is.items()
        wanted = plan.value(ParamRef(param=name), judged) == want
    half = rule.half_day if rule.half_day is not None else plan.pack.manifest.calendar.half_day
    spec = str(plan.value(rule.duration, judged)) if rule.duration is not None else None
    convention = str(plan.value(rule.convention, judged))
    half_day = str(plan.value(half, judged))
    excepting = (
        rule.not_stopped_by is not None
        and plan.value(rule.not_stopped_by.unless, judged) is not True
    )
    key = (wanted, spec, convention, half_day, excepting)
    known: dict[tuple[Any, ...], _Period] = plan.memo.setdefault("columnar-periods", {})
    period = known.get(key)
    if period is None:
        period = known[key] = _Period(
            wanted,
            spec,
            convention,
            half_day,
            excepting,
            office_period_us(batch, spec, convention, half_day),
        )
    return period


def office_period_us(
    batch: OrderBatch, spec: str | None, convention: str, half_day: str
) -> int | None:
    """Office µs a ``working_time`` period adds to its start's position, if vectorisable.

    ``None``: the period's due instant is the calendar's to find (another convention, a
    noon cutoff on half a day, a period of nothing or longer than any calendar). Found
    once per plan and distinct period (the rules ask it once per judged date).
    """
    known: dict[tuple[str | None, str, str], int | None] = batch.plan.memo.setdefault(
        "columnar-office-periods", {}
    )
    key = (spec, convention, half_day)
    if key not in known:
        known[key] = _office_period_us(batch, spec, convention, half_day)
    return known[key]


def _office_period_us(
    batch: OrderBatch, spec: str | None, convention: str, half_day: str
) -> int | None:
    office_us = None
    hours = batch.plan.calendar.office_hours
    if spec is not None and hours is not None:
        try:
            dur = Duration.parse(spec)
            conv = CountingConvention(convention)
            rule_half = HalfDayRule(half_day)
        except (GrievanceRulesError, ValueError):
            dur = None
        if dur is not None and conv is CountingConvention.WORKING_TIME:
            minutes: Fraction | None = None
            if dur.unit is DurationUnit.WORKING_HOURS:
                minutes = dur.amount * 60
            elif dur.unit is DurationUnit.WORKING_DAYS and (
                rule_half is not HalfDayRule.NOON_CUTOFF or dur.amount.denominator == 1
            ):
                minutes = dur.amount * hours.day_minutes
            if (
                minutes is not None
                and 0 < minutes * 60_000_000 < _LONGEST_OFFICE_US
                and (minutes * 60_000_000).denominator == 1
            ):
                office_us = int(minutes * 60_000_000)
    return office_us


_LONGEST_OFFICE_US = 2**53
"""The longest period added as office µs over the batch (about 285 years: longer than
any calendar); a longer one is left to the calendar, which refuses it (a clock then
judged per order, with the engine's ``deadline_not_computable`` warning), instead of
overflowing the 64-bit positions."""


_Run = tuple[dt.datetime, int | None, str | None, int | None, Row | None]
"""(start, start position, assigned unit, position ending the assignment, stand-in clock)."""


def _runs(
    batch: OrderBatch, i: int, rule: ClockRule, start_pattern: str | None, findings: Findings
) -> list[_Run]:
    """The clocks of one rule on an order, before ``only_if_start``."""
    kept = batch.views[i].kept
    if rule.start == "received":
        return [(batch.orders[i].received_at, None, None, None, None)]
    assert isinstance(rule.start, EventRef)
    assert start_pattern is not None
    matched = batch.positions(i, start_pattern)
    runs: list[_Run] = []
    if rule.per_assignment:
        for a in batch.assignments(i):
            if rule.start.event == "dispatched":
                if a.how == "dispatched" and a.begins not in matched:
                    continue
                runs.append((kept[a.begins].at, a.begins, a.unit, a.ends, None))
                continue
            limit = a.ends if a.ends is not None else len(kept)
            own = [k for k in matched if a.begins < k < limit and kept[k].unit in (a.unit, None)]
            if own:
                runs.append((kept[own[0]].at, own[0], a.unit, a.ends, None))
            elif rule.start_else_due_of is not None:
                row = _standin(batch, i, rule.start_else_due_of, findings, a.unit, a.begins)
                if row is not None:
                    runs.append((from_us(row[8]), None, a.unit, a.ends, row))
        return runs
    if rule.also_started_by:
        also = rule.also_started_by
        alternatives = [(r.event, compile_where(r.where)) for r in also]
        types = {kind for kind, _ in alternatives}
        extra = [
            k
            for k, e in enumerate(kept)
            if e.type in types and any(e.type == kind and ok(e) for kind, ok in alternatives)
        ]
        matched = sorted(set(matched) | set(extra))
    if not matched and rule.start_else:
        standins = [(r.event, compile_where(r.where)) for r in rule.start_else]
        kinds = {kind for kind, _ in standins}
        matched = [
            k
            for k, e in enumerate(kept)
            if e.type in kinds and any(e.type == kind and ok(e) for kind, ok in standins)
        ]
    runs = [(kept[k].at, k, None, None, None) for k in matched]
    if rule.occurrence == "first":
        runs = runs[:1]
    if not runs and rule.start_else_due_of is not None:
        row = _standin(batch, i, rule.start_else_due_of, findings)
        if row is not None:
            runs = [(from_us(row[8]), None, None, None, row)]
    return runs


_NO_BOUND = np.iinfo(np.int64).max
_NAN = float("nan")


def on_wall_clock(batch: OrderBatch, rule: ClockRule) -> Bools:
    """Per order, whether the rule's clocks run on wall-clock time: an ``elapsed`` period.

    Though the calendar has office hours, a period counted ``elapsed`` on the order's
    judged date runs on wall-clock time (as the engine's
    :func:`~grievance_rules.engine.clock_time.time_line_us`).
    """
    key = ("wall-clock", rule.id)
    found: Bools | None = batch.memo.get(key)
    if found is None:
        if rule.duration is None or batch.plan.calendar.office_hours is None:
            found = np.zeros(len(batch.frame), dtype=bool)
        else:
            days, day_of = batch.judged_groups()
            elapsed = CountingConvention.ELAPSED.value
            periods = _periods(batch, rule, days)
            each = np.fromiter(
                (p.convention == elapsed for p in periods), dtype=bool, count=len(days)
            )
            found = each[day_of]
        batch.memo[key] = found
    return found


def _periods(batch: OrderBatch, rule: ClockRule, days: list[dt.date]) -> list[_Period]:
    """:func:`_period` of each day, found once per parameter segment (equal values)."""
    segment_of = batch.plan.parameters.segment_of
    by_segment: dict[int, _Period] = {}
    found = []
    for day in days:
        segment = segment_of(day)
        period = by_segment.get(segment)
        if period is None:
            period = by_segment[segment] = _period(batch, rule, day)
        found.append(period)
    return found


def clock_rows(
    batch: OrderBatch, rule: ClockRule, selector: str, findings: Findings
) -> tuple[Part, set[int]]:
    """The findings of one clock rule over the batch, and the orders left to the engine.

    The findings come as a block of columns (:func:`~.findings.block`; no clock found:
    no rows); :func:`~.findings.as_rows` gives them as rows.

    ``findings`` answers for the rules named in ``no_later_than`` and
    ``start_else_due_of`` (computed first). Starts, stops, extensions and pauses are
    found for the whole batch at once by searches over the frame's global rows
    (:func:`~.frame.first_from`); only stand-in starts, written deadlines, calendar
    deadlines other than office time and ``no_later_than`` bounds are read per clock.
    """
    frame = batch.frame
    total = frame.size + 1
    if (len(frame.unit_names) + 3) * total >= 2**62:
        return clock_rows_loop(batch, rule, selector, findings)
    plan = batch.plan
    days, day_of = batch.judged_groups()
    periods = _periods(batch, rule, days)
    wanted = np.fromiter((p.wanted for p in periods), dtype=bool, count=len(periods))
    considered = batch.selector_mask(selector) & wanted[day_of]
    fallback: set[int] = set()
    runs = _vector_runs(batch, rule, considered, findings, fallback)
    if runs is None:
        return [], fallback
    r_order, r_k0, r_start, r_ends, r_unit, r_standin = runs
    offsets = frame.offsets
    if rule.only_if_start is not None:
        if plan.calendar.office_hours is None:
            return [], fallback  # the engine warns (no_office_hours) and reports no clock
        keep = _start_filter(batch, rule.only_if_start, r_start)
        r_order, r_k0, r_start, r_ends, r_unit, r_standin = (
            a[keep] for a in (r_order, r_k0, r_start, r_ends, r_unit, r_standin)
        )
    if rule.for_unit_kind:  # per assignment: each clock's unit is the assigned one
        keep = _of_kinds(batch, rule.for_unit_kind, r_order, r_unit)
        r_order, r_k0, r_start, r_ends, r_unit, r_standin = (
            a[keep] for a in (r_order, r_k0, r_start, r_ends, r_unit, r_standin)
        )
    m = len(r_order)
    occurrence = np.arange(m, dtype=np.int64) - np.searchsorted(r_order, r_order, side="left")
    # the unit each clock runs against
    unit = r_unit.copy()
    todo = unit == _TO_FIND
    if todo.any():
        k0 = r_k0[todo]
        has = k0 >= 0
        first = frame.first_handling[r_order[todo]]
        if rule.charge == "start_unit":
            found = np.where(has, _gather(frame.unit, k0), first)
        else:
            handling = _gather(frame.handling, k0)
            found = np.where(has & (handling >= 0), handling, first)
        unit[todo] = found
    # due instants: written on the order or the start event, by the calendar, or pending
    period_of = day_of[r_order]
    due = np.full(m, _NO_DUE, dtype=np.int64)
    office = np.zeros(m, dtype=np.int64)
    present = np.ones(m, dtype=bool)
    if rule.duration is None:
        name = rule.due_field or ""
        if name == "reply_deadline":
            due = frame.order_attribute_us(name)[r_order]
        else:
            starts = r_k0.tolist()
            read = iter(frame.values_at([k for k in starts if k >= 0], name))
            due = to_us_array([next(read) if k >= 0 else None for k in starts])
        present = due != -1  # the engine warns (missing_deadline) and reports no clock
        if rule.per_assignment:  # given the order after the deadline: no clock (as the engine)
            present &= r_start < due
    else:
        office_of = np.fromiter(
            (-1 if p.office_us is None else p.office_us for p in periods),
            dtype=np.int64,
            count=len(periods),
        )
        office = office_of[period_of]
        by_calendar = np.flatnonzero(office < 0)
        office = np.maximum(office, 0)
        if len(by_calendar):
            _calendar_dues(batch, by_calendar, r_order, r_start, period_of, periods, due, fallback)
    # the stop: the first stop event after the start, inside the assignment
    lower = np.where(r_k0 >= 0, r_k0 + 1, offsets[r_order])
    from_received = (r_k0 < 0) & (r_standin < 0)
    if from_received.any():
        at_l = frame.remember("at-list", frame.at_us.tolist)
        for k in np.flatnonzero(from_received).tolist():
            i = int(r_order[k])
            lower[k] = bisect_left(at_l, int(r_start[k]), int(offsets[i]), int(offsets[i + 1]))
    upper = np.where(r_ends >= 0, r_ends, offsets[r_order + 1])
    excepting = np.fromiter((p.excepting for p in periods), dtype=bool, count=len(periods))
    stop_rows = _stop_rows(batch, rule, excepting=False)
    stop = _first_stop(batch, rule, stop_rows, lower, upper, unit)
    if excepting.any():
        kept_rows = _stop_rows(batch, rule, excepting=True)
        excepted = _first_stop(batch, rule, kept_rows, lower, upper, unit)
        stop = np.where(excepting[period_of], excepted, stop)
    stop = np.where((stop < 0) & (r_ends >= 0), r_ends, stop)
    stopped = _gather(frame.at_us, stop)
    limit = np.where(stop >= 0, stopped, frame.instants_us[r_order])
    # a pause begun while the clock ran: the engine decides; extensions are counted here
    after = np.where(r_k0 >= 0, r_k0 + 1, offsets[r_order])
    for pattern in [plan.pattern_of(b) for b, _ in rule.pause]:
        first = first_from(batch.rows(pattern), after, offsets[r_order + 1])
        hit = present & (first >= 0) & (_gather(frame.at_us, first) <= limit)
        fallback.update(r_order[hit].tolist())
    granted = _granted(
        batch, rule, present, r_order, after, limit, unit if rule.per_assignment else None
    )
    # no_later_than: the first clock of each named rule bounds the due instant
    bound = np.full(m, _NO_BOUND, dtype=np.int64)
    if rule.no_later_than:
        bounds: dict[int, int] = {}
        order_l = r_order.tolist()
        for k in np.flatnonzero(present).tolist():
            i = order_l[k]
            if i in fallback:
                continue
            if i not in bounds:
                try:
                    bounds[i] = _bound_of(findings, rule, i)
                except LookupError:
                    fallback.add(i)
                    continue
            bound[k] = bounds[i]
    event = _gather(frame.index, r_k0)
    keep = present
    if fallback:
        keep = keep & ~in_orders(r_order, fallback, len(frame))
    if not keep.any():
        return [], fallback
    clocks = _Runs(
        order=r_order[keep],
        occurrence=occurrence[keep],
        start=r_start[keep],
        due=due[keep],
        office=office[keep],
        stop=stopped[keep],
        bound=bound[keep],
        unit=unit[keep],
        event=event[keep],
        granted=_renumbered(granted, keep),
    )
    return _finish_arrays(batch, rule, clocks, fallback), fallback


def _granted(
    batch: OrderBatch,
    rule: ClockRule,
    present: Bools,
    r_order: Int64s,
    after: Int64s,
    limit: Int64s,
    assigned: Int64s | None = None,
) -> dict[int, list[int]]:
    """Per clock, the global rows of the extensions granted while it ran (if any).

    As the engine counts them: the rule's ``extend`` events after the start event (or
    anywhere in the order without one) up to the clock's stop, else ``as_of``; for a
    clock of one unit (``assigned``: its unit's code, per assignment), not those granted
    to another unit (:func:`~grievance_rules.engine.clocks.extends_for`).
    """
    if rule.extend is None:
        return {}
    frame = batch.frame
    rows = batch.rows(batch.plan.pattern_of(rule.extend))
    upper = frame.offsets[r_order + 1]
    first = first_from(rows, after, upper)
    hit = np.flatnonzero(present & (first >= 0) & (_gather(frame.at_us, first) <= limit))
    if not len(hit):
        return {}
    rows_l = rows.tolist()
    at_l = frame.at_us[rows].tolist()
    found: dict[int, list[int]] = {}
    for k in hit.tolist():
        lo = bisect_left(rows_l, int(after[k]))
        hi = bisect_left(rows_l, int(upper[k]), lo)
        end = int(limit[k])
        found[k] = [rows_l[j] for j in range(lo, hi) if at_l[j] <= end]
        if assigned is not None:
            unit = frame.unit_name(int(assigned[k]))
            found[k] = [g for g in found[k] if extends_for(frame.event(g), unit)]
        if not found[k]:
            del found[k]
    return found


def _renumbered(granted: dict[int, list[int]], keep: Bools) -> dict[int, list[int]]:
    """:func:`_granted`'s clocks numbered among the kept ones."""
    if not granted:
        return {}
    position = np.cumsum(keep) - 1
    return {int(position[k]): rows for k, rows in granted.items() if keep[k]}


def _extended(
    batch: OrderBatch, rule: ClockRule, runs: _Runs, due: Int64s, fallback: set[int]
) -> Int64s:
    """Due instants moved by the extensions granted (as the engine moves them).

    Each extension granted by the due instant so far moves it to the extension's new
    deadline if later, never beyond the cap (``rule.cap`` from the start, by the
    calendar). A cap the calendar cannot give exactly sends the order to the engine.
    """
    frame = batch.frame
    at_us = frame.at_us
    due = due.copy()
    # a due instant not computed: the order goes to the engine anyway
    moved = [k for k, rows in runs.granted.items() if rows and int(due[k]) >= 0]
    caps = _caps_us(batch, rule, runs, moved) if rule.cap is not None else {}
    for k in moved:
        i = int(runs.order[k])
        current = int(due[k])
        cap = caps.get(k)
        if rule.cap is not None and cap is None:
            fallback.add(i)
            continue
        for row in runs.granted[k]:
            if int(at_us[row]) > current:
                continue  # granted after the due instant: not counted
            (new_deadline,) = frame.values_at((row,), "new_deadline")
            granted = to_us(new_deadline)
            if cap is not None and granted > cap:
                granted = cap  # (the extension capped: never the due instant it extends)
            current = max(current, granted)
        due[k] = current
    return due


def _caps_us(batch: OrderBatch, rule: ClockRule, runs: _Runs, which: list[int]) -> dict[int, int]:
    """The latest an extension may move each clock ``which`` to: ``rule.cap`` from its start.

    Under office time from the calendar's cumulative tables (as dues are), for all those
    clocks at once; else by the calendar, clock by clock. A clock whose cap the calendar
    cannot give exactly has none here (its order goes to the engine).
    """
    plan = batch.plan
    assert rule.cap is not None
    half = rule.half_day if rule.half_day is not None else plan.pack.manifest.calendar.half_day
    periods: dict[dt.date, _Period] = {}
    caps: dict[int, int] = {}
    by_office: list[tuple[int, int, int]] = []  # (clock, start, office µs)
    deadlines = _deadlines(batch)
    for k in which:
        judged = batch.judged[int(runs.order[k])]
        period = periods.get(judged)
        if period is None:
            spec = str(plan.value(rule.cap, judged))
            convention = str(plan.value(rule.convention, judged))
            half_day = str(plan.value(half, judged))
            office = office_period_us(batch, spec, convention, half_day)
            period = periods[judged] = _Period(True, spec, convention, half_day, False, office)
        start_us = int(runs.start[k])
        if period.office_us is not None:
            by_office.append((k, start_us, period.office_us))
            continue
        try:
            caps[k] = to_us(_calendar_due(batch, from_us(start_us), period, deadlines))
        except _FallbackError:
            continue
    if by_office:
        timeline = timeline_of(plan.calendar)
        clocks, starts, offices = (
            np.asarray(column, dtype=np.int64) for column in zip(*by_office, strict=True)
        )
        exact, found = timeline.after(starts, offices)
        for k, cap, ok in zip(clocks.tolist(), found.tolist(), exact.tolist(), strict=True):
            if ok:
                caps[k] = cap
    return caps


_TO_FIND = -3
"""A clock's unit not known from its assignment or stand-in: found from its start."""

_VectorRuns = tuple[Int64s, Int64s, Int64s, Int64s, Int64s, Int64s]
"""Per clock: order, start row (-1: none), start µs, row ending the assignment (-1:
none), unit code (``_TO_FIND``: from the start), stand-in flag (≥ 0: a stand-in start)."""


def _vector_runs(
    batch: OrderBatch,
    rule: ClockRule,
    considered: Bools,
    findings: Findings,
    fallback: set[int],
) -> _VectorRuns | None:
    """Every clock of the rule on the considered orders, before ``only_if_start``."""
    frame = batch.frame
    offsets = frame.offsets
    if rule.start == "received":
        order = np.flatnonzero(considered).astype(np.int64)
        m = len(order)
        none = np.full(m, -1, dtype=np.int64)
        return order, none, frame.received_us[order], none, np.full(m, _TO_FIND), none.copy()
    assert isinstance(rule.start, EventRef)
    matched = batch.rows(batch.plan.pattern_of(rule.start))
    if rule.per_assignment:
        table = frame.assignment_table()
        sel = considered[table.order]
        a_order = table.order[sel]
        base = offsets[a_order]
        begins = base + table.begins[sel]
        ends = np.where(table.ends[sel] >= 0, base + table.ends[sel], -1)
        a_unit = table.unit[sel]
        if rule.start.event == "dispatched":
            is_start = np.zeros(frame.size, dtype=bool)
            is_start[matched] = True
            keep = ~table.dispatched[sel] | is_start[begins]
            k0 = begins[keep]
            return (
                a_order[keep], k0, frame.at_us[k0], ends[keep], a_unit[keep],
                np.full(len(k0), -1, dtype=np.int64),
            )  # fmt: skip
        limit = np.where(ends >= 0, ends, offsets[a_order + 1])
        own = _first_of_unit(frame, matched, begins + 1, limit, a_unit)
        standin = np.full(len(own), -1, dtype=np.int64)
        start = _gather(frame.at_us, own)
        if rule.start_else_due_of is not None:
            begins_l, order_l = begins.tolist(), a_order.tolist()
            for k in np.flatnonzero(own < 0).tolist():
                i = order_l[k]
                if i in fallback:
                    continue
                unit_name = frame.unit_name(int(a_unit[k]))
                try:
                    row = _standin(
                        batch, i, rule.start_else_due_of, findings, unit_name,
                        begins_l[k] - int(offsets[i]),
                    )  # fmt: skip
                except LookupError:
                    fallback.add(i)
                    continue
                if row is not None:
                    standin[k] = 1
                    start[k] = row[8]
        keep = (own >= 0) | (standin >= 0)
        return a_order[keep], own[keep], start[keep], ends[keep], a_unit[keep], standin[keep]
    starts = matched
    for alternative in rule.also_started_by:
        starts = union_rows(starts, frame.where_rows(alternative.event or "", alternative.where))
    if rule.start_else:  # on the orders without a start event: the stand-in events
        has_own = np.zeros(len(frame), dtype=bool)
        has_own[frame.order[starts]] = True
        standins = np.zeros(0, dtype=starts.dtype)
        for ref in rule.start_else:
            standins = union_rows(standins, frame.where_rows(ref.event or "", ref.where))
        standins = standins[~has_own[frame.order[standins]]]
        starts = union_rows(starts, standins)
    starts = starts[considered[frame.order[starts]]]
    if rule.occurrence == "first" and len(starts):
        o = frame.order[starts]
        starts = starts[first_of_runs(o)]
    order = frame.order[starts]
    m = len(starts)
    none = np.full(m, -1, dtype=np.int64)
    runs: _VectorRuns = (
        order,
        starts.astype(np.int64),
        frame.at_us[starts],
        none,
        np.full(m, _TO_FIND),
        none,
    )
    if rule.start_else_due_of is None:
        return runs
    has_start = np.zeros(len(frame), dtype=bool)
    has_start[order] = True
    extra_order: list[int] = []
    extra_start: list[int] = []
    extra_unit: list[int] = []
    for i in np.flatnonzero(considered & ~has_start).tolist():
        try:
            row = _standin(batch, i, rule.start_else_due_of, findings)
        except LookupError:
            fallback.add(i)
            continue
        if row is not None:
            extra_order.append(i)
            extra_start.append(row[8])
            extra_unit.append(frame.code_for(row[5] or None))
    if not extra_order:
        return runs
    e = len(extra_order)
    minus = np.full(e, -1, dtype=np.int64)
    joined = [
        np.concatenate((a, b))
        for a, b in zip(
            runs,
            (np.asarray(extra_order, dtype=np.int64), minus, np.asarray(extra_start, np.int64),
             minus, np.asarray(extra_unit, dtype=np.int64), np.ones(e, dtype=np.int64)),
            strict=True,
        )
    ]  # fmt: skip
    sort = np.argsort(joined[0], kind="stable")
    return tuple(a[sort] for a in joined)  # type: ignore[return-value]


def _first_of_unit(
    frame: Frame, rows: Int64s, lower: Int64s, upper: Int64s, unit: Int64s
) -> Int64s:
    """The first of ``rows`` in ``[lower, upper)`` whose acting unit is ``unit`` or none."""
    codes = frame.unit[rows]
    free = rows[codes < 0]
    bound = rows[codes >= 0]
    own = _first_with_unit(frame, bound, lower, upper, unit)
    return _earliest(first_from(free, lower, upper), own)


def _first_with_unit(
    frame: Frame, rows: Int64s, lower: Int64s, upper: Int64s, unit: Int64s
) -> Int64s:
    """The first of ``rows`` in ``[lower, upper)`` whose acting unit's code is ``unit``."""
    size = frame.size + 1
    keys = np.sort((frame.unit[rows] + 2) * size + rows)
    shift = (unit + 2) * size
    found = first_from(keys, shift + lower, shift + upper)
    result: Int64s = np.where(found >= 0, found - shift, -1)
    return result


def _gather(values: Int64s, rows: Int64s) -> Int64s:
    """``values[rows]``, ``-1`` where a row is ``-1`` (none)."""
    if len(values) == 0:
        return np.full(len(rows), -1, dtype=np.int64)
    result: Int64s = np.where(rows >= 0, values[np.maximum(rows, 0)], -1)
    return result


def _earliest(a: Int64s, b: Int64s) -> Int64s:
    """Elementwise the smaller of two rows, ``-1`` meaning none."""
    result: Int64s = np.where((a >= 0) & ((b < 0) | (a <= b)), a, b)
    return result


def _first_stop(
    batch: OrderBatch,
    rule: ClockRule,
    rows: Int64s,
    lower: Int64s,
    upper: Int64s,
    unit: Int64s,
) -> Int64s:
    """Per clock, the first stop row in ``[lower, upper)`` the rule lets stop it."""
    frame = batch.frame
    if rule.stop_by == "same_unit":
        return _first_with_unit(frame, rows, lower, upper, unit)
    if rule.per_assignment:
        # a stop event of the stop's own type by another unit does not stop the clock
        code = frame.type_codes.get(rule.stop.event or "", -9)
        own_type = (frame.type[rows] == code) & (frame.unit[rows] >= 0)
        return _earliest(
            first_from(rows[~own_type], lower, upper),
            _first_with_unit(frame, rows[own_type], lower, upper, unit),
        )
    return first_from(rows, lower, upper)


def _stop_rows(batch: OrderBatch, rule: ClockRule, *, excepting: bool) -> Int64s:
    """The rows that may stop the rule's clocks (``excepting``: less ``not_stopped_by``)."""
    key = ("clock-stops", rule.id, excepting)
    found: Int64s | None = batch.memo.get(key)
    if found is None:
        frame = batch.frame
        rows = batch.rows(batch.plan.pattern_of(rule.stop))
        if rule.also_stopped_by is not None:
            also = rule.also_stopped_by
            rows = union_rows(rows, frame.where_rows(also.event or "", also.where))
        if excepting:
            assert rule.not_stopped_by is not None
            rows = rows[~frame.passes(rows, rule.not_stopped_by.where)]
        found = batch.memo[key] = rows.astype(np.int64)
    return found


def _of_kinds(batch: OrderBatch, kinds: tuple[str, ...], order: Int64s, unit: Int64s) -> Bools:
    """Which clocks ``for_unit_kind`` keeps: their (assigned) unit is of one of ``kinds``."""
    frame = batch.frame
    orders = batch.orders
    verdicts: dict[tuple[int, int], bool] = {}
    keep = np.zeros(len(order), dtype=bool)
    for k, key in enumerate(zip(order.tolist(), unit.tolist(), strict=True)):
        verdict = verdicts.get(key)
        if verdict is None:
            i, code = key
            verdict = verdicts[key] = unit_kind(orders[i], frame.unit_name(code)) in kinds
        keep[k] = verdict
    return keep


def _start_filter(batch: OrderBatch, only_if_start: str, start: Int64s) -> Bools:
    """Which clocks ``only_if_start`` keeps (``after_hours``: over the batch at once)."""
    cal = batch.plan.calendar
    hours = cal.office_hours
    assert hours is not None
    if only_if_start == "after_hours":
        timeline = timeline_of(cal)
        covered = timeline.covered(start)
        day = np.minimum(np.maximum(timeline.days(start), 0), len(timeline.is_work) - 1)
        tod = (start + SHANGHAI_US) % US_PER_DAY
        after: Bools = (
            ~timeline.is_work[day]
            | (tod < hours.intervals[0][0] * US_PER_MINUTE)
            | (tod >= hours.intervals[-1][1] * US_PER_MINUTE)
        )
        for k in np.flatnonzero(~covered).tolist():
            after[k] = _after_hours(batch, from_us(int(start[k])))
        return after
    inside = only_if_start == "inside_office_hours"
    return np.fromiter(
        (cal.in_office_hours(from_us(t)) == inside for t in start.tolist()),
        dtype=bool,
        count=len(start),
    )


def _bound_of(findings: Findings, rule: ClockRule, i: int) -> int:
    """The earliest due instant of the first clock of each ``no_later_than`` rule."""
    bound = _NO_BOUND
    for other_id in rule.no_later_than:
        other = sorted(_rows_of(findings, other_id, i), key=lambda r: r[4])
        if other:
            bound = min(bound, other[0][8])
    return bound


def clock_rows_loop(
    batch: OrderBatch, rule: ClockRule, selector: str, findings: Findings
) -> tuple[Part, set[int]]:
    """:func:`clock_rows` order by order (each order's events walked in Python).

    The reference the whole-batch kernel is tested against, and what runs when the
    batch is too large for its search keys.
    """
    plan = batch.plan
    patterns = (
        plan.pattern_of(rule.start) if isinstance(rule.start, EventRef) else None,
        plan.pattern_of(rule.stop),
        plan.pattern_of(rule.extend) if rule.extend is not None else None,
        [plan.pattern_of(b) for b, _ in rule.pause],
    )
    deadlines: dict[tuple[Any, ...], Any] = {}
    periods: dict[dt.date, _Period] = {}
    fallback: set[int] = set()
    found: list[_Clock] = []
    for i, match in enumerate(batch.matches):
        if selector not in match.selectors:
            continue
        judged = batch.judged[i]
        period = periods.get(judged)
        if period is None:
            period = periods[judged] = _period(batch, rule, judged)
        if not period.wanted:
            continue
        try:
            found.extend(_order_clocks(batch, i, rule, patterns, period, deadlines, findings))
        except (_FallbackError, LookupError):
            fallback.add(i)
    if not found:
        return [], fallback
    return _finish(batch, rule, found, fallback), fallback


def _order_clocks(
    batch: OrderBatch,
    i: int,
    rule: ClockRule,
    patterns: tuple[str | None, str, str | None, list[str]],
    period: _Period,
    deadlines: dict[tuple[Any, ...], Any],
    findings: Findings,
) -> list[_Clock]:
    start_pattern, stop_pattern, extend_pattern, pause_patterns = patterns
    view = batch.views[i]
    kept = view.kept
    runs = _runs(batch, i, rule, start_pattern, findings)
    if not runs:
        return []
    stops = batch.positions(i, stop_pattern)
    if rule.also_stopped_by is not None:
        also = rule.also_stopped_by
        passes = compile_where(also.where)
        extra = [k for k, e in enumerate(kept) if e.type == also.event and passes(e)]
        stops = sorted(set(stops) | set(extra))
    if period.excepting and stops:
        assert rule.not_stopped_by is not None
        passed = compile_where(rule.not_stopped_by.where)
        stops = [k for k in stops if not passed(kept[k])]
    if rule.only_if_start is not None:
        cal = batch.plan.calendar
        if cal.office_hours is None:
            return []  # the engine warns (no_office_hours) and reports no clock
        if rule.only_if_start == "after_hours":
            runs = [run for run in runs if _after_hours(batch, run[0])]
        else:
            inside = rule.only_if_start == "inside_office_hours"
            runs = [run for run in runs if cal.in_office_hours(run[0]) == inside]
    if rule.for_unit_kind:
        order = batch.orders[i]
        runs = [run for run in runs if unit_kind(order, run[2]) in rule.for_unit_kind]
    as_of = batch.instants[i]
    out = []
    for occurrence, (start, k0, assigned, ends, standin) in enumerate(runs):
        if assigned is not None:
            unit: str | None = assigned
        elif standin is not None:
            unit = standin[5] or None
        elif rule.charge == "start_unit" and k0 is not None:
            unit = kept[k0].unit
        elif k0 is not None:
            unit = view.handling[k0] or _first_handling(view.handling)
        else:
            unit = _first_handling(view.handling)
        due: dt.datetime | None = None
        if period.spec is not None:
            if period.office_us is None:
                due = _calendar_due(batch, start, period, deadlines)
        else:
            field = rule.due_field
            source = (
                batch.orders[i]
                if field == "reply_deadline"
                else kept[k0]
                if k0 is not None
                else None
            )
            due = getattr(source, field or "", None) if source is not None else None
            if due is None:
                continue  # the engine warns (missing_deadline) and reports no clock
            if assigned is not None and start >= due:
                continue  # given the order after the deadline: no clock (as the engine)
        bounds = []
        for other_id in rule.no_later_than:
            other = sorted(_rows_of(findings, other_id, i), key=lambda r: r[4])
            if other:
                bounds.append(from_us(other[0][8]))
        stop_k = None
        for k in stops:
            if (k0 is not None and k <= k0) or (standin is None and kept[k].at < start):
                continue
            if ends is not None and k >= ends:
                break
            if rule.stop_by == "same_unit" and kept[k].unit != unit:
                continue
            if (
                assigned is not None
                and kept[k].type == rule.stop.event
                and kept[k].unit not in (assigned, None)
            ):
                continue
            stop_k = k
            break
        if stop_k is None and ends is not None:
            stop_k = ends
        limit = kept[stop_k].at if stop_k is not None else as_of
        # a pause begun while the clock ran: the engine decides; extensions are counted
        first_row = int(batch.frame.offsets[i])
        granted = (
            [
                first_row + k
                for k in batch.positions(i, extend_pattern)
                if (k0 is None or k > k0) and kept[k].at <= limit and extends_for(kept[k], assigned)
            ]
            if extend_pattern is not None
            else []
        )
        for begin_pattern in pause_patterns:
            for b in batch.positions(i, begin_pattern):
                if (k0 is None or b > k0) and kept[b].at <= limit:
                    raise _FallbackError
        stopped = kept[stop_k].at if stop_k is not None else None
        office_us = period.office_us if due is None and period.office_us is not None else 0
        index = view.indices[k0] if k0 is not None else -1
        out.append(
            _Clock(i, occurrence, start, due, office_us, stopped, unit, bounds, index, granted)
        )
    return out


def _calendar_dues(
    batch: OrderBatch,
    which: Int64s,
    r_order: Int64s,
    r_start: Int64s,
    period_of: Int64s,
    periods: list[_Period],
    due: Int64s,
    fallback: set[int],
) -> None:
    """Due instants by the calendar (:func:`_calendar_due`) of the clocks ``which``, in ``due``.

    One deadline per distinct key of :func:`_calendar_due`'s memo (under the civil code
    the start's Shanghai date and whether it came after closing time, else the start),
    found for the first clock with it; the clocks of an order whose deadline the
    calendar cannot give exactly send the order to the engine.
    """
    deadlines = _deadlines(batch)
    starts = r_start[which]
    if len(starts) and int(starts.min()) >= FIXED_OFFSET_FROM_US:
        hours = batch.plan.calendar.office_hours
        local = starts + SHANGHAI_US
        late = (
            (local % US_PER_DAY) // US_PER_MINUTE >= hours.closing
            if hours is not None
            else np.zeros(len(starts), dtype=bool)
        )
        civil = np.fromiter(
            (_by_date(p.convention, p.spec) for p in periods), dtype=bool, count=len(periods)
        )[period_of[which]]
        # the distinct (period, key) pairs, in order, each with its first clock
        group, key = period_of[which], np.where(civil, (local // US_PER_DAY) * 2 + late, starts)
        by_key = np.lexsort((key, group))  # (stable: the first clock of each pair first)
        new = first_of_runs(group[by_key]) | first_of_runs(key[by_key])
        first = by_key[new]
        inverse = np.empty(len(by_key), dtype=np.int64)
        inverse[by_key] = np.cumsum(new) - 1
        found = np.empty(len(first), dtype=np.int64)
        failed = np.zeros(len(first), dtype=bool)
        for g, k in enumerate(which[first].tolist()):
            try:
                found[g] = to_us(
                    _calendar_due(
                        batch, from_us(int(r_start[k])), periods[int(period_of[k])], deadlines
                    )
                )
            except _FallbackError:
                failed[g] = True
        due[which] = np.where(failed[inverse], due[which], found[inverse])
        fallback.update(r_order[which[failed[inverse]]].tolist())
        return
    order_l, start_l, period_l = r_order.tolist(), r_start.tolist(), period_of.tolist()
    for k in which.tolist():
        i = order_l[k]
        if i in fallback:
            continue
        try:
            due[k] = to_us(
                _calendar_due(batch, from_us(start_l[k]), periods[period_l[k]], deadlines)
            )
        except _FallbackError:
            fallback.add(i)


def _deadlines(batch: OrderBatch) -> dict[tuple[Any, ...], Any]:
    """:func:`_calendar_due`'s memo, shared by the batch's clock rules (one calendar)."""
    found: dict[tuple[Any, ...], Any] = batch.memo.setdefault("clock-deadlines", {})
    return found


def _calendar_due(
    batch: OrderBatch, start: dt.datetime, period: _Period, deadlines: dict[tuple[Any, ...], Any]
) -> dt.datetime:
    assert period.spec is not None
    local = to_shanghai(start, what="start")
    key: tuple[Any, ...]
    if _by_date(period.convention, period.spec):
        # the due instant depends on the start's date and whether it came after closing
        hours = batch.plan.calendar.office_hours
        late = hours is not None and local.hour * 60 + local.minute >= hours.closing
        key = (local.date(), late, period.spec, period.convention, period.half_day)
    else:
        key = (start, period.spec, period.convention, period.half_day)
    deadline = deadlines.get(key)
    if deadline is None:
        try:
            deadline = remembered_deadline(
                batch.plan.calendar,
                local,
                period.spec,
                period.convention,
                half_day=period.half_day,
            )
        except GrievanceRulesError as exc:
            raise _FallbackError from exc
        deadlines[key] = deadline
    if deadline.provisional:
        raise _FallbackError
    due: dt.datetime = deadline.due
    return due


@functools.lru_cache(maxsize=256)
def _by_date(convention: str, spec: str | None) -> bool:
    """Whether a period's due instant depends only on its start's date and closing time.

    That is, on the start's date and whether the start came after closing time. Under
    the civil code, days are counted from the start's date, and "the same day" after
    closing time is the next working day's; under ``working_time``, "the same day" ends
    at closing time of the start's date, or of the next working day when the start came
    on a day off or after closing (``compute_deadline``). Any other period depends on
    the start itself.
    """
    if convention == CountingConvention.CIVIL_CODE.value:
        return True
    if convention != CountingConvention.WORKING_TIME.value or spec is None:
        return False
    try:
        return Duration.parse(spec).unit is DurationUnit.SAME_DAY
    except GrievanceRulesError:
        return False


def _first_handling(handling: Any) -> str | None:
    return next((unit for unit in handling if unit is not None), None)


def _finish(batch: OrderBatch, rule: ClockRule, found: list[_Clock], fallback: set[int]) -> Block:
    """:func:`_finish_arrays` over the clocks the loop found."""
    frame = batch.frame
    n = len(found)
    return _finish_arrays(
        batch,
        rule,
        _Runs(
            order=np.fromiter((c.order for c in found), dtype=np.int64, count=n),
            occurrence=np.fromiter((c.occurrence for c in found), dtype=np.int64, count=n),
            start=np.fromiter((to_us(c.start) for c in found), dtype=np.int64, count=n),
            due=np.fromiter(
                (to_us(c.due) if c.due is not None else _NO_DUE for c in found),
                dtype=np.int64,
                count=n,
            ),
            office=np.fromiter((c.office_us for c in found), dtype=np.int64, count=n),
            stop=np.fromiter(
                (to_us(c.stopped) if c.stopped is not None else -1 for c in found),
                dtype=np.int64,
                count=n,
            ),
            bound=np.fromiter(
                (min(to_us(b) for b in c.bounds) if c.bounds else _NO_BOUND for c in found),
                dtype=np.int64,
                count=n,
            ),
            unit=np.fromiter((frame.code_for(c.unit) for c in found), dtype=np.int64, count=n),
            event=np.fromiter((c.event for c in found), dtype=np.int64, count=n),
            granted={k: c.granted for k, c in enumerate(found) if c.granted},
        ),
        fallback,
    )


@dataclass
class _Runs:
    """Clocks as arrays, one entry per clock, in order and then occurrence."""

    order: Int64s
    occurrence: Int64s
    start: Int64s
    due: Int64s
    """Known already (µs), or ``_NO_DUE``: ``office`` µs after the start's position."""
    office: Int64s
    stop: Int64s
    bound: Int64s
    """The earliest ``no_later_than`` due instant, or ``_NO_BOUND``."""
    unit: Int64s
    event: Int64s
    granted: dict[int, list[int]] = field(default_factory=dict)
    """Clock → the global rows of the extensions granted while it ran (few clocks have any)."""


def _finish_arrays(batch: OrderBatch, rule: ClockRule, runs: _Runs, fallback: set[int]) -> Block:
    """Due instants, states, fractions and warning levels over every clock at once, as a block."""
    plan = batch.plan
    frame = batch.frame
    order, start, due, stop = runs.order, runs.start, runs.due, runs.stop
    end = np.where(stop >= 0, stop, frame.instants_us[order])
    ok = np.ones(len(order), dtype=bool)
    if plan.calendar.office_hours is not None:
        timeline = timeline_of(plan.calendar)
        covered, p_start = timeline.placed(start)
        ok &= covered
        pending = due == _NO_DUE
        if pending.any():
            computed = timeline.instants_at(p_start + runs.office)
            ok &= ~pending | (computed >= 0)
            due = np.where(pending, computed, due)
    due = np.minimum(due, runs.bound)
    if runs.granted:
        due = _extended(batch, rule, runs, due, fallback)
    if plan.calendar.office_hours is not None:
        due_covered, p_due = timeline.placed(due)
        end_covered, p_end = timeline.placed(end)
        ok &= due_covered & end_covered
        wall = on_wall_clock(batch, rule)[order]  # an elapsed period: wall-clock time
        if wall.any():
            p_start = np.where(wall, start, p_start)
            p_due, p_end = np.where(wall, due, p_due), np.where(wall, end, p_end)
    else:
        p_start, p_due, p_end = start, due, end
    fallback.update(order[~ok].tolist())
    if fallback:
        keep = ~in_orders(order, fallback, len(frame))
        order, start, due, stop, end = order[keep], start[keep], due[keep], stop[keep], end[keep]
        p_start, p_due, p_end = p_start[keep], p_due[keep], p_end[keep]
        occurrence, unit, event = runs.occurrence[keep], runs.unit[keep], runs.event[keep]
    else:
        occurrence, unit, event = runs.occurrence, runs.unit, runs.event
    total = np.maximum(p_due - p_start, 0) / 1e6
    elapsed = np.maximum(p_end - p_start, 0) / 1e6
    state = np.where(
        stop >= 0,
        np.where(stop <= due, 1, 2),  # met, breached
        np.where(end > due, 2, 0),  # breached, running
    )
    # elapsed / total if total > 0 else 1.0, as the engine's: the lights are judged on
    # it, and it is reported rounded to 6 decimals
    share = np.divide(elapsed, total, out=np.ones(len(total)), where=total > 0)
    fraction = _rounded_6(share)
    levels = _levels(batch, rule, order, state == 0, share)
    names = np.asarray(["running", "met", "breached"], dtype=object)
    units = np.asarray([*frame.unit_names, ""], dtype=object)  # -1 reads the last: ""
    return block(
        order,
        frame.ids,
        rule.id,
        "clock",
        filler=frame.remember("column-filler", Filler),
        seq=occurrence,
        unit=Coded(unit, units),
        state=Coded(state, names),
        start_us=start,
        due_us=due,
        stop_us=stop,
        level=levels,
        fraction=fraction,
        event=event,
    )


def _levels(
    batch: OrderBatch, rule: ClockRule, order: Int64s, running: Bools, share: Floats
) -> Objects | Coded:
    """Each clock's warning level: of the running ones, the last warning whose share it reached.

    ``share`` is each clock's elapsed share of its period, exact (not rounded).

    A warning's fraction is its parameter's value on the order's judged date (else its
    ``at``), found once per judged date.
    """
    if not rule.warnings or not running.any():
        return full(len(order), "", object)
    plan = batch.plan
    days, day_of = batch.judged_groups()
    group = day_of[order]
    at = np.full((len(rule.warnings), len(days)), np.nan)
    for d in np.flatnonzero(np.bincount(group[running], minlength=len(days))).tolist():
        for w, warning in enumerate(rule.warnings):
            value = (
                plan.value(ParamRef(param=warning.param), days[d]) if warning.param else warning.at
            )
            if value.__class__ not in (int, float):
                return np.asarray(_levels_loop(batch, rule, order, running, share), dtype=object)
            at[w, d] = value
    level = np.full(len(order), -1, dtype=np.int64)
    for w in range(len(rule.warnings)):  # the last reached wins
        level[running & (share >= at[w][group])] = w
    named = np.asarray([*(w.level for w in rule.warnings), ""], dtype=object)  # -1: the last
    return Coded(level, named)


def _levels_loop(
    batch: OrderBatch, rule: ClockRule, order: Int64s, running: Bools, share: Floats
) -> list[str]:
    """:func:`_levels` clock by clock (a warning's fraction not an int or float)."""
    plan = batch.plan
    levels = [""] * len(order)
    marks: dict[dt.date, list[tuple[Any, str]]] = {}
    judged = batch.judged
    order_l = order.tolist()
    share_l = share.tolist()
    for k in np.flatnonzero(running).tolist():
        day = judged[order_l[k]]
        found = marks.get(day)
        if found is None:
            found = marks[day] = [
                (plan.value(ParamRef(param=w.param), day) if w.param else w.at, w.level)
                for w in rule.warnings
            ]
        level = ""
        for at, name in found:
            if share_l[k] >= at:
                level = name
        levels[k] = level
    return levels


def _rounded_6(values: Floats) -> Floats:
    """``round(v, 6)`` of each value (Python's, correctly rounded), over an array at once.

    ``v * 1e6`` rounded to an integer and divided by ``1e6`` is Python's answer unless
    the product lies within its own rounding error of a half (or is too large to hold
    fractions): those few are rounded by Python.

    Example:
        >>> import numpy as np
        >>> values = [0.1234565, 1 / 3, 2.5e-7, 0.0000025, 1.0, 7e9, 0.1 + 0.2]
        >>> _rounded_6(np.asarray(values)).tolist() == [round(v, 6) for v in values]
        True
    """
    scaled = values * 1e6
    result: Floats = np.rint(scaled) / 1e6
    unsure = ~(np.abs(scaled) < 2.0**52) | (
        np.abs(scaled - np.floor(scaled) - 0.5) <= np.abs(np.spacing(scaled))
    )
    for k in np.flatnonzero(unsure).tolist():
        result[k] = round(float(values[k]), 6)
    return result
