"""Hypothesis strategies for orders that meet, or miss, a pack's time limit by a hair.

For a clock rule the order's history starts the clock (its start event, or the
receipt) and stops it just before, at or just after the due instant; for a
window rule the action comes just before, at or just after the window closes.
The due instant is computed here with the pack's calendar, parameters and
counting convention, independently of the engine, so a test can check that the
engine agrees. The order matches the rule's ``applies_to`` and the ``where`` of
its events; its history is coherent (:func:`~grievance_rules.model.check_history`
finds nothing). Re-exported by :mod:`grievance_rules.testing.strategies`.

A clock's ``no_later_than`` bounds are worked out too: where a bounding clock runs
on the order drawn (its ``applies_to``), the due instant is the earlier of the two.

Limitations: no pause, extension or other event the rule does not name is
drawn, and the history holds one dispatch to one handling unit; rules whose
``where`` names unit ids or engine-derived fields other than
``to_unit_upstream: false``, ``unit_upstream`` and ``<field>_count`` cannot be shaped, nor a clock
bounded by one not counted plainly from the receipt or the dispatch.

Example:
    >>> from hypothesis import Phase, find, settings
    >>> simplest = settings(database=None, max_examples=1, phases=[Phase.generate])
    >>> case = find(boundary_cases("xiayang", ["XY-1.accept"], in_time=False),
    ...             lambda c: True, settings=simplest)
    >>> case.side, case.acted_at - case.due
    ('breached', datetime.timedelta(seconds=1))
"""

from __future__ import annotations

import datetime as dt
import enum
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from hypothesis import assume
from hypothesis import strategies as st
from pydantic import ValidationError

from grievance_rules.calendar import SHANGHAI
from grievance_rules.calendar.durations import Duration, DurationUnit
from grievance_rules.errors import CalendarError, PackError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import pgettext
from grievance_rules.model import EvidenceKind, UnitKind, WorkOrder
from grievance_rules.model.events import EVENT_CLASSES, EventBase
from grievance_rules.testing._calendar_edges import ZONES, edge_instants
from grievance_rules.validation_messages import pydantic_message

if TYPE_CHECKING:
    from grievance_rules.packs import Pack
    from grievance_rules.packs.schema import ClockRule, EventRef, Selector, WindowRule

__all__ = ["BoundaryCase", "UnshapeableRuleError", "boundary_cases"]

CENTRE = "centre"
"""The id of the dispatching centre in the orders drawn."""
HANDLER = "u0"
"""The id of the handling unit in the orders drawn."""

_HANDLER_ACTS = frozenset(
    {
        "signed_for",
        "first_contact",
        "return_requested",
        "replied",
        "continuation",
        "extension_requested",
        "escalated",
        "proactive_handling",
    }
)
_CENTRE_FIELDS = frozenset({"approved_by"})
_PREREQUISITES = {
    "callback": "replied",
    "return_decided": "return_requested",
    "extension_granted": "extension_requested",
}
_HAS_VALUES: dict[str, Any] = {
    "complainant": "p1",
    "issue": "i1",
    "location": {"address": "测试路1号"},
}
_MARGIN = dt.timedelta(days=60)
_LEAD = dt.timedelta(hours=2)
"""Longest time drawn between the receipt, the dispatch and the start of the clock."""


class UnshapeableRuleError(PackError):
    """A rule :func:`boundary_cases` cannot draw orders for; says which rule and field."""


@dataclass(frozen=True)
class BoundaryCase:
    """An order whose history meets, or misses, one time limit by a hair.

    Attributes:
        rule_id: the clock or window rule.
        kind: ``"clock"`` or ``"window"``.
        side: ``"met"`` or ``"breached"`` (clocks), ``"within"`` or ``"late"`` (windows).
        order: the order.
        as_of: an instant after every event and after the due instant.
        start: when the clock started or the window opened.
        due: the due instant (clocks) or closing instant (windows), computed with
            the pack's calendar and the parameters in force on the day of receipt.
        acted_at: when the stop (clock) or action (window) event happened.
        stop_event: the index of that event in ``order.events``.
    """

    rule_id: str
    kind: Literal["clock", "window"]
    side: Literal["met", "breached", "within", "late"]
    order: WorkOrder
    as_of: dt.datetime
    start: dt.datetime
    due: dt.datetime
    acted_at: dt.datetime
    stop_event: int

    @property
    def in_time(self) -> bool:
        """Whether the stop or action came in time (at the due instant counts as in time)."""
        return self.side in ("met", "within")


