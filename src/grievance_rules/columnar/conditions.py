"""Conditions over a batch: what triggers count, and whether a condition holds on each order.

The kernels of the rules that hold a condition (:mod:`.escalations`,
:mod:`.deductions`, :mod:`.records`) ask here. A condition is judged as
:mod:`grievance_rules.engine.condition_tree` judges it on one order, from what each
trigger counts (:func:`occurrences`): the order's events its reference matched (with
``after``, ``unless_after``, ``assigns``), and the clocks, windows and escalations of
other rules a kernel already computed on the order. Triggers, ``any``, ``all``,
``not`` and ``count`` (``at_least`` n ≥ 1 or ``equals``, ``distinct``) and ``repeat``
(from the batch's repeat index) are supported. Rule level, a trigger counting
deductions has no kernel (:func:`unsupported`); order level, a trigger on a rule the
per-order engine evaluates on that order sends the order there.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from grievance_rules.columnar.batch import OrderBatch
from grievance_rules.columnar.clocks import on_wall_clock
from grievance_rules.columnar.findings import Block, Part, Row
from grievance_rules.columnar.frame import first_of_runs
from grievance_rules.columnar.instants import from_us, to_us
from grievance_rules.columnar.timeline import timeline_of
from grievance_rules.engine.clocks import LevelReached, level_reached, warning_of
from grievance_rules.engine.condition_tree import count_threshold
from grievance_rules.engine.conditions import about_unit, preceded_positions
from grievance_rules.packs.schema import (
    AllOf,
    AnyOf,
    ClockRule,
    Condition,
    CountOf,
    NotOf,
    ParamIs,
    ParamRef,
    RepeatOf,
    Trigger,
    WarningLevel,
)

__all__ = [
    "BatchFindings",
    "ClockColumns",
    "CountedOccurrence",
    "Counting",
    "Findings",
    "OrderHolding",
    "UnsupportedError",
    "applying_orders",
    "clock_columns",
    "could_hold_on",
    "counting_of",
    "holds_over_batch",
    "judge_order",
    "occurrences",
    "since_over_batch",
    "since_with_findings",
    "trigger_event_rows",
    "unsupported",
]

Int64s = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

Findings = Callable[[str, int], list[Row] | None]
"""(rule id, order) → that rule's rows on the order, or ``None`` if a kernel did not
compute them there (the rule runs per order on it)."""


class BatchFindings(Protocol):
    """:data:`Findings`, and every row of a rule at once (for the kernels over the batch)."""

    def __call__(self, rule_id: str, i: int) -> list[Row] | None:
        """That rule's rows on order ``i``, or ``None`` if it runs per order there."""

    def of_rule(self, rule_id: str) -> tuple[Sequence[Row], Collection[int]]:
        """Every row the kernels found for the rule so far, and the orders it runs per order on."""

    def parts_of_rule(self, rule_id: str) -> tuple[Sequence[Part], Collection[int]]:
        """:meth:`of_rule`'s findings as the kernels gave them: blocks of columns or rows."""


class UnsupportedError(Exception):
    """This order's condition needs the per-order engine."""


def unsupported(cond: Condition | None) -> str | None:
    """Why a condition has no kernel, or ``None`` if it has one."""
    if cond is None:
        return None
    if isinstance(cond, Trigger):
        return "a trigger on deductions" if cond.deduction else None
    if isinstance(cond, AnyOf | AllOf):
        parts = cond.any if isinstance(cond, AnyOf) else cond.all
        return next((why for part in parts if (why := unsupported(part)) is not None), None)
    if isinstance(cond, NotOf):
        return unsupported(cond.not_)
    if isinstance(cond, CountOf):
        return unsupported(cond.count)
    if isinstance(cond, RepeatOf | ParamIs):
        return None
    return f"a {type(cond).__name__} condition"


@dataclass(frozen=True)
class CountedOccurrence:
    """One occurrence a trigger counts (as ``condition_tree.Occurrence``)."""

    at: dt.datetime
    label: str
    unit: str | None
    handling: str | None
    subject: str | None
    points: float | None = None
    event: int | None = None
    about: str | None = None
    """The unit a counted callback rates (:func:`~grievance_rules.model.handling.about_unit`)."""


@functools.cache
def _fields_of(cls: type[Any]) -> frozenset[str]:
    """The fields of an event class (asking a pydantic model for a missing one is slow)."""
    return frozenset(cls.model_fields)


