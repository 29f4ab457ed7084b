"""The engine's trace lines in words, in the reader's language (display only).

How a finding was computed (its ``trace``), what a deduction counted (its
``occurrence``), why a period rule fired or a unit was ranked, and a comparison's
details are written by the engine in English: they are data inside assessments,
the same bytes whatever the reader's language and whichever backend computed
them. This module says each line in the current language
(:mod:`grievance_rules.i18n`) when a person reads it, as
:mod:`grievance_rules.calendar.wording` does for a deadline's steps: each line the
engine writes is recognised by its pattern and rendered from the catalogue, the
steps of a deadline are left to :func:`~grievance_rules.calendar.wording.step_text`,
and a line of any other form is shown as it is. Rule ids, instants and numbers
stay as written.

A unit the engine names by its id is named as the tables for people name it, by
its id and name (``c07 东风社区``, :func:`~grievance_rules.reports.formatting.unit_with_name`),
in English as in Chinese, from the names the caller gives (``unit_names``: the
order's units, or the scorecards'); an id without a name stays as it is. In
English a line is otherwise shown as the engine wrote it. In Chinese, a
parameter's value that is one of its labels' codes (``reached``) is shown with
the pack's Chinese label beside it when the caller gives the pack's labels
(``parameter_labels``, :func:`parameter_labels`).

Example:
    >>> from grievance_rules.i18n import language
    >>> line = "started 2025-01-02T09:31:00+08:00 by event 0 (dispatched)"
    >>> with language("zh"):
    ...     trace_text(line)
    '2025-01-02T09:31:00+08:00 起算（流转环节 0（派单））'
    >>> with language("en"):
    ...     trace_text(line) == line
    True
    >>> with language("en"):
    ...     trace_text("charged to handling unit: c07", unit_names={"c07": "东风社区"})
    'charged to handling unit: c07 东风社区'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping

from grievance_rules.calendar.durations import Duration
from grievance_rules.calendar.wording import convention_text, duration_text, step_text
from grievance_rules.i18n import current_language, join_list
from grievance_rules.i18n import gettext as _
from grievance_rules.model import EVENT_CLASSES
from grievance_rules.model.terms import TermEnum
from grievance_rules.packs import Pack
from grievance_rules.reports.formatting import (
    kind_of_finding_label,
    level_label,
    state_label,
    unit_kind_label,
    unit_with_name,
)

__all__ = ["parameter_labels", "trace_joined", "trace_text"]

_DATE = r"\d{4}-\d{2}-\d{2}"
_T = r"\d{4}-\d{2}-\d{2}T[\d:.]+[+-]\d{2}:\d{2}"
_EV = r"event (\d+) \((\w+)\)"
_THRESHOLD = r"(>=|==) (\d+)(?:, parameter (\S+))?"
_CONVENTION = r"(civil_code|working_time|elapsed)"

_Render = Callable[[re.Match[str]], str | None]

_MARK = "\x00"
"""Marks what a line as rendered (and cached) leaves to the caller's names and labels: a
unit id, or a parameter's value (its name, :data:`_VALUE`, the value)."""
_VALUE = "\x01"


def _unit(unit: str) -> str:
    """A unit id the line names: :func:`trace_text` writes it with its name (``c07 东风社区``).

    Every unit id a line is rendered with goes through here (a pattern's group
    ``unit``, or ``units`` for a list of them).
    """
    return f"{_MARK}{unit}{_MARK}"


def _value(parameter: str, value: str) -> str:
    """A parameter's value the line names: :func:`trace_text` writes it with its label."""
    return f"{_MARK}{parameter}{_VALUE}{value}{_MARK}"


def _units(listed: str) -> str:
    """Unit ids the engine lists with commas (``c15, c16``), as the current language lists them."""
    return join_list(_unit(item.strip()) for item in listed.split(","))


def _event_type(kind: str) -> str:
    cls = EVENT_CLASSES.get(kind)
    return cls.zh if cls is not None and cls.zh else kind


def _event(number: str, kind: str) -> str:
    """``event 6 (callback)``: ``流转环节 6（回访）``."""
    return _("event {number} ({type})").format(number=number, type=_event_type(kind))