@dataclass(frozen=True)
class _Alternative:
    """One way to satisfy a selector: allowed values per field (None: any)."""

    channel: tuple[str, ...] | None = None
    category: tuple[str, ...] | None = None
    urgency: tuple[str, ...] | None = None
    unit_kind: tuple[str, ...] | None = None
    special_any: tuple[tuple[str, ...], ...] = ()
    special_not: frozenset[str] = frozenset()
    flag_any: tuple[tuple[str, ...], ...] = ()
    has: frozenset[str] = frozenset()

    def merge(self, other: _Alternative) -> _Alternative | None:
        merged: dict[str, Any] = {}
        for name in ("channel", "category", "urgency", "unit_kind"):
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine is None or theirs is None:
                merged[name] = mine if theirs is None else theirs
            else:
                merged[name] = tuple(v for v in mine if v in theirs)
                if not merged[name]:
                    return None
        special_not = self.special_not | other.special_not
        special_any = tuple(
            tuple(v for v in group if v not in special_not)
            for group in (*self.special_any, *other.special_any)
        )
        if any(not group for group in special_any):
            return None
        return _Alternative(
            **merged,
            special_any=special_any,
            special_not=special_not,
            flag_any=self.flag_any + other.flag_any,
            has=self.has | other.has,
        )


def _satisfies(alternative: _Alternative, record: Mapping[str, Any], unit_kind: str) -> bool:
    """Whether a drawn order (its record, and its handling unit's kind) is one of these."""
    specials, flags = set(record["special_kinds"]), set(record["flags"])
    return (
        all(
            allowed is None or value in allowed
            for allowed, value in (
                (alternative.channel, record["channel"]),
                (alternative.category, record["category"]),
                (alternative.urgency, record["urgency"]),
                (alternative.unit_kind, unit_kind),
            )
        )
        and all(specials.intersection(group) for group in alternative.special_any)
        and not specials & alternative.special_not
        and all(flags.intersection(group) for group in alternative.flag_any)
        and all(record.get(name) is not None for name in alternative.has)
    )


def _alternatives(selector: Selector) -> list[_Alternative]:
    """Every way to satisfy a selector, ``any_of`` branches expanded."""
    handling = [k.value for k in UnitKind if not k.is_upstream]
    unit_kind = None
    if selector.unit_kind:
        unit_kind = tuple(v for v in selector.unit_kind if v in handling)
        if not unit_kind:
            return []
    base = _Alternative(
        channel=selector.channel or None,
        category=selector.category or None,
        urgency=selector.urgency or None,
        unit_kind=unit_kind,
        special_any=(selector.special_kind,) if selector.special_kind else (),
        special_not=frozenset(selector.not_special_kind),
        flag_any=(selector.flag,) if selector.flag else (),
        has=frozenset(selector.has),
    )
    found = [base] if base.merge(_Alternative()) is not None else []
    if selector.any_of:
        found = [
            merged
            for alternative in found
            for branch in selector.any_of
            for inner in _alternatives(branch)
            if (merged := alternative.merge(inner)) is not None
        ]
    return found


def _candidates(cls: type[EventBase], name: str) -> list[Any]:
    """Values a field of an event class can take, the plainest first."""
    annotation = cls.model_fields[name].annotation
    options: list[Any] = []
    for arg in typing.get_args(annotation) or (annotation,):
        if isinstance(arg, type) and issubclass(arg, enum.Enum):
            options += [member.value for member in arg]
        elif arg is bool:
            options += [True, False]
        elif arg is int:
            options += [1, 2, 3]
        elif arg is float:
            options += [1.0, -1.0]
        elif arg is str:
            options += ["测试"]
    return options


@dataclass(frozen=True)
class _EventPlan:
    """One event the history needs: its type and its fixed fields."""

    type: str
    fields: Mapping[str, Any]


