"""The morning watch list (每日黄红灯清单): which clocks are, or turn, yellow or red.

武汉市江岸区's 「黄红灯」预警机制 (seed ``003_57aee03586ab8c8f.txt``) sends the
holding unit's 分管领导 a yellow-light message and its 主要领导 a red-light message
before an order's deadline passes. :func:`watch` answers the question an office
asks every morning: every running clock and open window at ``as_of``, sorted by
due instant, with

* its level: ``none``, a warning level of the clock rule (``yellow``, ``red``) or
  ``breached`` (past due and not stopped);
* the unit holding the order (by name) and whom the pack's ``notify`` section
  says to tell at that level (a leader role, and the leader's name when the
  order's unit lists it);
* the time left, in office time and in natural time (negative once past due);
* the rule's clause;
* the instants within the horizon at which the clock turns to a higher warning
  level (:class:`LevelChange`).

A level change is the first instant at which the engine, evaluating the order
as it stood at ``as_of`` (no later events), reports the new level. It is worked
out with the engine's own arithmetic (:func:`~grievance_rules.engine.clocks.level_reached`:
the first instant at which the share of the period that has run, in office time,
reaches the level's fraction) and then checked by evaluating the order at that
instant and one microsecond before; should the check ever fail, the instant is
found by bisection with the engine itself.
Paused clocks stand still and are not listed; stopped clocks are done.

An open window is a window rule (e.g. a return window, 退单时限) whose action the
order's current unit could still take in time: the engine is asked what it
would say of that action taken at ``as_of``; a window is listed while the order
is not closed, the action has not been taken since the window opened, and the
answer is ``within``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from grievance_rules.calendar import SHANGHAI, CountingConvention
from grievance_rules.engine import (
    Assessment,
    ClockFinding,
    PackPlan,
    evaluate,
    loaded_pack,
    plan_for,
)
from grievance_rules.engine.batch import refuse_one_input
from grievance_rules.engine.clock_time import clock_period
from grievance_rules.engine.clocks import level_reached
from grievance_rules.errors import (
    ArgumentError,
    ArgumentTypeError,
    CalendarRangeError,
    NaiveDatetimeError,
    WorkOrderError,
)
from grievance_rules.i18n import gettext as _
from grievance_rules.model import WorkOrder, ensure_coherent
from grievance_rules.model.assignments import assignments
from grievance_rules.model.base import EARLIEST, LATEST
from grievance_rules.model.enums import LeaderRole
from grievance_rules.model.history import stands_closed
from grievance_rules.packs import Pack
from grievance_rules.packs.schema import Citation, ClockRule, ParamRef, WindowRule

__all__ = [
    "LevelChange",
    "UnitSummary",
    "WatchItem",
    "WatchList",
    "check_instant",
    "level_change_instant",
    "watch",
]

_MICROSECOND = dt.timedelta(microseconds=1)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class Notice(BaseModel):
    """Whom to tell at a level: a leader role of the holding unit, and the name if known."""

    model_config = ConfigDict(frozen=True)

    role: str
    role_zh: str
    name: str | None = None


class LevelChange(BaseModel):
    """A clock turning to a higher warning level at ``at`` (no later events assumed)."""

    model_config = ConfigDict(frozen=True)

    level: str
    at: dt.datetime
    notify: Notice | None = None


class WatchItem(BaseModel):
    """One running clock or open window of one order at ``as_of``."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    kind: Literal["clock", "window"]
    rule_id: str
    title: str
    occurrence: int
    """The clock's occurrence (0 for the first of the rule on the order); 0 for windows."""
    citation: Citation
    unit: str | None
    """The id of the unit holding the order (the clock's unit)."""
    unit_name: str
    """Its name as the order gives it (its id where the order gives no name)."""
    start: dt.datetime
    due: dt.datetime
    level: str
    """``none``, a warning level of the rule (``yellow``, ``red``) or ``breached``."""
    elapsed_fraction: float | None
    """The share of the period that has run (clocks; ``None`` for windows)."""
    notify: Notice | None
    """Whom the pack says to tell at this level (``None``: nobody)."""
    working_seconds_left: float
    """Office time from ``as_of`` to the due instant (negative once past due)."""
    natural_seconds_left: float
    """Natural (wall-clock) time from ``as_of`` to the due instant."""
    changes: tuple[LevelChange, ...] = ()
    """Higher warning levels this clock reaches within the horizon, and when."""
    provisional: bool = False
    """Whether the due instant, or the office time left to it, counts a day no State
    Council notice has set yet (a projected calendar day): it may move."""


