"""``grievance-rules convert IN OUT``: orders from one format to another, Parquet among them.

IN is read as every command reads orders (JSON, JSON Lines, CSV, xlsx, or a
Parquet dataset, with ``--format``, ``--tz``, ``--encoding``, ``--sheet``,
``--mapping``); each valid order is written to OUT, and each rejected record
goes to standard error with its location and problems, so nothing is dropped
without a word. OUT's format is ``--to``, or told from OUT: ``.jsonl`` (JSON
Lines, one order as its JSON per line), ``.xlsx`` or ``.csv`` (the long layout
for Excel), otherwise a Parquet dataset (a folder: ``orders.parquet``,
``events.parquet``, ``units.parquet``; with ``--partition-size N``, folders of
partitions of N orders). Orders are streamed. JSON Lines to Parquet and back
gives the same orders, each line the order's whole JSON (every field, instants
on Shanghai time: ``WorkOrder.model_dump_json()``), so a second round trip gives
the same bytes. Exit status 1 when a record was rejected.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import click

from grievance_rules.cli._dataset import records_of
from grievance_rules.cli._language import N_, Choice, argument, command, option
from grievance_rules.cli._options import output_format
from grievance_rules.cli._output import REJECTED_EXIT, atomic_file
from grievance_rules.cli._reading import (
    file_options,
    input_format_option,
    pop_file_options,
    tz_option,
    zone_of,
)
from grievance_rules.engine.duplicates import DuplicateIds
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import ngettext
from grievance_rules.model import WorkOrder
from grievance_rules.reading import Accepted

__all__ = ["convert_command", "written_line"]

OUTPUT_FORMATS = ("parquet", "jsonl", "xlsx", "csv")


def written_line(records: int, written: int, target: str, rejected: int) -> str:
    """What ``convert`` says last: the records read, the orders written and where, the rejected.

    Example:
        >>> written_line(1, 1, "orders.xlsx", 0)
        '1 record: 1 order written to orders.xlsx, 0 rejected'
        >>> written_line(3, 2, "orders.xlsx", 1)
        '3 records: 2 orders written to orders.xlsx, 1 rejected'
    """
    orders = ngettext("{written} order", "{written} orders", written).format(written=written)
    return ngettext(
        "{records} record: {orders} written to {target}, {rejected} rejected",
        "{records} records: {orders} written to {target}, {rejected} rejected",
        records,
    ).format(records=records, orders=orders, target=target, rejected=rejected)


@command("convert")
@argument("source", metavar="IN", type=click.Path(exists=True))
@argument("target", metavar="OUT", type=click.Path())
@option(
    "--to",
    "to",
    type=Choice(OUTPUT_FORMATS),
    help=N_(
        "The format of OUT (default: from its suffix: .jsonl, .xlsx, .csv; otherwise "
        "parquet, a folder)."
    ),
)
@option(
    "--partition-size",
    type=click.IntRange(min=1),
    help=N_("parquet: this many orders per partition (default: one partition)."),
)
@input_format_option
@tz_option(N_("Zone for naive timestamps in IN (e.g. Asia/Shanghai)."))
@file_options
def convert_command(
    source: str,
    target: str,
    to: str | None,
    partition_size: int | None,
    input_format: str | None,
    tz: str | None,
    assume_tz: str | None = None,
    **options: Any,
) -> None:
    """Convert the orders of IN to OUT: JSON Lines, xlsx, CSV or a Parquet dataset."""
    fmt = output_format(target, to, otherwise="parquet")
    if partition_size is not None and fmt != "parquet":
        raise click.UsageError(_("--partition-size is for Parquet output"))
    tz = zone_of(tz, assume_tz)
    records = records_of(source, input_format, tz, notes=True, **pop_file_options(options))
    counts = {"records": 0, "rejected": 0}
    seen = DuplicateIds("reject")  # a second record of an id is rejected, as every command does

    def orders() -> Iterator[WorkOrder]:
        for position, record in enumerate(records):
            counts["records"] += 1
            if isinstance(record, Accepted):
                where = str(record.location)
                twice = seen.reason(record.order.id, position, where)
                if twice is None:
                    yield record.order
                    continue
                message = _("{location} (order {order}): {problems}").format(
                    location=where, order=record.order.id, problems=twice
                )
            else:
                message = str(record)
            counts["rejected"] += 1
            click.echo(message, err=True)

    if fmt == "parquet":
        from grievance_rules.reading.parquet_export import write_parquet

        written = write_parquet(orders(), target, partition_size=partition_size)
    elif fmt == "xlsx":
        from grievance_rules.reading.export import write_long_xlsx

        written = write_long_xlsx(orders(), target)
    elif fmt == "csv":
        from grievance_rules.reading.export import write_long_csv

        written = write_long_csv(orders(), target)
    else:
        written = 0
        with atomic_file(target) as handle:
            for order in orders():
                handle.write(order.model_dump_json() + "\n")
                written += 1
    click.echo(written_line(counts["records"], written, target, counts["rejected"]), err=True)
    if counts["rejected"]:
        raise SystemExit(REJECTED_EXIT)
