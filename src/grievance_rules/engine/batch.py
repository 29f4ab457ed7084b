"""Evaluating a stream of orders: in bounded memory, every input accounted for.

:func:`evaluate_many` assesses a stream under one pack; :func:`evaluate_each`
under several packs at once, each order parsed once and judged under every plan
in the same worker (what ``compare`` and ``score`` use). Inputs are taken a chunk
at a time; a chunk is matched in one call of the backend (for durable-rules, one
session), and with ``processes > 1`` chunks go to worker processes, which get the
plans once when they start and send each assessment back as JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, overload

from pydantic import ValidationError

from grievance_rules.collector import paused
from grievance_rules.engine.assessment import Assessment, Rejection, assessment_json
from grievance_rules.engine.duplicates import (
    DuplicateIds,
    Duplicates,
    input_id,
    last_needs_a_sequence,
    last_positions,
)
from grievance_rules.engine.matching import (
    EngineName,
    Match,
    OrderView,
    check_integers,
    get_matcher,
    view_of,
)
from grievance_rules.engine.plan import PackPlan, compile_pack, plan_for
from grievance_rules.engine.repeats import RepeatIndex
from grievance_rules.engine.single import as_of_instant, assess, instant_of
from grievance_rules.errors import (
    ArgumentError,
    ArgumentTypeError,
    GrievanceRulesError,
    HistoryError,
    WorkerProcessError,
    WorkOrderError,
)
from grievance_rules.i18n import gettext as _
from grievance_rules.model import WorkOrder, ensure_coherent
from grievance_rules.packs import Pack, load_pack
from grievance_rules.reading.columns import field_label
from grievance_rules.reading.problems import problems_from_validation
from grievance_rules.reading.results import Accepted, Rejected

__all__ = [
    "INPUT_ERRORS",
    "BatchInput",
    "BatchResult",
    "DuplicateIds",
    "Duplicates",
    "ReadyOrder",
    "evaluate_each",
    "evaluate_many",
    "input_id",
    "input_rejection",
    "last_positions",
    "order_of_input",
    "parse_input",
    "ready_input",
    "record_rejection",
    "refuse_call_mistakes",
    "refuse_one_input",
    "source_of",
]

PackSource = Pack | PackPlan | str | Path
"""A pack as the batch functions take it: loaded, compiled, or by name or directory."""

BatchInput = WorkOrder | Accepted | Rejected | Mapping[str, Any] | str | bytes
"""One input of a batch: an order, a reader's record (accepted or rejected), a dict or
one JSON line. A rejected record comes out rejected, for the reasons its reader gave."""


class _LazyAssessment:
    """The ``assessment`` field of :class:`BatchResult`.

    Holds the assessment given, or rebuilds it on first access from the JSON a worker
    process sent.
    """

    @overload
    def __get__(self, result: None, owner: Any) -> None: ...

    @overload
    def __get__(self, result: BatchResult, owner: Any) -> Assessment | None: ...

    def __get__(self, result: BatchResult | None, owner: Any = None) -> Assessment | None:
        if result is None:
            return None  # the field's default
        held: Assessment | None = result.__dict__.get("_assessment")
        if held is None and result.assessment_json is not None:
            held = Assessment.model_validate_json(result.assessment_json)
            result.__dict__["_assessment"] = held
        return held

    def __set__(self, result: BatchResult, value: Assessment | None) -> None:
        result.__dict__["_assessment"] = value


@dataclass(frozen=True)
class BatchResult:
    """One input of a batch: assessed, or rejected with its reasons.

    Attributes:
        position: the input's position in the batch (0-based).
        assessment: the assessment, or ``None`` for a rejection. Results from worker
            processes arrive as JSON (:attr:`assessment_json`); the model is rebuilt
            from it on first access (equal to the one the worker made; its datetimes
            carry fixed UTC offsets).
        rejection: why the input was not assessed, or ``None``.
        assessment_json: the assessment as ``model_dump_json()`` gives it, UTF-8, when
            it came from a worker process; else ``None``. :meth:`to_json` gives it either way.
    """

    position: int
    assessment: _LazyAssessment = _LazyAssessment()
    rejection: Rejection | None = None
    assessment_json: bytes | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> bytes | None:
        """The assessment's JSON (``model_dump_json()``, UTF-8); ``None`` for a rejection.

        Without rebuilding the model when a worker process sent it as JSON.

        Example:
            >>> order = {"id": "A1", "channel": "12345", "category": "投诉",
            ...          "received_at": "2024-05-06T09:12:00+08:00", "units": [], "events": []}
            >>> (result,) = evaluate_many([order], "xiayang")
            >>> result.to_json() == result.assessment.model_dump_json().encode()
            True
        """
        if self.assessment_json is not None:
            return self.assessment_json
        assessment = self.assessment
        if assessment is None:
            return None
        return assessment_json(assessment)


INPUT_ERRORS = (ValidationError, GrievanceRulesError, json.JSONDecodeError)
"""What reading or assessing one input may raise, making it a rejection, not a failure."""


def order_of_input(item: WorkOrder | Accepted | Mapping[str, Any] | str | bytes) -> WorkOrder:
    """A batch input as a work order (a reader's accepted record: its order).

    An order as it is, a dict or JSON text validated.

    Raises:
        pydantic.ValidationError: the input is no valid work order.
    """
    if isinstance(item, WorkOrder):
        return item
    if isinstance(item, Accepted):
        return item.order
    if isinstance(item, str | bytes):
        return WorkOrder.model_validate_json(item)
    return WorkOrder.model_validate(item)


def input_rejection(source: str, item: Any, order_id: str | None, exc: Exception) -> Rejection:
    """Why an input could not be assessed: one reason per validation error (field: message)."""
    if isinstance(exc, ValidationError):
        # said as the reader says a record's problems: one per field, in the chosen
        # language, an instant's two validation paths as one
        reasons = tuple(
            _("{field}: {message} [{code}]").format(
                field=field_label(problem.field), message=problem.message, code=problem.code
            )
            for problem in problems_from_validation(exc)
        )
        if order_id is None and isinstance(item, Mapping):
            order_id = str(item.get("id")) if item.get("id") is not None else None
    elif isinstance(exc, HistoryError):
        reasons = tuple(str(issue) for issue in exc.issues)
        order_id = order_id or exc.order_id
    else:
        reasons = (str(exc),)
    return Rejection(source=source, order_id=order_id, reasons=reasons)


def source_of(position: int, item: Any) -> str:
    """Where an input came from, for its rejection: the reader's location, else ``#n``."""
    return str(item.location) if isinstance(item, Accepted) else f"#{position}"


def record_rejection(result: Rejected) -> Rejection:
    """A record the reader rejected, as a :class:`Rejection` (evaluate's and watch's).

    ``evaluate`` and ``watch`` write it as ``{"rejected": ...}``: where the record is
    (file and line, or row), its order id if known, and one reason per problem (the
    field by its label, then what is wrong).

    Example:
        >>> from grievance_rules.reading import RecordProblem, Rejected, SourceLocation
        >>> where = SourceLocation("orders.jsonl", record=4, line=4)
        >>> problem = RecordProblem("received_at", "field required", "missing")
        >>> rejection = record_rejection(Rejected(where, (problem,), "B1"))
        >>> rejection.source, rejection.order_id, rejection.reasons
        ('orders.jsonl:4', 'B1', ('received_at: field required',))
    """
    return Rejection(
        source=str(result.location),
        order_id=result.order_id,
        reasons=tuple(
            _("{field}: {message}").format(field=field_label(p.field), message=p.message)
            for p in result.problems
        ),
    )


def parse_input(position: int, item: BatchInput) -> WorkOrder | Rejection:
    """An input as a work order, or why it cannot be one (the input's ``position``).

    Nothing is checked beyond the model: see :func:`ready_input` for an order's history
    and event integers.
    """
    if isinstance(item, Rejected):
        return record_rejection(item)
    try:
        return order_of_input(item)
    except INPUT_ERRORS as exc:
        return input_rejection(f"#{position}", item, None, exc)


@dataclass(frozen=True, slots=True)
class ReadyOrder:
    """An input ready to be judged: its order cut to its assessment instant.

    Attributes:
        order: the work order.
        instant: the instant it is assessed at (:func:`instant_of`).
        view: the order as known then (:func:`view_of`).
    """

    order: WorkOrder
    instant: dt.datetime
    view: OrderView


def ready_input(
    position: int,
    item: BatchInput,
    as_of: dt.datetime | None,
    *,
    check_history: bool,
) -> ReadyOrder | Rejection:
    """One input read, checked and cut to its instant as every batch path does, or rejected.

    A :class:`Rejected` record is rejected for its reader's reasons. An :class:`Accepted`
    record is its order; its history is not checked again when its reader checked it
    (``history_checked``), nor its event integers when the reader read them from 64-bit
    columns (``integers_fit``); else an event integer wider than 64 bits is refused here
    (the matchers take views whose integers were checked). A history known checked
    lists its events in time order, none before the receipt, so the instant and the
    events up to it are found from the end. A rejection names the input's place
    (:func:`source_of`).

    Args:
        position: the input's position in the batch (0-based).
        item: the input.
        as_of: the assessment instant; ``None``: the order's last event.
        check_history: refuse an order whose history contradicts itself.
    """
    order = parse_input(position, item)  # (a rejected record: its reader's reasons)
    if isinstance(order, Rejection):
        return order
    read = item if isinstance(item, Accepted) else None
    try:
        in_time_order = read is not None and read.history_checked
        if check_history and not in_time_order:
            ensure_coherent(order)
            in_time_order = True
        instant = instant_of(order, as_of, in_time_order=in_time_order)
        view = view_of(order, instant, in_time_order=in_time_order)
        if read is None or not read.integers_fit:
            check_integers(view)
    except INPUT_ERRORS as exc:
        return input_rejection(source_of(position, item), item, order.id, exc)
    return ReadyOrder(order, instant, view)


def _rejection(position: int, item: Any, order_id: str | None, exc: Exception) -> BatchResult:
    """The result of an input that could not be assessed."""
    source = source_of(position, item)
    return BatchResult(position, rejection=input_rejection(source, item, order_id, exc))


_Ready = tuple[int, WorkOrder, dt.datetime, OrderView]


def _judge(
    plan: PackPlan,
    chunk: Sequence[tuple[int, Any]],
    ready: Sequence[_Ready],
    repeats: RepeatIndex | None,
    engine: EngineName,
) -> dict[int, BatchResult]:
    """The chunk's parsed orders under one plan: chunk slot → result."""
    matcher = get_matcher(engine)
    results: dict[int, BatchResult] = {}
    try:
        matches: list[Match | None] = list(matcher.match(plan, [view for *_, view in ready]))
    except GrievanceRulesError:  # some order spoils the shared call: one at a time
        matches = []
        for k, order, _, view in ready:
            try:
                matches.extend(matcher.match(plan, [view]))
            except INPUT_ERRORS as exc:
                results[k] = _rejection(chunk[k][0], chunk[k][1], order.id, exc)
                matches.append(None)
    for (k, order, instant, view), found in zip(ready, matches, strict=True):
        if found is None:
            continue
        position, item = chunk[k]
        try:
            assessment = assess(plan, view, found, instant, engine, None, repeats)
        except INPUT_ERRORS as exc:
            results[k] = _rejection(position, item, order.id, exc)
        else:
            results[k] = BatchResult(position, assessment=assessment)
    return results


def _assess_chunk(
    chunk: list[tuple[int, Any]],
    plans: Sequence[PackPlan],
    as_of: dt.datetime | None,
    repeats: RepeatIndex | None,
    engine: EngineName,
    check_history: bool = True,
) -> list[tuple[BatchResult, ...]]:
    """A chunk of inputs, each parsed once and judged under every plan.

    The cyclic garbage collector is paused meanwhile (restored after): judging a chunk
    allocates tens of thousands of small acyclic objects (models, findings, traces),
    which reference counting frees; the collector's passes over them, and over what
    the plans and calendars hold, took a sixth of the time.
    """
    with paused():
        return _assessed_chunk(chunk, plans, as_of, repeats, engine, check_history)


def _assessed_chunk(
    chunk: list[tuple[int, Any]],
    plans: Sequence[PackPlan],
    as_of: dt.datetime | None,
    repeats: RepeatIndex | None,
    engine: EngineName,
    check_history: bool,
) -> list[tuple[BatchResult, ...]]:
    parsed: dict[int, BatchResult] = {}
    ready: list[_Ready] = []
    for k, (position, item) in enumerate(chunk):
        entry = ready_input(position, item, as_of, check_history=check_history)
        if isinstance(entry, Rejection):
            parsed[k] = BatchResult(position, rejection=entry)
        else:
            ready.append((k, entry.order, entry.instant, entry.view))
    judged = [_judge(plan, chunk, ready, repeats, engine) for plan in plans]
    return [
        tuple(parsed[k] if k in parsed else per_plan[k] for per_plan in judged)
        for k in range(len(chunk))
    ]


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[tuple[int, Any]]]:
    chunk: list[tuple[int, Any]] = []
    for position, item in enumerate(items):
        chunk.append((position, item))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


