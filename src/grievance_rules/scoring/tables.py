"""Scorecards and comparisons folded from findings tables: the columnar path of scoring.

:func:`~grievance_rules.scoring.score`, :func:`~grievance_rules.scoring.compare` and
:func:`~grievance_rules.scoring.what_if` judge their orders one of two ways, with the
same result byte for byte:

* **per order** — each order through the engine, an
  :class:`~grievance_rules.engine.Assessment` per pack (:mod:`.stream`);
* **columnar** — the orders in batches of :data:`BATCH_SIZE` through
  :func:`grievance_rules.columnar.evaluate_columnar_each`, and the scorecards,
  totals and divergence patterns counted from the findings rows, an order at a time
  in input order (:func:`table_stream`). Only the diverging orders a comparison
  keeps in full (``examples``) are assessed again per order, for their citations and
  details.

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
engine's order (instant, then rule); as in :mod:`.merge`, points that are not
multiples of a power of two (0.1 ...) may differ in the last binary digit where two
deductions of one rule share an instant.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from grievance_rules.calendar import SHANGHAI
from grievance_rules.collector import paused
from grievance_rules.columnar import evaluate_columnar_each
from grievance_rules.columnar.findings import COLUMNS, FindingRows, Row, rows_of_assessment
from grievance_rules.columnar.instants import shanghai_day
from grievance_rules.columnar.periods import period_slots, row_entry
from grievance_rules.engine import Rejection, RepeatIndex
from grievance_rules.engine.batch import (
    INPUT_ERRORS,
    DuplicateIds,
    Duplicates,
    evaluate_each,
    input_rejection,
    last_positions,
)
from grievance_rules.engine.matching import EngineName, OrderView, check_integers, view_of
from grievance_rules.engine.periods import tally_key
from grievance_rules.engine.plan import PackPlan, plan_for
from grievance_rules.engine.single import instant_of
from grievance_rules.errors import GrievanceRulesError
from grievance_rules.i18n import current_language, language
from grievance_rules.model import WorkOrder, ensure_coherent
from grievance_rules.model.handling import excluded_from_assessment
from grievance_rules.packs import Pack
from grievance_rules.reading import Accepted
from grievance_rules.scoring.rates import (
    EventFacts,
    OrderOutcome,
    event_facts,
    outcome_from,
    outcome_of,
    timed_clock_ids,
    unit_kind_of,
)
from grievance_rules.scoring.scorecard import ScoreBook
from grievance_rules.scoring.stream import (
    Assessed,
    OrderInput,
    assess_stream,
    parse_input,
    source_of,
)

__all__ = [
    "BATCH_SIZE",
    "COLUMNAR_FROM",
    "FOLD_COLLECT_EVERY",
    "OrderRows",
    "ScoringPath",
    "Tabled",
    "add_to_book",
    "choose_path",
    "fold_into",
    "folding",
    "judge_stream",
    "table_stream",
]

ScoringPath = Literal["auto", "per-order", "columnar"]
"""How scoring judges its orders: ``per-order``, ``columnar``, or ``auto`` (by size)."""

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
def folding() -> Iterator[Callable[[], None]]:
    """The cyclic collector paused while a scoring call judges and folds its inputs.

    :func:`table_stream` pauses the collector while it judges a batch, not while its
    caller folds the batch's orders; then every pass of the collector walks the whole
    batch still held (its orders, views and rows), a third of the time of a columnar
    ``compare`` or ``score``. The scoring calls (``score``, ``compare``, the partial
    ones) fold inside this block instead: the batch is freed, by reference counting,
    before the collector resumes. Judging and folding make no cyclic garbage (none found
    over thousands of orders, rejected ones among them); so that any would stay bounded,
    the block's ``tick``, called after each input, runs a full collection every
    :data:`FOLD_COLLECT_EVERY` inputs (unless the caller had paused the collector). The
    collector is restored after, also on failure (:func:`~grievance_rules.collector.paused`).
    """
    enabled = gc.isenabled()
    count = 0

    def tick() -> None:
        nonlocal count
        count += 1
        if enabled and count % FOLD_COLLECT_EVERY == 0:
            gc.collect()

    with paused():
        yield tick


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
    signature: tuple[tuple[str, str, str | float], ...] | None = None
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
        ValueError: the columnar path asked for with the ``durable`` engine or with
            several processes, or an unknown path.
    """
    if path == "per-order":
        return "per-order", items
    if path == "columnar":
        if engine != "native":
            raise ValueError(
                "the columnar path uses the native matcher; engine='durable' runs per order"
            )
        if processes > 1:
            raise ValueError(
                "the columnar path runs in one process; "
                "for several, use grievance_rules.distributed (Dask)"
            )
        return "columnar", items
    if path != "auto":
        raise ValueError(f"unknown path {path!r}: auto, per-order or columnar")
    if engine != "native" or processes > 1:
        return "per-order", items
    if isinstance(items, Sequence) and not isinstance(items, str | bytes):
        return ("columnar" if len(items) >= COLUMNAR_FROM else "per-order"), items
    iterator = iter(items)
    head = list(itertools.islice(iterator, COLUMNAR_FROM))
    if len(head) < COLUMNAR_FROM:
        return "per-order", head
    return "columnar", itertools.chain(head, iterator)


