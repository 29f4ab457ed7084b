"""The same orders under several packs: where they diverge, and why.

Findings of different packs are matched by meaning through their rules'
topics (:class:`~grievance_rules.packs.schema.Topic`): for each order, kind of
finding (clock, window, deduction, escalation) and topic, each pack's outcome is
summed up — the clock states, the window states, the points, the escalations —
and where the packs' outcomes differ the order has a :class:`Divergence` that
carries both sides' rule ids and citations.

:func:`compare` streams the orders once, keeps a :class:`ScoreBook` per pack
(so each unit's score under each pack) and only counts of divergences plus a
few examples of each, so memory stays bounded. :func:`what_if` is a comparison
of a pack with itself under changed parameters.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

import numpy as np
from pydantic import BaseModel, ConfigDict

from grievance_rules.engine import Assessment, RepeatIndex
from grievance_rules.engine.assessment import Rejection
from grievance_rules.engine.batch import (
    Duplicates,
    PackSource,
    refuse_batch_arguments,
    refuse_call_mistakes,
    refuse_one_input,
)
from grievance_rules.engine.matching import EngineName
from grievance_rules.engine.periods import points_total
from grievance_rules.engine.plan import plan_for
from grievance_rules.engine.single import evaluate
from grievance_rules.errors import ArgumentError
from grievance_rules.i18n import gettext as _
from grievance_rules.model import WorkOrder
from grievance_rules.packs import Pack
from grievance_rules.packs.schema import Citation, EscalationRule
from grievance_rules.scoring.folds import fold_batch, fold_into
from grievance_rules.scoring.scorecard import ScoreBook, Scorecard
from grievance_rules.scoring.stream import Assessed, OrderInput, resolve_packs
from grievance_rules.scoring.tables import (
    OrderRows,
    ScoringPath,
    Signature,
    Tabled,
    TabledBatch,
    clock_outcome,
    folded,
    judge_batches,
    row_signature,
)

__all__ = [
    "Comparison",
    "Divergence",
    "DivergenceCount",
    "OrderComparison",
    "PackOutcomes",
    "Side",
    "compare",
    "compare_assessments",
    "what_if",
]

FindingKind = Literal["clock", "window", "deduction", "escalation"]
_NONE = "—"


class Side(BaseModel):
    """One pack's findings on one topic of one order."""

    model_config = ConfigDict(frozen=True)

    pack: str
    outcome: str
    """``breached``, ``met``, ``-2``, ``约谈`` ... or ``—`` when the pack has no such finding."""
    rule_ids: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    details: tuple[str, ...] = ()
    """Due instants, points per finding, who acts."""


class Divergence(BaseModel):
    """A topic on which the packs' findings for one order differ."""

    model_config = ConfigDict(frozen=True)

    kind: FindingKind
    topic: str
    sides: tuple[Side, ...]

    @property
    def pattern(self) -> tuple[str, ...]:
        """The outcomes, pack by pack."""
        return tuple(side.outcome for side in self.sides)


class OrderComparison(BaseModel):
    """One order under every pack: its points and where the packs diverge."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    points: dict[str, float]
    divergences: tuple[Divergence, ...] = ()


class DivergenceCount(BaseModel):
    """How many orders showed one pattern of outcomes on one topic."""

    model_config = ConfigDict(frozen=True)

    kind: FindingKind
    topic: str
    pattern: tuple[str, ...]
    orders: int
    examples: tuple[str, ...]
    """Ids of the first orders that showed it."""


class PackOutcomes(BaseModel):
    """One pack's totals over all assessed orders."""

    model_config = ConfigDict(frozen=True)

    pack: str
    orders: int
    clocks: dict[str, int]
    """Clocks by state (running, paused, met, breached)."""
    windows: dict[str, int]
    deductions: int
    points: float
    escalations: int
    orders_with_points: int


class Comparison(BaseModel):
    """The same orders under several packs."""

    model_config = ConfigDict(frozen=True)

    packs: tuple[str, ...]
    as_of: dt.datetime | None
    inputs: int
    assessed: int
    """The inputs not rejected: each assessed under every pack, those a pack excludes from
    assessment among them (each pack counts its own in its scorecard's ``excluded``, so
    ``inputs = assessed + rejected`` here, ``inputs = assessed + excluded + rejected`` in
    each scorecard)."""
    rejected: int
    rejections: tuple[Rejection, ...] = ()
    orders_diverging: int
    outcomes: tuple[PackOutcomes, ...]
    divergences: tuple[DivergenceCount, ...]
    """Patterns of divergence, most frequent first."""
    examples: tuple[OrderComparison, ...]
    """The first orders that diverged, in full (at most ``examples`` of them)."""
    scorecards: tuple[Scorecard, ...]

    def unit_scores(self, value: Literal["score", "composite"] = "score") -> list[dict[str, Any]]:
        """Per unit and period, its score under each pack (rows for a table).

        ``value="composite"``: its composite instead (the pack's weighting of its rates,
        ``None`` where it has none).
        """
        table: dict[tuple[dt.date, str, str], dict[str, Any]] = {}
        starts: dict[str, set[dt.date]] = {}
        for card in self.scorecards:
            for row in card.rows:
                starts.setdefault(row.period, set()).add(row.period_start)
        for card in self.scorecards:
            for row in card.rows:
                label = row.period
                if len(starts[label]) > 1:  # packs whose months begin on other days
                    last = row.period_end - dt.timedelta(days=1)
                    label = f"{label} ({row.period_start.isoformat()}–{last.isoformat()})"
                entry = table.setdefault(
                    (row.period_start, row.period, row.unit),
                    {"period": label, "unit": row.unit, "unit_kind": row.unit_kind},
                )
                entry[card.pack] = row.score if value == "score" else row.composite
        return [table[key] for key in sorted(table)]


