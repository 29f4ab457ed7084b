"""Scorecards that merge: a year folded in partitions, in any order, gives the same bytes.

A :class:`PartialScorecard` is what a :class:`~.scorecard.ScoreBook` keeps, by
unit and period, for one part of the orders: counts of findings, points, the
rates' numerators and denominators, excluded orders, where each unit was first
seen (its kind and name), and the rejections. Each order is known by a *key*
(a tuple of integers that sorts in input order: for a partitioned dataset,
``(partition, position)``), so :func:`merge_scorecards` is associative and
commutative: counts and sums add, first sightings keep the earliest key, and
rejections come out in key order. :meth:`PartialScorecard.scorecard` then
gives the :class:`~.scorecard.Scorecard`, rates recomputed from the merged
counts and ranks from the merged points, equal (byte for byte as JSON) to
scoring every order at once.

Points add as floats, which may differ from a one-process sum in the last binary
digit (−0.1 + −0.2 + −0.3 in another grouping); every sum is reported, ranked and
compared to a millionth of a point (:func:`~grievance_rules.engine.periods.points_total`),
so the merged card is the same whatever the order.

:class:`PartialComparison` does the same for :func:`~.compare.compare`: one
partial scorecard per pack, the packs' totals, the counts of divergence
patterns, and the first diverging orders by key.

Example:
    >>> from importlib.resources import files
    >>> from grievance_rules.reading import read_orders
    >>> from grievance_rules.scoring import score
    >>> orders = read_orders(files("grievance_rules") / "samples" / "orders.jsonl").orders
    >>> parts = [score_partial(orders[:2], "chengdong", key=(0,)),
    ...          score_partial(orders[2:], "chengdong", key=(1,))]
    >>> merged = merge_scorecards(reversed(parts)).scorecard()
    >>> merged == score(orders, "chengdong")
    True
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from grievance_rules.engine import Assessment, Rejection, RepeatIndex
from grievance_rules.engine.batch import Duplicates
from grievance_rules.engine.matching import EngineName
from grievance_rules.errors import ArgumentError, ArgumentTypeError
from grievance_rules.i18n import gettext as _
from grievance_rules.model import WorkOrder
from grievance_rules.model.enums import UPSTREAM_UNIT_KINDS
from grievance_rules.packs import Pack
from grievance_rules.scoring.comparison import (
    Comparison,
    DivergenceTally,
    ExampleOrder,
    FindingKind,
    OrderComparison,
    _divergence_counts,
    _Totals,
)
from grievance_rules.scoring.folds import fold_batch, fold_into
from grievance_rules.scoring.rates import RateCounts
from grievance_rules.scoring.scorecard import ScoreBook, Scorecard
from grievance_rules.scoring.stream import Assessed, OrderInput, resolve_packs
from grievance_rules.scoring.tables import (
    ScoringPath,
    Tabled,
    TabledBatch,
    folded,
    judge_batches,
)

__all__ = [
    "OrderKey",
    "PartialBook",
    "PartialComparison",
    "PartialScorecard",
    "compare_partial",
    "fold_scores",
    "merge_comparisons",
    "merge_scorecards",
    "score_partial",
]

OrderKey = tuple[int, ...]
"""An order's place in the whole input, sorting in input order: ``(partition, position)``."""

_Slot = tuple[str, dt.date, str]
_RateSlot = tuple[dt.date, str]


def _sum_counts(
    a: Mapping[_Slot, Mapping[str, int]], b: Mapping[_Slot, Mapping[str, int]]
) -> dict[_Slot, dict[str, int]]:
    out = {slot: dict(counts) for slot, counts in a.items()}
    for slot, counts in b.items():
        target = out.setdefault(slot, {})
        for name, value in counts.items():
            target[name] = target.get(name, 0) + value
    return out


def _sum(a: Mapping[Any, Any], b: Mapping[Any, Any]) -> dict[Any, Any]:
    out = dict(a)
    for key, value in b.items():
        out[key] = out[key] + value if key in out else value
    return out


def _earliest(
    a: Mapping[str, tuple[OrderKey, Any]], b: Mapping[str, tuple[OrderKey, Any]]
) -> dict[str, tuple[OrderKey, Any]]:
    out = dict(a)
    for name, seen in b.items():
        if name not in out or seen[0] < out[name][0]:
            out[name] = seen
    return out