class UnitSummary(BaseModel):
    """Per-unit counts of a watch list: how many items at each light."""

    model_config = ConfigDict(frozen=True)

    unit: str | None
    unit_name: str
    items: int
    yellow: int
    red: int
    breached: int
    turning_yellow: int
    turning_red: int


class WatchList(BaseModel):
    """The watch list of a set of orders under a pack at ``as_of``."""

    model_config = ConfigDict(frozen=True)

    pack: str
    as_of: dt.datetime
    until: dt.datetime
    """The end of the horizon: level changes up to this instant are listed."""
    orders: int
    """The orders looked at: those received by ``as_of``."""
    items: tuple[WatchItem, ...] = ()
    not_yet_received: int = 0
    """Orders given but received after ``as_of``: nothing of theirs was open then, so
    they are not looked at (``orders + not_yet_received`` is every order given)."""

    def summary(self) -> tuple[UnitSummary, ...]:
        """Counts per unit (yellow, red, breached, turning yellow or red), by unit name."""
        groups: dict[tuple[str, str | None], list[WatchItem]] = {}
        for item in self.items:
            groups.setdefault((item.unit_name, item.unit), []).append(item)
        out = []
        for (name, unit), items in sorted(
            groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
        ):
            out.append(
                UnitSummary(
                    unit=unit,
                    unit_name=name,
                    items=len(items),
                    yellow=sum(i.level == "yellow" for i in items),
                    red=sum(i.level == "red" for i in items),
                    breached=sum(i.level == "breached" for i in items),
                    turning_yellow=sum(any(c.level == "yellow" for c in i.changes) for i in items),
                    turning_red=sum(any(c.level == "red" for c in i.changes) for i in items),
                )
            )
        return tuple(out)


def _as_of_events(order: WorkOrder, as_of: dt.datetime) -> WorkOrder:
    """The order as it stood at ``as_of``: its events up to then, none later."""
    kept = tuple(event for event in order.events if event.at <= as_of)
    if len(kept) == len(order.events):
        return order
    return order.model_copy(update={"events": kept})


def _levels(rule: ClockRule) -> list[str]:
    """The rule's warning levels, lowest first (the engine's order: declaration order)."""
    return [warning.level for warning in rule.warnings]


def _fraction(pack: Pack, rule: ClockRule, level: str, judged_on: dt.date) -> float:
    """The share of the period at which ``level`` comes on: its parameter on the judged date."""
    for warning in rule.warnings:
        if warning.level == level:
            if warning.param is not None:
                return float(plan_for(pack).value(ParamRef(param=warning.param), judged_on))
            return warning.at
    raise KeyError(level)


def _rank(rule: ClockRule, level: str) -> int:
    if level == "breached":
        return len(rule.warnings) + 1
    names = _levels(rule)
    return names.index(level) + 1 if level in names else 0


def _level_of(clock: ClockFinding) -> str:
    if clock.state == "breached":
        return "breached"
    return clock.warning_level or "none"


def _clock_at(
    order: WorkOrder, pack: Pack, instant: dt.datetime, same_as: ClockFinding
) -> ClockFinding | None:
    """The clock ``same_as`` as the engine finds it at ``instant`` (``None``: none there).

    Found by its rule, unit and start, not by its occurrence: a clock of the rule that
    starts later (a second unit's, when its sign-off falls due) may come before it in
    the rule's order and take its occurrence number.
    """
    identity = _identity(same_as)
    for clock in evaluate(order, pack, instant).clocks:
        if _identity(clock) == identity:
            return clock
    return None


def _identity(clock: ClockFinding) -> tuple[str, str | None, dt.datetime]:
    """What a clock is the same clock by, from one instant to another: rule, unit, start."""
    return clock.rule_id, clock.unit, clock.start


def _computed_instant(
    pack: Pack, clock: ClockFinding, at: float, *, wall_clock: bool = False
) -> dt.datetime | None:
    """The first instant at which the clock's exact elapsed share reaches ``at``.

    The engine's own arithmetic (:func:`~grievance_rules.engine.clocks.level_reached`),
    on the period the engine divides by: the running time from start to due, the
    clock's pauses left out (:func:`~grievance_rules.engine.clock_time.clock_period`);
    ``wall_clock``: on wall-clock time (a period counted ``elapsed``). ``None`` for a
    period of nothing.
    """
    calendar = pack.calendar()
    period = clock_period(calendar, clock.start, clock.due, clock.pauses, wall_clock=wall_clock)
    if period.seconds <= 0:
        return None
    # (the level names the finding's wording of how it was reached, which no list shows)
    return level_reached(
        calendar,
        clock.start,
        period.seconds,
        at,
        level="",
        pauses=period.pauses,
        wall_clock=wall_clock,
    ).at