def _citations(rules: Iterable[Any]) -> tuple[Citation, ...]:
    return tuple(rule.citation for rule in rules)


def _topics(pack: Pack, memo: dict[Any, Any], rule_id: str) -> tuple[str, ...]:
    """The topics of a rule (``memo``: its plan's cache, beside the pack, not on it)."""
    by_rule: dict[str, tuple[str, ...]] = memo.setdefault("topics by rule", {})
    topics = by_rule.get(rule_id)
    if topics is None:
        rule = pack.rule(rule_id)
        topics = by_rule[rule_id] = tuple(t.value for t in rule.topics) or (f"rule {rule_id}",)
    return topics


_Entries = list[tuple[str, str, str]]


def _summaries(
    pack: Pack, assessment: Assessment
) -> dict[tuple[FindingKind, str], tuple[str, _Entries]]:
    """Each (kind, topic) the pack's findings cover: the pack's outcome on it, and the findings."""
    grouped: dict[tuple[FindingKind, str], _Entries] = {}
    memo = plan_for(pack).memo

    def put(kind: FindingKind, rule_id: str, outcome: str, detail: str) -> None:
        for topic in _topics(pack, memo, rule_id):
            grouped.setdefault((kind, topic), []).append((rule_id, outcome, detail))

    for clock in assessment.clocks:
        put(
            "clock",
            clock.rule_id,
            clock_outcome(clock.state, clock.warning_level),
            f"{clock.rule_id}: due {clock.due:%Y-%m-%d %H:%M}",
        )
    for window in assessment.windows:
        put("window", window.rule_id, window.state, f"{window.rule_id}: {window.consequence}")
    for deduction in assessment.deductions:
        put("deduction", deduction.rule_id, f"{deduction.points:g}", deduction.occurrence)
    for escalation in assessment.escalations:
        put("escalation", escalation.rule_id, escalation.action, escalation.action)
    summaries = {}
    for key, entries in grouped.items():
        if key[0] == "deduction":
            outcome = f"{sum(float(points) for _r, points, _d in entries):g}"
        else:
            outcome = joined_outcomes([state for _r, state, _d in entries])
        summaries[key] = (outcome, entries)
    return summaries


def joined_outcomes(values: Sequence[str]) -> str:
    """A topic's outcomes (clock states, escalations' actions) as one text, each with its count.

    Two 电话督办 (one a unit, ``once_per: unit``) and one are different outcomes: the
    count is said past one, so a pack that escalates fewer times diverges.

    Example:
        >>> joined_outcomes(["met", "breached", "breached"]), joined_outcomes(["电话督办"])
        ('breached ×2, met', '电话督办')
    """
    return ", ".join(
        value if count == 1 else f"{value} ×{count}"
        for value, count in sorted(Counter(values).items())
    )


_RuleKeys = tuple[tuple[tuple[FindingKind, str], ...], str]


class _PackKeys:
    """A pack's facts the divergences read per finding, each found once per rule.

    For each kind of finding and rule: the (kind, topic) keys its findings fall
    under, and an escalation's action. Found through the pack's plan once (per
    :class:`DivergenceTally` or call), not once per order. The outcomes of each
    signature are kept beside the plan (its memo), so a process comparing part after
    part under the same packs (a worker) finds each signature's once, not once a part.
    """

    __slots__ = ("by_kind", "memo", "pack", "seen")

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.memo = plan_for(pack).memo
        self.seen: dict[Any, dict[tuple[FindingKind, str], str]] = self.memo.setdefault(
            "outcomes by signature", {}
        )
        """An order's findings' signature → their outcomes (a cache, :data:`_SEEN` at most)."""
        self.by_kind: dict[str, dict[str, _RuleKeys]] = {
            "clock": {},
            "window": {},
            "deduction": {},
            "escalation": {},
        }

    def of(self, kind: FindingKind, rule_id: str) -> _RuleKeys:
        """The keys of a rule's findings of one kind, and its action (escalations)."""
        by_rule = self.by_kind[kind]
        found = by_rule.get(rule_id)
        if found is None:
            keys = tuple((kind, topic) for topic in _topics(self.pack, self.memo, rule_id))
            action = _action(self.pack, self.memo, rule_id) if kind == "escalation" else ""
            found = by_rule[rule_id] = (keys, action)
        return found

    def outcomes(self, signature: Signature) -> dict[tuple[FindingKind, str], str]:
        """:func:`_row_outcomes` of an order's rows, from their signature (once per signature).

        The signature holds what the outcomes read of each row, in row order
        (:attr:`~.tables.OrderRows.signature`), so the rows themselves are not needed.
        """
        outcomes = self.seen.get(signature)
        if outcomes is None:
            if len(self.seen) >= _SEEN:
                self.seen.clear()
            outcomes = self.seen[signature] = _outcomes(signature, self)
        return outcomes