def occurrences(
    batch: OrderBatch, i: int, trigger: Trigger, findings: Findings
) -> list[CountedOccurrence]:
    """Everything one trigger counts on order ``i``, in time order (as the engine's)."""
    plan = batch.plan
    view = batch.views[i]
    found: list[CountedOccurrence] = []
    if trigger.event is not None:
        kept = view.kept
        positions = batch.positions(i, plan.pattern_of(trigger))
        if positions and trigger.assigns:
            begins = {a.begins for a in batch.assignments(i)}
            positions = [k for k in positions if k in begins]
        if positions and (trigger.after is not None or trigger.unless_after is not None):
            after = batch.positions(i, plan.pattern_of(trigger.after)) if trigger.after else None
            unless = (
                batch.positions(i, plan.pattern_of(trigger.unless_after))
                if trigger.unless_after
                else []
            )
            positions = preceded_positions(
                kept, positions, after, unless, same_unit=trigger.same_unit
            )
        first = None
        for k in positions:
            event = kept[k]
            if first is None:
                first = next((u for u in view.handling if u is not None), None)
            fields = _fields_of(type(event))
            # the model's fields read from its dict: one slow look-up on the model (it has
            # __getattr__), not one per field
            values = event.__dict__
            handling = view.handling[k] or first
            found.append(
                CountedOccurrence(
                    values["at"],
                    f"event {view.indices[k]} ({values['type']})",
                    values["unit"],
                    handling,
                    values["subject_unit"] if "subject_unit" in fields else None,
                    values["points"] if "points" in fields else None,
                    view.indices[k],
                    about_unit(event, handling),
                )
            )
    for rule_id in trigger.clock:
        rows = findings(rule_id, i)
        if rows is None:
            raise UnsupportedError
        for r in rows:
            counted = _clock_counted(batch, i, rule_id, r, trigger)
            if counted is None:
                continue
            at_us, reached = counted
            if reached is not None:  # at the instant it reached the level
                at = reached.at
                label = f"clock {rule_id}#{r[4]} " + (
                    reached.how if trigger.reached else f"{r[6]}, {reached.how}"
                )
            else:
                at = from_us(at_us)
                label = f"clock {rule_id}#{r[4]} {r[6]}"
            found.append(CountedOccurrence(at, label, r[5] or None, r[5] or None, None))
    for rule_id in trigger.window:
        rows = findings(rule_id, i)
        if rows is None:
            raise UnsupportedError
        for r in rows:
            if r[6] == trigger.state:
                acted = from_us(r[9])
                label = f"window {rule_id} event {r[14]} {r[6]}"
                unit = r[5] or None
                found.append(
                    CountedOccurrence(
                        acted,
                        label,
                        unit,
                        batch.frame.handling_at(i, to_us(acted)),
                        None,
                        event=r[14],
                    )
                )
    for rule_id in trigger.escalation:
        rows = findings(rule_id, i)
        if rows is None:
            raise UnsupportedError
        for r in rows:
            unit = r[5] or None
            found.append(
                CountedOccurrence(from_us(r[7]), f"escalation {rule_id}", unit, unit, None)
            )
    if len(found) > 1:
        found.sort(key=lambda o: (o.at, o.label))
    return found


@dataclass(frozen=True)
class ClockColumns:
    """A clock rule's rows as columns, for the triggers that count them without a level.

    ``order`` and ``at`` are lists (``at``: the instant :func:`_clock_counted` gives a
    row without a level); ``units`` the rows' units (``None`` for none).
    """

    order: list[int]
    at: list[int]
    units: list[str | None]
    state: npt.NDArray[np.object_]
    occurrence: Int64s

    def counted(self, trigger: Trigger) -> Bools:
        """Which rows the trigger counts (its state and occurrence; it names no level)."""
        keep = np.ones(len(self.order), dtype=bool)
        if trigger.state is not None:
            keep &= self.state == trigger.state
        if trigger.occurrence is not None:
            keep &= self.occurrence == trigger.occurrence
        return keep


def clock_columns(batch: OrderBatch, rule_id: str, findings: BatchFindings) -> ClockColumns:
    """A clock rule's findings as :class:`ClockColumns` (once per batch, rule and count).

    As :func:`_clock_counted` dates a row without a level: a breached clock at its due
    instant, a stopped one at its stop, a running one at the earlier of its due instant
    and the order's assessment instant. Read from the kernel's blocks of columns where it
    gave only blocks (no row made), else from the rule's rows.
    """
    parts = findings.parts_of_rule(rule_id)[0]
    size = sum(part.size if isinstance(part, Block) else len(part) for part in parts)
    key = ("clock-columns", rule_id, size)
    kept: tuple[Sequence[Part], ClockColumns] | None = batch.memo.get(key)
    if kept is not None and kept[0] is parts:
        return kept[1]
    if parts and all(isinstance(part, Block) for part in parts):
        blocks = [part for part in parts if isinstance(part, Block)]

        def joined(name: str) -> npt.NDArray[Any]:
            return np.concatenate([b.column(name) for b in blocks])

        order, due, stop, state = (joined(n) for n in ("order", "due_us", "stop_us", "state"))
        units = [unit or None for unit in joined("unit").tolist()]
        occurrence = joined("seq")
    else:
        rows = findings.of_rule(rule_id)[0]
        n = len(rows)
        order = np.fromiter(map(itemgetter(0), rows), dtype=np.int64, count=n)
        due = np.fromiter(map(itemgetter(8), rows), dtype=np.int64, count=n)
        stop = np.fromiter(map(itemgetter(9), rows), dtype=np.int64, count=n)
        state = np.asarray(list(map(itemgetter(6), rows)), dtype=object)
        units = [unit or None for unit in map(itemgetter(5), rows)]
        occurrence = np.fromiter(map(itemgetter(4), rows), dtype=np.int64, count=n)
    at = np.where(
        state == "breached",
        due,
        np.where(stop >= 0, stop, np.minimum(due, batch.frame.instants_us[order])),
    )
    columns = ClockColumns(order.tolist(), at.tolist(), units, state, occurrence)
    batch.memo[key] = (parts, columns)
    return columns