def _yes_no(word: str) -> str:
    return _("yes") if word == "yes" else _("no")


def _listed(items: str, separator: str = ",") -> str:
    """Ids the engine lists with commas (``c02, c06``), as the current language lists them."""
    return join_list(item.strip() for item in items.split(separator))


def _threshold(sign: str, number: str, parameter: str | None) -> str:
    """``>= 2, parameter n``: ``不少于 2，参数 n``."""
    text = (_("at least {n}") if sign == ">=" else _("exactly {n}")).format(n=number)
    if parameter:
        text += _(", parameter {name}").format(name=parameter)
    return text


def _duration(text: str) -> str | None:
    """A duration as the current language says it, or ``None`` if ``text`` is none."""
    try:
        Duration.parse(text)
    except ValueError:
        return None
    return duration_text(text)


def _duration_line(duration: str, convention: str) -> str | None:
    """``5 working days (working_time)``: ``5个工作日（按工作时间计算）``."""
    shown = _duration(duration)
    if shown is None:
        return None
    return _("{duration} ({convention})").format(
        duration=shown, convention=convention_text(convention)
    )


def _occurrence(text: str) -> str | None:
    """What a condition counted (``event 6 (callback)``, ``clock R#0 breached`` ...)."""
    found = re.fullmatch(_EV, text)
    if found:
        return _event(found[1], found[2])
    found = _REACHED.fullmatch(text)
    if found:
        return _reached(found)
    found = re.fullmatch(r"clock (\S+) (\w+)", text)
    if found:
        return _("clock {clock} {state}").format(clock=found[1], state=state_label(found[2]))
    found = re.fullmatch(r"window (\S+) event (\d+) (\w+)", text)
    if found:
        return _("window {rule} event {number} {state}").format(
            rule=found[1], number=found[2], state=state_label(found[3])
        )
    found = re.fullmatch(r"escalation (\S+)", text)
    if found:
        return _("escalation {rule}").format(rule=found[1])
    return None


_REACHED = re.compile(
    r"clock (\S+) (?:(\w+), )?reached (\w+) \(([\d.e+-]+) of its period(?:, parameter (\S+))?: "
    rf"([\d.]+) of ([\d.]+) minutes of (office|clock) time from its start ({_T})\)"
)


def _reached(m: re.Match[str]) -> str:
    """A clock that reached a warning level, and when by its arithmetic (a clock trigger)."""
    clock, state, level, fraction, parameter, used, total, kind, start = m.groups()
    share = (
        _("{fraction} of its period").format(fraction=fraction)
        if parameter is None
        else _("{fraction} of its period, parameter {name}").format(
            fraction=fraction, name=parameter
        )
    )
    minutes = (
        _("{used} of {total} minutes of office time from its start {start}")
        if kind == "office"
        else _("{used} of {total} minutes of clock time from its start {start}")
    ).format(used=used, total=total, start=start)
    reached = _("clock {clock} reached {level} ({share}: {minutes})").format(
        clock=clock, level=level_label(level), share=share, minutes=minutes
    )
    if state is None:
        return reached
    return _("{reached}; now {state}").format(reached=reached, state=state_label(state))


def _why_not_stopped(kind: str, why: str) -> str:
    """Why an event passes over a clock: ``kind: preliminary; parameter p: false``.

    A field's value is said by its term (``初步回复``) where the event's field has one.
    """
    where, _sep, parameter = why.partition("; parameter ")
    fields = getattr(EVENT_CLASSES.get(kind), "model_fields", {})
    parts = []
    for pair in where.split(", "):
        name, _colon, value = pair.partition(": ")
        annotation = getattr(fields.get(name), "annotation", None)
        term = None
        if isinstance(annotation, type) and issubclass(annotation, TermEnum):
            try:
                term = annotation(value).zh
            except ValueError:
                term = None
        parts.append(term or _("{name}: {value}").format(name=name, value=value))
    text = join_list(parts)
    if parameter:
        text += _("; parameter {name}: false").format(name=parameter.removesuffix(": false"))
    return text


