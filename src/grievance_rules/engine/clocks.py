"""Clocks and windows: deadlines on the calendar, and where each stands at ``as_of``.

A clock starts at its start event (or the order's receipt), is due after its
duration under its counting convention (or at a deadline written on the order
or on the start event), stops at the first stop event after the start, stands
still during its pauses (the paused office time, or paused working days, is
added to the due instant), and moves to an approved extension's new deadline
(never beyond its cap). Its warning level is the highest level whose fraction of
the period has run: office time where the calendar has office hours, wall-clock
time otherwise.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import operator
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any, Literal, NamedTuple

from grievance_rules.calendar import (
    CountingConvention,
    Deadline,
    Duration,
    HalfDayRule,
    WorkingCalendar,
)
from grievance_rules.calendar.deadlines import remembered_deadline
from grievance_rules.calendar.office_hours import to_shanghai
from grievance_rules.engine._context import Evaluation, param_ref
from grievance_rules.engine.assessment import ClockFinding, ClockPause, WindowFinding, trusted
from grievance_rules.engine.clock_time import clock_period, time_line_us
from grievance_rules.engine.matching import any_of
from grievance_rules.errors import GrievanceRulesError
from grievance_rules.i18n import current_language, language
from grievance_rules.model import WorkOrder, in_shanghai, instant_text
from grievance_rules.model.events import EventBase
from grievance_rules.model.handling import unit_kind
from grievance_rules.packs import Pack
from grievance_rules.packs.schema import ClockRule, EventRef, ParamRef, WarningLevel, WindowRule

__all__ = [
    "LevelReached",
    "compile_where",
    "evaluate_clock",
    "evaluate_window",
    "extends_for",
    "for_unit_kind_text",
    "level_reached",
    "warning_of",
    "where_holds",
]


def _refusal_text(
    ev: Evaluation, start: dt.datetime, rule: ClockRule | WindowRule, exc: Exception
) -> str:
    """Why the calendar refused a rule's deadline, in English whatever the language.

    The calendar says its refusals in the chosen language; an assessment is the same
    bytes in every language, so the refusal is asked again in English (a rare path:
    refusals are not remembered).
    """
    if current_language() == "en":
        return str(exc)
    with language("en"):
        try:
            _deadline(ev, start, rule.duration, rule.convention, rule.half_day)
        except GrievanceRulesError as again:
            return str(again)
    return str(exc)  # (not refused in English: cannot happen, the same call)


def _deadline(
    ev: Evaluation, start: dt.datetime, spec: object, convention: object, half_day: object
) -> Deadline:
    """The deadline, computed once per order for each start and period (rules share them).

    Served from the calendar's memo: its ``start`` may be another instant with the
    same deadline, so callers take the start from the clock, never from it.
    """
    texts, parsed = _period(ev, spec, convention, half_day)
    key = (start, *texts, start.tzinfo)  # equal instants in other zones are other starts
    deadline = ev.deadlines.get(key)
    if deadline is None:
        duration, counted, half = parsed
        deadline = ev.deadlines[key] = remembered_deadline(
            ev.calendar, to_shanghai(start, what="start"), duration, counted, half_day=half
        )
    return deadline


_Period = tuple[tuple[str, str, str], tuple[Duration, CountingConvention, HalfDayRule]]


def _period(ev: Evaluation, spec: object, convention: object, half_day: object) -> _Period:
    """A rule's period (duration, convention, half-day rule) on the judged date.

    As text and parsed; resolved once per plan and parameter segment.

    Raises:
        DurationError: the duration is not one.
        ValueError: the convention or half-day rule is not one.
    """
    periods: dict[tuple[int, ...], Any] = ev.shared.setdefault("periods", {})
    key = (id(spec), id(convention), id(half_day), ev.segment)
    entry = periods.get(key)
    if entry is None:
        half = ev.value(half_day) if half_day is not None else ev.pack.manifest.calendar.half_day
        texts = (str(ev.value(spec)), str(ev.value(convention)), str(half))
        parsed = (Duration.parse(texts[0]), CountingConvention(texts[1]), HalfDayRule(texts[2]))
        # the entry keeps the rule's values (and so their ids) alive
        entry = periods[key] = (spec, convention, half_day, (texts, parsed))
    period: _Period = entry[3]
    return period


def _parameter_texts(ev: Evaluation, rule: ClockRule | WindowRule) -> tuple[str, ...]:
    """Trace lines naming the parameters a rule's period reads, as in force on the judged date.

    Each says the parameter, its value and the date that value took effect; and the
    value's own citation where it is not the rule's (a later notice that changed the
    limit: the finding cites the rule's clause, the trace the notice the value is from).
    Built once per plan, rule and parameter segment.
    """
    texts: dict[Any, tuple[str, ...]] = ev.shared.setdefault("parameter_texts", {})
    key = (rule.id, ev.segment)
    lines = texts.get(key)
    if lines is None:
        found = []
        for what, spec in (
            ("duration", rule.duration),
            ("counting", rule.convention),
            ("half day", rule.half_day),
        ):
            if not isinstance(spec, ParamRef):
                continue
            if spec.param in ev.pack.overrides:  # (what-if: the value given, on every date)
                found.append(f"{what} from parameter {spec.param}: {ev.value(spec)}, overridden")
                continue
            parameter = ev.pack.parameters[spec.param]
            dated = max(
                (v for v in parameter.values if v.from_ <= ev.judged_on),
                key=lambda v: v.from_,
                default=None,
            )
            if dated is None:  # (no value on the date: the deadline was refused)
                continue
            line = (
                f"{what} from parameter {spec.param}: {dated.value}, "
                f"in force from {dated.from_.isoformat()}"
            )
            cited = dated.citation
            if cited is not None and cited != rule.citation:
                line += f", per {cited.source} {cited.clause}「{cited.text}」"
            if parameter.basis == "assumption":
                line += ", the pack's assumption (no source gives it)"
            found.append(line)
        lines = texts[key] = tuple(found)
    return lines


_TEXTS_KEPT = 4_096
"""At most this many deadlines' trace texts are kept per pack (then it starts afresh)."""


def _deadline_texts(ev: Evaluation, deadline: Deadline) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A clock's trace lines for its deadline, and the skipped days as text (built once).

    Keyed by the deadline's identity; the entry holds the deadline itself, so the
    identity cannot be reused while the entry lives.
    """
    texts: dict[Any, Any] = ev.shared.setdefault("deadline_texts", {})
    entry = texts.get(id(deadline))
    if entry is None:
        # the days' texts are shared by the deadlines over the same days (one tuple each)
        days_key = ("days", id(deadline.makeup_days_counted), id(deadline.skipped_days))
        days = texts.get(days_key)
        if days is None:
            makeup = tuple(
                f"counted make-up day {d.isoformat()}" for d in deadline.makeup_days_counted
            )
            skipped = tuple(
                f"{s.date.isoformat()} {s.kind.value}{' ' + s.name if s.name else ''}"
                for s in deadline.skipped_days
            )
            # the entry keeps the tuples (and so their ids) alive
            days = (deadline.makeup_days_counted, deadline.skipped_days, makeup, skipped)
        lines = (
            f"{deadline.duration} ({deadline.convention.value})",
            *deadline.steps,
            *days[2],
        )
        if len(texts) >= _TEXTS_KEPT:
            texts.clear()
        texts[days_key] = days
        entry = texts[id(deadline)] = (deadline, lines, days[3])
    return entry[1], entry[2]


def _position(ev: Evaluation, instant: dt.datetime, *, wall_clock: bool = False) -> int:
    """Where an instant lies on the clock's time line (:func:`time_line_us`)."""
    return time_line_us(ev.calendar, instant, wall_clock=wall_clock)


class LevelReached(NamedTuple):
    """The instant a clock reached a warning level, and how it was found (a trace text)."""

    at: dt.datetime
    how: str


def level_reached(
    calendar: WorkingCalendar,
    start: dt.datetime,
    total: float,
    fraction: float,
    *,
    level: str,
    param: str | None = None,
    pauses: Sequence[tuple[int, int]] = (),
    wall_clock: bool = False,
) -> LevelReached:
    """The first instant at which a clock's elapsed share of its period reaches ``fraction``.

    The engine judges a light on the exact share: ``elapsed / total >= fraction``, the
    elapsed time counted from the clock's start in office time where the calendar has
    office hours (wall-clock time otherwise) and in whole microseconds. The instant is
    the start plus the least number of microseconds that passes that test, laid on
    the calendar (nights, lunch breaks and days off do not run; a result on the end of
    an office interval is that end). ``total``: the period in seconds, as the share
    divides by it: running time, pauses left out
    (:class:`~grievance_rules.engine.clock_time.ClockPeriod`); a period of nothing has
    run whole from its start. ``pauses``: (offset from the start, length) on the time
    line in microseconds; the clock stands still through each pause that began before
    the level was reached, so the instant moves on by it. ``wall_clock``: the clock runs
    on wall-clock time though the calendar has office hours (its period counted
    ``elapsed``, :func:`~grievance_rules.engine.clock_time.time_line_us`).

    One statement of the arithmetic for both paths: the engine's condition triggers
    and the columnar kernel's call it with the same numbers.

    Example:
        >>> from grievance_rules.calendar import china
        >>> cal = china(office_hours="09:00-12:00,13:30-17:30")
        >>> monday = dt.datetime.fromisoformat("2024-05-06T09:00+08:00")
        >>> found = level_reached(cal, monday, 5 * 420 * 60.0, 0.75, level="red")
        >>> found.at.isoformat()
        '2024-05-09T15:45:00+08:00'
        >>> print(found.how)  # doctest: +NORMALIZE_WHITESPACE
        reached red (0.75 of its period: 1575 of 2100 minutes of office time
        from its start 2024-05-06T09:00:00+08:00)
    """
    office = calendar.office_hours is not None and not wall_clock
    if total > 0:
        seconds = total
        micros = max(math.ceil(fraction * total * 1e6), 0)
        while micros > 0 and ((micros - 1) / 1e6) / seconds >= fraction:
            micros -= 1
        while not (micros / 1e6) / seconds >= fraction:
            micros += 1
    else:
        micros = 0  # (the engine's share of an empty period is 1.0: every light is on)
    stood = 0
    for offset, length in sorted(pauses):  # (in time order, whatever order they came in)
        if offset < micros + stood:  # (a pause from the very instant comes after the light)
            stood += length
    amount = dt.timedelta(microseconds=micros + stood)
    at = calendar.add_working_time(start, amount) if office else in_shanghai(start + amount)
    note = f", parameter {param}" if param else ""
    kind = "office time" if office else "clock time"
    paused = f", {_number(stood / 6e7)} minutes paused besides" if stood else ""
    how = (
        f"reached {level} ({fraction:g} of its period{note}: {_number(micros / 6e7)} of "
        f"{_number(max(total, 0) / 60)} minutes of {kind} from its start "
        f"{instant_text(start)}{paused})"
    )
    return LevelReached(in_shanghai(at), how)


def warning_of(pack: Pack, rule_id: str, level: str) -> WarningLevel | None:
    """The warning of a clock rule at ``level`` (``None``: the rule has no such level)."""
    rule = pack.rule(rule_id)
    assert isinstance(rule, ClockRule)
    return next((w for w in rule.warnings if w.level == level), None)


def _number(value: float) -> str:
    """A number of minutes as a trace writes it: no exponent, at most six decimals."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _shift(
    ev: Evaluation,
    due: dt.datetime,
    begin: dt.datetime,
    end: dt.datetime,
    *,
    wall_clock: bool = False,
) -> dt.datetime:
    """The due instant moved by the time a pause from ``begin`` to ``end`` took.

    On the clock's own time line: wall-clock time for a period counted ``elapsed``
    (``wall_clock``), else office time where the calendar has office hours, else whole
    working days (a due instant at 24:00 moves to 24:00 of the working day as many on).
    """
    cal = ev.calendar
    if wall_clock:
        return due + (end - begin)
    if cal.office_hours is not None:
        return cal.add_working_time(due, cal.working_time_between(begin, end))
    days = cal.working_days_between(begin.date(), end.date())
    if days <= 0:
        return due
    local = in_shanghai(due)
    # a due instant at midnight is the end (24:00) of the day before: counted from that day
    base = local.date() - dt.timedelta(days=1) if local.time() == dt.time() else local.date()
    day = cal.add_working_days(base, days)
    return due + dt.timedelta(days=(day - base).days)


def _moved_due(
    ev: Evaluation,
    rule: ClockRule,
    unit: str | None,
    k0: int | None,
    start: dt.datetime,
    due: dt.datetime,
    limit: dt.datetime,
    trace: list[str],
    *,
    wall_clock: bool,
) -> tuple[dt.datetime, list[ClockPause], bool]:
    """The due instant moved by the clock's extensions and pauses, in the order they happened.

    Each counts only if it happened while the clock was still in time, the due instant
    as the earlier ones had moved it: an extension granted, or a pause begun, after a
    pause had moved the due instant on counts. An extension moves the due instant to its
    new deadline (capped) when that is later; a pause moves it on by the time it took. A
    pause ends at the first of its end events after it (one that names a ``requester``
    only when that is the unit that began the pause: a decision on another unit's return
    request does not end it); time an earlier pause already stood still is not counted
    twice. Returns the due instant, the pauses as they happened, and whether a pause
    still ran at ``limit``.
    """
    kept = ev.facts.kept
    steps: list[tuple[dt.datetime, int, int, int | None]] = []  # (instant, k, kind, end)
    if rule.extend is not None:
        for k in ev.positions(rule.extend):
            if (k0 is None or k > k0) and kept[k].at <= limit and extends_for(kept[k], unit):
                steps.append((kept[k].at, k, 0, None))
    for begin_ref, end_ref in rule.pause:
        ends = ev.positions(end_ref)
        for b in ev.positions(begin_ref):
            if (k0 is not None and b <= k0) or kept[b].at > limit:
                continue
            e = next((k for k in ends if k > b and _ends_pause(kept[k], kept[b])), None)
            if e is not None and kept[e].at > limit:
                e = None  # (ended after the clock stopped: counted to the stop)
            steps.append((kept[b].at, b, 1, e))
    steps.sort(key=lambda step: (step[0], step[1], step[2]))
    cap = None
    if rule.cap is not None and any(kind == 0 for _, _, kind, _ in steps):
        cap = _deadline(ev, start, rule.cap, rule.convention, rule.half_day).due
    covered: dt.datetime | None = None  # the end of the time paused so far
    pauses: list[ClockPause] = []
    paused_now = False
    for at, k, kind, e in steps:
        if kind == 0:
            if at > due:  # an extension counts only if granted while the clock was in time
                trace.append(
                    f"extension of event {ev.event_index(k)} granted after the "
                    "due instant: not counted"
                )
                continue
            new_due = getattr(kept[k], "new_deadline")  # noqa: B009
            trace.append(
                f"extension granted by event {ev.event_index(k)}: due {instant_text(new_due)}"
            )
            if cap is not None and new_due > cap:
                trace.append(f"capped at {ev.value(rule.cap)} from the start: {instant_text(cap)}")
                new_due = cap
            due = max(due, new_due)
            continue
        if at > due:  # a pause that begins after the breach rescues nothing
            continue
        end = kept[e].at if e is not None else limit
        paused_now = paused_now or e is None
        pauses.append(
            trusted(
                ClockPause,
                {
                    "begin": in_shanghai(at),
                    "begin_event": ev.event_index(k),
                    "end": in_shanghai(end),
                    "end_event": ev.event_index(e) if e is not None else None,
                },
            )
        )
        frm = at if covered is None else max(at, covered)
        text = f"paused from event {ev.event_index(k)} ({instant_text(at)}) to {instant_text(end)}"
        if end <= frm:
            trace.append(f"{text}: paused already (until {instant_text(covered or at)})")
            continue
        due = _shift(ev, due, frm, end, wall_clock=wall_clock)
        covered = end
        already = f", paused already until {instant_text(frm)}" if frm > at else ""
        trace.append(f"{text}{already}: due moves to {instant_text(due)}")
    return due, pauses, paused_now


def _ends_pause(end: EventBase, begin: EventBase) -> bool:
    """Whether an end event ends a pause its begin event began.

    A decision that names whose request it decides (``requester``) ends only the pause of
    that unit's request; any other end event ends the pause.
    """
    requester = getattr(end, "requester", None)
    return requester is None or requester == begin.unit


def _field(event: object, name: str) -> Any:
    """An event field as a ``where`` compares it: enums by value, tuples by length."""
    if name.endswith("_count") and not hasattr(event, name):
        return len(getattr(event, name.removesuffix("_count"), ()))
    value = getattr(event, name, None)
    # (``_value_`` is what ``.value`` gives, without enum's Python-level property)
    return value._value_ if isinstance(value, enum.Enum) else value


def _compiled_test(expected: Any) -> Callable[[Any], bool]:
    """One ``where`` entry (a value, a list of them, or an operator) as a test on a value."""
    if isinstance(expected, list):
        return any_of([_compiled_test(item) for item in expected])
    if isinstance(expected, dict):
        ((op, operand),) = expected.items()
        if op == "exists":
            wanted = bool(operand)
            return lambda value: (value is not None) == wanted
        if op == "ne":
            return lambda value: bool(value != operand)
        compare = {
            "gte": operator.ge,
            "lte": operator.le,
            "gt": operator.gt,
            "lt": operator.lt,
        }[op]
        return lambda value: value is not None and bool(compare(value, operand))
    return lambda value: bool(value == expected)


def compile_where(where: dict[str, Any]) -> Callable[[object], bool]:
    """A ``where`` filter over an event's own fields, compiled into a predicate on the event."""
    terms = [(name, _compiled_test(expected)) for name, expected in where.items()]

    def passes(event: object) -> bool:
        for name, check in terms:  # noqa: SIM110 (a hot path: no generator a call)
            if not check(_field(event, name)):
                return False
        return True

    return passes


def where_holds(event: object, where: dict[str, Any]) -> bool:
    """Whether an event passes a ``where`` filter over its own fields (compiled for this call).

    Example:
        >>> from grievance_rules.model.events import Replied
        >>> reply = Replied(at="2024-05-06T10:00:00+08:00", kind="初步回复")
        >>> where_holds(reply, {"kind": "preliminary"}), where_holds(reply, {"evidence_count": 0})
        (True, True)
        >>> where_holds(reply, {"kind": ["substantive", "on_account"]})
        False
    """
    return compile_where(where)(event)


def _where_test(ev: Evaluation, where: dict[str, Any]) -> Callable[[object], bool]:
    """:func:`compile_where` for one ``where`` of the pack, compiled once per plan."""
    tests: dict[int, Any] = ev.shared.setdefault("where_tests", {})
    entry = tests.get(id(where))
    if entry is None:
        # the entry keeps ``where`` (and so its id) alive
        entry = tests[id(where)] = (where, compile_where(where))
    predicate: Callable[[object], bool] = entry[1]
    return predicate


def _selected(ev: Evaluation, refs: Sequence[EventRef]) -> list[int]:
    """Positions of the kept events any of ``refs`` selects (its event type, its ``where``)."""
    tests = [(r.event, _where_test(ev, r.where)) for r in refs]
    kinds = {kind for kind, _ in tests}
    found = []
    for k, event in enumerate(ev.facts.kept):
        kind = event.type
        if kind in kinds:
            for wanted, passes in tests:
                if kind == wanted and passes(event):
                    found.append(k)
                    break
    return found


def _stops(ev: Evaluation, rule: ClockRule) -> tuple[list[int], list[int], str]:
    """The events that stop the clock, those its ``not_stopped_by`` passes over, and why."""
    stops = ev.positions(rule.stop)
    if rule.also_stopped_by is not None:
        also = rule.also_stopped_by
        stops = sorted(set(stops) | set(_selected(ev, (also,))))
    exception = rule.not_stopped_by
    if exception is None or not stops:
        return stops, [], ""
    if ev.value(exception.unless) is True:
        return stops, [], ""
    kept = ev.facts.kept
    passes = _where_test(ev, exception.where)
    passed = [k for k in stops if passes(kept[k])]
    if not passed:
        return stops, passed, ""  # (the reason is only ever written for an event passed over)
    why = _described(exception.where)
    if isinstance(exception.unless, ParamRef):
        why += f"; parameter {exception.unless.param}: false"
    return [k for k in stops if k not in passed], passed, why


def _described(where: dict[str, Any]) -> str:
    return ", ".join(f"{name}: {value}" for name, value in sorted(where.items()))


def _standin_start(
    ev: Evaluation,
    rule: ClockRule,
    other_id: str,
    unit: str | None = None,
    assigned: int | None = None,
) -> ClockFinding | None:
    """The other clock whose due instant stands in for a start event that never happened.

    ``None`` unless that clock is due by ``as_of`` and was not met (a clock whose start
    event should have stopped it, and did not). Per assignment, the other clock of the
    same unit's assignment (started by the event at position ``assigned``).
    """
    other = ev.pack.rule(other_id)
    assert isinstance(other, ClockRule)
    assert other.id != rule.id
    found = ev.clocks.get(other.id)
    if found is None:
        found = evaluate_clock(ev, other) if ev.applies(other.applies_to) else []
    if unit is not None:
        index = ev.event_index(assigned) if assigned is not None else None
        found = [c for c in found if c.unit == unit and c.start_event == index]
    first = found[0] if found else None
    if first is None or first.state == "met" or first.due > ev.as_of:
        return None
    return first


class _Run(NamedTuple):
    """One clock to compute: its start, and for a clock per assignment, whose it is.

    (A named tuple: built a few times an order, where a frozen dataclass's ``__init__``
    costs a call of ``object.__setattr__`` per field.)
    """

    start: dt.datetime
    k0: int | None
    standin: ClockFinding | None = None
    unit: str | None = None
    """The assigned unit (per assignment), charged and alone able to stop the clock."""
    ends: int | None = None
    """Position of the event that took the order from the unit (per assignment)."""


def extends_for(event: EventBase, unit: str | None) -> bool:
    """Whether an extension counts for a clock: the order's, or one unit's (per assignment).

    An extension granted to one unit (``for_unit``) does not move another unit's clock.

    Example:
        >>> from grievance_rules.model.events import ExtensionGranted
        >>> granted = ExtensionGranted(at="2024-09-27T10:00:00+08:00",
        ...                            new_deadline="2024-10-31T17:30:00+08:00", for_unit="ljq")
        >>> extends_for(granted, "ljq"), extends_for(granted, "hs"), extends_for(granted, None)
        (True, False, True)
    """
    target = getattr(event, "for_unit", None)
    return unit is None or target is None or target == unit


def for_unit_kind_text(order: WorkOrder, unit: str | None, kinds: Sequence[str]) -> str:
    """The trace line of a rule's ``for_unit_kind`` met by the unit a finding is about."""
    return f"{unit} is a {unit_kind(order, unit)}: the rule is for {','.join(kinds)}"


def _assignment_runs(ev: Evaluation, rule: ClockRule) -> list[_Run]:
    """One run per assignment.

    A dispatch-started clock starts at the assignment itself; another starts at the
    unit's own first start event after it or, without one, at ``start_else_due_of``'s due.
    """
    assert isinstance(rule.start, EventRef)
    kept = ev.facts.kept
    matched = ev.positions(rule.start)
    runs = []
    for a in ev.assignments():
        limit = a.ends if a.ends is not None else len(kept)
        if rule.start.event == "dispatched":
            if a.how == "dispatched" and a.begins not in matched:
                continue
            runs.append(_Run(kept[a.begins].at, a.begins, unit=a.unit, ends=a.ends))
            continue
        own = [k for k in matched if a.begins < k < limit and kept[k].unit in (a.unit, None)]
        if own:
            runs.append(_Run(kept[own[0]].at, own[0], unit=a.unit, ends=a.ends))
        elif rule.start_else_due_of is not None:
            standin = _standin_start(ev, rule, rule.start_else_due_of, a.unit, a.begins)
            if standin is not None:
                runs.append(_Run(standin.due, None, standin, unit=a.unit, ends=a.ends))
    return runs


def _first_due(ev: Evaluation, rule_id: str) -> dt.datetime | None:
    """The due instant of another clock rule's first clock on this order, if it runs."""
    other = ev.pack.rule(rule_id)
    assert isinstance(other, ClockRule)
    found = ev.clocks.get(other.id)
    if found is None:
        found = evaluate_clock(ev, other) if ev.applies(other.applies_to) else []
    return found[0].due if found else None


def _after_hours(ev: Evaluation, instant: dt.datetime) -> bool:
    """On a day off, or before opening or after closing time of a working day (下班时间).

    The lunch break lies between opening and closing: it is not after hours.
    """
    hours = ev.calendar.office_hours
    assert hours is not None
    local = to_shanghai(instant)
    if not ev.calendar.is_working_day(local.date()):
        return True
    minute = local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60
    return minute < hours.intervals[0][0] or minute >= hours.intervals[-1][1]


def evaluate_clock(ev: Evaluation, rule: ClockRule) -> list[ClockFinding]:
    """Every clock of one rule on the order (one, one per start event, or per assignment)."""
    kept = ev.facts.kept
    if not ev.switched_on(rule.runs_if):
        return []
    runs: list[_Run]
    if not isinstance(rule.start, EventRef):  # "received" (no model comparison: slow)
        runs = [_Run(ev.order.received_at, None)]
    elif rule.per_assignment:
        runs = _assignment_runs(ev, rule)
    else:
        assert isinstance(rule.start, EventRef)
        starts = ev.positions(rule.start)
        if rule.also_started_by:
            extra = _selected(ev, rule.also_started_by)
            starts = sorted(set(starts) | set(extra))
        if not starts and rule.start_else:
            starts = _selected(ev, rule.start_else)
        runs = [_Run(kept[k].at, k) for k in starts]
        if rule.occurrence == "first":
            runs = runs[:1]
        if not runs and rule.start_else_due_of is not None:
            standin = _standin_start(ev, rule, rule.start_else_due_of)
            if standin is not None:
                runs = [_Run(standin.due, None, standin)]
    if not runs:
        return []
    stops, passed, why = _stops(ev, rule)
    findings = []
    if rule.only_if_start is not None:
        if ev.calendar.office_hours is None:
            ev.warn("no_office_hours", f"{rule.id}: the pack calendar has no office hours", rule.id)
            return []
        if rule.only_if_start == "after_hours":
            runs = [run for run in runs if _after_hours(ev, run.start)]
        else:
            inside = rule.only_if_start == "inside_office_hours"
            runs = [run for run in runs if ev.calendar.in_office_hours(run.start) == inside]
    if rule.for_unit_kind:  # (per assignment: each run's unit is the assigned one)
        kinds = rule.for_unit_kind
        runs = [run for run in runs if unit_kind(ev.order, run.unit) in kinds]
    for occurrence, run in enumerate(runs):
        start, k0, standin = run.start, run.k0, run.standin
        trace: list[str] = []
        what = (
            "the order's receipt" if k0 is None else f"event {ev.event_index(k0)} ({kept[k0].type})"
        )
        if standin is not None:
            assert isinstance(rule.start, EventRef)
            what = (
                f"the due instant of {standin.rule_id}: no {rule.start.event} event, so the "
                f"clock runs from the latest it should have happened"
            )
        trace.append(f"started {instant_text(start)} by {what}")
        if run.unit is not None:
            unit: str | None = run.unit
            trace.append(f"the assignment of {unit}: its own clock, stopped by its own events")
            if rule.for_unit_kind:
                trace.append(for_unit_kind_text(ev.order, unit, rule.for_unit_kind))
        elif standin is not None:
            unit = standin.unit
        elif rule.charge == "start_unit" and k0 is not None:
            unit = kept[k0].unit
        elif k0 is not None:
            unit = ev.facts.handling[k0] or ev.first_handling_unit()
        else:
            unit = ev.first_handling_unit()
        skipped: tuple[str, ...] = ()
        provisional = False
        wall_clock = False  # (a period counted elapsed runs on wall-clock time)
        if rule.duration is not None:
            try:
                deadline = _deadline(ev, start, rule.duration, rule.convention, rule.half_day)
            except GrievanceRulesError as exc:
                why = _refusal_text(ev, start, rule, exc)
                ev.warn("deadline_not_computable", f"{rule.id}: {why}", rule.id)
                continue
            due = deadline.due
            provisional = deadline.provisional
            wall_clock = deadline.convention is CountingConvention.ELAPSED
            lines, skipped = _deadline_texts(ev, deadline)
            trace.append(lines[0])  # the period, then the parameters it was read from
            trace.extend(_parameter_texts(ev, rule))
            trace.extend(lines[1:])
        else:
            field = rule.due_field
            source = ev.order if field == "reply_deadline" else kept[k0] if k0 is not None else None
            written = getattr(source, field or "", None) if source is not None else None
            if written is None:
                # what should carry the deadline: the order, or the start event (a letter)
                event_type = source.type if isinstance(source, EventBase) else None
                holder = "order" if event_type is None else f"{event_type} event"
                ev.warn(
                    "missing_deadline",
                    f"{rule.id}: the {holder} has no {field}; the clock cannot run "
                    "(no written time limit applies to it under this rule)",
                    rule.id,
                    event_type=event_type,
                )
                continue
            due = written
            if run.unit is not None and start >= due:
                # an assignment that began when the written deadline had passed: the unit
                # never had the order while it ran; the unit holding it then answers for it
                continue
            trace.append(
                f"due at the deadline written on the "
                f"{'order' if field == 'reply_deadline' else 'start event'}: "
                f"{field} = {instant_text(due)}"
            )
        for other_id in rule.no_later_than:
            bound = _first_due(ev, other_id)
            if bound is not None and bound < due:
                trace.append(
                    f"never after the due instant of {other_id}: "
                    f"{instant_text(due)} becomes {instant_text(bound)}"
                )
                due = bound
        stop_k = None
        # kept is in time order and a run from an event starts at it: the events after
        # that one are those not before the start
        for k in stops[bisect_right(stops, k0) :] if k0 is not None else stops:
            if k0 is None and standin is None and kept[k].at < start:
                continue  # (a stand-in start is late by design: an earlier stop still counts)
            if run.ends is not None and k >= run.ends:
                break
            if rule.stop_by == "same_unit" and kept[k].unit != unit:
                continue
            if (
                run.unit is not None
                and kept[k].type == rule.stop.event  # a closure is the centre's act
                and kept[k].unit not in (run.unit, None)
            ):
                continue
            stop_k = k
            break
        if stop_k is None and run.ends is not None:
            stop_k = run.ends  # the order was taken from the unit: its clock ends there
        for k in passed:
            if (k > k0 if k0 is not None else kept[k].at >= start) and (
                stop_k is None or k < stop_k
            ):
                trace.append(
                    f"event {ev.event_index(k)} ({kept[k].type}) does not stop the clock ({why})"
                )
        limit = kept[stop_k].at if stop_k is not None else ev.as_of
        due, pauses, paused_now = _moved_due(
            ev, rule, run.unit, k0, start, due, limit, trace, wall_clock=wall_clock
        )
        paused_now = paused_now and stop_k is None
        state: Literal["running", "paused", "met", "breached"]
        if stop_k is not None:
            stopped_at: dt.datetime | None = kept[stop_k].at
            state = "met" if kept[stop_k].at <= due else "breached"
            if stop_k == run.ends:
                trace.append(
                    f"the order was taken from {unit} {instant_text(kept[stop_k].at)} by event "
                    f"{ev.event_index(stop_k)} ({kept[stop_k].type}): "
                    + ("not charged" if state == "met" else "already late when it left")
                )
            else:
                trace.append(
                    f"stopped {instant_text(kept[stop_k].at)} by event "
                    f"{ev.event_index(stop_k)} ({kept[stop_k].type}): {state}"
                )
        else:
            stopped_at = None
            state = "paused" if paused_now else "breached" if ev.as_of > due else "running"
            trace.append(f"not stopped by {instant_text(ev.as_of)} (as_of): {state}")
        period = clock_period(ev.calendar, start, due, pauses, wall_clock=wall_clock)
        elapsed = period.running_seconds(
            max(_position(ev, stopped_at or ev.as_of, wall_clock=wall_clock) - period.origin, 0)
        )
        share = elapsed / period.seconds if period.seconds > 0 else 1.0
        ev.clock_totals[(rule.id, occurrence)] = period
        fraction = round(share, 6)  # as reported; the lights are judged on the exact share
        level = None
        if state in ("running", "paused"):
            for warning in rule.warnings:
                at = ev.value(param_ref(warning.param)) if warning.param else warning.at
                if share >= at:
                    level = warning.level
        findings.append(
            # every field is of its declared type here: constructed without re-validation
            trusted(
                ClockFinding,
                {
                    "rule_id": rule.id,
                    "title": rule.title,
                    "citation": rule.citation,
                    "trace": tuple(trace),
                    "occurrence": occurrence,
                    "start": in_shanghai(start),
                    "start_event": ev.event_index(k0) if k0 is not None else None,
                    "due": in_shanghai(due),
                    "stopped_at": None if stopped_at is None else in_shanghai(stopped_at),
                    "stop_event": ev.event_index(stop_k) if stop_k is not None else None,
                    "state": state,
                    "warning_level": level,
                    "elapsed_fraction": fraction,
                    "unit": unit,
                    "provisional": provisional,
                    "skipped_days": skipped,
                    "pauses": tuple(pauses),
                },
            )
        )
    return findings


def evaluate_window(ev: Evaluation, rule: WindowRule) -> list[WindowFinding]:
    """One finding per action event: taken within the window, or late."""
    kept = ev.facts.kept
    opens = ev.positions(rule.opens) if isinstance(rule.opens, EventRef) else []
    findings = []
    for k in ev.positions(rule.action):
        if not isinstance(rule.opens, EventRef):  # "received"
            opened, what = ev.order.received_at, "the order's receipt"
        else:
            before = [j for j in opens if j < k]
            if rule.per_assignment:
                own = [
                    a.begins
                    for a in ev.assignments()
                    if a.unit == kept[k].unit
                    and a.begins < k
                    and (a.how == "reassigned" or a.begins in opens)
                ]
                before = own or before
            if not before:
                ev.warn(
                    "window_not_opened",
                    f"{rule.id}: event {ev.event_index(k)} ({kept[k].type}) has no earlier "
                    f"{rule.opens.event} event to count from",
                    rule.id,
                )
                continue
            opened = kept[before[-1]].at
            what = f"event {ev.event_index(before[-1])} ({kept[before[-1]].type})"
        try:
            deadline = _deadline(ev, opened, rule.duration, rule.convention, rule.half_day)
        except GrievanceRulesError as exc:
            why = _refusal_text(ev, opened, rule, exc)
            ev.warn("deadline_not_computable", f"{rule.id}: {why}", rule.id)
            continue
        acted = kept[k].at
        state = "within" if acted <= deadline.due else "late"
        trace = (
            f"opened {instant_text(opened)} by {what}",
            f"{deadline.duration} ({deadline.convention.value}, half day: "
            f"{deadline.half_day.value}): closes {instant_text(deadline.due)}",
            *_parameter_texts(ev, rule),
            *deadline.steps,
            f"event {ev.event_index(k)} ({kept[k].type}) at {instant_text(acted)}: {state}",
        )
        findings.append(
            trusted(
                WindowFinding,
                {
                    "rule_id": rule.id,
                    "title": rule.title,
                    "citation": rule.citation,
                    "trace": trace,
                    "event": ev.event_index(k),
                    "opened_at": in_shanghai(opened),
                    "closes_at": in_shanghai(deadline.due),
                    "acted_at": in_shanghai(acted),
                    "state": state,
                    "consequence": rule.consequence,
                    "unit": kept[k].unit,
                },
            )
        )
    return findings