def _clock_counted(
    batch: OrderBatch, i: int, rule_id: str, row: Row, trigger: Trigger
) -> tuple[int, LevelReached | None] | None:
    """Whether a clock's row counts for a trigger: at which instant (µs), and the level reached.

    As the per-order judge: a clock in the trigger's state, level and occurrence, at
    the instant it reached the trigger's level (``reached``, ``level``); else a
    breached clock at its due instant, a stopped one at its stop, a running one at
    the earlier of its due instant and the order's assessment instant.
    """
    if trigger.state is not None and row[6] != trigger.state:
        return None
    if trigger.level is not None and row[10] != trigger.level:
        return None
    if trigger.occurrence is not None and row[4] != trigger.occurrence:
        return None
    mark = trigger.reached or trigger.level
    if mark is not None:
        reached = _reached(batch, i, rule_id, row, mark)
        return None if reached is None else (to_us(reached.at), reached)
    if row[6] == "breached":
        return row[8], None
    if row[9] >= 0:
        return row[9], None
    return min(row[8], int(batch.frame.instants_us[i])), None


def _warning(batch: OrderBatch, rule_id: str, level: str) -> WarningLevel | None:
    """A clock rule's warning level of that name (found once per batch)."""
    key = ("clock-warning", rule_id, level)
    if key not in batch.memo:
        batch.memo[key] = warning_of(batch.plan.pack, rule_id, level)
    found: WarningLevel | None = batch.memo[key]
    return found


def _reached(batch: OrderBatch, i: int, rule_id: str, row: Row, level: str) -> LevelReached | None:
    """When a clock row reached a warning level, if it did by ``as_of`` and its stop.

    As the per-order judge (``engine.conditions._reached``), with the same arithmetic
    (:func:`~grievance_rules.engine.clocks.level_reached`): the kernel's clocks are
    never paused (an order whose clock could be paused runs per order), so the period
    the share divides by is the office time (else wall-clock time) from start to due.
    """
    plan = batch.plan
    warning = _warning(batch, rule_id, level)
    if warning is None:
        return None
    fraction = batch.value(ParamRef(param=warning.param), i) if warning.param else warning.at
    calendar = plan.calendar
    start, due = from_us(row[7]), from_us(row[8])
    rule = plan.pack.rule(rule_id)
    assert isinstance(rule, ClockRule)
    wall = bool(on_wall_clock(batch, rule)[i])  # an elapsed period: wall-clock time
    if calendar.office_hours is not None and not wall:
        span = calendar.office_time_position_us(due) - calendar.office_time_position_us(start)
    else:
        span = row[8] - row[7]
    found = level_reached(
        calendar,
        start,
        max(span, 0) / 1e6,
        fraction,
        level=level,
        param=warning.param,
        wall_clock=wall,
    )
    until = row[9] if row[9] >= 0 else to_us(batch.instants[i])
    return found if to_us(found.at) <= until else None


def _reached_us(
    batch: OrderBatch, rule_id: str, rows: Sequence[Row], level: str
) -> list[int | None]:
    """:func:`_reached`'s instant (µs) for rows of one clock rule at once; ``None``: none.

    The same arithmetic as :func:`~grievance_rules.engine.clocks.level_reached` over
    arrays: the least whole microseconds of running time whose share of the period
    (office time from start to due, else wall-clock time) reaches the level's fraction,
    found from ``ceil(fraction * total * 1e6)`` and corrected by the same float tests,
    laid on office time from the start's position (a share of nothing: the start
    itself); ``None`` where it is after the clock's stop or the assessment instant, or
    the rule has no such level. A row whose start or due is off the calendar's final
    days, or whose fraction is not a plain number, is found by :func:`_reached`.
    """
    plan = batch.plan
    warning = _warning(batch, rule_id, level)
    m = len(rows)
    if warning is None or not m:
        return [None] * m
    order = np.fromiter(map(itemgetter(0), rows), dtype=np.int64, count=m)
    start = np.fromiter(map(itemgetter(7), rows), dtype=np.int64, count=m)
    due = np.fromiter(map(itemgetter(8), rows), dtype=np.int64, count=m)
    stop = np.fromiter(map(itemgetter(9), rows), dtype=np.int64, count=m)
    days, day_of = batch.judged_groups()
    if warning.param:
        ref = ParamRef(param=warning.param)
        asked = day_of[order].tolist()
        on = {d: plan.value(ref, days[d]) for d in dict.fromkeys(asked)}
        shares = [on[d] for d in asked]
    else:
        shares = [warning.at] * m
    plain = np.fromiter((type(x) in (float, int) for x in shares), dtype=bool, count=m)
    fraction = np.asarray([x if p else 0.0 for x, p in zip(shares, plain, strict=True)], float)
    rule = plan.pack.rule(rule_id)
    assert isinstance(rule, ClockRule)
    wall = on_wall_clock(batch, rule)[order]  # an elapsed period: wall-clock time
    office = plan.calendar.office_hours is not None
    exact = plain.copy()
    span = due - start
    if office:
        timeline = timeline_of(plan.calendar)
        start_covered, p_start = timeline.placed(start)
        due_covered, p_due = timeline.placed(due)
        span = np.where(wall, span, p_due - p_start)
        exact &= wall | (start_covered & due_covered)
    total = np.maximum(span, 0) / 1e6
    micros = np.zeros(m, dtype=np.int64)
    some = exact & (total > 0)  # (a period of nothing has run whole from its start)
    if some.any():
        share, seconds = fraction[some], total[some]
        found = np.maximum(np.ceil(share * seconds * 1e6), 0).astype(np.int64)
        while (less := (found > 0) & (((found - 1) / 1e6) / seconds >= share)).any():
            found[less] -= 1
        while (more := ~((found / 1e6) / seconds >= share)).any():
            found[more] += 1
        micros[some] = found
    at = start + micros
    if office:
        laid = timeline.instants_at(p_start + micros)
        on_office = ~wall & (micros > 0)
        exact &= ~on_office | (laid >= 0)
        at = np.where(on_office, laid, at)
    until = np.where(stop >= 0, stop, batch.frame.instants_us[order])
    reached: list[int | None] = [
        instant if inside else None
        for instant, inside in zip(at.tolist(), (at <= until).tolist(), strict=True)
    ]
    for k in np.flatnonzero(~exact).tolist():
        r = rows[k]
        one = _reached(batch, r[0], rule_id, r, level)
        reached[k] = None if one is None else to_us(one.at)
    return reached