def _charged(who: str, unit: str) -> str:
    whom = {
        "handling": _("the handling unit"),
        "trigger": _("the unit whose event counted"),
        "subject": _("the unit the event concerns"),
        "start": _("the unit that started the clock"),
        "about": _("the unit the callback rates"),
    }[who]
    return _("charged to {who}: {unit}").format(who=whom, unit=_unit(unit))


def _once_per_unit(m: re.Match[str]) -> str:
    """An escalation found once for each unit concerned (its ``once_per``: unit)."""
    parameter, unit = m.groups()
    text = _("found once for each unit concerned: {unit}").format(unit=_unit(unit))
    if parameter:
        text += _(" (parameter {name})").format(name=parameter)
    return text


def _not_assessed(m: re.Match[str]) -> str:
    unit, kind, scope, parameter = m.groups()
    kinds = join_list(unit_kind_label(k) for k in scope.split(","))
    text = _("{unit} is a {kind}; the points count for {kinds} only: 0").format(
        unit=_unit(unit), kind=unit_kind_label(kind), kinds=kinds
    )
    if parameter:
        text += _(" (parameter {name})").format(name=parameter)
    return text


def _for_unit_kind(m: re.Match[str]) -> str:
    """A rule's ``for_unit_kind`` met by the unit a finding is about (a clock's, a target)."""
    unit, kind, kinds = m.groups()
    return _("{unit} is a {kind}: the rule is for {kinds}").format(
        unit=_unit(unit),
        kind=unit_kind_label(kind),
        kinds=join_list(unit_kind_label(k) for k in kinds.split(",")),
    )


def _capped_per_order(m: re.Match[str]) -> str:
    cap, parameter, raw, points = m.groups()
    text = _("capped at {cap} per order: {raw} becomes {points}").format(
        cap=cap, raw=raw, points=points
    )
    if parameter:
        text += _(" (parameter {name})").format(name=parameter)
    return text


def _within(within: str) -> str:
    """A repeat's period: ``calendar_month`` or a number of natural days before the order."""
    if within == "calendar_month":
        return _("in the month of receipt")
    return _("in the {days} natural days before").format(days=within)


def _repeats(m: re.Match[str]) -> str:
    n, who, within, within_parameter, least, least_parameter = m.groups()
    line = (
        _("{n} orders by this complainant on this issue {within}")
        if who == "orders by this complainant"
        else _("{n} complainants on this issue {within}")
    ).format(n=n, within=_within(within))
    if within_parameter:
        line += _(" (parameter {name})").format(name=within_parameter)
    if least:
        line += _(" ({threshold})").format(threshold=_threshold(">=", least, least_parameter))
    return line


def _count(m: re.Match[str]) -> str:
    """A period finding's count: ``clock:R1,R2:breached: 2 (>= 1: yes)``."""
    kind, rules, state, count, sign, number, parameter, verdict = m.groups()
    what = f"{kind_of_finding_label(kind)} {_listed(rules)}"
    if state:
        what += f" {state_label(state)}"
    return _("{what}: {count} ({threshold}: {verdict})").format(
        what=what,
        count=count,
        threshold=_threshold(sign, number, parameter),
        verdict=_yes_no(verdict),
    )


def _ranked(m: re.Match[str]) -> str:
    place, bottom, units, kinds, points, tied = m.groups()
    among = join_list(unit_kind_label(k.strip()) for k in kinds.split(","))
    line = _("{place} of the {bottom} lowest of {units} units ({kinds}): {points} points")
    line = line.format(place=place, bottom=bottom, units=units, kinds=among, points=points)
    if tied:
        line += _(", the place shared with {units}").format(units=_units(tied))
    return line


def _stopped(m: re.Match[str]) -> str:
    return _("stopped {at} by {event}: {state}").format(
        at=m[1], event=_event(m[2], m[3]), state=state_label(m[4])
    )


def _taken(m: re.Match[str]) -> str:
    verdict = _("not charged") if m[5] == "not charged" else _("already late when it left")
    return _("the order was taken from {unit} {at} by {event}: {verdict}").format(
        unit=_unit(m[1]), at=m[2], event=_event(m[3], m[4]), verdict=verdict
    )


