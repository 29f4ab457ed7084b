"""Scorecards, rates and comparison: what the offices and analysts look at.

* :func:`score` — each unit's counts, points, score, rank, rates and period
  findings, per period, under one pack (a :class:`Scorecard`).
* :func:`compare` — the same orders under several packs: per order where the
  findings diverge and why, per unit the score under each pack, overall a
  summary of the divergences (a :class:`Comparison`).
* :func:`what_if` — one pack against itself with some parameters changed.
* :func:`score_partial`, :func:`merge_scorecards` — a part of the orders scored
  on its own, and parts merged in any order into the scorecard of all
  (:mod:`grievance_rules.scoring.merge`; :func:`compare_partial` and
  :func:`merge_comparisons` for comparisons).
* :data:`RATES` — the rates (按时签收率, 办结率, 满意率, 三率 ...), each defined
  once with its numerator and denominator (:mod:`grievance_rules.scoring.rates`).

Everything streams: inputs are read once, and only one small record per unit
and period is kept.

Example:
    >>> from importlib.resources import files
    >>> from grievance_rules.reading import read_orders
    >>> from grievance_rules.scoring import score
    >>> orders = read_orders(files("grievance_rules") / "samples" / "orders.jsonl").orders
    >>> card = score(orders, "chengdong", period="month")
    >>> (card.inputs, card.assessed + card.excluded + card.rejected)
    (5, 5)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from grievance_rules.engine import Rejection, RepeatIndex
from grievance_rules.engine.batch import (
    Duplicates,
    PackSource,
    refuse_batch_arguments,
    refuse_call_mistakes,
)
from grievance_rules.engine.matching import EngineName
from grievance_rules.scoring.comparison import (
    Comparison,
    Divergence,
    DivergenceCount,
    OrderComparison,
    PackOutcomes,
    Side,
    compare,
    compare_assessments,
    what_if,
)
from grievance_rules.scoring.folds import fold_batch, fold_into
from grievance_rules.scoring.merge import (
    PartialComparison,
    PartialScorecard,
    compare_partial,
    merge_comparisons,
    merge_scorecards,
    score_partial,
)
from grievance_rules.scoring.rates import (
    RATES,
    UNATTRIBUTED_REASONS,
    OrderOutcome,
    Rate,
    RateCounts,
    order_outcome,
)
from grievance_rules.scoring.scorecard import (
    ScoreBook,
    Scorecard,
    Unattributed,
    UnattributedPeriod,
    UnitScore,
)
from grievance_rules.scoring.stream import OrderInput, resolve_packs
from grievance_rules.scoring.tables import (
    COLUMNAR_FROM,
    ScoringPath,
    TabledBatch,
    folded,
    judge_batches,
)

__all__ = [
    "COLUMNAR_FROM",
    "RATES",
    "UNATTRIBUTED_REASONS",
    "Comparison",
    "Divergence",
    "DivergenceCount",
    "OrderComparison",
    "OrderOutcome",
    "PackOutcomes",
    "PartialComparison",
    "PartialScorecard",
    "Rate",
    "RateCounts",
    "ScoreBook",
    "Scorecard",
    "ScoringPath",
    "Side",
    "Unattributed",
    "UnattributedPeriod",
    "UnitScore",
    "compare",
    "compare_assessments",
    "compare_partial",
    "merge_comparisons",
    "merge_scorecards",
    "order_outcome",
    "score",
    "score_partial",
    "what_if",
]


def score(
    orders: Iterable[OrderInput],
    pack: PackSource,
    *,
    period: str = "month",
    as_of: dt.datetime | None = None,
    repeats: RepeatIndex | None = None,
    processes: int = 1,
    progress: Callable[[int], None] | None = None,
    engine: EngineName = "native",
    duplicates: Duplicates = "reject",
    path: ScoringPath = "auto",
) -> Scorecard:
    """Each unit's scorecard per period under one pack.

    Args:
        orders: work orders, reader results (accepted or rejected), dicts or JSON strings.
        pack: the pack (object, name or directory).
        period: ``day``, ``week``, ``month``, ``two_months``, ``quarter``,
            ``half_year`` or ``year``, as the pack's periods run (its week start and
            assessment month).
        as_of: the instant of every assessment (``None``: each order's last event).
        repeats: other orders' keys, for repeat conditions across orders.
        processes: worker processes for the engine.
        progress: called with 1 after each input.
        engine: the matching backend, ``native`` or ``durable`` (same findings).
        duplicates: a second order with an id already seen is rejected (``reject``),
            or only the last of each id is assessed (``last``: ``orders`` a sequence).
        path: ``per-order``, ``columnar`` (findings as tables, :mod:`.tables`), or
            ``auto``: columnar from :data:`~.tables.COLUMNAR_FROM` inputs with the
            native engine on one process. Both give the same scorecard.

    Raises:
        WorkOrderError: ``orders`` is one order (a dict, JSON text or a
            :class:`~grievance_rules.model.WorkOrder`), not an iterable of orders.
        NaiveDatetimeError: ``as_of`` has no timezone.
        CalendarError: ``as_of`` is not a datetime, or is outside 1900-2199.
    """
    refuse_call_mistakes(orders, "score", as_of)
    refuse_batch_arguments([pack], processes, None)
    loaded = resolve_packs([pack])

    def fold(tick: Callable[..., None]) -> Scorecard:
        book = ScoreBook(loaded[0], period=period, as_of=as_of)
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
                for _position, rejection in entry.rejected():
                    book.reject(rejection)
                fold_batch(book, entry, 0)
                tick(len(entry.inputs))
                continue
            if isinstance(entry, Rejection):
                book.reject(entry)
            else:
                fold_into(book, entry, 0)
            tick()
        return book.scorecard()

    return folded(fold)
