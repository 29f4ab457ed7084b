"""Parquet datasets and Dask clusters on the command line, spelled once.

FILE may be a Parquet dataset of the long layout (a folder with
``orders.parquet``, or with ``orders/``, ``events/`` and ``units/`` folders of
partitions, or an ``orders.parquet`` file): it is told from the path, and read
by :mod:`grievance_rules.reading.parquet`. ``--scheduler ADDRESS`` runs the
command on the Dask cluster there, ``--workers N`` on a local cluster of N
worker processes started for the run (:mod:`grievance_rules.distributed`); both
need a Parquet dataset (``grievance-rules convert`` makes one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import click

from grievance_rules.cli._language import N_, option
from grievance_rules.cli._reading import ignored_columns_note, orders_of
from grievance_rules.engine import Assessment, EngineName, Rejection, RepeatIndex, plan_for
from grievance_rules.engine.batch import Duplicates
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list
from grievance_rules.model import WorkOrder
from grievance_rules.packs import Pack
from grievance_rules.reading import OrderStream, RecordResult
from grievance_rules.reading.parquet import (
    is_parquet,
    iter_parquet_orders,
    parquet_partitions,
    unread_columns,
)
from grievance_rules.scoring.stream import Assessed, assess_stream

__all__ = [
    "Evaluated",
    "cluster_options",
    "cluster_repeats",
    "evaluation_stream",
    "input_repeats",
    "pop_cluster",
    "records_of",
    "repeats_option",
]


def repeats_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--repeats/--no-repeats``: index FILE's orders for the packs' repeat conditions."""
    return option(
        "--repeats/--no-repeats",
        "repeats",
        default=True,
        show_default=True,
        help=N_(
            "For a pack with repeat conditions (daye's 现场督办: the same complainant or "
            "issue 3 times in a month), index the orders of FILE in a first pass (keys and "
            "receipt instants only) and count each order's repeats among them. Only orders in "
            "FILE are counted: earlier months or other files are not. --no-repeats skips the "
            "pass; each order then carries the warning repeat_needs_other_orders."
        ),
    )(func)


def cluster_repeats(
    packs: Iterable[Pack | str | Any], enabled: bool = True
) -> Literal["input"] | None:
    """``"input"`` (index the dataset's orders on the cluster) when a pack has a repeat rule."""
    if enabled and any(plan_for(pack).repeat_rules for pack in packs):
        return "input"
    return None


def input_repeats(
    packs: Iterable[Pack | str | Any],
    records: Callable[[], Iterable[Any]],
    duplicates: Duplicates,
    enabled: bool = True,
    as_of: dt.datetime | None = None,
) -> RepeatIndex | None:
    """The repeat index of the input's orders, when a pack has a repeat rule (else ``None``).

    ``records()`` reads the input again from its start (a first pass); a record the
    reader rejects, an invalid order or one with an incoherent history is not indexed,
    and of the records of one order id only the one assessed (the first; with
    ``duplicates="last"`` the last). With ``as_of``, orders received after it are not
    indexed (not known then).
    """
    if not enabled or not any(plan_for(pack).repeat_rules for pack in packs):
        return None
    items = records()
    if duplicates == "last" and not isinstance(items, list):
        items = list(items)
    return RepeatIndex.from_inputs(items, duplicates=duplicates, as_of=as_of)


