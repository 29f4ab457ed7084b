"""``grievance-rules read``: read a file of work orders and account for every record."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import click

from grievance_rules.cli._language import N_, Choice, argument, command, option
from grievance_rules.cli._options import writable_file
from grievance_rules.cli._output import atomic_file
from grievance_rules.cli._reading import (
    file_options,
    ignored_columns_note,
    orders_of,
    tz_option,
    with_repeated_ids_rejected,
    zone_of,
)
from grievance_rules.errors import ColumnMappingError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list
from grievance_rules.model import WorkOrder
from grievance_rules.reading import InputFormat, OrderStream, RecordResult
from grievance_rules.reading.export import write_long_csv, write_long_xlsx
from grievance_rules.reading.parquet import is_parquet, iter_parquet_orders
from grievance_rules.reading.results import (
    Accepted,
    Rejected,
    UnnamedColumn,
    read_summary,
)

__all__ = ["read_command"]


def _columns(pairs: tuple[str, ...]) -> dict[str, str]:
    columns: dict[str, str] = {}
    for pair in pairs:
        field, sep, header = pair.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise ColumnMappingError(
                _("--column {pair!r}: expected FIELD=HEADER").format(pair=pair)
            )
        columns[field.strip()] = header.strip()
    return columns


class _ParquetRecords:
    """A Parquet dataset's records, with what ``read`` reports of a file's stream."""

    layout = "parquet"
    ignored_columns: tuple[str, ...] = ()
    unnamed_columns: tuple[UnnamedColumn, ...] = ()
    title_rows: tuple[int, ...] = ()
    encoding_used: str | None = None

    def __init__(self, path: str, tz: str | None, strict: bool) -> None:
        self.name = path
        self.records = 0
        self.sheets_used: dict[str, str] = {}
        self._results = iter_parquet_orders(path, assume_tz=tz, strict=strict)

    def __iter__(self) -> Iterator[RecordResult]:
        for result in self._results:
            self.records += 1
            yield result


@command("read")
@argument("path", type=click.Path(exists=True, dir_okay=True, path_type=Path))
@option(
    "--format",
    "fmt",
    type=Choice([f.value for f in InputFormat]),
    help=N_("The file format (default: from the suffix)."),
)
@tz_option(
    N_(
        "Read timestamps without an offset (2025/1/1 8:00, Excel date cells) in this zone, "
        "e.g. Asia/Shanghai. Without it they are rejected."
    )
)
@option(
    "--column",
    "column_pairs",
    multiple=True,
    metavar="FIELD=HEADER",
    help=N_("CSV/xlsx: the header holding FIELD (repeatable)."),
)
@file_options
@option("--strict", is_flag=True, help=N_("Reject records whose history has warnings."))
@option(
    "--accepted-out",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=writable_file,
    help=N_(
        "Write the accepted orders here: one JSON fact per line; or, for a name ending in "
        ".xlsx or .csv, the long layout for Excel (a converter: wide or JSON in, 流转记录 out)."
    ),
)
@option("--json", "as_json", is_flag=True, help=N_("Print the report as JSON."))
def read_command(
    path: Path,
    fmt: str | None,
    tz: str | None,
    assume_tz: str | None,
    column_pairs: tuple[str, ...],
    sheet: str | None,
    encoding: str,
    mapping: str | None,
    strict: bool,
    accepted_out: Path | None,
    as_json: bool,
) -> None:
    """Read work orders from PATH (json, jsonl, csv, xlsx, Parquet) and report every record.

    Spreadsheets: one row per order; the long layout (an orders sheet with a
    流转记录 sheet of events and a 单位 sheet of units, or CSV files
    X.csv, X.流转记录.csv, X.单位.csv); or the wide layout (milestone columns).
    See docs/export.md.

    Exit status: 0 when every record is accepted, 1 when any is rejected.
    """
    stream: OrderStream | _ParquetRecords
    if fmt is None and is_parquet(str(path)):  # a dataset convert or sample wrote
        stream = _ParquetRecords(str(path), zone_of(tz, assume_tz), strict)
    else:
        stream = orders_of(
            str(path),
            fmt,
            zone_of(tz, assume_tz),
            columns=_columns(column_pairs),
            strict=strict,
            sheet=sheet,
            encoding=encoding,
            mapping=mapping,
        )
    accepted = warnings = 0
    rejected: list[Rejected] = []
    warned: list[Accepted] = []
    table = accepted_out is not None and accepted_out.suffix.lower() in (".xlsx", ".csv")
    kept: list[WorkOrder] = []
    with contextlib.ExitStack() as files:
        # a JSON Lines file appears only when complete: written beside, renamed at the end
        out = files.enter_context(atomic_file(accepted_out)) if accepted_out and not table else None
        # a second record of an order id is rejected, as the commands that assess reject
        # it (read is the check run before them: it accepted both)
        for result in with_repeated_ids_rejected(stream):
            if isinstance(result, Accepted) and table:
                kept.append(result.order)
            if isinstance(result, Accepted):
                accepted += 1
                warnings += len(result.warnings)
                if result.warnings:
                    warned.append(result)
                if out is not None:
                    out.write(result.order.model_dump_json() + "\n")
            else:
                rejected.append(result)
    if table and accepted_out is not None:
        if accepted_out.suffix.lower() == ".xlsx":
            write_long_xlsx(kept, accepted_out)
        else:
            write_long_csv(kept, accepted_out)
    if as_json:
        report = {
            "source": stream.name,
            "records": stream.records,
            "accepted": accepted,
            "rejected": len(rejected),
            "warnings": [
                {"location": a.location.to_dict(), "order_id": a.order.id, **w.to_dict()}
                for a in warned
                for w in a.warnings
            ],
            "rejections": [r.to_dict() for r in rejected],
            "ignored_columns": list(stream.ignored_columns),
            "unnamed_columns": [column.to_dict() for column in stream.unnamed_columns],
            "layout": stream.layout,
            "title_rows": list(stream.title_rows),
            "encoding": stream.encoding_used,
            "sheets": stream.sheets_used,
        }
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for result in rejected:
            click.echo(_("rejected {record}").format(record=result))
        for item in warned:
            for warning in item.warnings:
                click.echo(
                    _("warning {location} (order {order}): {warning}").format(
                        location=item.location, order=item.order.id, warning=warning
                    )
                )
        if stream.title_rows:
            rows = join_list(str(row) for row in stream.title_rows)
            click.echo(_("title rows above the header, skipped: {rows}").format(rows=rows))
        if stream.ignored_columns:
            click.echo(ignored_columns_note(stream.ignored_columns))
        for column in stream.unnamed_columns:
            click.echo(str(column))
        click.echo(read_summary(stream.name, stream.records, accepted, warnings, len(rejected)))
    if rejected:
        raise SystemExit(1)
