"""Period rules: thresholds over a unit's findings in a week, a month, a quarter.

Assessments are folded, one at a time, into counts per unit and period (bounded
memory: one small record per unit and period, not per order). A period rule's
tiers are then tested on each unit's counts; where ``replaces_weaker`` is set,
only the strongest tier that holds is reported (the weekly 末位约谈: an interview
replaces the oral explanation). Ranking rules put the units of the given kinds
in order of their points and report the bottom N.

A threshold or a ranking's N given as a dated parameter is read on the period's
first day (or on the day the pack took effect, for a period that began before):
a period is judged by the values in force when it began, as an order is by those
in force when it was received.

Periods start on the pack's week start (Monday by default), on the first of the
month, of each two-month block (January–February, March–April, ...), of the
quarter, the half year and the year, in Shanghai time.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

from grievance_rules.calendar import SHANGHAI
from grievance_rules.engine.assessment import Assessment
from grievance_rules.engine.plan import PackPlan, plan_for
from grievance_rules.errors import ArgumentError, EngineError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list
from grievance_rules.packs import Pack
from grievance_rules.packs.pack import base_key
from grievance_rules.packs.schema import (
    Citation,
    ParamRef,
    PeriodRule,
    PeriodTier,
    RankingRule,
    Trigger,
)

__all__ = [
    "PERIOD_KINDS",
    "Period",
    "PeriodFinding",
    "PeriodTally",
    "bottom_places",
    "evaluate_periods",
    "pack_period_of",
    "period_of",
    "points_total",
    "tally_key",
    "unknown_period_kind",
]


PERIOD_KINDS = ("day", "week", "month", "two_months", "quarter", "half_year", "year")
"""The kinds of period, shortest first."""

_MONTHS = {"month": 1, "two_months": 2, "quarter": 3, "half_year": 6, "year": 12}

POINT_PLACES = 6
"""Decimal places a sum of points is reported and compared to (a millionth of a point)."""


def points_total(points: float) -> float:
    """A sum of points as it is reported, ranked and compared: to :data:`POINT_PLACES`.

    Points add as binary floats, so sums of the same points in another order, or of
    other points equal in decimal, may differ in the last binary digit: −0.1 + −0.2 is
    −0.30000000000000004, not −0.3. A document's points have a few decimal places at
    most, so the sum rounded to a millionth is the decimal sum: units whose points are
    equal in decimal tie, and a year folded from parts in any order gives the same.

    Example:
        >>> points_total(-0.1 + -0.2) == points_total(-0.3) == -0.3
        True
        >>> points_total(-0.0)
        0.0
    """
    return round(points, POINT_PLACES) + 0.0  # (+ 0.0: no −0.0)


@dataclass(frozen=True, order=True)
class Period:
    """A period: its kind, first day and the day after its last, and its name."""

    kind: str
    start: dt.date
    end: dt.date
    label: str = field(default="", compare=False)
    """``2024-05-06`` (day), ``week of 2024-05-06``, ``2024-05``, ``2024-05/06``,
    ``2024-Q2``, ``2024-H1``, ``2024``. Months that start on another day than the
    1st are named after the month they end in."""


def _month_start(year: int, month: int, day: int = 1) -> dt.date:
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, day)


def _label(kind: str, year: int, month: int) -> str:
    if kind == "month":
        return f"{year}-{month:02d}"
    if kind == "two_months":
        return f"{year}-{month:02d}/{month + 1:02d}"
    if kind == "quarter":
        return f"{year}-Q{(month - 1) // 3 + 1}"
    if kind == "half_year":
        return f"{year}-H{(month - 1) // 6 + 1}"
    return str(year)


def unknown_period_kind(kind: str, parameter: str = "period") -> ArgumentError:
    """The error for a kind of period that is none of :data:`PERIOD_KINDS`, in the chosen language.

    ``parameter``: the parameter that was given it (``period``, or ``kind`` of
    :func:`period_of`).

    Example:
        >>> str(unknown_period_kind("fortnight"))
        "period: unknown kind of period 'fortnight'; one of day, week, month, two_months, ..."
    """
    return ArgumentError(
        _("{parameter}: unknown kind of period {value}; one of {kinds}").format(
            parameter=parameter, value=repr(kind), kinds=join_list(PERIOD_KINDS)
        ),
        parameter=parameter,
        value=kind,
    )


@functools.lru_cache(maxsize=8192)
def period_of(
    day: dt.date, kind: str, week_starts: str = "monday", *, month_starts_on: int = 1
) -> Period:
    """The period of a kind that contains a date.

    Args:
        day: the date.
        kind: one of :data:`PERIOD_KINDS`.
        week_starts: ``monday`` or ``sunday``.
        month_starts_on: the day of the month an assessment month starts on (1: the
            calendar month; 26: from the 26th to the 25th of the next month, named
            after the month it ends in). Two months, quarters, half years and years
            are made of these months.

    Raises:
        ArgumentError: an unknown kind, or ``month_starts_on`` outside 1 to 28 (a ValueError).

    Example:
        >>> period_of(dt.date(2024, 5, 8), "week").label
        'week of 2024-05-06'
        >>> period_of(dt.date(2024, 5, 8), "two_months").label
        '2024-05/06'
        >>> p = period_of(dt.date(2024, 5, 27), "month", month_starts_on=26)
        >>> p.label, p.start, p.end
        ('2024-06', datetime.date(2024, 5, 26), datetime.date(2024, 6, 26))
    """
    if kind == "day":
        return Period(kind, day, day + dt.timedelta(days=1), day.isoformat())
    if kind == "week":
        offset = day.weekday() if week_starts == "monday" else (day.weekday() + 1) % 7
        start = day - dt.timedelta(days=offset)
        return Period(kind, start, start + dt.timedelta(days=7), f"week of {start.isoformat()}")
    if kind not in _MONTHS:
        raise unknown_period_kind(kind, "kind")
    if not 1 <= month_starts_on <= 28:
        raise ArgumentError(
            _("month_starts_on must be 1 to 28, not {value}").format(value=month_starts_on),
            parameter="month_starts_on",
            value=month_starts_on,
        )
    months = _MONTHS[kind]
    year, month = day.year, day.month
    if month_starts_on > 1 and day.day >= month_starts_on:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    first = (month - 1) // months * months + 1
    if month_starts_on == 1:
        start = dt.date(year, first, 1)
        end = _month_start(year, first + months)
    else:
        start = _month_start(year, first - 1, month_starts_on)
        end = _month_start(year, first + months - 1, month_starts_on)
    return Period(kind, start, end, _label(kind, year, first))


class PeriodFinding(BaseModel):
    """A period rule (or ranking) that fires for a unit in a period."""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    tier_id: str
    title: str
    citation: Citation
    period: str
    period_start: dt.date
    period_end: dt.date
    unit: str
    action: str
    actor_role: str | None
    actor_body: str | None
    actor_unit: str | None = None
    """Which unit acts, as the pack names it: ``handling_unit`` (the period's unit,
    :attr:`unit`), ``dispatch_centre`` ...; ``None``: no unit (``unit: none``)."""
    target_role: str | None
    target_body: str | None
    counts: dict[str, int]
    trace: tuple[str, ...] = ()


def pack_period_of(pack: Pack, day: dt.date, kind: str) -> Period:
    """The period of a kind containing ``day``, as the pack's periods run.

    The pack's manifest says on which day its weeks (``week_starts``) and its
    assessment months (``month_starts_on``) start.
    """
    manifest = pack.manifest
    return period_of(day, kind, manifest.week_starts, month_starts_on=manifest.month_starts_on)


def _leaf_key(trigger: Trigger) -> str:
    if trigger.deduction:
        return "deduction:" + ",".join(trigger.deduction)
    if trigger.clock:
        return f"clock:{','.join(trigger.clock)}:{trigger.state}"
    if trigger.window:
        return f"window:{','.join(trigger.window)}:{trigger.state}"
    return "escalation:" + ",".join(trigger.escalation)


@dataclass
class PeriodTally:
    """Counts and points per (kind of period, period start, unit); fed one assessment at a time."""

    pack: Pack
    counts: dict[tuple[str, dt.date, str], dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    points: dict[tuple[str, dt.date, str], float] = field(
        default_factory=lambda: defaultdict(float)
    )
    excluded: int = 0
    periods: frozenset[str] = frozenset()
    """Kinds of period to count in besides those the pack's rules use."""
    _kinds: tuple[str, ...] | None = field(default=None, init=False, repr=False, compare=False)

    def kinds(self) -> set[str]:
        """The kinds of period the pack's rules use, and ``periods``."""
        return (
            {rule.period for rule in self.pack.rules_of(PeriodRule)}
            | {rule.period for rule in self.pack.rules_of(RankingRule)}
            | set(self.periods)
        )

    def counted_kinds(self) -> tuple[str, ...]:
        """:meth:`kinds`, sorted, found once per tally."""
        if self._kinds is None:
            self._kinds = tuple(sorted(self.kinds()))
        return self._kinds

    def add(self, assessment: Assessment) -> None:
        """Fold one assessment in (an order excluded from assessment counts nothing)."""
        if assessment.excluded_from_assessment:
            self.excluded += 1
            return
        kinds = self.counted_kinds()

        def bump(at: dt.datetime, unit: str | None, keys: Iterable[str], points: float = 0) -> None:
            if unit is None:
                return
            day = at.astimezone(SHANGHAI).date()
            for kind in kinds:
                slot = (kind, pack_period_of(self.pack, day, kind).start, unit)
                for key in keys:
                    self.counts[slot][key] += 1
                self.points[slot] += points

        for deduction in assessment.deductions:
            bump(
                deduction.occurred_at,
                deduction.unit,
                [tally_key("deduction", deduction.rule_id)],
                deduction.points,
            )
        for clock in assessment.clocks:
            key = tally_key("clock", clock.rule_id, clock.state)
            # a breached clock on the day it fell due, stopped late or not (a later
            # as_of never moves it to another period); any other when it stopped
            breached = clock.state == "breached"
            bump(clock.due if breached else clock.stopped_at or clock.due, clock.unit, [key])
        for window in assessment.windows:
            key = tally_key("window", window.rule_id, window.state)
            bump(window.acted_at, window.unit, [key])
        for escalation in assessment.escalations:
            key = tally_key("escalation", escalation.rule_id)
            bump(escalation.since, escalation.target_unit, [key])