def _bisect(
    order: WorkOrder,
    pack: Pack,
    clock: ClockFinding,
    rule: ClockRule,
    target: int,
    low: dt.datetime,
    high: dt.datetime,
) -> dt.datetime | None:
    """The first instant in (low, high] at which the engine reports rank ``target`` or more."""

    def reached(instant: dt.datetime) -> bool:
        found = _clock_at(order, pack, instant, clock)
        return found is not None and _rank(rule, _level_of(found)) >= target

    if not reached(high):
        return None
    lo, hi = _micros(low), _micros(high)
    while hi - lo > 1:
        middle = (lo + hi) // 2
        if reached(_EPOCH + dt.timedelta(microseconds=middle)):
            hi = middle
        else:
            lo = middle
    return (_EPOCH + dt.timedelta(microseconds=hi)).astimezone(SHANGHAI)


def _micros(instant: dt.datetime) -> int:
    """Microseconds since the epoch, whatever datetime subclass (pendulum's) it is."""
    plain = dt.datetime(*instant.utctimetuple()[:6], instant.microsecond, tzinfo=dt.UTC)
    return (plain - _EPOCH) // _MICROSECOND


def check_instant(as_of: object, name: str = "as_of") -> None:
    """Refuse an instant (``as_of``, ``until``) that is no datetime, or one without a zone.

    Raises:
        ArgumentTypeError: not a datetime.
        NaiveDatetimeError: no timezone.
    """
    if not isinstance(as_of, dt.datetime):
        raise ArgumentTypeError(
            _("{what}: a timezone-aware datetime, not {value}").format(
                what=name, value=repr(as_of)
            ),
            parameter=name,
            value=as_of,
        )
    if as_of.tzinfo is None:
        raise NaiveDatetimeError(
            _(
                "{what} {instant} has no timezone; give an offset such as +08:00 "
                "(no timezone is guessed)"
            ).format(what=name, instant=as_of.isoformat())
        )


def level_change_instant(
    order: WorkOrder,
    pack: Pack | PackPlan | str | Path,
    as_of: dt.datetime,
    rule_id: str,
    occurrence: int,
    level: str,
) -> dt.datetime | None:
    """The first instant after ``as_of`` at which a running clock reaches ``level``.

    The order is taken as it stood at ``as_of`` (no later events). ``None`` if the
    clock is not running at ``as_of``, is already at or above ``level``, or is
    breached before it reaches it.

    Args:
        order: the work order.
        pack: a loaded pack, or a pack name or directory.
        as_of: the instant the question is asked (timezone-aware).
        rule_id: the clock rule.
        occurrence: which of the rule's clocks on the order (0: the first).
        level: a warning level of the rule (``yellow``, ``red`` ...).

    Raises:
        NaiveDatetimeError: ``as_of`` has no timezone.

    Example:
        >>> import datetime as dt
        >>> from grievance_rules.model import WorkOrder
        >>> order = WorkOrder.model_validate({
        ...     "id": "W1", "channel": "12345", "category": "投诉",
        ...     "received_at": "2024-05-06T09:00:00+08:00",
        ...     "units": [{"id": "ctr", "kind": "dispatch_centre"},
        ...               {"id": "dept", "kind": "street_office"}],
        ...     "events": [{"type": "dispatched", "at": "2024-05-06T09:00:00+08:00",
        ...                 "unit": "ctr", "to_unit": "dept"}]})
        >>> as_of = dt.datetime.fromisoformat("2024-05-06T09:00+08:00")
        >>> level_change_instant(order, "xiayang", as_of, "XY-1.accept", 0, "yellow").isoformat()
        '2024-05-06T14:00:00+08:00'
    """
    check_instant(as_of)
    pack = loaded_pack(pack)
    clocks = pack.rules_of(ClockRule)
    rule = next((r for r in clocks if r.id == rule_id), None)
    if rule is None:  # (a KeyError, or None for a rule of another kind)
        raise ArgumentError(
            _("rule_id: pack {pack} has no clock rule {rule}; its clock rules: {rules}").format(
                pack=pack.id, rule=repr(rule_id), rules=", ".join(r.id for r in clocks)
            ),
            parameter="rule_id",
            value=rule_id,
        )
    levels = _levels(rule)
    if level not in levels:  # (None: as if it were never reached)
        raise ArgumentError(
            _("level: {level} is not a warning level of {rule}; its levels: {levels}").format(
                level=repr(level), rule=rule_id, levels=", ".join(levels)
            ),
            parameter="level",
            value=level,
        )
    seen = _as_of_events(order, as_of)
    assessment = evaluate(seen, pack, as_of)
    for clock in assessment.clocks:
        if (clock.rule_id, clock.occurrence) == (rule_id, occurrence) and clock.state == "running":
            return _change(seen, pack, as_of, clock, rule, level, assessment.judged_on)
    return None