OrderHolding = tuple[bool, dt.datetime | None, list[CountedOccurrence]]
"""What :func:`judge_order` finds: whether the condition holds, since when, what it counted."""


def judge_order(batch: OrderBatch, i: int, cond: Condition, findings: Findings) -> OrderHolding:
    """Whether a condition holds on order ``i``, since when, and the occurrences it counted.

    Raises:
        UnsupportedError: a trigger reads a rule the per-order engine evaluates on it.
    """
    if isinstance(cond, Trigger):
        found = occurrences(batch, i, cond, findings)
        return (True, found[0].at, found) if found else (False, None, [])
    if isinstance(cond, AllOf):
        parts = [judge_order(batch, i, part, findings) for part in cond.all]
        ok = all(p[0] for p in parts)
        since = max((p[1] for p in parts if p[1] is not None), default=None) if ok else None
        return ok, since, [o for p in parts for o in p[2]]
    if isinstance(cond, AnyOf):
        parts = [judge_order(batch, i, part, findings) for part in cond.any]
        holding = [p for p in parts if p[0]]
        since = min((p[1] for p in holding if p[1] is not None), default=None)
        return bool(holding), since, [o for p in holding for o in p[2]]
    if isinstance(cond, CountOf):
        found = occurrences(batch, i, cond.count, findings)
        if cond.distinct is not None:
            events = batch.orders[i].events
            seen: set[object] = set()
            distinct = []
            for o in found:
                source = events[o.event] if o.event is not None else o
                key = getattr(source, cond.distinct, None)
                if key not in seen:
                    seen.add(key)
                    distinct.append(o)
            found = distinct
        at_least, number, _text = count_threshold(cond, lambda ref: batch.value(ref, i))
        if at_least:
            if number < 1:
                raise UnsupportedError
            ok = len(found) >= number
            return ok, found[number - 1].at if ok else None, found
        ok = len(found) == number
        since = (found[-1].at if found else batch.orders[i].received_at) if ok else None
        return ok, since, found
    if isinstance(cond, RepeatOf):
        if batch.repeats is None:  # the engine warns and the condition does not hold
            return False, None, []
        order = batch.orders[i]
        n = batch.repeats.count(
            cond.repeat,
            order.complainant,
            order.issue,
            order.received_at,
            batch.value(cond.within, i),
        )
        ok = n >= int(batch.value(cond.at_least, i))
        return ok, order.received_at if ok else None, []
    if isinstance(cond, ParamIs):  # a reading the pack's parameters switch on or off
        ((name, wanted),) = cond.param_is.items()
        ok = bool(batch.value(ParamRef(param=name), i) == wanted)
        return ok, batch.orders[i].received_at if ok else None, []
    assert isinstance(cond, NotOf)
    inner = judge_order(batch, i, cond.not_, findings)
    return not inner[0], None, []


def could_hold_on(
    cond: Condition, batch: OrderBatch, orders_of: Callable[[Trigger, int], set[int]]
) -> set[int] | None:
    """The orders where the condition could hold (``None``: any order may).

    ``orders_of(trigger, n)``: the orders where the trigger may count at least ``n``
    occurrences. A trigger or a ``count ... at_least`` a literal n ≥ 1 holds only
    there; ``any`` only where one of its parts may, ``all`` only where each of its
    parts may; ``not``, ``count ... equals``, a threshold in a parameter, or a repeat
    with an index may hold anywhere.
    """
    if isinstance(cond, Trigger):
        return orders_of(cond, 1)
    if isinstance(cond, CountOf):
        least = cond.at_least
        if cond.equals is None and isinstance(least, int | float) and least >= 1:
            return orders_of(cond.count, int(least) if cond.distinct is None else 1)
        return None
    if isinstance(cond, RepeatOf):
        return set() if batch.repeats is None else None
    if isinstance(cond, AnyOf):
        found: set[int] = set()
        for part in cond.any:
            inner = could_hold_on(part, batch, orders_of)
            if inner is None:
                return None
            found |= inner
        return found
    if isinstance(cond, AllOf):
        narrowed: set[int] | None = None
        for part in cond.all:
            inner = could_hold_on(part, batch, orders_of)
            if inner is not None:
                narrowed = inner if narrowed is None else narrowed & inner
        return narrowed
    return None


