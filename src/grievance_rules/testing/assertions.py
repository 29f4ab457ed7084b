"""Assertions about an assessment, for users' own tests.

Each helper looks for one finding of a rule with the fields given, returns it,
and otherwise fails with an ``AssertionError`` that lists what the assessment
found instead: each finding with its rule id, its citation (source, clause and
quoted text) and its trace, the steps that computed it. Instants may be given
as ``datetime`` objects or ISO 8601 text; they are compared as instants, so
``2024-05-08T01:30:00Z`` equals ``2024-05-08T09:30:00+08:00``. A rule id the
assessment's pack does not have (of the kind asserted), or a state that is not one of
that kind of finding, fails saying so, with the valid ones.

Example:
    >>> import importlib.resources
    >>> from grievance_rules.engine import evaluate
    >>> from grievance_rules.reading import read_orders
    >>> samples = importlib.resources.files("grievance_rules") / "samples" / "orders.jsonl"
    >>> order = read_orders(str(samples)).orders[0]
    >>> assessment = evaluate(order, "chengdong")
    >>> assert_deadline(assessment, "CD-5.provincial-urgent",
    ...                 due="2026-02-14T10:30:00+08:00", state="breached").unit
    'c07'
    >>> assert_deduction(assessment, "CD-A2.1.overdue", points=-1, unit="c07").occurrence
    'clock CD-5.provincial-urgent#0 breached'
    >>> assert_no_finding(assessment, "CD-A2.2.return-without-reason")
    >>> assert_deadline(assessment, "CD-5.provincial-urgent", state="met")
    Traceback (most recent call last):
    ...
    AssertionError: order S-0001 (chengdong@2024): no clock of CD-5.provincial-urgent with state=met; found instead:
      clock CD-5.provincial-urgent #0: state=breached, due=2026-02-14T10:30:00+08:00, unit=c07
        citation: 000_52d67764f2e06ee6.txt 三（五）按期回复制「省级热线、紧急件2个工作日内回复」
        trace: started 2026-02-12T10:30:00+08:00 by event 0 (dispatched)
               the assignment of c07: its own clock, stopped by its own events
               2 working days (working_time)
               duration from parameter reply_time_special: 2 working days, in force from 2024-01-01
               counting from parameter convention: working_time, in force from 2024-01-01, the pack's assumption (no source gives it)
               840 working minutes (420 per working day) from the start, through office hours: 2026-02-14T10:30:00+08:00
               counted make-up day 2026-02-14
               stopped 2026-02-24T16:00:00+08:00 by event 3 (replied): breached
"""  # noqa: E501

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from grievance_rules.errors import ArgumentError, ArgumentTypeError, NaiveDatetimeError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list

if TYPE_CHECKING:
    from grievance_rules.engine import (
        Assessment,
        ClockFinding,
        DeductionFinding,
        EscalationFinding,
        WindowFinding,
    )

__all__ = [
    "assert_deadline",
    "assert_deduction",
    "assert_escalation",
    "assert_no_finding",
    "assert_window",
    "describe_finding",
]

_KINDS = ("clocks", "windows", "deductions", "escalations", "records")
_SINGULAR = {
    "clocks": "clock",
    "windows": "window",
    "deductions": "deduction",
    "escalations": "escalation",
    "records": "record",
}


_STATES = {
    "clocks": ("running", "paused", "met", "breached"),
    "windows": ("within", "late"),
}
"""The states of a finding, by kind (those that have one)."""


def _rules_of(assessment: Assessment) -> dict[str, str] | None:
    """The kind of each rule of the assessment's pack, where it can be known.

    Every pack compiled in this process is known by its content hash; a built-in pack
    not compiled here (an assessment read back from JSON) is found by its id.
    """
    from grievance_rules.packs.pack import rule_kinds

    kinds = rule_kinds(assessment.pack_hash)
    if kinds is not None:
        return dict(kinds)
    if assessment.pack_origin == "builtin":
        from grievance_rules.errors import PackNotFoundError
        from grievance_rules.packs import find_pack

        try:
            pack = find_pack(assessment.pack.partition("@")[0])
        except PackNotFoundError:
            return None
        if pack.content_hash == assessment.pack_hash:
            return {rule.id: rule.kind for rule in pack.rules}
    return None


