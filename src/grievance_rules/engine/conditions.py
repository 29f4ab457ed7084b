"""Occurrences and conditions: what deductions, escalations and records count.

An *occurrence* is one thing a trigger counts: a matched event, a clock in a
state, a window result, an escalation. A condition combines occurrences
(``all``, ``any``, ``not``, ``count``, ``repeat``) and says whether it holds,
since when, and which occurrences made it hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple, Protocol, TypeVar

from grievance_rules.engine._context import Evaluation, param_ref
from grievance_rules.engine.assessment import (
    ClockFinding,
    DeductionFinding,
    EscalationFinding,
    RecordFinding,
    trusted,
)
from grievance_rules.engine.clocks import (
    LevelReached,
    for_unit_kind_text,
    level_reached,
    warning_of,
)
from grievance_rules.engine.condition_tree import (
    Holding,
    count_threshold,
    parameter_note,
)
from grievance_rules.model import in_shanghai, instant_text
from grievance_rules.model.events import EventBase
from grievance_rules.model.handling import about_unit, unit_kind
from grievance_rules.packs.schema import (
    Condition,
    DeductionRule,
    EscalationRule,
    ParamRef,
    RecordRule,
    RepeatOf,
    Target,
    Trigger,
    WarningLevel,
)

__all__ = [
    "COUNTED_TARGETS",
    "Occurrence",
    "about_unit",
    "charged_unit",
    "count_threshold",
    "counted_lines",
    "counted_once",
    "counted_unit",
    "evaluate_deduction",
    "evaluate_escalation",
    "evaluate_record",
    "found_per_unit",
    "holds",
    "occurrences",
    "parameter_note",
    "preceded_notes",
    "preceded_positions",
]


class Occurrence(NamedTuple):
    """One counted thing.

    (A named tuple: built for every event, clock or window a trigger counts, where a
    frozen dataclass's ``__init__`` costs a call of ``object.__setattr__`` per field.)
    """

    at: dt.datetime
    label: str
    unit: str | None
    """The unit the occurrence is about (the event's actor, the clock's unit ...)."""
    handling: str | None
    subject: str | None
    """``subject_unit`` of the event, where it has one."""
    points: float | None = None
    event: int | None = None
    notes: tuple[str, ...] = ()
    """How ``after`` and ``unless_after`` judged a counted event (:func:`preceded_notes`):
    trace lines, written under the line that counts it."""
    about: str | None = None
    """The unit a counted callback rates: its ``about_unit`` (评价单位), else the unit
    holding the order at it (``None`` for anything else counted)."""


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
        begins = {a.begins for a in ev.assignments()}
        matched = [k for k in matched if k in begins]
    if not matched or (trigger.after is None and trigger.unless_after is None):
        return matched
    after = ev.positions(trigger.after) if trigger.after is not None else None
    unless = ev.positions(trigger.unless_after) if trigger.unless_after is not None else []
    return preceded_positions(ev.facts.kept, matched, after, unless, same_unit=trigger.same_unit)


def _preceded_notes(ev: Evaluation, trigger: Trigger, k: int) -> tuple[str, ...]:
    """The trace of ``after`` and ``unless_after`` for the counted event at position ``k``."""
    after = ev.positions(trigger.after) if trigger.after is not None else None
    unless = ev.positions(trigger.unless_after) if trigger.unless_after is not None else []
    return preceded_notes(
        ev.facts.kept, k, after, unless, ev.event_index, same_unit=trigger.same_unit
    )


def preceded_notes(
    kept: Sequence[EventBase],
    k: int,
    after: list[int] | None,
    unless: list[int],
    index_of: Callable[[int], int],
    *,
    same_unit: bool,
) -> tuple[str, ...]:
    """How ``after`` and ``unless_after`` judged the counted event at position ``k``.

    The event that satisfied ``after`` (the first before ``k``; with ``same_unit``,
    the first by the same unit): ``after event 3 (replied) at ...``. With
    ``same_unit``, each earlier ``after`` or ``unless_after`` event of another unit, or
    of none, which did not count for this one: ``passed over event 2 (first_contact)
    by w2: not the same unit``. (Without ``same_unit``, an event counted has no
    ``unless_after`` event before it at all.) Positions are among the kept events;
    ``index_of`` gives an event's index in the order's history.

    Example:
        >>> import datetime as dt
        >>> from grievance_rules.model.events import FirstContact, Replied
        >>> at = dt.datetime(2024, 5, 6, 9, tzinfo=dt.UTC)
        >>> kept = [FirstContact(at=at, unit="w1"), Replied(at=at, unit="w2")]
        >>> preceded_notes(kept, 1, None, [0], lambda k: k + 4, same_unit=True)
        ('passed over event 4 (first_contact) by w1: not the same unit',)
    """
    unit = kept[k].unit
    notes = []
    if after is not None:
        first = next((j for j in after if j < k and (not same_unit or kept[j].unit == unit)), None)
        if first is not None:
            event = kept[first]
            notes.append(
                f"after event {index_of(first)} ({event.type}) at {instant_text(event.at)}"
            )
    if same_unit:
        for j in sorted({*(after or ()), *unless}):
            if j >= k:
                break
            other = kept[j].unit
            if other is None or other != unit:
                by = "with no unit" if other is None else f"by {other}"
                notes.append(
                    f"passed over event {index_of(j)} ({kept[j].type}) {by}: not the same unit"
                )
    return tuple(notes)


def preceded_positions(
    kept: Sequence[EventBase],
    matched: list[int],
    after: list[int] | None,
    unless: list[int],
    *,
    same_unit: bool,
) -> list[int]:
    """The matched positions that pass ``after`` and ``unless_after``.

    ``after`` (``None``: not asked): some of its positions before the matched one;
    ``unless``: none of its positions before it. With ``same_unit`` an earlier event
    precedes a matched one only when both have the same acting unit (an event without
    a unit has none). The one statement of these tests, for the engine and the columnar
    kernel's per-order path.
    """
    if not same_unit:
        return [
            k
            for k in matched
            if (after is None or any(j < k for j in after)) and not any(j < k for j in unless)
        ]
    found = []
    for k in matched:
        unit = kept[k].unit
        if unit is None:
            if after is None:
                found.append(k)
            continue
        if after is not None and not any(j < k and kept[j].unit == unit for j in after):
            continue
        if any(j < k and kept[j].unit == unit for j in unless):
            continue
        found.append(k)
    return found


def _clock_counts(trigger: Trigger, clock: ClockFinding) -> bool:
    """Whether a clock trigger may count this clock: its state, level and start if asked.

    A ``reached`` trigger counts it only if it reached the level by then
    (:func:`_reached`, which this does not judge).
    """
    return (
        (trigger.state is None or clock.state == trigger.state)
        and (trigger.level is None or clock.warning_level == trigger.level)
        and (trigger.occurrence is None or clock.occurrence == trigger.occurrence)
    )


def _reached(ev: Evaluation, rule_id: str, clock: ClockFinding, level: str) -> LevelReached | None:
    """When the clock reached a warning level of its rule, if it did by ``as_of`` and its stop.

    The instant is the clock's arithmetic (:func:`~grievance_rules.engine.clocks.level_reached`:
    its start, its period as its share divides by it, the level's fraction on the judged
    date), so it does not move with ``as_of``; a clock that stopped first never reached it.
    """
    key = ("clock-warning", rule_id, level)
    if key not in ev.shared:  # (found once per plan)
        ev.shared[key] = warning_of(ev.pack, rule_id, level)
    warning: WarningLevel | None = ev.shared[key]
    if warning is None:
        return None
    fraction = ev.value(param_ref(warning.param)) if warning.param else warning.at
    period = ev.clock_totals[(rule_id, clock.occurrence)]
    found = level_reached(
        ev.calendar,
        clock.start,
        period.seconds,
        fraction,
        level=level,
        param=warning.param,
        pauses=period.pauses,
        wall_clock=period.wall_clock,
    )
    until = clock.stopped_at if clock.stopped_at is not None else ev.as_of
    return found if found.at <= until else None


def _clock_occurrence(
    ev: Evaluation, trigger: Trigger, rule_id: str, clock: ClockFinding
) -> Occurrence | None:
    """The occurrence a clock trigger counts for this clock, or ``None``.

    When it was so: a clock at a warning level (``level``) or one that reached it
    (``reached``) at the instant it reached the level; else breached at its due instant
    (whether stopped late or not stopped yet: a later as_of never moves it), stopped, or
    seen at as_of.
    """
    if not _clock_counts(trigger, clock):
        return None
    mark = trigger.reached or trigger.level
    if mark is not None:
        found = _reached(ev, rule_id, clock, mark)
        if found is None:
            return None
        at = found.at
        what = found.how if trigger.reached else f"{clock.state}, {found.how}"
    else:
        if clock.state == "breached":
            at = clock.due
        elif clock.stopped_at is not None:
            at = clock.stopped_at
        else:
            at = min(clock.due, ev.as_of)
        what = clock.state
    return Occurrence(
        at, f"clock {rule_id}#{clock.occurrence} {what}", clock.unit, clock.unit, None
    )


def occurrences(ev: Evaluation, trigger: Trigger) -> list[Occurrence]:
    """Everything one trigger counts on this order, in time order."""
    found: list[Occurrence] = []
    if trigger.event is not None:
        kept = ev.facts.kept
        preceded = trigger.after is not None or trigger.unless_after is not None
        for k in _counted_positions(ev, trigger):
            event = kept[k]
            fields = event.__dict__  # the event's fields (absent ones: not of its type)
            handling = ev.facts.handling[k] or ev.first_handling_unit()
            found.append(
                Occurrence(
                    at=event.at,
                    label=f"event {ev.event_index(k)} ({event.type})",
                    unit=event.unit,
                    handling=handling,
                    subject=fields.get("subject_unit"),
                    points=fields.get("points"),
                    event=ev.event_index(k),
                    notes=_preceded_notes(ev, trigger, k) if preceded else (),
                    about=about_unit(event, handling),
                )
            )
    for rule_id in trigger.clock:
        for clock in ev.clocks.get(rule_id, ()):
            counted = _clock_occurrence(ev, trigger, rule_id, clock)
            if counted is not None:
                found.append(counted)
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


class _OnOrder:
    """The order context of the condition trees (:class:`condition_tree.OrderContext`)."""

    __slots__ = ("ev",)

    def __init__(self, ev: Evaluation) -> None:
        self.ev = ev

    @property
    def received_at(self) -> dt.datetime:
        return self.ev.order.received_at

    def occurrences(self, trigger: Trigger) -> list[Occurrence]:
        return occurrences(self.ev, trigger)

    def occurs(self, trigger: Trigger) -> bool:
        return _occurs(self.ev, trigger)

    def distinct_key(self, occurrence: Occurrence, name: str) -> object:
        return _field(self.ev, occurrence, name)

    def value(self, ref: Any) -> Any:
        return self.ev.value(ref)

    def repeats(self, cond: RepeatOf, within: Any, rule_id: str) -> int | None:
        ev = self.ev
        if ev.repeats is None:
            ev.warn(
                "repeat_needs_other_orders",
                f"{rule_id}: a repeat condition needs the other orders; evaluate with "
                "evaluate_many(..., repeats=...) or pass repeats=RepeatIndex",
                rule_id,
            )
            return None
        return ev.repeats.count(
            cond.repeat, ev.order.complainant, ev.order.issue, ev.order.received_at, within
        )


def holds(ev: Evaluation, cond: Condition, rule_id: str) -> Holding:
    """Evaluate a condition on the order at ``as_of`` (the plan's tree of a rule's ``when``)."""
    return ev.plan.condition(cond).holds(_OnOrder(ev), rule_id)


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
    if target.unit in COUNTED_TARGETS:
        return counted_unit(counted[-1], target.unit) if counted else None
    if target.unit == "dispatch_centre":
        return next((u.id for u in ev.order.units if u.kind.value == "dispatch_centre"), None)
    return None


def _any_occurs(ev: Evaluation, triggers: tuple[Trigger, ...]) -> bool:
    """Whether any of the triggers counts anything (:func:`_occurs` for each)."""
    for trigger in triggers:  # noqa: SIM110 (a hot path: no generator a call)
        if _occurs(ev, trigger):
            return True
    return False


def _occurs(ev: Evaluation, trigger: Trigger) -> bool:
    """Whether :func:`occurrences` finds anything, without building the occurrences."""
    if trigger.event is not None and _counted_positions(ev, trigger):
        return True
    for rule_id in trigger.clock:
        for clock in ev.clocks.get(rule_id, ()):
            if _clock_counts(trigger, clock) and (
                trigger.reached is None or _reached(ev, rule_id, clock, trigger.reached)
            ):
                return True
    for rule_id in trigger.window:
        for window in ev.windows.get(rule_id, ()):
            if window.state == trigger.state:
                return True
    return any(ev.escalations.get(rule_id) for rule_id in trigger.escalation)


def evaluate_escalation(ev: Evaluation, rule: EscalationRule) -> list[EscalationFinding]:
    """The escalation, if its condition holds at ``as_of``: once, or once per unit.

    Once (``once_per`` ``order``, the default): to the unit of its target. Once per
    unit (``once_per`` ``unit``, target ``trigger_unit``): one finding for each unit
    among the occurrences counted (:func:`found_per_unit`).
    """
    tree = ev.plan.condition(rule.when)
    context = _OnOrder(ev)
    # most escalations do not hold: decided short-circuited first (a repeat may warn,
    # so a condition with one is always judged whole)
    if not tree.has_repeat and not tree.decides(context, rule.id):
        return []
    holding = tree.holds(context, rule.id)
    if not holding.holds:
        return []
    since = holding.since or ev.order.received_at
    if rule.once_per is not None and holding.counted and ev.value(rule.once_per) == "unit":
        how = f"once per unit concerned{parameter_note(rule.once_per)}"
        findings = []
        concerned = found_per_unit(holding.counted, since, target=rule.target.unit)
        for unit, unit_since, counted in concerned:
            trace = (*holding.notes, *counted_lines(counted), f"{how}: {unit}")
            actor = unit if rule.actor.unit == rule.target.unit else None
            actor = actor or _unit_of(ev, rule.actor, unit_since, tuple(counted))
            finding = _escalation_finding(ev, rule, unit, unit_since, trace, actor)
            if finding is not None:
                findings.append(finding)
        return findings
    target = _unit_of(ev, rule.target, since, holding.counted)
    actor = _unit_of(ev, rule.actor, since, holding.counted)
    trace = (*holding.notes, *counted_lines(holding.counted))
    finding = _escalation_finding(ev, rule, target, since, trace, actor)
    return [] if finding is None else [finding]


def counted_lines(counted: Iterable[Occurrence], *, dated: bool = True) -> Iterator[str]:
    """The trace of what a condition counted: a line each, with its notes under it."""
    for occurrence in counted:
        if dated:
            yield f"counted {occurrence.label} at {instant_text(occurrence.at)}"
        else:
            yield f"counted {occurrence.label}"
        yield from occurrence.notes


def _escalation_finding(
    ev: Evaluation,
    rule: EscalationRule,
    target: str | None,
    since: dt.datetime,
    trace: tuple[str, ...],
    actor: str | None,
) -> EscalationFinding | None:
    """The escalation's finding for one target unit (``None``: not for that kind of unit).

    ``actor``: the unit that acts (:attr:`EscalationFinding.actor_unit`).
    """
    if rule.for_unit_kind:  # for the target's kind only (the unit concerned, not the first)
        if unit_kind(ev.order, target) not in rule.for_unit_kind:
            return None
        trace = (*trace, for_unit_kind_text(ev.order, target, rule.for_unit_kind))
    # every field is of its declared type here: constructed without re-validation
    return trusted(
        EscalationFinding,
        {
            "rule_id": rule.id,
            "title": rule.title,
            "citation": rule.citation,
            "trace": trace,
            "action": rule.action,
            "actor_role": rule.actor.role,
            "actor_body": rule.actor.body,
            "actor_unit": actor,
            "target_unit": target,
            "target_role": rule.target.role,
            "target_body": rule.target.body,
            "since": in_shanghai(since),
        },
    )


class _Counted(Protocol):
    """What :func:`found_per_unit` reads of an occurrence (the engine's, or a kernel's)."""

    @property
    def at(self) -> dt.datetime: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def about(self) -> str | None: ...


_C = TypeVar("_C", bound=_Counted)

COUNTED_TARGETS = frozenset({"trigger_unit", "about_unit"})
"""The escalation targets read from what the condition counted (:func:`counted_unit`)."""


def counted_unit(occurrence: _Counted, target: str) -> str | None:
    """The unit an occurrence counted concerns, for an escalation's target unit.

    ``about_unit``: the unit a callback rates (:attr:`Occurrence.about`); else
    (``trigger_unit``) the unit that acted. The one statement of it, for the engine and
    the columnar kernel.
    """
    return occurrence.about if target == "about_unit" else occurrence.unit


def found_per_unit(
    counted: Sequence[_C], since: dt.datetime, *, target: str = "trigger_unit"
) -> list[tuple[str | None, dt.datetime, list[_C]]]:
    """An escalation found once per unit: (unit, since, what it counted for the unit) each.

    The one statement of ``once_per: unit``, for the engine and the columnar kernel.
    One finding for each distinct unit among the occurrences the condition counted
    (``counted``, which held ``since``), dated when it held for that unit: the later of
    ``since`` and the unit's first counted occurrence. In order of those instants, then
    of the units. The unit of an occurrence is the one it concerns for the escalation's
    ``target`` (:func:`counted_unit`).

    Example:
        >>> from types import SimpleNamespace as O
        >>> t = [dt.datetime(2023, 6, d) for d in (1, 2, 3)]
        >>> found = found_per_unit([O(at=t[1], unit="a"), O(at=t[2], unit="b")], t[0])
        >>> [(unit, at.day, len(occ)) for unit, at, occ in found]
        [('a', 2, 1), ('b', 3, 1)]
    """
    by_unit: dict[str | None, list[_C]] = {}
    for occurrence in counted:
        by_unit.setdefault(counted_unit(occurrence, target), []).append(occurrence)
    found = [
        (unit, max(since, min(o.at for o in occurrences)), occurrences)
        for unit, occurrences in by_unit.items()
    ]
    found.sort(key=lambda f: (f[1], f[0] or ""))
    return found


def deduction_points(
    event_points: Sequence[float | None],
    base: float | None,
    *,
    doubling: bool,
    cap: float | None,
) -> Iterator[tuple[int, float, float, bool]]:
    """The points a deduction rule books for each occurrence it counts on one order.

    The one statement of a deduction's arithmetic, for the engine and the columnar
    kernel: each occurrence (in time order, 1-based ``sequence``) is worth ``base``
    (doubled per earlier occurrence under the doubling progression), or its own
    event's points when ``base`` is ``None`` (``from_event``); a per-order ``cap``
    cuts the occurrence that would pass it to what is left, and an occurrence the
    cap brings to nothing is not booked.

    Yields:
        (sequence, points before the cap, points booked, whether the cap cut them) per
        booked occurrence.

    Example:
        >>> list(deduction_points([None] * 4, -1.0, doubling=True, cap=5.0))
        [(1, -1.0, -1.0, False), (2, -2.0, -2.0, False), (3, -4.0, -2.0, True)]
    """
    total = 0.0
    for sequence, own in enumerate(event_points, start=1):
        if base is None:
            points = float(own or 0.0)
        elif doubling:
            points = base * 2 ** (sequence - 1)
        else:
            points = base
        raw = points
        capped = cap is not None and abs(total + points) > cap
        if capped:
            assert cap is not None
            points = (cap - abs(total)) * (1 if points > 0 else -1)
        if points == 0 and cap is not None:
            continue
        total += points
        yield sequence, raw, points, capped


_T = TypeVar("_T")


def counted_once(found: list[_T], once_per: str, charged: Callable[[_T], object]) -> list[_T]:
    """The occurrences a deduction with ``once_per`` counts, in the order given (time order).

    The first (``order``), or the first charged to each unit (``order_and_unit``): the
    one statement of ``once_per``, for the engine and the columnar kernel.

    Example:
        >>> counted_once(["a1", "b1", "a2"], "order_and_unit", lambda o: o[0])
        ['a1', 'b1']
        >>> counted_once(["a1", "b1", "a2"], "order", lambda o: o[0])
        ['a1']
    """
    if once_per == "order":
        return found[:1]
    seen: set[object] = set()
    kept = []
    for occurrence in found:
        unit = charged(occurrence)
        if unit not in seen:
            seen.add(unit)
            kept.append(occurrence)
    return kept


class _Charged(Protocol):
    """What :func:`charged_unit` reads of an occurrence (the engine's, or a kernel's)."""

    @property
    def unit(self) -> str | None: ...
    @property
    def handling(self) -> str | None: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def about(self) -> str | None: ...


def charged_unit(occurrence: _Charged, charge: str) -> str | None:
    """The unit a deduction charges for an occurrence (its rule's ``charge``).

    The one statement of ``charge``, for the engine and the columnar kernel.
    """
    if charge == "handling_unit":
        return occurrence.handling
    if charge == "trigger_unit":
        return occurrence.unit
    if charge == "about_unit":  # a callback's rated unit; any other event's holder
        return occurrence.about or occurrence.handling
    return occurrence.subject


def evaluate_deduction(ev: Evaluation, rule: DeductionRule) -> list[DeductionFinding]:
    """One finding per occurrence, with progression and cap applied."""
    if not ev.switched_on(rule.runs_if):
        return []
    if isinstance(rule.when, Trigger):
        if not _occurs(ev, rule.when):  # most orders give most rules nothing to count
            return []
        found = occurrences(ev, rule.when)
    else:
        found = []
        for trigger in rule.when.any:
            assert isinstance(trigger, Trigger)
            if _occurs(ev, trigger):
                found.extend(occurrences(ev, trigger))
        found.sort(key=_in_time_order)
    if not found:
        return []
    once = rule.counted_once_per
    if once is not None and len(found) > 1:
        found = counted_once(found, ev.value(once), lambda o: charged_unit(o, rule.charge))
    findings = []
    base = None if rule.points == "from_event" else float(ev.value(rule.points))
    cap = None if rule.cap is None else float(ev.value(rule.cap))
    booked = deduction_points(
        [o.points for o in found], base, doubling=rule.progression is not None, cap=cap
    )
    for sequence, raw, points, capped in booked:
        occurrence = found[sequence - 1]
        trace = list(counted_lines((occurrence,)))
        if base is None:
            trace.append(f"points from the event: {raw:g}")
        elif isinstance(rule.points, ParamRef) and rule.points.param in ev.pack.overrides:
            # (what-if: the value given, not the one the quoted clause says)
            trace.append(f"points from parameter {rule.points.param}: {base:g}, overridden")
        elif rule.progression is not None:
            trace.append(
                f"occurrence {sequence} on this order: {base:g} × 2^{sequence - 1} = {raw:g}"
            )
        if capped:
            trace.append(
                f"capped at {cap:g} per order{parameter_note(rule.cap)}: {raw:g} becomes {points:g}"
            )
        unit = charged_unit(occurrence, rule.charge)
        trace.append(f"charged to {rule.charge.replace('_', ' ')}: {unit}")
        if rule.assesses is not None and points != 0:
            scope = str(ev.value(rule.assesses))
            kind = next((u.kind._value_ for u in ev.order.units if u.id == unit), None)
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
                occurred_at=in_shanghai(occurrence.at),
                occurrence=occurrence.label,
                sequence=sequence,
            )
        )
    return findings


_SHARED_RECORDS = 4096
"""At most this many record findings are kept per pack for reuse."""


def _record_finding(
    rule: RecordRule, trace: tuple[str, ...], computed: bool | None
) -> RecordFinding:
    # every field is of its declared type here: constructed without re-validation
    return trusted(
        RecordFinding,
        {
            "rule_id": rule.id,
            "title": rule.title,
            "citation": rule.citation,
            "trace": trace,
            "not_computed": rule.not_computed,
            "computed": computed if computed is None else bool(computed),
        },
    )


def evaluate_record(ev: Evaluation, rule: RecordRule) -> RecordFinding:
    """A recorded-only clause, with its computable part.

    Most orders get the same finding for a record rule (nothing counted); findings
    are immutable, so equal ones are built once per pack and shared. When none of
    the condition's triggers counts anything on the order (and it has no repeat),
    the finding depends only on the parameters in force: it is looked up by the
    rule and the parameters' date segment before the condition is judged.
    """
    computed: bool | None = None
    trace: tuple[str, ...] = ()
    quiet_key: tuple[object, ...] | None = None
    if rule.when is not None:
        tree = ev.plan.condition(rule.when)
        if not tree.has_repeat and not _any_occurs(ev, tree.triggers):
            quiet_key = ("record-quiet", rule.id, ev.plan.parameters.segment_of(ev.judged_on))
            quiet: RecordFinding | None = ev.shared.get(quiet_key)
            if quiet is not None:
                return quiet
        holding = tree.holds(_OnOrder(ev), rule.id)
        computed = holding.holds
        trace = (*holding.notes, *counted_lines(holding.counted, dated=False))
        if any(occurrence.notes for occurrence in holding.counted):
            # how after/unless_after judged an event names it with its instant: a trace
            # of this order's own, not kept for others (kept, such findings filled the
            # memo, about one an order, until nothing more was shared)
            return _record_finding(rule, trace, computed)
    key = ("record", rule.id, computed, trace)
    finding: RecordFinding | None = ev.shared.get(key)
    if finding is None:
        finding = _record_finding(rule, trace, computed)
        if len(ev.shared) < _SHARED_RECORDS:
            ev.shared[key] = finding
    if quiet_key is not None and len(ev.shared) < _SHARED_RECORDS:
        ev.shared[quiet_key] = finding
    return finding
