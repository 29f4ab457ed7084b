"""Scorecards and comparisons folded from findings tables: the columnar path of scoring.

:func:`~grievance_rules.scoring.score`, :func:`~grievance_rules.scoring.compare` and
:func:`~grievance_rules.scoring.what_if` judge their orders one of two ways, with the
same result byte for byte:

* **per order** — each order through the engine, an
  :class:`~grievance_rules.engine.Assessment` per pack (:mod:`.stream`);
* **columnar** — the orders in batches of :data:`BATCH_SIZE` through
  :func:`grievance_rules.columnar.evaluate_columnar_each`, and the scorecards,
  totals and divergence patterns counted from the findings as columns, a batch at a
  time (:func:`table_batches`, :func:`~.folds.fold_batch`): what one order at a time in input
  order would count, counts added at once, points one by one in input order. Only
  the diverging orders a comparison keeps in full (``examples``) are assessed again
  per order, for their citations and details. :func:`table_stream` gives the same
  an input at a time, as rows.

``path="auto"`` (the default) takes the columnar path when the input has at least
:data:`COLUMNAR_FROM` (500) records, the per-order engine is ``native`` and one process
is asked for; a smaller input is read into memory first to count it (at most
``COLUMNAR_FROM`` records are held).

Both paths take the same decisions on each input in the same order: reading
(:func:`~.stream.parse_input`), the history check, the 64-bit integer check, an
order that fails inside the engine, and a second record of an id
(:class:`~grievance_rules.engine.batch.DuplicateIds`), so their rejections are the
same too. If the columnar evaluation of a batch fails as a whole, that batch is
judged per order instead (its findings turned into rows), never lost.

Points add as floats, order by order in input order and, within an order, in the
engine's order (instant, then rule); as in :mod:`.merge`, such sums may differ in the
last binary digit, and are reported to a millionth of a point
(:func:`~grievance_rules.engine.periods.points_total`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, get_args

import numpy as np
import numpy.typing as npt

from grievance_rules.calendar import SHANGHAI
from grievance_rules.collector import paused
from grievance_rules.columnar import evaluate_columnar_each
from grievance_rules.columnar.findings import (
    COLUMNS,
    FindingRows,
    Row,
    first_seen_codes,
    rows_of_assessment,
    sort_ranks,
)
from grievance_rules.columnar.frame import Frame
from grievance_rules.columnar.instants import EPOCH_ORDINAL, shanghai_day
from grievance_rules.columnar.read_columns import ReadAt
from grievance_rules.engine import Rejection, RepeatIndex
from grievance_rules.engine.batch import (
    DuplicateIds,
    Duplicates,
    evaluate_each,
    last_positions,
    ready_input,
)
from grievance_rules.engine.duplicates import last_needs_a_sequence
from grievance_rules.engine.matching import EngineName, OrderView
from grievance_rules.engine.periods import tally_key
from grievance_rules.engine.plan import PackPlan, plan_for
from grievance_rules.errors import ArgumentError, GrievanceRulesError
from grievance_rules.i18n import current_language, join_list, language
from grievance_rules.i18n import gettext as _
from grievance_rules.model import Unit, WorkOrder
from grievance_rules.model.enums import Satisfaction
from grievance_rules.model.handling import (
    EXCLUDING_EVENT,
    STRIKING_EVENT,
    excluded_by_flag,
    excluded_from_assessment,
    excludes_from_assessment,
)
from grievance_rules.packs import Pack
from grievance_rules.reading.results import Accepted
from grievance_rules.scoring.rates import (
    EventFacts,
    FactValues,
    event_fact_values,
    last_handling_unit,
    returned_counted,
    timed_clock_ids,
    unattributed_reason,
    unit_kind_of,
)
from grievance_rules.scoring.stream import (
    Assessed,
    OrderInput,
    assess_stream,
    source_of,
)

__all__ = [
    "BATCH_SIZE",
    "COLUMNAR_FROM",
    "FOLD_COLLECT_EVERY",
    "BatchFacts",
    "OrderRows",
    "PackRows",
    "ScoringPath",
    "Signature",
    "Tabled",
    "TabledBatch",
    "choose_path",
    "first_seen_codes",
    "folded",
    "folding",
    "judge_batches",
    "judge_stream",
    "table_batches",
    "table_stream",
]

ScoringPath = Literal["auto", "per-order", "columnar"]
"""How scoring judges its orders: ``per-order``, ``columnar``, or ``auto`` (by size)."""

SCORING_PATHS: tuple[str, ...] = get_args(ScoringPath)
"""The values of :data:`ScoringPath`, in order."""

COLUMNAR_FROM = 500
"""Inputs from which ``path="auto"`` takes the columnar path: a measured choice, not a
rule of any office. On this project's machine the two paths break even at about 100
orders (a batch has fixed costs; ``compare`` re-assesses its kept examples per
order); from 500 on, columnar is ahead for every pack
(``docs/benchmarks/scoring_paths.md``)."""

BATCH_SIZE = 4_096
"""Orders evaluated together on the columnar path: the memory held is about this
many orders with their findings, whatever the input's size."""


FOLD_COLLECT_EVERY = 65_536
"""Inputs a scoring call folds between two full passes of the cyclic collector
(:func:`folding`)."""


