"""Scorecards: each unit's counts, points, score, rank, rates and period findings.

A :class:`ScoreBook` is fed one order and its assessment at a time and keeps
one small record per unit and period, never one per order, so a year of a
large city's orders aggregates in bounded memory. :meth:`ScoreBook.scorecard`
then gives a :class:`Scorecard`: one :class:`UnitScore` row per unit and period.

What is counted where:

* **points** (deductions and additions) in the period in which they occurred,
  charged to the unit the finding names; the **score** is the pack's
  ``scoring.base_score`` plus the period's points (chengdong: no base, a year is
  the sum of its months);
* **counts** of findings (``deduction:RULE``, ``clock:RULE:breached`` ...), as
  the period rules count them, in the period in which they occurred;
* **orders** and the **rates** (:mod:`grievance_rules.scoring.rates`) by the
  period in which the order was received, on the unit handling it;
* **rank** among the units of the same kind in the period, best score first
  (ties share a place: 1, 2, 2, 4); units seen in any order rank even in a
  period in which nothing happened to them;
* the pack's **period rules and rankings** that fire (:func:`evaluate_periods`).

Orders excluded from assessment count nowhere but in ``excluded``.

An assessed order that counts for no handling unit (answered online by the operator,
transferred out, not accepted, taken on by a centre, never dispatched) is in no row:
:attr:`Scorecard.unattributed` counts it, by reason and by period of receipt, so that
the rows' ``orders`` and ``unattributed.orders`` add up to ``assessed`` (and the rows'
``excluded`` and ``unattributed.excluded`` to ``excluded``), in the card and in each
of its periods.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

from pydantic import BaseModel, ConfigDict, Field

from grievance_rules.engine.assessment import Assessment, Rejection
from grievance_rules.engine.periods import (
    PERIOD_KINDS,
    PeriodFinding,
    PeriodTally,
    evaluate_periods,
    pack_period_of,
    points_total,
    unknown_period_kind,
)
from grievance_rules.model import Unit, WorkOrder
from grievance_rules.model.enums import UPSTREAM_UNIT_KINDS
from grievance_rules.packs import Pack
from grievance_rules.packs.schema import ParamRef
from grievance_rules.scoring.rates import (
    UNATTRIBUTED_REASONS,
    OrderOutcome,
    Rate,
    RateCounts,
    order_outcome,
    scoring_setting,
    timed_clock_ids,
)

__all__ = [
    "ScoreBook",
    "Scorecard",
    "Unattributed",
    "UnattributedPeriod",
    "UnitScore",
]


class UnitScore(BaseModel):
    """One unit in one period under one pack."""

    model_config = ConfigDict(frozen=True)

    pack: str
    period: str
    period_kind: str
    period_start: dt.date
    period_end: dt.date
    unit: str
    unit_kind: str | None
    orders: int
    """Assessed orders received in the period and handled by the unit."""
    excluded: int
    """Orders of the unit received in the period and excluded from assessment."""
    points: float
    score: float
    rank: int | None
    """Place among ``peers`` (1 = best score); ``None`` for a unit of unknown kind."""
    peers: int
    counts: dict[str, int]
    rates: dict[str, Rate]
    composite: float | None = None
    """The pack's weighted mean of rates (``scoring.composite``), with the weights in
    force at the period's start; ``None`` when the pack has none or a rate is undefined."""
    findings: tuple[PeriodFinding, ...] = ()
    """Period rules and rankings that fire for the unit in the period."""


def _no_reasons() -> dict[str, int]:
    return dict.fromkeys(UNATTRIBUTED_REASONS, 0)


class UnattributedPeriod(BaseModel):
    """The orders of one period (received in it) that are in no unit's row."""

    model_config = ConfigDict(frozen=True)

    period: str
    period_kind: str
    period_start: dt.date
    period_end: dt.date
    orders: int = 0
    """Assessed orders that count for no handling unit: the period's assessed orders
    are its rows' ``orders`` + this."""
    reasons: dict[str, int] = Field(default_factory=_no_reasons)
    """``orders`` by reason, every one of :data:`~.rates.UNATTRIBUTED_REASONS` in that
    order (see :class:`Unattributed`)."""
    excluded: int = 0
    """Orders excluded from assessment that count for no handling unit."""


