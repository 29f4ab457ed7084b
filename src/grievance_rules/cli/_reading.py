"""The options of every command that reads a file of orders, spelled once.

``--format``, ``--tz`` (``--assume-tz`` is its deprecated, hidden alias),
``--encoding``, ``--sheet`` and ``--mapping``; :func:`orders_of` opens the file
with them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import click
import pendulum

from grievance_rules.cli._language import N_, option
from grievance_rules.engine.duplicates import DuplicateIds
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list
from grievance_rules.reading import InputFormat, OrderStream, iter_orders
from grievance_rules.reading.columns import shown_header
from grievance_rules.reading.results import Accepted, RecordProblem, RecordResult, Rejected

__all__ = [
    "file_options",
    "ignored_columns_note",
    "input_format_option",
    "orders_of",
    "pop_file_options",
    "refuse_format_as_output",
    "tz_option",
    "with_repeated_ids_rejected",
    "workbook_zone",
    "zone_of",
]

_INPUT_FORMATS = tuple(f.value for f in InputFormat)
_OUTPUT_WORDS = ("table", "markdown", "html", "jsonl", "json", "csv", "xlsx")


def _bad_format(value: str) -> str:
    hint = ""
    if value == "parquet":
        hint = _(
            "; a Parquet dataset (a folder holding orders.parquet or orders/, or a "
            ".parquet file) is known by its name: drop --format"
        )
    elif value in _OUTPUT_WORDS and value not in _INPUT_FORMATS:
        hint = _("; the format of what the command writes is --output-format {value}").format(
            value=value
        )
    return (
        _("{value} is not a format of the orders file: one of {formats}").format(
            value=repr(value), formats=join_list(_INPUT_FORMATS)
        )
        + hint
    )


class _InputFormatType(click.ParamType):  # type: ignore[type-arg]
    name = "FORMAT"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        text = str(value)
        if text not in _INPUT_FORMATS:
            self.fail(_bad_format(text), param, ctx)
        return text


input_format_option = option(
    "--format",
    "input_format",
    type=_InputFormatType(),
    help=N_(
        "The format of FILE: json, jsonl, csv or xlsx (default: from its name). A Parquet "
        "dataset is known by its name (a folder holding orders.parquet or orders/, or a "
        ".parquet file)."
    ),
)
"""``--format``: the format of the orders file, checked before anything is read."""


def _deprecated_tz(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        click.echo(_("warning: --assume-tz is deprecated; use --tz"), err=True)
    return value


def tz_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--tz ZONE`` and its hidden, deprecated alias ``--assume-tz``."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        func = option(
            "--assume-tz",
            "assume_tz",
            metavar="ZONE",
            hidden=True,
            expose_value=True,
            callback=_deprecated_tz,
            help=N_("Deprecated spelling of --tz."),
        )(func)
        return option("--tz", metavar="ZONE", help=help_text)(func)

    return decorate


def refuse_format_as_output(output: str | None, formats: tuple[str, ...]) -> None:
    """``--output`` names the file to write; a format name there is the old spelling.

    Raises:
        click.UsageError: ``output`` is one of ``formats`` (``--output table``).
    """
    if output in formats:
        raise click.UsageError(
            _("--output is the file to write; for the format use --output-format {format}").format(
                format=output
            )
        )


def file_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--encoding``, ``--sheet`` and ``--mapping`` (the format and zone are separate)."""
    options = [
        option(
            "--encoding",
            default="auto",
            show_default=True,
            help=N_("CSV encoding: auto (UTF-8 with or without BOM, or GB18030), or a codec name."),
        ),
        option(
            "--sheet", help=N_("xlsx: the sheet of the orders (default: the first that has them).")
        ),
        option(
            "--mapping",
            type=click.Path(exists=True, dir_okay=False),
            help=N_(
                "Wide spreadsheets: the office's milestone mapping (TOML; see docs/export.md)."
            ),
        ),
    ]
    for add in reversed(options):
        func = add(func)
    return func


def pop_file_options(options: dict[str, Any]) -> dict[str, Any]:
    """Take the reading options out of a command's keyword arguments."""
    return {name: options.pop(name, None) for name in ("encoding", "sheet", "mapping")}


def zone_of(tz: str | None, assume_tz: str | None) -> str | None:
    """The zone given with --tz or its deprecated alias (not both, unless they agree).

    Raises:
        click.UsageError: both given, differently.
        click.BadParameter: no such zone.
    """
    if tz is not None and assume_tz is not None and tz != assume_tz:
        raise click.UsageError(
            _("--tz {tz} and --assume-tz {assume_tz} disagree; give --tz only").format(
                tz=tz, assume_tz=assume_tz
            )
        )
    chosen = tz if tz is not None else assume_tz
    if chosen is not None:
        try:
            pendulum.timezone(chosen)
        except (ValueError, KeyError, pendulum.tz.exceptions.InvalidTimezone):
            raise click.BadParameter(
                _("unknown time zone {name!r}; e.g. Asia/Shanghai").format(name=chosen),
                param_hint="--tz",
            ) from None
    return chosen


def workbook_zone(tz: str | None) -> dt.tzinfo:
    """The zone a workbook shows its instants in: --tz, else Shanghai (Excel keeps no zone)."""
    from zoneinfo import ZoneInfo

    from grievance_rules.calendar import SHANGHAI

    return ZoneInfo(tz) if tz else SHANGHAI


def orders_of(
    file: str,
    input_format: str | None,
    tz: str | None,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    mapping: str | None = None,
    columns: dict[str, str] | None = None,
    strict: bool = False,
) -> OrderStream:
    """The records of FILE, read with the command's options."""
    if input_format is not None and input_format not in _INPUT_FORMATS:
        raise click.BadParameter(_bad_format(input_format), param_hint="--format")
    return iter_orders(
        file,
        input_format,
        assume_tz=tz,
        columns=columns,
        strict=strict,
        sheet=sheet,
        encoding=None if encoding in (None, "auto") else encoding,
        mapping=mapping,
    )


def ignored_columns_note(headers: Iterable[str]) -> str:
    """The line that names the columns a file has whose headers name no field (not read)."""
    return _("ignored columns: {columns}").format(
        columns=join_list(shown_header(h) for h in headers)
    )


def with_repeated_ids_rejected(results: Iterable[RecordResult]) -> Iterator[RecordResult]:
    """The records, a second record of an order id rejected, naming where the first was.

    As the commands that assess reject it (``evaluate``, ``score``): ``read`` and
    ``watch`` read their records themselves.
    """
    seen = DuplicateIds("reject")
    for result in results:
        if isinstance(result, Accepted):
            order_id = result.order.id
            # (the first record of an id is noted, and said where when another comes)
            if seen.reason(order_id, 0, str(result.location)) is not None:
                problem = RecordProblem(
                    "id",
                    _("duplicate order id {order_id} (first at {first})").format(
                        order_id=repr(order_id), first=seen.first_at(order_id)
                    ),
                    "duplicate_order",
                )
                result = Rejected(result.location, (problem,), order_id)
        yield result
