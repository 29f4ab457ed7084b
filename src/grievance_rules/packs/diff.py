"""A static comparison of policy packs, without any orders: ``packs diff``.

Rules of different packs are matched by meaning: two rules of the same kind
(clock, window, deduction ...) that share a topic (:class:`Topic`) stand in the
same row. A row gives, for each pack, every rule of that kind and topic with
what it sets — the time limit of a clock or window (the duration, its counting
convention, or the deadline field it reads), the points of a deduction, the
trigger and who acts on whom for an escalation or a period rule — and the
clause it cites, quoted. A row whose packs set different limits, points or
triggers *differs*; a row of one pack only is listed as such.

Parameters are read as in force on one date (``on``), by default each pack's
``effective_from``. A rule with several topics appears in each of their rows.

:func:`diff_packs` builds the comparison (a pydantic model: ``model_dump_json``
gives the JSON form); :mod:`grievance_rules.reports.pack_diff` writes it out as
Markdown and CSV. The same packs and date give byte-identical output.

Example:
    >>> from grievance_rules.packs import find_pack
    >>> diff = diff_packs(find_pack("xiayang"), find_pack("daye"))
    >>> row = diff.row("window", "return")
    >>> [side.limit for sides in row.sides for side in sides]
    ['2 working days (working_time)', '2 working days (civil_code)']
    >>> row.status  # 夏阳 counts office time from the dispatch, 大冶 days 「自交办之日起」
    'differs'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict

from grievance_rules.calendar import Duration, DurationUnit
from grievance_rules.errors import PackError
from grievance_rules.i18n import current_language, join_list, language, pgettext
from grievance_rules.i18n import gettext as _
from grievance_rules.model.enums import (
    Category,
    Channel,
    LeaderRole,
    OrderFlag,
    SpecialKind,
    UnitKind,
    Urgency,
)
from grievance_rules.model.events import EVENT_CLASSES
from grievance_rules.model.terms import TermEnum
from grievance_rules.packs.checks import parameters_read
from grievance_rules.packs.pack import Pack
from grievance_rules.packs.parameters import ParameterTable
from grievance_rules.packs.readme import (
    UNTRANSLATED,
    _convention,
    _due_field,
    _duration,
    _half_day,
    _level,
    _party,
    _period,
    _points,
    _value,
)
from grievance_rules.packs.readme import (
    _event as _event_name,
)
from grievance_rules.packs.schema import (
    UPSTREAM_TESTS,
    AllOf,
    AnyOf,
    ClockRule,
    Condition,
    CountOf,
    DeductionRule,
    EscalationRule,
    EventRef,
    NotOf,
    ParamIs,
    ParamRef,
    PeriodRule,
    RankingRule,
    RecordRule,
    RepeatOf,
    Rule,
    Selector,
    Target,
    Topic,
    Trigger,
    WindowRule,
)

__all__ = [
    "DiffRow",
    "DiffSummary",
    "PackColumn",
    "PackDiff",
    "RuleSide",
    "diff_packs",
]

RuleKind = Literal["clock", "window", "deduction", "escalation", "period", "ranking", "record"]
_KINDS: tuple[RuleKind, ...] = (
    "clock",
    "window",
    "deduction",
    "escalation",
    "period",
    "ranking",
    "record",
)
_TOPIC_ORDER = {topic: index for index, topic in enumerate(Topic)}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RuleSide(_Model):
    """One rule as a row shows it: what it sets, to which orders, and where it comes from.

    ``limit`` is what rows compare: for a clock or window the time limit
    (compared with what starts and stops it), for a deduction the points, for an
    escalation, period or ranking rule the action (compared with ``trigger``,
    ``actor`` and ``target``), for a record the words "recorded, not computed"
    (compared with ``trigger`` and ``not_computed``).
    """

    rule_id: str
    title: str
    clause: str
    """The clause as the document numbers it (the citation's ``clause``)."""
    quote: str
    """The cited text, verbatim."""
    limit: str
    applies_to: str
    starts: str | None = None
    stops: str | None = None
    trigger: str | None = None
    actor: str | None = None
    target: str | None = None
    consequence: str | None = None
    not_computed: str | None = None
    duration: str | None = None
    """A clock's or window's duration, normalised ("0.5 working days")."""
    convention: str | None = None
    half_day: str | None = None
    due_field: str | None = None
    cap: str | None = None
    points: float | None = None
    parameters: dict[str, str] = {}
    """The parameters the rule reads, with the value in force on the comparison date."""
    zh: dict[str, str] = {}
    """The shown fields (``limit``, ``applies_to``, ``starts`` ...) in 简体中文, as the pack
    READMEs word them for an official (派单, 1个工作日, 扣1分); the fields above, in English,
    are what rows compare. ``parameters`` here is ``name=value; ...`` with the values in
    Chinese."""

    def shown(self, field: str) -> str | None:
        """A shown field in the current language: its Chinese under ``zh``, else the English."""
        english = getattr(self, field)
        if current_language() == "zh" and english and field in self.zh:
            return self.zh[field]
        return None if english is None else str(english)

    def compared(self, kind: str) -> tuple[str | None, ...]:
        """What two rules of this kind must share to count as the same."""
        if kind in ("clock", "window"):
            return (self.limit, self.starts, self.stops)
        if kind == "deduction":
            return (self.limit,)
        if kind == "record":
            return (self.limit, self.trigger, self.not_computed)
        return (self.limit, self.trigger, self.actor, self.target)


class DiffRow(_Model):
    """One kind and topic across the packs: each pack's rules, and whether they agree."""

    kind: RuleKind
    topic: Topic
    topic_zh: str
    sides: tuple[tuple[RuleSide, ...], ...]
    """Per pack, in the order of :attr:`PackDiff.packs`: its rules of this kind and topic."""
    present_in: tuple[str, ...]
    """The labels of the packs that have a rule here."""
    status: Literal["same", "differs", "only"]
    """``only``: one pack has rules here; else whether the packs that do agree."""


class PackColumn(_Model):
    """A pack compared: its label in the rows, what it is, and the date its values are read on."""

    label: str
    id: str
    revision: str
    name: str
    on: dt.date
    untagged: tuple[str, ...] = ()
    """Rules without topics: matched with nothing, listed so that none is left out silently."""
    note: str | None = None
    """Set when the pack is read on another date than the one asked for: the date asked
    for is before the pack took effect (its first values are read), or, with no date
    asked for, a parameter its rules read takes effect after the pack (read from then)."""
    note_zh: str | None = None
    """``note`` in 简体中文."""


class DiffSummary(_Model):
    """How many rows agree, differ, or belong to one pack only."""

    rows: int
    matched: int
    """Rows present in two or more packs."""
    in_all: int
    """Rows present in every pack."""
    differ: int
    """Matched rows whose packs set different limits, points or triggers."""
    only_in: dict[str, int]
    """By pack label: the rows of that pack only."""


class PackDiff(_Model):
    """The static comparison of two or more packs (:func:`diff_packs`)."""

    packs: tuple[PackColumn, ...]
    rows: tuple[DiffRow, ...]
    summary: DiffSummary

    def row(self, kind: str, topic: str) -> DiffRow:
        """The row of this kind and topic (a :class:`Topic` value or its Chinese term).

        Raises:
            KeyError: no pack has a rule of this kind and topic.
        """
        wanted = Topic(topic)
        for row in self.rows:
            if row.kind == kind and row.topic is wanted:
                return row
        raise KeyError(f"{kind}/{wanted.value}")


# -- words ----------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if value == "":
        return '""'
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return " or ".join(_scalar(item) for item in value)
    return str(value)


_OPERATORS = {"ne": "≠", "gte": "≥", "lte": "≤", "gt": ">", "lt": "<"}


def _where(where: Mapping[str, Any]) -> str:
    parts = []
    for name, value in where.items():
        if name == "to_unit_upstream" and isinstance(value, bool):
            parts.append("to an upstream centre" if value else "to a handling unit")
        elif name == "unit_upstream" and isinstance(value, bool):
            parts.append("by an upstream centre" if value else "by a handling unit")
        elif name == "approved_by_upstream" and isinstance(value, bool):
            parts.append("approved upstream" if value else "approved by a handling unit")
        elif isinstance(value, dict):
            for op, operand in value.items():
                if op == "exists":
                    parts.append(f"{name} {'set' if operand else 'not set'}")
                else:
                    parts.append(f"{name} {_OPERATORS.get(op, op)} {_scalar(operand)}")
        else:
            parts.append(f"{name} = {_scalar(value)}")
    return ", ".join(parts)


def _event(ref: EventRef | Trigger | Literal["received"]) -> str:
    if isinstance(ref, str):
        return "the order's receipt"
    text = str(ref.event)
    if ref.where:
        text += f" ({_where(ref.where)})"
    return text


class _Words:
    """Conditions, selectors and targets in words, naming referred rules with their topics."""

    def __init__(self, pack: Pack, value: Callable[[Any], Any]) -> None:
        self.topics = {rule.id: rule.topics for rule in pack.rules}
        self.value = value
        """Resolves a literal or a dated parameter (and records the parameter used)."""

    def rules(self, ids: Sequence[str]) -> str:
        named = []
        for rule_id in ids:
            topics = self.topics.get(rule_id, ())
            named.append(f"{rule_id} [{', '.join(topics)}]" if topics else rule_id)
        return " or ".join(named)

    def trigger(self, trig: Trigger) -> str:
        if trig.event is not None:
            text = _event(trig)
            by = " by the same unit" if trig.same_unit else ""
            if trig.after is not None:
                text += f" after {_event(trig.after)}{by}"
            if trig.unless_after is not None:
                text += f" with no {_event(trig.unless_after)}{by} before it"
            return text
        if trig.clock:
            if trig.reached is not None:
                now = f", {trig.state} now" if trig.state else ""
                return f"clock {self.rules(trig.clock)} reached its {trig.reached} warning{now}"
            level = f" at its {trig.level} warning" if trig.level else ""
            return f"clock {self.rules(trig.clock)} {trig.state}{level}"
        if trig.window:
            return f"window {self.rules(trig.window)} {trig.state}"
        if trig.escalation:
            return f"escalation {self.rules(trig.escalation)}"
        return f"deduction {self.rules(trig.deduction)}"

    def condition(self, cond: Condition) -> str:
        if isinstance(cond, Trigger):
            return self.trigger(cond)
        if isinstance(cond, AllOf):
            return "all of (" + "; ".join(self.condition(c) for c in cond.all) + ")"
        if isinstance(cond, AnyOf):
            if len(cond.any) == 1:
                return self.condition(cond.any[0])
            return "any of (" + "; ".join(self.condition(c) for c in cond.any) + ")"
        if isinstance(cond, NotOf):
            return f"not ({self.condition(cond.not_)})"
        if isinstance(cond, CountOf):
            if cond.at_least is not None:
                bound = f"at least {self.value(cond.at_least)}"
            else:
                bound = f"exactly {self.value(cond.equals)}"
            distinct = f", distinct {cond.distinct}" if cond.distinct else ""
            return f"{bound} × {self.trigger(cond.count)}{distinct}"
        if isinstance(cond, ParamIs):
            ((name, value),) = cond.param_is.items()
            return f"parameter {name} is {value}"
        assert isinstance(cond, RepeatOf)
        days = self.value(cond.within)
        within = (
            "in the calendar month of receipt"
            if days == "calendar_month"
            else f"within {days} natural days"
        )
        who = (
            "orders of the same complainant on the same issue"
            if cond.repeat == "complainant"
            else "complainants on the same issue"
        )
        return f"at least {self.value(cond.at_least)} {who} {within}"


def _selector(selector: Selector) -> str:
    parts = []
    for name in ("channel", "category", "urgency", "special_kind", "unit_kind", "flag"):
        values = getattr(selector, name)
        if values:
            parts.append(f"{name.replace('_', ' ')} {' or '.join(values)}")
    if selector.not_special_kind:
        parts.append(f"special kind not {' or '.join(selector.not_special_kind)}")
    if selector.has:
        parts.append(f"with {' and '.join(selector.has)}")
    if selector.any_of:
        parts.append("any of (" + "; ".join(_selector(s) for s in selector.any_of) + ")")
    return "; ".join(parts)


def _target(target: Target) -> str:
    unit = {
        "handling_unit": "the handling unit",
        "trigger_unit": "the unit that acted",
        "about_unit": "the unit the callback rates",
        "dispatch_centre": "the dispatch centre",
        "none": "",
    }[target.unit]
    role = f"{target.role} ({LeaderRole(target.role).zh})" if target.role else None
    who = [part for part in (unit, role, target.body) if part]
    return ", ".join(who) if who else "nobody named"


# -- the same in 简体中文 ---------------------------------------------------------------
# Events, durations, conventions, points and parties are worded by the pack README's
# functions (grievance_rules.packs.readme), so that both say a fact the same way.

_TERMS: dict[str, type[TermEnum]] = {
    "channel": Channel,
    "category": Category,
    "urgency": Urgency,
    "special_kind": SpecialKind,
    "unit_kind": UnitKind,
    "flag": OrderFlag,
}


def _term(name: str, value: str) -> str:
    try:
        return _TERMS[name](value).zh or value
    except (KeyError, ValueError):
        return value


def _or_zh(items: Sequence[str]) -> str:
    return pgettext("pack diff", " or ").join(items)


def _field_zh(name: str) -> str:
    """An event's field as the input sheets head it (``process_satisfaction``: 过程满意度)."""
    names = {
        "approved": pgettext("pack diff", "approved"),
        "approved_by": pgettext("pack diff", "approved by"),
        "contacted": pgettext("pack diff", "contacted"),
        "decision": pgettext("pack diff", "decision"),
        "dissatisfaction_tendency": pgettext("pack diff", "leaning to dissatisfied"),
        "evidence_count": pgettext("pack diff", "pieces of evidence"),
        "form_filed": pgettext("pack diff", "form filed"),
        "in_writing": pgettext("pack diff", "in writing"),
        "kind": pgettext("pack diff", "kind of reply"),
        "level": pgettext("pack diff", "level"),
        "method": pgettext("pack diff", "method"),
        "mode": pgettext("pack diff", "mode of supervision"),
        "outcome": pgettext("pack diff", "outcome"),
        "process_satisfaction": pgettext("pack diff", "satisfaction with the process"),
        "reason": pgettext("pack diff", "reason"),
        "resolved": pgettext("pack diff", "resolved"),
        "result_satisfaction": pgettext("pack diff", "satisfaction with the result"),
        "round": pgettext("pack diff", "round"),
        "satisfaction": pgettext("pack diff", "satisfaction"),
        "signatures_count": pgettext("pack diff", "leaders' signatures"),
        "suggested_unit": pgettext("pack diff", "unit suggested"),
        "to_unit": pgettext("pack diff", "unit sent to"),
        "unit": pgettext("pack diff", "unit"),
    }
    return names.get(name, name)


def _term_of(event: str, name: str, value: Any) -> str:
    """A value of an event's field in 简体中文: a term's Chinese, 是/否, or the value."""
    if isinstance(value, list | tuple):
        return _or_zh([_term_of(event, name, item) for item in value])
    if isinstance(value, bool):
        return pgettext("pack README", "yes") if value else pgettext("pack README", "no")
    if value == "":
        return pgettext("pack diff", "empty")
    cls = EVENT_CLASSES.get(event)
    field = cls.model_fields.get(name) if cls is not None else None
    if field is not None:
        for kind in (field.annotation, *get_args(field.annotation)):
            if isinstance(kind, type) and issubclass(kind, TermEnum):
                try:
                    return kind(value).zh or str(value)
                except ValueError:
                    break
    return _scalar(value)


def _where_zh(event: str, where: Mapping[str, Any]) -> str:
    parts = []
    for name, value in where.items():
        field = _field_zh(name)
        if isinstance(value, dict):
            for op, operand in value.items():
                if op == "exists":
                    text = (
                        pgettext("pack diff", "{field} set")
                        if operand
                        else pgettext("pack diff", "{field} not set")
                    )
                    parts.append(text.format(field=field))
                else:
                    shown = _term_of(event, name, operand)
                    parts.append(f"{field}{_OPERATORS.get(op, op)}{shown}")
        else:
            parts.append(f"{field}：{_term_of(event, name, value)}")
    return "，".join(parts)


def _event_zh(ref: EventRef | Trigger | Literal["received"]) -> str:
    if isinstance(ref, str):
        return _event_name("zh", "received")
    text = _event_name("zh", str(ref.event))
    for name in UPSTREAM_TESTS:
        upstream = ref.where.get(name)
        if isinstance(upstream, bool):
            where = _upstream_zh(name, upstream)
            text = pgettext("pack diff", "{event} ({where})").format(event=text, where=where)
    rest = {
        k: v for k, v in ref.where.items() if k not in UPSTREAM_TESTS or not isinstance(v, bool)
    }
    if rest:
        where = _where_zh(str(ref.event), rest)
        text = pgettext("pack diff", "{event} ({where})").format(event=text, where=where)
    return text


def _upstream_zh(name: str, upstream: bool) -> str:
    """An event's upstream test (:data:`~grievance_rules.packs.schema.UPSTREAM_TESTS`) in words."""
    if name == "to_unit_upstream":
        if upstream:
            return pgettext("pack diff", "to an upstream centre")
        return pgettext("pack diff", "to a handling unit")
    if name == "approved_by_upstream":
        if upstream:
            return pgettext("pack diff", "approved upstream")
        return pgettext("pack diff", "approved by a handling unit")
    if upstream:
        return pgettext("pack diff", "by an upstream centre")
    return pgettext("pack diff", "by a handling unit")


def _selector_zh(selector: Selector) -> str:
    parts = []
    for name in _TERMS:
        values = getattr(selector, name)
        if values:
            parts.append(_or_zh([_term(name, value) for value in values]))
    if selector.not_special_kind:
        terms = [_term("special_kind", value) for value in selector.not_special_kind]
        parts.append(pgettext("pack diff", "not {values}").format(values=_or_zh(terms)))
    if selector.has:
        parts.append(pgettext("pack diff", "with {fields}").format(fields="、".join(selector.has)))
    if selector.any_of:
        items = "；".join(_selector_zh(s) for s in selector.any_of)
        parts.append(pgettext("pack diff", "any of ({items})").format(items=items))
    return "；".join(parts)


def _party_zh(target: Target) -> str:
    return _party("zh", target) or pgettext("pack diff", "nobody named")


class _ZhWords(_Words):
    """:class:`_Words` in 简体中文 (call inside ``language("zh")``)."""

    def __init__(self, pack: Pack, value: Callable[[Any], Any]) -> None:
        super().__init__(pack, value)
        self.pack = pack
        self.topics_zh = {rule.id: [t.zh for t in rule.topics] for rule in pack.rules}

    def rules(self, ids: Sequence[str]) -> str:
        named = []
        for rule_id in ids:
            topics = self.topics_zh.get(rule_id, [])
            named.append(f"{rule_id}（{'、'.join(topics)}）" if topics else rule_id)
        return _or_zh(named)

    def trigger(self, trig: Trigger) -> str:
        if trig.event is not None:
            text = _event_zh(trig)
            if trig.after is not None:
                after = (
                    pgettext("pack diff", "{event} after {earlier} by the same unit")
                    if trig.same_unit
                    else pgettext("pack diff", "{event} after {earlier}")
                )
                text = after.format(event=text, earlier=_event_zh(trig.after))
            if trig.unless_after is not None:
                unless = (
                    pgettext("pack diff", "{event} with no {earlier} by the same unit before it")
                    if trig.same_unit
                    else pgettext("pack diff", "{event} with no {earlier} before it")
                )
                text = unless.format(event=text, earlier=_event_zh(trig.unless_after))
            return text
        states = {
            "breached": pgettext("pack diff", "overdue"),
            "running": pgettext("pack diff", "running"),
            "paused": pgettext("pack diff", "paused"),
            "met": pgettext("pack diff", "met"),
            "late": pgettext("pack diff", "late"),
            "within": pgettext("pack diff", "in time"),
        }
        state = states.get(str(trig.state), str(trig.state))
        if trig.clock:
            if trig.reached is not None:
                text = pgettext("pack diff", "time limit {rules} reached its {level}").format(
                    rules=self.rules(trig.clock), level=_level(trig.reached)
                )
                if trig.state is not None:
                    text += pgettext("pack diff", ", {state} now").format(state=state)
                return text
            text = pgettext("pack diff", "time limit {rules} {state}").format(
                rules=self.rules(trig.clock), state=state
            )
            if trig.level:
                text += pgettext("pack diff", " at its {level}").format(level=_level(trig.level))
            return text
        if trig.window:
            return pgettext("pack diff", "deadline {rules} {state}").format(
                rules=self.rules(trig.window), state=state
            )
        if trig.escalation:
            return pgettext("pack diff", "escalation {rules}").format(
                rules=self.rules(trig.escalation)
            )
        return pgettext("pack diff", "deduction {rules}").format(rules=self.rules(trig.deduction))

    def condition(self, cond: Condition) -> str:
        if isinstance(cond, Trigger):
            return self.trigger(cond)
        if isinstance(cond, AllOf):
            items = "；".join(self.condition(c) for c in cond.all)
            return pgettext("pack diff", "all of ({items})").format(items=items)
        if isinstance(cond, AnyOf):
            if len(cond.any) == 1:
                return self.condition(cond.any[0])
            items = "；".join(self.condition(c) for c in cond.any)
            return pgettext("pack diff", "any of ({items})").format(items=items)
        if isinstance(cond, NotOf):
            return pgettext("pack diff", "not ({item})").format(item=self.condition(cond.not_))
        if isinstance(cond, CountOf):
            if cond.at_least is not None:
                text = pgettext("pack diff", "at least {n} × {event}").format(
                    n=self.value(cond.at_least), event=self.trigger(cond.count)
                )
            else:
                text = pgettext("pack diff", "exactly {n} × {event}").format(
                    n=self.value(cond.equals), event=self.trigger(cond.count)
                )
            if cond.distinct:
                text += pgettext("pack diff", " (each a different {field})").format(
                    field=_field_zh(cond.distinct)
                )
            return text
        if isinstance(cond, ParamIs):
            ((name, value),) = cond.param_is.items()
            return pgettext("pack diff", "under the reading {value}").format(
                value=_value(self.pack, name, value, "zh")
            )
        assert isinstance(cond, RepeatOf)
        days = self.value(cond.within)
        within = (
            pgettext("pack diff", "in the calendar month of receipt")
            if days == "calendar_month"
            else pgettext("pack diff", "within {n} natural days").format(n=days)
        )
        who = (
            pgettext("pack diff", "orders of the same complainant on the same issue")
            if cond.repeat == "complainant"
            else pgettext("pack diff", "complainants on the same issue")
        )
        return pgettext("pack diff", "at least {n} {who} {within}").format(
            n=self.value(cond.at_least), who=who, within=within
        )


# -- one rule -------------------------------------------------------------------------


class _Reader:
    """Reads one pack's rules into :class:`RuleSide` with its parameters on one date."""

    def __init__(self, pack: Pack, on: dt.date) -> None:
        self.pack = pack
        self.on = on
        self.parameters = ParameterTable.of(pack)
        self.words = _Words(pack, self.value)
        self.zh_words = _ZhWords(pack, self.value)
        self.used: dict[str, str] = {}
        self.used_zh: dict[str, str] = {}

    def value(self, ref: Any) -> Any:
        value = self.parameters.value(ref, self.on)
        if isinstance(ref, ParamRef):
            self.used[ref.param] = _scalar(value)
            with language("zh"):
                self.used_zh[ref.param] = _value(self.pack, ref.param, value, "zh")
        return value

    def once_per(self, rule: DeductionRule) -> Any:
        """How a deduction counts an order once (its ``once_per`` on the date), or ``None``."""
        once = rule.counted_once_per
        return None if once is None else self.value(once)

    def per_unit(self, rule: EscalationRule) -> bool:
        """Whether an escalation is found once per unit concerned on the date (``once_per``)."""
        return rule.once_per is not None and self.value(rule.once_per) == "unit"

    def duration(
        self, spec: Any, convention: Any, half_day: Any
    ) -> tuple[str, str, str | None, str]:
        """(duration, convention, half-day rule or None, the limit in words)."""
        parsed = Duration.parse(str(self.value(spec)))
        conv = str(self.value(convention))
        half: str | None = None
        if parsed.unit is DurationUnit.WORKING_DAYS and parsed.amount.denominator != 1:
            half = (
                str(self.value(half_day))
                if half_day is not None
                else self.pack.manifest.calendar.half_day
            )
        detail = f"{conv}, half day {half}" if half else conv
        return str(parsed), conv, half, f"{parsed} ({detail})"

    def side(self, rule: Rule) -> RuleSide:
        self.used = {}
        self.used_zh = {}
        facts: dict[str, Any] = {}
        applies = _selector(rule.applies_to) or "all orders"
        if isinstance(rule, ClockRule | EscalationRule) and rule.for_unit_kind:
            unit = "each assigned unit" if isinstance(rule, ClockRule) else "the target unit"
            applies += f"; {unit} of kind {' or '.join(rule.for_unit_kind)}"
        if isinstance(rule, ClockRule):
            facts = self.clock(rule)
            if rule.only_if_start is not None:
                applies += "; started " + rule.only_if_start.replace("_", " ")
        elif isinstance(rule, WindowRule):
            duration, conv, half, limit = self.duration(
                rule.duration, rule.convention, rule.half_day
            )
            facts = {
                "limit": limit,
                "duration": duration,
                "convention": conv,
                "half_day": half,
                "starts": _event(rule.opens),
                "stops": _event(rule.action),
                "consequence": rule.consequence,
            }
        elif isinstance(rule, DeductionRule):
            facts = self.deduction(rule)
        elif isinstance(rule, EscalationRule):
            facts = {
                "limit": rule.action,
                "trigger": self.words.condition(rule.when),
                "actor": _target(rule.actor),
                "target": _target(rule.target)
                + (", once for each such unit" if self.per_unit(rule) else ""),
            }
        elif isinstance(rule, PeriodRule):
            facts = {
                "limit": f"per {rule.period}: " + " / ".join(tier.action for tier in rule.tiers),
                "trigger": " | ".join(
                    f"{tier.id}: {self.words.condition(tier.when)}" for tier in rule.tiers
                ),
                "actor": " / ".join(_target(tier.actor) for tier in rule.tiers),
                "target": " / ".join(_target(tier.target) for tier in rule.tiers),
            }
        elif isinstance(rule, RankingRule):
            facts = {
                "limit": rule.action,
                "trigger": (
                    f"bottom {self.value(rule.bottom)} of {' and '.join(rule.among)} "
                    f"per {rule.period}"
                ),
                "actor": _target(rule.actor),
                "target": _target(rule.target),
            }
        else:
            assert isinstance(rule, RecordRule)
            facts = {
                "limit": "recorded, not computed",
                "trigger": self.words.condition(rule.when) if rule.when is not None else None,
                "not_computed": rule.not_computed,
            }
        parameters = dict(sorted(self.used.items()))
        with language("zh"):
            zh = self.zh(rule)
        if self.used_zh:
            zh["parameters"] = "; ".join(f"{k}={v}" for k, v in sorted(self.used_zh.items()))
        return RuleSide(
            rule_id=rule.id,
            title=rule.title,
            clause=rule.citation.clause,
            quote=rule.citation.text,
            applies_to=applies,
            parameters=parameters,
            zh=zh,
            **facts,
        )

    def zh(self, rule: Rule) -> dict[str, str]:
        """The shown fields of :meth:`side` in 简体中文 (inside ``language("zh")``)."""
        words = self.zh_words
        applies = _selector_zh(rule.applies_to) or pgettext("pack diff", "all orders")
        if isinstance(rule, ClockRule | EscalationRule) and rule.for_unit_kind:
            kinds = "、".join(_term("unit_kind", kind) for kind in rule.for_unit_kind)
            applies += "；" + (
                pgettext("pack diff", "each assigned unit that is {kinds}")
                if isinstance(rule, ClockRule)
                else pgettext("pack diff", "the target unit being {kinds}")
            ).format(kinds=kinds)
        shown: dict[str, str] = {}
        if isinstance(rule, ClockRule):
            shown = self.clock_zh(rule)
            if rule.only_if_start is not None:
                started = {
                    "after_hours": pgettext(
                        "pack README", "only when it starts on a day off or out of office hours"
                    ),
                    "outside_office_hours": pgettext(
                        "pack README", "only when it starts out of office hours"
                    ),
                    "inside_office_hours": pgettext(
                        "pack README", "only when it starts in office hours"
                    ),
                }[rule.only_if_start]
                applies += "；" + started
        elif isinstance(rule, WindowRule):
            consequence = (
                pgettext("pack diff", "refused")
                if rule.consequence == "refused"
                else rule.consequence
            )
            shown = {
                "limit": self.duration_zh(rule.duration, rule.convention, rule.half_day),
                "starts": _event_zh(rule.opens),
                "stops": _event_zh(rule.action),
                "consequence": consequence,
            }
        elif isinstance(rule, DeductionRule):
            shown = {
                "limit": self.deduction_zh(rule),
                "trigger": words.condition(rule.when),
                "target": {
                    "handling_unit": pgettext("pack README", "the handling unit"),
                    "trigger_unit": pgettext("pack README", "the unit concerned"),
                    "subject_unit": pgettext("pack diff", "the unit named in the finding"),
                    "about_unit": pgettext("pack README", "the unit the callback rates"),
                }[rule.charge],
            }
        elif isinstance(rule, EscalationRule):
            per_unit = pgettext("pack diff", ", once for each such unit")
            shown = {
                "limit": rule.action,
                "trigger": words.condition(rule.when),
                "actor": _party_zh(rule.actor),
                "target": _party_zh(rule.target) + (per_unit if self.per_unit(rule) else ""),
            }
        elif isinstance(rule, PeriodRule):
            shown = {
                "limit": pgettext("pack README", "each {period}: {actions}").format(
                    period=_period(rule.period),
                    actions=" / ".join(tier.action for tier in rule.tiers),
                ),
                "trigger": " | ".join(
                    f"{tier.id}：{words.condition(tier.when)}" for tier in rule.tiers
                ),
                "actor": " / ".join(_party_zh(tier.actor) for tier in rule.tiers),
                "target": " / ".join(_party_zh(tier.target) for tier in rule.tiers),
            }
        elif isinstance(rule, RankingRule):
            shown = {
                "limit": rule.action,
                "trigger": pgettext("pack diff", "each {period}, the bottom {n} of {kinds}").format(
                    period=_period(rule.period),
                    n=self.value(rule.bottom),
                    kinds="、".join(_term("unit_kind", kind) for kind in rule.among),
                ),
                "actor": _party_zh(rule.actor),
                "target": _party_zh(rule.target),
            }
        else:
            assert isinstance(rule, RecordRule)
            shown = {"limit": pgettext("pack README", "recorded, not computed")}
            if rule.when is not None:
                shown["trigger"] = words.condition(rule.when)
            shown["not_computed"] = (
                str(rule.not_computed_zh)
                if rule.not_computed_zh
                else f"{UNTRANSLATED}{rule.not_computed}"
            )
        return {"applies_to": applies} | shown

    def duration_zh(self, spec: Any, convention: Any, half_day: Any) -> str:
        """A time limit as the pack README says it: 1个工作日（按民法典计算期间……）."""
        parsed = Duration.parse(str(self.value(spec)))
        conv = _convention(str(self.value(convention)))
        text = _duration(str(parsed))
        if parsed.unit is DurationUnit.WORKING_DAYS and parsed.amount.denominator != 1:
            half = (
                str(self.value(half_day))
                if half_day is not None
                else self.pack.manifest.calendar.half_day
            )
            return pgettext("pack diff", "{duration} ({convention}; half a day: {half})").format(
                duration=text, convention=conv, half=_half_day(half)
            )
        return pgettext("pack diff", "{duration} ({convention})").format(
            duration=text, convention=conv
        )

    def clock_zh(self, rule: ClockRule) -> dict[str, str]:
        if rule.duration is not None:
            limit = self.duration_zh(rule.duration, rule.convention, rule.half_day)
        else:
            limit = pgettext("pack diff", "due at {due}").format(
                due=_due_field(str(rule.due_field))
            )
        if rule.cap is not None:
            cap = _duration(str(Duration.parse(str(self.value(rule.cap)))))
            if rule.extend is not None:
                limit += pgettext(
                    "pack diff", "; extendable by {event} to at most {cap} from the start"
                ).format(event=_event_zh(rule.extend), cap=cap)
            else:
                limit += pgettext(
                    "pack diff", "; extendable to at most {cap} from the start"
                ).format(cap=cap)
        elif rule.extend is not None:
            limit += pgettext("pack diff", "; extendable by {event}").format(
                event=_event_zh(rule.extend)
            )
        starts = _event_zh(rule.start)
        if rule.start_else:
            standin = _event_zh(rule.start_else[0])
            for ref in rule.start_else[1:]:
                standin = pgettext("pack README", "{a} or {b}").format(a=standin, b=_event_zh(ref))
            starts = pgettext("pack diff", "{a}, else {b}").format(a=starts, b=standin)
        if rule.occurrence == "each":
            starts = pgettext("pack diff", "each {event}").format(event=starts)
        stops = _event_zh(rule.stop)
        if rule.stop_by == "same_unit":
            stops += pgettext("pack diff", " by the same unit")
        for begin, end in rule.pause:
            stops += pgettext("pack diff", "; paused from {a} until {b}").format(
                a=_event_zh(begin), b=_event_zh(end)
            )
        return {"limit": limit, "starts": starts, "stops": stops}

    def deduction_zh(self, rule: DeductionRule) -> str:
        if rule.points == "from_event":
            return pgettext("pack README", "the points the notice gives")
        points = _points(float(self.value(rule.points)))
        if rule.progression is not None:
            limit = pgettext("pack diff", "{points} the first time, doubled each later time")
        elif self.once_per(rule) == "order":
            limit = pgettext("pack diff", "{points} per order (counted once)")
        elif self.once_per(rule) == "order_and_unit":
            limit = pgettext("pack diff", "{points} per order and unit charged (counted once each)")
        else:
            limit = pgettext("pack diff", "{points} per occurrence")
        limit = limit.format(points=points)
        if rule.cap is not None:
            cap = float(self.value(rule.cap))
            limit += pgettext("pack diff", "; at most {n} points per order").format(n=f"{cap:g}")
        return limit

    def clock(self, rule: ClockRule) -> dict[str, Any]:
        facts: dict[str, Any] = {}
        if rule.duration is not None:
            duration, conv, half, limit = self.duration(
                rule.duration, rule.convention, rule.half_day
            )
            facts.update(duration=duration, convention=conv, half_day=half)
        else:
            field = str(rule.due_field)
            facts["due_field"] = field
            where = "the order's" if field == "reply_deadline" else "the start event's"
            limit = f"due at {where} {field}"
        if rule.cap is not None:
            cap = str(Duration.parse(str(self.value(rule.cap))))
            facts["cap"] = cap
            extend = f" by {_event(rule.extend)}" if rule.extend is not None else ""
            limit += f"; extendable{extend} to at most {cap} from the start"
        elif rule.extend is not None:
            limit += f"; extendable by {_event(rule.extend)}"
        starts = _event(rule.start)
        if rule.start_else:
            starts += ", else " + " or ".join(_event(ref) for ref in rule.start_else)
        if rule.occurrence == "each":
            starts = f"each {starts}"
        stops = _event(rule.stop)
        if rule.stop_by == "same_unit":
            stops += " by the same unit"
        for begin, end in rule.pause:
            stops += f"; paused from {_event(begin)} until {_event(end)}"
        return facts | {"limit": limit, "starts": starts, "stops": stops}

    def deduction(self, rule: DeductionRule) -> dict[str, Any]:
        charge = {
            "handling_unit": "the handling unit",
            "trigger_unit": "the unit that acted",
            "subject_unit": "the unit named in the finding",
            "about_unit": "the unit the callback rates",
        }[rule.charge]
        facts: dict[str, Any] = {
            "trigger": self.words.condition(rule.when),
            "target": charge,
        }
        if rule.points == "from_event":
            facts["limit"] = "the points the event carries"
            return facts
        points = float(self.value(rule.points))
        facts["points"] = points
        if rule.progression is not None:
            limit = f"{points:+g} the first time, doubled each later time"
        elif self.once_per(rule) == "order":
            limit = f"{points:+g} per order (counted once)"
        elif self.once_per(rule) == "order_and_unit":
            limit = f"{points:+g} per order and unit charged (counted once each)"
        else:
            limit = f"{points:+g} per occurrence"
        if rule.cap is not None:
            cap = float(self.value(rule.cap))
            facts["cap"] = f"{cap:g}"
            limit += f"; at most {cap:g} per order"
        facts["limit"] = limit
        return facts


# -- the comparison -------------------------------------------------------------------


def _labels(packs: Sequence[Pack]) -> list[str]:
    labels = [pack.id for pack in packs]
    if len(set(labels)) < len(labels):
        labels = [pack.key for pack in packs]
    if len(set(labels)) < len(labels):
        labels = [f"{label} #{i}" for i, label in enumerate(labels, start=1)]
    return labels


def _readable_from(pack: Pack) -> tuple[dt.date, list[str]]:
    """The first day its compared rules can be read, and the parameters taking effect later.

    The pack's ``effective_from``, or the latest first date of a parameter that rules
    with topics read.
    """
    start = pack.manifest.effective_from
    late: dict[str, dt.date] = {}
    for rule in pack.rules:
        if not rule.topics:
            continue
        for name in parameters_read(rule):
            parameter = pack.parameters.get(name)
            if parameter is not None and parameter.values[0].from_ > start:
                late[name] = parameter.values[0].from_
    return max([start, *late.values()]), list(late)


def _none_first(
    facts: tuple[str | None, ...],
) -> tuple[tuple[bool, str], ...]:
    """A sort key for compared facts, some of them absent (a record with no trigger)."""
    return tuple((value is not None, value or "") for value in facts)


def diff_packs(a: Pack, b: Pack, *more: Pack, on: dt.date | None = None) -> PackDiff:
    """Compare packs side by side, rules matched by kind and topic.

    Args:
        a: the first pack.
        b: the second pack.
        *more: further packs, for an N-way comparison.
        on: the date whose parameter values are compared (default: each pack's
            ``effective_from``, or the first date after it on which every parameter
            its rules read has a value). A date before a pack took effect reads its
            first values, as the engine does for an order received before then; the
            pack's column says when it is read on another date than asked for.

    Raises:
        PackError: a parameter has no value on ``on`` (the message names the
            pack, the parameter, its first date, the rule and the first date the
            pack can be compared on).

    Example:
        >>> from grievance_rules.packs import find_pack
        >>> diff = diff_packs(find_pack("chengdong"), find_pack("daye"))
        >>> diff.row("window", "return").status, diff.summary.only_in["daye"] > 0
        ('differs', True)
    """
    packs = (a, b, *more)
    labels = _labels(packs)
    columns = []
    cells: dict[tuple[str, Topic], list[list[RuleSide]]] = {}
    for index, (pack, label) in enumerate(zip(packs, labels, strict=True)):
        start = pack.manifest.effective_from
        readable, late = _readable_from(pack)
        day = max(on, start) if on is not None else readable
        note = note_zh = None
        for lang in ("en", "zh"):
            with language(lang):
                if on is not None and on < start:
                    said = _(
                        "{on} is before {pack} took effect ({start}): the values in force "
                        "on {start}"
                    ).format(on=on, pack=pack.key, start=start)
                elif on is None and readable > start:
                    said = _(
                        "read on {day}, not on its effective_from {start}: parameter(s) {names} "
                        "have no value before {day} (read by rule(s) {rules})"
                    ).format(
                        day=readable,
                        start=start,
                        names=join_list(late),
                        rules=join_list(
                            rule.id
                            for rule in pack.rules
                            if rule.topics and set(parameters_read(rule)) & set(late)
                        ),
                    )
                else:
                    continue
            if lang == "en":
                note = said
            else:
                note_zh = said
        reader = _Reader(pack, day)
        untagged = []
        for rule in pack.rules:
            if not rule.topics:
                untagged.append(rule.id)
                continue
            try:
                side = reader.side(rule)
            except PackError as exc:
                raise exc.restated(
                    _("{problem} (read by rule {rule}); compare on {day} or later").format(
                        problem=exc, rule=rule.id, day=readable
                    ),
                    rule_id=rule.id,
                ) from exc
            for topic in dict.fromkeys(rule.topics):
                sides = cells.setdefault((rule.kind, topic), [[] for _ in packs])
                sides[index].append(side)
        columns.append(
            PackColumn(
                label=label,
                id=pack.id,
                revision=pack.revision,
                name=pack.manifest.name,
                on=day,
                untagged=tuple(untagged),
                note=note,
                note_zh=note_zh,
            )
        )
    rows = []
    for kind, topic in sorted(cells, key=lambda key: (_KINDS.index(key[0]), _TOPIC_ORDER[key[1]])):
        sides = cells[(kind, topic)]
        present = [i for i, rules in enumerate(sides) if rules]
        compared = {
            tuple(sorted((side.compared(kind) for side in sides[i]), key=_none_first))
            for i in present
        }
        status: Literal["same", "differs", "only"] = (
            "only" if len(present) == 1 else "same" if len(compared) == 1 else "differs"
        )
        rows.append(
            DiffRow(
                kind=kind,
                topic=topic,
                topic_zh=topic.zh,
                sides=tuple(tuple(rules) for rules in sides),
                present_in=tuple(labels[i] for i in present),
                status=status,
            )
        )
    matched = [row for row in rows if len(row.present_in) > 1]
    summary = DiffSummary(
        rows=len(rows),
        matched=len(matched),
        in_all=sum(len(row.present_in) == len(packs) for row in rows),
        differ=sum(row.status == "differs" for row in rows),
        only_in={label: sum(row.present_in == (label,) for row in rows) for label in labels},
    )
    return PackDiff(packs=tuple(columns), rows=tuple(rows), summary=summary)