def tally_key(kind: str, rule_id: str, state: str | None = None) -> str:
    """A finding's key in a period tally's counts: clocks and windows by their state.

    Example:
        >>> tally_key("clock", "XY-1.accept", "breached"), tally_key("deduction", "CD-9")
        ('clock:XY-1.accept:breached', 'deduction:CD-9')
    """
    if kind == "clock" or kind == "window":
        return f"{kind}:{rule_id}:{state}"
    return f"{kind}:{rule_id}"


def _count(counts: Mapping[str, int], trigger: Trigger) -> int:
    keys = []
    if trigger.deduction:
        keys = [tally_key("deduction", r) for r in trigger.deduction]
    elif trigger.clock:
        keys = [tally_key("clock", r, trigger.state) for r in trigger.clock]
    elif trigger.window:
        keys = [tally_key("window", r, trigger.state) for r in trigger.window]
    elif trigger.escalation:
        keys = [tally_key("escalation", r) for r in trigger.escalation]
    return sum(counts.get(key, 0) for key in keys)


@dataclass
class _InPeriod:
    """The period context of the condition trees: one unit's counts in one period."""

    counts: Mapping[str, int]
    plan: PackPlan
    on: dt.date
    notes: list[str] = field(default_factory=list)

    def count(self, trigger: Trigger) -> int:
        return _count(self.counts, trigger)

    def label(self, trigger: Trigger) -> str:
        return _leaf_key(trigger)

    def value(self, ref: Any) -> Any:
        return self.plan.value(ref, self.on)