def _from_parameter(m: re.Match[str]) -> str:
    """``duration from parameter reply_time: 5 working days, in force from 2023-05-19``."""
    what, name, value, since, overridden, source, clause, text, assumed = m.groups()
    chinese = current_language() == "zh"
    if what == "duration":
        line = _("duration from parameter {name}: {value}")
        value = duration_text(value)
    elif what == "counting":
        line = _("counting from parameter {name}: {value}")
        value = convention_text(value) if chinese else value
    else:
        line = _("half day from parameter {name}: {value}")
    line = line.format(name=name, value=value)
    if overridden:
        line += _(", overridden")
    else:
        line += _(", in force from {date}").format(date=since)
    if source:
        line += _(", per {source} {clause}「{text}」").format(
            source=source, clause=clause, text=text
        )
    if assumed:
        line += _(", the pack's assumption (no source gives it)")
    return line


def _deadline_on(m: re.Match[str]) -> str:
    if m[1] == "order":
        line = _("due at the deadline written on the order: {field} = {at}")
    else:
        line = _("due at the deadline written on the start event: {field} = {at}")
    return line.format(field=m[2], at=m[3])


def _counted(label: str, at: str | None) -> str | None:
    what = _occurrence(label)
    if what is None:
        return None
    if at is None:
        return _("counted {what}").format(what=what)
    return _("counted {what} at {at}").format(what=what, at=at)


def _distinct_field(name: str) -> str:
    """The event field a count tells apart (``unit``, ``to_unit``), as people call it."""
    labels = {
        "unit": _("units acting"),
        "to_unit": _("units it went to"),
    }
    return labels.get(name, name)


def _rule_detail(m: re.Match[str]) -> str | None:
    """A comparison's detail: ``R: event 6 (callback)``, ``R: due 2026-02-14 10:30``."""
    due = re.fullmatch(r"due (\d{4}-\d{2}-\d{2} \d{2}:\d{2})", m[2])
    what = _("due {when}").format(when=due[1]) if due else _occurrence(m[2])
    return None if what is None else f"{m[1]}: {what}"


