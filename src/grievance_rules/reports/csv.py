"""Scorecards and comparisons as CSV: one file per table, every column, atomic values.

Encoding: a CSV written to a path is **UTF-8 with a byte-order mark**
(``utf-8-sig``): Excel, as used in Chinese offices, takes a CSV without a BOM for
the local code page (GBK) and shows the Chinese text garbled; with the BOM it
opens it correctly, and Python (``encoding="utf-8-sig"``), pandas and
LibreOffice read it as plain UTF-8. A CSV written to an open text stream gets
no BOM: the stream's encoding is the caller's.

The header line holds the columns' keys (``unit``, ``unit_name``, ``score`` ...),
the same in every language, for programs; ``headers="labels"`` writes the
labels people read instead, in the current language or ``lang``. Units come
with their name (``unit_name``: ``东风社区``) and kind (``kind_name``: ``村（社区）``)
beside their codes; words in cells (kinds, topics, states, ranks) are in the
current language or ``lang``.

Lines end with CRLF (RFC 4180). A rate takes three columns: its value (a share,
``0.75``; empty when undefined), ``NAME_n`` and ``NAME_d``. Numbers have at most 6
decimals. A text cell that a spreadsheet would read as a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return, and not a number) is
prefixed with ``'``.

Example:
    >>> import io
    >>> from importlib.resources import files
    >>> from grievance_rules.reading import read_orders
    >>> from grievance_rules.scoring import score
    >>> card = score(read_orders(files("grievance_rules") / "samples" / "orders.jsonl").orders,
    ...              "chengdong")
    >>> out = io.StringIO()
    >>> write_scorecard_csv(card, out)
    >>> out.getvalue().splitlines()[1].split(",")[:12]
    ['chengdong@2024', '2026-02', '2026-02-01', '2026-03-01', 'c07', '东风社区', \
'village_community', 'village (community)', '1', '0', '-1', '-1']
    >>> out = io.StringIO()
    >>> write_scorecard_csv(card, out, headers="labels", lang="zh")
    >>> out.getvalue().splitlines()[0].split(",")[:8]
    ['考核办法', '考核周期', '起始日', '截止日（不含）', '单位编号', '单位', '类型代码', '单位类型']
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path
from typing import Literal, TextIO

from grievance_rules.atomic import atomic_path
from grievance_rules.errors import ArgumentError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list
from grievance_rules.reports.formatting import in_language, number
from grievance_rules.reports.tables import (
    Cell,
    Column,
    Table,
    comparison_tables,
    scorecard_tables,
)
from grievance_rules.scoring import Comparison, Rate, Scorecard

__all__ = [
    "COMPARISON_TABLES",
    "ENCODING",
    "SCORECARD_TABLES",
    "Headers",
    "csv_text",
    "write_comparison_csv",
    "write_scorecard_csv",
    "write_table",
]

ENCODING = "utf-8-sig"
"""The encoding of CSV files written to a path: UTF-8 with a byte-order mark."""

SCORECARD_TABLES: tuple[str, ...] = ("counts", "units", "findings", "rates", "rejections")
"""The tables :func:`write_scorecard_csv` can write."""

COMPARISON_TABLES: tuple[str, ...] = (
    "counts",
    "outcomes",
    "divergences",
    "examples",
    "unit_scores",
    "scorecards",
    "findings",
    "rejections",
)
"""The tables :func:`write_comparison_csv` writes, one file each."""

_FORMULA = re.compile(r"[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def _text(value: str) -> str:
    """A cell's text, ``'`` before one Excel would read as a formula (``=``, ``+``, ``-`` ...).

    A number is left as it is. (The watch list says a time overdue in words,
    ``overdue by 21 h 0 min``, not as a negative duration, which would need the ``'``.)
    """
    if value and _FORMULA.match(value) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


Headers = Literal["keys", "labels"]


def _header(table: Table, headers: Headers = "keys") -> list[str]:
    header = []
    for column in table.columns:
        if headers == "labels":
            header.append(column.label)
            if column.rate:
                header += [
                    _("{rate}: numerator").format(rate=column.label),
                    _("{rate}: denominator").format(rate=column.label),
                ]
            continue
        header.append(column.key)
        if column.rate:
            header += [f"{column.key}_n", f"{column.key}_d"]
    return header


def _cells(column: Column, value: Cell) -> list[str]:
    if isinstance(value, Rate):
        return [number(value.value), number(value.numerator), str(value.denominator)]
    if value is None:
        return ["", "", ""] if column.rate else [""]
    if isinstance(value, float | int):
        return [number(value)]
    return [_text(value)]


def write_table(table: Table, stream: TextIO, *, headers: Headers = "keys") -> None:
    """Write one table to an open text stream: a header line, then one line per row.

    Args:
        table: the table.
        stream: an open text stream.
        headers: ``keys`` (the columns' keys) or ``labels`` (what people read).
    """
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(_header(table, headers))
    for row in table.rows:
        writer.writerow(
            [
                text
                for column, value in zip(table.columns, row, strict=True)
                for text in _cells(column, value)
            ]
        )


def csv_text(table: Table) -> str:
    """One table as CSV text (no byte-order mark)."""
    out = io.StringIO()
    write_table(table, out)
    return out.getvalue()


def _write(
    table: Table, target: str | os.PathLike[str] | TextIO, headers: Headers = "keys"
) -> None:
    """Write a table to a stream, or to a path: a temporary file beside it, then renamed."""
    if not isinstance(target, str | os.PathLike):
        write_table(table, target, headers=headers)
        return
    with atomic_path(target) as tmp, open(tmp, "w", encoding=ENCODING, newline="") as stream:
        write_table(table, stream, headers=headers)


def write_scorecard_csv(
    card: Scorecard,
    file: str | os.PathLike[str] | TextIO,
    *,
    table: str = "units",
    headers: Headers = "keys",
    lang: str | None = None,
) -> None:
    """Write one table of a scorecard as CSV.

    Args:
        card: the scorecard.
        file: a path (written as UTF-8 with a BOM) or an open text stream.
        table: ``units`` (one row per unit and period: orders, points, score,
            rank, every rate with numerator and denominator, finding counts, the
            period findings' rule ids), ``findings`` (each period finding with
            its clause and quoted text), ``counts``, ``rates`` (what each rate
            counts) or ``rejections``.
        headers: ``keys`` (for programs) or ``labels`` (for people).
        lang: ``zh`` or ``en`` (default: the current language).

    Raises:
        ArgumentError: an unknown table (a ValueError).
    """
    with in_language(lang):
        tables = {t.name: t for t in scorecard_tables(card)}
        if table not in tables:
            raise ArgumentError(
                _("unknown scorecard table {value}; one of {tables}").format(
                    value=repr(table), tables=join_list(tables)
                ),
                parameter="table",
                value=table,
            )
    with in_language(lang):
        _write(tables[table], file, headers)


def write_comparison_csv(
    cmp: Comparison,
    directory_or_prefix: str | os.PathLike[str],
    *,
    headers: Headers = "keys",
    lang: str | None = None,
) -> list[Path]:
    """Write every table of a comparison as CSV files, UTF-8 with a BOM.

    Args:
        cmp: the comparison.
        directory_or_prefix: an existing directory (files ``NAME.csv`` in it) or a
            path prefix (files ``PREFIX-NAME.csv``), for each ``NAME`` of
            :data:`COMPARISON_TABLES`.
        headers: ``keys`` (for programs) or ``labels`` (for people).
        lang: ``zh`` or ``en`` (default: the current language).

    Returns:
        The files written, in the order of :data:`COMPARISON_TABLES`.
    """
    base = Path(directory_or_prefix)
    written = []
    with in_language(lang):
        for table in comparison_tables(cmp):
            name = f"{table.name}.csv"
            path = base / name if base.is_dir() else Path(f"{base}-{name}")
            _write(table, path, headers)
            written.append(path)
    return written
