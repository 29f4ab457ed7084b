"""What a reader gives of a batch's events as numbers, laid onto a frame's rows.

The Parquet reader gives, beside each order it made from its cells unchanged, its
batch's events as the numbers it read them from (:class:`~grievance_rules.reading.
BatchColumns`: instants in µs, types and acting units as codes into words, a field's
values as codes). :func:`read_columns` finds which of a frame's orders can take them
(their kept events their first ones, as many as the batch says); the rest of this
module lays them onto the frame's rows (:func:`event_us`, :func:`types_of`,
:func:`units_of`, :func:`read_sources`), each order without them read from its
objects, so that the frame's arrays and codes are those its objects give.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from grievance_rules.columnar.instants import to_us_array
from grievance_rules.model import WorkOrder
from grievance_rules.reading.results import BatchColumns

__all__ = [
    "ReadAt",
    "ReadColumns",
    "ReadPart",
    "by_batch",
    "coded",
    "event_us",
    "first_seen",
    "order_us",
    "read_columns",
    "read_sources",
    "rows_of",
    "types_of",
    "units_of",
]

Int64s = npt.NDArray[np.int64]

ReadAt = tuple[BatchColumns, int]
"""A reader's batch's events as numbers and an order's place in them
(:attr:`~grievance_rules.reading.Accepted.columns`)."""


def rows_of(starts: Int64s, lengths: Int64s) -> Int64s:
    """``starts[j] + 0, ..., starts[j] + lengths[j] - 1`` for each ``j``, end to end.

    Example:
        >>> import numpy as np
        >>> rows_of(np.array([5, 0, 9]), np.array([2, 0, 3])).tolist()
        [5, 6, 9, 10, 11]
    """
    total = int(lengths.sum())
    before = np.cumsum(lengths) - lengths  # (where each run begins in the result)
    found: Int64s = np.arange(total, dtype=np.int64) + np.repeat(starts - before, lengths)
    return found


@dataclass(frozen=True)
class ReadPart:
    """The frame's orders from one reader's batch.

    Attributes:
        batch: the batch's columns.
        orders: the frame's orders from it.
        places: each one's place in the batch.
        rows: their kept events' rows in the frame, order after order.
        batch_rows: the same events' rows in the batch, in the same order.
    """

    batch: BatchColumns
    orders: Int64s
    places: Int64s
    rows: Int64s
    batch_rows: Int64s


@dataclass(frozen=True)
class ReadColumns:
    """The frame's orders' events as numbers as their readers read them, where they did.

    Attributes:
        parts: per reader's batch, the frame's orders from it (:class:`ReadPart`).
        rest: the frame's other orders.
        rest_rows: their kept events' rows in the frame, order after order.
    """

    parts: list[ReadPart]
    rest: Int64s
    rest_rows: Int64s

    def order_values(self, name: str, n: int) -> tuple[Int64s, Int64s]:
        """Per order, a per-order array of the batches (``-1`` for the rest), and the rest."""
        found = np.full(n, -1, dtype=np.int64)
        for part in self.parts:
            found[part.orders] = getattr(part.batch, name)[part.places]
        return found, self.rest


def by_batch(read: Sequence[ReadAt | None]) -> list[tuple[BatchColumns, Int64s, Int64s]]:
    """The orders given by each reader's batch: the batch, their places in ``read``, and in it.

    Each batch once (by identity), first met first; an order without (``None``) in none.

    Example:
        >>> import numpy as np
        >>> one, two = object(), object()
        >>> [(b is one, m.tolist(), p.tolist()) for b, m, p in by_batch(
        ...     [(one, 3), None, (two, 0), (one, 4)])]
        [(True, [0, 3], [3, 4]), (False, [2], [0])]
    """
    given = [i for i, entry in enumerate(read) if entry is not None]
    entries = cast("list[ReadAt]", list(map(read.__getitem__, given)))
    batches = list(map(operator.itemgetter(0), entries))
    places = np.fromiter(map(operator.itemgetter(1), entries), dtype=np.int64, count=len(given))
    ids = list(map(id, batches))
    of_id = dict(zip(ids, batches, strict=True))  # (each batch once, first seen first)
    number = {key: code for code, key in enumerate(of_id)}
    codes = np.fromiter(map(number.__getitem__, ids), dtype=np.int64, count=len(ids))
    members = np.asarray(given, dtype=np.int64)
    found = []
    for code, batch in enumerate(of_id.values()):
        chosen = codes == code
        found.append((batch, members[chosen], places[chosen]))
    return found


def read_columns(
    read: Sequence[ReadAt | None], orders: Sequence[WorkOrder], offsets: Int64s
) -> ReadColumns:
    """Which orders' events their readers give as numbers (their kept events their first ones).

    An order whose events are not as many as its reader's batch says is taken as one
    without (a record made by hand with another order's columns).
    """
    n = len(read)
    listed_of_order = np.fromiter(
        map(len, map(operator.attrgetter("events"), orders)), dtype=np.int64, count=n
    )
    kept = np.diff(offsets)
    usable = np.zeros(n, dtype=bool)
    parts: list[ReadPart] = []
    for batch, mine, at in by_batch(read):
        listed = batch.bounds[at + 1] - batch.bounds[at]
        fits = (listed == listed_of_order[mine]) & (kept[mine] <= listed)
        mine, at = mine[fits], at[fits]
        counts = kept[mine]
        frame_rows = rows_of(offsets[mine], counts)
        parts.append(ReadPart(batch, mine, at, frame_rows, rows_of(batch.bounds[at], counts)))
        usable[mine] = True
    rest = np.flatnonzero(~usable).astype(np.int64)
    return ReadColumns(parts, rest, rows_of(offsets[rest], kept[rest]))


def event_us(read: ReadColumns | None, offsets: Int64s, attrs: Sequence[dict[str, Any]]) -> Int64s:
    """Each kept event's instant in µs: from its reader's integers, else from its datetime."""
    if read is None:
        return to_us_array(list(map(operator.itemgetter("at"), attrs)))
    found = np.empty(len(attrs), dtype=np.int64)
    for part in read.parts:
        found[part.rows] = part.batch.at[part.batch_rows]
    rows = read.rest_rows
    found[rows] = to_us_array([attrs[g]["at"] for g in rows.tolist()])
    return found


_READ_AS = {"received_at": "received", "reply_deadline": "reply_deadline"}
"""The order's instant fields a reader gives as integers, by the name it gives them under."""


def order_us(read: ReadColumns | None, name: str, orders: Sequence[WorkOrder]) -> Int64s:
    """An instant field of each order in µs (``-1``: unset): from its reader, else its datetime."""
    given = _READ_AS.get(name)
    if read is None or given is None:
        return to_us_array([getattr(o, name, None) for o in orders])
    found, rest = read.order_values(given, len(orders))
    if len(rest):
        found[rest] = to_us_array([getattr(orders[i], name, None) for i in rest.tolist()])
    return found


def _words(
    given: ReadColumns | None,
    offsets: Int64s,
    attrs: Sequence[dict[str, Any]],
    name: str,
) -> tuple[Int64s, list[str], bool]:
    """Each kept event's ``type`` or acting ``unit`` as a code into words (``-1``: none).

    From its reader's codes where the reader gives them (:class:`~grievance_rules.
    reading.BatchColumns`), else from the event's field. Each word is one code, however
    many batches have it: the place of its first appearance in the words. Also whether
    the words are in the order the events first have them (read from the events alone).
    """
    if given is None or not given.parts:  # (each event's field, numbered as first met)
        codes, words = coded(list(map(operator.itemgetter(name), attrs)))
        return codes, words, True
    codes = np.full(len(attrs), -1, dtype=np.int64)
    words = []
    for part in given.parts:
        batch = part.batch
        read = (batch.types if name == "type" else batch.units)[part.batch_rows]
        codes[part.rows] = np.where(read >= 0, read + len(words), -1)
        words.extend(batch.type_names if name == "type" else batch.unit_names)
    rows = given.rest_rows
    values = list(map(operator.itemgetter(name), map(attrs.__getitem__, rows.tolist())))
    codes[rows], more = coded(values, len(words))
    words.extend(more)
    first: dict[str, int] = {}
    same = np.fromiter(
        (first.setdefault(word, k) for k, word in enumerate(words)), np.int64, count=len(words)
    )
    if len(same) != len(first):  # (a word of several batches: its first place)
        codes = np.where(codes >= 0, same[np.maximum(codes, 0)], -1)
    return codes, words, False


def coded(values: Sequence[str | None], start: int = 0) -> tuple[Int64s, list[str]]:
    """Words as codes from ``start`` in the order first met (``-1`` for none), and the words.

    Example:
        >>> codes, words = coded(["d1", None, "x9", "d1"])
        >>> codes.tolist(), words
        ([0, -1, 1, 0], ['d1', 'x9'])
    """
    distinct = dict.fromkeys(values)
    distinct.pop(None, None)
    place = {word: start + k for k, word in enumerate(distinct)}
    codes = np.fromiter(map(place.get, values, repeat(-1)), np.int64, count=len(values))
    return codes, cast("list[str]", list(place))


def first_seen(codes: Int64s, words: Sequence[str]) -> tuple[Int64s, list[str]]:
    """Codes into words renumbered in the order each is first met (``-1`` kept), and the words.

    Example:
        >>> import numpy as np
        >>> first_seen(np.array([2, -1, 0, 2]), ["a", "b", "c"])
        (array([ 0, -1,  1,  0]), ['c', 'a'])
        >>> first_seen(np.array([-1]), [])  # (no word: every code none)
        (array([-1]), [])
    """
    valid = np.flatnonzero(codes >= 0)
    first = np.full(len(words), len(codes), dtype=np.int64)
    np.minimum.at(first, codes[valid], valid)
    met = np.flatnonzero(first < len(codes))
    by_first = met[np.argsort(first[met], kind="stable")]
    rank = np.full(len(words) + 1, -1, dtype=np.int64)  # (the last, -1, a code -1 reads)
    rank[by_first] = np.arange(len(by_first), dtype=np.int64)
    renumbered: Int64s = rank[codes]
    return renumbered, [words[c] for c in by_first.tolist()]


def types_of(
    given: ReadColumns | None, offsets: Int64s, attrs: Sequence[dict[str, Any]]
) -> tuple[Int64s, list[str]]:
    """Each kept event's type as a code, the types numbered in the order first met."""
    codes, words, ordered = _words(given, offsets, attrs, "type")
    return (codes, words) if ordered else first_seen(codes, words)


def units_of(
    given: ReadColumns | None,
    offsets: Int64s,
    attrs: Sequence[dict[str, Any]],
    held: tuple[Int64s, Sequence[str]],
) -> tuple[dict[str, int], Int64s, Int64s]:
    """The units numbered in the order first met: over the acting units, then the handling.

    And each kept event's acting unit's code and its handling unit's (``-1``: none).
    ``held``: the handling unit after each kept event, as a code into distinct names
    (``-1``: none; :func:`coded`).
    """
    acting, words, ordered = _words(given, offsets, attrs, "unit")
    held_codes, held_names = held
    if ordered:  # (the handling units numbered after the acting ones, as first held)
        held_codes, held_names = first_seen(held_codes, held_names)
    place: dict[str, int] = {}
    for k, word in enumerate(words):
        place.setdefault(word, k)
    remap = []
    for unit in held_names:
        if unit not in place:
            place[unit] = len(words)
            words.append(unit)
        remap.append(place[unit])
    remap.append(-1)  # (code -1, none, reads the last)
    holding = np.asarray(remap, dtype=np.int64)[held_codes]
    if ordered:  # (the acting units as first met, then the others as first held)
        return {word: code for code, word in enumerate(words)}, acting, holding
    both, names = first_seen(np.concatenate((acting, holding)), words)
    codes = {name: code for code, name in enumerate(names)}
    return codes, both[: len(acting)], both[len(acting) :]


def read_sources(read: ReadColumns, offsets: Int64s) -> tuple[Int64s, Int64s]:
    """Per row of a frame (orders laid at ``offsets``), its order's part of ``read`` and its row.

    ``-1`` for a row of an order without its reader's numbers.
    """
    size = int(offsets[-1]) if len(offsets) else 0
    part_of = np.full(size, -1, dtype=np.int64)
    row_in = np.full(size, -1, dtype=np.int64)
    for p, part in enumerate(read.parts):
        part_of[part.rows] = p
        row_in[part.rows] = part.batch_rows
    return part_of, row_in
