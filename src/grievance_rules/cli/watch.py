"""``grievance-rules watch``: the morning watch list (每日黄红灯清单) of a file of orders."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import click

from grievance_rules.atomic import atomic_path
from grievance_rules.cli._language import N_, Choice, argument, command, option
from grievance_rules.cli._options import pack_options, parse_instant, writable_file
from grievance_rules.cli._output import REJECTED_EXIT, counts_line, echo_rejection
from grievance_rules.cli._reading import (
    file_options,
    input_format_option,
    orders_of,
    refuse_format_as_output,
    tz_option,
    with_repeated_ids_rejected,
    workbook_zone,
    zone_of,
)
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import ngettext
from grievance_rules.model import WorkOrder
from grievance_rules.operations import watch
from grievance_rules.packs import find_pack
from grievance_rules.reading import Accepted
from grievance_rules.reports.watch import (
    watch_csv,
    watch_html,
    watch_jsonl,
    watch_text,
    watch_xlsx,
)
from grievance_rules.scoring.stream import record_rejection

__all__ = ["closing_line", "parse_horizon", "watch_command"]

_FORMATS = ("table", "jsonl", "csv", "xlsx", "html")
_HORIZON = re.compile(r"(?P<n>\d+(\.\d+)?)\s*(?P<unit>d|h|m)")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


_YEAR_2200 = dt.datetime(2200, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def parse_horizon(text: str) -> dt.timedelta:
    """A horizon such as ``1d``, ``12h``, ``90m`` or ``1d12h`` (natural time).

    Example:
        >>> parse_horizon("1d12h")
        datetime.timedelta(days=1, seconds=43200)
    """
    compact = text.replace(" ", "")
    parts = list(_HORIZON.finditer(compact))
    if not compact or "".join(m.group(0) for m in parts) != compact:
        raise click.BadParameter(  # (read in the command: the option named here)
            _("{text} is not a horizon such as 1d, 12h, 90m or 1d12h").format(text=repr(text)),
            param_hint="'--within'",
        )
    total = dt.timedelta()
    try:
        for match in parts:
            total += dt.timedelta(**{_UNITS[match["unit"]]: float(match["n"])})
    except OverflowError:  # (more days than a timedelta holds: a traceback)
        total = dt.timedelta.max
    if total > MAX_HORIZON:
        raise click.BadParameter(
            _("{text} is longer than a horizon of {days} days").format(
                text=repr(text), days=MAX_HORIZON.days
            ),
            param_hint="'--within'",
        )
    return total


MAX_HORIZON = dt.timedelta(days=3660)
"""The longest ``--within``: ten years (the calendar projects to 2060; a watch list
looks days ahead)."""


def closing_line(records: int, assessed: int, later: int, rejected: int, items: int) -> str:
    """What ``watch`` says last: the records and what became of them, and the items listed.

    ``later``: the orders received after ``--as-of`` (not open then, so not listed),
    said only when there are any.

    Example:
        >>> closing_line(3, 2, 0, 1, 1)
        '3 records: 2 assessed, 1 rejected; 1 item listed'
        >>> closing_line(1, 0, 1, 0, 0)
        '1 record: 0 assessed, 1 received after --as-of (not open then), 0 rejected; 0 items listed'
    """
    if later:
        counts = ngettext(
            "{records} record: {assessed} assessed, {later} received after --as-of "
            "(not open then), {rejected} rejected",
            "{records} records: {assessed} assessed, {later} received after --as-of "
            "(not open then), {rejected} rejected",
            records,
        ).format(records=records, assessed=assessed, later=later, rejected=rejected)
    else:
        counts = counts_line(records, assessed, 0, rejected, records=True)
    listed = ngettext("{items} item listed", "{items} items listed", items).format(items=items)
    return _("{counts}; {listed}").format(counts=counts, listed=listed)


@command("watch")
@argument("file", type=click.Path(exists=True, dir_okay=False))
@pack_options
@option("--as-of", help=N_("The list's instant (ISO 8601 with offset; default: now)."))
@option("--within", default="1d", show_default=True, help=N_("Horizon: 1d, 12h, 90m ..."))
@input_format_option
@tz_option(N_("Zone for naive timestamps in FILE and --as-of (e.g. Asia/Shanghai)."))
@file_options
@option(
    "--output-format",
    "output_format",
    type=Choice(_FORMATS),
    default="table",
    show_default=True,
    help=N_("What to write: a table, JSON Lines, CSV, an xlsx workbook or an HTML page."),
)
@option(
    "--output",
    "-o",
    "out_file",
    type=click.Path(dir_okay=False),
    callback=writable_file,
    help=N_("Write to this file (default: standard output; xlsx needs a file)."),
)
def watch_command(
    file: str,
    pack_name: str | Path,
    as_of: str | None,
    within: str,
    input_format: str | None,
    tz: str | None,
    output_format: str,
    out_file: str | None,
    assume_tz: str | None = None,
    **reading: Any,
) -> None:
    """List every running clock and open window in FILE, sorted by due instant.

    Each line gives the level (none, yellow, red, breached), the order, the rule, the
    unit holding the order, the time left (office and natural time), and the instants
    within the horizon at which the clock turns yellow or red, with whom the pack says
    to notify; the CSV, JSON Lines, xlsx and HTML outputs give the rule's clause too.
    A summary line per unit counts yellow, red and breached.
    Without --as-of the list is for the current instant (the one wall-clock
    read, here in the command, never in the rules).

    xlsx needs --output FILE. Rejected records go to standard error with their
    reasons, and the exit status is then 1 (the list of the others is written).
    Orders received after --as-of had nothing open then: they are not listed, and
    the closing line counts them.
    """
    refuse_format_as_output(out_file, _FORMATS)
    output = output_format
    if output == "xlsx" and out_file is None:
        raise click.UsageError(
            _("--output-format {format} needs --output FILE (-o FILE)").format(format=output)
        )
    pack = find_pack(pack_name)
    tz = zone_of(tz, assume_tz)
    horizon = parse_horizon(within)
    instant = parse_instant(as_of, tz, "--as-of") if as_of else dt.datetime.now(dt.UTC)
    try:
        past = instant + horizon >= _YEAR_2200
    except OverflowError:  # (an --as-of near the year 9999)
        past = True
    if past:
        raise click.BadParameter(
            _("{text}: --as-of plus it is past the years the library reads (to 2199)").format(
                text=repr(within)
            ),
            param_hint="'--within'",
        )
    orders: list[WorkOrder] = []
    rejected = records = 0
    # a second record of an order id is rejected, as evaluate rejects it (the list of the
    # others is written); it stopped the command with no list
    for result in with_repeated_ids_rejected(orders_of(file, input_format, tz, **reading)):
        records += 1
        if isinstance(result, Accepted):
            orders.append(result.order)
        else:
            rejected += 1
            # as evaluate says it: a line for people with the table, else source and reasons
            echo_rejection(record_rejection(result), for_people=output == "table")
    listed = watch(orders, pack, instant, within=horizon)
    if output == "xlsx":
        assert out_file is not None
        with atomic_path(out_file) as tmp:  # the file appears only when complete
            tmp.write_bytes(watch_xlsx(listed, zone=workbook_zone(tz)))
    else:
        render = {
            "table": watch_text,
            "jsonl": watch_jsonl,
            "csv": watch_csv,
            "html": watch_html,
        }[output]
        text = render(listed)
        if out_file is not None:
            encoding = "utf-8-sig" if output == "csv" else "utf-8"
            with atomic_path(out_file) as tmp:
                tmp.write_text(text, encoding=encoding, newline="")
        else:
            click.echo(text, nl=False)
    if out_file is not None:  # as every command that writes a file says it
        click.echo(_("wrote {file}").format(file=out_file), err=True)
    closing = closing_line(
        records, listed.orders, listed.not_yet_received, rejected, len(listed.items)
    )
    click.echo(closing, err=True)
    if rejected:  # the list is written all the same, as evaluate and score write theirs
        raise SystemExit(REJECTED_EXIT)