class _Shaper:
    """Turns one rule into the plan of its orders, or refuses with a clear error."""

    def __init__(self, pack: Pack, rule: ClockRule | WindowRule) -> None:
        self.pack = pack
        self.rule = rule

    def fail(self, field: str, problem: str) -> UnshapeableRuleError:
        return UnshapeableRuleError(
            _("boundary_cases: rule {rule} of pack {pack}: {field}: {problem}").format(
                rule=self.rule.id, pack=self.pack.id, field=field, problem=problem
            ),
            rule_id=self.rule.id,
            field=field,
        )

    def value(self, cls: type[EventBase], path: str, name: str, wanted: Any) -> Any:
        """A value of field ``name`` that satisfies a ``where`` entry."""
        if isinstance(wanted, list):
            if not wanted:
                raise self.fail(path, _("an empty list matches nothing"))
            return self.value(cls, path, name, wanted[0])
        if not isinstance(wanted, dict):
            return wanted
        ((op, operand),) = wanted.items()
        options = _candidates(cls, name) if name in cls.model_fields else [0, 1, 2, 3]
        if op == "exists":
            if not operand:
                return None
            if not options:
                raise self.fail(path, _("cannot draw a value for this field"))
            return options[0]
        if op == "ne":
            other = [v for v in options if v != operand]
            if not other:
                raise self.fail(
                    path, _("no value other than {value} to draw").format(value=repr(operand))
                )
            return other[0]
        if op in ("gte", "lte"):
            return operand
        if op == "gt":
            return operand + 1
        if op == "lt":
            return operand - 1
        raise self.fail(path, _("unknown operator {op}").format(op=repr(op)))

    def event(self, ref: EventRef, path: str, *, acting: str | None = None) -> _EventPlan:
        """The fixed fields of an event that matches ``ref``."""
        cls = EVENT_CLASSES[ref.event]
        fields: dict[str, Any] = {}
        for name, wanted in ref.where.items():
            where = f"{path}.where.{name}"
            if name == "to_unit_upstream":
                if self.value(cls, where, name, wanted) is not False:
                    raise self.fail(where, _("only dispatches to the handling unit are drawn"))
                continue
            if name == "unit_upstream":
                by_centre = self.value(cls, where, name, wanted)
                wanted_unit = CENTRE if by_centre is True else HANDLER
                if not isinstance(by_centre, bool) or acting not in (None, wanted_unit):
                    raise self.fail(where, _("cannot draw this acting unit"))
                acting = wanted_unit
                continue
            if name.endswith("_count") and name[: -len("_count")] in cls.model_fields:
                size = self.value(cls, where, name, wanted)
                if not isinstance(size, int) or size < 0:
                    raise self.fail(
                        where, _("cannot draw a list of {size} items").format(size=repr(size))
                    )
                fields[name[: -len("_count")]] = size
                continue
            if name not in cls.model_fields or name in ("at", "type"):
                raise self.fail(
                    where,
                    _("{event} events have no field {name} to draw").format(
                        event=ref.event, name=repr(name)
                    ),
                )
            if name in cls.unit_fields:
                raise self.fail(
                    where, _("unit ids are the strategy's own; cannot match a named unit")
                )
            fields[name] = self.value(cls, where, name, wanted)
        for name, info in cls.model_fields.items():
            if name in fields or name in ("type", "at") or name in cls.instant_fields:
                continue
            if name in cls.unit_fields:
                if name == "unit":
                    fields[name] = acting or (HANDLER if ref.event in _HANDLER_ACTS else CENTRE)
                else:
                    fields[name] = CENTRE if name in _CENTRE_FIELDS else HANDLER
            elif info.is_required():
                options = _candidates(cls, name)
                if not options:
                    raise self.fail(f"{path}.{name}", _("cannot draw a value for this field"))
                fields[name] = options[0]
        self.check(cls, fields, path)
        return _EventPlan(ref.event, fields)

    def check(self, cls: type[EventBase], fields: Mapping[str, Any], path: str) -> None:
        sample = dict(_expand(fields, cls))
        sample["at"] = dt.datetime(2024, 1, 1, tzinfo=SHANGHAI)
        for name in cls.instant_fields[1:]:
            sample.setdefault(name, sample["at"])
        try:
            cls.model_validate({"type": cls.model_fields["type"].default, **sample})
        except ValidationError as exc:
            problem = pgettext("list", "; ").join(pydantic_message(e) for e in exc.errors())
            raise self.fail(
                path, _("the values drawn are not valid: {problem}").format(problem=problem)
            ) from None


