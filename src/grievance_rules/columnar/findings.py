"""Findings as a table: one row per finding, one column per field, every kind together.

Columns (in :data:`COLUMNS` order):

``order`` (position in the batch), ``order_id``, ``rule_id``, ``kind`` (clock, window,
deduction, escalation, record), ``seq`` (the finding's place among its rule's findings
on the order), ``unit`` (the unit the clock runs against, the window's actor, the unit
charged, the escalation's target), ``state`` (a clock's or window's state; ``due`` for
an escalation; ``true``/``false`` for a record's computed part, empty when nothing is
computed), ``start_us`` (a clock's start, a window's opening, an escalation's ``since``,
a deduction's instant), ``due_us`` (a clock's due instant, a window's closing),
``stop_us`` (a clock's stop, a window's action), ``level`` (a clock's warning level),
``fraction`` (a clock's elapsed fraction), ``points`` (a deduction's), ``path``
(``columnar`` or ``per_order``), ``event`` (the index in the order's events of a
clock's start event or a window's action). Instants are int64 microseconds since 1970-01-01 UTC;
``-1`` / ``nan`` / empty where a field does not apply.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from grievance_rules.collector import paused
from grievance_rules.columnar._deps import require_pyarrow
from grievance_rules.columnar.instants import to_us
from grievance_rules.engine.assessment import Assessment

__all__ = [
    "COLUMNS",
    "Block",
    "Coded",
    "Columns",
    "Filler",
    "FindingRows",
    "Part",
    "Row",
    "as_rows",
    "block",
    "first_seen_codes",
    "full",
    "rows_of_assessment",
    "sort_ranks",
]

COLUMNS = (
    "order",
    "order_id",
    "rule_id",
    "kind",
    "seq",
    "unit",
    "state",
    "start_us",
    "due_us",
    "stop_us",
    "level",
    "fraction",
    "points",
    "path",
    "event",
)

Row = tuple[int, str, str, str, int, str, str, int, int, int, str, float, float, str, int]
"""One finding, in :data:`COLUMNS` order."""

_INT_COLUMNS = frozenset({"order", "seq", "start_us", "due_us", "stop_us", "event"})
_FLOAT_COLUMNS = frozenset({"fraction", "points"})
_STRING_COLUMNS = tuple(
    name for name in COLUMNS if name not in _INT_COLUMNS and name not in _FLOAT_COLUMNS
)
_NUMBER_COLUMNS = tuple(name for name in COLUMNS if name not in _STRING_COLUMNS)
_NAN = math.nan


Columns = dict[str, npt.NDArray[Any]]
"""Findings as numpy columns, one per name of :data:`COLUMNS` (strings as object arrays)."""


class Coded(NamedTuple):
    """A column of strings as places in a list of them: the strings are ``words[codes]``.

    How a kernel that computed a string column as numbers (a clock's state, its unit)
    hands it on, so that the table turns each distinct string into Arrow once, not
    once per finding. ``-1`` is the last word, as numpy indexes.
    """

    codes: npt.NDArray[np.integer[Any]]
    words: npt.NDArray[Any]
    """The strings (an object array)."""


class Block(NamedTuple):
    """One rule's findings as columns (:func:`block`), with string columns known as codes.

    ``coded`` holds some of the string columns as :class:`Coded`; ``columns`` holds the
    rest, and may hold a coded one too (its strings). :meth:`column` gives any column.
    """

    columns: Columns
    coded: dict[str, Coded]

    @property
    def size(self) -> int:
        """How many findings."""
        return len(self.columns["order"])

    def column(self, name: str) -> npt.NDArray[Any]:
        """One column of :data:`COLUMNS` (a coded one's strings made when asked for)."""
        found = self.columns.get(name)
        if found is None:
            coded = self.coded[name]
            found = coded.words[coded.codes]
        return found


Part = list[Row] | Block
"""What a kernel gives for one rule: rows, or a block of columns (:func:`block`)."""


def as_rows(part: Part | Columns) -> list[Row]:
    """A kernel's findings as rows: a block's in its order, rows as they are."""
    if isinstance(part, Block):
        return list(zip(*(part.column(name).tolist() for name in COLUMNS), strict=True))
    if isinstance(part, dict):
        return list(zip(*(part[name].tolist() for name in COLUMNS), strict=True))
    return part


class _Table(NamedTuple):
    """The findings in the table's order: the numbers, and the strings as codes."""

    numbers: Columns
    strings: dict[str, Coded]


class FindingRows:
    """Findings gathered as rows or as blocks of columns, given as either.

    Kernels that compute a rule over the whole batch add a block of columns
    (:meth:`extend_columns`); others add rows. :attr:`rows` (and iteration) give
    every finding as a :data:`Row`, :meth:`columns` and :meth:`to_arrow` as columns;
    each is built once, when first asked for, in the order :meth:`sort` sets.
    """

    def __init__(self, rows: Iterable[Row] | None = None) -> None:
        self._parts: list[list[Row] | Block] | None = []
        """What was added; ``None`` once the table (in order) replaced it."""
        self._size = 0
        self._sorted = False
        self._rows: list[Row] | None = None
        self._table: _Table | None = None
        self._columns: Columns | None = None
        if rows is not None:
            self.extend(list(rows))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __repr__(self) -> str:
        return f"FindingRows({self._size} findings)"

    @property
    def rows(self) -> list[Row]:
        """Every finding as a row, in :data:`COLUMNS` order (built once)."""
        if self._rows is None:
            with paused():
                return self._materialise()
        return self._rows

    def rows_as_added(self) -> tuple[list[Row], bool]:
        """Every finding as a row in the order added (not sorted), and whether sorted.

        Whether :meth:`sort` asks for them in order: then :attr:`rows` gives these rows
        sorted (a stable sort by order, kind, rule and place), which a caller sorting
        them its own way anyway need not have made.
        """
        rows: list[Row] = []
        for part in self._parts_now():
            rows.extend(as_rows(part))
        return rows, self._sorted

    def _parts_now(self) -> list[list[Row] | Block]:
        """The parts; the table (in order) as one block when it replaced them."""
        if self._parts is None:
            assert self._table is not None
            self._parts = [Block(self._columns_now(), dict(self._table.strings))]
        return self._parts

    def _materialise(self) -> list[Row]:
        if self._rows is None:
            if self._parts is not None and all(isinstance(part, list) for part in self._parts):
                rows, in_order = self.rows_as_added()
                if in_order:
                    rows.sort(key=itemgetter(0, 3, 2, 4))
            else:  # (sorted, when asked, as columns: see columns())
                rows = as_rows(self.columns())
            self._rows = rows
            self._parts = [rows]
        return self._rows

    def _changed(self) -> None:
        if self._sorted and self._rows is None and self._table is None:
            self._table_now()  # what was sorted stays sorted; what comes after follows it
        self._sorted = False
        if self._rows is not None:
            self._parts = [self._rows]
        else:
            self._parts = self._parts_now()
        self._rows = None
        self._table = None
        self._columns = None

    def extend(self, rows: list[Row]) -> None:
        """Add rows."""
        if rows:
            self._changed()
            self._parts_now().append(list(rows))
            self._size += len(rows)

    def extend_columns(self, block: Columns | Block) -> None:
        """Add a block of findings as columns (every name of :data:`COLUMNS`, equal lengths).

        A :class:`Block` (what :func:`block` makes) may give string columns as codes too.
        """
        if not isinstance(block, Block):
            block = Block(block, {})
        size = block.size
        if size:
            self._changed()
            self._parts_now().append(block)
            self._size += size

    def sort(self) -> None:
        """Rows in order, then kind, then rule and place (the per-order engine's order aside).

        A stable sort: findings that tie keep the order in which they were added.
        """
        if self._size:
            self._changed()
            self._sorted = True

    def orders_with(self, rule_ids: frozenset[str], state: str) -> set[int]:
        """The orders with a finding of one of ``rule_ids`` in ``state``.

        Read from the parts as they were added, without making rows or columns of the
        rest (records that exclude an order: ``excluding_records``).
        """
        found: set[int] = set()
        for part in self._parts_now():
            if isinstance(part, Block):
                hit = part.column("state") == state
                of_rule = np.zeros(len(hit), dtype=bool)
                rules = part.column("rule_id")
                for rule_id in rule_ids:
                    of_rule |= rules == rule_id
                found.update(part.columns["order"][hit & of_rule].tolist())
            else:
                found.update(row[0] for row in part if row[2] in rule_ids and row[6] == state)
        return found

    def without(self, kind: str) -> FindingRows:
        """The findings but those of one kind, in the same order (a new table).

        Built from the parts as they were added, so the findings left out are never
        made into columns or rows, nor sorted: the scoring fold leaves out the records
        (most findings) before it reads the rest as columns.
        """
        out = FindingRows()
        parts: list[list[Row] | Block] = []
        for part in self._parts_now():
            if isinstance(part, Block):
                keep = part.column("kind") != kind
                if keep.all():
                    parts.append(part)
                elif keep.any():
                    parts.append(
                        Block(
                            {name: column[keep] for name, column in part.columns.items()},
                            {
                                name: Coded(coded.codes[keep], coded.words)
                                for name, coded in part.coded.items()
                            },
                        )
                    )
                else:
                    continue
            else:
                rows = [row for row in part if row[3] != kind]
                if not rows:
                    continue
                parts.append(rows)
            last = parts[-1]
            out._size += last.size if isinstance(last, Block) else len(last)
        out._parts = parts
        out._sorted = self._sorted  # sorting what is left keeps its order among the rest
        return out

    def columns(self) -> Columns:
        """The findings as numpy columns (strings as object arrays)."""
        if self._columns is None:
            with paused():
                return self._columns_now()
        return self._columns

    def _columns_now(self) -> Columns:
        if self._columns is None:
            table = self._table_now()
            out = dict(table.numbers)
            for name, coded in table.strings.items():
                out[name] = coded.words[coded.codes]
            self._columns = {name: out[name] for name in COLUMNS}
        return self._columns

    def _table_now(self) -> _Table:
        """The findings in order, the strings as codes into each column's distinct strings."""
        if self._table is None:
            blocks = [
                part if isinstance(part, Block) else Block(_columns_of_rows(part), {})
                for part in self._parts_now()
            ] or [Block(_columns_of_rows([]), {})]
            numbers = {
                name: np.concatenate([b.columns[name] for b in blocks]) for name in _NUMBER_COLUMNS
            }
            ids = _batch_ids(blocks)
            strings = {
                name: _merged([b.coded.get(name) or _factorised(b.columns[name]) for b in blocks])
                for name in _STRING_COLUMNS
                if name != "order_id" or ids is None
            }
            if self._sorted and len(numbers["order"]) > 1:
                permutation = _table_order(
                    numbers["order"], strings["kind"], strings["rule_id"], numbers["seq"]
                )
                numbers = {name: column[permutation] for name, column in numbers.items()}
                strings = {
                    name: Coded(coded.codes[permutation], coded.words)
                    for name, coded in strings.items()
                }
            if ids is not None:  # (the ids of the orders: their codes are the order column)
                strings["order_id"] = Coded(numbers["order"], ids)
            self._table = _Table(numbers, {name: strings[name] for name in _STRING_COLUMNS})
            if self._rows is None:
                self._parts = None  # (what was added is the table now: kept once)
        return self._table

    def to_arrow(self) -> Any:
        """The findings as a ``pyarrow.Table`` (instants as UTC timestamps, µs).

        Raises:
            MissingExtraError: pyarrow is not installed (the ``columnar`` extra).
        """
        pa = require_pyarrow()
        with paused():
            return self._arrow(pa)

    def _arrow(self, pa: Any) -> Any:
        table = self._table_now()
        arrays = {}
        for name in COLUMNS:
            if name in table.strings:  # an empty string is no value
                arrays[name] = _coded_strings(pa, table.strings[name])
                continue
            values = table.numbers[name]
            if name.endswith("_us"):
                arrays[name.removesuffix("_us")] = pa.array(
                    values, pa.timestamp("us", tz="UTC"), mask=values < 0
                )
            elif name in _INT_COLUMNS:
                arrays[name] = pa.array(values, pa.int64())
            else:
                arrays[name] = pa.array(values, pa.float64(), mask=np.isnan(values))
        return pa.table(arrays)


def _coded_strings(pa: Any, coded: Coded) -> Any:
    """A coded column as an Arrow ``string`` array, an empty string as null.

    Each distinct string is made into Arrow once; the column is taken from them by
    its codes (Arrow's own cast of a dictionary array).
    """
    words = coded.words.tolist()
    codes = coded.codes.astype(np.int32, copy=False)
    empty = [i for i, word in enumerate(words) if word == ""]
    mask = None if not empty else codes == empty[0] if len(empty) == 1 else np.isin(codes, empty)
    dictionary = pa.DictionaryArray.from_arrays(
        pa.array(codes, pa.int32(), mask=mask), pa.array(words, pa.string())
    )
    return dictionary.cast(pa.string())


def _batch_ids(blocks: Sequence[Block]) -> npt.NDArray[Any] | None:
    """The batch's order ids when every block's ``order_id`` is ``ids[order]``, else ``None``.

    The blocks a kernel makes (:func:`block`) code their order ids by the order column
    into the batch's ids; a block made of rows is checked against them. The table then
    codes the column the same way, and merges no strings for it.
    """
    ids: npt.NDArray[Any] | None = None
    for b in blocks:
        coded = b.coded.get("order_id")
        if coded is not None:
            ids = coded.words
            break
    if ids is None:
        return None
    for b in blocks:
        order = b.columns["order"]
        coded = b.coded.get("order_id")
        if coded is not None:
            if coded.words is not ids or not (
                coded.codes is order or np.array_equal(coded.codes, order)
            ):
                return None
        elif len(order) and (
            int(order.min()) < 0
            or int(order.max()) >= len(ids)
            or not bool((ids[order] == b.columns["order_id"]).all())
        ):
            return None
    return ids


def _table_order(
    order: npt.NDArray[np.int64], kind: Coded, rule_id: Coded, seq: npt.NDArray[np.int64]
) -> npt.NDArray[np.intp]:
    """The permutation putting findings in order, then kind, then rule, then place (stable).

    One stable sort of the four as one integer (each a digit of its own base) while
    they fit in 63 bits, which the findings of a batch do; else a sort by each in turn
    (``np.lexsort``), which gives the same permutation.
    """
    kinds, rules = _ranks(kind), _ranks(rule_id)
    low, high = int(seq.min()), int(seq.max())
    places = high - low + 1
    orders = int(order.max()) + 1
    if int(order.min()) >= 0 and orders * len(kind.words) * len(rule_id.words) * places < 2**62:
        key = ((order * len(kind.words) + kinds) * len(rule_id.words) + rules) * places
        key += seq - low
        found: npt.NDArray[np.intp] = np.argsort(key, kind="stable")
        return found
    found = np.lexsort((seq, rules, kinds, order))
    return found


def _factorised(values: npt.NDArray[Any]) -> Coded:
    """A column of strings as codes: each distinct string numbered as it first comes.

    A column of one value throughout (a block's rule or kind) is found at once.
    """
    m = len(values)
    if m and bool((values == values[0]).all()):
        return Coded(np.zeros(m, dtype=np.int32), values[:1])
    numbers, codes = first_seen_codes(values.tolist())
    return Coded(codes, _words(numbers))


def _merged(parts: list[Coded]) -> Coded:
    """Coded parts as one column, coded into the distinct strings of them all.

    The parts' words are renumbered once per words array (the blocks of one batch
    share its order ids), not once per string: the distinct arrays' words numbered
    together, as they first come.
    """
    arrays = list({id(part.words): part.words for part in parts}.values())
    numbers, codes = first_seen_codes(
        list(itertools.chain.from_iterable(words.tolist() for words in arrays))
    )
    bounds = np.cumsum([0, *map(len, arrays)]).tolist()
    renumbered = {
        id(words): codes[start:end]
        for words, start, end in zip(arrays, bounds[:-1], bounds[1:], strict=True)
    }
    return Coded(
        np.concatenate([renumbered[id(part.words)][part.codes] for part in parts]),
        _words(numbers),
    )


def _words(numbers: dict[Any, int]) -> npt.NDArray[Any]:
    """The words in the order of their numbers (an object array)."""
    words = np.empty(len(numbers), dtype=object)
    words[:] = list(numbers)
    return words


_Value = TypeVar("_Value")


def first_seen_codes(values: Sequence[_Value]) -> tuple[dict[_Value, int], npt.NDArray[np.int64]]:
    """Each distinct value numbered in order of first sighting (0, 1 ...), and each value's number.

    Each value looked up once, its number written as a byte (the per-value work of a
    batch's string columns, four a pack: numbering them in two passes, into an integer
    array, took twice the instructions).

    Example:
        >>> first_seen_codes(["b", "a", "b"])
        ({'b': 0, 'a': 1}, array([0, 1, 0]))
    """
    # one pass: a value not yet numbered is given the next number as it is first looked up
    found: defaultdict[_Value, int] = defaultdict(itertools.count().__next__)
    try:  # the numbers as bytes while there are at most 256 (a few per column: most often)
        codes = np.frombuffer(bytes(map(found.__getitem__, values)), dtype=np.uint8)
    except ValueError:  # (more: those numbered so far keep their numbers)
        codes = np.fromiter(map(found.__getitem__, values), dtype=np.int64, count=len(values))
    return dict(found), codes.astype(np.int64)


def _columns_of_rows(rows: list[Row]) -> Columns:
    out: Columns = {}
    transposed: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) or [()] * len(COLUMNS)
    for name, values in zip(COLUMNS, transposed, strict=True):
        if name in _INT_COLUMNS:
            out[name] = np.asarray(values, dtype=np.int64)
        elif name in _FLOAT_COLUMNS:
            out[name] = np.asarray(values, dtype=np.float64)
        else:
            out[name] = np.asarray(values, dtype=object)
    return out


def _ranks(coded: Coded) -> npt.NDArray[np.int64]:
    """Each string's rank among the column's distinct strings (their sort order)."""
    ranked: npt.NDArray[np.int64] = sort_ranks(coded.words.tolist())[coded.codes]
    return ranked


def sort_ranks(words: Sequence[Any]) -> npt.NDArray[np.int64]:
    """Each of distinct ``words``' rank in sort order, by its place.

    Example:
        >>> sort_ranks(["b", "c", "a"]).tolist()
        [1, 2, 0]
    """
    ranks = np.empty(len(words), dtype=np.int64)
    ranks[sorted(range(len(words)), key=words.__getitem__)] = np.arange(len(words))
    return ranks


class Filler:
    """Columns holding one value throughout, made once and shared by the blocks that ask.

    What :func:`block` fills a block's other columns with: a block of ``m`` findings is
    given the first ``m`` of one read-only column per value (a view, not a copy), so
    the blocks of many rules (and packs) over one batch fill no column of their own.
    """

    def __init__(self) -> None:
        self._made: dict[tuple[str, str], npt.NDArray[Any]] = {}

    def full(self, m: int, value: Any, dtype: type[Any]) -> npt.NDArray[Any]:
        """``m`` times ``value`` (a read-only view)."""
        key = (np.dtype(dtype).char, repr(value))
        found = self._made.get(key)
        if found is None or len(found) < m:
            found = self._made[key] = full(
                max(m, 2 * len(found) if found is not None else m), value, dtype
            )
            found.flags.writeable = False
        return found[:m]


def block(
    order: npt.NDArray[np.int64],
    ids: npt.NDArray[Any],
    rule_id: str,
    kind: str,
    *,
    filler: Filler | None = None,
    **columns: Any,
) -> Block:
    """A block of one rule's findings: per-finding arrays, the rest filled as a row leaves them.

    ``columns`` may give any other name of :data:`COLUMNS` as an array, a string column
    as :class:`Coded` (or a scalar repeated); unnamed ones are ``-1`` (integers),
    ``nan`` (floats) or empty (strings), and ``path`` is ``columnar``. ``filler``: the
    columns of one value are its read-only views (shared with other blocks) instead of
    arrays of the block's own.
    """
    m = len(order)
    order = order.astype(np.int64, copy=False)
    out: Columns = {"order": order}
    coded = {"order_id": Coded(order, ids)}
    given = {"rule_id": rule_id, "kind": kind, "path": "columnar", **columns}
    made = full if filler is None else filler.full
    for name in COLUMNS[2:]:
        value = given.get(name)
        if isinstance(value, Coded):
            coded[name] = value  # (its strings made only when asked for: Block.column)
        elif isinstance(value, np.ndarray):
            out[name] = value
        elif name in _INT_COLUMNS:
            out[name] = made(m, -1 if value is None else value, np.int64)
        elif name in _FLOAT_COLUMNS:
            out[name] = made(m, _NAN if value is None else value, np.float64)
        else:
            word = "" if value is None else value
            coded[name] = Coded(made(m, 0, np.int32), full(1, word, object))
    return Block(out, coded)


def full(m: int, value: Any, dtype: type[Any]) -> npt.NDArray[Any]:
    """``m`` times ``value`` (``np.full``); an object array holds ``value`` itself.

    ``np.full`` makes a string into a numpy string first and a new ``str`` per element
    back from it (a few hundred instructions each); an object array filled with the
    object itself holds the same values.
    """
    if np.dtype(dtype).kind == "O":
        out = np.empty(m, dtype=object)
        out.fill(value)
        return out
    return np.full(m, value, dtype=dtype)


def _us(instant: Any) -> int:
    return -1 if instant is None else to_us(instant)


def rows_of_assessment(
    order: int, assessment: Assessment, rule_ids: frozenset[str] | None, path: str
) -> list[Row]:
    """The rows of an assessment's findings (only those of ``rule_ids`` when given)."""
    oid = assessment.order_id
    rows: list[Row] = []
    seq: dict[str, int] = {}

    def keep(rule_id: str) -> int | None:
        if rule_ids is not None and rule_id not in rule_ids:
            return None
        n = seq.get(rule_id, 0)
        seq[rule_id] = n + 1
        return n

    for c in assessment.clocks:
        if (n := keep(c.rule_id)) is not None:
            rows.append(
                (order, oid, c.rule_id, "clock", c.occurrence, c.unit or "", c.state, _us(c.start),
                 _us(c.due), _us(c.stopped_at), c.warning_level or "", c.elapsed_fraction,
                 _NAN, path, -1 if c.start_event is None else c.start_event)
            )  # fmt: skip
    for w in assessment.windows:
        if (n := keep(w.rule_id)) is not None:
            rows.append(
                (order, oid, w.rule_id, "window", n, w.unit or "", w.state, _us(w.opened_at),
                 _us(w.closes_at), _us(w.acted_at), "", _NAN, _NAN, path, w.event)
            )  # fmt: skip
    for d in sorted(assessment.deductions, key=lambda d: (d.rule_id, d.sequence, d.occurrence)):
        if (n := keep(d.rule_id)) is not None:
            rows.append(
                (order, oid, d.rule_id, "deduction", n, d.unit or "", "", _us(d.occurred_at),
                 -1, -1, "", _NAN, d.points, path, -1)
            )  # fmt: skip
    for e in assessment.escalations:
        if (n := keep(e.rule_id)) is not None:
            rows.append(
                (order, oid, e.rule_id, "escalation", n, e.target_unit or "", "due",
                 _us(e.since), -1, -1, "", _NAN, _NAN, path, -1)
            )  # fmt: skip
    for r in assessment.records:
        if (n := keep(r.rule_id)) is not None:
            state = "" if r.computed is None else "true" if r.computed else "false"
            rows.append(
                (order, oid, r.rule_id, "record", n, "", state, -1, -1, -1, "", _NAN, _NAN, path,
                 -1)
            )  # fmt: skip
    return rows