def _engine_order(rows: list[Row]) -> tuple[Row, ...]:
    """One order's rows but its records, deductions last in the engine's order.

    The deductions by (instant, rule, place); records are left out (nothing in
    scoring reads a record's finding).
    """
    deductions = sorted((r for r in rows if r[3] == "deduction"), key=lambda r: (r[7], r[2], r[4]))
    return (*(r for r in rows if r[3] != "deduction" and r[3] != "record"), *deductions)


_Checked = tuple[int, str, WorkOrder | Rejection, OrderView | None]


def _checked(
    items: Iterable[tuple[int, OrderInput]], as_of: dt.datetime | None, check_history: bool
) -> Iterator[_Checked]:
    """Each input read and checked as the per-order engine checks it, before any rule.

    A reader's :class:`~grievance_rules.reading.results.Accepted` record had its
    history checked by the reader (``history_checked``), so it is not checked again.
    """
    for position, item in items:
        source = source_of(position, item)
        entry = parse_input(position, item)
        view = None
        if isinstance(entry, WorkOrder):
            try:
                if check_history and not (isinstance(item, Accepted) and item.history_checked):
                    ensure_coherent(entry)
                view = view_of(entry, instant_of(entry, as_of))
                check_integers(view)
            except INPUT_ERRORS as exc:
                rejected = input_rejection(source, item, entry.id, exc)
                entry = Rejection(source=source, order_id=entry.id, reasons=rejected.reasons)
                view = None
        yield position, source, entry, view


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


def _judge_batch(
    batch: list[tuple[int, str, WorkOrder, OrderView]],
    plans: Sequence[PackPlan],
    as_of: dt.datetime | None,
    repeats: RepeatIndex | None,
) -> list[Tabled | Rejection]:
    """A batch of checked orders under every plan, in input order."""
    orders = [order for _, _, order, _ in batch]
    views = [view for *_, view in batch]
    facts = [event_facts(view.kept, view.handling) for view in views]
    try:
        results = evaluate_columnar_each(
            orders, plans, as_of=as_of, repeats=repeats, check_history=False, views=views
        )
    except GrievanceRulesError:
        judged = _per_order_rows(orders, plans, as_of, repeats)
        out: list[Tabled | Rejection] = []
        for (position, source, order, view), fact, found in zip(batch, facts, judged, strict=True):
            if isinstance(found, Rejection):
                out.append(Rejection(source=source, order_id=order.id, reasons=found.reasons))
            else:
                excluded = excluded_from_assessment(order, view.kept)
                per_pack = tuple(OrderRows(_engine_order(list(r)), excluded) for r in found)
                out.append(Tabled(position, order, view, fact, per_pack))
        return out
    left_out = [
        excluded_from_assessment(order, view.kept)
        for order, view in zip(orders, views, strict=True)
    ]
    grouped = list(
        zip(
            *(
                _rows_by_order(
                    result.findings, left_out, timed_clock_ids(plan.pack), len(plans) > 1
                )
                for result, plan in zip(results, plans, strict=True)
            ),
            strict=True,
        )
    )
    tabled: list[Tabled | Rejection] = []
    for i, (position, _source, order, view) in enumerate(batch):
        fact = facts[i]
        tabled.append(
            Tabled(
                position,
                order,
                view,
                fact,
                grouped[i],
                order.received_at.astimezone(SHANGHAI).date(),
                unit_kind_of(order, fact.unit),
            )
        )
    return tabled