def _judged_on(pack: Pack, period: Period) -> dt.date:
    """The date a period's parameters are read on.

    Its first day, or the day the pack took effect if the period began before (as
    for an order received before then).
    """
    return max(period.start, pack.manifest.effective_from)


def _other_pack(what: str, under: str, pack: str) -> EngineError:
    return EngineError(
        _(
            "{what} is under {under}, not {pack}: evaluate_periods takes assessments "
            "under the pack it is given"
        ).format(what=what, under=under, pack=pack)
    )


def evaluate_periods(
    assessments: Iterable[Assessment] | PeriodTally,
    pack: Pack,
    *,
    unit_kinds: Mapping[str, str] | None = None,
) -> list[PeriodFinding]:
    """Every period rule and ranking that fires, per unit and period, in a stable order.

    Args:
        assessments: assessments under ``pack`` (or a tally already fed with them).
        pack: the pack whose period and ranking rules apply.
        unit_kinds: unit id → unit kind, for rankings (units of the ranked kinds
            with no findings rank with zero points).

    Raises:
        EngineError: an assessment (or the tally) is under another pack or another
            revision of it (``id@revision``): its rule ids would count for nothing
            here. Other parameter values of the same revision are taken (a what-if of
            the period rules' thresholds).
    """
    if isinstance(assessments, PeriodTally):
        tally = assessments
        if base_key(tally.pack.key) != base_key(pack.key):
            raise _other_pack(_("the tally"), tally.pack.key, pack.key)
    else:
        tally = PeriodTally(pack)
        base = base_key(pack.key)
        for assessment in assessments:
            if base_key(assessment.pack) != base:
                raise _other_pack(
                    _("the assessment of order {order_id}").format(order_id=assessment.order_id),
                    assessment.pack,
                    pack.key,
                )
            tally.add(assessment)
    findings: list[PeriodFinding] = []
    plan = plan_for(pack)
    for rule in pack.rules_of(PeriodRule):
        for (kind, start, unit), counts in sorted(tally.counts.items()):
            if kind != rule.period:
                continue
            period = pack_period_of(pack, start, kind)
            judged = _judged_on(pack, period)
            fired = []
            for tier in rule.tiers:
                context = _InPeriod(counts, plan, judged)
                if plan.condition(tier.when).holds_in_period(context):
                    fired.append((tier, context.notes))
            if rule.replaces_weaker and len(fired) > 1:
                fired = fired[-1:]
            for tier, notes in fired:
                findings.append(
                    _period_finding(
                        rule, tier, tier.id, period, unit, dict(sorted(counts.items())), notes
                    )
                )
    for ranking in pack.rules_of(RankingRule):
        slots = sorted({(k, s) for (k, s, _u) in tally.points if k == ranking.period})
        for kind, start in slots:
            period = pack_period_of(pack, start, kind)
            scores = {
                u: points_total(p)
                for (k, s, u), p in tally.points.items()
                if (k, s) == (kind, start)
            }
            peers = {u for u, kind_of in (unit_kinds or {}).items() if kind_of in ranking.among}
            ranked = sorted((scores.get(u, 0.0), u) for u in peers)
            judged = _judged_on(pack, period)
            bottom = int(plan.value(ranking.bottom, judged))
            ties = str(plan.value(ranking.ties, judged))
            for place, score, unit, tied, why in bottom_places(ranked, bottom, ties):
                trace = [
                    f"{place} of the {bottom} lowest of {len(ranked)} units "
                    f"({', '.join(ranking.among)}): {score:g} points"
                    + (f", the place shared with {', '.join(tied)}" if tied else ""),
                    *why,
                ]
                if isinstance(ranking.bottom, ParamRef):
                    trace.append(
                        f"the {bottom} lowest: parameter {ranking.bottom.param}, "
                        f"in force on {judged}"
                    )
                findings.append(
                    _period_finding(ranking, ranking, ranking.id, period, unit, {}, trace)
                )
    return findings