def _expand(fields: Mapping[str, Any], cls: type[EventBase]) -> dict[str, Any]:
    """Counts of list fields (``evidence: 2``) become lists of that many items."""
    out = dict(fields)
    for name, value in fields.items():
        annotation = cls.model_fields[name].annotation
        if typing.get_origin(annotation) is tuple and isinstance(value, int):
            (item,) = typing.get_args(annotation)[:1]
            if isinstance(item, type) and issubclass(item, enum.Enum):
                members = [member.value for member in item]
                out[name] = [members[i % len(members)] for i in range(value)]
            else:
                out[name] = [{"kind": next(iter(EvidenceKind)).value} for _ in range(value)]
    return out


@dataclass(frozen=True)
class _Plan:
    """What the orders of one rule hold."""

    rule: ClockRule | WindowRule
    kind: Literal["clock", "window"]
    alternatives: tuple[_Alternative, ...]
    start: _EventPlan | None
    act: _EventPlan
    first: dt.date
    last: dt.date
    caps: tuple[_Cap, ...] = ()
    """The clocks of ``no_later_than``: the rule is never due after theirs, where they run."""


@dataclass(frozen=True)
class _Cap:
    """A clock of ``no_later_than``: where it runs, and from which event of the history."""

    rule: ClockRule
    alternatives: tuple[_Alternative, ...]
    from_receipt: bool
    """Started at the receipt; else at the first dispatch."""


def _param_start(pack: Pack, ref: Any) -> dt.date | None:
    from grievance_rules.packs.schema import ParamRef

    if isinstance(ref, ParamRef) and ref.param not in pack.overrides:
        return pack.parameters[ref.param].values[0].from_
    return None


def _plan(pack: Pack, rule: ClockRule | WindowRule) -> _Plan:
    from grievance_rules.packs.parameters import parameter_value
    from grievance_rules.packs.schema import ClockRule

    shaper = _Shaper(pack, rule)
    alternatives = _alternatives(rule.applies_to)
    if isinstance(rule, ClockRule) and rule.for_unit_kind:  # the one handler's kind, too
        unit = _Alternative(unit_kind=rule.for_unit_kind)
        alternatives = [m for a in alternatives if (m := a.merge(unit)) is not None]
    if not alternatives:
        raise shaper.fail("applies_to", _("no order can match it"))
    if isinstance(rule, ClockRule):
        kind: Literal["clock", "window"] = "clock"
        start_ref, act_ref, act_path = rule.start, rule.stop, "stop"
        if rule.due_field is not None and rule.due_field != "reply_deadline":
            if start_ref == "received":
                raise shaper.fail(
                    "due_field", _("a deadline on the start event needs a start event")
                )
            cls = EVENT_CLASSES[start_ref.event]
            if rule.due_field not in cls.instant_fields[1:]:
                raise shaper.fail(
                    "due_field",
                    _("{event} has no {field}").format(event=start_ref.event, field=rule.due_field),
                )
        if rule.only_if_start is not None and pack.calendar().office_hours is None:
            raise shaper.fail("only_if_start", _("the pack's calendar has no office hours"))
        if rule.runs_if is not None:
            from grievance_rules.packs.schema import ParamRef

            ((name, wanted),) = rule.runs_if.param_is.items()
            if parameter_value(pack, ParamRef(param=name), pack.manifest.effective_from) != wanted:
                raise shaper.fail(
                    "runs_if",
                    _("it runs only with {name}: {wanted} (pack.with_parameters)").format(
                        name=name, wanted=wanted
                    ),
                )
        acting = HANDLER if rule.stop_by == "same_unit" else None
        if rule.no_later_than and rule.due_field is not None:
            raise shaper.fail(
                "no_later_than", _("a deadline written on the order cannot be bounded here")
            )
        caps = tuple(_cap(shaper, pack, rule_id) for rule_id in rule.no_later_than)
    else:
        kind = "window"
        start_ref, act_ref, act_path, acting = rule.opens, rule.action, "action", None
        caps = ()
    start = None if start_ref == "received" else shaper.event(start_ref, "start")
    act = shaper.event(act_ref, act_path, acting=acting)
    manifest = pack.manifest
    first = max(
        [
            dt.date(2020, 1, 1),
            manifest.effective_from + dt.timedelta(days=1),
            *(
                d + dt.timedelta(days=1)
                for ref in _refs(rule, caps)
                if (d := _param_start(pack, ref)) is not None
            ),
        ]
    )
    last = pack.calendar().final_through - _MARGIN
    if manifest.effective_until is not None:
        last = min(last, manifest.effective_until - dt.timedelta(days=1))
    if first > last:
        raise shaper.fail(
            "effective_from",
            _("no day between {first} and {last} to draw from").format(first=first, last=last),
        )
    return _Plan(rule, kind, tuple(alternatives), start, act, first, last, caps)