CHUNK_SIZE = 256
"""Inputs taken at a time in this process (one backend call per chunk)."""


def _worker_chunks(
    items: Iterable[Any], size: int | None, processes: int
) -> Iterator[list[tuple[int, Any]]]:
    """The inputs in chunks for ``processes`` workers, the last ones smaller.

    ``size`` given: chunks of that size. Otherwise each chunk is at most a quarter of a
    worker's share of what remains (``remaining // (4 × processes)``), between
    :data:`SMALLEST_WORKER_CHUNK` and :data:`WORKER_CHUNK_SIZE`, so that the workers
    finish within a small chunk of each other (guided scheduling). What remains is
    known by reading ahead: ``4 × processes × WORKER_CHUNK_SIZE`` inputs (2,048 for two
    processes), as many as it takes for a quarter share to reach the largest chunk, so
    a stream of unknown length (a file's lines) is cut as a list of the same inputs is.

    Example:
        >>> sizes = [len(c) for c in _worker_chunks(range(3000), None, 2)]
        >>> sizes[:6], sizes[-4:], sum(sizes)
        ([256, 256, 256, 256, 247, 216], [64, 64, 64, 9], 3000)
        >>> [len(c) for c in _worker_chunks(iter(range(3000)), None, 2)] == sizes
        True
        >>> [len(c) for c in _worker_chunks(iter(range(300)), None, 2)]
        [64, 64, 64, 64, 44]
    """
    if size is not None:
        yield from _chunks(items, size)
        return
    ahead = 4 * processes * WORKER_CHUNK_SIZE
    source = enumerate(items)
    waiting: deque[tuple[int, Any]] = deque()
    exhausted = False
    while True:
        if not exhausted:  # read ahead: what remains is known when it is short
            wanted = ahead - len(waiting)
            waiting.extend(islice(source, wanted))
            exhausted = len(waiting) < ahead
        if not waiting:
            return
        share = len(waiting) // (4 * processes)
        limit = min(WORKER_CHUNK_SIZE, max(SMALLEST_WORKER_CHUNK, share))
        yield [waiting.popleft() for _ in range(min(limit, len(waiting)))]