def bottom_places(
    ranked: list[tuple[float, str]], bottom: int, ties: str
) -> list[tuple[int, float, str, tuple[str, ...], tuple[str, ...]]]:
    """The units named among the ``bottom`` lowest: (place, score, unit, tied with, why).

    Units with equal points share a place (the place of the first of them, counted
    from the lowest). A tied group that would cross the boundary is named whole
    (``ties="all"``) or not at all (``"none"``). A unit is named only if some unit
    ranked with it scored more (the highest group is never named), and with no more
    units than ``bottom`` nobody is.

    Example:
        >>> scores = [(-1.0, "c01"), (-0.5, "c02"), (0.0, "c03"), (0.0, "c04"), (0.0, "c05")]
        >>> [(p, u) for p, _s, u, _t, _w in bottom_places(scores, 3, "all")]
        [(1, 'c01'), (2, 'c02')]
        >>> scores = [(-1.0, "c01"), (-0.5, "c02"), (-0.5, "c03"), (-0.5, "c04"), (0.0, "c05")]
        >>> [(p, u) for p, _s, u, _t, _w in bottom_places(scores, 3, "all")]
        [(1, 'c01'), (2, 'c02'), (2, 'c03'), (2, 'c04')]
        >>> [(p, u) for p, _s, u, _t, _w in bottom_places(scores, 3, "none")]
        [(1, 'c01')]
        >>> bottom_places([(-1.0, "c01"), (0.0, "c02"), (1.0, "c03")], 3, "all")
        []
    """
    if len(ranked) <= bottom:
        return []
    groups: list[list[tuple[float, str]]] = []
    for score, unit in ranked:
        if groups and groups[-1][0][0] == score:
            groups[-1].append((score, unit))
        else:
            groups.append([(score, unit)])
    named: list[tuple[int, float, str, tuple[str, ...], tuple[str, ...]]] = []
    place = 1
    for group in groups[:-1]:  # the highest group is below no one
        if place > bottom:
            break
        crosses = place + len(group) - 1 > bottom
        if crosses and ties != "all":
            break
        why: tuple[str, ...] = ()
        if crosses:
            why = (f"the tie at place {place} crosses the boundary: all tied units named",)
        units = [unit for _score, unit in group]
        for score, unit in group:
            tied = tuple(u for u in units if u != unit)
            named.append((place, score, unit, tied, why))
        place += len(group)
    return named


def _period_finding(
    rule: PeriodRule | RankingRule,
    acting: PeriodTier | RankingRule,
    tier_id: str,
    period: Period,
    unit: str,
    counts: dict[str, int],
    trace: list[str],
) -> PeriodFinding:
    """A period rule's tier, or a ranking, that fired for a unit in a period."""
    return PeriodFinding(
        rule_id=rule.id,
        tier_id=tier_id,
        title=rule.title,
        citation=rule.citation,
        period=period.label,
        period_start=period.start,
        period_end=period.end,
        unit=unit,
        action=acting.action,
        actor_role=acting.actor.role,
        actor_body=acting.actor.body,
        actor_unit=None if acting.actor.unit == "none" else acting.actor.unit,
        target_role=acting.target.role,
        target_body=acting.target.body,
        counts=counts,
        trace=tuple(trace),
    )