class _RowDivergences:
    """A comparison's packs' :class:`_PackKeys`, and the divergences of each signature seen.

    Orders whose findings have the same signatures under every pack
    (:attr:`~.tables.OrderRows.signature`: each finding's kind, rule and state or
    points) diverge alike: their divergences are found once, for the first of them
    (at most :data:`_SEEN` signatures kept; then forgotten and found again).

    A batch's are found at once (:meth:`of_batch`): each pack's outcomes of each of
    its signatures as numbers (:meth:`coded`: the (kind, topic) of each as a number,
    :attr:`topics`, and its outcome as a number, :attr:`values`), so that comparing
    the packs is comparing arrays, order by order and topic by topic, and Python
    objects are made only once per pattern of divergence, not once per order.
    """

    __slots__ = ("codes", "keys", "packs", "seen", "topic_ids", "topics", "value_ids", "values")

    def __init__(self, packs: Sequence[Pack]) -> None:
        self.packs = packs
        self.keys = [_PackKeys(pack) for pack in packs]
        self.seen: dict[tuple[Any, ...], tuple[tuple[FindingKind, str, tuple[str, ...]], ...]] = {}
        self.codes: list[dict[Signature, tuple[list[int], list[int]]]] = [{} for _ in packs]
        """Per pack, a signature's outcomes as (topics, values) numbers (a cache)."""
        self.topics: list[tuple[FindingKind, str]] = []
        """Each (kind, topic) met, by its number."""
        self.topic_ids: dict[tuple[FindingKind, str], int] = {}
        self.values: list[str] = [_NONE]
        """Each outcome met, by its number; 0 is :data:`_NONE`, what a pack without the
        topic shows (so an outcome written ``—`` is the same as none, as in :func:`_diverging`)."""
        self.value_ids: dict[str, int] = {_NONE: 0}

    def of(self, entry: Tabled) -> list[tuple[FindingKind, str, tuple[str, ...]]]:
        """:func:`row_divergences` of one order."""
        signature = tuple(found.signature for found in entry.findings)
        if None in signature:
            return _divergences_of(self.packs, entry, self.keys)
        found = self.seen.get(signature)
        if found is None:
            if len(self.seen) >= _SEEN:
                self.seen.clear()
            outcomes = [
                keys.outcomes(signed)
                for keys, signed in zip(self.keys, signature, strict=True)
                if signed is not None  # (every one: tested above)
            ]
            found = self.seen[signature] = tuple(_diverging(outcomes))
        return list(found)

    def forget(self) -> None:
        """Forget the signatures' outcomes as numbers, and the numbers themselves."""
        self.codes = [{} for _ in self.packs]
        self.topics = []
        self.topic_ids = {}
        self.values = [_NONE]
        self.value_ids = {_NONE: 0}

    def coded(self, n: int, signature: Signature) -> tuple[list[int], list[int]]:
        """The ``n``-th pack's outcomes of a signature (:func:`_outcomes`) as numbers.

        Its (kind, topic) keys' numbers, and their outcomes' numbers, in the same order.
        """
        codes = self.codes[n]
        found = codes.get(signature)
        if found is None:
            topic_ids, value_ids = self.topic_ids, self.value_ids
            topics: list[int] = []
            values: list[int] = []
            for key, value in self.keys[n].outcomes(signature).items():
                topic = topic_ids.get(key)
                if topic is None:
                    topic = topic_ids[key] = len(self.topics)
                    self.topics.append(key)
                number = value_ids.get(value)
                if number is None:
                    number = value_ids[value] = len(self.values)
                    self.values.append(value)
                topics.append(topic)
                values.append(number)
            found = codes[signature] = (topics, values)
        return found

    def of_batch(self, batch: TabledBatch) -> _BatchDivergences | None:
        """The divergences of a batch's folded orders, found for the whole batch at once.

        As :meth:`of` of each folded order, in input order (``None``: the batch's orders
        are not signed, under one pack). Each pack's outcomes of each order make a row
        of numbers, one column per (kind, topic) in key order (0: none); where a column
        differs between the packs, the order diverges on that topic, and the column's
        numbers under every pack are the pattern.
        """
        signed = [rows.numbered for rows in batch.packs]
        accepted = np.array(batch.accepted, dtype=np.int64)
        if not len(accepted):
            return _BatchDivergences.none()
        if any(numbered is None for numbered in signed):
            return None
        if any(len(codes) >= _SEEN for codes in self.codes):
            self.forget()  # (between batches: a batch's numbers are kept through it)
        per_pack = []
        for n, numbered in enumerate(signed):
            assert numbered is not None  # (tested above)
            distinct, of_order = numbered  # (numbered as the batch was judged)
            per_pack.append((of_order[accepted], [self.coded(n, s) for s in distinct]))
        # each topic's column, in key order (the topics are numbered as met)
        column = np.empty(len(self.topics), dtype=np.int64)
        column[sorted(range(len(self.topics)), key=self.topics.__getitem__)] = np.arange(
            len(self.topics)
        )
        outcomes = []
        smallest = np.min_scalar_type(len(self.values))  # (the fewer bytes, the faster compared)
        for of_order, coded in per_pack:
            table = np.zeros((len(coded), len(self.topics)), dtype=smallest)
            signature = np.repeat(np.arange(len(coded)), [len(topics) for topics, _v in coded])
            topics = [topic for topics, _v in coded for topic in topics]
            table[signature, column[topics]] = [value for _t, values in coded for value in values]
            outcomes.append(table[of_order])
        first = outcomes[0]
        differs = np.zeros(first.shape, dtype=bool)
        for other in outcomes[1:]:
            differs |= other != first
        # the diverging (order, topic) cells, order by order and each order's in key order
        at_order, at_column = np.nonzero(differs)
        if not len(at_order):
            return _BatchDivergences.none()
        # each cell's pattern as one number: its column, then each pack's outcome (numbered
        # anew, as few as they are, before the number could outgrow :data:`_WIDEST`)
        cells = [found[at_order, at_column] for found in outcomes]
        code, size, many = at_column, len(self.topics), len(self.values)
        for outcome in cells:
            if size * many > _WIDEST:
                compact, code = np.unique(code, return_inverse=True)
                size = len(compact)
            code = code * many + outcome
            size *= many
        _, first_cell, of_cell = np.unique(code, return_index=True, return_inverse=True)
        # the patterns numbered in order of first showing (each by its first cell)
        shown = np.argsort(first_cell)
        number = np.empty(len(shown), dtype=np.int64)
        number[shown] = np.arange(len(shown))
        of_cell = number[of_cell]
        first_cell = first_cell[shown]
        topic_of = [self.topics[k] for k in np.argsort(column).tolist()]
        values = self.values
        patterns = []
        for column_at, *pattern in zip(
            at_column[first_cell].tolist(),
            *(outcome[first_cell].tolist() for outcome in cells),
            strict=True,
        ):
            kind, topic = topic_of[column_at]
            patterns.append((kind, topic, tuple([values[v] for v in pattern])))
        return _BatchDivergences(
            accepted[np.flatnonzero(differs.any(axis=1))].tolist(),
            patterns,
            np.bincount(of_cell, minlength=len(patterns)).tolist(),
            accepted[at_order[np.argsort(of_cell, kind="stable")]],
        )