WORKER_CHUNK_SIZE = 256
"""Inputs sent to a worker process at a time, at most. As large as a chunk judged in
this process: a worker judging chunks of 64 took 14 % more CPU an order than chunks
of 256 (one process, chengdong, 12,000 orders, six interleaved rounds, medians 332
and 290 µs), each phase (parsing, matching, judging, serialising) running over
fewer orders at a time. The last chunks shrink (:func:`_worker_chunks`) so that no
worker is left idle for long at the end."""

SMALLEST_WORKER_CHUNK = 64
"""The size the last chunks sent to workers shrink to, at the least: smaller chunks
cost more than the idle end they save (3,000 daye orders, two processes against one
in four interleaved rounds: down to 64, 1.73-1.79x; down to 16, 1.65-1.71x; chunks
of 64 throughout, 1.51-1.75x)."""

_WORKER: dict[str, Any] = {}
"""A worker process's plans, ``as_of``, repeat index, engine and history check, set once."""

_Sent = list[tuple[int, str | None, tuple[bytes | None, ...], tuple[Rejection | None, ...]]]
"""A worker's chunk sent back: each input's position, order id (for the duplicate
check, so the parent does not read it out of the JSON), assessments and rejections."""

_Row = tuple[str | None, tuple[BatchResult, ...]]
"""An input's order id (``None``: its first result is a rejection) and its results."""


