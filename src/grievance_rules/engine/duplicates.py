"""Telling a second record of an order id apart: the one decision every batch path takes.

A batch remembers each order id it has assessed so that a second record of the same
id is rejected (naming the first) or, with ``duplicates="last"``, so that only the
last record of an id is assessed. :class:`DuplicateIds` holds that memory;
:func:`input_id` reads the id an input claims without validating it, and
:func:`last_positions` is the first pass of ``duplicates="last"``.

How the memory stays small. :class:`DuplicateIds` keeps no id strings and no label
strings. Each id is kept as its 128-bit BLAKE2b digest
(``hashlib.blake2b(order_id.encode("utf-8"), digest_size=16)``: deterministic across
processes and runs, unlike Python's salted ``hash``; an id holding a lone surrogate,
which has no UTF-8, is encoded with ``surrogatepass``, still one byte string per id).
The label of its first record (``"#12"``, ``"orders.jsonl:17"``) is split into a
prefix and its trailing decimal digits (ASCII ``0``-``9``): the distinct prefixes are
kept once in a small list, and one 64-bit word per record holds the prefix's number
(top 16 bits) and the digits' value (low 48 bits). A label that would not be rebuilt
exactly so is kept whole in a side dict: no trailing digits (``"no-digits"``, ``""``),
a leading zero (``"x:007"``; ``"0"`` itself is kept as a number), a value of 2⁴⁸ or
more, or a prefix beyond the first 65,535. That is rare: the batch paths label
records ``#<position>`` or ``<source>:<line>``. The label rebuilt is the original,
character for character, so every message is the one a dict of strings gave.

Each entry is three ``uint64`` words (the digest's two halves, the label), appended to
numpy arrays in chunks of ``chunk`` entries (the first chunk grows by doubling up to
that size, so a small batch stays small), never moved once a chunk is full. An
open-addressing hash table (linear probing, ``int32`` entry numbers, ``-1`` empty) maps
the digest's low bits to the entry; it doubles when half full, rebuilt from the
entries' digests in a few vectorised passes (about 0.2 µs an id over a million ids,
counted in the figures below). A call costs one BLAKE2b digest and a probe or two,
scalar reads and writes through ``memoryview`` s of the arrays (plain ints).

Exactness. Two different ids are taken for one only if their 128-bit digests are
equal: for ``n`` distinct ids the probability that any two share one is at most
``n² / 2¹²⁹``: about 1.5e-27 for a million ids, 1.5e-21 for 10⁹ ids.

Measured (``benchmarks/duplicates_bench.py``; Python 3.11, numpy 2.4, on a two-core
machine shared with other work, load average 1.2-3): tracemalloc over 1,000,000 ids such
as ``"CD-2024-0000001"`` labelled ``"orders.jsonl:2"``, each string made fresh as a
reader makes it. A dict of id → label (what this class kept before) keeps 162.6 bytes
an id: the dict and the id and label strings it keeps alive. :class:`DuplicateIds`
keeps 33.6 bytes an id (24 in the entries, 8.4 the table of 2²¹ slots, the rest the
last chunk's spare room; 44.6 at the peak, while the table doubles). Per
:meth:`DuplicateIds.reason` call for a new id (the common case): 3.0-4.5 µs against the
dict's 0.3-0.4 µs (3.09 against 0.36 at load 1.2; a BLAKE2b digest alone is 0.7-1.4 µs
here); a second record costs mostly the message's translation either way (10.0-12.8 µs
with the dict, 10.3-16.8 µs here). An order costs about 400 µs to assess.
"""

from __future__ import annotations

import json
import operator
import struct
from collections.abc import Iterable, Mapping, Sequence
from hashlib import blake2b
from itertools import compress, repeat
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt

from grievance_rules.errors import ArgumentError, ArgumentTypeError, EngineArgumentError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list
from grievance_rules.model import WorkOrder

__all__ = [
    "DUPLICATES",
    "DuplicateIds",
    "Duplicates",
    "check_duplicates",
    "input_id",
    "last_needs_a_sequence",
    "last_positions",
]