@dataclass(frozen=True, slots=True)
class _BatchDivergences:
    """The divergences of a batch's folded orders (:meth:`_RowDivergences.of_batch`).

    Attributes:
        orders: the orders that diverge (their indices in the batch), in input order.
        patterns: each (kind, topic, pattern) shown, in order of first showing (as
            one order at a time, each order's in key order, meets them).
        counts: the number of orders that show each.
        showing: the orders that show each pattern, the first pattern's first, each
            pattern's in input order (``counts`` of each).
    """

    orders: list[int]
    patterns: list[tuple[FindingKind, str, tuple[str, ...]]]
    counts: list[int]
    showing: np.ndarray

    @staticmethod
    def none() -> _BatchDivergences:
        """No divergence."""
        return _BatchDivergences([], [], [], np.zeros(0, dtype=np.int64))


_SEEN = 65_536
"""Signatures whose divergences a comparison keeps (a cache; memory stays bounded)."""

_WIDEST = 2**62
"""The most patterns :meth:`_RowDivergences.of_batch` numbers at once (int64 holds them)."""


def _row_outcomes(
    pack: Pack, found: OrderRows, keys: _PackKeys | None = None
) -> dict[tuple[FindingKind, str], str]:
    """The outcomes :func:`_summaries` gives, from one order's findings rows (no details).

    ``keys``: the pack's :class:`_PackKeys`, found once by the caller (else here).
    """
    return _outcomes(map(row_signature, found.rows), _PackKeys(pack) if keys is None else keys)


def _outcomes(
    findings: Iterable[tuple[str, str, str | float]], keys: _PackKeys
) -> dict[tuple[FindingKind, str], str]:
    """The outcomes :func:`_summaries` gives, from each finding's (kind, rule, state or points).

    A deduction's points, any other finding's state: each row of an
    :attr:`~.tables.OrderRows.signature`. Records are left out.
    """
    by_kind = keys.by_kind
    grouped: dict[tuple[FindingKind, str], list[Any]] = {}
    for kind, rule_id, outcome in findings:
        by_rule = by_kind.get(kind)
        if by_rule is None:  # a record
            continue
        rule_keys = by_rule.get(rule_id) or keys.of(kind, rule_id)  # type: ignore[arg-type]
        if kind == "deduction":
            value: Any = float(f"{outcome:g}")
        elif kind == "escalation":
            value = rule_keys[1]
        else:
            value = outcome
        for key in rule_keys[0]:
            values = grouped.get(key)
            if values is None:
                grouped[key] = [value]
            else:
                values.append(value)
    return {
        key: f"{sum(values):g}"
        if key[0] == "deduction"
        else values[0]
        if len(values) == 1
        else joined_outcomes(values)
        for key, values in grouped.items()
    }


def _action(pack: Pack, memo: dict[Any, Any], rule_id: str) -> str:
    action: str | None = memo.get(("action of rule", rule_id))
    if action is None:
        rule = pack.rule(rule_id)
        assert isinstance(rule, EscalationRule)
        action = memo[("action of rule", rule_id)] = rule.action
    return action


def _side(pack: Pack, kind: FindingKind, outcome: str, entries: _Entries) -> Side:
    """One pack's side of a divergence (built only where the packs differ)."""
    rule_ids = tuple(dict.fromkeys(rule_id for rule_id, _o, _d in entries))
    return Side(
        pack=pack.key,
        outcome=outcome,
        rule_ids=rule_ids,
        citations=_citations(pack.rule(r) for r in rule_ids),
        details=tuple(f"{r}: {d}" if kind == "deduction" else d for r, _o, d in entries),
    )


