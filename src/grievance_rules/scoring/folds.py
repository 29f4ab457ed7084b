"""Folding judged orders into scorebooks: one order at a time, or a columnar batch at once.

The per-order path folds each order's :class:`~grievance_rules.engine.Assessment` in
(:meth:`ScoreBook.add`); the columnar path folds a batch's findings columns
(:class:`~.tables.TabledBatch`, from :func:`~.tables.table_batches`) with what every
pack's book reads alike found once per batch. Integer counts are added a batch at a
time; points (floats) are still added one by one, in input order, so a scorecard has
the same bytes either way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np

from grievance_rules.columnar.findings import Row
from grievance_rules.columnar.periods import period_slots, row_entry
from grievance_rules.engine.periods import tally_key
from grievance_rules.scoring.rates import (
    OrderOutcome,
    RateCounts,
    outcome_from,
    outcome_of,
    returned_counted,
)
from grievance_rules.scoring.scorecard import ScoreBook
from grievance_rules.scoring.stream import (
    Assessed,
)
from grievance_rules.scoring.tables import (
    BatchFacts,
    OrderRows,
    PackRows,
    Tabled,
    TabledBatch,
)

__all__ = ["add_to_book", "fold_batch", "fold_into"]


def fold_into(book: ScoreBook, entry: Assessed | Tabled, n: int) -> None:
    """Fold an order judged on either path into a scorebook, under the ``n``-th pack."""
    if isinstance(entry, Tabled):
        add_to_book(book, entry, entry.findings[n])
    else:
        book.add(entry.order, entry.assessments[n])


def fold_batch(book: ScoreBook, batch: TabledBatch, n: int) -> None:
    """Fold a batch's orders (not its rejections) into a scorebook, under the ``n``-th pack.

    The same records as :func:`fold_into` of each order in input order: counts added
    at once (integers), points still added one finding at a time in input order (they
    are sums of floats), and every dict filled in the order one order at a time fills it.
    """
    if not batch.accepted:
        return
    shared = batch.shared[n]
    _fold_tally(book, batch.packs[n], shared)
    book.inputs += len(batch.accepted)
    book.sight_units([unit for _i, unit in shared.units], [unit for _i, unit in shared.names])
    # each day's period of receipt, found as one order at a time finds it
    starts = [book.received_start(day) for day in shared.days]
    for day, unit in shared.left_out:
        book.excluded += 1
        if unit is not None:
            book.excluded_by_unit[(starts[day], unit)] += 1
        else:
            book.unattributed_excluded[starts[day]] += 1
    book.assessed += shared.assessed
    for day, reason in shared.unrated:
        book.unattributed[(starts[day], reason)] += 1
    if len(shared.rated):
        _fold_rates(book, batch.packs[n], shared, starts)


def _fold_tally(book: ScoreBook, rows: PackRows, shared: BatchFacts) -> None:
    """Count a batch's assessed orders' tally entries into the book's tally.

    What :func:`_count_entries` counts an order at a time, entry by entry and, for each,
    kind of period by kind of period: each (slot, key) counted once with its number,
    in the order of its first touch (so every dict is filled in the same order), and
    the deductions' points added one by one in that order (they are sums of floats).
    """
    tally = book.tally
    tally.excluded += len(shared.left_out)
    columns = rows.columns
    keep = shared.counted[columns["order"][rows.entries]]
    picked = rows.entries[keep]
    size = len(picked)
    if not size:
        return
    # each entry's (kind, rule, state) and unit as numbers, from the rows' codes (numbers
    # in sort order, not first-seen: what follows counts in order of first touch anyway)
    codes, distinct = rows.codes, rows.distinct
    kinds, rule_ids, states = distinct["kind"], distinct["rule_id"], distinct["state"]
    kind = codes["kind"][picked]
    named = (kind * len(rule_ids) + codes["rule_id"][picked]) * len(states)
    named += codes["state"][picked]
    names, key_of = _distinct_numbers(named)
    fold_keys = book.fold_keys
    keys = []
    for code in names.tolist():
        k, state = divmod(code, len(states))
        name = (kinds[k // len(rule_ids)], rule_ids[k % len(rule_ids)], states[state])
        keys.append(fold_keys.get(name) or fold_keys.setdefault(name, tally_key(*name)))
    unit_codes, unit_of = _distinct_numbers(codes["unit"][picked])
    units = [distinct["unit"][code] for code in unit_codes.tolist()]
    days, day_of = _distinct_numbers(rows.days[keep])
    # each kind of period's start of each day (period_slots' own), as an index of (kind, start)
    starts: dict[tuple[str, dt.date], int] = {}
    periods = tally.counted_kinds()
    start_of = np.array(
        [
            [starts.setdefault((period, start), len(starts)) for period, start, _ in found]
            for found in (
                period_slots(book.pack, periods, day, "", book.period_starts)
                for day in days.tolist()
            )
        ],
        dtype=np.int64,
    ).reshape(len(days), len(periods))
    # the slots entry by entry, kind of period by kind of period: (start, unit) as a number
    slot_of = start_of[day_of] * len(units) + unit_of[:, None]
    touched = (slot_of * len(names) + key_of[:, None]).ravel()
    pairs, first, number = _counted_numbers(touched)
    slot_at = pairs // len(names)
    # slot by slot in order of first touch, and in each its keys in order of first touch:
    # the order in which one entry at a time first puts each slot and each of its keys
    slot_start = np.flatnonzero(np.r_[True, slot_at[1:] != slot_at[:-1]])
    slot_first = np.minimum.reduceat(first, slot_start)
    in_order = np.lexsort((first, np.repeat(slot_first, np.diff(np.r_[slot_start, len(pairs)]))))
    start_list = list(starts)
    unit_list = list(units)
    slots: dict[int, tuple[str, dt.date, str]] = {}
    counts = tally.counts
    points_of = tally.points
    target: dict[str, int] = {}
    current = -1
    for at, code, count in zip(
        slot_at[in_order].tolist(),
        (pairs % len(names))[in_order].tolist(),
        number[in_order].tolist(),
        strict=True,
    ):
        if at != current:
            current = at
            start, unit = divmod(at, len(units))
            slot = slots[at] = (*start_list[start], unit_list[unit])
            target = counts[slot]
            points_of[slot] += 0.0  # (a slot's points are there from its first touch on)
        target[keys[code]] += count
    deduction = np.flatnonzero(kind == rows.code_of("kind", "deduction"))
    if len(deduction):
        # added one by one in input order, to each slot's running sum (held here by the
        # slot's number, and put back in the tally once: the same sums, fewer look-ups)
        summed = {at: points_of[slot] for at, slot in slots.items()}
        for places, points in zip(
            slot_of[deduction].tolist(),
            columns["points"][picked[deduction]].tolist(),
            strict=True,
        ):
            for at in places:
                summed[at] += points
        for at, total in summed.items():
            points_of[slots[at]] = total


_SPAN = 1 << 16
"""The range of whole numbers :func:`_distinct_numbers` and :func:`_counted_numbers` group by
a table as long as the range (or as a few times their number, if more), not by sorting."""


def _span(values: np.ndarray) -> tuple[int, int] | None:
    """The least of some whole numbers and their range, if short enough for a table."""
    if not len(values):
        return None
    low, high = int(values.min()), int(values.max())
    span = high - low + 1
    return (low, span) if span <= max(_SPAN, 4 * len(values)) else None


def _distinct_numbers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whole numbers' distinct values, in order, and each value's place among them.

    ``np.unique(values, return_inverse=True)``, without sorting: the fold's numbers
    (codes of a batch's strings, days) lie in a short range, so each is marked in a
    table of the range and the marks are numbered in order (else they are sorted).

    Example:
        >>> _distinct_numbers(np.array([7, 3, 7, 5]))
        (array([3, 5, 7]), array([2, 0, 2, 1]))
    """
    found = _span(values)
    if found is None:
        distinct, place = np.unique(values, return_inverse=True)
        return distinct, place.reshape(-1)
    low, span = found
    shifted = values - low
    seen = np.zeros(span, dtype=bool)
    seen[shifted] = True
    marked = np.flatnonzero(seen)
    number = np.zeros(span, dtype=np.int64)
    number[marked] = np.arange(len(marked))
    return marked + low, number[shifted]