def applying_orders(batch: OrderBatch, selector: str, only: set[int] | None) -> list[int]:
    """The orders a rule applies to, among ``only`` (all when ``None``)."""
    mask = batch.selector_mask(selector)
    if only is None:
        found: list[int] = np.flatnonzero(mask).tolist()
        return found
    return [i for i in sorted(only) if mask[i]]


def holds_over_batch(batch: OrderBatch, cond: Condition) -> Bools | None:
    """Whether the condition holds, per order of the batch, where events alone decide it.

    Event triggers (a reference, with ``after``, ``unless_after`` and ``assigns``; no
    clocks, windows, escalations or deductions), ``count`` of one (with ``distinct``;
    ``at_least`` n ≥ 1 or ``equals``), ``any``, ``all`` and ``not`` of such are counted
    over the batch's global rows at once; ``None`` for anything else (judged per order).
    """
    found = since_over_batch(batch, cond)
    return None if found is None else found[0]


_NONE = -1
_LATEST = np.iinfo(np.int64).max
_UNIT_SPAN = 1 << 31
"""Keys of (order, unit code) pairs: ``order * _UNIT_SPAN + unit`` (fewer units a batch)."""


def since_over_batch(batch: OrderBatch, cond: Condition) -> tuple[Bools, Int64s] | None:
    """:func:`holds_over_batch`, with since when it holds (µs; ``-1``: no instant).

    As the per-order judge: a trigger holds from its first occurrence, ``count ...
    at_least`` n from its n-th, ``count ... equals`` from its last (or the receipt when
    it counts none), ``all`` from the latest since of its parts, ``any`` from the
    earliest of its parts that hold; ``not`` gives no instant.
    """
    found = _over(batch, cond, None)
    return None if found is None else (found[0], found[1])


def since_with_findings(
    batch: OrderBatch, cond: Condition, findings: BatchFindings
) -> tuple[Bools, Int64s, Bools] | None:
    """:func:`since_over_batch`, where triggers may also count other rules' findings.

    A trigger on clocks, windows or escalations counts the rows their kernels found,
    each at the instant the per-order judge (:func:`occurrences`) gives it. The third
    array marks the orders where a rule the condition reads runs per order: there
    the first two say nothing, and the order is judged per order (:func:`judge_order`).
    ``None`` where the condition needs more (deductions, ``distinct`` over findings).
    """
    return _over(batch, cond, findings)


_Over = tuple[Bools, Int64s, Bools]


def _over(batch: OrderBatch, cond: Condition, findings: BatchFindings | None) -> _Over | None:
    n = len(batch.orders)
    frame = batch.frame
    if isinstance(cond, Trigger | CountOf):
        return _over_counted(batch, cond, findings)
    if isinstance(cond, AnyOf | AllOf):
        members = cond.any if isinstance(cond, AnyOf) else cond.all
        parts = [_over(batch, part, findings) for part in members]
        if any(p is None for p in parts):
            return None
        return _combined(cond, [part for part in parts if part is not None], n)
    if isinstance(cond, NotOf):
        inner = _over(batch, cond.not_, findings)
        if inner is None:
            return None
        return ~inner[0], np.full(n, _NONE, dtype=np.int64), inner[2]
    if isinstance(cond, ParamIs):  # as the per-order judge: from the receipt, if it holds
        holds = batch.param_is_on(cond)
        since = np.where(holds, frame.received_us, _NONE).astype(np.int64)
        return holds, since, np.zeros(n, dtype=bool)
    return None


def _over_counted(
    batch: OrderBatch, cond: Trigger | CountOf, findings: BatchFindings | None
) -> _Over | None:
    """:func:`_over` of a trigger or a ``count``, found once per batch for equal ones.

    Rules of a pack often share one (two escalations on the same clock breached, or on
    its red light reached): the answer is kept on the batch under the condition's text
    and the number of rows and per-order orders of each rule it reads, so that another
    rule's findings added since give a new answer. Its arrays are made read-only.
    """
    trigger = cond if isinstance(cond, Trigger) else cond.count
    sizes: tuple[int, ...] = ()
    if findings is not None:
        read = (*trigger.clock, *trigger.window, *trigger.escalation, *trigger.deduction)
        sizes = tuple(len(part) for rule_id in read for part in findings.of_rule(rule_id))
    key = ("over-counted", _condition_text(batch, cond), sizes)
    kept: tuple[BatchFindings | None, _Over | None] | None = batch.memo.get(key)
    if kept is not None and kept[0] is findings:
        return kept[1]
    found = _counted_over(batch, cond, trigger, findings)
    if found is not None:
        for array in found:
            array.flags.writeable = False
    batch.memo[key] = (findings, found)
    return found


def _condition_text(batch: OrderBatch, cond: Condition) -> str:
    """A condition's text (its ``repr``: equal conditions alike), once per plan and condition."""
    texts: dict[int, tuple[Condition, str]] = batch.plan.memo.setdefault(
        "columnar-condition-texts", {}
    )
    kept = texts.get(id(cond))
    if kept is None or kept[0] is not cond:
        kept = texts[id(cond)] = (cond, repr(cond))
    return kept[1]