def compare_assessments(
    order_id: str, packs: Sequence[Pack], assessments: Sequence[Assessment]
) -> OrderComparison:
    """Where one order's assessments under several packs diverge, topic by topic.

    Example:
        >>> from grievance_rules.engine import evaluate
        >>> from grievance_rules.packs import find_pack
        >>> from grievance_rules.reading import read_orders
        >>> from importlib.resources import files
        >>> order = read_orders(files("grievance_rules") / "samples" / "orders.jsonl").orders[1]
        >>> packs = [find_pack("chengdong"), find_pack("daye")]
        >>> result = compare_assessments(order.id, packs, [evaluate(order, p) for p in packs])
        >>> sorted(result.points)
        ['chengdong@2024', 'daye@2023-05-19']
    """
    per_pack = [_summaries(pack, a) for pack, a in zip(packs, assessments, strict=True)]
    keys = sorted({key for summary in per_pack for key in summary})
    divergences = []
    for key in keys:
        found = [summary.get(key) for summary in per_pack]
        if len({_NONE if side is None else side[0] for side in found}) == 1:
            continue
        sides = tuple(
            Side(pack=pack.key, outcome=_NONE) if side is None else _side(pack, key[0], *side)
            for pack, side in zip(packs, found, strict=True)
        )
        divergences.append(Divergence(kind=key[0], topic=key[1], sides=sides))
    return OrderComparison(
        order_id=order_id,
        points={pack.key: a.points for pack, a in zip(packs, assessments, strict=True)},
        divergences=tuple(divergences),
    )


def _divergence_counts(
    patterns: Mapping[tuple[FindingKind, str, tuple[str, ...]], int],
    example_ids: Callable[[tuple[FindingKind, str, tuple[str, ...]]], Iterable[str]],
) -> tuple[DivergenceCount, ...]:
    """Each divergence pattern's count, most orders first, then by pattern.

    ``example_ids``: a pattern's first diverging orders' ids. One order for
    :func:`compare` and for a merged :class:`~.merge.PartialComparison`, so both give
    the same bytes.
    """
    counts = sorted(patterns.items(), key=lambda item: (-item[1], item[0]))
    return tuple(
        DivergenceCount(
            kind=kind,
            topic=topic,
            pattern=pattern,
            orders=n,
            examples=tuple(example_ids((kind, topic, pattern))),
        )
        for (kind, topic, pattern), n in counts
    )


class _Totals:
    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.orders = 0
        self.clocks: Counter[str] = Counter()
        self.windows: Counter[str] = Counter()
        self.deductions = 0
        self.points = 0.0
        self.escalations = 0
        self.orders_with_points = 0

    def add(self, assessment: Assessment) -> None:
        if assessment.excluded_from_assessment:
            return
        self.orders += 1
        self.clocks.update(clock.state for clock in assessment.clocks)
        self.windows.update(window.state for window in assessment.windows)
        self.deductions += len(assessment.deductions)
        self.points += assessment.points
        self.escalations += len(assessment.escalations)
        self.orders_with_points += bool(assessment.deductions)

    def add_judged(self, entry: Assessed | Tabled, n: int) -> None:
        """Count one order judged on either path, under the ``n``-th pack of its entry."""
        if isinstance(entry, Tabled):
            self.add_rows(entry.findings[n])
        else:
            self.add(entry.assessments[n])

    def add_rows(self, found: OrderRows) -> None:
        """Count one order from its findings rows, as :meth:`add` counts its assessment."""
        if found.excluded:
            return
        self.orders += 1
        deductions = escalations = 0
        points: float = 0  # summed as Assessment.points sums them: from 0, in row order
        for row in found.rows:
            kind = row[3]
            if kind == "clock":
                self.clocks[row[6]] += 1
            elif kind == "window":
                self.windows[row[6]] += 1
            elif kind == "deduction":
                deductions += 1
                points += row[12]
            elif kind == "escalation":
                escalations += 1
        self.deductions += deductions
        self.points += points
        self.escalations += escalations
        self.orders_with_points += bool(deductions)

    def add_batch(self, batch: TabledBatch, n: int) -> None:
        """Count a batch's folded orders under the ``n``-th pack, as :meth:`add_rows` counts each.

        Counts at once; each order's points summed from 0 in row order, and the sums
        added in input order (points are sums of floats).
        """
        shared = batch.shared[n]
        if not shared.assessed:
            return
        self.orders += shared.assessed
        rows = batch.packs[n]
        columns = rows.columns
        keep = shared.counted[columns["order"]]
        # the kinds and states by their codes (numbers compared, not strings)
        states = rows.distinct["state"]
        kind = rows.codes["kind"][keep]
        state = rows.codes["state"][keep]

        def of_kind(name: str) -> np.ndarray:
            found: np.ndarray = kind == rows.code_of("kind", name)
            return found

        clock = of_kind("clock")
        if clock.any():
            _count_names(self.clocks, state[clock], states)
        window = of_kind("window")
        if window.any():
            _count_names(self.windows, state[window], states)
        self.escalations += int(np.count_nonzero(of_kind("escalation")))
        deduction = of_kind("deduction")
        if not deduction.any():
            return
        owners: list[int] = columns["order"][keep][deduction].tolist()
        points: list[float] = columns["points"][keep][deduction].tolist()
        self.deductions += len(owners)
        total = self.points
        current = owners[0]
        summed: float = 0  # summed as Assessment.points sums them: from 0, in row order
        for owner, value in zip(owners, points, strict=True):
            if owner != current:
                total += summed
                summed = 0
                current = owner
                self.orders_with_points += 1
            summed += value
        self.points = total + summed
        self.orders_with_points += 1

    def result(self) -> PackOutcomes:
        return PackOutcomes(
            pack=self.pack.key,
            orders=self.orders,
            clocks=dict(sorted(self.clocks.items())),
            windows=dict(sorted(self.windows.items())),
            deductions=self.deductions,
            points=points_total(self.points),
            escalations=self.escalations,
            orders_with_points=self.orders_with_points,
        )


