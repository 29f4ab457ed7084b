"""Scoring, comparing and evaluating a Parquet dataset on a Dask cluster.

Each partition of a dataset (:mod:`grievance_rules.reading.parquet`) is one
task: the worker that runs it reads the partition's files, assesses its orders
and gives back a partial result (:class:`~grievance_rules.scoring.merge.PartialScorecard`,
:class:`~grievance_rules.scoring.merge.PartialComparison`, or the partition's
assessments); the partial scorecards are merged on the workers, two at a time
(a tree), and only the merged one comes back. Dask does the scheduling, the
shipping of tasks and results, and the retries (``retries``); nothing here
schedules. Each worker process loads and compiles the packs once, from their
directories, the first time a task needs them (a task carries only the packs'
directories and parameter overrides, and the partition's file paths, which the
workers must be able to read: a shared or local file system).

The result is the one a single process gives over the same dataset
(:func:`~grievance_rules.reading.parquet.iter_parquet_orders`), byte for byte,
provided each order id is in one partition: before any order is assessed,
the ids of every partition are compared (only the id column is read, and only
hashes travel) and a run whose partitions share an id is refused, naming it.

Dask is an optional extra: ``pip install 'grievance-rules[dask]'``; it is
imported only when a distributed run starts.

:func:`run_partition` is the one place where a partition is evaluated: scores and
comparisons per order or columnar (``path``, as :func:`~grievance_rules.scoring.score`
takes it; ``auto`` by the partition's size), assessments per order.

Example:
    >>> import tempfile
    >>> from grievance_rules.reading.parquet_export import write_parquet
    >>> from grievance_rules.samples import generate_orders
    >>> folder = tempfile.mkdtemp()
    >>> write_parquet(generate_orders(30, seed=5), folder, partition_size=10)
    30
    >>> task = PartitionTask("score", (pack_source("xiayang"),), parquet_partitions(folder)[0], 0)
    >>> run_partition(task).inputs
    10
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from grievance_rules.engine import Rejection, RepeatIndex
from grievance_rules.engine.assessment import assessment_json
from grievance_rules.engine.batch import Duplicates, input_id
from grievance_rules.engine.matching import EngineName
from grievance_rules.errors import ArgumentTypeError, GrievanceRulesError, PackError, ReadError
from grievance_rules.i18n import Language, current_language, join_list, language, ngettext
from grievance_rules.i18n import gettext as _
from grievance_rules.packs import Pack, load_pack
from grievance_rules.reading.parquet import (
    ParquetPartition,
    parquet_partitions,
    partition_order_ids,
    read_partition,
)
from grievance_rules.reading.problems import zone_option, zone_option_named
from grievance_rules.scoring import Comparison, Scorecard
from grievance_rules.scoring.merge import (
    PartialComparison,
    PartialScorecard,
    compare_partial,
    merge_comparisons,
    merge_scorecards,
    score_partial,
)
from grievance_rules.scoring.stream import Assessed, assess_stream, resolve_packs
from grievance_rules.scoring.tables import ScoringPath

__all__ = [
    "LOCAL_WORKER_CONFIG",
    "DaskMissingError",
    "PackSource",
    "PartitionFindings",
    "PartitionTask",
    "cluster_client",
    "compare_dataset",
    "evaluate_dataset",
    "pack_source",
    "parquet_partitions",
    "partition_repeats",
    "run_partition",
    "score_dataset",
]

Command = Literal["score", "compare", "evaluate"]


class DaskMissingError(GrievanceRulesError, ImportError):
    """A distributed run without Dask installed; says which extra installs it."""


def _dask() -> tuple[Any, Any]:
    """``dask`` and ``distributed``, imported when first needed."""
    try:
        import dask
        import distributed
    except ImportError:
        raise DaskMissingError(
            _(
                "a distributed run needs Dask, which is not installed: "
                "pip install 'grievance-rules[dask]'"
            )
        ) from None
    return dask, distributed


@dataclass(frozen=True, slots=True)
class PackSource:
    """A pack as a task carries it: its directory, origin and parameter overrides (JSON).

    ``content_hash`` is the hash of the pack's files where the run started: a worker
    that loads different files (another version of the pack at that path) refuses them.
    """

    directory: str
    origin: str
    overrides: str = "{}"
    content_hash: str = ""


def pack_source(pack: Pack | str | os.PathLike[str]) -> PackSource:
    """What a worker needs to load and compile ``pack`` itself.

    Example:
        >>> pack_source("daye").overrides
        '{}'
    """
    loaded = resolve_packs([pack if isinstance(pack, Pack | str) else load_pack(Path(pack))])[0]
    return PackSource(
        str(loaded.directory),
        loaded.origin,
        json.dumps(dict(loaded.overrides), sort_keys=True, default=str),
        loaded.content_hash,
    )


_LOADED: dict[PackSource, Pack] = {}
"""The packs this process has loaded for tasks (so each is compiled once per worker)."""


def _pack(source: PackSource) -> Pack:
    pack = _LOADED.get(source)
    if pack is None:
        pack = load_pack(Path(source.directory), origin=source.origin)
        if source.content_hash and pack.content_hash != source.content_hash:
            raise PackError(
                _(
                    "{directory}: the pack's files on this worker differ from those the run "
                    "started with (another version of {key})"
                ).format(directory=source.directory, key=pack.key)
            )
        overrides = json.loads(source.overrides)
        if overrides:
            pack = pack.with_parameters(overrides)
        _LOADED[source] = pack
    return pack


@dataclass(frozen=True)
class PartitionTask:
    """One partition's work: what to do, under which packs, with which options.

    Attributes:
        command: ``score``, ``compare`` or ``evaluate``.
        packs: the packs (one for ``score`` and ``evaluate``).
        partition: the partition's files (``None``: a partition of a Dask bag).
        index: the partition's place in the dataset (the first part of its orders' keys).
        period: the kind of period of the scorecards.
        as_of: the instant of every assessment (``None``: each order's last event).
        examples: ``compare``: diverging orders kept in full.
        engine: the matching backend.
        duplicates: a second record of an order id in the partition: ``reject`` or ``last``.
        assume_tz: the zone of timestamps without one.
        strict: reject orders whose history has warnings.
        path: ``score`` and ``compare``: how the partition is judged (per order,
            columnar, or ``auto`` by its size; :mod:`grievance_rules.scoring.tables`).
        lang: the language of the messages the task writes (a rejection's reasons, a
            file's error), the caller's (:func:`_tasks` gives it): a worker process
            does not share the caller's choice (``--lang``). ``None``: the worker's own.
        zone_option: how the caller gives naive timestamps a zone, as a rejection
            names it (``--tz`` on the command line), the caller's (:func:`_tasks`
            gives it): ``None``, the reader's own (``assume_tz``).
    """

    command: Command
    packs: tuple[PackSource, ...]
    partition: ParquetPartition | None
    index: int
    period: str = "month"
    as_of: dt.datetime | None = None
    examples: int = 20
    engine: EngineName = "native"
    duplicates: Duplicates = "reject"
    assume_tz: str | None = None
    strict: bool = False
    path: ScoringPath = "auto"
    lang: Language | None = None
    zone_option: str | None = None


@dataclass(frozen=True)
class PartitionFindings:
    """A partition's assessments (JSON, one per assessed order) and rejections, in input order."""

    index: int
    entries: tuple[bytes | Rejection, ...] = field(default=())


def _records(task: PartitionTask, items: Iterable[Any] | None) -> Iterable[Any]:
    """A task's records: the bag partition's items, or its partition's files read."""
    if items is not None:
        return _items_of(items)
    assert task.partition is not None
    return read_partition(task.partition, assume_tz=task.assume_tz, strict=task.strict)


def partition_repeats(task: PartitionTask, items: Iterable[Any] | None = None) -> RepeatIndex:
    """The repeat index of one partition's orders (the first pass of ``repeats="input"``).

    The orders the task would assess (:meth:`RepeatIndex.from_inputs`: not the
    records rejected, of one id the one kept, none received after ``as_of``).
    """
    with _in_task_context(task):
        return _partition_repeats(task, items)


def _in_language(lang: Language | None) -> contextlib.AbstractContextManager[Any]:
    """The task's messages in ``lang`` (``None``: the process's own language)."""
    return language(lang) if lang is not None else contextlib.nullcontext()


@contextlib.contextmanager
def _in_task_context(task: PartitionTask) -> Iterator[None]:
    """The task's messages as the caller's: its language, the zone option it names."""
    with _in_language(task.lang), contextlib.ExitStack() as stack:
        if task.zone_option is not None:
            stack.enter_context(zone_option_named(task.zone_option))
        yield


def _partition_repeats(task: PartitionTask, items: Iterable[Any] | None) -> RepeatIndex:
    records = _records(task, items)
    if task.duplicates == "last":
        records = list(records)
    return RepeatIndex.from_inputs(records, duplicates=task.duplicates, as_of=task.as_of)


def _merge_repeats(a: RepeatIndex, b: RepeatIndex) -> RepeatIndex:
    return a.merge(b)


def run_partition(
    task: PartitionTask,
    items: Iterable[Any] | None = None,
    repeats: RepeatIndex | None = None,
) -> PartialScorecard | PartialComparison | PartitionFindings:
    """Evaluate one partition: the unit of work of a distributed run.

    Args:
        task: the work; its partition's files are read unless ``items`` are given.
        items: the partition of a Dask bag: orders (JSON text, dicts or work orders).
        repeats: the repeat index of the run's orders, for repeat conditions.

    ``score`` and ``compare`` judge the partition as ``task.path`` says: per order,
    columnar (findings as tables), or ``auto`` (columnar for a partition of 500
    records or more); ``evaluate`` gives each order's assessment, per order. Its
    messages are in ``task.lang``.
    """
    with _in_task_context(task):
        return _run_partition(task, items, repeats)


def _run_partition(
    task: PartitionTask, items: Iterable[Any] | None, repeats: RepeatIndex | None
) -> PartialScorecard | PartialComparison | PartitionFindings:
    packs = [_pack(source) for source in task.packs]
    records = _records(task, items)
    options: dict[str, Any] = {
        "as_of": task.as_of,
        "engine": task.engine,
        "duplicates": task.duplicates,
        "repeats": repeats,
    }
    if task.command == "score":
        return score_partial(
            records, packs[0], key=(task.index,), period=task.period, path=task.path, **options
        )
    if task.command == "compare":
        return compare_partial(
            records,
            packs,
            key=(task.index,),
            period=task.period,
            examples=task.examples,
            path=task.path,
            **options,
        )
    entries: list[bytes | Rejection] = []
    stream = assess_stream(
        list(records) if task.duplicates == "last" else records, packs, **options
    )
    for entry in stream:
        if isinstance(entry, Assessed):
            entries.append(assessment_json(entry.assessments[0]))
        else:
            entries.append(entry)
    return PartitionFindings(task.index, tuple(entries))


_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3


def _hashes(order_ids: Sequence[str]) -> Any:
    """Each id's 64-bit FNV-1a hash of its UTF-8 bytes (a ``numpy`` array, in order).

    A byte position at a time over every id at once: a few dozen array steps for a
    partition, not a hash object an id (blake2b took 13-20 ms a partition of 10,000
    ids, about 1 % of its evaluation). Equal hashes are only a hint: the ids behind
    them are compared (:func:`_refuse_shared`).

    Example:
        >>> [hex(h) for h in _hashes(["", "a", "工单"]).tolist()]
        ['0xcbf29ce484222325', '0xaf63dc4c8601ec8c', '0xeec3cfd366123c49']
    """
    import numpy as np

    encoded = [order_id.encode("utf-8") for order_id in order_ids]
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    hashes = np.full(len(encoded), _FNV_OFFSET, dtype=np.uint64)
    if not len(encoded) or not lengths.max():
        return hashes
    held = np.arange(int(lengths.max())) < lengths[:, None]  # (id, byte position)
    matrix = np.zeros(held.shape, dtype=np.uint64)
    matrix[held] = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    prime = np.uint64(_FNV_PRIME)
    for at in range(held.shape[1]):  # (the products mod 2**64)
        hashes = np.where(held[:, at], (hashes ^ matrix[:, at]) * prime, hashes)
    return hashes


def _distinct_hashes(order_ids: Iterable[str | None]) -> Any:
    """The distinct hashes of the ids given (``None`` left out), sorted."""
    import numpy as np

    return np.unique(_hashes([order_id for order_id in order_ids if order_id is not None]))


def _with_hashes(order_ids: Iterable[str | None], hashes: frozenset[int]) -> list[str]:
    """The distinct ids (``None`` left out) whose hash is one of ``hashes``, sorted."""
    found = [order_id for order_id in order_ids if order_id is not None]
    matched = _hashes(found).tolist()
    return sorted({order_id for order_id, h in zip(found, matched, strict=True) if h in hashes})


def _id_hashes(partition: ParquetPartition, lang: Language | None = None) -> Any:
    """The distinct order ids of a partition as 64-bit hashes (a sorted ``numpy`` array).

    An unreadable file is refused in ``lang`` (``None``: the process's own language).
    """
    with _in_language(lang):
        ids = partition_order_ids(partition)
    return _distinct_hashes(ids)


def _ids_with_hashes(partition: ParquetPartition, hashes: frozenset[int]) -> list[str]:
    return _with_hashes(partition_order_ids(partition), hashes)


def _items_of(part: Any) -> list[Any]:
    """A partition's orders: a bag's items, or a data frame's one column (or ``order``).

    Raises:
        ArgumentTypeError: a data frame with several columns and none named ``order``.
    """
    columns = getattr(part, "columns", None)
    if columns is None:
        return list(part)
    if len(columns) == 1:
        return list(part[columns[0]])
    if "order" in columns:
        return list(part["order"])
    raise ArgumentTypeError(
        _(
            "a data frame of orders has one column (or a column 'order') of orders as JSON "
            "text or dicts; this one has the columns {columns}"
        ).format(columns=join_list(columns)),
        parameter="dataset",
        value=part,
    )


def _item_hashes(items: Iterable[Any]) -> Any:
    """The distinct order ids a bag partition's items claim, as 64-bit hashes."""
    return _distinct_hashes(map(input_id, _items_of(items)))


def _item_ids_with_hashes(items: Iterable[Any], hashes: frozenset[int]) -> list[str]:
    return _with_hashes(map(input_id, _items_of(items)), hashes)


def _check_ids(client: Any, partitions: Sequence[ParquetPartition]) -> None:
    """Refuse a dataset whose partitions share an order id (only hashes travel).

    Raises:
        ReadError: names an id and two partitions holding it.
    """
    hashed = client.gather(client.map(_id_hashes, partitions, lang=current_language(), pure=False))

    def ids(index: int, value: int) -> set[str]:
        return set(_ids_with_hashes(partitions[index], frozenset({value})))

    _refuse_shared(hashed, ids, [partition.name for partition in partitions])


def _check_bag_ids(client: Any, parts: Sequence[Any]) -> None:
    """Refuse a bag whose partitions share an order id.

    Raises:
        ReadError: names an id and two partitions holding it.
    """
    from dask.delayed import delayed

    hashed = client.gather(client.compute([delayed(_item_hashes)(p) for p in parts]))

    def ids(index: int, value: int) -> set[str]:
        found = delayed(_item_ids_with_hashes)(parts[index], frozenset({value}))
        return set(client.compute(found).result())

    _refuse_shared(hashed, ids, [f"#{index}" for index in range(len(parts))])


def _refuse_shared(
    hashed: Sequence[Any], ids_of: Callable[[int, int], set[str]], names: Sequence[str]
) -> None:
    import numpy as np

    values = np.concatenate([np.asarray(h, dtype=np.uint64) for h in hashed])
    owners = np.concatenate(
        [np.full(len(h), index, dtype=np.int64) for index, h in enumerate(hashed)]
    )
    order = np.argsort(values, kind="stable")  # equal hashes: in partition order
    values, owners = values[order], owners[order]
    repeated = np.flatnonzero(values[1:] == values[:-1])  # distinct within a partition
    if not len(repeated):
        return
    at = int(repeated[0])
    value, first, second = int(values[at]), int(owners[at]), int(owners[at + 1])
    shared = len(np.unique(values[repeated]))
    ids = ids_of(first, value) & ids_of(second, value)
    if not ids:  # pragma: no cover - a 64-bit hash collision of two different ids
        return
    raise ReadError(
        ngettext(
            "order id {order_id!r} is in partitions {first} and {second} ({count} id shared "
            "in all); a distributed run needs each order in one partition",
            "order id {order_id!r} is in partitions {first} and {second} ({count} ids shared "
            "in all); a distributed run needs each order in one partition",
            shared,
        ).format(
            order_id=sorted(ids)[0],
            first=names[first],
            second=names[second],
            count=shared,
        )
    )


def _library_error_names() -> frozenset[str]:
    """The names of the library's errors: :class:`GrievanceRulesError` and its subclasses."""
    found: set[str] = set()
    pending: list[type[BaseException]] = [GrievanceRulesError]
    while pending:
        kind = pending.pop()
        found.add(kind.__name__)
        pending.extend(kind.__subclasses__())
    return frozenset(found)


class _LibraryErrorFilter(logging.Filter):
    """Leaves out a worker's ``Compute Failed`` record of a task a library error stopped.

    The error reaches the client, which raises it (the command line prints it as
    one line, in the user's language); the worker's record of it is a Python
    traceback in English on the same terminal. Any other failure is logged as
    Dask logs it. (The record's fourth argument is the exception's ``repr``; a
    record of another shape passes. The library's errors are looked up when a
    record comes, so that those of modules imported since count too.)
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if not str(record.msg).startswith("Compute Failed") or not isinstance(args, tuple):
            return True
        if len(args) < 4:
            return True
        shown = str(args[3])
        return shown.partition("(")[0] not in _library_error_names()


def _quiet_library_errors() -> None:
    """On a worker: install :class:`_LibraryErrorFilter` (once)."""
    logger = logging.getLogger("distributed.worker")
    if not any(isinstance(f, _LibraryErrorFilter) for f in logger.filters):
        logger.addFilter(_LibraryErrorFilter())


LOCAL_WORKER_CONFIG: Mapping[str, object] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
}
"""The Dask configuration of a local cluster's scheduler, nannies and workers
(:func:`cluster_client`): no statistical profiler; the event loops' tick (which
measures how long a loop was blocked, to warn past ``distributed.admin.tick.limit``,
3 s) every second rather than every 20 ms; the system monitor (the dashboard's
history of CPU, memory and network) every 5 s rather than 500 ms. The processes of
an idle cluster of two workers took 5.6-7.2 % of a core with Dask's defaults, 2.3-2.8 %
with these (20 s each, three alternating runs on a machine busy with other work)."""


@contextlib.contextmanager
def cluster_client(
    scheduler: str | None = None, workers: int | None = None, client: Any = None
) -> Iterator[Any]:
    """A Dask client: the one given, one of the cluster at ``scheduler``, or of a local cluster.

    A local cluster has ``workers`` worker processes (default 2) of one thread each,
    and is closed, with its processes, when the block ends. Its workers leave out
    their log of a task a library error stopped (the client raises the error; see
    :class:`_LibraryErrorFilter`): their logs share the user's terminal. They run
    without Dask's statistical profiler (:data:`LOCAL_WORKER_CONFIG`): it samples the
    task thread's stack every 10 ms for a dashboard this cluster does not serve, and
    took about 4 % of a partition's time (docs/benchmarks.md); their event loops'
    tick and system monitor run less often (see :data:`LOCAL_WORKER_CONFIG`). A
    cluster at ``scheduler`` keeps its own configuration.

    Raises:
        DaskMissingError: Dask is not installed.
    """
    if client is not None:
        yield client
        return
    dask, distributed = _dask()
    if scheduler is not None:
        with distributed.Client(scheduler) as remote:
            yield remote
        return
    with dask.config.set(LOCAL_WORKER_CONFIG):  # the nannies pass it to their workers
        cluster = distributed.LocalCluster(
            n_workers=workers or 2,
            threads_per_worker=1,
            processes=True,
            # no dashboard, and its HTTP server on a free port: with None it still took
            # 8787, and a busy 8787 (another run, RStudio) printed Dask's English warning
            dashboard_address=":0",
        )
    with cluster, distributed.Client(cluster) as local:
        local.run(_quiet_library_errors)
        yield local


def _is_bag(dataset: Any) -> bool:
    """A Dask collection of orders (a bag), as opposed to a Parquet dataset."""
    return hasattr(dataset, "to_delayed") and hasattr(dataset, "npartitions")


def _tasks(
    command: Command,
    dataset: Any,
    packs: Sequence[Pack | str],
    **options: Any,
) -> list[PartitionTask]:
    sources = tuple(pack_source(pack) for pack in packs)
    options.setdefault("lang", current_language())
    options.setdefault("zone_option", zone_option())
    if _is_bag(dataset):
        return [
            PartitionTask(command, sources, None, index, **options)
            for index in range(dataset.npartitions)
        ]
    partitions = (
        parquet_partitions(dataset) if isinstance(dataset, str | os.PathLike) else list(dataset)
    )
    if not partitions:
        raise ReadError(_("{path}: the dataset has no partitions").format(path=dataset))
    return [
        PartitionTask(command, sources, partition, index, **options)
        for index, partition in enumerate(partitions)
    ]


def _merged(client: Any, level: list[Any], merge: Callable[[Any, Any], Any], retries: int) -> Any:
    """The futures' results merged pairwise on the workers (a tree): the last future.

    Each level's futures are dropped once the next level is submitted (the caller
    must drop ``level`` too): a future held keeps its result on the workers.
    """
    while len(level) > 1:
        merged = [
            client.submit(merge, level[i], level[i + 1], pure=False, retries=retries)
            for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            merged.append(level[-1])
        level = merged
    return level[0]


RepeatsOption = RepeatIndex | Literal["input"] | None
"""The repeat index of a distributed run: one given, ``"input"`` (built from the
dataset's orders on the workers, a first pass), or ``None`` (no repeat counted)."""


def _repeats_on(
    client: Any,
    tasks: Sequence[PartitionTask],
    repeats: RepeatsOption,
    retries: int,
    parts: Sequence[Any] | None = None,
) -> Any:
    """The run's repeat index on the cluster (a future), or ``None``.

    ``"input"``: each partition indexed by a task, the indexes merged on the workers;
    only the merged index's future comes back, and the tasks that need it fetch it.
    """
    if repeats is None:
        return None
    if isinstance(repeats, RepeatIndex):
        return client.scatter(repeats, broadcast=True)
    if parts is not None:
        from dask.delayed import delayed

        level = client.compute(
            [delayed(partition_repeats)(t, p) for t, p in zip(tasks, parts, strict=True)],
            retries=retries,
        )
    else:
        level = client.map(partition_repeats, tasks, pure=False, retries=retries)
    return _merged(client, level, _merge_repeats, retries)


def _reduce(
    client: Any,
    tasks: Sequence[PartitionTask],
    merge: Callable[[Any, Any], Any],
    retries: int,
    bag: Any = None,
    repeats: RepeatsOption = None,
) -> Any:
    """Every task run, and the results merged pairwise on the workers (a tree).

    Only the root's future is held while the tree runs: a partition's result is let go
    once it is merged. (Holding the partitions' futures here kept every partition's
    result on the workers to the end: about 1 MB each, 1 GB a worker over a
    10,000,000-order year in partitions of 10,000.)
    """
    if bag is not None:
        from dask.delayed import delayed

        parts = bag.to_delayed()
        _check_bag_ids(client, parts)
        index = _repeats_on(client, tasks, repeats, retries, parts)
        leaves = client.compute(
            [delayed(run_partition)(t, p, index) for t, p in zip(tasks, parts, strict=True)],
            retries=retries,
        )
    else:
        _check_ids(client, [task.partition for task in tasks if task.partition is not None])
        index = _repeats_on(client, tasks, repeats, retries)
        leaves = client.map(run_partition, tasks, repeats=index, pure=False, retries=retries)
    root = _merged(client, leaves, merge, retries)
    del leaves
    return root.result()


def score_dataset(
    dataset: str | os.PathLike[str] | Sequence[ParquetPartition] | Any,
    pack: Pack | str,
    *,
    period: str = "month",
    as_of: dt.datetime | None = None,
    engine: EngineName = "native",
    duplicates: Duplicates = "reject",
    assume_tz: str | None = None,
    strict: bool = False,
    scheduler: str | None = None,
    workers: int | None = None,
    client: Any = None,
    retries: int = 1,
    repeats: RepeatsOption = None,
    path: ScoringPath = "auto",
) -> Scorecard:
    """Each unit's scorecard per period under one pack, over a Parquet dataset on Dask.

    Args:
        dataset: the dataset's folder (or ``orders.parquet``), or its partitions; or a
            Dask bag of orders (JSON text, dicts or work orders; ``dask.bag.read_text``
            of JSON Lines files) or a Dask data frame of one column (or a column
            ``order``) of orders, each partition a part, a rejected record named by its
            position in its partition (``#N``).
        pack: the pack (object, name or directory).
        period: the kind of period.
        as_of: the instant of every assessment (``None``: each order's last event).
        engine: the matching backend.
        duplicates: a second record of an order id within a partition.
        assume_tz: the zone of timestamps without one.
        strict: reject orders whose history has warnings.
        scheduler: the address of a running Dask scheduler (``tcp://host:8786``).
        workers: without ``scheduler`` or ``client``: the local cluster's worker processes.
        client: a Dask client to use (left open).
        retries: how often Dask retries a task that failed (a worker lost ...).
        repeats: for repeat conditions across orders (daye's 现场督办): a
            :class:`~grievance_rules.engine.RepeatIndex`, or ``"input"`` to index the
            dataset's orders first, on the workers (each partition read twice; only
            orders in the dataset are counted); ``None``: no repeat counted.
        path: how each partition is judged: ``per-order``, ``columnar``, or ``auto``
            (columnar for a partition of 500 records or more); the same result.

    Raises:
        DaskMissingError: Dask is not installed.
        ReadError: no dataset there, or partitions sharing an order id.
    """
    loaded = resolve_packs([pack])[0]
    tasks = _tasks(
        "score",
        dataset,
        [loaded],
        period=period,
        as_of=as_of,
        engine=engine,
        path=path,
        duplicates=duplicates,
        assume_tz=assume_tz,
        strict=strict,
    )
    with cluster_client(scheduler, workers, client) as active:
        bag = dataset if _is_bag(dataset) else None
        merged: PartialScorecard = _reduce(active, tasks, _merge_scores, retries, bag, repeats)
    return merged.scorecard(loaded)


def _merge_scores(a: PartialScorecard, b: PartialScorecard) -> PartialScorecard:
    return merge_scorecards([a, b])


def _merge_comparisons(a: PartialComparison, b: PartialComparison) -> PartialComparison:
    return merge_comparisons([a, b])


def compare_dataset(
    dataset: str | os.PathLike[str] | Sequence[ParquetPartition] | Any,
    packs: Sequence[Pack | str],
    *,
    period: str = "month",
    as_of: dt.datetime | None = None,
    examples: int = 20,
    engine: EngineName = "native",
    duplicates: Duplicates = "reject",
    assume_tz: str | None = None,
    strict: bool = False,
    scheduler: str | None = None,
    workers: int | None = None,
    client: Any = None,
    retries: int = 1,
    repeats: RepeatsOption = None,
    path: ScoringPath = "auto",
) -> Comparison:
    """The same orders under several packs, over a Parquet dataset on Dask.

    Takes the arguments of :func:`score_dataset`, with ``packs`` and ``examples`` as
    :func:`~grievance_rules.scoring.compare` takes them.
    """
    loaded = resolve_packs(packs)
    tasks = _tasks(
        "compare",
        dataset,
        loaded,
        period=period,
        as_of=as_of,
        examples=examples,
        engine=engine,
        path=path,
        duplicates=duplicates,
        assume_tz=assume_tz,
        strict=strict,
    )
    with cluster_client(scheduler, workers, client) as active:
        bag = dataset if _is_bag(dataset) else None
        merged: PartialComparison = _reduce(
            active, tasks, _merge_comparisons, retries, bag, repeats
        )
    return merged.comparison(loaded)


def evaluate_dataset(
    dataset: str | os.PathLike[str] | Sequence[ParquetPartition],
    pack: Pack | str,
    *,
    as_of: dt.datetime | None = None,
    engine: EngineName = "native",
    duplicates: Duplicates = "reject",
    assume_tz: str | None = None,
    strict: bool = False,
    scheduler: str | None = None,
    workers: int | None = None,
    client: Any = None,
    retries: int = 1,
    repeats: RepeatsOption = None,
) -> Iterator[bytes | Rejection]:
    """Each record of a Parquet dataset assessed on Dask: its assessment's JSON, or its rejection.

    In input order (partition by partition); a partition's results come back when
    every earlier partition's have been given out, while the workers go on with the
    later ones. Takes the arguments of :func:`score_dataset`.
    """
    if _is_bag(dataset):
        raise ArgumentTypeError(
            _(
                "evaluate_dataset reads a Parquet dataset, not a Dask bag; score or compare a "
                "bag (score_dataset, compare_dataset)"
            ),
            parameter="dataset",
            value=dataset,
        )
    loaded = resolve_packs([pack])[0]
    tasks = _tasks(
        "evaluate",
        dataset,
        [loaded],
        as_of=as_of,
        engine=engine,
        duplicates=duplicates,
        assume_tz=assume_tz,
        strict=strict,
    )
    with cluster_client(scheduler, workers, client) as active:
        _check_ids(active, [task.partition for task in tasks if task.partition is not None])
        index = _repeats_on(active, tasks, repeats, retries)
        # a few partitions ahead of the one being given out, so that the cluster holds
        # a bounded number of partitions' assessments, not the dataset's
        ahead = max(2, 2 * len(active.scheduler_info().get("workers", {})))
        pending = [
            active.submit(run_partition, task, None, index, pure=False, retries=retries)
            for task in tasks[:ahead]
        ]
        waiting = list(tasks[ahead:])
        while pending:
            future = pending.pop(0)
            if waiting:
                pending.append(
                    active.submit(
                        run_partition, waiting.pop(0), None, index, pure=False, retries=retries
                    )
                )
            found: PartitionFindings = future.result()
            future.release()
            yield from found.entries