Duplicates = Literal["reject", "last", "allow"]
"""What a batch does with a second input of an order id already seen: ``reject`` it
(naming the first), keep the ``last`` (the earlier ones are rejected as replaced), or
``allow`` it (every input assessed: for a caller that tells them apart itself)."""

DUPLICATES: tuple[str, ...] = get_args(Duplicates)
"""The values of :data:`Duplicates`, in order."""

_HALVES = struct.Struct("<QQ")
"""A 16-byte digest as two unsigned 64-bit halves (the first one places it in the table)."""

_BLAKE2B = blake2b(digest_size=16)
"""A digest of nothing yet, copied for each id (see :func:`_digest`)."""


def _digest(data: bytes) -> bytes:
    """``blake2b(data, digest_size=16).digest()``, from a copy of :data:`_BLAKE2B`.

    The same bytes; copying a digest of nothing is cheaper than making one from its
    arguments (about a fifth of what a digest of an order id costs).
    """
    digest = _BLAKE2B.copy()
    digest.update(data)
    return digest.digest()


_DIGITS = "0123456789"
_NUMBER_BITS = 48
"""A label's number takes the low 48 bits of its word, its prefix's number the top 16."""
_WHOLE = 0xFFFF
"""The prefix number of a label kept whole in the side dict."""
_WORDS = 3
"""Words an entry takes: the digest's two halves and the label."""


def check_duplicates(duplicates: object) -> None:
    """Refuse a ``duplicates=`` that is not one of :data:`Duplicates`.

    Raises:
        EngineError: it is not ``reject``, ``last`` or ``allow``.

    Example:
        >>> check_duplicates("keep_last")
        Traceback (most recent call last):
        ...
        grievance_rules.errors.EngineArgumentError: unknown duplicates 'keep_last'; one of: \
reject, last, allow
    """
    if duplicates not in DUPLICATES:
        raise EngineArgumentError(
            _("unknown duplicates {value}; one of: {values}").format(
                value=repr(duplicates), values=join_list(DUPLICATES)
            ),
            parameter="duplicates",
            value=duplicates,
        )


def last_needs_a_sequence(items: object, *, last: bool) -> ArgumentTypeError:
    """The error for ``duplicates="last"`` given ``items`` that cannot be read twice.

    ``last``: whether the function takes ``last=`` (each id's last position, from a
    first pass), the other way to give it.

    Example:
        >>> from grievance_rules.i18n import language
        >>> with language("en"):
        ...     str(last_needs_a_sequence(iter([]), last=False))
        "duplicates='last' needs the inputs as a sequence (a list), not list_iterator: \
they are read twice"
    """
    kind = type(items).__name__
    said = (
        _(
            "duplicates='last' needs the inputs as a sequence (a list), not {kind}: they are "
            "read twice; or give last= from a first pass"
        )
        if last
        else _(
            "duplicates='last' needs the inputs as a sequence (a list), not {kind}: they are "
            "read twice"
        )
    )
    return ArgumentTypeError(said.format(kind=kind), parameter="duplicates", value="last")


