r"""Spreadsheet cells as the model's values: instants as Excel writes them, yes/no, lists.

Instants in a table may be written as an ISO 8601 text (with or without an
offset), in the common zh-CN forms Excel writes (``2025/1/1 0:22``,
``2025年1月1日 8:00``, ``2025-01-01 08:00:00``), as an Excel serial day number
(``45658.0152777…``) or as a real date cell. Anything without an offset is wall
time in the zone the reader is given (``--tz``); without a zone it stays naive
and the model refuses it, saying so. Every other cell in an instant column is
refused with an example of what works.

Example:
    >>> import datetime as dt
    >>> from grievance_rules.calendar import SHANGHAI
    >>> instant_cell("2025年1月1日 8:00", SHANGHAI).isoformat()
    '2025-01-01T08:00:00+08:00'
    >>> instant_cell(45658.5, SHANGHAI).isoformat()
    '2025-01-01T12:00:00+08:00'
    >>> instant_cell("2025/1/1 0:22", None)
    '2025-01-01T00:22:00'
    >>> instant_cell("1月1日", SHANGHAI)
    Traceback (most recent call last):
    ...
    ValueError: '1月1日' is not a date and time; write e.g. 2025-01-01 08:00, 2025/1/1 8:00, 2025年1月1日 8:00, or use a date cell
"""  # noqa: E501

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from typing import Any

from grievance_rules.i18n import N_
from grievance_rules.i18n import gettext as _

__all__ = [
    "EXAMPLE_INSTANTS",
    "EXCEL_DIGITS",
    "SERIAL_RANGE",
    "bool_cell",
    "id_cell",
    "instant_cell",
    "list_cell",
    "shown_cell",
    "text_cell",
]

EXAMPLE_INSTANTS = N_("2025-01-01 08:00, 2025/1/1 8:00, 2025年1月1日 8:00, or use a date cell")
"""What an instant cell may look like, quoted in error messages (in the language)."""

_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
SERIAL_RANGE = (1.0, 109574.0)
"""Excel serial days read as instants: 1900-01-01 up to (not including) 2200-01-01."""

_ZH_CN = re.compile(
    r"(?P<y>\d{4})\s*(?:[-/.年])\s*(?P<m>\d{1,2})\s*(?:[-/.月])\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*|T)(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})\s*分?"
    r"(?:\s*[:：]\s*(?P<S>\d{1,2})(?P<f>\.\d{1,6})?\s*秒?)?"
)
_ZH_CN_DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?")
"""A zh-CN date with no time of day (``2025/1/7``, ``2025年1月7日``)."""
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_SEPARATORS = re.compile(r"[,，;；、|]")
_TRUE = frozenset({"true", "yes", "y", "1", "是", "有", "已", "√", "✓", "已解决", "解决", "通过"})
_FALSE = frozenset({"false", "no", "n", "0", "否", "无", "未", "×", "✗", "未解决", "不通过"})


def _quoted(text: str) -> str:
    """Text in quotes as ``repr`` writes it, but a space a cell shows (U+3000 …) as it is."""
    quote = repr(text)[0]
    out = []
    for char in text:
        if char in (quote, "\\"):
            out.append("\\" + char)
        elif char.isprintable() or unicodedata.category(char) == "Zs":
            out.append(char)
        else:  # a line break, a control character, a byte not valid in the encoding
            out.append(repr(char)[1:-1])
    return quote + "".join(out) + quote


def _clock(value: dt.datetime | dt.time) -> str:
    if value.microsecond:
        spec = "milliseconds" if value.microsecond % 1000 == 0 else "microseconds"
    else:
        spec = "seconds" if value.second else "minutes"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec=spec)
    return value.isoformat(timespec=spec)