def _start_worker(
    sources: Sequence[PackPlan | tuple[str, str, Mapping[str, Any]]],
    as_of: dt.datetime | None,
    repeats: RepeatIndex | None,
    engine: EngineName,
    check_history: bool,
) -> None:
    """Set up a worker: the plans themselves (forked), or each pack's directory and overrides."""
    plans = []
    for source in sources:
        if isinstance(source, PackPlan):
            plans.append(source)
        else:
            directory, origin, overrides = source
            pack = load_pack(Path(directory), origin=origin)
            plans.append(compile_pack(pack.with_parameters(overrides) if overrides else pack))
    _WORKER.update(
        plans=plans, as_of=as_of, repeats=repeats, engine=engine, check_history=check_history
    )


def _worker(chunk: list[tuple[int, Any]]) -> _Sent:
    """A chunk assessed in a worker process; assessments travel back as JSON bytes."""
    results = _assess_chunk(
        chunk,
        _WORKER["plans"],
        _WORKER["as_of"],
        _WORKER["repeats"],
        _WORKER["engine"],
        _WORKER["check_history"],
    )
    return [
        (
            row[0].position,
            _order_id(row[0]),
            tuple(r.to_json() for r in row),
            tuple(r.rejection for r in row),
        )
        for row in results
    ]