def _refs(rule: ClockRule | WindowRule, caps: Sequence[_Cap]) -> list[Any]:
    """The duration, convention and half day the rule's due instant reads, and its caps'."""
    return [
        getattr(r, name, None)
        for r in (rule, *(cap.rule for cap in caps))
        for name in ("duration", "convention", "half_day")
    ]


def _cap(shaper: _Shaper, pack: Pack, rule_id: str) -> _Cap:
    """A ``no_later_than`` clock whose first due instant this module can work out.

    Started at the receipt or at a dispatch to the handling unit (every dispatch the
    orders hold), with a duration and nothing that moves or gates it.
    """
    from grievance_rules.packs.schema import ClockRule

    other = pack.rule(rule_id)
    assert isinstance(other, ClockRule)  # (the pack checks refuse anything else)
    start = other.start
    plain_start = start == "received" or (
        start.event == "dispatched"
        and all(k == "to_unit_upstream" and v is False for k, v in start.where.items())
    )
    if not plain_start or other.duration is None:
        raise shaper.fail(
            "no_later_than",
            _("{rule}: only a clock counted from the receipt or the dispatch can bound it").format(
                rule=rule_id
            ),
        )
    if (
        other.no_later_than
        or other.also_started_by
        or other.start_else
        or other.only_if_start is not None
        or other.runs_if is not None
        or other.for_unit_kind
    ):
        raise shaper.fail(
            "no_later_than",
            _("{rule}: a bounding clock that other rules start or switch").format(rule=rule_id),
        )
    return _Cap(other, tuple(_alternatives(other.applies_to)), start == "received")


def _due(
    pack: Pack, rule: ClockRule | WindowRule, start: dt.datetime, judged: dt.date
) -> dt.datetime:
    """The due instant, from the parameters in force on ``judged``, worked out here.

    Independently of ``calendar.deadline``: only the calendar's holiday table
    (:meth:`~grievance_rules.calendar.WorkingCalendar.is_working_day`) and the pack's
    office hours are read, and the counting is this module's own
    (:func:`independent_due`), so a deadline bug fails the boundary tests instead of
    agreeing with itself.
    """
    from grievance_rules.packs.parameters import parameter_value

    assert rule.duration is not None
    half_day = rule.half_day
    half = (
        parameter_value(pack, half_day, judged)
        if half_day is not None
        else pack.manifest.calendar.half_day
    )
    return independent_due(
        pack,
        start,
        str(parameter_value(pack, rule.duration, judged)),
        str(parameter_value(pack, rule.convention, judged)),
        str(half),
    )


_SHANGHAI_ZONE = SHANGHAI


def _sessions(pack: Pack) -> list[tuple[int, int]]:
    """The office-hour sessions of a working day, as (start, end) minutes after midnight."""
    text = pack.manifest.calendar.office_hours
    if not text:
        return []
    sessions = []
    for part in text.split(","):
        a, b = part.strip().split("-")
        sessions.append(tuple(int(h) * 60 + int(m) for h, m in (a.split(":"), b.split(":"))))
    return [(a, b) for a, b in sessions]


def _at(day: dt.date, minute: float) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=_SHANGHAI_ZONE) + dt.timedelta(minutes=minute)


