"""Occurrences and conditions: what deductions, escalations and records count.

An *occurrence* is one thing a trigger counts: a matched event, a clock in a
state, a window result, an escalation. A condition combines occurrences
(``all``, ``any``, ``not``, ``count``, ``repeat``) and says whether it holds,
since when, and which occurrences made it hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grievance_rules.engine._context import Evaluation
from grievance_rules.engine.assessment import (
    ClockFinding,
    DeductionFinding,
    EscalationFinding,
    RecordFinding,
)
from grievance_rules.model.assignments import assignments
from grievance_rules.packs.schema import (
    AllOf,
    AnyOf,
    Condition,
    CountOf,
    DeductionRule,
    EscalationRule,
    NotOf,
    ParamRef,
    RecordRule,
    RepeatOf,
    Target,
    Trigger,
)

__all__ = [
    "Occurrence",
    "count_threshold",
    "evaluate_deduction",
    "evaluate_escalation",
    "evaluate_record",
    "holds",
    "occurrences",
    "parameter_note",
]


@dataclass(frozen=True)
class Occurrence:
    """One counted thing."""

    at: dt.datetime
    label: str
    unit: str | None
    """The unit the occurrence is about (the event's actor, the clock's unit ...)."""
    handling: str | None
    subject: str | None
    """``subject_unit`` of the event, where it has one."""
    points: float | None = None
    event: int | None = None


def _in_time_order(occurrence: Occurrence) -> tuple[dt.datetime, str]:
    return occurrence.at, occurrence.label


def _counted_positions(ev: Evaluation, trigger: Trigger) -> list[int]:
    """Positions of the kept events an event trigger counts, in history order.

    The events its reference matched that pass ``after`` (some matching event
    before) and ``unless_after`` (no matching event before). Not to be changed:
    without those tests it is the match list itself.
    """
    matched = ev.positions(trigger)
    if matched and trigger.assigns:
        begins = {a.begins for a in assignments(ev.facts.kept, ev.order.units)}
        matched = [k for k in matched if k in begins]
    if not matched or (trigger.after is None and trigger.unless_after is None):
        return matched
    after = ev.positions(trigger.after) if trigger.after is not None else None
    unless = ev.positions(trigger.unless_after) if trigger.unless_after is not None else []
    return [
        k
        for k in matched
        if (after is None or any(j < k for j in after)) and not any(j < k for j in unless)
    ]


def _clock_counts(trigger: Trigger, clock: ClockFinding) -> bool:
    """Whether a clock trigger counts this clock: its state, its level and start if asked."""
    return (
        clock.state == trigger.state
        and (trigger.level is None or clock.warning_level == trigger.level)
        and (trigger.occurrence is None or clock.occurrence == trigger.occurrence)
    )


def occurrences(ev: Evaluation, trigger: Trigger) -> list[Occurrence]:
    """Everything one trigger counts on this order, in time order."""
    found: list[Occurrence] = []
    if trigger.event is not None:
        kept = ev.facts.kept
        for k in _counted_positions(ev, trigger):
            event = kept[k]
            found.append(
                Occurrence(
                    at=event.at,
                    label=f"event {ev.event_index(k)} ({event.type})",
                    unit=event.unit,
                    handling=ev.facts.handling[k] or ev.first_handling_unit(),
                    subject=getattr(event, "subject_unit", None),
                    points=getattr(event, "points", None),
                    event=ev.event_index(k),
                )
            )
    for rule_id in trigger.clock:
        for clock in ev.clocks.get(rule_id, ()):
            if _clock_counts(trigger, clock):
                # when it was so: stopped, breached at its due instant, or seen at as_of
                if clock.stopped_at is not None:
                    at = clock.stopped_at
                elif clock.state == "breached":
                    at = clock.due
                else:
                    at = min(clock.due, ev.as_of)
                found.append(
                    Occurrence(
                        at,
                        f"clock {rule_id}#{clock.occurrence} {clock.state}",
                        clock.unit,
                        clock.unit,
                        None,
                    )
                )
    for rule_id in trigger.window:
        for window in ev.windows.get(rule_id, ()):
            if window.state == trigger.state:
                found.append(
                    Occurrence(
                        window.acted_at,
                        f"window {rule_id} event {window.event} {window.state}",
                        window.unit,
                        ev.handling_at(window.acted_at),
                        None,
                        event=window.event,
                    )
                )
    for rule_id in trigger.escalation:
        for escalation in ev.escalations.get(rule_id, ()):
            found.append(
                Occurrence(
                    escalation.since,
                    f"escalation {rule_id}",
                    escalation.target_unit,
                    escalation.target_unit,
                    None,
                )
            )
    if len(found) > 1:
        found.sort(key=_in_time_order)
    return found


@dataclass(frozen=True)
class Holding:
    """Whether a condition holds, since when, and what made it hold."""

    holds: bool
    since: dt.datetime | None
    counted: tuple[Occurrence, ...] = ()
    notes: tuple[str, ...] = ()


_NOT_HOLDING = Holding(False, None)


def holds(ev: Evaluation, cond: Condition, rule_id: str) -> Holding:
    """Evaluate a condition on the order at ``as_of``."""
    if isinstance(cond, Trigger):
        found = occurrences(ev, cond)
        return Holding(True, found[0].at, tuple(found)) if found else _NOT_HOLDING
    if isinstance(cond, CountOf):
        found = occurrences(ev, cond.count)
        if cond.distinct is not None:
            seen: set[object] = set()
            distinct = []
            for occurrence in found:
                key = _field(ev, occurrence, cond.distinct)
                if key not in seen:
                    seen.add(key)
                    distinct.append(occurrence)
            found = distinct
        at_least, number, threshold = count_threshold(cond, ev.value)
        if at_least:
            ok = len(found) >= number
            since = found[number - 1].at if ok else None
        else:
            ok = len(found) == number
            since = (found[-1].at if found else ev.order.received_at) if ok else None
        what = f"distinct by {cond.distinct}" if cond.distinct else "occurrences"
        return Holding(ok, since, tuple(found), (f"{len(found)} {what} ({threshold})",))
    if isinstance(cond, AllOf):
        parts = [holds(ev, inner, rule_id) for inner in cond.all]
        ok = all(p.holds for p in parts)
        since = max((p.since for p in parts if p.since is not None), default=None) if ok else None
        return Holding(
            ok,
            since,
            tuple(o for p in parts for o in p.counted),
            tuple(n for p in parts for n in p.notes),
        )
    if isinstance(cond, AnyOf):
        parts = [holds(ev, inner, rule_id) for inner in cond.any]
        holding = [p for p in parts if p.holds]
        since = min((p.since for p in holding if p.since is not None), default=None)
        return Holding(
            bool(holding),
            since,
            tuple(o for p in holding for o in p.counted),
            tuple(n for p in holding for n in p.notes),
        )
    if isinstance(cond, NotOf):
        inner = holds(ev, cond.not_, rule_id)
        return Holding(not inner.holds, None, (), (f"not ({len(inner.counted)} occurrences)",))
    assert isinstance(cond, RepeatOf)
    if ev.repeats is None:
        ev.warn(
            "repeat_needs_other_orders",
            f"{rule_id}: a repeat condition needs the other orders; evaluate with "
            "evaluate_many(..., repeats=...) or pass repeats=RepeatIndex",
            rule_id,
        )
        return Holding(False, None)
    within = ev.value(cond.within)
    least = int(ev.value(cond.at_least))
    n = ev.repeats.count(
        cond.repeat, ev.order.complainant, ev.order.issue, ev.order.received_at, within
    )
    note = (
        f"{n} orders by this complainant on this issue"
        if cond.repeat == "complainant"
        else f"{n} complainants on this issue"
    ) + f" within {within}{parameter_note(cond.within)}"
    if isinstance(cond.at_least, ParamRef):
        note += f" (>= {least}{parameter_note(cond.at_least)})"
    ok = n >= least
    return Holding(ok, ev.order.received_at if ok else None, (), (note,))


def count_threshold(cond: CountOf, value: Callable[[Any], Any]) -> tuple[bool, int, str]:
    """A count's threshold: whether it is ``at_least``, its number, its trace text.

    ``at_least`` false means ``equals``. The number is read through ``value`` (a
    literal as it is, a dated parameter on the date being judged).

    Example:
        >>> cond = CountOf(count=Trigger(event="continuation"), at_least=ParamRef(param="n"))
        >>> count_threshold(cond, lambda ref: 2)
        (True, 2, '>= 2, parameter n')
    """
    if cond.at_least is not None:
        least = int(value(cond.at_least))
        return True, least, f">= {least}{parameter_note(cond.at_least)}"
    equals = int(value(cond.equals))
    return False, equals, f"== {equals}{parameter_note(cond.equals)}"


def parameter_note(ref: object) -> str:
    """How a trace names a value that came from a dated parameter (empty for a literal).

    Example:
        >>> parameter_note(ParamRef(param="repeat_threshold")), parameter_note(3)
        (', parameter repeat_threshold', '')
    """
    return f", parameter {ref.param}" if isinstance(ref, ParamRef) else ""


def _field(ev: Evaluation, occurrence: Occurrence, name: str) -> object:
    if occurrence.event is not None:
        event = ev.order.events[occurrence.event]
        return getattr(event, name, None)
    return getattr(occurrence, name, None)


def _unit_of(
    ev: Evaluation, target: Target, since: dt.datetime, counted: tuple[Occurrence, ...]
) -> str | None:
    if target.unit == "handling_unit":
        return ev.handling_at(since)
    if target.unit == "trigger_unit":
        return counted[-1].unit if counted else None
    if target.unit == "dispatch_centre":
        return next((u.id for u in ev.order.units if u.kind.value == "dispatch_centre"), None)
    return None


def _decides(ev: Evaluation, cond: Condition) -> bool:
    """Whether a condition without ``repeat`` holds: :func:`holds`, short-circuited.

    (A repeat condition may warn, so conditions with one are always evaluated whole.)
    """
    if isinstance(cond, AllOf):
        return all(_decides(ev, inner) for inner in cond.all)
    if isinstance(cond, AnyOf):
        return any(_decides(ev, inner) for inner in cond.any)
    if isinstance(cond, NotOf):
        return not _decides(ev, cond.not_)
    if isinstance(cond, Trigger):
        return _occurs(ev, cond)
    return holds(ev, cond, "").holds


def _occurs(ev: Evaluation, trigger: Trigger) -> bool:
    """Whether :func:`occurrences` finds anything, without building the occurrences."""
    if trigger.event is not None and _counted_positions(ev, trigger):
        return True
    for rule_id in trigger.clock:
        if any(_clock_counts(trigger, clock) for clock in ev.clocks.get(rule_id, ())):
            return True
    for rule_id in trigger.window:
        if any(window.state == trigger.state for window in ev.windows.get(rule_id, ())):
            return True
    return any(ev.escalations.get(rule_id) for rule_id in trigger.escalation)


def _has_repeat(cond: Condition) -> bool:
    if isinstance(cond, RepeatOf):
        return True
    if isinstance(cond, AllOf):
        return any(_has_repeat(inner) for inner in cond.all)
    if isinstance(cond, AnyOf):
        return any(_has_repeat(inner) for inner in cond.any)
    return isinstance(cond, NotOf) and _has_repeat(cond.not_)


def evaluate_escalation(ev: Evaluation, rule: EscalationRule) -> list[EscalationFinding]:
    """The escalation, if its condition holds at ``as_of``."""
    key = ("has_repeat", rule.id)
    repeat = ev.shared.get(key)
    if repeat is None:
        repeat = ev.shared[key] = _has_repeat(rule.when)
    if not repeat and not _decides(ev, rule.when):  # most escalations do not hold
        return []
    holding = holds(ev, rule.when, rule.id)
    if not holding.holds:
        return []
    since = holding.since or ev.order.received_at
    trace = (*holding.notes, *(f"counted {o.label} at {o.at.isoformat()}" for o in holding.counted))
    return [
        EscalationFinding(
            rule_id=rule.id,
            title=rule.title,
            citation=rule.citation,
            trace=trace,
            action=rule.action,
            actor_role=rule.actor.role,
            actor_body=rule.actor.body,
            target_unit=_unit_of(ev, rule.target, since, holding.counted),
            target_role=rule.target.role,
            target_body=rule.target.body,
            since=since,
        )
    ]


def evaluate_deduction(ev: Evaluation, rule: DeductionRule) -> list[DeductionFinding]:
    """One finding per occurrence, with progression and cap applied."""
    if isinstance(rule.when, Trigger):
        found = occurrences(ev, rule.when)
    else:
        found = []
        for trigger in rule.when.any:
            assert isinstance(trigger, Trigger)
            found.extend(occurrences(ev, trigger))
        found.sort(key=_in_time_order)
    if not found:
        return []
    if rule.once_per_order and len(found) > 1:
        found = found[:1]
    findings = []
    total = 0.0
    base = None if rule.points == "from_event" else float(ev.value(rule.points))
    cap = None if rule.cap is None else float(ev.value(rule.cap))
    for sequence, occurrence in enumerate(found, start=1):
        trace = [f"counted {occurrence.label} at {occurrence.at.isoformat()}"]
        if base is None:
            points = float(occurrence.points or 0.0)
            trace.append(f"points from the event: {points:g}")
        elif rule.progression is not None:
            points = base * 2 ** (sequence - 1)
            trace.append(
                f"occurrence {sequence} on this order: {base:g} × 2^{sequence - 1} = {points:g}"
            )
        else:
            points = base
        if cap is not None and abs(total + points) > cap:
            capped = (cap - abs(total)) * (1 if points > 0 else -1)
            trace.append(
                f"capped at {cap:g} per order{parameter_note(rule.cap)}: "
                f"{points:g} becomes {capped:g}"
            )
            points = capped
        if points == 0 and cap is not None:
            continue
        total += points
        unit = {
            "handling_unit": occurrence.handling,
            "trigger_unit": occurrence.unit,
            "subject_unit": occurrence.subject,
        }[rule.charge]
        trace.append(f"charged to {rule.charge.replace('_', ' ')}: {unit}")
        if rule.assesses is not None and points != 0:
            scope = str(ev.value(rule.assesses))
            kind = next((u.kind.value for u in ev.order.units if u.id == unit), None)
            if scope != "all" and kind not in scope.split(","):
                how = (
                    f", parameter {rule.assesses.param}"
                    if isinstance(rule.assesses, ParamRef)
                    else ""
                )
                trace.append(f"{unit} is a {kind}; the points count for {scope} only{how}: 0")
                points = 0.0
        findings.append(
            DeductionFinding(
                rule_id=rule.id,
                title=rule.title,
                citation=rule.citation,
                trace=tuple(trace),
                points=points,
                unit=unit,
                occurred_at=occurrence.at,
                occurrence=occurrence.label,
                sequence=sequence,
            )
        )
    return findings


_SHARED_RECORDS = 4096
"""At most this many record findings are kept per pack for reuse."""


def evaluate_record(ev: Evaluation, rule: RecordRule) -> RecordFinding:
    """A recorded-only clause, with its computable part.

    Most orders get the same finding for a record rule (nothing counted); findings
    are immutable, so equal ones are built once per pack and shared.
    """
    computed: bool | None = None
    trace: tuple[str, ...] = ()
    if rule.when is not None:
        holding = holds(ev, rule.when, rule.id)
        computed = holding.holds
        trace = (*holding.notes, *(f"counted {o.label}" for o in holding.counted))
    key = ("record", rule.id, computed, trace)
    finding: RecordFinding | None = ev.shared.get(key)
    if finding is None:
        finding = RecordFinding(
            rule_id=rule.id,
            title=rule.title,
            citation=rule.citation,
            trace=trace,
            not_computed=rule.not_computed,
            computed=computed,
        )
        if len(ev.shared) < _SHARED_RECORDS:
            ev.shared[key] = finding
    return finding