def _power_of_two(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ArgumentError(
            _("DuplicateIds: {name} must be a positive integer, not {value}").format(
                name=name, value=repr(value)
            ),
            parameter=name,
            value=value,
        )
    return 1 << (value - 1).bit_length()


def _table(capacity: int) -> npt.NDArray[np.signedinteger[Any]]:
    """An empty table of ``capacity`` slots (entry numbers up to half of it)."""
    dtype = np.int32 if capacity >> 1 < (1 << 31) - 1 else np.int64
    return np.full(capacity, -1, dtype=dtype)


def _place(
    table: npt.NDArray[np.signedinteger[Any]],
    entries: npt.NDArray[np.int64],
    homes: npt.NDArray[np.int64],
) -> None:
    """Write ``entries`` into free slots of ``table`` by linear probing from ``homes``.

    All at once, in a few vectorised passes: every waiting entry whose slot is free is
    written there; where several share one, one of them stays (whichever numpy wrote
    last) and the others move on, as past any slot already taken. Each entry ends in
    the first free slot of its probe sequence that no other took, so a look-up from
    its home finds it before an empty slot, which is all a look-up needs.
    """
    mask = table.size - 1
    waiting = entries
    while waiting.size:
        free = table[homes] < 0
        table[homes[free]] = waiting[free]
        left = table[homes] != waiting
        waiting = waiting[left]
        homes = (homes[left] + 1) & mask


_LONGEST = 15
"""The most digits a label's number may have (fewer than 2⁴⁸ is checked after)."""


def _split_labels(
    wheres: list[str],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], list[str]]:
    """The labels split as :meth:`DuplicateIds._add` splits each, for many at once.

    ``(numbered, numbers, heads, prefixes)``: the labels kept as a prefix and a number
    (their indices in ``wheres``, increasing) and their numbers; the others are kept
    whole. The labels of ``numbered`` come in runs of one prefix: ``heads`` are the
    runs' first places in ``numbered`` and ``prefixes`` their prefixes (a prefix may
    come back in a later run). Found on the labels' characters as one array of code
    points instead of a string method or two per label: the trailing ASCII digits
    (up to each label's last other character), the numbers read from them, and each
    label's prefix compared with the one before it; a Python string is made only for
    a run's prefix.
    """
    count = len(wheres)
    lengths = np.fromiter(map(len, wheres), dtype=np.int64, count=count)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    text = "".join(wheres).encode("utf-32-le", "surrogatepass")  # a code point each
    chars = np.frombuffer(text, dtype="<u4")
    if not chars.size:
        none = np.zeros(0, dtype=np.int64)
        return none, none, none, []
    others = np.flatnonzero((chars - np.uint32(48)) > 9)  # not "0" to "9"
    last = ends - 1
    before = np.searchsorted(others, last, side="right") - 1  # each label's last other
    other = np.where(before >= 0, np.take(others, before, mode="clip"), -1) if others.size else -1
    run = np.where(lengths > 0, last - np.maximum(other, starts - 1), 0)  # trailing digits
    lead = np.take(chars, ends - run, mode="clip")
    # digits that rebuild as they were (no leading zero) and may fit the label's word
    numbered = np.flatnonzero((run > 0) & (run <= _LONGEST) & ((lead != 48) | (run == 1)))
    width = int(run[numbered].max()) if numbered.size else 0
    places = np.arange(-width, 0)
    digits = np.take(chars, ends[numbered, None] + places, mode="clip").astype(np.int64) - 48
    digits[places < -run[numbered, None]] = 0
    numbers = digits @ 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    small = numbers < 1 << _NUMBER_BITS
    numbered, numbers = numbered[small], numbers[small]
    # each label's prefix against the one before it (only one of the same length can
    # be the same): all at once when every prefix has one length, as most often
    length = (lengths - run)[numbered]
    first = starts[numbered]
    same = np.zeros(numbered.size, dtype=bool)
    if numbered.size and (length == length[0]).all():
        rows = np.take(chars, first[:, None] + np.arange(length[0]))
        same[1:] = (rows[1:] == rows[:-1]).all(axis=1)
    else:
        alike = np.flatnonzero(length[1:] == length[:-1]) + 1
        sizes = length[alike]
        owner = np.repeat(np.arange(alike.size), sizes)
        offset = np.arange(owner.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        ours = np.take(chars, first[alike][owner] + offset)
        theirs = np.take(chars, first[alike - 1][owner] + offset)
        same[alike] = np.bincount(owner[ours != theirs], minlength=alike.size) == 0
    heads = np.flatnonzero(~same)
    prefixes = [
        wheres[k][:n] for k, n in zip(numbered[heads].tolist(), length[heads].tolist(), strict=True)
    ]
    return numbered, numbers, heads, prefixes


class DuplicateIds:
    """Tells a second record of an order id apart: the one decision every batch path takes.

    The ids seen are kept compactly (their 128-bit digests, the first record's label
    as a prefix number and an integer): see the module's description for the memory
    per id and the collision bound.

    Args:
        duplicates: ``reject``, ``last`` or ``allow`` (:data:`Duplicates`).
        last: with ``last``, each id's last position (:func:`last_positions`).
        capacity: the table's first size in slots (rounded up to a power of two);
            it doubles when half full. A tuning knob: small values force growth.
        chunk: entries a full chunk of the arrays holds (rounded up to a power of two).

    Raises:
        EngineError: ``duplicates`` is none of those three (a value the batch would
            otherwise have taken silently for ``reject``).

    Example:
        >>> seen = DuplicateIds("reject")
        >>> seen.reason("A", 0, "#0"), seen.reason("A", 1, "#1")
        (None, "id: duplicate order id 'A' (first at #0)")
        >>> DuplicateIds("last", {"A": 2}).reason("A", 0, "#0")
        "id: order id 'A' replaced by a later input (#2)"
        >>> seen.reason("B", 2, "orders.jsonl:17"), seen.reason("B", 3, "orders.jsonl:18")
        (None, "id: duplicate order id 'B' (first at orders.jsonl:17)")
        >>> len(seen), "B" in seen, seen.first_at("B"), seen.first_at("C")
        (2, True, 'orders.jsonl:17', None)
    """

    def __init__(
        self,
        duplicates: Duplicates,
        last: Mapping[str, int] | None = None,
        *,
        capacity: int = 16,
        chunk: int = 1 << 16,
    ) -> None:
        check_duplicates(duplicates)
        self.duplicates = duplicates
        self.last = last or {}
        slots = max(2, _power_of_two(capacity, "capacity"))
        size = _power_of_two(chunk, "chunk")
        self._count = 0
        """Entries so far (ids seen)."""
        self._limit = slots >> 1
        """Entries the table takes before it doubles."""
        self._mask = slots - 1
        self._table = _table(slots)
        self._slots = self._table.data
        """Slot → entry number, ``-1`` empty; read and written through ``_slots``."""
        self._shift = size.bit_length() - 1
        self._low = size - 1
        self._room = 0
        """Entries the chunks can hold."""
        self._chunks: list[npt.NDArray[np.uint64]] = []
        """Three words an entry: the digest's halves, then the label."""
        self._views: list[memoryview] = []
        """The chunks' memoryviews (scalar reads and writes in plain ints)."""
        self._prefixes: list[str] = []
        """The distinct label prefixes, by number."""
        self._codes: dict[str, int] = {}
        """Each label prefix → its number."""
        self._whole: dict[int, str] = {}
        """Entry number → a label kept whole (one the prefix and digits do not rebuild)."""

    def __getstate__(self) -> dict[str, Any]:
        """The state to pickle or copy: the arrays without their memoryviews."""
        state = dict(self.__dict__)
        del state["_slots"], state["_views"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a pickled or copied state, the memoryviews made again."""
        self.__dict__.update(state)
        self._slots = self._table.data
        self._views = [chunk.data for chunk in self._chunks]

    def __len__(self) -> int:
        """The number of distinct ids seen (first records kept)."""
        return self._count

    def __contains__(self, order_id: object) -> bool:
        """Whether a record of ``order_id`` has been kept."""
        return isinstance(order_id, str) and self._find(order_id)[0] >= 0

    def first_at(self, order_id: str) -> str | None:
        """Where the first kept record of ``order_id`` was (``None``: not seen)."""
        entry = self._find(order_id)[0]
        return None if entry < 0 else self._label(entry)

    def reason(self, order_id: str, position: int, where: str) -> str | None:
        """Why the record of ``order_id`` at ``position`` (``where``) is rejected, if it is."""
        if self.duplicates == "allow":
            return None
        later = self.last.get(order_id, position) if self.duplicates == "last" else position
        if later != position:
            return _("id: order id {order_id} replaced by a later input (#{later})").format(
                order_id=repr(order_id), later=later
            )
        entry, slot, hi, lo = self._find(order_id)
        if entry >= 0:
            return _("id: duplicate order id {order_id} (first at {first})").format(
                order_id=repr(order_id), first=self._label(entry)
            )
        self._add(slot, hi, lo, where)
        return None

    def reasons(
        self, order_ids: Sequence[str], positions: Sequence[int], wheres: Sequence[str]
    ) -> list[str | None]:
        """What :meth:`reason` gives for each record of a batch in turn, found at once.

        The same reasons, and the same ids and labels kept after, as calling
        ``reason(order_ids[k], positions[k], wheres[k])`` for ``k = 0, 1, ...``; only
        the table's slots may hold the batch's entries in another order (any order a
        look-up finds them in). The per-record Python work of :meth:`reason` (the probe
        loop, the label's split, the scalar writes) is done for the whole batch in a
        few passes: the digests in one list, the duplicates within the batch by sorting
        them, the look-ups and the new ids' places by vectorised linear probing, the
        labels' prefixes and numbers by ``map``. A second record, rare, still costs
        its message. The batch paths ask it once per batch, in input order.
        """
        count = len(order_ids)
        if len(positions) != count or len(wheres) != count:
            raise ValueError("order_ids, positions and wheres differ in length")
        results: list[str | None] = [None] * count
        if self.duplicates == "allow" or not count:
            return results
        asked: list[int] | None = None  # the records looked up (None: all of them)
        ids, labels = order_ids, wheres
        if self.duplicates == "last":
            laters = list(map(self.last.get, order_ids, positions))
            replaced = list(map(operator.ne, laters, positions))
            if any(replaced):
                said = _("id: order id {order_id} replaced by a later input (#{later})")
                for k in compress(range(count), replaced):
                    results[k] = said.format(order_id=repr(order_ids[k]), later=laters[k])
                asked = list(compress(range(count), map(operator.not_, replaced)))
                ids = [order_ids[k] for k in asked]
                labels = [wheres[k] for k in asked]
        size = len(ids)
        if not size:
            return results
        # each id's digest, as reason() finds it (surrogatepass changes nothing for
        # an id that has UTF-8, and gives a lone surrogate its bytes)
        digests = b"".join([_digest(i.encode("utf-8", "surrogatepass")) for i in ids])
        halves = np.frombuffer(digests, dtype="<u8").reshape(size, 2).astype(np.uint64)
        # the first record of each digest in the batch: a stable sort keeps equal
        # digests in input order
        order = np.lexsort((halves[:, 1], halves[:, 0]))
        ranked = halves[order]
        starts = np.ones(size, dtype=bool)
        starts[1:] = np.any(ranked[1:] != ranked[:-1], axis=1)
        first = np.empty(size, dtype=np.int64)
        first[order] = order[starts][np.cumsum(starts) - 1]
        distinct = np.sort(order[starts])  # each digest's first record, in input order
        entries = self._lookup(halves[distinct])
        before = self._count
        new = distinct[entries < 0]
        entries[entries < 0] = np.arange(before, before + new.size)
        if new.size:
            self._add_many(halves[new], [labels[k] for k in new.tolist()])
        entry = np.empty(size, dtype=np.int64)  # each record's entry: its first record's
        entry[distinct] = entries
        entry = entry[first]
        again = (first != np.arange(size)) | (entry < before)
        if again.any():
            said = _("id: duplicate order id {order_id} (first at {first})")
            for k, at in zip(np.flatnonzero(again).tolist(), entry[again].tolist(), strict=True):
                results[k if asked is None else asked[k]] = said.format(
                    order_id=repr(ids[k]), first=self._label(at)
                )
        return results

    def _find(self, order_id: str) -> tuple[int, int, int, int]:
        """``(entry, slot, hi, lo)``: the id's entry (``-1``: none, ``slot`` free for it)."""
        try:
            data = order_id.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (JSON allows "\\ud800")
            data = order_id.encode("utf-8", "surrogatepass")
        hi, lo = _HALVES.unpack(_digest(data))
        slots, mask, views, shift, low = (
            self._slots,
            self._mask,
            self._views,
            self._shift,
            self._low,
        )
        slot = hi & mask
        entry: int = slots[slot]
        while entry >= 0:
            words, at = views[entry >> shift], _WORDS * (entry & low)
            if words[at] == hi and words[at + 1] == lo:
                break
            slot = (slot + 1) & mask
            entry = slots[slot]
        return entry, slot, hi, lo

    def _add(self, slot: int, hi: int, lo: int, where: str) -> None:
        """Keep a new id's digest and its first record's label in a free ``slot``."""
        entry = self._count
        if entry == self._room:
            self._grow()
        words, at = self._views[entry >> self._shift], _WORDS * (entry & self._low)
        words[at] = hi
        words[at + 1] = lo
        prefix = where.rstrip(_DIGITS)
        digits = where[len(prefix) :]
        # digits that rebuild as they were (no leading zero) and fit the label's word
        number = int(digits) if 0 < len(digits) < 16 and (digits[0] != "0" or digits == "0") else -1
        code = self._codes.get(prefix) if 0 <= number < 1 << _NUMBER_BITS else _WHOLE
        if code is None and len(self._prefixes) < _WHOLE:
            code = self._codes[prefix] = len(self._prefixes)
            self._prefixes.append(prefix)
        if code is None or code == _WHOLE:
            self._whole[entry] = where
            words[at + 2] = _WHOLE << _NUMBER_BITS
        else:
            words[at + 2] = code << _NUMBER_BITS | number
        self._slots[slot] = entry
        self._count = entry + 1
        if self._count > self._limit:
            self._rehash(2 * (self._mask + 1))

    def _add_many(self, halves: npt.NDArray[np.uint64], wheres: list[str]) -> None:
        """Keep new ids' digests (``halves``, one row each) and labels, as ``_add`` in turn.

        The entries, the prefixes' numbers and the labels kept whole come out as
        ``_add`` called for each in order leaves them; the table grows to the size it
        would have reached and the new entries are placed in it at once.
        """
        count, before = len(wheres), self._count
        while self._room < before + count:
            self._grow()
        numbered, numbers, heads, prefixes = _split_labels(wheres)
        for prefix in dict.fromkeys(prefixes):  # new prefixes numbered in order of first use
            if prefix not in self._codes and len(self._prefixes) < _WHOLE:
                self._codes[prefix] = len(self._prefixes)
                self._prefixes.append(prefix)
        codes = np.repeat(
            np.fromiter(map(self._codes.get, prefixes, repeat(_WHOLE)), np.int64, len(prefixes)),
            np.diff(heads, append=numbered.size),
        )
        words = np.empty((count, _WORDS), dtype=np.uint64)
        words[:, :2] = halves
        words[:, 2] = _WHOLE << _NUMBER_BITS
        coded = codes != _WHOLE
        number = codes[coded].astype(np.uint64) << _NUMBER_BITS | numbers[coded].astype(np.uint64)
        words[numbered[coded], 2] = number
        for k in np.flatnonzero(words[:, 2] == _WHOLE << _NUMBER_BITS).tolist():
            self._whole[before + k] = wheres[k]
        done = 0
        while done < count:  # the words written chunk by chunk
            entry = before + done
            chunk = self._chunks[entry >> self._shift].reshape(-1, _WORDS)
            at = entry & self._low
            take = min(count - done, chunk.shape[0] - at)
            chunk[at : at + take] = words[done : done + take]
            done += take
        self._count = before + count
        slots = self._mask + 1
        while self._count > slots >> 1:
            slots *= 2
        if slots > self._mask + 1:
            self._rehash(slots)
        else:
            homes = (halves[:, 0] & np.uint64(self._mask)).astype(np.int64)
            _place(self._table, np.arange(before, self._count, dtype=np.int64), homes)

    def _lookup(self, halves: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        """The entry of each digest (``halves``, one row each; ``-1``: not kept)."""
        found = np.full(len(halves), -1, dtype=np.int64)
        if not self._count:
            return found
        waiting = np.arange(len(halves), dtype=np.int64)
        slots = (halves[:, 0] & np.uint64(self._mask)).astype(np.int64)
        while waiting.size:
            entries = self._table[slots].astype(np.int64)
            taken = np.flatnonzero(entries >= 0)
            same = np.zeros(waiting.size, dtype=bool)
            same[taken] = np.all(self._digests(entries[taken]) == halves[waiting[taken]], axis=1)
            found[waiting[same]] = entries[same]
            on = entries >= 0
            on &= ~same
            waiting = waiting[on]
            slots = (slots[on] + 1) & self._mask
        return found

    def _digests(self, entries: npt.NDArray[np.int64]) -> npt.NDArray[np.uint64]:
        """The digests of ``entries`` (one row of two halves each), read from the chunks."""
        if len(self._chunks) == 1:
            return self._chunks[0].reshape(-1, _WORDS)[entries, :2]
        found = np.empty((entries.size, 2), dtype=np.uint64)
        chunks = entries >> self._shift
        by = np.argsort(chunks, kind="stable")
        cuts = np.flatnonzero(chunks[by][1:] != chunks[by][:-1]) + 1
        for part in np.split(by, cuts):
            if part.size:
                chunk = self._chunks[int(chunks[part[0]])].reshape(-1, _WORDS)
                found[part] = chunk[entries[part] & self._low, :2]
        return found

    def _label(self, entry: int) -> str:
        """The label of an entry's first record, rebuilt exactly."""
        word: int = self._views[entry >> self._shift][_WORDS * (entry & self._low) + 2]
        code = word >> _NUMBER_BITS
        if code == _WHOLE:
            return self._whole[entry]
        return self._prefixes[code] + str(word & ((1 << _NUMBER_BITS) - 1))

    def _grow(self) -> None:
        """Room for more entries: the first chunk doubles up to full size, then whole chunks."""
        full = self._low + 1
        if len(self._chunks) == 1 and self._room < full:
            size = min(full, 2 * self._room)
            longer = np.zeros(_WORDS * size, np.uint64)
            longer[: self._chunks[0].size] = self._chunks[0]
            self._chunks[0], self._views[0] = longer, longer.data
        else:
            size = min(full, self._limit) if not self._chunks else full
            chunk = np.zeros(_WORDS * size, np.uint64)
            self._chunks.append(chunk)
            self._views.append(chunk.data)
        self._room = (len(self._chunks) - 1) * full + size

    def _rehash(self, slots: int) -> None:
        """A table of ``slots`` slots (a power of two), every entry placed in it again."""
        mask = np.uint64(slots - 1)
        homes = np.concatenate([(c[::_WORDS] & mask).astype(np.int64) for c in self._chunks])
        homes = homes[: self._count]
        table = _table(slots)
        _place(table, np.arange(self._count, dtype=np.int64), homes)
        self._slots.release()
        self._table, self._slots = table, table.data
        self._mask, self._limit = slots - 1, slots >> 1


def input_id(item: Any) -> str | None:
    """The order id an input claims, read without validating it (``None``: none to read)."""
    order = getattr(item, "order", item)  # a reader's accepted record carries its order
    if isinstance(order, WorkOrder):
        return order.id
    if isinstance(item, str | bytes):
        try:
            item = json.loads(item)
        except ValueError:
            return None
    if isinstance(item, Mapping):
        found = item.get("id")
        return found if isinstance(found, str) else None
    found = getattr(item, "order_id", None)  # a reader's rejected record
    return found if isinstance(found, str) else None


def last_positions(items: Iterable[Any]) -> dict[str, int]:
    """Each order id's last position among the inputs (the first pass of ``duplicates='last'``).

    Example:
        >>> last_positions([{"id": "a"}, '{"id": "b"}', {"id": "a"}, "{no"])
        {'a': 2, 'b': 1}
    """
    last: dict[str, int] = {}
    for position, item in enumerate(items):
        order_id = input_id(item)
        if order_id is not None:
            last[order_id] = position
    return last