def _rows_by_order(
    findings: FindingRows,
    excluded: Sequence[bool],
    timed: tuple[frozenset[str], ...],
    signed: bool = True,
) -> list[OrderRows]:
    """A batch's findings other than records under one pack, per order, in the engine's order.

    Read from the findings' columns: the record rows (most of them, and nothing in
    scoring reads one) are never made into rows, and the engine's order within each
    order (:func:`_engine_order`) is one stable sort of the whole batch. What the fold
    reads of each order's rows (:class:`OrderRows`' ``signature``, ``on_time`` and
    ``counted``) is found here for the whole batch at once; the signatures only when
    ``signed`` (several packs: nothing compares the orders of one).
    """
    n = len(excluded)
    columns = findings.without("record").columns()
    keep = np.arange(len(columns["kind"]))
    kind = columns["kind"][keep]
    deduction = kind == "deduction"
    if deduction.any():
        # non-deductions first, as they are; then deductions by (instant, rule, place)
        rule_rank = np.zeros(len(keep), dtype=np.int64)
        rule_rank[deduction] = np.unique(columns["rule_id"][keep[deduction]], return_inverse=True)[
            1
        ]
        instant = np.where(deduction, columns["start_us"][keep], 0)
        place = np.where(deduction, columns["seq"][keep], 0)
        keep = keep[np.lexsort((place, rule_rank, instant, deduction, columns["order"][keep]))]
        kind = columns["kind"][keep]
        deduction = kind == "deduction"
    kept = {name: columns[name][keep] for name in COLUMNS}
    order, rule_id, state = kept["order"], kept["rule_id"], kept["state"]
    rows: list[Row] = list(zip(*(kept[name].tolist() for name in COLUMNS), strict=True))
    bounds: list[int] = np.searchsorted(order, np.arange(n + 1)).tolist()
    # the signature: (kind, rule, state or a deduction's points) of each row
    signatures: list[tuple[str, str, str | float]] | None = None
    if signed:
        outcome = state.copy()
        outcome[deduction] = kept["points"][deduction]
        signatures = list(zip(kind.tolist(), rule_id.tolist(), outcome.tolist(), strict=True))
    # each timed topic: orders with a decided clock of its rules, and with a breached one
    clock = kind == "clock"
    breached = clock & (state == "breached")
    decided = breached | (clock & (state == "met"))
    on_time: list[list[bool | None]] = []
    for rule_ids in timed:
        of_topic = np.isin(rule_id, list(rule_ids)) if rule_ids else np.zeros(len(keep), bool)
        count = np.bincount(order[decided & of_topic], minlength=n).tolist()
        late = np.bincount(order[breached & of_topic], minlength=n).tolist()
        on_time.append([None if c == 0 else b == 0 for c, b in zip(count, late, strict=True)])
    on_times = list(zip(*on_time, strict=True)) if timed else [()] * n
    # the period tally's entries: the rows with a unit
    units = kept["unit"].tolist()
    with_unit = np.fromiter((bool(unit) for unit in units), dtype=bool, count=len(units))
    stop = kept["stop_us"]
    at = np.where(
        (kind == "deduction") | (kind == "escalation"),
        kept["start_us"],
        np.where(clock & (stop < 0), kept["due_us"], stop),
    )[with_unit]
    days = shanghai_day(at).tolist()  # (row_entry's day, for the whole batch)
    names: dict[tuple[str, str, str], str] = {}
    keys = [
        names.get(name) or names.setdefault(name, tally_key(*name))
        for name in zip(
            kind[with_unit].tolist(),
            rule_id[with_unit].tolist(),
            state[with_unit].tolist(),
            strict=True,
        )
    ]
    points = np.where(deduction, kept["points"], 0.0)[with_unit].tolist()
    entries = list(zip(keys, zip(days, [u for u in units if u], strict=True), points, strict=True))
    entry_bounds: list[int] = np.searchsorted(order[with_unit], np.arange(n + 1)).tolist()
    return [
        OrderRows(
            tuple(rows[bounds[i] : bounds[i + 1]]),
            excluded[i],
            None if signatures is None else tuple(signatures[bounds[i] : bounds[i + 1]]),
            on_times[i],
            tuple(entries[entry_bounds[i] : entry_bounds[i + 1]]),
        )
        for i in range(n)
    ]


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
    rejected with the same reasons, the findings as rows instead of assessments.

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
    size = BATCH_SIZE if batch_size is None else batch_size
    if duplicates == "last" and last is None:
        if not isinstance(items, Sequence) or isinstance(items, str | bytes):
            raise TypeError(
                "duplicates='last' needs the inputs as a sequence, or last= from a first pass"
            )
        last = last_positions(items)
    plans = [plan_for(pack) for pack in packs]
    seen = DuplicateIds(duplicates, last)

    def judged(
        chunk: list[tuple[int, OrderInput]],
    ) -> list[tuple[_Checked, Tabled | Rejection | None]]:
        # the collector paused while the batch is read, checked and judged (not while
        # the caller folds it): see grievance_rules.collector; the language of the
        # inputs' sources and reasons found once, not from the environment per input
        with paused(), language(current_language()):
            entries = list(_checked(chunk, as_of, check_history=True))
            ready = [
                (p, s, e, v) for p, s, e, v in entries if isinstance(e, WorkOrder) and v is not None
            ]
            found = iter(_judge_batch(ready, plans, as_of, repeats) if ready else [])
            return [
                (entry, None if isinstance(entry[2], Rejection) else next(found))
                for entry in entries
            ]

    def flush(chunk: list[tuple[int, OrderInput]]) -> Iterator[Tabled | Rejection]:
        for (position, source, entry, _view), found in judged(chunk):
            if isinstance(entry, Rejection):
                yield entry
            else:
                assert found is not None
                if (
                    isinstance(found, Tabled)
                    and (reason := seen.reason(entry.id, position, source)) is not None
                ):
                    found = Rejection(source=source, order_id=entry.id, reasons=(reason,))
                yield found
            if progress is not None:
                progress(1)

    pending: list[tuple[int, OrderInput]] = []
    for position, item in enumerate(items):
        pending.append((position, item))
        if len(pending) >= size:
            yield from flush(pending)
            pending = []
    yield from flush(pending)


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
    (columnar); :func:`fold_into` puts either into a scorebook.
    """
    chosen, items = choose_path(items, path, engine, processes)
    if chosen == "columnar":
        return table_stream(
            items, packs, as_of=as_of, repeats=repeats, progress=progress, duplicates=duplicates
        )
    return assess_stream(
        items,
        packs,
        as_of=as_of,
        repeats=repeats,
        processes=processes,
        progress=progress,
        engine=engine,
        duplicates=duplicates,
    )


def fold_into(book: ScoreBook, entry: Assessed | Tabled, n: int) -> None:
    """Fold an order judged on either path into a scorebook, under the ``n``-th pack."""
    if isinstance(entry, Tabled):
        add_to_book(book, entry, entry.findings[n])
    else:
        book.add(entry.order, entry.assessments[n])


def add_to_book(book: ScoreBook, entry: Tabled, found: OrderRows) -> OrderOutcome:
    """Fold one order's rows under the book's pack into a scorebook, as ``book.add`` would."""
    if found.excluded:
        book.tally.excluded += 1
    elif found.counted is not None:
        _count_entries(book, found.counted)
    else:
        _count_rows(book, found.rows)
    order = entry.order
    if found.on_time is None or entry.received_on is None:
        outcome = outcome_of(
            order,
            entry.facts,
            excluded=found.excluded,
            clocks=[(row[2], row[6]) for row in found.rows if row[3] == "clock"],
            pack=book.pack,
            timed=book.timed_clock_ids(),
        )
    else:  # what outcome_of finds, found for the whole batch (_rows_by_order)
        outcome = outcome_from(
            order,
            entry.facts,
            excluded=found.excluded,
            on_time=found.on_time,
            received_on=entry.received_on,
            unit_kind=entry.unit_kind,
            strike_off=book.strike_off_closures(),
        )
    return book.add_outcome(order, outcome)


def _count_entries(book: ScoreBook, entries: Iterable[tuple[str, tuple[int, str], float]]) -> None:
    """Count one order's tally entries (:attr:`OrderRows.counted`) into the book's tally."""
    tally = book.tally
    counts = tally.counts
    points_of = tally.points
    slots_of = book.fold_slots
    for key, place, points in entries:
        slots = slots_of.get(place)
        if slots is None:
            slots = slots_of[place] = period_slots(
                book.pack, book.tally.counted_kinds(), *place, book.period_starts
            )
        for slot in slots:
            counts[slot][key] += 1
            points_of[slot] += points


def _count_rows(book: ScoreBook, rows: Iterable[Row]) -> None:
    """Count one order's findings rows into the book's tally, as ``count_rows`` counts them.

    (:func:`grievance_rules.columnar.periods.count_rows`, by
    :func:`~grievance_rules.columnar.periods.row_entry`.) The tally's key of each (kind,
    rule, state) and the slots of each (day, unit) are found once per book
    (:attr:`ScoreBook.fold_keys`, :attr:`ScoreBook.fold_slots`), not once per row.
    """
    names = book.fold_keys
    entries = []
    for row in rows:
        found = row_entry(row)
        if found is None:
            continue
        kind, rule_id, state, day, unit, points = found
        name = (kind, rule_id, state)
        key = names.get(name)
        if key is None:
            key = names[name] = tally_key(kind, rule_id, state)
        entries.append((key, (day, unit), points))
    _count_entries(book, entries)