def _change(
    seen: WorkOrder,
    pack: Pack,
    as_of: dt.datetime,
    clock: ClockFinding,
    rule: ClockRule,
    level: str,
    judged_on: dt.date,
) -> dt.datetime | None:
    target = _rank(rule, level)
    if target == 0 or target <= _rank(rule, _level_of(clock)):
        return None
    fraction = _fraction(pack, rule, level, judged_on)
    elapsed = (
        rule.duration is not None
        and plan_for(pack).value(rule.convention, judged_on) == CountingConvention.ELAPSED
    )
    candidate = _computed_instant(pack, clock, fraction, wall_clock=elapsed)

    def level_at(instant: dt.datetime) -> int:
        found = _clock_at(seen, pack, instant, clock)
        return -1 if found is None else _rank(rule, _level_of(found))

    if (
        candidate is not None
        and as_of < candidate <= clock.due
        and level_at(candidate) >= target
        and level_at(candidate - _MICROSECOND) < target
    ):
        return candidate
    found = _bisect(seen, pack, clock, rule, target, as_of, clock.due)
    return found if found is not None and level_at(found) == target else None


def _notice(pack: Pack, order: WorkOrder, unit: str | None, level: str) -> Notice | None:
    role = pack.manifest.notify.roles.get(level)
    if role is None:
        return None
    leader = LeaderRole(role)
    name = None
    for candidate in order.units:
        if candidate.id == unit:
            name = candidate.leaders.get(leader)
    return Notice(role=leader.value, role_zh=leader.zh, name=name)


def _unit_name(order: WorkOrder, unit: str | None) -> str:
    for candidate in order.units:
        if candidate.id == unit:
            return candidate.name or candidate.id
    return unit or "—"


def _left(pack: Pack, as_of: dt.datetime, due: dt.datetime) -> tuple[float, float, bool]:
    """Office and natural time from ``as_of`` to ``due``, and whether that is provisional.

    Provisional: the office time counts a day no notice has set yet (the later of the
    two instants is past the notices, which end before every projected day).
    """
    natural = (due - as_of).total_seconds()
    cal = pack.calendar()
    if cal.office_hours is not None:
        working = cal.working_time_between(as_of, due).total_seconds()
        later = max(as_of, due).astimezone(SHANGHAI).date()
        return working, natural, cal.is_provisional(later)
    return natural, natural, False


def _holders(order: WorkOrder) -> list[str]:
    """The units holding the order: each whose assignment runs (a joint order: several).

    Else (no assignment the model reads) the unit it was last sent to, if any.
    """
    events = sorted(order.events, key=lambda e: e.at)
    running = [a.unit for a in assignments(events, order.units) if a.ends is None]
    if running:
        return list(dict.fromkeys(running))
    holder = None
    for event in events:
        to_unit = getattr(event, "to_unit", None)
        if isinstance(to_unit, str):
            holder = to_unit
    return [] if holder is None else [holder]


def _open_windows(order: WorkOrder, pack: Pack, as_of: dt.datetime) -> list[WatchItem]:
    """Windows whose action a unit holding the order could still take in time (each unit's)."""
    windows = pack.rules_of(WindowRule)
    if not windows or stands_closed(order.events):
        return []
    items = []
    data = order.model_dump(mode="json")
    for unit, rule in ((unit, rule) for unit in _holders(order) for rule in windows):
        action = {"type": rule.action.event, "at": as_of.isoformat(), "unit": unit}
        try:
            trial = WorkOrder.model_validate({**data, "events": [*data["events"], action]})
        except ValueError:
            continue  # an action that needs more than a unit and an instant
        index = len(trial.events) - 1
        for finding in evaluate(trial, pack, as_of).windows:
            if finding.rule_id != rule.id or finding.event != index or finding.state != "within":
                continue
            if any(
                event.type == rule.action.event
                and event.at >= finding.opened_at
                and event.unit in (unit, None)
                for event in order.events
            ):
                continue  # the unit took the action already: the window has served
            working, natural, projected = _left(pack, as_of, finding.closes_at)
            items.append(
                WatchItem(
                    order_id=order.id,
                    kind="window",
                    rule_id=rule.id,
                    title=rule.title,
                    occurrence=0,
                    citation=rule.citation,
                    unit=unit,
                    unit_name=_unit_name(order, unit),
                    start=finding.opened_at,
                    due=finding.closes_at,
                    level="none",
                    elapsed_fraction=None,
                    notify=None,
                    working_seconds_left=working,
                    natural_seconds_left=natural,
                    provisional=projected,
                )
            )
    return items