def independent_due(
    pack: Pack, start: dt.datetime, duration: str, convention: str, half_day: str
) -> dt.datetime:
    """A due instant counted by hand: day by day on the holiday table, session by session.

    ``working_time`` walks office-hour sessions from the start (a half day is half the
    day's minutes, or with ``noon_cutoff`` the end of the first whole session starting
    at or after it; the same day ends at that working day's closing, or the next
    one's); ``civil_code`` does not count the start day and ends at closing time
    (24:00 without office hours) of the last day, a last natural day that is not a
    working day moving to the next working day; ``elapsed`` adds wall-clock time (the
    same day ends at 24:00).
    """
    cal = pack.calendar()
    working = cal.is_working_day
    sessions = _sessions(pack)
    local = start.astimezone(_SHANGHAI_ZONE)
    day = local.date()
    minute = (local - _at(day, 0)).total_seconds() / 60
    parsed = Duration.parse(duration)
    amount, unit = Fraction(parsed.amount), parsed.unit

    def next_working(d: dt.date) -> dt.date:
        d += dt.timedelta(days=1)
        while not working(d):
            d += dt.timedelta(days=1)
        return d

    closing = sessions[-1][1] if sessions else 24 * 60
    if convention == "elapsed":
        if unit is DurationUnit.SAME_DAY:
            return _at(day + dt.timedelta(days=1), 0)
        seconds = {
            DurationUnit.NATURAL_DAYS: 86_400,
            DurationUnit.HOURS: 3_600,
            DurationUnit.MINUTES: 60,
        }[unit]
        return start + dt.timedelta(seconds=float(amount * seconds))
    if convention == "civil_code":
        if unit is DurationUnit.WORKING_DAYS:
            last = day
            for _ in range(int(amount)):
                last = next_working(last)
        else:  # natural days
            last = day + dt.timedelta(days=int(amount))
            if not working(last):
                last = next_working(last)
        return _at(last, closing)
    # working_time
    if unit is DurationUnit.SAME_DAY:
        if not working(day) or minute >= closing:
            day = next_working(day)
        return _at(day, closing)
    day_minutes = sum(b - a for a, b in sessions)
    if unit is DurationUnit.WORKING_DAYS and amount == Fraction(1, 2) and half_day == "noon_cutoff":
        while True:
            if working(day):
                for a, b in sessions:
                    if a >= minute:
                        return _at(day, b)
            day, minute = next_working(day), 0.0
    remaining = float(amount * (day_minutes if unit is DurationUnit.WORKING_DAYS else 60))
    while True:
        if working(day):
            for a, b in sessions:
                if b <= minute:
                    continue
                begin = max(a, minute)
                if remaining <= b - begin:
                    return _at(day, begin + remaining)
                remaining -= b - begin
        day, minute = next_working(day), 0.0


def _resolve(pack: Pack | str | Path) -> Pack:
    from grievance_rules.packs import Pack, find_pack

    return pack if isinstance(pack, Pack) else find_pack(pack)


def boundary_cases(
    pack: Pack | str | Path,
    rule_ids: Sequence[str] | None = None,
    *,
    in_time: bool | None = None,
    within: dt.timedelta = dt.timedelta(hours=1),
    starts: st.SearchStrategy[dt.datetime] | None = None,
) -> st.SearchStrategy[BoundaryCase]:
    """Orders that meet or miss one of a pack's clocks or windows by at most ``within``.

    The clock starts (or the window opens) at an instant near an edge of the
    pack's calendar (:func:`~grievance_rules.testing.strategies.edge_instants`)
    or anywhere in the pack's effective range; the stop (or action) event comes
    up to ``within`` before the due instant (or at it), or up to ``within`` after it.

    Args:
        pack: a :class:`~grievance_rules.packs.Pack`, or a name or folder for
            :func:`~grievance_rules.packs.find_pack`.
        rule_ids: the clock and window rules to draw for; None: every one the
            strategy can shape (rules it cannot shape are left out).
        in_time: True: only met/within cases; False: only breached/late; None: both.
        within: how far from the due instant the stop or action may be.
        starts: instants to start clocks at, instead of the default.

    Shrinks to the first rule (in pack order), started at the first boundary of
    the earliest edge day in range, and stopped exactly at the due instant (or,
    with ``in_time=False``, one second after it).

    Raises:
        UnshapeableRuleError: a rule named in ``rule_ids`` is not a clock or window
            rule, or cannot be shaped (the message says which field and why), or
            the pack has no rule that can.
    """
    from grievance_rules.packs.schema import ClockRule, WindowRule

    resolved = _resolve(pack)
    plans: list[_Plan] = []
    if rule_ids is None:
        for rule in resolved.rules:
            if isinstance(rule, ClockRule | WindowRule):
                try:
                    plans.append(_plan(resolved, rule))
                except UnshapeableRuleError:
                    continue
        if not plans:
            raise UnshapeableRuleError(
                _("boundary_cases: pack {pack} has no clock or window rule to shape").format(
                    pack=resolved.id
                )
            )
    else:
        for rule_id in rule_ids:
            try:
                rule = resolved.rule(rule_id)
            except KeyError:
                raise UnshapeableRuleError(
                    _("boundary_cases: pack {pack} has no rule {rule}").format(
                        pack=resolved.id, rule=repr(rule_id)
                    ),
                    rule_id=rule_id,
                ) from None
            if not isinstance(rule, ClockRule | WindowRule):
                raise UnshapeableRuleError(
                    _(
                        "boundary_cases: rule {rule} of pack {pack} is a {kind} rule, "
                        "not a clock or window"
                    ).format(rule=rule_id, pack=resolved.id, kind=rule.kind),
                    rule_id=rule_id,
                )
            plans.append(_plan(resolved, rule))
    sides = [in_time] if in_time is not None else [True, False]
    # rule and side drawn first, together: hypothesis keeps them balanced that way
    choices = [(plan, side) for plan in plans for side in sides]
    return st.sampled_from(choices).flatmap(
        lambda choice: _case(resolved, choice[0], choice[1], within, starts)
    )