def _pack_id(assessment: Assessment) -> str:
    return assessment.pack.partition("@")[0]


def _check_rule(assessment: Assessment, rule_id: str, kind: str | None = None) -> None:
    """Fail when the assessment's pack has no rule ``rule_id`` (of this kind of finding).

    An assertion about a rule the pack does not have (a misspelt id) would otherwise
    list the findings as if the rule had found nothing.
    """
    __tracebackhide__ = True
    rules = _rules_of(assessment)
    if rules is None:  # the pack is not known here: the findings are all there is
        return
    where = f"order {assessment.order_id} ({assessment.pack})"
    pack = _pack_id(assessment)
    wanted = _SINGULAR[kind] if kind is not None else None
    of_kind = sorted(rule for rule, its in rules.items() if wanted is None or its == wanted)
    listed = ", ".join(of_kind) if of_kind else "none"
    its = f"its {wanted} rules" if wanted is not None else "its rules"
    if rule_id not in rules:
        raise AssertionError(f"{where}: {rule_id} is not a rule of pack {pack}; {its}: {listed}")
    if wanted is not None and rules[rule_id] != wanted:
        raise AssertionError(
            f"{where}: {rule_id} is a {rules[rule_id]} rule of pack {pack}, not a {wanted} "
            f"rule; {its}: {listed}"
        )


def _check_state(kind: str, state: str | None) -> None:
    __tracebackhide__ = True
    states = _STATES[kind]
    if state is not None and state not in states:
        raise AssertionError(
            f"state={state!r} is not a state of a {_SINGULAR[kind]}; "
            f"its states: {', '.join(states)}"
        )


_INSTANT_FIELDS = frozenset({"due", "closes_at", "since"})
"""The arguments that are instants: an aware datetime, or ISO 8601 text with an offset."""


def _instant(name: str, value: object) -> dt.datetime:
    """``value`` of the argument ``name`` as an instant, or the error naming both.

    Raises:
        ArgumentError: not a datetime, nor ISO 8601 text of one.
        NaiveDatetimeError: a date and time without a UTC offset.
    """
    __tracebackhide__ = True
    try:
        instant = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        instant = None
    shown = repr(value) if isinstance(value, str) else _text(value)
    if not isinstance(instant, dt.datetime):
        raise ArgumentError(
            _("{name}: {value} is not an ISO 8601 date-time").format(name=name, value=shown),
            parameter=name,
            value=value,
        )
    if instant.utcoffset() is None:
        raise NaiveDatetimeError(
            _("{name}: {value} has no UTC offset (add one, e.g. +08:00)").format(
                name=name, value=shown
            )
        )
    return instant


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _summary(kind: str, finding: Any) -> str:
    if kind == "clocks":
        fields = [
            f"state={finding.state}",
            f"due={_text(finding.due)}",
            f"unit={finding.unit}",
        ]
        if finding.warning_level:
            fields.append(f"warning={finding.warning_level}")
        head = f"clock {finding.rule_id} #{finding.occurrence}"
    elif kind == "windows":
        fields = [
            f"state={finding.state}",
            f"closes_at={_text(finding.closes_at)}",
            f"acted_at={_text(finding.acted_at)}",
            f"unit={finding.unit}",
        ]
        head = f"window {finding.rule_id}"
    elif kind == "deductions":
        fields = [
            f"points={_text(finding.points)}",
            f"unit={finding.unit}",
            f"occurrence={finding.occurrence}",
            f"sequence={finding.sequence}",
        ]
        head = f"deduction {finding.rule_id}"
    elif kind == "escalations":
        fields = [
            f"action={finding.action}",
            f"target_unit={finding.target_unit}",
            f"since={_text(finding.since)}",
        ]
        head = f"escalation {finding.rule_id}"
    else:
        fields = [f"computed={finding.computed}"]
        head = f"record {finding.rule_id}"
    return f"{head}: {', '.join(fields)}"


