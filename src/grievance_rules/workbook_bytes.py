"""An openpyxl workbook saved with no clock in it: the same cells give the same bytes.

openpyxl stamps a saved workbook's document properties with the time of saving and
each zip entry with the time it was written. :func:`fixed_workbook_bytes` saves the
workbook and replaces both with :data:`FIXED_TIME`, so that every writer of the
package (reports, exports, samples) gives byte-identical files for the same inputs.
:func:`xlsx_text` drops what no cell of a workbook can hold (control characters).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

__all__ = ["FIXED_TIME", "fixed_workbook_bytes", "xlsx_text"]

FIXED_TIME = dt.datetime(2000, 1, 1)
"""The time written into a workbook."""

_CORE_TIME = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")

_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
"""The characters an xlsx cell cannot hold (openpyxl's ``ILLEGAL_CHARACTERS_RE``)."""


def fixed_workbook_bytes(book: Any) -> bytes:
    """The workbook (an openpyxl ``Workbook``) saved, its times fixed at :data:`FIXED_TIME`.

    Example:
        >>> from openpyxl import Workbook
        >>> book = Workbook()
        >>> book.active["A1"] = "工单"
        >>> fixed_workbook_bytes(book) == fixed_workbook_bytes(book)
        True
    """
    raw = io.BytesIO()
    book.save(raw)
    fixed = io.BytesIO()
    stamp = FIXED_TIME.timetuple()[:6]
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w") as out:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "docProps/core.xml":
                content = _CORE_TIME.sub(
                    lambda m: m.group(1) + FIXED_TIME.isoformat() + "Z" + m.group(2),
                    content.decode("utf-8"),
                ).encode("utf-8")
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = entry.external_attr
            out.writestr(info, content)
    return fixed.getvalue()


def xlsx_text(value: str) -> str:
    r"""A text as a cell can hold it: control characters (``\x0b``, ``\x1f`` ...) left out.

    Example:
        >>> xlsx_text("第一行\x0b第二行\n第三行")
        '第一行第二行\n第三行'
    """
    return _ILLEGAL.sub("", value)