def _change_days(pack: Pack, plan: _Plan) -> list[dt.date]:
    """The days within the plan's range on which a parameter the rule reads changes value."""
    from grievance_rules.packs.schema import ParamRef

    rule = plan.rule
    refs = [getattr(rule, "cap", None), *_refs(rule, plan.caps)]
    names = {ref.param for ref in refs if isinstance(ref, ParamRef)}
    names |= {w.param for w in getattr(rule, "warnings", ()) if w.param}
    days = {
        dated.from_
        for name in names
        if name in pack.parameters and name not in pack.overrides
        for dated in pack.parameters[name].values[1:]
        if plan.first < dated.from_ <= plan.last
    }
    return sorted(days)


def _start_instants(pack: Pack, plan: _Plan) -> st.SearchStrategy[dt.datetime]:
    cal = pack.calendar()
    low = dt.datetime.combine(plan.first, dt.time(), tzinfo=SHANGHAI)
    span = int((dt.datetime.combine(plan.last, dt.time(), tzinfo=SHANGHAI) - low).total_seconds())
    anywhere = st.builds(
        lambda s, zone: (low + dt.timedelta(seconds=s)).astimezone(zone),
        st.integers(0, span),
        st.sampled_from(ZONES),
    )
    changes = _change_days(pack, plan)
    if changes:  # around the days a value the rule reads changes (5 → 3 working days)
        anywhere |= st.builds(
            lambda day, s, zone: (
                dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI) + dt.timedelta(seconds=s)
            ).astimezone(zone),
            st.sampled_from(changes),
            st.integers(-3 * 86_400, 3 * 86_400),
            st.sampled_from(ZONES),
        ).filter(lambda instant: plan.first <= instant.astimezone(SHANGHAI).date() <= plan.last)
    try:
        return edge_instants(cal, first=plan.first, last=plan.last) | anywhere
    except CalendarError:  # no edge day in a short effective range
        return anywhere


def _only_if(pack: Pack, plan: _Plan, instant: dt.datetime) -> bool:
    wanted: str | None = getattr(plan.rule, "only_if_start", None)
    if wanted is None:
        return True
    if wanted == "after_hours":
        sessions = _sessions(pack)
        local = instant.astimezone(_SHANGHAI_ZONE)
        minute = local.hour * 60 + local.minute + local.second / 60
        if not pack.calendar().is_working_day(local.date()):
            return True
        return minute < sessions[0][0] or minute >= sessions[-1][1]
    inside: bool = pack.calendar().in_office_hours(instant)
    return inside == (wanted == "inside_office_hours")


def _lead(draw: st.DrawFn) -> dt.timedelta:
    return dt.timedelta(seconds=draw(st.integers(0, int(_LEAD.total_seconds()))))


def _event(plan: _EventPlan, at: dt.datetime, **more: Any) -> dict[str, Any]:
    cls = EVENT_CLASSES[plan.type]
    event = {"type": plan.type, "at": at, **_expand(plan.fields, cls)}
    for name in cls.instant_fields[1:]:
        if cls.model_fields[name].is_required():
            event.setdefault(name, at + dt.timedelta(days=1))
    event.update(more)
    return event


def _prerequisite(kind: str, at: dt.datetime, earlier: Sequence[dict[str, Any]]) -> list[Any]:
    """The event a coherent history needs before one of ``kind`` (a reply before a callback)."""
    needed = _PREREQUISITES.get(kind)
    if needed is None or any(e["type"] == needed for e in earlier):
        return []
    actor = HANDLER if needed in _HANDLER_ACTS else CENTRE
    return [{"type": needed, "at": at, "unit": actor}]