def refuse_one_input(orders: object, function: str) -> None:
    """Refuse a single order given where an iterable of orders is expected.

    A dict, a JSON string or bytes and a :class:`WorkOrder` (a pydantic model) are
    iterable themselves: walked as a batch, each key, character or field would be
    rejected as an input of its own.

    Raises:
        WorkOrderError: ``orders`` is one order, not an iterable of orders.

    Example:
        >>> refuse_one_input({"id": "A1"}, "evaluate_many")
        Traceback (most recent call last):
        ...
        grievance_rules.errors.WorkOrderError: evaluate_many takes an iterable of orders, \
not a single dict: put the one order in a list ([order])
    """
    if isinstance(orders, WorkOrder | Mapping | str | bytes | bytearray):
        raise WorkOrderError(
            _(
                "{function} takes an iterable of orders, not a single {kind}: "
                "put the one order in a list ([order])"
            ).format(function=function, kind=type(orders).__name__)
        )


def refuse_call_mistakes(orders: object, function: str, as_of: dt.datetime | None) -> None:
    """Refuse, before any input is read, what would be wrong for every input of a batch call.

    One order given where an iterable of orders belongs (:func:`refuse_one_input`), and
    an ``as_of`` no order can be assessed at (naive, not a datetime, out of range).

    Raises:
        WorkOrderError: ``orders`` is one order.
        NaiveDatetimeError: ``as_of`` has no timezone.
        CalendarError: ``as_of`` is not a datetime, or is outside 1900-2199.
    """
    refuse_one_input(orders, function)
    if as_of is not None:
        as_of_instant(as_of)


def refuse_batch_arguments(packs: object, processes: object, chunk_size: object) -> None:
    """Refuse a list of packs that is one pack or none, and a count below 1, by name.

    ``compare(orders, "chengdong")`` looked for the packs 'c', 'h' ...; ``[]`` was an
    IndexError; ``processes=0`` and ``chunk_size=-5`` were taken without a word.
    """
    if isinstance(packs, str | os.PathLike | Pack | PackPlan) or not isinstance(packs, Iterable):
        raise ArgumentTypeError(
            _("packs: a list of packs, not {value}").format(value=repr(packs)),
            parameter="packs",
            value=packs,
        )
    if isinstance(packs, Sequence) and not packs:
        raise ArgumentError(_("packs: name at least one pack"), parameter="packs", value=packs)
    counts = {"processes": processes, "chunk_size": chunk_size}
    for name, value in counts.items():
        if value is None and name == "chunk_size":  # (the default chunk)
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ArgumentError(
                _("{name}: a whole number from {least}, not {value}").format(
                    name=name, least=1, value=repr(value)
                ),
                parameter=name,
                value=value,
            )