_LINES: tuple[tuple[re.Pattern[str], _Render], ...] = (
    # how a clock starts, runs and stops (engine.clocks)
    (
        re.compile(rf"started ({_T}) by the order's receipt"),
        lambda m: _("started {at} by the order's receipt").format(at=m[1]),
    ),
    (
        re.compile(
            rf"started ({_T}) by the due instant of (\S+): no (\w+) event, so the clock runs "
            r"from the latest it should have happened"
        ),
        lambda m: _(
            "started {at} from the due instant of {rule}: no {type} event, so the clock "
            "runs from the latest it should have happened"
        ).format(at=m[1], rule=m[2], type=_event_type(m[3])),
    ),
    (
        re.compile(rf"started ({_T}) by {_EV}"),
        lambda m: _("started {at} by {event}").format(at=m[1], event=_event(m[2], m[3])),
    ),
    (
        re.compile(r"the assignment of (?P<unit>\S+): its own clock, stopped by its own events"),
        lambda m: _("the assignment of {unit}: its own clock, stopped by its own events").format(
            unit=_unit(m[1])
        ),
    ),
    (
        re.compile(rf"(.+) \({_CONVENTION}\)"),
        lambda m: _duration_line(m[1], m[2]),
    ),
    (
        re.compile(rf"counted make-up day ({_DATE})"),
        lambda m: _("counted make-up day {date}").format(date=m[1]),
    ),
    (
        re.compile(rf"due at the deadline written on the (order|start event): (\w+) = ({_T})"),
        _deadline_on,
    ),
    (
        re.compile(rf"never after the due instant of (\S+): ({_T}) becomes ({_T})"),
        lambda m: _("never after the due instant of {rule}: {due} becomes {bound}").format(
            rule=m[1], due=m[2], bound=m[3]
        ),
    ),
    (
        re.compile(rf"{_EV} does not stop the clock \((.+)\)"),
        lambda m: _("{event} does not stop the clock ({why})").format(
            event=_event(m[1], m[2]), why=_why_not_stopped(m[2], m[3])
        ),
    ),
    (
        re.compile(r"extension of event (\d+) granted after the due instant: not counted"),
        lambda m: _(
            "extension of event {number} granted after the due instant: not counted"
        ).format(number=m[1]),
    ),
    (
        re.compile(rf"extension granted by event (\d+): due ({_T})"),
        lambda m: _("extension granted by event {number}: due {due}").format(number=m[1], due=m[2]),
    ),
    (
        re.compile(rf"capped at (.+) from the start: ({_T})"),
        lambda m: _("capped at {limit} from the start: {at}").format(
            limit=_duration(m[1]) or m[1], at=m[2]
        ),
    ),
    (
        re.compile(rf"paused from event (\d+) \(({_T})\) to ({_T}): due moves to ({_T})"),
        lambda m: _("paused from event {number} ({begin}) to {end}: due moves to {due}").format(
            number=m[1], begin=m[2], end=m[3], due=m[4]
        ),
    ),
    (
        re.compile(
            rf"the order was taken from (?P<unit>\S+) ({_T}) by {_EV}: "
            r"(not charged|already late when it left)"
        ),
        _taken,
    ),
    (
        re.compile(
            r"(duration|counting|half day) from parameter (\S+): (.+?), "
            r"(?:in force from (\d{4}-\d{2}-\d{2})|(overridden))"
            r"(?:, per (\S+) (.+?)「(.*)」)?(, the pack's assumption \(no source gives it\))?"
        ),
        _from_parameter,
    ),
    (re.compile(rf"stopped ({_T}) by {_EV}: (\w+)"), _stopped),
    (
        re.compile(rf"not stopped by ({_T}) \(as_of\): (\w+)"),
        lambda m: _("not stopped by {at} (as_of): {state}").format(
            at=m[1], state=state_label(m[2])
        ),
    ),
    # how a window opens and closes (engine.clocks)
    (
        re.compile(rf"opened ({_T}) by the order's receipt"),
        lambda m: _("opened {at} by {event}").format(at=m[1], event=_("the order's receipt")),
    ),
    (
        re.compile(rf"opened ({_T}) by {_EV}"),
        lambda m: _("opened {at} by {event}").format(at=m[1], event=_event(m[2], m[3])),
    ),
    (
        re.compile(rf"(.+) \({_CONVENTION}, half day: \w+\): closes ({_T})"),
        lambda m: _("{duration} ({how}): closes {at}").format(
            duration=_duration(m[1]) or m[1], how=convention_text(m[2]), at=m[3]
        ),
    ),
    (
        re.compile(rf"{_EV} at ({_T}): (within|late)"),
        lambda m: _("{event} at {at}: {state}").format(
            event=_event(m[1], m[2]), at=m[3], state=state_label(m[4])
        ),
    ),
    # what a deduction, an escalation or a record counted (engine.conditions)
    (re.compile(rf"counted (.+) at ({_T})"), lambda m: _counted(m[1], m[2])),
    (re.compile(r"counted (.+)"), lambda m: _counted(m[1], None)),
    # how after / unless_after judged it (engine.conditions.preceded_notes)
    (
        re.compile(rf"after {_EV} at ({_T})"),
        lambda m: _("after {event} at {at}").format(event=_event(m[1], m[2]), at=m[3]),
    ),
    (
        re.compile(rf"passed over {_EV} by (?P<unit>\S+): not the same unit"),
        lambda m: _("passed over {event} by {unit}: not the same unit").format(
            event=_event(m[1], m[2]), unit=_unit(m["unit"])
        ),
    ),
    (
        re.compile(rf"passed over {_EV} with no unit: not the same unit"),
        lambda m: _("passed over {event}, which names no unit: not the same unit").format(
            event=_event(m[1], m[2])
        ),
    ),
    (
        re.compile(r"points from the event: (\S+)"),
        lambda m: _("points from the event: {points}").format(points=m[1]),
    ),
    (
        re.compile(r"points from parameter (\S+): (\S+), overridden"),
        lambda m: (
            _("points from parameter {name}: {value}").format(name=m[1], value=m[2])
            + _(", overridden")
        ),
    ),
    (
        re.compile(r"occurrence (\d+) on this order: (\S+) × 2\^(\d+) = (\S+)"),
        lambda m: _("occurrence {sequence} on this order: {base} × 2^{power} = {points}").format(
            sequence=m[1], base=m[2], power=m[3], points=m[4]
        ),
    ),
    (
        re.compile(r"capped at (\S+) per order(?:, parameter (\S+))?: (\S+) becomes (\S+)"),
        _capped_per_order,
    ),
    (
        re.compile(r"charged to (handling|trigger|subject|start|about) unit: (?P<unit>\S+)"),
        lambda m: _charged(m[1], m[2]),
    ),
    (
        re.compile(r"once per unit concerned(?:, parameter (\S+))?: (?P<unit>\S+)"),
        _once_per_unit,
    ),
    (
        re.compile(
            r"(?P<unit>\S+) is an? (\w+); the points count for (\S+) only(?:, parameter (\S+))?: 0"
        ),
        _not_assessed,
    ),
    (
        re.compile(r"(?P<unit>\S+) is an? (\w+): the rule is for (\S+)"),
        _for_unit_kind,
    ),
    # the notes of conditions (engine.condition_tree)
    (
        re.compile(rf"(\d+) occurrences \({_THRESHOLD}\)"),
        lambda m: _("{n} occurrences ({threshold})").format(
            n=m[1], threshold=_threshold(m[2], m[3], m[4])
        ),
    ),
    (
        re.compile(rf"(\d+) distinct by (\w+) \({_THRESHOLD}\)"),
        lambda m: _("{n} distinct by {field} ({threshold})").format(
            n=m[1],
            field=_distinct_field(m[2]),
            threshold=_threshold(m[3], m[4], m[5]),
        ),
    ),
    (
        re.compile(r"not \((\d+) occurrences\)"),
        lambda m: _("not ({n} occurrences)").format(n=m[1]),
    ),
    (
        re.compile(
            r"(\d+) (orders by this complainant|complainants) on this issue within (\w+)"
            r"(?:, parameter (\S+))?(?: \(>= (\d+)(?:, parameter (\S+))?\))?"
        ),
        _repeats,
    ),
    (
        re.compile(
            rf"(deduction|clock|window|escalation):(\S+?)(?::(\w+))?: (\d+) "
            rf"\({_THRESHOLD}: (yes|no)\)"
        ),
        _count,
    ),
    (
        re.compile(r"parameter (\S+): (.+) \((yes|no)\)"),
        lambda m: _("parameter {name}: {value} ({verdict})").format(
            name=m[1], value=_value(m[1], m[2]), verdict=_yes_no(m[3])
        ),
    ),
    # why a unit is named in a ranking (engine.periods)
    (
        re.compile(
            r"(\d+) of the (\d+) lowest of (\d+) units \((.+?)\): (\S+) points"
            r"(?:, the place shared with (?P<units>.+))?"
        ),
        _ranked,
    ),
    (
        re.compile(r"the (\d+) lowest: parameter (\S+), in force on (\S+)"),
        lambda m: _("the {bottom} lowest: parameter {name}, in force on {date}").format(
            bottom=m[1], name=m[2], date=m[3]
        ),
    ),
    (
        re.compile(r"the tie at place (\d+) crosses the boundary: all tied units named"),
        lambda m: _("the tie at place {place} crosses the boundary: all tied units named").format(
            place=m[1]
        ),
    ),
    # a comparison's details (scoring.compare) and a deduction's occurrence
    (re.compile(r"(\S+): ((?:due|event|clock|window|escalation) .+)"), _rule_detail),
    (re.compile(r"(?:event|clock|window|escalation) .+"), lambda m: _occurrence(m[0])),
)