@st.composite
def _case(
    draw: st.DrawFn,
    pack: Pack,
    plan: _Plan,
    on_time: bool,
    within: dt.timedelta,
    starts: st.SearchStrategy[dt.datetime] | None,
) -> BoundaryCase:
    rule = plan.rule
    alternative = draw(st.sampled_from(plan.alternatives))
    instants = starts if starts is not None else _start_instants(pack, plan)
    start = draw(instants.filter(lambda t: _only_if(pack, plan, t)))
    handler_kind = draw(
        st.sampled_from(alternative.unit_kind or [k.value for k in UnitKind if not k.is_upstream])
    )
    record: dict[str, Any] = {
        "id": f"boundary-{rule.id}",
        "channel": draw(st.sampled_from(alternative.channel or ["hotline_12345"])),
        "category": draw(st.sampled_from(alternative.category or ["complaint"])),
        "urgency": draw(st.sampled_from(alternative.urgency or ["normal"])),
        "special_kinds": sorted({draw(st.sampled_from(g)) for g in alternative.special_any}),
        "flags": sorted({draw(st.sampled_from(g)) for g in alternative.flag_any}),
        "units": [
            {"id": CENTRE, "name": "派单中心", "kind": "dispatch_centre"},
            {"id": HANDLER, "name": "承办单位", "kind": handler_kind},
        ],
    }
    events: list[dict[str, Any]] = []
    start_event: dict[str, Any] | None = None
    if plan.start is None:
        received = start
        if plan.act.type != "dispatched":
            events.append(_event(_dispatch(), start))
    else:
        dispatched_at = start if plan.start.type == "dispatched" else start - _lead(draw)
        received = dispatched_at - _lead(draw)
        if plan.start.type != "dispatched":
            events.append(_event(_dispatch(), dispatched_at))
        events += _prerequisite(plan.start.type, start, events)
        start_event = _event(plan.start, start)
        events.append(start_event)
    record["received_at"] = received
    judged = received.astimezone(SHANGHAI).date()
    due_field = getattr(rule, "due_field", None)
    if rule.duration is not None:
        due = _due(pack, rule, start, judged)
        first_dispatch = next((e["at"] for e in events if e["type"] == "dispatched"), None)
        for cap in plan.caps:  # never due after a bounding clock's due, where it runs
            if not any(_satisfies(a, record, handler_kind) for a in cap.alternatives):
                continue
            cap_start = received if cap.from_receipt else first_dispatch
            if cap_start is not None:
                due = min(due, _due(pack, cap.rule, cap_start, judged))
        assume(due > start)  # (a bound before the rule's own start: nothing to draw)
    else:
        due = start + dt.timedelta(minutes=draw(st.integers(1, 10 * 24 * 60)))
        if due_field == "reply_deadline":
            record["reply_deadline"] = due
        else:
            assert start_event is not None
            assert due_field is not None
            start_event[due_field] = due
    seconds = int(within.total_seconds())
    if on_time:
        room = max(0, min(seconds, int((due - start).total_seconds())))
        acted = due - dt.timedelta(seconds=draw(st.integers(0, room)))
    else:
        acted = due + dt.timedelta(seconds=draw(st.integers(1, max(1, seconds))))
    acted = acted.astimezone(draw(st.sampled_from(ZONES)))
    events += _prerequisite(plan.act.type, acted, events)
    events.append(_event(plan.act, acted))
    record["events"] = events
    for name in alternative.has:
        if name == "dispatched_at":
            first = next((e for e in events if e["type"] == "dispatched"), None)
            record[name] = first["at"] if first else received
        elif name == "reply_deadline":
            record.setdefault(name, due + dt.timedelta(days=30))
        else:
            record[name] = _HAS_VALUES.get(name, "x")
    order = WorkOrder.model_validate(record)
    if plan.kind == "clock":
        side: Literal["met", "breached", "within", "late"] = "met" if on_time else "breached"
    else:
        side = "within" if on_time else "late"
    return BoundaryCase(
        rule_id=rule.id,
        kind=plan.kind,
        side=side,
        order=order,
        as_of=max(acted, due) + dt.timedelta(hours=1),
        start=start,
        due=due,
        acted_at=acted,
        stop_event=len(events) - 1,
    )


def _dispatch() -> _EventPlan:
    return _EventPlan("dispatched", {"unit": CENTRE, "to_unit": HANDLER})