class Unattributed(BaseModel):
    """Orders in no unit's row: the units a scorecard assesses are its handling units.

    The centre (党政办, 热线中心) assesses and is not assessed, and an order the
    operator answers online (话务员在线答复) never reaches a unit: such orders are in
    no row, and counted here, in all and period by period.
    """

    model_config = ConfigDict(frozen=True)

    orders: int = 0
    """Assessed orders that count for no handling unit: ``assessed`` = the rows'
    ``orders`` + this."""
    reasons: dict[str, int] = Field(default_factory=_no_reasons)
    """``orders`` by reason, every one of :data:`~.rates.UNATTRIBUTED_REASONS` in that
    order: ``answered_online`` (话务员在线答复), ``transferred_out`` (在线转接),
    ``not_accepted`` (不予受理), ``handled_by_centre`` (counted for a centre, a unit
    of an upstream kind, which has no row), ``returned`` (handed back by an approved
    return and not dispatched again, under a pack that counts it for no unit:
    ``scoring.returned_orders: none``), ``other`` (no handling unit, and none of those
    said: not dispatched yet, or closed by the centre unflagged)."""
    excluded: int = 0
    """Orders excluded from assessment that count for no handling unit: ``excluded`` =
    the rows' ``excluded`` + this."""
    periods: tuple[UnattributedPeriod, ...] = ()
    """Every period of the card's rows, and any other in which such an order was
    received, in time order (zeros included): the same counts by period of receipt."""


class Scorecard(BaseModel):
    """Every unit's scores in every period of one kind, under one pack."""

    model_config = ConfigDict(frozen=True)

    pack: str
    period_kind: str
    as_of: dt.datetime | None
    """The instant the orders were assessed at (``None``: each order's last event)."""
    inputs: int
    assessed: int
    excluded: int
    rejected: int
    unattributed: Unattributed = Field(default_factory=Unattributed)
    """The orders in no unit's row (answered online, taken on by the centre ...), by
    reason and period: the rows' ``orders`` + ``unattributed.orders`` = ``assessed``."""
    rejections: tuple[Rejection, ...] = ()
    rows: tuple[UnitScore, ...] = ()
    unit_names: dict[str, str] = Field(default_factory=dict)
    """Each unit's name as the orders give it (``c07``: ``东风社区``), for reports."""
    parameter_labels: dict[str, dict[str, str]] = Field(default_factory=dict)
    """The Chinese labels of the pack's parameters' values (``labels_zh``), for reports:
    a trace names a value by its code (``any``), a Chinese report by its label
    (``附件2的任何其他扣分``)."""

    def periods(self) -> list[str]:
        """The periods, in time order."""
        seen: dict[str, dt.date] = {}
        for row in self.rows:
            seen.setdefault(row.period, row.period_start)
        return sorted(seen, key=seen.__getitem__)

    def row(self, unit: str, period: str) -> UnitScore:
        """The row of a unit in a period.

        Raises:
            KeyError: no such unit or period in the scorecard.
        """
        for candidate in self.rows:
            if candidate.unit == unit and candidate.period == period:
                return candidate
        raise KeyError((unit, period))

    def units(self) -> list[str]:
        """Every unit, sorted."""
        return sorted({row.unit for row in self.rows})

    def findings(self) -> list[PeriodFinding]:
        """Every period finding, period by period."""
        return [finding for row in self.rows for finding in row.findings]


def _composite(pack: Pack, rates: dict[str, Rate], on: dt.date) -> float | None:
    """The weighted mean of the pack's composite rates (weights as in force ``on``)."""
    spec = pack.manifest.scoring.composite
    if not spec:
        return None
    total = weight_sum = 0.0
    for name, ref in spec.items():
        value = rates[name].value
        if value is None:
            return None
        weight = _weight(pack, ref, on)
        total += weight * value
        weight_sum += weight
    return total / weight_sum if weight_sum else None


def _weight(pack: Pack, ref: float | ParamRef, on: dt.date) -> float:
    """A weight of ``scoring`` as in force ``on`` (a parameter's first value before it)."""
    return float(scoring_setting(pack, ref, on))