def _count_names(counter: Counter[str], codes: np.ndarray, names: Sequence[str]) -> None:
    """``counter.update(names[code] for code in codes)``, counted at once.

    Each name's count is added in the order of its code's first place, so that a name
    new to the counter is put where ``update`` would put it (a partial comparison's
    totals keep the counter's order).
    """
    distinct, first, counts = np.unique(codes, return_index=True, return_counts=True)
    met = np.argsort(first)
    for code, count in zip(distinct[met].tolist(), counts[met].tolist(), strict=True):
        counter[names[code]] += count


def compare(
    orders: Iterable[OrderInput],
    packs: Sequence[PackSource],
    *,
    as_of: dt.datetime | None = None,
    period: str = "month",
    repeats: RepeatIndex | None = None,
    examples: int = 20,
    processes: int = 1,
    progress: Callable[[int], None] | None = None,
    engine: EngineName = "native",
    duplicates: Duplicates = "reject",
    path: ScoringPath = "auto",
) -> Comparison:
    """Assess the same orders under several packs and say where they diverge.

    Args:
        orders: work orders, reader results, dicts or JSON strings.
        packs: two or more packs (objects, names or directories).
        as_of: the instant of every assessment (``None``: each order's last event).
        period: the kind of period of the scorecards.
        repeats: other orders' keys, for repeat conditions across orders.
        examples: how many diverging orders to keep in full (and ids per pattern).
        processes: worker processes for the engine.
        progress: called with 1 after each input.
        engine: the matching backend, ``native`` or ``durable`` (same findings).
        duplicates: a second order with an id already seen is rejected (``reject``),
            or only the last of each id is assessed (``last``: ``orders`` a sequence).
        path: ``per-order``, ``columnar`` (:mod:`.tables`), or ``auto``: columnar
            from :data:`~.tables.COLUMNAR_FROM` inputs with the native engine on one
            process. Both give the same result.

    Example:
        >>> from grievance_rules.reading import read_orders
        >>> from importlib.resources import files
        >>> report = read_orders(files("grievance_rules") / "samples" / "orders.jsonl")
        >>> result = compare(report.orders, ["chengdong", "xiayang", "daye"])
        >>> result.inputs == result.assessed + result.rejected
        True
        >>> [o.pack for o in result.outcomes]
        ['chengdong@2024', 'xiayang@2022-06-08', 'daye@2023-05-19']

    Raises:
        WorkOrderError: ``orders`` is one order (a dict, JSON text or a
            :class:`~grievance_rules.model.WorkOrder`), not an iterable of orders.
        NaiveDatetimeError: ``as_of`` has no timezone.
        CalendarError: ``as_of`` is not a datetime, or is outside 1900-2199.
    """
    refuse_call_mistakes(orders, "compare", as_of)
    refuse_batch_arguments(packs, processes, None)
    if isinstance(examples, bool) or not isinstance(examples, int) or examples < 0:
        raise ArgumentError(
            _("examples: a whole number from 0, not {value}").format(value=repr(examples)),
            parameter="examples",
            value=examples,
        )
    loaded = resolve_packs(packs)

    def fold(tick: Callable[..., None]) -> Comparison:
        books = [ScoreBook(pack, period=period, as_of=as_of) for pack in loaded]
        totals = [_Totals(pack) for pack in loaded]
        tally: DivergenceTally[str] = DivergenceTally(examples)
        rejections: list[Rejection] = []
        inputs = 0
        for entry in judge_batches(
            orders,
            loaded,
            path=path,
            as_of=as_of,
            repeats=repeats,
            processes=processes,
            progress=progress,
            engine=engine,
            duplicates=duplicates,
        ):
            if isinstance(entry, TabledBatch):
                inputs += len(entry.inputs)
                for _position, rejection in entry.rejected():
                    rejections.append(rejection)
                    for book in books:
                        book.reject(rejection)
                for n, (book, total) in enumerate(zip(books, totals, strict=True)):
                    fold_batch(book, entry, n)
                    total.add_batch(entry, n)
                tally.add_batch(entry, loaded, as_of, repeats, _order_id)
                tick(len(entry.inputs))
                continue
            inputs += 1
            tick()
            if isinstance(entry, Rejection):
                rejections.append(entry)
                for book in books:
                    book.reject(entry)
                continue
            for n, (book, total) in enumerate(zip(books, totals, strict=True)):
                fold_into(book, entry, n)
                total.add_judged(entry, n)
            tally.add(entry, loaded, as_of, repeats, entry.order.id)
        return Comparison(
            packs=tuple(pack.key for pack in loaded),
            as_of=as_of,
            inputs=inputs,
            assessed=inputs - len(rejections),
            rejected=len(rejections),
            rejections=tuple(rejections),
            orders_diverging=tally.diverging,
            outcomes=tuple(total.result() for total in totals),
            divergences=_divergence_counts(tally.patterns, tally.pattern_examples.__getitem__),
            examples=tuple(map(_in_full, tally.kept)),
            scorecards=tuple(book.scorecard() for book in books),
        )

    return folded(fold)


