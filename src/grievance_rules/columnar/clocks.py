"""The clock kernel: every clock of one rule over a batch, without building findings.

It reproduces :func:`grievance_rules.engine.clocks.evaluate_clock` for the clocks it
supports and says which it does not:

* **rule level**: every construct of a clock has a kernel, but a clock whose
  ``no_later_than`` or ``start_else_due_of`` names a clock without one has none;
* **order level**: an order whose clock could be paused or extended, whose deadline
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
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from grievance_rules.calendar import Duration
from grievance_rules.calendar.deadlines import remembered_deadline
from grievance_rules.calendar.durations import CountingConvention, DurationUnit, HalfDayRule
from grievance_rules.calendar.office_hours import to_shanghai
from grievance_rules.columnar.batch import OrderBatch, to_us
from grievance_rules.columnar.findings import Row
from grievance_rules.columnar.timeline import timeline_of
from grievance_rules.engine.clocks import compile_where
from grievance_rules.errors import GrievanceRulesError
from grievance_rules.packs.schema import ClockRule, EventRef, ParamRef

__all__ = ["Findings", "clock_rows", "unsupported"]

Findings = Callable[[str, int], list[Row] | None]
"""(rule id, order) → that rule's rows on the order, or ``None`` where a kernel did not
compute them (the rule runs per order there)."""

_NO_DUE = -(2**62)


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
            _office_us(batch, spec, convention, half_day),
        )
    return period


def _office_us(batch: OrderBatch, spec: str | None, convention: str, half_day: str) -> int | None:
    """Office µs a ``working_time`` period adds to its start's position, if vectorisable."""
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
            if minutes is not None and minutes > 0 and (minutes * 60_000_000).denominator == 1:
                office_us = int(minutes * 60_000_000)
    return office_us


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
                    runs.append((_at(row[8]), None, a.unit, a.ends, row))
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
    runs = [(kept[k].at, k, None, None, None) for k in matched]
    if rule.occurrence == "first":
        runs = runs[:1]
    if not runs and rule.start_else_due_of is not None:
        row = _standin(batch, i, rule.start_else_due_of, findings)
        if row is not None:
            runs = [(_at(row[8]), None, None, None, row)]
    return runs


def _at(us: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=us)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def clock_rows(
    batch: OrderBatch, rule: ClockRule, selector: str, findings: Findings
) -> tuple[list[Row], set[int]]:
    """The rows of one clock rule over the batch, and the orders left to the engine.

    ``findings`` answers for the rules named in ``no_later_than`` and
    ``start_else_due_of`` (computed first).
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
        bounds = []
        for other_id in rule.no_later_than:
            other = sorted(_rows_of(findings, other_id, i), key=lambda r: r[4])
            if other:
                bounds.append(_at(other[0][8]))
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
        # an extension granted, or a pause begun, while the clock ran: the engine decides
        if extend_pattern is not None and any(
            (k0 is None or k > k0) and kept[k].at <= limit
            for k in batch.positions(i, extend_pattern)
        ):
            raise _FallbackError
        for begin_pattern in pause_patterns:
            for b in batch.positions(i, begin_pattern):
                if (k0 is None or b > k0) and kept[b].at <= limit:
                    raise _FallbackError
        stopped = kept[stop_k].at if stop_k is not None else None
        office_us = period.office_us if due is None and period.office_us is not None else 0
        index = view.indices[k0] if k0 is not None else -1
        out.append(_Clock(i, occurrence, start, due, office_us, stopped, unit, bounds, index))
    return out


def _calendar_due(
    batch: OrderBatch, start: dt.datetime, period: _Period, deadlines: dict[tuple[Any, ...], Any]
) -> dt.datetime:
    assert period.spec is not None
    local = to_shanghai(start, what="start")
    key: tuple[Any, ...]
    if period.convention == CountingConvention.CIVIL_CODE.value:
        # under the civil code the due instant depends on the start's date (and, for
        # "the same day", on whether it came after closing time), as the calendar's memo
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


def _first_handling(handling: Any) -> str | None:
    return next((unit for unit in handling if unit is not None), None)


def _finish(
    batch: OrderBatch, rule: ClockRule, found: list[_Clock], fallback: set[int]
) -> list[Row]:
    """Due instants, states, fractions and warning levels over every clock at once."""
    plan = batch.plan
    n = len(found)
    order = np.fromiter((c.order for c in found), dtype=np.int64, count=n)
    start = np.fromiter((to_us(c.start) for c in found), dtype=np.int64, count=n)
    due = np.fromiter(
        (to_us(c.due) if c.due is not None else _NO_DUE for c in found), dtype=np.int64, count=n
    )
    office = np.fromiter((c.office_us for c in found), dtype=np.int64, count=n)
    stop = np.fromiter(
        (to_us(c.stopped) if c.stopped is not None else -1 for c in found),
        dtype=np.int64,
        count=n,
    )
    as_of_us = np.asarray([to_us(t) for t in batch.instants], dtype=np.int64)
    end = np.where(stop >= 0, stop, as_of_us[order])
    ok = np.ones(n, dtype=bool)
    if plan.calendar.office_hours is not None:
        timeline = timeline_of(plan.calendar)
        ok &= timeline.covered(start)
        p_start = timeline.positions(start)
        pending = due == _NO_DUE
        if pending.any():
            computed = timeline.instants_at(p_start + office)
            ok &= ~pending | (computed >= 0)
            due = np.where(pending, computed, due)
    for k, clock in enumerate(found):
        if clock.bounds:
            due[k] = min(int(due[k]), *(to_us(b) for b in clock.bounds))
    if plan.calendar.office_hours is not None:
        ok &= timeline.covered(due) & timeline.covered(end)
        p_due, p_end = timeline.positions(due), timeline.positions(end)
    else:
        p_start, p_due, p_end = start, due, end
    for i in set(order[~ok].tolist()):
        fallback.add(int(i))
    total = np.maximum(p_due - p_start, 0) / 1e6
    elapsed = np.maximum(p_end - p_start, 0) / 1e6
    state = np.where(
        stop >= 0,
        np.where(stop <= due, 1, 2),  # met, breached
        np.where(end > due, 2, 0),  # breached, running
    )
    names = ("running", "met", "breached")
    levels: dict[dt.date, list[tuple[float, str]]] = {}
    rows: list[Row] = []
    ids = [o.id for o in batch.orders]
    total_l, elapsed_l, state_l = total.tolist(), elapsed.tolist(), state.tolist()
    start_l, due_l, stop_l = start.tolist(), due.tolist(), stop.tolist()
    for k, clock in enumerate(found):
        i = clock.order
        if i in fallback:
            continue
        t = total_l[k]
        fraction = round(elapsed_l[k] / t, 6) if t > 0 else 1.0
        level = ""
        if state_l[k] == 0 and rule.warnings:
            judged = batch.judged[i]
            marks = levels.get(judged)
            if marks is None:
                marks = levels[judged] = [
                    (plan.value(ParamRef(param=w.param), judged) if w.param else w.at, w.level)
                    for w in rule.warnings
                ]
            for at, name in marks:
                if fraction >= at:
                    level = name
        rows.append(
            (i, ids[i], rule.id, "clock", clock.occurrence, clock.unit or "", names[state_l[k]],
             start_l[k], due_l[k], stop_l[k], level, fraction, float("nan"), "columnar",
             clock.event)
        )  # fmt: skip
    return rows