def _plan_of(pack: PackSource) -> PackPlan:
    return pack if isinstance(pack, PackPlan) else plan_for(pack)


def evaluate_each(
    orders: Iterable[BatchInput],
    packs: Sequence[PackSource],
    as_of: dt.datetime | None = None,
    *,
    repeats: RepeatIndex | None = None,
    processes: int = 1,
    chunk_size: int | None = None,
    engine: EngineName = "native",
    check_history: bool = True,
    duplicates: Duplicates = "reject",
) -> Iterator[tuple[BatchResult, ...]]:
    """Assess a stream of orders under several packs; one tuple of results per input.

    Each input is parsed once and judged under every pack (in the order given), in
    the same process; the tuple holds one :class:`BatchResult` per pack, all with
    the input's position. Otherwise as :func:`evaluate_many`.

    Example:
        >>> order = {"id": "A1", "channel": "12345", "category": "投诉",
        ...          "received_at": "2024-05-06T09:12:00+08:00", "units": [], "events": []}
        >>> [[r.assessment.pack for r in row]
        ...  for row in evaluate_each([order], ["xiayang", "daye"])]
        [['xiayang@2022-06-08', 'daye@2023-05-19']]
    """
    refuse_call_mistakes(orders, "evaluate_each", as_of)
    refuse_batch_arguments(packs, processes, chunk_size)
    plans = [_plan_of(pack) for pack in packs]
    get_matcher(engine)  # an unknown or missing engine fails here, not per order
    last: dict[str, int] = {}
    if duplicates == "last":
        if not isinstance(orders, Sequence) or isinstance(orders, str | bytes):
            raise last_needs_a_sequence(orders, last=False)
        last = last_positions(orders)
    chunks = _row_chunks(
        orders, plans, as_of, repeats, processes, chunk_size, engine, check_history
    )
    if duplicates == "allow":
        for chunk in chunks:
            for judged in chunk:
                yield judged[1]
        return
    seen = DuplicateIds(duplicates, last)  # (refuses an unknown duplicates=, before any input)
    for chunk in chunks:
        yield from _first_of_each_id(chunk, seen)


def _first_of_each_id(chunk: list[_Row], seen: DuplicateIds) -> Iterator[tuple[BatchResult, ...]]:
    """A judged chunk's rows, a row whose id was judged before rejected for it.

    The ids of the chunk's judged orders are checked at once, in input order
    (:meth:`~grievance_rules.engine.duplicates.DuplicateIds.reasons`: what asking
    one at a time gives, for a few passes over the chunk instead of a probe loop an
    id); a rejected input claims no id.
    """
    judged = [k for k, (order_id, _row) in enumerate(chunk) if order_id is not None]
    ids = [order_id for order_id, _row in chunk if order_id is not None]
    positions = [chunk[k][1][0].position for k in judged]
    reasons: list[str | None] = [None] * len(chunk)
    found = seen.reasons(ids, positions, [f"#{p}" for p in positions])
    for k, reason in zip(judged, found, strict=True):
        reasons[k] = reason
    for (order_id, row), reason in zip(chunk, reasons, strict=True):
        if reason is None:
            yield row
        else:
            position = row[0].position
            rejection = Rejection(source=f"#{position}", order_id=order_id, reasons=(reason,))
            yield tuple(BatchResult(position, rejection=rejection) for _ in row)


def _order_id(result: BatchResult) -> str | None:
    """The order id of a result judged in this process: its assessment's (``None`` if rejected)."""
    if result.rejection is not None:
        return None  # a rejected input does not claim its id
    assessment = result.assessment
    return None if assessment is None else assessment.order_id