def describe_finding(kind: str, finding: Any) -> str:
    """A finding on a few lines: its kind, rule id and fields, citation and trace.

    Args:
        kind: ``clocks``, ``windows``, ``deductions``, ``escalations`` or ``records``.
        finding: a finding of that kind.
    """
    if kind not in _SINGULAR:
        raise ArgumentError(
            _("kind: {value} is not one of {kinds}").format(
                value=repr(kind), kinds=join_list(sorted(_SINGULAR))
            ),
            parameter="kind",
            value=kind,
        )
    citation = finding.citation
    lines = [
        _summary(kind, finding),
        f"  citation: {citation.source} {citation.clause}「{citation.text}」",
    ]
    for i, step in enumerate(finding.trace):
        lines.append(("  trace: " if i == 0 else "         ") + step)
    return "\n".join(lines)


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(actual, int | float) and isinstance(expected, int | float):
        return abs(float(actual) - float(expected)) < 1e-9
    return bool(actual == expected)


_NUMBERS = frozenset({"points", "occurrence", "sequence"})
"""The fields an assertion compares as numbers."""


def _wanted(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields asked for; a number given as text refused.

    (``points="-1"`` never matched, and the failure read "no deduction with points=-1;
    found instead: points=-1".)
    """
    for name, value in fields.items():
        if (
            name in _NUMBERS
            and value is not None
            and (isinstance(value, bool) or not isinstance(value, int | float))
        ):
            raise ArgumentTypeError(
                _("{name}: a number, not {value}").format(name=name, value=repr(value)),
                parameter=name,
                value=value,
            )
    return {name: value for name, value in fields.items() if value is not None}


def _failure(
    assessment: Assessment, kind: str, rule_id: str, wanted: Mapping[str, Any], problem: str
) -> AssertionError:
    where = f"order {assessment.order_id} ({assessment.pack})"
    condition = ", ".join(f"{name}={_text(value)}" for name, value in wanted.items())
    what = f"{_SINGULAR[kind]} of {rule_id}" + (f" with {condition}" if condition else "")
    of_rule = [f for f in getattr(assessment, kind) if f.rule_id == rule_id]
    shown = of_rule or list(getattr(assessment, kind))
    if not shown:
        return AssertionError(f"{where}: {problem} {what}; found no {kind} at all")
    body = "\n".join("  " + line for f in shown for line in describe_finding(kind, f).splitlines())
    return AssertionError(f"{where}: {problem} {what}; found instead:\n{body}")


def _find(assessment: Assessment, kind: str, rule_id: str, fields: Mapping[str, Any]) -> Any:
    __tracebackhide__ = True
    _check_rule(assessment, rule_id, kind)
    if kind in _STATES:
        _check_state(kind, fields.get("state"))
    wanted = _wanted(fields)
    expected = {
        name: _instant(name, value) if name in _INSTANT_FIELDS else value
        for name, value in wanted.items()
    }
    for finding in getattr(assessment, kind):
        if finding.rule_id == rule_id and all(
            _same(value, getattr(finding, name)) for name, value in expected.items()
        ):
            return finding
    raise _failure(assessment, kind, rule_id, wanted, "no")


def assert_deadline(
    assessment: Assessment,
    rule_id: str,
    *,
    due: dt.datetime | str | None = None,
    state: str | None = None,
    unit: str | None = None,
    occurrence: int | None = None,
    warning_level: str | None = None,
) -> ClockFinding:
    """Assert that a clock of ``rule_id`` has these fields (those given); return it.

    Args:
        assessment: what :func:`~grievance_rules.engine.evaluate` returned.
        rule_id: the clock rule.
        due: the due instant.
        state: ``running``, ``paused``, ``met`` or ``breached``.
        unit: the unit the clock runs against.
        occurrence: 0 for the first clock of the rule on the order, 1 for the next ...
        warning_level: the warning level reached (``yellow``, ``red`` ...).

    Raises:
        AssertionError: no such clock; the message lists the clocks found instead.
            Or ``rule_id`` is not a clock rule of the assessment's pack, or ``state``
            not a clock's state: the message says so and lists the valid ones.
        NaiveDatetimeError: ``due`` has no UTC offset (a ValueError).
        ArgumentError: ``due`` is not a datetime nor ISO 8601 text of one (a ValueError).
    """
    __tracebackhide__ = True
    fields = {
        "due": due,
        "state": state,
        "unit": unit,
        "occurrence": occurrence,
        "warning_level": warning_level,
    }
    found: ClockFinding = _find(assessment, "clocks", rule_id, fields)
    return found


def assert_window(
    assessment: Assessment,
    rule_id: str,
    *,
    state: str | None = None,
    closes_at: dt.datetime | str | None = None,
    unit: str | None = None,
) -> WindowFinding:
    """Assert that an action under window ``rule_id`` has these fields; return the finding.

    Args:
        assessment: what :func:`~grievance_rules.engine.evaluate` returned.
        rule_id: the window rule.
        state: ``within`` or ``late``.
        closes_at: the instant the window closed.
        unit: the unit that acted.

    Raises:
        AssertionError: no such finding; the message lists the windows found instead.
            Or ``rule_id`` is not a window rule of the assessment's pack, or ``state``
            not a window's state: the message says so and lists the valid ones.
        NaiveDatetimeError: ``closes_at`` has no UTC offset (a ValueError).
        ArgumentError: ``closes_at`` is not a datetime nor ISO 8601 text of one.
    """
    __tracebackhide__ = True
    fields = {"state": state, "closes_at": closes_at, "unit": unit}
    found: WindowFinding = _find(assessment, "windows", rule_id, fields)
    return found


def assert_deduction(
    assessment: Assessment,
    rule_id: str,
    *,
    points: float | None = None,
    unit: str | None = None,
    sequence: int | None = None,
) -> DeductionFinding:
    """Assert that ``rule_id`` charged ``points`` to ``unit`` (those given); return the finding.

    Args:
        assessment: what :func:`~grievance_rules.engine.evaluate` returned.
        rule_id: the deduction rule.
        points: the points charged (negative: deducted).
        unit: the unit charged.
        sequence: 1 for the rule's first occurrence on the order, 2 for the second ...

    Raises:
        AssertionError: no such deduction; the message lists the deductions found instead.
    """
    __tracebackhide__ = True
    fields = {"points": points, "unit": unit, "sequence": sequence}
    found: DeductionFinding = _find(assessment, "deductions", rule_id, fields)
    return found


def assert_escalation(
    assessment: Assessment,
    rule_id: str,
    *,
    target_unit: str | None = None,
    action: str | None = None,
    since: dt.datetime | str | None = None,
) -> EscalationFinding:
    """Assert that escalation ``rule_id`` is due with these fields; return the finding.

    Args:
        assessment: what :func:`~grievance_rules.engine.evaluate` returned.
        rule_id: the escalation rule.
        target_unit: the unit it targets.
        action: what is to be done (``约谈`` ...).
        since: when its condition first held.

    Raises:
        AssertionError: no such escalation; the message lists the escalations found instead.
        NaiveDatetimeError: ``since`` has no UTC offset (a ValueError).
        ArgumentError: ``since`` is not a datetime nor ISO 8601 text of one.
    """
    __tracebackhide__ = True
    fields = {"target_unit": target_unit, "action": action, "since": since}
    found: EscalationFinding = _find(assessment, "escalations", rule_id, fields)
    return found


def assert_no_finding(
    assessment: Assessment, rule_id: str, *, kinds: Sequence[str] = _KINDS
) -> None:
    """Assert that ``rule_id`` found nothing (no clock, window, deduction ... of it).

    A record whose computable part does not hold (``computed`` False) counts as nothing.

    Args:
        assessment: what :func:`~grievance_rules.engine.evaluate` returned.
        rule_id: the rule.
        kinds: the kinds of finding to look at (all by default).

    Raises:
        AssertionError: the rule found something; the message shows what. Or the
            assessment's pack has no such rule: the message lists its rules.
        ArgumentError: an unknown kind (a ValueError).
    """
    __tracebackhide__ = True
    for kind in kinds:
        if kind not in _KINDS:
            raise ArgumentError(
                _("assert_no_finding: unknown kind {value} in kinds; one of: {kinds}").format(
                    value=repr(kind), kinds=join_list(_KINDS)
                ),
                parameter="kinds",
                value=kind,
            )
    _check_rule(assessment, rule_id)
    found = [
        (kind, f)
        for kind in kinds
        for f in getattr(assessment, kind)
        if f.rule_id == rule_id and not (kind == "records" and f.computed is False)
    ]
    if found:
        body = "\n".join(
            "  " + line for kind, f in found for line in describe_finding(kind, f).splitlines()
        )
        raise AssertionError(
            f"order {assessment.order_id} ({assessment.pack}): expected no finding of "
            f"{rule_id}; found:\n{body}"
        )
