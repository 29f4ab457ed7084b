"""Parameter types shared by the commands."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pendulum

from grievance_rules.calendar import SHANGHAI
from grievance_rules.cli._language import N_, Choice, option
from grievance_rules.i18n import gettext as _

__all__ = [
    "DATE",
    "DUPLICATES_OPTION",
    "ENGINE_OPTION",
    "SCORING_ENGINE_OPTION",
    "output_format",
    "pack_options",
    "parse_instant",
    "scoring_engine",
    "writable_file",
]


def writable_file(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """An output file's path, checked before any order is read (a ``callback=``).

    Its folder must exist and it must not be a folder: found after a year of orders
    was assessed, either was a Python traceback and exit status 1 (which says records
    were rejected). A usage error instead: exit 2, the option named.
    """
    if value is None:
        return value
    target = Path(value)
    if target.is_dir():
        raise click.BadParameter(
            _("{path} is a folder; give the name of a file").format(path=value), ctx, param
        )
    folder = target.parent
    if not folder.is_dir():
        raise click.BadParameter(
            _("there is no folder {folder} to write {name} in").format(
                folder=folder, name=target.name
            ),
            ctx,
            param,
        )
    return value


_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx", ".csv": "csv"}
"""The formats of orders a file's name says (``convert`` and ``sample`` write)."""


def output_format(target: str | Path, given: str | None, *, otherwise: str) -> str:
    """The format to write: the one given, else the one the target's name says, else ``otherwise``.

    Example:
        >>> output_format("year.jsonl", None, otherwise="parquet")
        'jsonl'
        >>> output_format("year", None, otherwise="parquet")
        'parquet'
        >>> output_format("orders.xlsx", "jsonl", otherwise="jsonl")
        'jsonl'
    """
    if given is not None:
        return given
    return _SUFFIXES.get(Path(target).suffix.lower(), otherwise)


_DATE_PREFIX = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?![\d])")


def _no_such_day(text: str) -> str | None:
    """Why a text of the form YYYY-MM-DD… names no day (2023-02-29), or ``None``."""
    found = _DATE_PREFIX.match(text.strip())
    if found is None:
        return None
    year, month, day = (int(part) for part in found.groups())
    try:
        dt.date(year, month, day)
    except ValueError:
        return _("{value} names no day: there is no {date}").format(
            value=repr(text), date=found.group(0)
        )
    return None


class _DateType(click.ParamType):  # type: ignore[type-arg]
    name = "DATE"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(
                _no_such_day(str(value))
                or _("{value} is not a date of the form YYYY-MM-DD").format(value=repr(value)),
                param,
                ctx,
            )


DATE = _DateType()

DUPLICATES_OPTION = option(
    "--duplicates",
    type=Choice(["reject", "last"]),
    default="reject",
    show_default=True,
    help=N_(
        "A second record with an order id already seen: rejected, naming the first; or "
        "'last': only the last record of each id is assessed, the earlier ones rejected as "
        "replaced (FILE is read into memory)."
    ),
)

ENGINE_OPTION = option(
    "--engine",
    type=Choice(["native", "durable"]),
    default="native",
    show_default=True,
    help=N_(
        "Matching backend: native (everywhere) or durable (durable-rules, installed with "
        "the [durable] extra on Python 3.11-3.12); both give the same findings."
    ),
)


SCORING_ENGINE_OPTION = option(
    "--engine",
    type=Choice(["auto", "per-order", "columnar", "native", "durable"]),
    default="auto",
    show_default=True,
    help=N_(
        "How the orders are judged: per-order (the engine, order by order; 'native' is "
        "the same), columnar (whole batches, findings as tables), durable (per order on "
        "durable-rules, the [durable] extra on Python 3.11-3.12), or auto: columnar from 500 "
        "records on one process, per order otherwise. All give the same results."
    ),
)