def _counted_over(
    batch: OrderBatch,
    cond: Trigger | CountOf,
    trigger: Trigger,
    findings: BatchFindings | None,
) -> _Over | None:
    """:func:`_over` of a trigger or a ``count`` (``trigger``: the one it counts)."""
    n = len(batch.orders)
    frame = batch.frame
    distinct = cond.distinct if isinstance(cond, CountOf) else None
    keys: list[Any] | None = None if distinct is None else []
    counted = _trigger_counts(batch, trigger, findings, distinct=distinct, keys=keys)
    if counted is None:
        return None
    order, values, unknown, events_only = counted
    if keys is not None:  # ``count ... distinct``: the first occurrence of each value
        first = _first_of_each(order, keys)
        if first is None:
            return None
        order, values = order[first], values[first]
    at_of = frame.at_us[values] if events_only else values
    counts = np.bincount(order, minlength=n)
    first = np.cumsum(counts) - counts  # each order's first counted row (``order`` sorted)
    if isinstance(cond, Trigger):
        holds = counts > 0
        nth = first
    else:
        days, day_of = batch.judged_groups()
        thresholds = _thresholds(batch, cond, days)
        if any(at_least and number < 1 for at_least, number, _text in thresholds):
            return None  # the per-order judge sends these orders to the engine
        number = np.asarray([t[1] for t in thresholds], dtype=np.int64)[day_of]
        at_least = np.asarray([t[0] for t in thresholds], dtype=bool)[day_of]
        holds = np.where(at_least, counts >= number, counts == number)
        # at least n: the n-th occurrence; equals: the last one (or the receipt)
        nth = np.where(at_least, first + number - 1, first + counts - 1)
    known = holds & (nth >= first) & (nth < first + counts)
    at = at_of[np.where(known, nth, 0)] if len(at_of) else np.zeros(n, np.int64)
    since = np.where(known, at, _NONE)
    if isinstance(cond, CountOf):
        since = np.where(holds & (counts == 0), frame.received_us, since)
    return holds, since.astype(np.int64), unknown


_OCCURRENCE_FIELDS = frozenset(("unit", "handling", "subject", "points", "event"))
"""The fields of a clock's or an escalation's occurrence that ``distinct`` reads over
the batch: its unit (and handling unit, the same); its subject, points and event are
none (:class:`CountedOccurrence`). Its instant and label are read per order."""


def _combined(cond: AnyOf | AllOf, parts: Sequence[_Over], n: int) -> _Over:
    """Whether ``any`` or ``all`` holds over the batch, since when, and where per order.

    As the per-order judge: ``any`` holds from the earliest instant of its parts that
    hold, ``all`` from the latest of its parts; an order is judged per order where
    any part is.
    """
    unknown = np.zeros(n, dtype=bool)
    for _holds, _since, part_unknown in parts:
        unknown |= part_unknown
    if isinstance(cond, AnyOf):
        holds = np.zeros(n, dtype=bool)
        earliest = np.full(n, _LATEST, dtype=np.int64)
        for part_holds, part_since, _unknown in parts:
            holds |= part_holds
            earliest = np.minimum(
                earliest, np.where(part_holds & (part_since != _NONE), part_since, _LATEST)
            )
        return holds, np.where(earliest == _LATEST, _NONE, earliest), unknown
    holds = np.ones(n, dtype=bool)
    latest = np.full(n, _NONE, dtype=np.int64)
    for part_holds, part_since, _unknown in parts:
        holds &= part_holds
        latest = np.maximum(latest, part_since)
    return holds, np.where(holds, latest, _NONE), unknown