def _order_items(
    order: WorkOrder,
    pack: Pack,
    as_of: dt.datetime,
    until: dt.datetime,
    assessment: Assessment | None = None,
) -> list[WatchItem]:
    seen = _as_of_events(order, as_of)
    if stands_closed(seen.events):
        return []  # 办结 and not put back in hand: nothing of it is open to watch
    if assessment is None:
        assessment = evaluate(seen, pack, as_of)
    items = []
    for clock in assessment.clocks:
        if clock.state == "breached" and clock.stopped_at is not None:
            continue
        if clock.state not in ("running", "breached"):
            continue  # paused clocks stand still; met clocks are done
        rule = pack.rule(clock.rule_id)
        assert isinstance(rule, ClockRule)
        level = _level_of(clock)
        changes = []
        if clock.state == "running":
            for name in _levels(rule):
                instant = _change(seen, pack, as_of, clock, rule, name, assessment.judged_on)
                if instant is not None and instant <= until:
                    changes.append(
                        LevelChange(
                            level=name, at=instant, notify=_notice(pack, order, clock.unit, name)
                        )
                    )
        working, natural, projected = _left(pack, as_of, clock.due)
        items.append(
            WatchItem(
                order_id=order.id,
                kind="clock",
                rule_id=clock.rule_id,
                title=clock.title,
                occurrence=clock.occurrence,
                citation=clock.citation,
                unit=clock.unit,
                unit_name=_unit_name(order, clock.unit),
                start=clock.start,
                due=clock.due,
                level=level,
                elapsed_fraction=clock.elapsed_fraction,
                notify=_notice(pack, order, clock.unit, level),
                working_seconds_left=working,
                natural_seconds_left=natural,
                changes=tuple(changes),
                provisional=clock.provisional or projected,
            )
        )
    items.extend(_open_windows(seen, pack, as_of))
    return items