@contextlib.contextmanager
def folding() -> Iterator[Callable[..., None]]:
    """The cyclic collector paused while a scoring call judges and folds its inputs.

    :func:`table_stream` pauses the collector while it judges a batch, not while its
    caller folds the batch's orders; then every pass of the collector walks the whole
    batch still held (its orders, views and rows), a third of the time of a columnar
    ``compare`` or ``score``. The scoring calls (``score``, ``compare``, the partial
    ones) fold inside this block instead: the batch is freed, by reference counting,
    before the collector resumes. Judging and folding make no cyclic garbage (none found
    over thousands of orders, rejected ones among them); so that any would stay bounded,
    the block's ``tick``, called after each input (or with the number of inputs of a
    batch, after the batch), runs a full collection every :data:`FOLD_COLLECT_EVERY`
    inputs (unless the caller had paused the collector). The collector is restored
    after, also on failure (:func:`~grievance_rules.collector.paused`).
    """
    enabled = gc.isenabled()
    count = 0

    def tick(inputs: int = 1) -> None:
        nonlocal count
        before = count
        count += inputs
        if enabled:
            for _ in range(count // FOLD_COLLECT_EVERY - before // FOLD_COLLECT_EVERY):
                gc.collect()

    with paused():
        yield tick


_Folded = TypeVar("_Folded")


def folded(fold: Callable[[Callable[..., None]], _Folded]) -> _Folded:
    """``fold(tick)`` inside :func:`folding`: what a scoring call judges and folds, and gives.

    The collector resumes once ``fold`` has returned, so what its frame held (the last
    batch folded, the divergences and tally keys remembered across batches) is freed
    by reference counting first. Held when the block ends, it was walked by the
    collector's first pass: tens of thousands of objects young since the pause, a
    tenth of a 2,000-order ``compare_partial``.
    """
    with folding() as tick:
        return fold(tick)


Signature = tuple[tuple[str, str, str | float], ...]
"""An order's findings under one pack as a comparison's divergences read them: each row's
(kind, rule, outcome), in row order; the outcome is its state, or its points for a deduction.
Made a batch at a time from its findings (:func:`_pack_rows`, :attr:`PackRows.signatures`);
orders with the same signatures under every pack diverge alike (:mod:`.compare`)."""


@dataclass(frozen=True, slots=True)
class OrderRows:
    """One order's findings under one pack, as rows, and what scoring reads beside them.

    Attributes:
        rows: its findings rows but records (nothing in scoring reads a record's
            finding); deductions last, in the engine's order (instant, rule).
        excluded: whether it is excluded from assessment (不纳入测评).
    """

    rows: tuple[Row, ...]
    excluded: bool
    signature: Signature | None = None
    """Each row's (kind, rule, outcome): its state, or its points for a deduction. Orders
    with the same signatures under every pack diverge alike (``None``: not found, or
    judged under one pack)."""
    on_time: tuple[bool | None, ...] | None = None
    """Whether the decided clocks of each topic the rates time (sign-off, first contact,
    reply) were all met, ``None`` when none was decided (``None``: not found)."""
    counted: tuple[tuple[str, tuple[int, str], float], ...] | None = None
    """What the period tally counts of its rows with a unit: (key, (day since 1970 in
    Shanghai, unit), points), in row order (``None``: not found)."""

    def of_kind(self, kind: str) -> Iterator[Row]:
        """Its rows of one kind (clock, window, deduction, escalation, record)."""
        return (row for row in self.rows if row[3] == kind)


@dataclass(frozen=True, slots=True)
class Tabled:
    """An order and its findings rows under each pack, in the order the packs were given."""

    position: int
    order: WorkOrder
    view: OrderView
    facts: EventFacts
    """What its events tell the rates, whatever the pack."""
    findings: tuple[OrderRows, ...]
    received_on: dt.date | None = None
    """The day it was received in Shanghai (``None``: not found)."""
    unit_kind: str | None = None
    """The kind of its last handling unit (``facts.unit``), if the order lists it."""


def choose_path(
    items: Iterable[OrderInput], path: ScoringPath, engine: EngineName, processes: int
) -> tuple[Literal["per-order", "columnar"], Iterable[OrderInput]]:
    """Which path judges ``items``, and the items to judge (the same, perhaps buffered).

    Raises:
        ArgumentError: the columnar path asked for with the ``durable`` engine or with
            several processes, or an unknown path.
    """
    if path == "per-order":
        return "per-order", items
    if path == "columnar":
        if engine != "native":
            raise ArgumentError(
                _(
                    "path 'columnar' uses the native matcher, not engine {engine}: with it, "
                    "give path 'per-order' or 'auto'"
                ).format(engine=repr(engine)),
                parameter="path",
                value=path,
            )
        if processes > 1:
            raise ArgumentError(
                _(
                    "path 'columnar' runs in one process, not processes={processes}: give "
                    "path 'per-order' or 'auto', or for the columnar path on several, use "
                    "grievance_rules.distributed (Dask)"
                ).format(processes=processes),
                parameter="path",
                value=path,
            )
        return "columnar", items
    if path not in SCORING_PATHS:
        raise ArgumentError(
            _("unknown path {value}; one of: {paths}").format(
                value=repr(path), paths=join_list(SCORING_PATHS)
            ),
            parameter="path",
            value=path,
        )
    if engine != "native" or processes > 1:
        return "per-order", items
    if isinstance(items, Sequence) and not isinstance(items, str | bytes):
        return ("columnar" if len(items) >= COLUMNAR_FROM else "per-order"), items
    iterator = iter(items)
    head = list(itertools.islice(iterator, COLUMNAR_FROM))
    if len(head) < COLUMNAR_FROM:
        return "per-order", head
    return "columnar", itertools.chain(head, iterator)


def row_signature(row: Row) -> tuple[str, str, str | float]:
    """What a comparison reads of a finding row: its kind, rule and outcome.

    The outcome: a deduction's points, a clock's state with its warning level, any
    other's state. :attr:`OrderRows.signature` is these of an order's rows, made a
    batch at a time.
    """
    if row[3] == "deduction":
        return row[3], row[2], row[12]
    if row[3] == "clock":
        return row[3], row[2], clock_outcome(row[6], row[10])
    return row[3], row[2], row[6]


def clock_outcome(state: str, level: str | None) -> str:
    """A clock's outcome as a comparison reads it: its state, and its warning level if any.

    Example:
        >>> clock_outcome("running", "yellow"), clock_outcome("met", None)
        ('running (yellow)', 'met')
    """
    return f"{state} ({level})" if level else state


def _engine_order(rows: list[Row]) -> tuple[Row, ...]:
    """One order's rows but its records, deductions last in the engine's order.

    The deductions by (instant, rule, place); records are left out (nothing in
    scoring reads a record's finding).
    """
    deductions = sorted((r for r in rows if r[3] == "deduction"), key=lambda r: (r[7], r[2], r[4]))
    return (*(r for r in rows if r[3] != "deduction" and r[3] != "record"), *deductions)


_Checked = tuple[int, str, WorkOrder | Rejection, OrderView | None, dt.datetime | None]


def _checked(
    items: Iterable[tuple[int, OrderInput]], as_of: dt.datetime | None, check_history: bool
) -> Iterator[_Checked]:
    """Each input read and checked as the per-order engine checks it, before any rule.

    By :func:`~grievance_rules.engine.batch.ready_input`: a reader's record is not
    checked again for what its reader vouched for. Each accepted order comes with its
    view and the instant it was cut at (``None`` for a rejection).
    """
    for position, item in items:
        entry = ready_input(position, item, as_of, check_history=check_history)
        source = source_of(position, item)
        if isinstance(entry, Rejection):
            yield position, source, entry, None, None
        else:
            yield position, source, entry.order, entry.view, entry.instant


def _per_order_rows(
    orders: Sequence[WorkOrder],
    plans: Sequence[PackPlan],
    as_of: dt.datetime | None,
    repeats: RepeatIndex | None,
) -> list[tuple[tuple[Row, ...], ...] | Rejection]:
    """A batch judged per order (the columnar evaluation failed on it), as rows."""
    out: list[tuple[tuple[Row, ...], ...] | Rejection] = []
    for row in evaluate_each(
        orders, plans, as_of, repeats=repeats, check_history=False, duplicates="allow"
    ):
        failed = [r.rejection for r in row if r.rejection is not None]
        if failed:
            reasons = dict.fromkeys(reason for r in failed for reason in r.reasons)
            out.append(Rejection(source="", order_id=failed[0].order_id, reasons=tuple(reasons)))
            continue
        out.append(
            tuple(
                tuple(rows_of_assessment(0, r.assessment, None, "per_order"))
                for r in row
                if r.assessment is not None
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class PackRows:
    """A batch's findings under one pack but records, in the engine's order.

    Sorted by order and, within an order, as :func:`_engine_order` sorts its rows:
    order ``i``'s are ``rows[bounds[i]:bounds[i + 1]]``. What the fold reads of them
    is found here for the whole batch at once (:func:`_pack_rows`); the record rows
    (most of them, and nothing in scoring reads one) are left out.

    Attributes:
        added: the rows as the findings gave them (their order aside).
        keep: the place in ``added`` of each row, in order (``rows``: the rows, made
            when asked; the batch's fold reads the columns and codes).
        columns: the number columns the fold reads (``order``, ``points``), as arrays.
        bounds: each order's first row, then the number of rows.
        decided: per timed topic (sign-off, first contact, reply), each order's clocks
            of its rules that were decided (met or breached).
        late: the same, its breached ones.
        entries: the rows the period tally counts (those with a unit).
        days: the day each of those counts on (since 1970 in Shanghai,
            :func:`~grievance_rules.columnar.periods.row_entry`'s).
        signatures: each order's :attr:`OrderRows.signature` (``None``: one pack, so
            nothing compares them).
        codes: the string columns ``kind``, ``rule_id``, ``state`` and ``unit`` as
            numbers, in the rows' order: each row's value is ``distinct[name][code]``
            (the fold compares and groups rows by these, integers, not by the strings).
        distinct: each of those columns' distinct values, by their numbers.
        excluding: the orders a record of the pack excludes from assessment (its
            ``excluding_records`` holding; ``None``: the pack has none, so any
            ``excluded`` event does).
        numbered: the distinct ``signatures`` in order of first sighting, and each
            order's number among them (``None`` with them): what a comparison's
            divergences are found from, a distinct signature at a time.
    """

    added: list[Row]
    keep: np.ndarray
    columns: dict[str, np.ndarray]
    bounds: list[int]
    decided: np.ndarray
    late: np.ndarray
    entries: np.ndarray
    days: np.ndarray
    signatures: list[Signature] | None
    codes: dict[str, np.ndarray]
    distinct: dict[str, list[str]]
    excluding: set[int] | None = None
    numbered: tuple[list[Signature], npt.NDArray[np.int64]] | None = None

    @property
    def rows(self) -> list[Row]:
        """The rows, in order (made when asked: the batch's fold reads the columns)."""
        return list(map(self.added.__getitem__, self.keep.tolist()))

    def code_of(self, column: str, value: str) -> int:
        """The number of ``value`` in one of the :attr:`codes` columns; ``-1`` if no row has it.

        (``-1`` is no row's code: comparing a column's codes with it finds none.)
        """
        found = self.distinct[column]
        return found.index(value) if value in found else -1

    def rows_of(self, i: int) -> tuple[Row, ...]:
        """The ``i``-th order's rows."""
        at = self.keep[self.bounds[i] : self.bounds[i + 1]].tolist()
        return tuple(map(self.added.__getitem__, at))

    def order_rows(self, excluded: Sequence[bool]) -> list[OrderRows]:
        """Each order's :class:`OrderRows`, with what the fold reads of its rows."""
        n = len(excluded)
        columns = self.columns
        rows = self.rows
        bounds = self.bounds
        on_time: list[list[bool | None]] = [
            [None if c == 0 else b == 0 for c, b in zip(count, late, strict=True)]
            for count, late in zip(self.decided.tolist(), self.late.tolist(), strict=True)
        ]
        on_times = list(zip(*on_time, strict=True)) if on_time else [()] * n
        at = self.entries
        codes, distinct = self.codes, self.distinct

        def values(name: str) -> list[str]:
            return list(map(distinct[name].__getitem__, codes[name][at].tolist()))

        names: dict[tuple[str, str, str], str] = {}
        keys = [
            names.get(name) or names.setdefault(name, tally_key(*name))
            for name in zip(values("kind"), values("rule_id"), values("state"), strict=True)
        ]
        deduction = self.code_of("kind", "deduction")
        points = np.where(codes["kind"][at] == deduction, columns["points"][at], 0.0).tolist()
        places = zip(self.days.tolist(), values("unit"), strict=True)
        entries = list(zip(keys, places, points, strict=True))
        entry_bounds: list[int] = np.searchsorted(columns["order"][at], np.arange(n + 1)).tolist()
        signatures = self.signatures
        return [
            OrderRows(
                tuple(rows[bounds[i] : bounds[i + 1]]),
                excluded[i],
                None if signatures is None else signatures[i],
                on_times[i],
                tuple(entries[entry_bounds[i] : entry_bounds[i + 1]]),
            )
            for i in range(n)
        ]


def _pack_rows(
    findings: FindingRows,
    n: int,
    timed: tuple[frozenset[str], ...],
    signed: bool,
    excluding: frozenset[str] = frozenset(),
    rate_units: tuple[dict[str, int], np.ndarray] | None = None,
) -> PackRows:
    """A batch's findings other than records under one pack, for ``n`` orders.

    ``rate_units``: each order's unit its rates count for (its last handling unit), as
    :func:`first_seen_codes` numbers them (``""`` for none; found once per batch, for
    every pack): its timed clocks are that unit's and those of no unit (``None``: every
    clock).

    Read as rows (in the table's order: by order, kind, rule and place), and only the
    columns the fold reads made into arrays. The engine's order within each order
    (:func:`_engine_order`) is one stable sort of the whole batch; each rule is found
    once (its rank among the batch's rules, its timed topics), not once per row. The
    signatures only when ``signed`` (several packs: nothing compares the orders of one).
    ``excluding``: the pack's record rules that exclude an order (their orders found
    before the records are left out).
    """
    excluded_by = findings.orders_with(excluding, "true") if excluding else None
    rows, in_table_order = findings.without("record").rows_as_added()
    size = len(rows)
    fields = list(zip(*rows, strict=True)) or [()] * len(COLUMNS)

    def ints(name: str) -> np.ndarray:
        return np.fromiter(fields[_AT[name]], dtype=np.int64, count=size)

    def coded(name: str) -> tuple[dict[Any, int], np.ndarray]:
        # a string column's distinct values and each row's as their numbers (a few per
        # column: each compared once, not once per row; no array of the strings is made)
        return first_seen_codes(fields[_AT[name]])

    order, start, seq = ints("order"), ints("start_us"), ints("seq")
    kinds, kind_code = coded("kind")
    states, state_code = coded("state")
    units, unit_code = coded("unit")
    codes, rule_code = coded("rule_id")
    points = np.fromiter(fields[_AT["points"]], dtype=np.float64, count=size)
    stop = ints("stop_us")

    def of_kind(name: str) -> np.ndarray:
        found: np.ndarray = kind_code == kinds.get(name, -1)
        return found

    deduction = of_kind("deduction")
    at = np.where(  # row_entry's instant: when it happened, stopped, fell due or was acted on
        deduction | of_kind("escalation"),
        start,
        # (a breached clock when it fell due, stopped late or not)
        np.where(
            of_kind("clock") & ((stop < 0) | (state_code == states.get("breached", -1))),
            ints("due_us"),
            stop,
        ),
    )
    keep = np.arange(size)
    if size:
        # the engine's order: each order's rows but deductions, in the table's order (by
        # kind, rule and place, when the table is sorted, else as they are); then its
        # deductions by (instant, rule, place); ties as added (a stable sort)
        rule_rank = sort_ranks(list(codes))[rule_code]
        sorted_too = np.int64(1 if in_table_order else 0)
        keep = np.lexsort(
            (
                np.where(deduction, seq, seq * sorted_too),
                np.where(deduction, rule_rank, rule_rank * sorted_too),
                np.where(deduction, 0, sort_ranks(list(kinds))[kind_code] * sorted_too),
                np.where(deduction, start, 0),
                deduction,
                order,
            )
        )
        order, points, rule_code, at = order[keep], points[keep], rule_code[keep], at[keep]
        kind_code, state_code, unit_code = kind_code[keep], state_code[keep], unit_code[keep]
        deduction = deduction[keep]
    bounds: list[int] = np.searchsorted(order, np.arange(n + 1)).tolist()
    signatures = None
    numbered = None
    if signed:  # (kind, rule, state or a deduction's points) of each row
        # each row's outcome as a number: its state's, or a clock's state with its level
        # (numbered after the states), or a deduction's points (by their bits, after them)
        outcome_code = state_code.copy()
        outcomes = dict(states)
        # a clock's warning level with its state, running (yellow): what a warning
        # threshold changes (a what-if of one changed no outcome, and said no effect);
        # read from the rows' levels
        levels = fields[_AT["level"]]
        state_names = list(states)
        clocks = np.flatnonzero(kind_code == kinds.get("clock", -1))
        for k, added, code in zip(
            clocks.tolist(), keep[clocks].tolist(), state_code[clocks].tolist(), strict=True
        ):
            level = levels[added]
            if level:
                found = clock_outcome(state_names[code], str(level))
                outcome_code[k] = outcomes.setdefault(found, len(outcomes))
        bits, bits_code = np.unique(points[deduction].view(np.int64), return_inverse=True)
        outcome_code[deduction] = len(outcomes) + bits_code.reshape(-1)
        named: list[str | float] = [*outcomes, *bits.view(np.float64).tolist()]
        row_code = (kind_code * len(codes) + rule_code) * len(named) + outcome_code
        numbered = _signatures(
            row_code,
            order,
            bounds,
            (list(kinds), kind_code),
            (list(codes), rule_code),
            (named, outcome_code),
        )
        signatures = list(map(numbered[0].__getitem__, numbered[1].tolist()))
    # each timed topic: each order's decided clocks of its rules, and its breached ones
    clock = kind_code == kinds.get("clock", -1)
    if rate_units is not None and clock.any():  # a unit's own clocks, and those of no unit
        # by the rows' unit codes (-2: a unit no row names; -3: no row without a unit)
        rated, rated_code = rate_units
        owner = np.array([units.get(u, -2) for u in rated], dtype=np.int64)[rated_code][order]
        clock &= (unit_code == units.get("", -3)) | (unit_code == owner)
    breached = clock & (state_code == states.get("breached", -1))
    decided = breached | (clock & (state_code == states.get("met", -1)))
    counts = []
    lates = []
    for rule_ids in timed:
        of_topic = np.array([rule in rule_ids for rule in codes], dtype=bool)[rule_code]
        counts.append(np.bincount(order[decided & of_topic], minlength=n))
        lates.append(np.bincount(order[breached & of_topic], minlength=n))
    # the period tally's entries: the rows with a unit, on row_entry's day
    entries = np.flatnonzero(np.array([bool(u) for u in units], dtype=bool)[unit_code])
    return PackRows(
        rows,
        keep,
        {"order": order, "points": points},
        bounds,
        np.array(counts, dtype=np.int64).reshape(len(timed), n),
        np.array(lates, dtype=np.int64).reshape(len(timed), n),
        entries,
        np.asarray(shanghai_day(at[entries]), dtype=np.int64),
        signatures,
        {"kind": kind_code, "rule_id": rule_code, "state": state_code, "unit": unit_code},
        {"kind": list(kinds), "rule_id": list(codes), "state": list(states), "unit": list(units)},
        excluded_by,
        numbered,
    )


def _signatures(
    row_code: np.ndarray,
    order: np.ndarray,
    bounds: list[int],
    kind: tuple[list[str], np.ndarray],
    rule_id: tuple[list[str], np.ndarray],
    outcome: tuple[list[str | float], np.ndarray],
) -> tuple[list[Signature], npt.NDArray[np.int64]]:
    """The batch's distinct signatures, numbered in order of first sighting, and each order's.

    What :func:`first_seen_codes` of every order's signature gives, without making a
    signature per order and hashing it: rows with the same (kind, rule, outcome) have the
    same ``row_code``, so orders with the same signature have the same row codes in row
    order (a table of them, an order a line, its length first) and are grouped at once;
    only the first order of each group has its signature made. ``kind``, ``rule_id``
    and ``outcome``: each's values, and each row's place among them.
    """
    n = len(bounds) - 1
    starts = np.asarray(bounds, dtype=np.int64)
    lengths = np.diff(starts)
    table = np.full((n, int(lengths.max(initial=0)) + 1), -1, dtype=np.int64)
    table[:, 0] = lengths
    table[order, np.arange(len(order)) - starts[order] + 1] = row_code
    # the orders sorted by their lines (a stable sort: each group's first order first)
    by_line = np.lexsort(table.T[::-1])
    lined = table[by_line]
    starts_group = np.ones(n, dtype=bool)
    starts_group[1:] = (lined[1:] != lined[:-1]).any(axis=1)
    first = by_line[starts_group]
    inverse = np.empty(n, dtype=np.int64)
    inverse[by_line] = np.cumsum(starts_group) - 1
    shown = np.argsort(first)  # (the groups by their first order)
    number = np.empty(len(shown), dtype=np.int64)
    number[shown] = np.arange(len(shown))
    firsts = np.zeros(n, dtype=bool)
    firsts[first] = True
    at = np.flatnonzero(firsts[order])  # the rows of each group's first order, in order
    (kinds, kind_code), (rule_ids, rule_code), (outcomes, outcome_code) = kind, rule_id, outcome
    signed_rows = [
        (kinds[k], rule_ids[r], outcomes[o])
        for k, r, o in zip(
            kind_code[at].tolist(), rule_code[at].tolist(), outcome_code[at].tolist(), strict=True
        )
    ]
    ends = np.cumsum(lengths[first[shown]]).tolist()
    distinct = [tuple(signed_rows[a:b]) for a, b in zip([0, *ends], ends, strict=False)]
    return distinct, number[inverse]


_AT = {name: k for k, name in enumerate(COLUMNS)}
"""Each column's place in a :data:`~grievance_rules.columnar.findings.Row`."""


_RATING_CODES: dict[Satisfaction | None, int] = {
    None: 0,
    Satisfaction.SATISFIED: 1,
    Satisfaction.BASICALLY_SATISFIED: 2,
    Satisfaction.DISSATISFIED: 3,
}


@dataclass(frozen=True, slots=True)
class BatchFacts:
    """What a batch's orders tell every pack's scorebook alike, found once per batch.

    Attributes:
        counted: per order, whether it is folded in and assessed (neither rejected
            nor excluded from assessment).
        assessed: how many are.
        days: the days the folded orders were received on (in Shanghai), in order
            of first sighting.
        left_out: the orders folded in but excluded from assessment, in input order:
            the day each was received (its place in ``days``) and its handling unit.
        rated: the assessed orders with a handling unit (those the rates count), in
            input order.
        unrated: the assessed orders with none, in input order: the day each was
            received (its place in ``days``) and why it has none
            (:func:`~.rates.unattributed_reason`).
        groups: the distinct (day received, handling unit) of those, in order of
            first sighting (the day's place in ``days``); ``group``: each rated order's.
        contacted, completed, resolution_d, resolution_n, rating, struck_off: each
            rated order's facts (:class:`~.rates.EventFacts`; ``rating``: 0 none, 1
            satisfied, 2 basically satisfied, 3 dissatisfied).
        closures: the rated orders with closures (their place among ``rated``, and
            the closures' outcomes), which a pack may strike off.
        units: each unit's first listing among the folded orders (order, unit), in
            order of sighting; ``names``: its first listing with a name.
    """

    counted: np.ndarray
    assessed: int
    days: list[dt.date]
    left_out: list[tuple[int, str | None]]
    rated: np.ndarray
    unrated: list[tuple[int, str]]
    groups: list[tuple[int, str]]
    group: np.ndarray
    contacted: np.ndarray
    completed: np.ndarray
    resolution_d: np.ndarray
    resolution_n: np.ndarray
    rating: np.ndarray
    struck_off: np.ndarray
    closures: list[tuple[int, frozenset[str]]]
    units: list[tuple[int, Unit]]
    names: list[tuple[int, Unit]]


def _batch_facts(
    orders: Sequence[WorkOrder],
    facts: Sequence[FactValues],
    excluded: Sequence[bool],
    received_on: Sequence[dt.date],
    accepted: Sequence[int],
    uncounted: frozenset[int] = frozenset(),
) -> BatchFacts:
    """:class:`BatchFacts` of the ``accepted`` orders of a batch (``facts``: each order's).

    ``uncounted``: the orders an approved return handed back that the pack counts for
    no unit (:func:`~.rates.returned_counted`): each is in no unit's row.
    """
    counted = np.zeros(len(orders), dtype=bool)
    days: dict[dt.date, int] = {}
    left_out: list[tuple[int, str | None]] = []
    rated: list[int] = []
    rated_days: list[int] = []
    unrated: list[tuple[int, str]] = []
    for i in accepted:
        day = days.setdefault(received_on[i], len(days))
        handler = None if i in uncounted else facts[i][0]
        if excluded[i]:
            left_out.append((day, handler))
        else:
            counted[i] = True
            if handler is not None:
                rated.append(i)
                rated_days.append(day)
            else:
                unrated.append((day, unattributed_reason(orders[i], facts[i][6], facts[i][7])))
    # the rated orders' facts, field by field (EventFacts' order)
    held, contacted, completed, resolved, rating, struck, closures, _back = (
        zip(*(facts[i] for i in rated), strict=True) if rated else ((),) * 8
    )
    groups: dict[tuple[int, str], int] = {}
    group = [
        groups.setdefault((day, handler), len(groups))
        for day, handler in zip(rated_days, held, strict=True)
    ]
    units: dict[str, tuple[int, Unit]] = {}
    names: dict[str, tuple[int, Unit]] = {}
    for i in accepted:
        for unit in orders[i].units:  # the first listing of each id, as one order at a time
            fields = unit.__dict__  # (one slow look-up on the model, not one per field)
            unit_id = fields["id"]
            if unit_id not in units:
                units[unit_id] = (i, unit)
            if fields["name"] and unit_id not in names:
                names[unit_id] = (i, unit)
    return BatchFacts(
        counted=counted,
        assessed=len(accepted) - len(left_out),
        days=list(days),
        left_out=left_out,
        rated=np.array(rated, dtype=np.int64),
        unrated=unrated,
        groups=list(groups),
        group=np.array(group, dtype=np.int64),
        contacted=np.array(contacted, dtype=bool),
        completed=np.array(completed, dtype=bool),
        resolution_d=np.array([r is not None for r in resolved], dtype=bool),
        resolution_n=np.array([r is True for r in resolved], dtype=bool),
        rating=np.array([_RATING_CODES[r] for r in rating], dtype=np.int8),
        struck_off=np.array(struck, dtype=bool),
        closures=[(k, found) for k, found in enumerate(closures) if found],
        units=list(units.values()),
        names=list(names.values()),
    )


@dataclass(frozen=True, slots=True)
class TabledBatch:
    """A batch of inputs judged on the columnar path, its orders' findings as columns.

    What :func:`table_batches` gives: the scoring calls fold a whole batch at once
    (:func:`~.folds.fold_batch`), :func:`table_stream` gives its inputs one at a time
    (:meth:`entries`).

    Attributes:
        start: the position of its first input among the stream's inputs.
        inputs: each input, in input order: its rejection, or its order's index in
            ``orders``.
        positions: each order's position among the stream's inputs.
        orders: the orders judged (also those rejected after, as a second record of an id).
        views: each order as known at its assessment's instant.
        facts: what each order's events tell the rates (:class:`~.rates.EventFacts`'
            fields).
        excluded: under each pack of ``packs``, whether each order is excluded from
            assessment (a pack may say which exclusions count: ``excluding_records``).
        received_on: the day each order was received, in Shanghai.
        packs: the findings under each pack, in the order the packs were given.
        accepted: the orders folded in (not rejected), in input order.
        shared: under each pack, what the folded orders tell its scorebook (one
            object for the packs that exclude the same orders).
        rejections: its rejected inputs (those of ``inputs``), each with its position
            among the stream's inputs, in input order (found once, for every pack's
            book: :meth:`rejected`).
        per_order: when the columnar evaluation failed on the batch, each order's
            rows under each pack as the per-order engine found them (``None``: judged
            as columns); ``packs`` holds the same rows as columns.
    """

    start: int
    inputs: list[Rejection | int]
    positions: list[int]
    orders: list[WorkOrder]
    views: list[OrderView]
    facts: list[FactValues]
    excluded: tuple[list[bool], ...]
    received_on: list[dt.date]
    packs: tuple[PackRows, ...]
    accepted: list[int]
    shared: tuple[BatchFacts, ...]
    rejections: list[tuple[int, Rejection]]
    per_order: _PerOrder | None = None

    def rejected(self) -> Iterator[tuple[int, Rejection]]:
        """Its rejected inputs, with their positions among the stream's inputs."""
        return iter(self.rejections)

    def entry(self, i: int, findings: tuple[OrderRows, ...] | None = None) -> Tabled:
        """The ``i``-th order as :func:`table_stream` gives it (``findings``: if found)."""
        order, fact = self.orders[i], EventFacts(*self.facts[i])
        if self.per_order is not None:
            rows = self.per_order[i]
            assert rows is not None
            per_pack = tuple(
                OrderRows(_engine_order(list(r)), excluded[i])
                for r, excluded in zip(rows, self.excluded, strict=True)
            )
            return Tabled(self.positions[i], order, self.views[i], fact, per_pack)
        if findings is None:
            findings = tuple(
                OrderRows(
                    rows.rows_of(i),
                    excluded[i],
                    None if rows.signatures is None else rows.signatures[i],
                )
                for rows, excluded in zip(self.packs, self.excluded, strict=True)
            )
        return Tabled(
            self.positions[i],
            order,
            self.views[i],
            fact,
            findings,
            self.received_on[i],
            unit_kind_of(order, fact.unit),
        )

    def entries(self) -> Iterator[Tabled | Rejection]:
        """Each input's findings rows under every pack (or its rejection), in input order."""
        found: list[tuple[OrderRows, ...]] | None = None
        if self.per_order is None:
            found = list(
                zip(
                    *(
                        rows.order_rows(excluded)
                        for rows, excluded in zip(self.packs, self.excluded, strict=True)
                    ),
                    strict=True,
                )
            )
        for item in self.inputs:
            if isinstance(item, Rejection):
                yield item
            else:
                yield self.entry(item, None if found is None else found[item])


_PerOrder = list[tuple[tuple[Row, ...], ...] | None]
"""A batch's rows found per order: each order's under each pack (``None``: it failed)."""


_Ready = tuple[int, str, WorkOrder, OrderView, dt.datetime]
"""A checked order: its position, source, the order, its view and the view's instant."""


def _judge_batch(
    batch: list[_Ready],
    plans: Sequence[PackPlan],
    as_of: dt.datetime | None,
    repeats: RepeatIndex | None,
    read: Sequence[ReadAt | None] | None = None,
) -> tuple[tuple[PackRows, ...], list[Rejection | None], _PerOrder | None, Frame | None]:
    """A batch of checked orders under every plan: each pack's rows, as columns.

    ``read``: per order, its reader's events as numbers (a Parquet record's), if any.

    Also each order that failed inside the engine (its rejection, else ``None``) and,
    when the columnar evaluation failed on the batch so that it was judged per order,
    each order's rows as found (``None``: judged as columns); and the batch's frame
    (its kept events as arrays, ``None`` when judged per order).
    """
    orders = [order for _, _, order, _, _ in batch]
    views = [view for _, _, _, view, _ in batch]
    instants = [instant for *_, instant in batch]
    n = len(orders)
    timed = [timed_clock_ids(plan.pack) for plan in plans]
    signed = len(plans) > 1
    # each order's unit its rates count for, numbered once for every pack
    rate_units = first_seen_codes([last_handling_unit(view.handling) or "" for view in views])
    try:
        results = evaluate_columnar_each(
            orders,
            plans,
            as_of=as_of,
            repeats=repeats,
            check_history=False,
            views=views,
            instants=instants,
            read=read,
        )
    except GrievanceRulesError:
        judged = _per_order_rows(orders, plans, as_of, repeats)
        failed: list[Rejection | None] = [
            found if isinstance(found, Rejection) else None for found in judged
        ]
        per_order = [None if isinstance(found, Rejection) else found for found in judged]
        # the same rows as columns, so that the batch is folded as any other
        per_pack: list[list[Row]] = [[] for _ in plans]
        for i, found in enumerate(per_order):
            for rows, pack_rows in zip(per_pack, found or (), strict=False):
                rows.extend((i, *row[1:]) for row in pack_rows)
        tables = tuple(
            _pack_rows(FindingRows(rows), n, pack_timed, signed, plan.excluding_records, rate_units)
            for rows, pack_timed, plan in zip(per_pack, timed, plans, strict=True)
        )
        return tables, failed, per_order, None
    tables = tuple(
        _pack_rows(result.findings, n, pack_timed, signed, plan.excluding_records, rate_units)
        for result, pack_timed, plan in zip(results, timed, plans, strict=True)
    )
    frame = results[0].batch.frame if results and results[0].batch is not None else None
    return tables, [None] * n, None, frame


def _excluded(orders: list[WorkOrder], views: list[OrderView], frame: Frame | None) -> list[bool]:
    """Whether each order is excluded from assessment (``excluded_from_assessment``).

    Its excluding event found among the frame's event types at once, when there is one
    (the views' kept events laid out flat), instead of event by event.
    """
    if frame is None:
        return [
            excluded_from_assessment(order, view.kept)
            for order, view in zip(orders, views, strict=True)
        ]
    by_event = frame.kept_of_type(EXCLUDING_EVENT)
    struck = frame.rows_of_type(STRIKING_EVENT)
    if len(struck):  # a 核减 of the whole order (scope assessment) excludes it as well
        whole = list(map(excludes_from_assessment, frame.events_at(struck.tolist())))
        by_event = by_event.copy()
        by_event[frame.order[struck[np.asarray(whole, dtype=bool)]]] = True
    by_event = by_event.tolist()
    return [
        excluded or excluded_by_flag(order)
        for order, excluded in zip(orders, by_event, strict=True)
    ]


def _excluded_per_pack(
    orders: list[WorkOrder], excluded: list[bool], tables: tuple[PackRows, ...]
) -> tuple[list[bool], ...]:
    """Under each pack of ``tables``, whether each order is excluded from assessment.

    ``excluded`` (by a flag or any ``excluded`` event) for a pack without records that
    exclude; for one with, by a flag or one of those records holding (the same list
    object when that comes to the same: the packs then share their :class:`BatchFacts`).
    """
    found = []
    for rows in tables:
        if rows.excluding is None:
            found.append(excluded)
            continue
        own = [i in rows.excluding or excluded_by_flag(o) for i, o in enumerate(orders)]
        found.append(excluded if own == excluded else own)
    return tuple(found)


def _received_on(orders: list[WorkOrder], frame: Frame | None) -> list[dt.date]:
    """The day each order was received, in Shanghai.

    From the frame's receipts in µs when there is one (``shanghai_day``: the date
    ``astimezone(SHANGHAI)`` gives), instead of a time-zone conversion per order.
    """
    if frame is None:
        return [order.received_at.astimezone(SHANGHAI).date() for order in orders]
    days = (shanghai_day(frame.received_us) + EPOCH_ORDINAL).tolist()
    return list(map(dt.date.fromordinal, days))


def table_batches(
    items: Iterable[OrderInput],
    packs: Sequence[Pack],
    *,
    as_of: dt.datetime | None = None,
    repeats: RepeatIndex | None = None,
    progress: Callable[[int], None] | None = None,
    duplicates: Duplicates = "reject",
    last: dict[str, int] | None = None,
    batch_size: int | None = None,
) -> Iterator[TabledBatch]:
    """The inputs judged under every pack a batch at a time, in input order.

    The columnar twin of :func:`~.stream.assess_stream`, a batch at a time: the same
    inputs accepted and rejected with the same reasons, the findings as columns
    instead of assessments. Arguments as for :func:`table_stream`; ``progress`` is
    called with 1 for each input of a batch once the batch has been folded (when the
    next is asked for).
    """
    size = BATCH_SIZE if batch_size is None else batch_size
    if duplicates == "last" and last is None:
        if not isinstance(items, Sequence) or isinstance(items, str | bytes):
            raise last_needs_a_sequence(items, last=True)
        last = last_positions(items)
    plans = [plan_for(pack) for pack in packs]
    seen = DuplicateIds(duplicates, last)

    def judged(chunk: list[tuple[int, OrderInput]]) -> TabledBatch:
        # the collector paused while the batch is read, checked and judged (not while
        # the caller folds it): see grievance_rules.collector; the language of the
        # inputs' sources and reasons found once, not from the environment per input
        with paused(), language(current_language()):
            entries = list(_checked(chunk, as_of, check_history=True))
            ready: list[_Ready] = []
            read: list[ReadAt | None] = []  # (a Parquet record's events as numbers)
            inputs: list[Rejection | int] = []
            for (position, source, entry, view, instant), (_, given) in zip(
                entries, chunk, strict=True
            ):
                if isinstance(entry, Rejection):
                    inputs.append(entry)
                else:
                    assert view is not None
                    assert instant is not None
                    inputs.append(len(ready))
                    ready.append((position, source, entry, view, instant))
                    read.append(given.columns if isinstance(given, Accepted) else None)
            tables, failed, per_order, frame = (
                _judge_batch(ready, plans, as_of, repeats, read) if ready else ((), [], None, None)
            )
            orders = [order for _, _, order, _, _ in ready]
            views = [view for _, _, _, view, _ in ready]
            accepted: list[int] = []
            start = chunk[0][0] if chunk else 0
            rejected: list[tuple[int, Rejection]] = []
            # the id check of the orders the engine judged, for the batch at once, in
            # input order (one it failed is rejected for that and not seen, as before)
            asked = [ready[i] for i, failure in enumerate(failed) if failure is None]
            reasons = iter(
                seen.reasons(
                    [order.id for _, _, order, _, _ in asked],
                    [position for position, _, _, _, _ in asked],
                    [source for _, source, _, _, _ in asked],
                )
            )
            for k, item in enumerate(inputs):
                if isinstance(item, Rejection):
                    rejected.append((start + k, item))
                    continue
                _position, source, order, _view, _instant = ready[item]
                failure = failed[item]
                if failure is not None:
                    rejection = Rejection(source=source, order_id=order.id, reasons=failure.reasons)
                elif (reason := next(reasons)) is not None:
                    rejection = Rejection(source=source, order_id=order.id, reasons=(reason,))
                else:
                    accepted.append(item)
                    continue
                inputs[k] = rejection
                rejected.append((start + k, rejection))
            facts = [event_fact_values(view.kept, view.handling) for view in views]
            anyhow = _excluded(orders, views, frame)
            excluded = _excluded_per_pack(orders, anyhow, tables)
            received_on = _received_on(orders, frame)
            # one BatchFacts for the packs that exclude the same orders (most often all;
            # every pack's, also when no order was judged)
            # (and count the orders an approved return handed back alike: most often
            # there are none)
            handed = [i for i in accepted if facts[i][7]]
            facts_of: dict[tuple[int, frozenset[int]], BatchFacts] = {}
            keys = []
            for plan, pack_excluded in zip(plans, excluded or [anyhow] * len(plans), strict=True):
                uncounted = frozenset(
                    i for i in handed if not returned_counted(plan.pack, received_on[i])
                )
                key = (id(pack_excluded), uncounted)
                if key not in facts_of:
                    facts_of[key] = _batch_facts(
                        orders, facts, pack_excluded, received_on, accepted, uncounted
                    )
                keys.append(key)
            shared = tuple(facts_of[key] for key in keys)
            return TabledBatch(
                start,
                inputs,
                [position for position, *_ in ready],
                orders,
                views,
                facts,
                excluded,
                received_on,
                tables,
                accepted,
                shared,
                rejected,
                per_order,
            )

    pending: list[tuple[int, OrderInput]] = []
    for position, item in enumerate(items):
        pending.append((position, item))
        if len(pending) >= size:
            yield judged(pending)
            if progress is not None:
                for _ in pending:
                    progress(1)
            pending = []
    if pending:
        yield judged(pending)
        if progress is not None:
            for _ in pending:
                progress(1)


def table_stream(
    items: Iterable[OrderInput],
    packs: Sequence[Pack],
    *,
    as_of: dt.datetime | None = None,
    repeats: RepeatIndex | None = None,
    progress: Callable[[int], None] | None = None,
    duplicates: Duplicates = "reject",
    last: dict[str, int] | None = None,
    batch_size: int | None = None,
) -> Iterator[Tabled | Rejection]:
    """Each input's findings rows under every pack (or its rejection), in input order.

    The columnar twin of :func:`~.stream.assess_stream`: the same inputs accepted and
    rejected with the same reasons, the findings as rows instead of assessments
    (:func:`table_batches`, an input at a time).

    Args:
        items: the inputs (see :mod:`.stream`).
        packs: loaded packs.
        as_of: the instant of every assessment (``None``: each order's last event).
        repeats: other orders' keys, for repeat conditions across orders.
        progress: called with 1 after each input.
        duplicates: as for :func:`~.stream.assess_stream`.
        last: with ``last``, each id's last position (computed here for a sequence).
        batch_size: orders evaluated together (memory is about this many orders);
            :data:`BATCH_SIZE` by default.
    """
    for batch in table_batches(
        items,
        packs,
        as_of=as_of,
        repeats=repeats,
        duplicates=duplicates,
        last=last,
        batch_size=batch_size,
    ):
        for entry in batch.entries():
            yield entry
            if progress is not None:
                progress(1)


def judge_stream(
    items: Iterable[OrderInput],
    packs: Sequence[Pack],
    *,
    path: ScoringPath = "auto",
    as_of: dt.datetime | None = None,
    repeats: RepeatIndex | None = None,
    processes: int = 1,
    progress: Callable[[int], None] | None = None,
    engine: EngineName = "native",
    duplicates: Duplicates = "reject",
) -> Iterator[Assessed | Tabled | Rejection]:
    """Each input judged on the path ``path`` chooses (:func:`choose_path`), in input order.

    An order comes as :class:`~.stream.Assessed` (per order) or :class:`Tabled`
    (columnar); :func:`~.folds.fold_into` puts either into a scorebook. Nothing is read
    before the first ``next`` (:func:`_judged`).
    """
    refuse_last_of_an_iterator(items, duplicates)
    return _judged(
        table_stream, items, packs, path, as_of, repeats, processes, progress, engine, duplicates
    )


def judge_batches(
    items: Iterable[OrderInput],
    packs: Sequence[Pack],
    *,
    path: ScoringPath = "auto",
    as_of: dt.datetime | None = None,
    repeats: RepeatIndex | None = None,
    processes: int = 1,
    progress: Callable[[int], None] | None = None,
    engine: EngineName = "native",
    duplicates: Duplicates = "reject",
) -> Iterator[Assessed | Rejection | TabledBatch]:
    """:func:`judge_stream`, the columnar path a batch at a time (:func:`table_batches`).

    What the scoring calls fold: an input at a time per order, a batch at a time on the
    columnar path (:func:`~.folds.fold_batch`). As :func:`judge_stream`, nothing is
    read before the first ``next`` (:func:`_judged`).
    """
    refuse_last_of_an_iterator(items, duplicates)
    return _judged(
        table_batches, items, packs, path, as_of, repeats, processes, progress, engine, duplicates
    )


def refuse_last_of_an_iterator(items: Iterable[OrderInput], duplicates: Duplicates) -> None:
    """``duplicates="last"`` needs the inputs as a sequence (they are read twice), refused now.

    The default path reads the first :data:`COLUMNAR_FROM` inputs into a list to choose
    the path: an iterator of fewer passed, a longer one (a year's file) failed, naming
    the chain it was read into and a ``last=`` the scoring functions do not take.
    """
    if duplicates == "last" and (not isinstance(items, Sequence) or isinstance(items, str | bytes)):
        raise last_needs_a_sequence(items, last=False)


_Columnar = TypeVar("_Columnar", Tabled | Rejection, TabledBatch)


def _judged(
    columnar: Callable[..., Iterator[_Columnar]],
    items: Iterable[OrderInput],
    packs: Sequence[Pack],
    path: ScoringPath,
    as_of: dt.datetime | None,
    repeats: RepeatIndex | None,
    processes: int,
    progress: Callable[[int], None] | None,
    engine: EngineName,
    duplicates: Duplicates,
) -> Iterator[Assessed | Rejection | _Columnar]:
    """The inputs judged on the path ``path`` chooses: by ``columnar``, else per order.

    Nothing is read before the first ``next``: on ``auto`` the path is chosen there,
    from the first inputs of a stream, inside the caller's fold (:func:`folded`), with
    the collector paused. Read at the call, outside it, a reader's first batch (4,096
    orders) was walked by a collector pass as soon as the reader resumed it: 6 % of a
    10,000-order ``compare_partial``.
    """
    chosen, items = choose_path(items, path, engine, processes)
    if chosen == "columnar":
        yield from columnar(
            items, packs, as_of=as_of, repeats=repeats, progress=progress, duplicates=duplicates
        )
        return
    yield from assess_stream(
        items,
        packs,
        as_of=as_of,
        repeats=repeats,
        processes=processes,
        progress=progress,
        engine=engine,
        duplicates=duplicates,
    )