def _counted_numbers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whole numbers' distinct values, in order, each one's first place and its count.

    ``np.unique(values, return_index=True, return_counts=True)``, without sorting where
    the numbers lie in a short range (:func:`_distinct_numbers`): counted in a table of
    the range, and each one's first place the least place it is at.

    Example:
        >>> _counted_numbers(np.array([7, 3, 7, 5]))
        (array([3, 5, 7]), array([1, 3, 0]), array([1, 1, 2]))
    """
    found = _span(values)
    if found is None:
        distinct, first, count = np.unique(values, return_index=True, return_counts=True)
        return distinct, first, count
    low, span = found
    shifted = values - low
    counts = np.bincount(shifted, minlength=span)
    marked = np.flatnonzero(counts)
    first = np.full(span, len(values), dtype=np.int64)
    np.minimum.at(first, shifted, np.arange(len(values)))
    return marked + low, first[marked], counts[marked]


def _fold_rates(
    book: ScoreBook, rows: PackRows, shared: BatchFacts, starts: Sequence[dt.date]
) -> None:
    """Count a batch's rated orders into the book's rates, as ``RateCounts.add`` would.

    The outcomes of :func:`~.rates.outcome_from` of each order, counted per (period of
    receipt, unit) at once; the units' counters made in the order one order at a time
    makes them.
    """
    rated = shared.rated
    decided = rows.decided[:, rated] > 0
    late = rows.late[:, rated] > 0
    sign_off, first_contact, reply = decided
    sign_off_late, first_contact_late, reply_late = late
    struck = shared.struck_off
    strike_off = book.strike_off_closures()
    if strike_off and shared.closures:
        struck = struck.copy()
        for k, closures in shared.closures:
            if not closures.isdisjoint(strike_off):
                struck[k] = True
    rating = shared.rating
    rated_now = (rating != 0) & ~(struck & (rating == 3))
    responded = sign_off | first_contact
    places: dict[tuple[dt.date, str], int] = {}
    into = np.array(
        [places.setdefault((starts[day], unit), len(places)) for day, unit in shared.groups],
        dtype=np.int64,
    )[shared.group]
    size = len(places)

    def count(mask: np.ndarray | None = None) -> list[int]:
        picked = into if mask is None else into[mask]
        found: list[int] = np.bincount(picked, minlength=size).tolist()
        return found

    orders = count()
    columns = (
        orders,  # orders
        count(sign_off & ~sign_off_late),  # on_time_sign_off_n
        count(sign_off),  # on_time_sign_off_d
        count(shared.contacted),  # first_contact_n
        count(shared.completed),  # completion_n
        orders,  # dispatched
        count(reply & ~reply_late),  # on_time_completion_n
        count(reply),  # on_time_completion_d
        count(responded & ~sign_off_late & ~first_contact_late),  # response_n
        count(responded),  # response_d
        count(shared.resolution_n),  # resolution_n
        count(shared.resolution_d),  # resolution_d
        count(rating == 1),  # satisfied
        count(rating == 2),  # basically_satisfied
        count(rated_now),  # rated
    )
    rates = book.rates
    for place, counted in zip(places, zip(*columns, strict=True), strict=True):
        found = rates.get(place)
        if found is None:
            rates[place] = RateCounts(*counted)
        else:
            found.add_counts(counted)


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
            clocks=[(row[2], row[6], row[5]) for row in found.rows if row[3] == "clock"],
            pack=book.pack,
            timed=book.timed_clock_ids(),
        )
    else:  # what outcome_of finds, found for the whole batch (_pack_rows)
        outcome = outcome_from(
            order,
            entry.facts,
            excluded=found.excluded,
            on_time=found.on_time,
            received_on=entry.received_on,
            unit_kind=entry.unit_kind,
            strike_off=book.strike_off_closures(),
            returned_counted=returned_counted(book.pack, entry.received_on),
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