def cluster_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--scheduler ADDRESS`` and ``--workers N``."""
    func = option(
        "--workers",
        type=click.IntRange(min=1),
        help=N_(
            "Run on a local Dask cluster of N worker processes (FILE a Parquet dataset; "
            "needs the [dask] extra)."
        ),
    )(func)
    return option(
        "--scheduler",
        metavar="ADDRESS",
        help=N_(
            "Run on the Dask cluster whose scheduler is at ADDRESS (e.g. tcp://10.0.0.5:8786; "
            "FILE a Parquet dataset the workers can read; needs the [dask] extra)."
        ),
    )(func)


def pop_cluster(file: str, options: dict[str, Any]) -> dict[str, Any] | None:
    """The cluster a command runs on (``scheduler``, ``workers``), or None for this process.

    Raises:
        click.UsageError: a cluster asked for while FILE is no Parquet dataset, or
            with options a cluster run does not take.
    """
    scheduler = options.pop("scheduler", None)
    workers = options.pop("workers", None)
    if scheduler is None and workers is None:
        return None
    if scheduler is not None and workers is not None:
        raise click.UsageError(
            _("--workers starts a local cluster; with --scheduler the cluster's own workers run")
        )
    if not is_parquet(file):
        raise click.UsageError(
            _(
                "--scheduler and --workers need a Parquet dataset; make one with "
                "grievance-rules convert {file} DATASET"
            ).format(file=file)
        )
    if (options.get("processes") or 1) > 1:
        raise click.UsageError(_("--processes is for one machine; a cluster run uses --workers"))
    return {"scheduler": scheduler, "workers": workers}


def records_of(
    file: str, input_format: str | None, tz: str | None, *, notes: bool = False, **reading: Any
) -> Iterable[RecordResult]:
    """The records of FILE: a Parquet dataset's, or what :func:`orders_of` reads.

    ``notes``: once the records are read, say on stderr what of the file was not read:
    the columns whose headers name no field, and a column with no header that holds
    data, as ``read`` says them; for the one
    reading of FILE whose results the command gives, not for a second reading.
    """
    if input_format is None and is_parquet(file):
        records = iter_parquet_orders(file, assume_tz=tz, strict=bool(reading.get("strict")))
        return _with_dataset_notes(records, file) if notes else records
    stream = orders_of(file, input_format, tz, **reading)
    return _with_notes(stream) if notes else stream


def say_unread_dataset_columns(file: str) -> None:
    """Say on stderr the columns of a Parquet dataset's tables that name no field.

    As ``read`` says a spreadsheet's ignored columns: a column another tool renamed
    (``urgency_level``) was dropped without a word, its orders read as if it were empty.
    """
    tables = {
        "orders": _("the orders table"),
        "events": _("the events table"),
        "units": _("the units table"),
    }
    for table, names in unread_columns(parquet_partitions(file)).items():
        click.echo(
            _("ignored columns of {table}: {columns}").format(
                table=tables[table], columns=join_list(names)
            ),
            err=True,
        )


def _with_dataset_notes(records: Iterable[RecordResult], file: str) -> Iterator[RecordResult]:
    yield from records
    say_unread_dataset_columns(file)


def _with_notes(stream: OrderStream) -> Iterator[RecordResult]:
    yield from stream
    if stream.ignored_columns:  # headers that name no field: their cells were not read
        click.echo(ignored_columns_note(stream.ignored_columns), err=True)
    for column in stream.unnamed_columns:  # data the file holds and nothing read
        click.echo(str(column), err=True)


@dataclass(frozen=True, slots=True)
class Evaluated:
    """An assessment made on a cluster (the order itself stays on the worker)."""

    order: WorkOrder | None
    assessments: tuple[Assessment, ...]


def evaluation_stream(
    file: str,
    input_format: str | None,
    tz: str | None,
    pack: Pack,
    as_of: dt.datetime | None,
    engine: EngineName,
    duplicates: Duplicates,
    cluster: dict[str, Any] | None,
    reading: dict[str, Any],
    repeats: bool = True,
) -> Iterator[Assessed | Evaluated | Rejection]:
    """FILE's records assessed under ``pack``, in input order: here, or on the cluster.

    With ``repeats`` and a pack with repeat rules, FILE's orders are indexed first
    (:func:`input_repeats`).
    """
    if cluster is None:
        records: Any = records_of(file, input_format, tz, notes=True, **reading)
        if duplicates == "last":  # the last record of an id: read them all first
            records = list(records)
        index = input_repeats(
            [pack],
            lambda: (
                records
                if isinstance(records, list)
                else records_of(file, input_format, tz, **reading)
            ),
            duplicates,
            repeats,
            as_of,
        )
        yield from assess_stream(
            records, [pack], as_of=as_of, repeats=index, engine=engine, duplicates=duplicates
        )
        return
    from grievance_rules.distributed import evaluate_dataset

    say_unread_dataset_columns(file)  # (the workers read the partitions; said here)
    for entry in evaluate_dataset(
        file,
        pack,
        as_of=as_of,
        engine=engine,
        duplicates=duplicates,
        assume_tz=tz,
        repeats=cluster_repeats([pack], repeats),
        **cluster,
    ):
        if isinstance(entry, Rejection):
            yield entry
        else:
            yield Evaluated(None, (Assessment.model_validate_json(entry),))