def _in_full(kept: tuple[str, OrderComparison | ExampleOrder]) -> OrderComparison:
    """A kept example of :func:`compare`: compared at once (its tally's ``later`` is off)."""
    example = kept[1]
    assert isinstance(example, OrderComparison)
    return example


def _order_id(order: WorkOrder, _position: int) -> str:
    """A diverging order's tag in :func:`compare`: its id."""
    return order.id


def judged_divergences(
    entry: Assessed | Tabled,
    packs: Sequence[Pack],
    as_of: dt.datetime | None,
    repeats: RepeatIndex | None,
    known: _RowDivergences | None = None,
) -> tuple[list[tuple[FindingKind, str, tuple[str, ...]]], Callable[[], OrderComparison]]:
    """An order's divergences' (kind, topic, pattern), and how to get its full comparison.

    Per order the full comparison is at hand; on the columnar path it is made only when
    asked for (:func:`compare_again`), for the few orders a comparison keeps in full.
    ``known``: the packs' :class:`_RowDivergences`, kept by the caller across orders.
    """
    if isinstance(entry, Tabled):
        found = row_divergences(packs, entry) if known is None else known.of(entry)
        return found, lambda: compare_again(entry, packs, as_of, repeats)
    result = compare_assessments(entry.order.id, packs, entry.assessments)
    return [(d.kind, d.topic, d.pattern) for d in result.divergences], lambda: result


@dataclass(frozen=True)
class ExampleOrder:
    """A diverging order kept as an example, to be compared in full only if still kept.

    What :func:`~.merge.compare_partial` keeps of its first diverging orders (on either
    path): the order, and the part of the repeat index it reads
    (:meth:`~grievance_rules.engine.RepeatIndex.of_order`; ``None``: none was given).
    A merge keeps the earliest examples of all the parts, so most are never compared;
    :meth:`compared` gives the :class:`OrderComparison` that comparing it at once
    (:func:`compare_again`) gives.
    """

    order: WorkOrder
    repeats: RepeatIndex | None
    """The repeat index, or the part of it the order reads (``None``: none was given)."""

    def compared(self, packs: Sequence[Pack], as_of: dt.datetime | None) -> OrderComparison:
        """The order compared in full under ``packs`` at ``as_of`` (its history was checked)."""
        assessments = [
            evaluate(self.order, plan_for(pack), as_of, repeats=self.repeats, check_history=False)
            for pack in packs
        ]
        return compare_assessments(self.order.id, packs, assessments)


Tag = TypeVar("Tag")
"""What names a diverging order in a tally: its id, or (part key, id) in a part."""


@dataclass
class DivergenceTally(Generic[Tag]):
    """The diverging orders of a comparison: how many, each pattern's count, examples.

    What :func:`compare` and :func:`~.merge.compare_partial` keep, one order at a
    time: the first ``examples`` diverging orders in full (with their tag), and for
    each (kind, topic, pattern) up to ``min(examples, 5)`` tags of its orders.
    """

    examples: int
    diverging: int = 0
    patterns: Counter[tuple[FindingKind, str, tuple[str, ...]]] = field(default_factory=Counter)
    pattern_examples: dict[tuple[FindingKind, str, tuple[str, ...]], list[Tag]] = field(
        default_factory=dict
    )
    kept: list[tuple[Tag, OrderComparison | ExampleOrder]] = field(default_factory=list)
    later: bool = False
    """Whether the examples are kept as :class:`ExampleOrder`, compared in full only when
    asked (``compare_partial``: a merge keeps only the earliest), rather than at once."""
    _known: _RowDivergences | None = field(default=None, repr=False, compare=False)

    def add(
        self,
        entry: Assessed | Tabled,
        packs: Sequence[Pack],
        as_of: dt.datetime | None,
        repeats: RepeatIndex | None,
        tag: Tag,
    ) -> None:
        """Count one judged order, if it diverges (:func:`judged_divergences`)."""
        known = self._known
        if known is None or known.packs is not packs:  # found once per call
            known = self._known = _RowDivergences(packs)
        keys, in_full = judged_divergences(entry, packs, as_of, repeats, known)
        if not keys:
            return
        if len(self.kept) < self.examples:
            example = self._example(entry.order, repeats) if self.later else in_full()
            self.kept.append((tag, example))
        self._count(keys, tag)

    def add_batch(
        self,
        batch: TabledBatch,
        packs: Sequence[Pack],
        as_of: dt.datetime | None,
        repeats: RepeatIndex | None,
        tag: Callable[[WorkOrder, int], Tag],
    ) -> None:
        """Count a batch's folded orders that diverge, in input order, as :meth:`add` would.

        ``tag``: a diverging order's tag, from the order and its position among the inputs.
        The divergences are found for the whole batch at once
        (:meth:`_RowDivergences.of_batch`); each pattern is counted once per batch, and
        its example tags are those of its first orders.
        """
        known = self._known
        if known is None or known.packs is not packs:  # found once per call
            known = self._known = _RowDivergences(packs)
        found = known.of_batch(batch)
        if found is None:  # (one pack: the orders are not signed)
            for i in batch.accepted:
                self.add(
                    batch.entry(i), packs, as_of, repeats, tag(batch.orders[i], batch.positions[i])
                )
            return
        tags: dict[int, Tag] = {}

        def tagged(i: int) -> Tag:
            """The ``i``-th order's tag, made once (one object, wherever it is kept)."""
            made = tags.get(i)
            if made is None:
                made = tags[i] = tag(batch.orders[i], batch.positions[i])
            return made

        kept = self.kept
        for i in found.orders[: self.examples - len(kept)]:  # (never more kept than examples)
            example = (
                self._example(batch.orders[i], repeats)
                if self.later
                else compare_again(batch.entry(i), packs, as_of, repeats)
            )
            kept.append((tagged(i), example))
        self.diverging += len(found.orders)
        patterns = self.patterns
        examples = self.pattern_examples
        per_pattern = min(self.examples, 5)
        showing = found.showing
        start = 0
        for key, count in zip(found.patterns, found.counts, strict=True):
            patterns[key] += count
            tags_of = examples.get(key)
            if tags_of is None:
                tags_of = examples[key] = []
            wanted = min(per_pattern - len(tags_of), count)
            if wanted > 0:
                tags_of.extend(map(tagged, showing[start : start + wanted].tolist()))
            start += count

    def _example(self, order: WorkOrder, repeats: RepeatIndex | None) -> ExampleOrder:
        """A diverging order kept to be compared later (:attr:`later`), with what it reads."""
        return ExampleOrder(order, None if repeats is None else repeats.of_order(order))

    def _count(self, keys: Sequence[tuple[FindingKind, str, tuple[str, ...]]], tag: Tag) -> None:
        """Count one diverging order, its divergences' keys and its tag."""
        self.diverging += 1
        patterns = self.patterns
        examples = self.pattern_examples
        per_pattern = min(self.examples, 5)
        for key in keys:
            patterns[key] += 1
            tags = examples.get(key)
            if tags is None:
                tags = examples[key] = []
            if len(tags) < per_pattern:
                tags.append(tag)


