"""``grievance-rules sample``: write synthetic work orders as JSON Lines, or for Excel.

The orders come from :func:`grievance_rules.samples.generate_lines`: the same
``--seed`` and options give the same bytes; every line reads back as a valid
order with a coherent history. ``--format xlsx`` and ``--format csv`` write
them in the long layout (:mod:`grievance_rules.reading.export`), which
``grievance-rules read FILE --tz Asia/Shanghai`` reads back to the same orders.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import click

from grievance_rules.atomic import atomic_path
from grievance_rules.cli._language import N_, Choice, command, option
from grievance_rules.cli._options import DATE, output_format, parse_instant
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import ngettext
from grievance_rules.reading.export import write_long_csv, write_long_xlsx
from grievance_rules.samples import DEFAULT_START, generate_lines, generate_orders

__all__ = ["sample_command"]


def _write(lines: Iterable[str], stream: BinaryIO) -> int:
    written = 0
    for line in lines:
        stream.write(line.encode("utf-8") + b"\n")
        written += 1
    return written


def _wrote(count: int, file: str | Path) -> str:
    said = ngettext("wrote {count} order to {file}", "wrote {count} orders to {file}", count)
    return said.format(count=count, file=file)


@command("sample")
@option(
    "--orders",
    "count",
    type=click.IntRange(min=0),
    required=True,
    help=N_("How many orders to write."),
)
@option(
    "--seed",
    type=int,
    required=True,
    help=N_("The seed: the same seed gives the same orders, byte for byte."),
)
@option(
    "--start",
    type=DATE,
    default=DEFAULT_START.isoformat(),
    show_default=True,
    help=N_("The first day of receipt (YYYY-MM-DD)."),
)
@option(
    "--months",
    type=click.IntRange(1, 600),
    default=12,
    show_default=True,
    help=N_("How many months orders are received in."),
)
@option(
    "--as-of",
    "as_of",
    metavar="INSTANT",
    help=N_(
        "Cut the histories at this instant (an export taken then), at or after "
        "the end of the receipt window; ISO 8601 with an offset, or a date (00:00 "
        "Shanghai). Default: complete histories."
    ),
)
@option(
    "--tz",
    metavar="ZONE",
    help=N_("Read an --as-of without a UTC offset in this zone (e.g. Asia/Shanghai)."),
)
@option(
    "--format",
    "--output-format",
    "fmt",
    type=Choice(["jsonl", "xlsx", "csv", "parquet"]),
    help=N_(
        "JSON Lines (the default; also for an --output ending in .xlsx or .csv, the "
        "format its name says); or the long layout for Excel: a workbook (工单, 流转记录, 单位 "
        "sheets; times on Shanghai wall clock), or CSV files (FILE, FILE.流转记录.csv, "
        "FILE.单位.csv); or parquet: a folder (orders.parquet, events.parquet, "
        "units.parquet; see --partition-size). xlsx, csv and parquet need --output. "
        "(--output-format is the same option, as the commands that read orders spell it.)"
    ),
)
@option(
    "--partition-size",
    type=click.IntRange(min=1),
    help=N_(
        "parquet: this many orders per partition (the folders orders/, events/, units/ "
        "of part-NNNNN.parquet files); default one partition."
    ),
)
@option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help=N_("Write to this file (parquet: this folder) instead of standard output."),
)
def sample_command(
    count: int,
    seed: int,
    start: dt.date,
    months: int,
    as_of: str | None,
    tz: str | None,
    fmt: str | None,
    output: Path | None,
    partition_size: int | None = None,
) -> None:
    """Write synthetic work orders (--orders of them) of a fictional street as JSON Lines.

    The mix of channels, categories, returns, late replies, callbacks, redos,
    续报, supervision and the rest is documented in docs/model.md ("Sample data").
    """
    snapshot = parse_instant(as_of, tz, "--as-of") if as_of is not None else None
    # -o orders.xlsx: the workbook, as its name says; JSON Lines otherwise
    fmt = output_format(output or "", fmt, otherwise="jsonl")
    if fmt != "jsonl":
        if output is None:
            raise click.UsageError(
                _("--format {format} needs --output FILE (-o FILE)").format(format=fmt)
            )
        orders = generate_orders(count, seed=seed, start=start, months=months, as_of=snapshot)
        if fmt == "xlsx":
            written = write_long_xlsx(orders, output)
        elif fmt == "parquet":
            from grievance_rules.reading.parquet_export import write_parquet

            written = write_parquet(orders, output, partition_size=partition_size)
        else:
            written = write_long_csv(orders, output)
        click.echo(_wrote(written, output), err=True)
        return
    lines = generate_lines(count, seed=seed, start=start, months=months, as_of=snapshot)
    if output is None:
        stream = sys.stdout.buffer
        _write(lines, stream)
        stream.flush()
        return
    with atomic_path(output) as temporary, temporary.open("wb") as handle:
        written = _write(lines, handle)
    click.echo(_wrote(written, output), err=True)