def scoring_engine(options: dict[str, Any]) -> None:
    """Turn ``--engine`` of score, compare and what-if into ``engine=`` and ``path=``.

    Raises:
        click.UsageError: ``--engine columnar`` with ``--processes`` above 1.
    """
    chosen = options.pop("engine", "auto")
    engine, path = {
        "auto": ("native", "auto"),
        "per-order": ("native", "per-order"),
        "native": ("native", "per-order"),
        "columnar": ("native", "columnar"),
        "durable": ("durable", "per-order"),
    }[chosen]
    if path == "columnar" and options.get("processes", 1) > 1:
        raise click.UsageError(
            _(
                "--engine columnar runs in one process; drop --processes, "
                "or use --workers for several (Dask)"
            )
        )
    options["engine"] = engine
    options["path"] = path


def parse_instant(text: str, tz: str | None, option: str | None = None) -> dt.datetime:
    """Read an instant: an ISO date-time with an offset, or a date (00:00 Shanghai).

    A date-time without an offset is read in ``tz`` when given and refused otherwise;
    the refusal names ``option`` (``--as-of``) when given.
    """
    try:
        return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(0), tzinfo=SHANGHAI)
    except ValueError:
        pass
    try:
        parsed = pendulum.parse(text, exact=True, tz=None)
    except (ValueError, pendulum.parsing.exceptions.ParserError):
        # (pendulum's own reason is English, and names no form that would do)
        raise click.BadParameter(
            _no_such_day(text)
            or _(
                "{text} is not an ISO 8601 date-time; give one such as "
                "2024-05-06T09:30:00+08:00, or a date such as 2024-05-06 (00:00 Shanghai time)"
            ).format(text=repr(text)),
            param_hint=option,
        ) from None
    if not isinstance(parsed, dt.datetime):
        raise click.BadParameter(
            _("{text} is not a date-time").format(text=repr(text)), param_hint=option
        )
    if parsed.tzinfo is None:
        if tz is None:
            raise click.BadParameter(
                _(
                    "{text} has no UTC offset; add one (e.g. +08:00) or name a zone with --tz "
                    "(no timezone is guessed)"
                ).format(text=repr(text)),
                param_hint=option,
            )
        try:
            zone = pendulum.timezone(tz)
        except (ValueError, KeyError, pendulum.tz.exceptions.InvalidTimezone):
            raise click.BadParameter(
                _("unknown time zone {name!r}; e.g. Asia/Shanghai").format(name=tz),
                param_hint="--tz",
            ) from None
        parsed = parsed.replace(tzinfo=zone)
    # a standard datetime, not pendulum's subclass: its arithmetic gives pendulum's own
    # intervals, which the standard library's cannot divide (watch's search broke on it)
    return dt.datetime(
        parsed.year,
        parsed.month,
        parsed.day,
        parsed.hour,
        parsed.minute,
        parsed.second,
        parsed.microsecond,
        tzinfo=parsed.tzinfo,
        fold=parsed.fold,
    )


def pack_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--pack NAME`` or ``--pack-dir DIR``, passed on as ``pack_name`` (a name or a Path).

    A name finds only built-in and installed packs; a folder in the current directory
    is used only when given as a path (``--pack ./mine`` or ``--pack-dir mine``).
    """

    @functools.wraps(func)
    def wrapper(*args: Any, pack_name: str | None, pack_dir: str | None, **kwargs: Any) -> Any:
        if (pack_name is None) == (pack_dir is None):
            raise click.UsageError(_("give one of --pack NAME and --pack-dir DIR"))
        return func(*args, pack_name=Path(pack_dir) if pack_dir else pack_name, **kwargs)

    wrapper = option(
        "--pack-dir",
        type=click.Path(exists=True, file_okay=False),
        help=N_("A pack directory (instead of --pack)."),
    )(wrapper)
    return option(
        "--pack",
        "pack_name",
        help=N_("Pack name (built-in or installed), or a path to a pack directory (with a /)."),
    )(wrapper)