def shown_cell(value: object) -> str:
    r"""A cell's value as a message shows it: as the cell shows it, not as Python writes it.

    Text is quoted (a line break in it shown as ``\n``, a space as it is); a number
    as Excel shows it (``12345``, not ``12345.0``); a yes/no cell as ``TRUE`` or
    ``FALSE``; a date and time as ``2025-03-01 09:30`` (seconds when there are some),
    a date as ``2025-03-01``, a time of day as ``09:30``. Anything else as ``repr``.

    Example:
        >>> import datetime as dt
        >>> [shown_cell(v) for v in ("合\u3000计", 12345.0, 0.5, 7, True,
        ...                          dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 1, 9, 30, 5),
        ...                          dt.date(2025, 3, 1), dt.time(9, 30))]
        ["'合\u3000计'", '12345', '0.5', '7', 'TRUE', '2025-03-01 00:00', '2025-03-01 09:30:05', '2025-03-01', '09:30']
    """  # noqa: E501
    if isinstance(value, str):
        return _quoted(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 10**EXCEL_DIGITS:
        return str(int(value))
    if isinstance(value, dt.datetime | dt.time):
        return _clock(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value)


def _serial(value: float) -> dt.datetime:
    if not SERIAL_RANGE[0] <= value < SERIAL_RANGE[1]:
        raise ValueError(
            _(
                "{value} is not an Excel date (serial days 1-109573, years 1900-2199); numbers "
                "such as seconds since 1970 are not read as instants: write e.g. {examples}"
            ).format(value=shown_cell(value), examples=_(EXAMPLE_INSTANTS))
        )
    whole = dt.timedelta(days=value)
    # Excel stores milliseconds at best: round to the second (no export has finer times).
    seconds = round(whole.total_seconds())
    return _EXCEL_EPOCH + dt.timedelta(seconds=seconds)


def instant_cell(value: object, tz: dt.tzinfo | None) -> object:
    """A cell of an instant column as a value for the model.

    Returns an aware datetime when the cell gives or the reader knows the zone; a
    naive ISO text otherwise (the model refuses it and says why); a text with an
    offset as it is.

    Raises:
        ValueError: the cell is not an instant in any accepted form; the message
            gives examples of what works.
    """
    if isinstance(value, dt.datetime):
        naive = value
    elif isinstance(value, bool):
        raise ValueError(
            _("{value} is not a date and time; write e.g. {examples}").format(
                value=shown_cell(value), examples=_(EXAMPLE_INSTANTS)
            )
        )
    elif isinstance(value, int | float):
        naive = _serial(float(value))
    elif isinstance(value, dt.date):
        raise ValueError(
            _("{value} is a date without a time of day; write e.g. {examples}").format(
                value=value.isoformat(), examples=_(EXAMPLE_INSTANTS)
            )
        )
    elif isinstance(value, dt.time):
        raise ValueError(
            _("a time of day ({value}) is not an instant; give the date too").format(
                value=shown_cell(value)
            )
        )
    elif isinstance(value, str):
        # full-width digits and separators (２０２４／５／６　９：１２, 2024－05－06) as half-width
        text = unicodedata.normalize("NFKC", value).strip()
        match = _ZH_CN.fullmatch(text)
        if match is not None:
            naive = _zh_cn(match, text)
        else:
            if _ZH_CN_DATE.fullmatch(text):
                raise ValueError(
                    _("{value} is a date without a time of day; write e.g. {examples}").format(
                        value=shown_cell(value), examples=_(EXAMPLE_INSTANTS)
                    )
                )
            try:
                parsed = dt.datetime.fromisoformat(text)
            except ValueError:
                raise ValueError(
                    _("{value} is not a date and time; write e.g. {examples}").format(
                        value=shown_cell(value), examples=_(EXAMPLE_INSTANTS)
                    )
                ) from None
            if not re.search(r"\d[T ]\d", text):
                raise ValueError(
                    _("{value} is a date without a time of day; write e.g. {examples}").format(
                        value=shown_cell(value), examples=_(EXAMPLE_INSTANTS)
                    )
                )
            if parsed.tzinfo is not None or _OFFSET.search(text):
                return text
            naive = parsed
    else:
        raise ValueError(
            _("{value} is not a date and time; write e.g. {examples}").format(
                value=shown_cell(value), examples=_(EXAMPLE_INSTANTS)
            )
        )
    if naive.tzinfo is not None:
        return naive
    if tz is None:
        return naive.isoformat()
    return naive.replace(tzinfo=tz)


def _zh_cn(match: re.Match[str], text: str) -> dt.datetime:
    fraction = match["f"] or ""
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    try:
        return dt.datetime(
            int(match["y"]),
            int(match["m"]),
            int(match["d"]),
            int(match["H"]),
            int(match["M"]),
            int(match["S"] or 0),
            micro,
        )
    except ValueError as exc:
        raise ValueError(
            _("{text} is not a valid date and time ({problem})").format(
                text=shown_cell(text), problem=exc
            )
        ) from None


def bool_cell(value: object) -> bool:
    """A yes/no cell: a boolean cell, 是/否, true/false, 1/0, 已解决/未解决 ….

    Raises:
        ValueError: anything else.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        key = value.strip().casefold()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
    raise ValueError(
        _("{value} is not yes or no; write 是 or 否 (or true/false)").format(
            value=shown_cell(value)
        )
    )


def text_cell(value: object) -> object:
    """A cell meant as text: whole numbers read by a spreadsheet as floats become text again."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return value


EXCEL_DIGITS = 15
"""The significant digits a spreadsheet keeps of a number (Excel's limit)."""


def id_cell(value: object) -> object:
    """An id cell (工单编号): as :func:`text_cell`, refusing a number too long to be exact.

    Excel keeps 15 significant digits of a number: an 18-digit order id typed or
    imported as a number has already lost its last digits (two orders may now share
    one), and nothing in the file can give them back. White space around a text id
    (``'2405060001 '``, as exports leave it) is not part of the id: the order is found
    by ``--order 2405060001``, and its 流转记录 rows by the same id.

    Raises:
        ValueError: a number of 16 or more digits.

    Example:
        >>> id_cell(2501060001.0), id_cell("250106000100000001"), id_cell(" A3\u3000")
        ('2501060001', '250106000100000001', 'A3')
    """
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and abs(value) >= 10**EXCEL_DIGITS
    ):
        raise ValueError(
            _(
                "{value} is a number of more than {digits} digits, which a spreadsheet does "
                "not keep exactly (its last digits are lost); format the column as text and "
                "export the ids again"
            ).format(value=int(value), digits=EXCEL_DIGITS)
        )
    if isinstance(value, str):
        return value.strip()
    return text_cell(value)


def list_cell(value: object) -> list[Any]:
    """A cell holding several values: a JSON array, or values separated by ``,，;；、|``."""
    if not isinstance(value, str):
        return [value]
    text = value.strip()
    if text.startswith("["):
        loaded = json.loads(text)
        if not isinstance(loaded, list):  # pragma: no cover - starts with [
            raise ValueError("expected a JSON array")
        return loaded
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]
