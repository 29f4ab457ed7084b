"""The input formats a work-order file can come in, and telling them from a file name.

Example:
    >>> format_of("orders-2024-05.jsonl"), format_of("工单.XLSX")
    (<InputFormat.JSONL: 'jsonl'>, <InputFormat.XLSX: 'xlsx'>)
"""

from __future__ import annotations

import enum
import os
from pathlib import PurePath

from grievance_rules.errors import InputFormatError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list

__all__ = ["InputFormat", "format_of"]


class InputFormat(enum.StrEnum):
    """A file format the reader understands."""

    JSON = "json"
    """One JSON document: an array of orders, ``{"orders": [...]}``, or one order."""
    JSONL = "jsonl"
    """JSON Lines: one order per line (streamed)."""
    CSV = "csv"
    """Comma-separated values, a header row first (streamed): one row per order, or the long
    layout's files (with ``X.流转记录.csv``, ``X.单位.csv``), or the wide layout."""
    XLSX = "xlsx"
    """An Excel workbook (streamed): one row per order on one sheet, the long layout (工单,
    流转记录 and 单位 sheets) or the wide layout; a header row below any title rows."""


_SUFFIXES = {
    ".json": InputFormat.JSON,
    ".jsonl": InputFormat.JSONL,
    ".ndjson": InputFormat.JSONL,
    ".csv": InputFormat.CSV,
    ".xlsx": InputFormat.XLSX,
}


_OLD_WORKBOOKS = frozenset({".xls", ".et"})
"""Binary workbooks (Excel 97-2003, WPS): refused with the way to an .xlsx."""


def format_of(name: str | PurePath) -> InputFormat:
    """The format a file name's suffix says.

    Raises:
        InputFormatError: the suffix is not one of .json, .jsonl, .ndjson, .csv, .xlsx
            (an .xls or .et workbook is told how to become one).
    """
    suffix = PurePath(name).suffix.lower()
    if suffix in _OLD_WORKBOOKS:  # what many platforms still export
        kind = (
            _("a WPS spreadsheet (.et)")
            if suffix == ".et"
            else _("an Excel 97-2003 workbook ({suffix})").format(suffix=suffix)
        )
        raise InputFormatError(
            _(
                "{name!r} is {kind}, which is not read; open it in Excel or WPS and save it "
                "as an Excel workbook (.xlsx), then read that"
            ).format(name=str(name), kind=kind)
        )
    try:
        return _SUFFIXES[suffix]
    except KeyError:
        if not suffix and os.path.isdir(name):  # (said as "from its suffix ''")
            if os.path.isfile(os.path.join(name, "orders.parquet")) or os.path.isdir(
                os.path.join(name, "orders")
            ):  # a dataset, given where one file of orders is read (read_orders)
                raise InputFormatError(
                    _(
                        "{name!r} is a Parquet dataset, which is read with "
                        "iter_parquet_orders (grievance_rules.reading.parquet), not as a "
                        "file of orders"
                    ).format(name=str(name))
                ) from None
            raise InputFormatError(
                _(
                    "{name!r} is a folder with no Parquet dataset in it (orders.parquet, or a "
                    "folder orders/ of partition files); give a file of orders or a dataset"
                ).format(name=str(name))
            ) from None
        raise InputFormatError(
            _(
                "cannot tell the format of {name!r} from its suffix {suffix!r}; name one of "
                "{formats}"
            ).format(name=str(name), suffix=suffix, formats=join_list(f.value for f in InputFormat))
        ) from None