def _rank(scores: dict[str, float]) -> dict[str, int]:
    """Competition ranking, best (highest) score first: 1, 2, 2, 4."""
    ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    places: dict[str, int] = {}
    previous: float | None = None
    place = 0
    for position, (unit, value) in enumerate(ordered, start=1):
        if previous is None or value != previous:
            place = position
            previous = value
        places[unit] = place
    return places


class ScoreBook:
    """Folds orders and their assessments under one pack into per-unit, per-period records.

    Args:
        pack: the pack the assessments were made under.
        period: the kind of period of the scorecard (``month``, ``week`` ...); the
            pack's own period rules are evaluated on their own kinds of period.

    Example:
        >>> from grievance_rules.engine import evaluate
        >>> from grievance_rules.packs import find_pack
        >>> from grievance_rules.reading import read_orders
        >>> from importlib.resources import files
        >>> pack = find_pack("chengdong")
        >>> book = ScoreBook(pack, period="month")
        >>> path = files("grievance_rules") / "samples" / "orders.jsonl"
        >>> for order in read_orders(path).orders:
        ...     _ = book.add(order, evaluate(order, pack))
        >>> card = book.scorecard()
        >>> card.assessed + card.excluded + card.rejected == card.inputs
        True
    """

    def __init__(self, pack: Pack, *, period: str = "month", as_of: dt.datetime | None = None):
        if period not in PERIOD_KINDS:
            raise unknown_period_kind(period)
        self.pack = pack
        self.period = period
        self.as_of = as_of
        self.tally = PeriodTally(pack, periods=frozenset({period}))
        self.period_starts: dict[tuple[int, str], dt.date] = {}
        """(day since 1970, kind of period) → the period's first day, for the columnar fold."""
        self.fold_slots: dict[tuple[int, str], tuple[tuple[str, dt.date, str], ...]] = {}
        """(day since 1970 in Shanghai, unit) → the tally's slot of each kind of period it
        counts, for the columnar fold (a cache)."""
        self.fold_keys: dict[tuple[str, str, str], str] = {}
        """(kind, rule id, state) of a finding → its key in the tally's counts, for the
        columnar fold (a cache)."""
        self._timed: tuple[frozenset[str], ...] | None = None
        self._strike_off: frozenset[str] | None = None
        self._received_starts: dict[dt.date, dt.date] = {}
        self.rates: dict[tuple[dt.date, str], RateCounts] = defaultdict(RateCounts)
        self.excluded_by_unit: dict[tuple[dt.date, str], int] = defaultdict(int)
        self.unattributed: dict[tuple[dt.date, str], int] = defaultdict(int)
        """(period start, reason) → assessed orders with no handling unit received in it
        (:attr:`~.rates.OrderOutcome.unattributed`); those counted for a unit with no row
        are found by :meth:`scorecard`."""
        self.unattributed_excluded: dict[dt.date, int] = defaultdict(int)
        """Period start → excluded orders with no handling unit received in it."""
        self.unit_kinds: dict[str, str] = {}
        self.unit_names: dict[str, str] = {}
        self._seen_units: set[str] = set()
        self.inputs = 0
        self.assessed = 0
        self.excluded = 0
        self.rejections: list[Rejection] = []

    def add(
        self, order: WorkOrder, assessment: Assessment, outcome: OrderOutcome | None = None
    ) -> OrderOutcome:
        """Fold in one order and its assessment under this book's pack."""
        if outcome is None:
            outcome = order_outcome(order, assessment, self.pack)
        self.tally.add(assessment)
        return self.add_outcome(order, outcome)

    def add_outcome(self, order: WorkOrder, outcome: OrderOutcome) -> OrderOutcome:
        """Fold in one order by its outcome, its findings already in :attr:`tally`.

        The columnar path (:mod:`grievance_rules.scoring.tables`) counts an order's
        findings into the tally from its rows, then calls this.
        """
        self.inputs += 1
        seen = self._seen_units
        for unit in order.units:
            if unit.id not in seen:
                seen.add(unit.id)
                if unit.kind not in UPSTREAM_UNIT_KINDS:
                    self.unit_kinds[unit.id] = unit.kind.value
            if unit.name and unit.id not in self.unit_names:
                self.unit_names[unit.id] = unit.name
        start = self._received_starts.get(outcome.received_on)
        if start is None:
            start = pack_period_of(self.pack, outcome.received_on, self.period).start
            self._received_starts[outcome.received_on] = start
        if outcome.excluded:
            self.excluded += 1
            if outcome.unit is not None:
                self.excluded_by_unit[(start, outcome.unit)] += 1
            else:
                self.unattributed_excluded[start] += 1
            return outcome
        self.assessed += 1
        if outcome.unit is not None:
            self.rates[(start, outcome.unit)].add(outcome)
        else:
            self.unattributed[(start, outcome.unattributed or "other")] += 1
        return outcome

    def sight_units(self, listed: Iterable[Unit], named: Iterable[Unit]) -> None:
        """Note units as :meth:`add_outcome` notes an order's, for many orders at once.

        Args:
            listed: each unit's first listing among the orders, in order of sighting.
            named: each unit's first listing with a name among them, in that order.
        """
        seen = self._seen_units
        kinds = self.unit_kinds
        for unit in listed:
            if unit.id not in seen:
                seen.add(unit.id)
                if unit.kind not in UPSTREAM_UNIT_KINDS:
                    kinds[unit.id] = unit.kind.value
        names = self.unit_names
        for unit in named:
            if unit.name and unit.id not in names:
                names[unit.id] = unit.name

    def received_start(self, day: dt.date) -> dt.date:
        """The first day of the book's period holding ``day`` (the period of receipt), once."""
        start = self._received_starts.get(day)
        if start is None:
            start = self._received_starts[day] = pack_period_of(self.pack, day, self.period).start
        return start

    def strike_off_closures(self) -> frozenset[str]:
        """The closures the pack counts as 核减 (``scoring.strike_off_closures``), once."""
        if self._strike_off is None:
            self._strike_off = frozenset(self.pack.manifest.scoring.strike_off_closures)
        return self._strike_off

    def timed_clock_ids(self) -> tuple[frozenset[str], ...]:
        """The pack's clock rules of the timed topics (:func:`~.rates.timed_clock_ids`), once."""
        if self._timed is None:
            self._timed = timed_clock_ids(self.pack)
        return self._timed

    def reject(self, rejection: Rejection) -> None:
        """Count an input that could not be assessed, with its reasons."""
        self.inputs += 1
        self.rejections.append(rejection)

    def _starts(self) -> set[dt.date]:
        """The card's periods something was counted in (by their first days)."""
        starts = {start for (kind, start, _unit) in self.tally.counts if kind == self.period}
        starts |= {start for (start, _unit) in self.rates}
        starts |= {start for (start, _unit) in self.excluded_by_unit}
        return starts

    def _slots(self, starts: set[dt.date]) -> Iterator[tuple[dt.date, str]]:
        units = sorted(self.unit_kinds)
        for start in sorted(starts):
            for unit in units:
                yield start, unit

    def _unattributed(self, row_starts: set[dt.date]) -> Unattributed:
        """The orders in no row, by reason and period (``row_starts``: the rows' periods).

        Those with no handling unit (:attr:`unattributed`, :attr:`unattributed_excluded`),
        and those counted for a unit that has no row: a unit of an upstream kind (a
        centre that took the order on itself), else one no order lists.
        """
        orders: dict[dt.date, dict[str, int]] = {}
        excluded: dict[dt.date, int] = defaultdict(int)

        def count(start: dt.date, reason: str, number: int) -> None:
            found = orders.get(start)
            if found is None:
                found = orders[start] = dict.fromkeys(UNATTRIBUTED_REASONS, 0)
            found[reason] = found.get(reason, 0) + number

        for (start, reason), number in self.unattributed.items():
            count(start, reason, number)
        for start, number in self.unattributed_excluded.items():
            excluded[start] += number
        rowed = self.unit_kinds
        for (start, unit), counts in self.rates.items():
            if unit not in rowed and counts.orders:
                count(
                    start,
                    "handled_by_centre" if unit in self._seen_units else "other",
                    counts.orders,
                )
        for (start, unit), number in self.excluded_by_unit.items():
            if unit not in rowed:
                excluded[start] += number
        periods = []
        total = dict.fromkeys(UNATTRIBUTED_REASONS, 0)
        for start in sorted(row_starts | set(orders) | {s for s, n in excluded.items() if n}):
            period = pack_period_of(self.pack, start, self.period)
            reasons = orders.get(start, dict.fromkeys(UNATTRIBUTED_REASONS, 0))
            for reason, number in reasons.items():
                total[reason] = total.get(reason, 0) + number
            periods.append(
                UnattributedPeriod(
                    period=period.label,
                    period_kind=self.period,
                    period_start=period.start,
                    period_end=period.end,
                    orders=sum(reasons.values()),
                    reasons=reasons,
                    excluded=excluded.get(start, 0),
                )
            )
        return Unattributed(
            orders=sum(total.values()),
            reasons=total,
            excluded=sum(excluded.values()),
            periods=tuple(periods),
        )

    def scorecard(self) -> Scorecard:
        """The scorecard of everything added so far."""
        pack = self.pack
        scoring = pack.manifest.scoring
        # each period rule's finding on the row of the first of the card's periods its
        # own period overlaps that the card has (a week's 约谈 on its month, a two-month
        # 通报 on its first month, a month's ranking on the week of its first day; a week
        # across the new year before the data's first month, on that month); the row of
        # the period its own begins in made when the card has none: none is left out
        findings: dict[tuple[dt.date, str], list[PeriodFinding]] = defaultdict(list)
        held = self._starts()
        for finding in evaluate_periods(self.tally, pack, unit_kinds=self.unit_kinds):
            first = card = pack_period_of(pack, finding.period_start, self.period)
            while card.start not in held and card.end < finding.period_end:
                card = pack_period_of(pack, card.end, self.period)
            start = card.start if card.start in held else first.start
            findings[(start, finding.unit)].append(finding)
        rows: list[dict[str, object]] = []
        by_period: dict[dt.date, dict[str, dict[str, float]]] = defaultdict(
            lambda: defaultdict(dict)
        )
        for start, unit in self._slots(held | {start for start, _unit in findings}):
            key = (self.period, start, unit)
            points = points_total(self.tally.points.get(key, 0.0))
            counts = self.tally.counts.get(key, {})
            rate_counts = self.rates.get((start, unit), RateCounts())
            period = pack_period_of(pack, start, self.period)
            kind = self.unit_kinds.get(unit)
            score = scoring.base_score + points
            ranked = score if scoring.rank_by == "score" else points
            if kind is not None:
                by_period[start][kind][unit] = ranked
            rows.append(
                {
                    "pack": pack.key,
                    "period": period.label,
                    "period_kind": self.period,
                    "period_start": period.start,
                    "period_end": period.end,
                    "unit": unit,
                    "unit_kind": kind,
                    "orders": rate_counts.orders,
                    "excluded": self.excluded_by_unit.get((start, unit), 0),
                    "points": points,
                    "score": score,
                    "counts": dict(sorted(counts.items())),
                    "rates": (
                        rates := rate_counts.rates(
                            scoring, _weight(pack, scoring.basically_satisfied_weight, period.start)
                        )
                    ),
                    "composite": _composite(pack, rates, period.start),
                    "findings": tuple(findings.get((start, unit), ())),
                }
            )
        places = {
            (start, unit): (place, len(peers))
            for start, kinds in by_period.items()
            for peers in kinds.values()
            for unit, place in _rank(peers).items()
        }
        result = []
        for row in rows:
            place, peers = places.get((row["period_start"], row["unit"]), (None, 0))  # type: ignore[arg-type]
            result.append(UnitScore.model_validate({**row, "rank": place, "peers": peers}))
        return Scorecard(
            pack=pack.key,
            period_kind=self.period,
            as_of=self.as_of,
            inputs=self.inputs,
            assessed=self.assessed,
            excluded=self.excluded,
            rejected=len(self.rejections),
            unattributed=self._unattributed({row.period_start for row in result}),
            rejections=tuple(self.rejections),
            rows=tuple(result),
            unit_names={unit: self.unit_names[unit] for unit in sorted(self.unit_names)},
            parameter_labels={
                name: dict(parameter.labels_zh)
                for name, parameter in sorted(pack.parameters.items())
                if parameter.labels_zh
            },
        )


def merge_counts(rows: Iterable[UnitScore]) -> dict[str, int]:
    """The sum of several rows' finding counts (a year from its months)."""
    total: dict[str, int] = defaultdict(int)
    for row in rows:
        for key, value in row.counts.items():
            total[key] += value
    return dict(sorted(total.items()))
