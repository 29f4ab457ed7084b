r"""xlsx workbooks as Excel users make them: merged cells, formulas, dates, several sheets.

:class:`XlsxWorkbook` opens a workbook read-only (rows are streamed) and gives
each sheet's rows as :class:`~.tabular.TableRow`\ s:

* a merged range's cells all hold the value of its top-left (anchor) cell, as
  the user sees it;
* a formula cell with no value saved in the file (a workbook written by a
  program and never opened in Excel) is ``None`` to openpyxl; such cells are
  found by reading the sheet's XML once more and listed on their row
  (``TableRow.formulas``), so that the reader reports them by cell instead of
  taking them for empty;
* date cells arrive as naive datetimes (read in the zone given with ``--tz``); a
  cell whose number format shows a date only (``yyyy/m/d``, ``yyyy"年"m"月"d"日"``)
  and whose value is that day's midnight arrives as a ``date``: the time of day
  was never written, and the reader refuses a date for an instant rather than
  take it for 00:00;
* a cell showing an error value (``#N/A`` of a lookup that found nothing, ``#REF!``)
  is listed on its row (``TableRow.errors``): its value is lost, and the reader
  reports it by cell rather than read ``#N/A`` as an order id or a text.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Collection, Iterator
from typing import IO, Any
from xml.etree.ElementTree import iterparse

from openpyxl.utils.cell import column_index_from_string as _column_index
from openpyxl.utils.cell import coordinate_from_string, range_boundaries

from grievance_rules.errors import ReadError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list
from grievance_rules.reading.tabular import TableRow

__all__ = ["XlsxWorkbook", "cell_name", "date_only_format"]


def cell_name(row: int, column: int) -> str:
    """The A1 name of a cell (row and column from 1)."""
    from openpyxl.utils.cell import get_column_letter

    return f"{get_column_letter(column)}{row}"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


_ZH_CN_DATES = frozenset({27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58})
"""Excel's built-in number formats a zh-CN Excel shows as a date only (``yyyy"年"m"月"d"日"``
...); 32-35 and 55-56 are its times of day. openpyxl names none of these ids."""

_NOT_SHOWN = re.compile(r'"[^"]*"|\\.|\[(?![hHmMsS]+\])[^\]]*\]')
"""What a number format writes but does not read from the value: quoted text, escaped
characters, and bracketed parts other than elapsed time (``[h]``): ``[$-804]``, colours."""


def date_only_format(code: str | None, number: int | None = None) -> bool:
    """Whether an Excel number format shows a date and no time of day.

    Example:
        >>> [date_only_format(c) for c in ("yyyy/m/d", 'yyyy"年"m"月"d"日"', "mm-dd-yy",
        ...                                  "yyyy-mm-dd hh:mm:ss", "m/d/yy h:mm", "General",
        ...                                  "[$-804]yyyy/m/d", "[Red]yyyy-mm-dd", "0.00")]
        [True, True, True, False, False, False, True, True, False]
        >>> date_only_format(None, 31), date_only_format(None, 32)
        (True, False)
    """
    if code is None:
        return number in _ZH_CN_DATES
    from openpyxl.styles.numbers import is_date_format

    if not is_date_format(code):
        return False
    shown = _NOT_SHOWN.sub("", code)
    return re.search(r"[hHsS]", shown) is None


_Cells = set[tuple[int, int]]
"""Cells by (row, column), both from 1."""


def _scan(
    source: IO[bytes], date_styles: Collection[int] = ()
) -> tuple[list[tuple[int, int, int, int]], _Cells, _Cells, _Cells, tuple[int, int]]:
    """What a sheet's XML says beyond its values: merges, formulas, date-only cells, errors.

    Merged ranges (min_col, min_row, max_col, max_row), formula cells without a value,
    the cells styled with one of ``date_styles`` (a date-only number format), the
    cells holding an error value (``#N/A``, ``#REF!``: type ``e``), and the last row and
    column the sheet writes (its extent, whatever its ``<dimension>`` says).
    """
    merged: list[tuple[int, int, int, int]] = []
    uncached: set[tuple[int, int]] = set()
    dated: set[tuple[int, int]] = set()
    errors: set[tuple[int, int]] = set()
    styles = {str(style) for style in date_styles}
    row_number = 0
    last_row = last_col = 0
    for _event, element in iterparse(source, events=("end",)):
        name = _local(element.tag)
        if name == "c":
            children = {_local(child.tag): child for child in element}
            formula = children.get("f")
            value = children.get("v")
            is_uncached = formula is not None and (value is None or value.text is None)
            is_dated = bool(styles) and element.get("s") in styles
            is_error = element.get("t") == "e"
            ref = element.get("r") if is_uncached or is_dated or is_error else None
            if ref:  # the cell's place, read once for whichever of the three it is
                letters, row = coordinate_from_string(ref)
                cell = (row, _column_index(letters))
                if is_uncached:
                    uncached.add(cell)
                if is_dated:
                    dated.add(cell)
                if is_error:
                    errors.add(cell)
        elif name == "row":
            written = element.get("r")
            row_number = int(written) if written else row_number + 1
            last_row = row_number
            if len(element):  # the row's last cell (written in column order)
                ref = element[-1].get("r")
                column = _column_index(coordinate_from_string(ref)[0]) if ref else len(element)
                last_col = max(last_col, column)
            element.clear()
        elif name == "mergeCell":
            ref = element.get("ref")
            if ref:
                bounds = range_boundaries(ref)
                if None not in bounds:
                    merged.append(bounds)  # type: ignore[arg-type]
    return merged, uncached, dated, errors, (last_row, last_col)


def _columns_by_row(cells: _Cells) -> dict[int, tuple[int, ...]]:
    """Cells (row, column from 1) as each row's columns from 0, in order."""
    by_row: dict[int, list[int]] = {}
    for row, column in cells:
        by_row.setdefault(row, []).append(column - 1)
    return {row: tuple(sorted(columns)) for row, columns in by_row.items()}


def _date_only_styles(book: Any) -> frozenset[int]:
    """The workbook's cell styles (by index) whose number format shows a date only."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    found = set()
    try:
        styles = list(book._cell_styles)
        custom = list(book._number_formats)
    except AttributeError:  # pragma: no cover - an openpyxl without them: none found
        return frozenset()
    for index, style in enumerate(styles):
        number = style.numFmtId
        if number < BUILTIN_FORMATS_MAX_SIZE:
            code = BUILTIN_FORMATS.get(number)
        elif number - BUILTIN_FORMATS_MAX_SIZE < len(custom):
            code = custom[number - BUILTIN_FORMATS_MAX_SIZE]
        else:  # pragma: no cover - a style naming a format the file lacks
            continue
        if date_only_format(code, number):
            found.add(index)
    return frozenset(found)


class XlsxWorkbook:
    """An xlsx workbook opened for reading; close it (or use ``with``).

    Raises:
        ReadError: the file is not an xlsx workbook.
    """

    def __init__(self, source: str | IO[bytes]) -> None:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            self._book: Any = openpyxl.load_workbook(source, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
            raise ReadError(
                _("not a readable xlsx workbook: {problem}").format(problem=exc)
            ) from None
        # the sheets of cells; a chart sheet (a chart moved to a sheet of its own) has none
        self.sheetnames: list[str] = [sheet.title for sheet in self._book.worksheets]
        self._charts = [name for name in self._book.sheetnames if name not in self.sheetnames]
        if not self.sheetnames:
            self._book.close()
            raise ReadError(
                _("the workbook has no sheet of cells, only charts: {charts}").format(
                    charts=join_list(self._charts)
                )
            )
        self._date_styles = _date_only_styles(self._book)

    def __enter__(self) -> XlsxWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._book.close()

    def named(self, name: str) -> str:
        """The sheet ``name`` names: its own, else the one sheet it names but for white space.

        A sheet's name may end in a space no one sees (``'工单 '``); ``--sheet 工单`` names
        it, unless two sheets differ only so.

        Raises:
            ReadError: no such sheet (or a chart sheet).
        """
        if name not in self.sheetnames and name not in self._charts:
            found = [n for n in self.sheetnames if n.strip() == name.strip()]
            if len(found) == 1:
                return found[0]
        self._sheet(name)
        return name

    def _sheet(self, name: str) -> Any:
        if name in self._charts:
            raise ReadError(
                _("sheet {name!r} is a chart, not a table of cells; sheets: {sheets}").format(
                    name=name, sheets=join_list(self.sheetnames)
                )
            )
        if name not in self.sheetnames:
            raise ReadError(
                _("no sheet {name!r}; sheets: {sheets}").format(
                    name=name,  # a name with a space at its end is quoted: the space shows
                    sheets=join_list(n if n == n.strip() else repr(n) for n in self.sheetnames),
                )
            )
        sheet = self._book[name]
        # the <dimension> a file gives is a hint some programs write wrong (A1, or the
        # extent before rows were added): read-only openpyxl reads no cell beyond it
        sheet.reset_dimensions()
        return sheet

    def hidden(self, name: str) -> bool:
        """Whether sheet ``name`` is hidden (``hidden`` or ``veryHidden``)."""
        return bool(self._sheet(name).sheet_state != "visible")

    def rows(self, name: str) -> Iterator[TableRow]:
        """The rows of sheet ``name``, first row first, merged cells filled, formulas found."""
        sheet = self._sheet(name)
        try:
            with sheet._get_source() as xml:
                merged, uncached, dated, errors, extent = _scan(xml, self._date_styles)
        except (AttributeError, KeyError, OSError, SyntaxError):  # pragma: no cover
            merged, uncached, dated, errors, extent = [], set(), set(), set(), (0, 0)
        anchors: dict[tuple[int, int], tuple[int, int]] = {}
        anchored: dict[int, list[tuple[int, int, int]]] = {}  # row -> the ranges it anchors
        widest: dict[int, int] = {}  # row -> the last column a merged range covers
        last_row, last_col = extent
        for min_col, min_row, max_col, max_row in merged:
            if last_row and last_col:  # a range past the data (a whole column) stops there
                max_row, max_col = min(max_row, last_row), min(max_col, last_col)
            anchored.setdefault(min_row, []).append((min_col - 1, max_col - 1, max_row))
            for r in range(min_row, max_row + 1):
                widest[r] = max(widest.get(r, 0), max_col)
                for c in range(min_col, max_col + 1):
                    if (r, c) != (min_row, min_col):
                        anchors[(r, c)] = (min_row, min_col)
        anchor_cells = set(anchors.values())
        formulas_by_row = _columns_by_row(uncached)
        errors_by_row = _columns_by_row(errors)
        kept: dict[tuple[int, int], object] = {}
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1):
            cells = list(values)
            if number in widest:
                cells.extend([None] * (widest[number] - len(cells)))
            if dated:
                for index, cell in enumerate(cells):
                    if (
                        isinstance(cell, dt.datetime)
                        and cell.time() == dt.time(0)
                        and (number, index + 1) in dated
                    ):
                        cells[index] = cell.date()  # shown as a date, no time written
            if anchors:
                for index in range(len(cells)):
                    key = (number, index + 1)
                    if key in anchor_cells:
                        kept[key] = cells[index]
                    elif key in anchors:
                        cells[index] = kept.get(anchors[key])
            yield TableRow(
                number,
                None,
                tuple(cells),
                formulas=formulas_by_row.get(number, ()),
                merges=tuple(sorted(anchored.get(number, ()))),
                errors=errors_by_row.get(number, ()),
            )

    def has_data(self, name: str, limit: int = 3) -> int:
        """How many non-blank rows sheet ``name`` has, counting up to ``limit``."""
        count = 0
        for values in self._sheet(name).iter_rows(min_row=1, values_only=True):
            if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values):
                count += 1
                if count >= limit:
                    break
        return count

    def head(self, name: str, rows: int = 20) -> list[tuple[object, ...]]:
        """The first ``rows`` rows of sheet ``name`` (no merging), to find its header."""
        out: list[tuple[object, ...]] = []
        for values in self._sheet(name).iter_rows(min_row=1, max_row=rows, values_only=True):
            out.append(tuple(values))
        return out