def watch(
    orders: Iterable[WorkOrder],
    pack: Pack | PackPlan | str | Path,
    as_of: dt.datetime,
    within: dt.timedelta = dt.timedelta(days=1),
) -> WatchList:
    """The watch list: every running clock and open window of ``orders`` at ``as_of``.

    Args:
        orders: the work orders (events after ``as_of`` are not read).
        pack: a loaded pack, a pack name or directory (loaded and compiled once, as
            :func:`~grievance_rules.engine.plan_for` does), or a pack's plan.
        as_of: the instant of the list (timezone-aware), e.g. this morning 08:00.
        within: the horizon, natural time: clocks turning yellow or red up to
            ``as_of + within`` are listed with the instant they will.

    Returns:
        The items sorted by due instant (then order id, rule id, occurrence).

    Raises:
        NaiveDatetimeError: ``as_of`` has no timezone.
        ArgumentError: ``within`` is negative (a ValueError); ``as_of`` is not a
            datetime, ``within`` not a timedelta, or an order not a ``WorkOrder``
            (:class:`~grievance_rules.errors.ArgumentTypeError`).
        HistoryError: an order's history contradicts itself (as ``evaluate`` refuses it).
        WorkOrderError: two orders of one id.
        CalendarRangeError: ``as_of`` plus ``within`` reaches 2200 (the end of the
            instants an order may hold).

    Example:
        >>> import datetime as dt
        >>> from grievance_rules.model import WorkOrder
        >>> order = WorkOrder.model_validate({
        ...     "id": "W1", "channel": "12345", "category": "投诉",
        ...     "received_at": "2024-05-06T09:00:00+08:00",
        ...     "units": [{"id": "ctr", "kind": "dispatch_centre"},
        ...               {"id": "dept", "name": "城管办", "kind": "street_office",
        ...                "leaders": {"leader_in_charge": "王五"}}],
        ...     "events": [{"type": "dispatched", "at": "2024-05-06T09:00:00+08:00",
        ...                 "unit": "ctr", "to_unit": "dept"}]})
        >>> as_of = dt.datetime.fromisoformat("2024-05-06T12:00+08:00")
        >>> wl = watch([order], "xiayang", as_of, within=dt.timedelta(hours=4))
        >>> item = wl.items[0]
        >>> item.rule_id, item.unit_name, item.level, item.changes[0].level
        ('XY-1.accept', '城管办', 'none', 'yellow')
        >>> item.changes[0].notify.role_zh, item.changes[0].notify.name
        ('分管领导', '王五')
    """
    if not isinstance(within, dt.timedelta):
        raise ArgumentTypeError(
            _("within: a timedelta, not {value}").format(value=repr(within)),
            parameter="within",
            value=within,
        )
    check_instant(as_of)
    refuse_one_input(orders, "watch")
    if within < dt.timedelta(0):
        raise ArgumentError(
            _("within must not be negative, not {value}").format(value=repr(within)),
            parameter="within",
            value=within,
        )
    if not EARLIEST <= as_of < LATEST:
        raise CalendarRangeError(
            _("as_of {instant} is outside the years 1900-2199").format(instant=as_of.isoformat())
        )
    if within >= LATEST - as_of:
        raise CalendarRangeError(
            _("as_of {instant} plus within {within} is not before 2200").format(
                instant=as_of.isoformat(), within=within
            )
        )
    pack = loaded_pack(pack)
    until = as_of + within
    items: list[WatchItem] = []
    count = 0
    later = 0
    first_of: dict[str, int] = {}
    for position, order in enumerate(orders):
        if not isinstance(order, WorkOrder):
            raise ArgumentTypeError(
                _("orders[{position}]: a WorkOrder, not {value}").format(
                    position=position, value=type(order).__name__
                ),
                parameter="orders",
                value=order,
            )
        first = first_of.setdefault(order.id, position)
        if first != position:  # (whose clocks would be listed twice, or which one?)
            raise WorkOrderError(
                _(
                    "orders[{position}]: order id {order_id} again (first at orders[{first}])"
                ).format(position=position, order_id=repr(order.id), first=first)
            )
        ensure_coherent(order)  # a history that contradicts itself, refused as evaluate does
        if order.received_at > as_of:  # it did not exist yet: nothing of it was open
            later += 1
            continue
        count += 1
        items.extend(_order_items(order, pack, as_of, until))
    items.sort(key=lambda i: (i.due, i.order_id, i.kind, i.rule_id, i.occurrence))
    return WatchList(
        pack=pack.key,
        as_of=as_of,
        until=until,
        orders=count,
        items=tuple(items),
        not_yet_received=later,
    )


def changes_between(
    order: WorkOrder, pack: Pack, as_of: dt.datetime, until: dt.datetime
) -> Sequence[tuple[dt.datetime, str, str, int]]:
    """Warning-level changes of the order's clocks in ``(as_of, until]``.

    Each is ``(instant, level, rule id, occurrence)``, in time order, the occurrence the
    clock has at that instant. The clocks running at ``as_of``, and those that start
    after it without an event (a second unit's reply clock, from when its sign-off
    falls due), up to ``until``.
    """
    seen = _as_of_events(order, as_of)
    if stands_closed(seen.events):
        return []
    changes = [
        (change.at, change.level, item.rule_id, item.unit, item.start)
        for item in _order_items(order, pack, as_of, until)
        for change in item.changes
    ]
    for clock in evaluate(seen, pack, until).clocks:
        if as_of < clock.start <= until:
            rule = pack.rule(clock.rule_id)
            assert isinstance(rule, ClockRule)
            started = _clock_at(seen, pack, clock.start, clock)
            if started is None or started.state != "running":
                continue
            judged_on = clock.start.astimezone(SHANGHAI).date()
            for name in _levels(rule):
                at = _change(seen, pack, clock.start, started, rule, name, judged_on)
                if at is not None and at <= until:
                    changes.append((at, name, clock.rule_id, clock.unit, clock.start))
    out = []
    for at, level, rule_id, unit, start in changes:
        # (each change was found on the clock at that instant: it is there)
        then = next(
            c.occurrence
            for c in evaluate(seen, pack, at).clocks
            if _identity(c) == (rule_id, unit, start)
        )
        out.append((at, level, rule_id, then))
    return sorted(out)