FORKSERVER_PRELOAD = ("__main__", "grievance_rules.engine.batch")
"""What a fork server imports before it forks workers: the main module (its default)
and the engine, which each worker would otherwise import again (about half a second):
3,000 daye orders on two workers, a later call in a process running a thread, took
0.64-0.86 s with it against 1.03-1.44 s without, and 0.81-1.07 s in one process
(docs/benchmarks.md)."""


def _os_threads() -> int | None:
    """The threads of this process as the system counts them (Linux), ``None`` elsewhere."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return None


_THREADS_AT_IMPORT = _os_threads()
"""The threads running once the engine and what it imports were loaded (``None`` where
the system does not say): the main thread and numpy's (OpenBLAS's workers, which its
fork handler stops while the process forks, so Python does not warn of them). More
than these later means a thread the engine did not start has begun: a web server's,
or the pools pyarrow starts the first time it reads or writes a file, which do not stop
for a fork, and Python 3.12 and later warn that the fork may deadlock."""


def _threads_started_since_import() -> bool:
    """Whether this process runs threads it did not run when the engine was imported.

    Python threads are counted by :mod:`threading` (any but the main thread counts), and
    threads of native code (pyarrow's pools) by the system where it says
    (:data:`_THREADS_AT_IMPORT`). A library that starts a thread when it is first
    imported after the engine (pyarrow's allocator thread) counts too: workers then
    start from a fork server, which is safe, only slower to start.
    """
    if threading.active_count() > 1:
        return True
    now = _os_threads()
    return now is not None and _THREADS_AT_IMPORT is not None and now > _THREADS_AT_IMPORT


def _worker_context() -> Any:
    """How worker processes start: the platform's default, but not fork from threads.

    Forking a process that runs other threads (a web server's, the offload thread
    ``distributed`` starts on import, or pyarrow's pools once it has read a Parquet
    file) may deadlock the child, and Python 3.12 warns of it: then
    (:func:`_threads_started_since_import`) the workers start from a fork server
    (Python 3.14's default on Linux) and compile the packs themselves. A fork server is
    told to import the engine first (:data:`FORKSERVER_PRELOAD`, replacing the
    process's preload list; it counts from the server's start, so not in a process
    whose server already runs).
    """
    context: Any = multiprocessing.get_context()
    if (
        context.get_start_method() == "fork"
        and _threads_started_since_import()
        and "forkserver" in multiprocessing.get_all_start_methods()
    ):
        context = multiprocessing.get_context("forkserver")
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(list(FORKSERVER_PRELOAD))
    return context


def _row_chunks(
    orders: Iterable[Any],
    plans: Sequence[PackPlan],
    as_of: dt.datetime | None,
    repeats: RepeatIndex | None,
    processes: int,
    chunk_size: int | None,
    engine: EngineName,
    check_history: bool,
) -> Iterator[list[_Row]]:
    """Each input's order id and results under every plan, in input order, here or in workers.

    A chunk of inputs at a time, as judged together (here, or by a worker).
    """
    if processes <= 1:
        for chunk in _chunks(orders, chunk_size or CHUNK_SIZE):
            judged = _assess_chunk(chunk, plans, as_of, repeats, engine, check_history)
            yield [(_order_id(row[0]), row) for row in judged]
        return
    context = _worker_context()
    sources: list[PackPlan | tuple[str, str, Mapping[str, Any]]]
    if context.get_start_method() == "fork":
        sources = list(plans)  # forked workers inherit the plans
    else:  # each worker compiles the packs again, once
        sources = [
            (str(plan.pack.directory), plan.pack.origin, dict(plan.pack.overrides))
            for plan in plans
        ]
    with ProcessPoolExecutor(
        max_workers=processes,
        mp_context=context,
        initializer=_start_worker,
        initargs=(sources, as_of, repeats, engine, check_history),
    ) as pool:
        pending: deque[tuple[int, Future[_Sent]]] = deque()
        for chunk in _worker_chunks(orders, chunk_size, processes):
            try:
                pending.append((chunk[0][0], pool.submit(_worker, chunk)))
            except BrokenExecutor:  # a worker died: what was judged before it, then why
                pending.append((chunk[0][0], _broken()))
                break
            if len(pending) >= 2 * processes:
                yield _received(_sent(*pending.popleft()))
        while pending:
            yield _received(_sent(*pending.popleft()))


def _broken() -> Future[_Sent]:
    """A chunk that no worker will judge: the pool broke before it was sent."""
    never: Future[_Sent] = Future()
    never.set_exception(BrokenExecutor())
    return never


def _sent(first: int, sent: Future[_Sent]) -> _Sent:
    """A worker's chunk (``first``: its first input's position), or why there is none."""
    try:
        return sent.result()
    except BrokenExecutor:
        raise WorkerProcessError(first) from None


def evaluate_many(
    orders: Iterable[BatchInput],
    pack: PackSource,
    as_of: dt.datetime | None = None,
    *,
    repeats: RepeatIndex | None = None,
    processes: int = 1,
    chunk_size: int | None = None,
    engine: EngineName = "native",
    check_history: bool = True,
    duplicates: Duplicates = "reject",
) -> Iterator[BatchResult]:
    """Assess a stream of orders in bounded memory; every input is accounted for.

    Each input (a :class:`WorkOrder`, a reader's record, a dict, or a JSON string:
    :data:`BatchInput`) yields one :class:`BatchResult` in input order: an
    assessment, or a rejection with its reasons. A reader's
    :class:`~grievance_rules.reading.Accepted` record is its order, its history not
    checked again when the reader checked it; its rejections name the record's place
    in its file. A :class:`~grievance_rules.reading.Rejected` record comes out
    rejected for the problems its reader found. Inputs are taken ``chunk_size`` at a
    time (by default :data:`CHUNK_SIZE` in this process; up to
    :data:`WORKER_CHUNK_SIZE` per worker process, the last chunks smaller so that the
    workers finish together); a chunk is matched in one call of the backend. With
    ``processes > 1`` chunks are assessed in worker processes, which send each
    assessment back as JSON
    (:attr:`BatchResult.assessment_json`; the model is rebuilt only when asked for);
    at most ``2 × processes`` chunks are in flight and ``4 × processes ×
    WORKER_CHUNK_SIZE`` inputs read ahead, so memory stays flat.

    Every order's history is checked first (``check_history=False`` skips it for a
    caller that has checked it): a history that contradicts itself is rejected with
    each issue. A second order with an id already assessed is rejected, naming the
    first's position; with ``duplicates="last"`` (inputs given as a sequence, read
    twice) the last input of an id is assessed and the earlier ones are rejected as
    replaced. Either way no order is counted twice; the ids seen are kept, compactly
    (:class:`~grievance_rules.engine.duplicates.DuplicateIds`: about 34 bytes an id),
    so memory grows by that much an order.

    Raises:
        WorkOrderError: ``orders`` is one order, not an iterable of orders.
        NaiveDatetimeError: ``as_of`` has no timezone (before any input is read:
            ``as_of`` is the batch's, not an input's).
        CalendarError: ``as_of`` is not a datetime, or is outside 1900-2199.

    Example:
        >>> results = list(evaluate_many([{"id": "x"}], "daye"))
        >>> results[0].rejection.reasons[0]
        'channel: field required [missing]'
    """
    refuse_one_input(orders, "evaluate_many")
    for (result,) in evaluate_each(
        orders,
        [pack],
        as_of,
        repeats=repeats,
        processes=processes,
        chunk_size=chunk_size,
        engine=engine,
        check_history=check_history,
        duplicates=duplicates,
    ):
        yield result


def _received(sent: _Sent) -> list[_Row]:
    """A worker's chunk as rows: each input's order id and its results (assessments as JSON)."""
    return [
        (
            order_id,
            tuple(
                BatchResult(position, rejection=rejection, assessment_json=raw)
                for raw, rejection in zip(encoded, rejections, strict=True)
            ),
        )
        for position, order_id, encoded, rejections in sent
    ]