_NAMING = tuple(
    pattern for pattern, _render in _LINES if {"unit", "units"} & set(pattern.groupindex)
)
"""The patterns of the lines that name units (their group ``unit`` or ``units``)."""


def parameter_labels(pack: Pack) -> dict[str, dict[str, str]]:
    """Each parameter's Chinese labels by code (``labels_zh``), for :func:`trace_text`.

    Example:
        >>> from grievance_rules.packs import find_pack
        >>> parameter_labels(find_pack("chengdong"))["weekly_other_deductions"]["any"]
        '附件2的任何其他扣分'
    """
    return {name: dict(p.labels_zh) for name, p in pack.parameters.items() if p.labels_zh}


def trace_text(
    text: str,
    *,
    unit_names: Mapping[str, str] | None = None,
    parameter_labels: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """One line the engine wrote, in the current language (English as stored).

    Args:
        text: the line.
        unit_names: each unit's name by its id (the order's units, a scorecard's
            :attr:`~grievance_rules.scoring.Scorecard.unit_names`): a unit the line
            names is written with its name (``c07 东风社区``); without a name, by its id.
        parameter_labels: the Chinese labels of the pack's parameters by code
            (:func:`parameter_labels`): in Chinese, a parameter's value the line
            names is written with its label (``any（附件2的任何其他扣分）``).

    Example:
        >>> from grievance_rules.i18n import language
        >>> with language("zh"):
        ...     trace_text("deduction:CD-9: 3 (>= 2: yes)")
        '扣加分 CD-9：3（不少于 2：是）'
        >>> with language("zh"):
        ...     trace_text("charged to handling unit: c07", unit_names={"c07": "东风社区"})
        '责任单位（承办单位）：c07 东风社区'
        >>> labels = {"weekly_other_deductions": {"any": "附件2的任何其他扣分"}}
        >>> with language("zh"):
        ...     trace_text("parameter weekly_other_deductions: any (yes)", parameter_labels=labels)
        '参数 weekly_other_deductions：any（附件2的任何其他扣分）（是）'
    """
    lang = current_language()
    if lang != "zh" and not _names_units(text):
        return text  # the engine writes English
    pieces = _pieces(text, lang)
    if len(pieces) == 1:
        return pieces[0]
    names, labels = unit_names or {}, parameter_labels or {}
    return "".join(
        _named(piece, names, labels) if index % 2 else piece for index, piece in enumerate(pieces)
    )


def _named(
    piece: str, unit_names: Mapping[str, str], labels: Mapping[str, Mapping[str, str]]
) -> str:
    """A piece :func:`_unit` or :func:`_value` marked, by the caller's names and labels."""
    parameter, is_value, value = piece.partition(_VALUE)
    if not is_value:
        return unit_with_name(piece, unit_names)
    label = labels.get(parameter, {}).get(value)
    return _("{value} ({label})").format(value=value, label=label) if label else value


def _names_units(text: str) -> bool:
    """Whether a line may name units (the quick test of English: most lines name none)."""
    for pattern in _NAMING:  # noqa: SIM110 (a hot path: no generator a call)
        if pattern.fullmatch(text):
            return True
    return False


@functools.lru_cache(maxsize=4096)
def _pieces(text: str, lang: str) -> tuple[str, ...]:
    """A line in ``lang``, cut at what it leaves to the caller: ``(words, unit, words, ...)``.

    A unit id, or (in Chinese) a parameter's value (:func:`_value`).

    Kept: most lines recur, order after order, unit after unit. In Chinese the
    line as rendered; in English as the engine wrote it.
    """
    if _MARK in text or _VALUE in text:  # (no line the engine writes): shown as it is
        return (step_text(text) if lang == "zh" else text,)
    for pattern, render in _LINES:
        found = pattern.fullmatch(text)
        if found:
            shown = render(found)
            if shown is not None:
                return tuple((shown if lang == "zh" else _marked(found)).split(_MARK))
    return (step_text(text) if lang == "zh" else text,)


def _marked(found: re.Match[str]) -> str:
    """The line as the engine wrote it, the unit ids it names marked (:func:`_unit`)."""
    text = found.string
    for group, mark in (("unit", _unit), ("units", _units_as_written)):
        if group in found.re.groupindex and found[group] is not None:
            start, end = found.span(group)
            return text[:start] + mark(found[group]) + text[end:]
    return text


def _units_as_written(listed: str) -> str:
    """``c15, c16`` with each unit marked, the engine's commas kept."""
    return ", ".join(_unit(item) for item in listed.split(", "))


def trace_joined(
    lines: Iterable[str],
    *,
    unit_names: Mapping[str, str] | None = None,
    parameter_labels: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """A finding's trace on one line, each line in the current language.

    ``; `` between the lines in English, ``；`` in Chinese; ``unit_names`` and
    ``parameter_labels`` as :func:`trace_text` takes them.
    """
    return _("; ").join(
        trace_text(line, unit_names=unit_names, parameter_labels=parameter_labels) for line in lines
    )