def _trigger_counts(
    batch: OrderBatch,
    trigger: Trigger,
    findings: BatchFindings | None,
    units: list[str | None] | None = None,
    distinct: str | None = None,
    keys: list[Any] | None = None,
) -> tuple[Int64s, Int64s, Bools, bool] | None:
    """What a trigger counts over the batch: per occurrence its order and instant.

    Sorted by order, then instant. With events alone, the second array holds the
    global rows of the events (in each order's time order) and the flag is true.
    The third array marks the orders where a rule the trigger reads runs per order.
    ``None``: the trigger counts deductions, or findings with none given, or
    ``distinct`` reads what the batch judge does not.

    ``units``: a list filled with each occurrence's unit, in the same order (the unit
    :func:`occurrences` gives it: an event's acting unit, a finding's unit).
    ``keys``: a list filled with each occurrence's value of the field ``distinct``, as
    :func:`judge_order` reads it: from the event of an event's or a window's occurrence (the
    window's action event), else from the occurrence (:data:`_OCCURRENCE_FIELDS`).
    """
    n = len(batch.orders)
    frame = batch.frame
    unknown = np.zeros(n, dtype=bool)
    others = bool(trigger.clock or trigger.window or trigger.escalation)
    if trigger.deduction or (others and findings is None):
        return None
    of_findings = bool(trigger.clock or trigger.escalation)
    if keys is not None and of_findings and distinct not in _OCCURRENCE_FIELDS:
        return None
    own_key = distinct in ("unit", "handling")  # (a finding's other fields are none)
    rows = trigger_event_rows(batch, trigger) if trigger.event is not None else None
    named: list[str | None] = []
    keyed: list[Any] = []
    if rows is not None:
        if units is not None:
            named.extend(map(frame.unit_name, frame.unit[rows].tolist()))
        if keys is not None:
            keyed.extend(frame.values_at(rows.tolist(), str(distinct)))
    if not others:
        if rows is None:
            return None
        if units is not None:
            units.extend(named)
        if keys is not None:
            keys.extend(keyed)
        return frame.order[rows], rows, unknown, True
    assert findings is not None
    orders: list[int] = []
    instants: list[int] = []
    if rows is not None:
        orders.extend(frame.order[rows].tolist())
        instants.extend(frame.at_us[rows].tolist())
    for rule_id in trigger.clock:
        sent = findings.parts_of_rule(rule_id)[1]
        unknown[list(sent)] = True
        if trigger.reached is None and trigger.level is None:
            # no level to reach: each row counted at an instant its columns give
            clock = clock_columns(batch, rule_id, findings)
            chosen = np.flatnonzero(clock.counted(trigger)).tolist()
            orders.extend(map(clock.order.__getitem__, chosen))
            instants.extend(map(clock.at.__getitem__, chosen))
            units_ = list(map(clock.units.__getitem__, chosen))
            named.extend(units_)
            keyed.extend(units_ if own_key else [None] * len(units_))
            continue
        mark = trigger.reached or trigger.level
        assert mark is not None
        found = findings.of_rule(rule_id)[0]
        chosen_rows = [
            r
            for r in found
            if (trigger.state is None or r[6] == trigger.state)
            and (trigger.level is None or r[10] == trigger.level)
            and (trigger.occurrence is None or r[4] == trigger.occurrence)
        ]  # (as :func:`_clock_counted` chooses them)
        for r, at in zip(chosen_rows, _reached_us(batch, rule_id, chosen_rows, mark), strict=True):
            if at is None:  # (not reached by its stop or the assessment instant)
                continue
            orders.append(r[0])
            instants.append(at)
            named.append(r[5] or None)
            keyed.append((r[5] or None) if own_key else None)
    for rule_id in trigger.window:
        found, sent = findings.of_rule(rule_id)
        unknown[list(sent)] = True
        for r in found:
            if r[6] == trigger.state:
                orders.append(r[0])
                instants.append(r[9])
                named.append(r[5] or None)
                if keys is not None:
                    event = batch.orders[r[0]].events[r[14]]
                    keyed.append(getattr(event, str(distinct), None))
    for rule_id in trigger.escalation:
        found, sent = findings.of_rule(rule_id)
        unknown[list(sent)] = True
        for r in found:
            orders.append(r[0])
            instants.append(r[7])
            named.append(r[5] or None)
            keyed.append((r[5] or None) if own_key else None)
    order = np.asarray(orders, dtype=np.int64)
    at_of = np.asarray(instants, dtype=np.int64)
    by_time = np.lexsort((at_of, order))
    if units is not None:
        units.extend(map(named.__getitem__, by_time.tolist()))
    if keys is not None:
        keys.extend(map(keyed.__getitem__, by_time.tolist()))
    return order[by_time], at_of[by_time], unknown, False


@dataclass(frozen=True)
class Counting:
    """A condition over the batch with what it counted.

    Per order: whether it holds, since when (µs, ``-1``: no instant), and whether it
    is judged per order; per counted occurrence: its order, instant (µs) and unit.
    """

    holds: Bools
    since: Int64s
    unknown: Bools
    order: Int64s
    at: Int64s
    units: list[str | None]


def counting_of(batch: OrderBatch, cond: Condition, findings: BatchFindings) -> Counting | None:
    """What a condition counts over the batch, as the per-order judge collects it.

    As :func:`judge_order`: a trigger counts its occurrences; ``all`` every part's, where
    all hold; ``any`` those of its parts that hold; a parameter's reading nothing.
    Instants as :func:`since_with_findings`. ``None`` for anything else (``count``,
    ``not``, a repeat, deductions): judged per order.
    """
    n = len(batch.orders)
    if isinstance(cond, Trigger):
        units: list[str | None] = []
        counted = _trigger_counts(batch, cond, findings, units)
        if counted is None:
            return None
        order, values, unknown, events_only = counted
        at = batch.frame.at_us[values] if events_only else values
        counts = np.bincount(order, minlength=n)
        holds = counts > 0
        first = np.cumsum(counts) - counts  # each order's first occurrence (``order`` sorted)
        since = np.full(n, _NONE, dtype=np.int64)
        if len(at):
            since = np.where(holds, at[np.minimum(first, len(at) - 1)], _NONE)
        return Counting(holds, since.astype(np.int64), unknown, order, at, units)
    if isinstance(cond, ParamIs):
        over = _over(batch, cond, findings)
        assert over is not None
        empty = np.zeros(0, dtype=np.int64)
        return Counting(over[0], over[1], over[2], empty, empty, [])
    if not isinstance(cond, AnyOf | AllOf):
        return None
    members = cond.any if isinstance(cond, AnyOf) else cond.all
    parts = [counting_of(batch, part, findings) for part in members]
    if any(part is None for part in parts):
        return None
    held = [part for part in parts if part is not None]
    holds, since, unknown = _combined(cond, [(p.holds, p.since, p.unknown) for p in held], n)
    if isinstance(cond, AnyOf):  # a part's occurrences, where the part holds
        keep = [part.holds[part.order] for part in held]
    else:  # every part's, where all hold
        keep = [holds[part.order] for part in held]
    order = np.concatenate([part.order[k] for part, k in zip(held, keep, strict=True)])
    at = np.concatenate([part.at[k] for part, k in zip(held, keep, strict=True)])
    units = [
        unit
        for part, k in zip(held, keep, strict=True)
        for unit in compress(part.units, k.tolist())
    ]
    return Counting(holds, since.astype(np.int64), unknown, order, at, units)