def _merge_rates(
    a: Mapping[_RateSlot, RateCounts], b: Mapping[_RateSlot, RateCounts]
) -> dict[_RateSlot, RateCounts]:
    out: dict[_RateSlot, RateCounts] = {}
    for source in (a, b):
        for slot, counts in source.items():
            total = out.setdefault(slot, RateCounts())
            total.merge(counts)
    return out


def _scored_as(pack: str, period: str, as_of: dt.datetime | None) -> str:
    """``daye@2023-05-19, period=month, as_of=None``: what a part was scored under."""
    instant = "None" if as_of is None else as_of.isoformat()
    return f"{pack}, period={period}, as_of={instant}"


def _compared_as(packs: Sequence[str], limit: int) -> str:
    """``chengdong@2024 + daye@2023-05-19, limit=20``: what a part compared under."""
    return f"{' + '.join(packs)}, limit={limit}"


@dataclass(frozen=True)
class PartialScorecard:
    """One part of the orders' scorecard under one pack, to be merged with the others.

    Attributes:
        pack: the pack's key.
        period: the kind of period.
        as_of: the instant of every assessment (``None``: each order's last event).
        inputs: inputs folded in (assessed, excluded and rejected).
        assessed: assessed and not excluded.
        excluded: excluded from assessment.
        counts: finding counts per (kind of period, period start, unit).
        points: points per (kind of period, period start, unit).
        tally_excluded: orders the period tally left out (excluded from assessment).
        rates: the rates' counts per (period start, unit).
        excluded_by_unit: excluded orders per (period start, unit).
        unattributed: assessed orders with no handling unit per (period start, reason).
        unattributed_excluded: excluded orders with no handling unit per period start.
        units: each unit's first sighting: its order's key and its kind (``None``
            for a dispatching or overseeing unit, which is not ranked).
        names: each unit's first non-empty name, with its order's key.
        rejections: the rejected inputs with their keys, in key order.
    """

    pack: str
    period: str
    as_of: dt.datetime | None
    inputs: int = 0
    assessed: int = 0
    excluded: int = 0
    counts: Mapping[_Slot, Mapping[str, int]] = field(default_factory=dict)
    points: Mapping[_Slot, float] = field(default_factory=dict)
    tally_excluded: int = 0
    rates: Mapping[_RateSlot, RateCounts] = field(default_factory=dict)
    excluded_by_unit: Mapping[_RateSlot, int] = field(default_factory=dict)
    unattributed: Mapping[tuple[dt.date, str], int] = field(default_factory=dict)
    unattributed_excluded: Mapping[dt.date, int] = field(default_factory=dict)
    units: Mapping[str, tuple[OrderKey, str | None]] = field(default_factory=dict)
    names: Mapping[str, tuple[OrderKey, str]] = field(default_factory=dict)
    rejections: tuple[tuple[OrderKey, Rejection], ...] = ()

    def merge(self, other: PartialScorecard) -> PartialScorecard:
        """This part and ``other`` as one (associative and commutative).

        Raises:
            ArgumentError: the parts are of different packs, kinds of period or ``as_of``.
        """
        mine = (self.pack, self.period, self.as_of)
        theirs = (other.pack, other.period, other.as_of)
        if mine != theirs:
            raise ArgumentError(
                _(
                    "cannot merge a scorecard of {mine} with one of {theirs}: parts merge "
                    "only under one pack, kind of period and as_of"
                ).format(mine=_scored_as(*mine), theirs=_scored_as(*theirs)),
                parameter="other",
                value=other,
            )
        return replace(
            self,
            inputs=self.inputs + other.inputs,
            assessed=self.assessed + other.assessed,
            excluded=self.excluded + other.excluded,
            counts=_sum_counts(self.counts, other.counts),
            points=_sum(self.points, other.points),
            tally_excluded=self.tally_excluded + other.tally_excluded,
            rates=_merge_rates(self.rates, other.rates),
            excluded_by_unit=_sum(self.excluded_by_unit, other.excluded_by_unit),
            unattributed=_sum(self.unattributed, other.unattributed),
            unattributed_excluded=_sum(self.unattributed_excluded, other.unattributed_excluded),
            units=_earliest(self.units, other.units),
            names=_earliest(self.names, other.names),
            rejections=tuple(
                heapq.merge(self.rejections, other.rejections, key=lambda item: item[0])
            ),
        )

    def book(self, pack: Pack) -> ScoreBook:
        """A :class:`ScoreBook` holding this part's records (``pack``: the part's pack).

        Raises:
            ArgumentError: ``pack`` is not the part's pack.
        """
        if pack.key != self.pack:
            raise ArgumentError(
                _("the part was scored under {part}, not under {pack}").format(
                    part=self.pack, pack=pack.key
                ),
                parameter="pack",
                value=pack.key,
            )
        book = ScoreBook(pack, period=self.period, as_of=self.as_of)
        counts: dict[_Slot, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for slot in sorted(self.counts):
            counts[slot].update(self.counts[slot])
        book.tally.counts = counts
        book.tally.points = defaultdict(float, {s: self.points[s] for s in sorted(self.points)})
        book.tally.excluded = self.tally_excluded
        book.rates = defaultdict(RateCounts)
        for rate_slot in sorted(self.rates):
            book.rates[rate_slot].merge(self.rates[rate_slot])
        book.excluded_by_unit = defaultdict(int, self.excluded_by_unit)
        book.unattributed = defaultdict(int, self.unattributed)
        book.unattributed_excluded = defaultdict(int, self.unattributed_excluded)
        book.unit_kinds = {u: kind for u, (_k, kind) in self.units.items() if kind is not None}
        book.unit_names = {u: name for u, (_k, name) in self.names.items()}
        book._seen_units = set(self.units)
        book.inputs = self.inputs
        book.assessed = self.assessed
        book.excluded = self.excluded
        book.rejections = [rejection for _key, rejection in self.rejections]
        return book

    def scorecard(self, pack: Pack | str | None = None) -> Scorecard:
        """The scorecard of this part (of everything, once every part is merged in).

        Args:
            pack: the pack (object, name or directory); by default the pack named by
                the part's key (before its ``@``): give the pack itself when it has
                changed parameters or lives in a directory.
        """
        loaded = resolve_packs([pack if pack is not None else self.pack.split("@")[0]])[0]
        return self.book(loaded).scorecard()


class PartialBook:
    """Folds orders under one pack into a :class:`PartialScorecard`, each order with its key.

    Args:
        pack: the pack.
        period: the kind of period.
        as_of: the instant of every assessment (``None``: each order's last event).
    """

    def __init__(self, pack: Pack, *, period: str = "month", as_of: dt.datetime | None = None):
        self.book = ScoreBook(pack, period=period, as_of=as_of)
        self.units: dict[str, tuple[OrderKey, str | None]] = {}
        self.names: dict[str, tuple[OrderKey, str]] = {}
        self.rejections: list[tuple[OrderKey, Rejection]] = []

    def add(self, key: OrderKey, order: WorkOrder, assessment: Assessment) -> None:
        """Fold in one order (its key, the order, its assessment under the book's pack)."""
        self._sight(key, order)
        self.book.add(order, assessment)

    def add_judged(self, key: OrderKey, entry: Assessed | Tabled, n: int) -> None:
        """Fold in one order judged on either path, under the ``n``-th pack of its entry."""
        self._sight(key, entry.order)
        fold_into(self.book, entry, n)

    def add_batch(self, key: OrderKey, batch: TabledBatch, n: int) -> None:
        """Fold in a batch's inputs under the ``n``-th pack, each keyed ``(*key, position)``.

        As one input at a time in input order (:meth:`add_judged`, :meth:`reject`).
        """
        for position, rejection in batch.rejected():
            self.reject((*key, position), rejection)
        positions = batch.positions
        units = self.units
        for i, unit in batch.shared[0].units:
            if unit.id not in units:
                kind = None if unit.kind in UPSTREAM_UNIT_KINDS else unit.kind.value
                units[unit.id] = ((*key, positions[i]), kind)
        names = self.names
        for i, unit in batch.shared[0].names:
            if unit.id not in names:
                names[unit.id] = ((*key, positions[i]), unit.name)
        fold_batch(self.book, batch, n)

    def _sight(self, key: OrderKey, order: WorkOrder) -> None:
        for unit in order.units:
            if unit.id not in self.units:
                kind = None if unit.kind in UPSTREAM_UNIT_KINDS else unit.kind.value
                self.units[unit.id] = (key, kind)
            if unit.name and unit.id not in self.names:
                self.names[unit.id] = (key, unit.name)

    def reject(self, key: OrderKey, rejection: Rejection) -> None:
        """Count an input that could not be assessed."""
        self.book.reject(rejection)
        self.rejections.append((key, rejection))

    def partial(self) -> PartialScorecard:
        """What has been folded in so far."""
        book = self.book
        return PartialScorecard(
            pack=book.pack.key,
            period=book.period,
            as_of=book.as_of,
            inputs=book.inputs,
            assessed=book.assessed,
            excluded=book.excluded,
            counts={slot: dict(counts) for slot, counts in book.tally.counts.items()},
            points=dict(book.tally.points),
            tally_excluded=book.tally.excluded,
            rates=dict(book.rates),
            excluded_by_unit=dict(book.excluded_by_unit),
            unattributed=dict(book.unattributed),
            unattributed_excluded=dict(book.unattributed_excluded),
            units=dict(self.units),
            names=dict(self.names),
            rejections=tuple(sorted(self.rejections, key=lambda item: item[0])),
        )


def _tree(parts: Sequence[Any], merge: Callable[[Any, Any], Any]) -> Any:
    """Pairwise merging, halves first: the depth of the merge grows as log2 of the parts."""
    if len(parts) == 1:
        return parts[0]
    middle = len(parts) // 2
    return merge(_tree(parts[:middle], merge), _tree(parts[middle:], merge))


def merge_scorecards(parts: Iterable[PartialScorecard]) -> PartialScorecard:
    """Several parts as one, in any order and grouping.

    Raises:
        ArgumentError: no parts, or parts of different packs, periods or ``as_of``;
            a part that is no :class:`PartialScorecard` (a finished ``Scorecard``
            cannot be merged: :func:`score_partial` gives the parts).
    """
    collected = list(parts)
    if not collected:
        raise ArgumentError(
            _("no partial scorecards to merge: parts is empty"), parameter="parts", value=collected
        )
    for position, part in enumerate(collected):
        if not isinstance(part, PartialScorecard):  # (one was handed back as it was)
            raise ArgumentTypeError(
                _(
                    "parts[{position}]: a PartialScorecard (score_partial gives them), not {kind}"
                ).format(position=position, kind=type(part).__name__),
                parameter="parts",
                value=part,
            )
    merged: PartialScorecard = _tree(collected, PartialScorecard.merge)
    return merged


def score_partial(
    orders: Iterable[OrderInput],
    pack: Pack | str,
    *,
    key: OrderKey = (),
    period: str = "month",
    as_of: dt.datetime | None = None,
    repeats: RepeatIndex | None = None,
    engine: EngineName = "native",
    duplicates: Duplicates = "reject",
    path: ScoringPath = "auto",
) -> PartialScorecard:
    """One part of the orders scored under one pack, to merge with the other parts.

    Args:
        orders: the part's inputs, as :func:`~grievance_rules.scoring.score` takes them.
        pack: the pack (object, name or directory).
        key: the part's place among the parts (its inputs get ``(*key, position)``).
        period: the kind of period.
        as_of: the instant of every assessment (``None``: each order's last event).
        repeats: other orders' keys, for repeat conditions across orders.
        engine: the matching backend.
        duplicates: as for :func:`~grievance_rules.scoring.score`, within the part.
        path: as for :func:`~grievance_rules.scoring.score`.
    """
    loaded = resolve_packs([pack])
    book = PartialBook(loaded[0], period=period, as_of=as_of)
    fold_scores(
        judge_batches(
            list(orders) if duplicates == "last" else orders,
            loaded,
            path=path,
            as_of=as_of,
            repeats=repeats,
            engine=engine,
            duplicates=duplicates,
        ),
        [book],
        key,
    )
    return book.partial()


def fold_scores(entries: Iterable[Any], books: Sequence[PartialBook], key: OrderKey) -> None:
    """Fold judged entries into books (one per pack, in order).

    ``entries``: :func:`~.tables.judge_stream`'s, or :func:`~.tables.judge_batches`'
    (whose columnar batches are folded a batch at a time).
    """

    def fold(tick: Callable[..., None]) -> None:
        position = 0
        for entry in entries:
            if isinstance(entry, TabledBatch):
                for n, book in enumerate(books):
                    book.add_batch(key, entry, n)
                position += len(entry.inputs)
                tick(len(entry.inputs))
                continue
            order_key = (*key, position)
            position += 1
            if isinstance(entry, Rejection):
                for book in books:
                    book.reject(order_key, entry)
            else:
                for n, book in enumerate(books):
                    book.add_judged(order_key, entry, n)
            tick()

    folded(fold)


_Pattern = tuple[FindingKind, str, tuple[str, ...]]


@dataclass(frozen=True)
class PartialComparison:
    """One part of a comparison of packs, to be merged with the others.

    Attributes:
        packs: the packs' keys.
        scorecards: one partial scorecard per pack.
        totals: per pack, its totals (as :class:`~.compare.PackOutcomes` fields).
        diverging: orders whose packs' findings diverge.
        patterns: orders per divergence pattern.
        pattern_examples: per pattern, the first diverging orders' keys and ids.
        examples: the first diverging orders, with their keys: in full, or (as
            :func:`compare_partial` keeps them) as :class:`~.comparison.ExampleOrder`,
            compared in full by :meth:`comparison` only if still among the first once
            merged.
        limit: how many examples are kept (``examples`` of :func:`~.compare.compare`).
    """

    packs: tuple[str, ...]
    scorecards: tuple[PartialScorecard, ...]
    totals: tuple[Mapping[str, Any], ...]
    diverging: int = 0
    patterns: Mapping[_Pattern, int] = field(default_factory=dict)
    pattern_examples: Mapping[_Pattern, tuple[tuple[OrderKey, str], ...]] = field(
        default_factory=dict
    )
    examples: tuple[tuple[OrderKey, OrderComparison | ExampleOrder], ...] = ()
    limit: int = 20

    def merge(self, other: PartialComparison) -> PartialComparison:
        """This part and ``other`` as one (associative and commutative).

        Raises:
            ArgumentError: parts of different packs or example limits.
        """
        if (self.packs, self.limit) != (other.packs, other.limit):
            raise ArgumentError(
                _(
                    "cannot merge a comparison of {mine} with one of {theirs}: parts merge "
                    "only under the same packs, with the same limit of examples"
                ).format(
                    mine=_compared_as(self.packs, self.limit),
                    theirs=_compared_as(other.packs, other.limit),
                ),
                parameter="other",
                value=other,
            )
        per_pattern = min(self.limit, 5)
        examples: dict[_Pattern, tuple[tuple[OrderKey, str], ...]] = dict(self.pattern_examples)
        for pattern, found in other.pattern_examples.items():
            both = sorted((*examples.get(pattern, ()), *found))
            examples[pattern] = tuple(both[:per_pattern])
        return replace(
            self,
            scorecards=tuple(
                a.merge(b) for a, b in zip(self.scorecards, other.scorecards, strict=True)
            ),
            totals=tuple(_sum_totals(a, b) for a, b in zip(self.totals, other.totals, strict=True)),
            diverging=self.diverging + other.diverging,
            patterns=_sum(self.patterns, other.patterns),
            pattern_examples=examples,
            examples=tuple(
                sorted((*self.examples, *other.examples), key=lambda item: item[0])[: self.limit]
            ),
        )

    def comparison(self, packs: Sequence[Pack | str] | None = None) -> Comparison:
        """The comparison of this part (of everything, once every part is merged in).

        Args:
            packs: the packs (objects, names or directories), in the part's order; by
                default found by the part's keys.
        """
        loaded = resolve_packs(
            packs if packs is not None else [k.split("@")[0] for k in self.packs]
        )
        cards = [part.scorecard(pack) for part, pack in zip(self.scorecards, loaded, strict=True)]
        first = self.scorecards[0]
        rejections = tuple(rejection for _key, rejection in first.rejections)
        outcomes = []
        for pack, total in zip(loaded, self.totals, strict=True):
            tally = _Totals(pack)
            tally.orders = total["orders"]
            tally.clocks = Counter(total["clocks"])
            tally.windows = Counter(total["windows"])
            tally.deductions = total["deductions"]
            tally.points = total["points"]
            tally.escalations = total["escalations"]
            tally.orders_with_points = total["orders_with_points"]
            outcomes.append(tally.result())
        return Comparison(
            packs=self.packs,
            as_of=first.as_of,
            inputs=first.inputs,
            assessed=first.inputs - len(rejections),
            rejected=len(rejections),
            rejections=rejections,
            orders_diverging=self.diverging,
            outcomes=tuple(outcomes),
            divergences=_divergence_counts(
                self.patterns, lambda found: (i for _k, i in self.pattern_examples[found])
            ),
            examples=tuple(
                example
                if isinstance(example, OrderComparison)
                else example.compared(loaded, first.as_of)
                for _key, example in self.examples
            ),
            scorecards=tuple(cards),
        )


_TOTAL_FIELDS = ("orders", "deductions", "points", "escalations", "orders_with_points")


def _sum_totals(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {name: a[name] + b[name] for name in _TOTAL_FIELDS}
    out["clocks"] = _sum(a["clocks"], b["clocks"])
    out["windows"] = _sum(a["windows"], b["windows"])
    return out


def merge_comparisons(parts: Iterable[PartialComparison]) -> PartialComparison:
    """Several parts of a comparison as one, in any order and grouping.

    Raises:
        ArgumentError: no parts, or parts of different packs.
    """
    collected = list(parts)
    if not collected:
        raise ArgumentError(
            _("no partial comparisons to merge: parts is empty"), parameter="parts", value=collected
        )
    for position, part in enumerate(collected):
        if not isinstance(part, PartialComparison):
            raise ArgumentTypeError(
                _(
                    "parts[{position}]: a PartialComparison (compare_partial gives them), "
                    "not {kind}"
                ).format(position=position, kind=type(part).__name__),
                parameter="parts",
                value=part,
            )
    merged: PartialComparison = _tree(collected, PartialComparison.merge)
    return merged


def compare_partial(
    orders: Iterable[OrderInput],
    packs: Sequence[Pack | str],
    *,
    key: OrderKey = (),
    as_of: dt.datetime | None = None,
    period: str = "month",
    repeats: RepeatIndex | None = None,
    examples: int = 20,
    engine: EngineName = "native",
    duplicates: Duplicates = "reject",
    path: ScoringPath = "auto",
) -> PartialComparison:
    """One part of the orders compared under several packs, to merge with the other parts.

    Takes the arguments of :func:`~grievance_rules.scoring.compare` and the part's ``key``.
    """
    loaded = resolve_packs(packs)
    stream = judge_batches(
        list(orders) if duplicates == "last" else orders,
        loaded,
        path=path,
        as_of=as_of,
        repeats=repeats,
        engine=engine,
        duplicates=duplicates,
    )

    def tag(order: WorkOrder, position: int) -> tuple[OrderKey, str]:
        return (*key, position), order.id

    def fold(tick: Callable[..., None]) -> PartialComparison:
        books = [PartialBook(pack, period=period, as_of=as_of) for pack in loaded]
        totals = [_Totals(pack) for pack in loaded]
        tally: DivergenceTally[tuple[OrderKey, str]] = DivergenceTally(examples, later=True)
        position = 0
        for entry in stream:
            if isinstance(entry, TabledBatch):
                for n, (book, total) in enumerate(zip(books, totals, strict=True)):
                    book.add_batch(key, entry, n)
                    total.add_batch(entry, n)
                tally.add_batch(entry, loaded, as_of, repeats, tag)
                position += len(entry.inputs)
                tick(len(entry.inputs))
                continue
            order_key = (*key, position)
            position += 1
            tick()
            if isinstance(entry, Rejection):
                for book in books:
                    book.reject(order_key, entry)
                continue
            for n, (book, total) in enumerate(zip(books, totals, strict=True)):
                book.add_judged(order_key, entry, n)
                total.add_judged(entry, n)
            tally.add(entry, loaded, as_of, repeats, (order_key, entry.order.id))
        return PartialComparison(
            packs=tuple(pack.key for pack in loaded),
            scorecards=tuple(book.partial() for book in books),
            totals=tuple(
                {
                    "orders": t.orders,
                    "clocks": dict(t.clocks),
                    "windows": dict(t.windows),
                    "deductions": t.deductions,
                    "points": t.points,
                    "escalations": t.escalations,
                    "orders_with_points": t.orders_with_points,
                }
                for t in totals
            ),
            diverging=tally.diverging,
            patterns=dict(tally.patterns),
            pattern_examples={p: tuple(found) for p, found in tally.pattern_examples.items()},
            examples=tuple((order_key, comparison) for (order_key, _), comparison in tally.kept),
            limit=examples,
        )

    return folded(fold)