def row_divergences(
    packs: Sequence[Pack], entry: Tabled
) -> list[tuple[FindingKind, str, tuple[str, ...]]]:
    """Where one order's findings rows under the packs diverge: (kind, topic, pattern).

    The same keys and patterns, in the same order, as the divergences of
    :func:`compare_assessments` on the order's assessments.
    """
    return _divergences_of(packs, entry, [_PackKeys(pack) for pack in packs])


def _divergences_of(
    packs: Sequence[Pack], entry: Tabled, keys: Sequence[_PackKeys]
) -> list[tuple[FindingKind, str, tuple[str, ...]]]:
    """:func:`row_divergences`, with each pack's keys found by the caller."""
    return _diverging(
        [
            _row_outcomes(pack, found, pack_keys)
            for pack, found, pack_keys in zip(packs, entry.findings, keys, strict=True)
        ]
    )


def _diverging(
    outcomes: Sequence[Mapping[tuple[FindingKind, str], str]],
) -> list[tuple[FindingKind, str, tuple[str, ...]]]:
    """The (kind, topic, pattern) on which the packs' outcomes differ, in key order.

    Each key is compared pack by pack with the first pack's outcome, and its pattern
    made only where one differs (a handful of keys an order: sets of pairs cost more).
    """
    diverging: list[tuple[FindingKind, str, tuple[str, ...]]] = []
    if not outcomes:
        return diverging
    first, *others = outcomes
    keys = set(first)
    for outcome in others:
        keys.update(outcome)
    for key in sorted(keys):
        value = first.get(key, _NONE)
        for outcome in others:
            if outcome.get(key, _NONE) != value:
                pattern = tuple([found.get(key, _NONE) for found in outcomes])
                diverging.append((key[0], key[1], pattern))
                break
    return diverging


def compare_again(
    entry: Tabled, packs: Sequence[Pack], as_of: dt.datetime | None, repeats: RepeatIndex | None
) -> OrderComparison:
    """A diverging order of the columnar path compared in full (its citations, details).

    Its history was checked before it was judged, so it is not checked again
    (:meth:`ExampleOrder.compared`).
    """
    return ExampleOrder(entry.order, repeats).compared(packs, as_of)


def what_if(
    orders: Iterable[OrderInput],
    pack: PackSource,
    parameters: Mapping[str, Any],
    **options: Any,
) -> Comparison:
    """The same orders under a pack as it is and with some parameters changed.

    Args:
        orders: as for :func:`compare`.
        pack: the pack (object, name or directory).
        parameters: parameter name → value, e.g. ``{"return_window": "1 working_day"}``.
        **options: passed on to :func:`compare`.

    Raises:
        PackError: an unknown parameter.
        WorkOrderError: ``orders`` is one order, not an iterable of orders.
    """
    refuse_one_input(orders, "what_if")
    if not parameters:  # (it said "the same pack given twice")
        raise ArgumentError(
            _("parameters: give at least one parameter to set (name → value)"),
            parameter="parameters",
            value=parameters,
        )
    base = resolve_packs([pack])[0]
    return compare(orders, [base, base.with_parameters(parameters)], **options)