def _first_of_each(order: Int64s, keys: list[Any]) -> Int64s | None:
    """Of each order's occurrences (in time order), the first with each key.

    ``None``: a key that cannot be compared (the per-order judge decides).
    """
    codes: dict[Any, int] = {}
    try:
        coded = [codes.setdefault(key, len(codes)) for key in keys]
    except TypeError:
        return None
    pairs = order * max(len(codes), 1) + np.asarray(coded, dtype=np.int64)
    _unique, first = np.unique(pairs, return_index=True)
    found: Int64s = np.sort(first)
    return found


def _thresholds(
    batch: OrderBatch, cond: CountOf, days: list[dt.date]
) -> list[tuple[bool, int, str]]:
    """``count_threshold`` of the condition on each day, found once per parameter segment."""
    segment_of = batch.plan.parameters.segment_of
    by_segment: dict[int, tuple[bool, int, str]] = {}
    found = []
    for day in days:
        segment = segment_of(day)
        threshold = by_segment.get(segment)
        if threshold is None:
            threshold = by_segment[segment] = count_threshold(cond, _dated(batch, day))
        found.append(threshold)
    return found


def _dated(batch: OrderBatch, day: dt.date) -> Callable[[Any], Any]:
    """A literal or a parameter's value on one judged date."""
    return lambda ref: batch.plan.value(ref, day)


def trigger_event_rows(batch: OrderBatch, trigger: Trigger) -> Int64s:
    """The global rows the event reference of a trigger counts (its other parts aside)."""
    plan = batch.plan
    rows = batch.rows(plan.pattern_of(trigger))
    if len(rows) and trigger.assigns:  # only the events that begin an assignment
        frame = batch.frame
        table = frame.assignment_table()
        begins = frame.offsets[table.order] + table.begins
        begun = np.zeros(frame.size, dtype=bool)
        begun[begins] = True
        rows = rows[begun[rows]]
    if len(rows) and (trigger.after is not None or trigger.unless_after is not None):
        frame = batch.frame
        order, pos = frame.order[rows], frame.pos[rows]
        keep = np.ones(len(rows), dtype=bool)
        unit = frame.unit[rows] if trigger.same_unit else None
        if trigger.after is not None:  # some ``after`` event before it
            keep &= _first_before(batch, plan.pattern_of(trigger.after), order, unit) < pos
        if trigger.unless_after is not None:  # no ``unless_after`` event before it
            keep &= ~(
                _first_before(batch, plan.pattern_of(trigger.unless_after), order, unit) < pos
            )
        rows = rows[keep]
    return rows


def _first_before(batch: OrderBatch, pattern: str, order: Int64s, unit: Int64s | None) -> Int64s:
    """Per row, the position of the first event the pattern matched in the row's order.

    With ``unit`` (``same_unit``): the first by the row's acting unit. A large number where
    there is none, and for a row without a unit when units are asked.
    """
    if unit is None:
        return _first_position(batch, pattern)[order]
    keys, first = _first_position_by_unit(batch, pattern)
    wanted = order * _UNIT_SPAN + unit
    at = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
    found = np.full(len(order), _LATEST, dtype=np.int64)
    if len(keys):
        hit = (keys[at] == wanted) & (unit >= 0)
        found[hit] = first[at[hit]]
    return found


def _first_position_by_unit(batch: OrderBatch, pattern: str) -> tuple[Int64s, Int64s]:
    """Per (order, acting unit), the position of the first event a pattern matched.

    Keys ``order * 2**31 + unit`` in ascending order, and the positions; events without
    a unit are left out.
    """
    key = ("first-position-by-unit", pattern)
    found: tuple[Int64s, Int64s] | None = batch.memo.get(key)
    if found is None:
        frame = batch.frame
        rows = batch.rows(pattern)
        rows = rows[frame.unit[rows] >= 0]
        keys = frame.order[rows] * _UNIT_SPAN + frame.unit[rows]
        unique, first = np.unique(keys, return_index=True)  # rows in order, then time order
        found = batch.memo[key] = (unique, frame.pos[rows[first]])
    return found


def _first_position(batch: OrderBatch, pattern: str) -> Int64s:
    """Per order, the position of the first event a pattern matched (a large number: none)."""
    key = ("first-position", pattern)
    found: Int64s | None = batch.memo.get(key)
    if found is None:
        frame = batch.frame
        rows = batch.rows(pattern)
        found = np.full(len(batch.orders), _LATEST, dtype=np.int64)
        owners = frame.order[rows]  # (rows in order: their orders in order)
        first = rows[first_of_runs(owners)]
        found[frame.order[first]] = frame.pos[first]
        batch.memo[key] = found
    return found
