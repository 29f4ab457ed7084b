"""How wide a text is on a terminal or in a spreadsheet column: a Chinese character takes two.

Python's ``str.ljust`` and ``f"{text:<10}"`` count characters, so a column holding
``东风社区`` (four characters, eight columns) pushes everything after it four columns
to the right of a column holding ``c07``. Every plain-text table the package prints
(the watch list, a timeline, a pack's rules, the demo) pads with :func:`pad`, and
the widths of written columns (a workbook's) are measured with :func:`display_width`.

Example:
    >>> display_width("c07"), display_width("东风社区"), display_width("（注）")
    (3, 8, 6)
    >>> pad("东风社区", 10) + "|", pad("c07", 10) + "|"
    ('东风社区  |', 'c07       |')
    >>> pad("12", 5, align=">")
    '   12'
"""

from __future__ import annotations

import unicodedata
from typing import Literal

__all__ = ["display_width", "is_wide", "pad"]


def is_wide(char: str) -> bool:
    """Whether a character takes two columns (East Asian Wide or Fullwidth)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def display_width(text: str) -> int:
    """The columns ``text`` takes: two for each wide character, one for any other."""
    if text.isascii():
        return len(text)
    return sum(2 if is_wide(char) else 1 for char in text)


def pad(text: str, width: int, *, align: Literal["<", ">"] = "<") -> str:
    """``text`` padded with spaces to ``width`` columns (never cut: a wider text is kept)."""
    fill = " " * max(width - display_width(text), 0)
    return text + fill if align == "<" else fill + text
