"""The options of every command that reads a file of orders, spelled once.

``--format``, ``--tz`` (``--assume-tz`` is its deprecated, hidden alias),
``--encoding``, ``--sheet`` and ``--mapping``; :func:`orders_of` opens the file
with them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from grievance_rules.reading import InputFormat, OrderStream, iter_orders

__all__ = ["file_options", "orders_of", "pop_file_options", "tz_option", "zone_of"]


def _deprecated_tz(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        click.echo("warning: --assume-tz is deprecated; use --tz", err=True)
    return value


def tz_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--tz ZONE`` and its hidden, deprecated alias ``--assume-tz``."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        func = click.option(
            "--assume-tz",
            "assume_tz",
            metavar="ZONE",
            hidden=True,
            expose_value=True,
            callback=_deprecated_tz,
            help="Deprecated spelling of --tz.",
        )(func)
        return click.option("--tz", metavar="ZONE", help=help_text)(func)

    return decorate


def file_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--encoding``, ``--sheet`` and ``--mapping`` (the format and zone are separate)."""
    options = [
        click.option(
            "--encoding",
            default="auto",
            show_default=True,
            help="CSV encoding: auto (UTF-8 with or without BOM, or GB18030), or a codec name.",
        ),
        click.option(
            "--sheet", help="xlsx: the sheet of the orders (default: the first that has them)."
        ),
        click.option(
            "--mapping",
            type=click.Path(exists=True, dir_okay=False),
            help="Wide spreadsheets: the office's milestone mapping (TOML; see docs/export.md).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def pop_file_options(options: dict[str, Any]) -> dict[str, Any]:
    """Take the reading options out of a command's keyword arguments."""
    return {name: options.pop(name, None) for name in ("encoding", "sheet", "mapping")}


def zone_of(tz: str | None, assume_tz: str | None) -> str | None:
    """The zone given with --tz or its deprecated alias (not both, unless they agree).

    Raises:
        click.UsageError: both given, differently.
    """
    if tz is not None and assume_tz is not None and tz != assume_tz:
        raise click.UsageError(f"--tz {tz} and --assume-tz {assume_tz} disagree; give --tz only")
    return tz if tz is not None else assume_tz


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
    if input_format is not None and input_format not in {f.value for f in InputFormat}:
        raise click.BadParameter(
            f"{input_format!r}: one of {', '.join(f.value for f in InputFormat)}",
            param_hint="--format",
        )
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
