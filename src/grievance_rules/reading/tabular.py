r"""Tables (CSV and xlsx) as records: one row per order, mapped by :mod:`.columns`.

Rows whose cells are all empty are skipped (they are not records); every other
row after the header is one record. A cell that cannot be read (bad JSON in
``events``, text that is not valid in the file's encoding) is a problem of that
row, reported with the field it was meant for.

Example:
    >>> import io
    >>> from grievance_rules.reading.columns import ColumnMapping
    >>> text = "工单编号,诉求类型,特殊工单类型,事发地址\n0042,投诉,接诉即办件；随身拍,东风路3号\n"
    >>> rows = list(csv_rows(io.StringIO(text)))
    >>> layout = ColumnMapping().resolve(rows[0].cells)
    >>> record_from_cells(layout, rows[1].cells)
    ({'id': '0042', 'category': '投诉', 'special_kinds': ['接诉即办件', '随身拍'], 'location': {'address': '东风路3号'}}, [])
"""  # noqa: E501

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list
from grievance_rules.reading.cells import id_cell, instant_cell, list_cell, shown_cell, text_cell
from grievance_rules.reading.columns import (
    INSTANT_FIELDS,
    JSON_FIELDS,
    LIST_FIELDS,
    TableLayout,
    shown_header,
)
from grievance_rules.reading.results import RecordProblem, UnnamedColumn

__all__ = [
    "HEADER_SEARCH",
    "TableRow",
    "UnnamedColumns",
    "blank_cell",
    "csv_rows",
    "error_problem",
    "merged_header_problems",
    "record_from_cells",
    "split_header",
    "summary_row",
    "xlsx_rows",
]

_TEXT_FIELDS = frozenset({"id", "complainant", "issue", "summary", "location.address"})


@dataclass(frozen=True, slots=True)
class TableRow:
    """One row of a table.

    Attributes:
        row: the row number, the first row (the header) being 1.
        line: the line of the file the row ends on (CSV only).
        cells: the cell values: strings for CSV; strings, numbers, datetimes or
            ``None`` for xlsx.
        problem: a row that could not be read at all says why here.
        formulas: the columns (from 0) of formula cells with no saved value (xlsx).
        merges: the merged ranges whose anchor (top-left cell) is on this row (xlsx).
        errors: the columns (from 0) of cells showing an error value, #N/A … (xlsx).
    """

    row: int
    line: int | None
    cells: tuple[object, ...]
    problem: RecordProblem | None = None
    formulas: tuple[int, ...] = ()
    """Columns (from 0) holding a formula whose value was never saved (xlsx)."""
    merges: tuple[tuple[int, int, int], ...] = ()
    """Merged ranges anchored on this row: (first column, last column, last row), columns
    from 0 (xlsx); a header of two rows is told by them (see :func:`split_header`)."""
    errors: tuple[int, ...] = ()
    """Columns (from 0) of cells showing an error value (``#N/A``, ``#REF!``) (xlsx)."""

    @property
    def blank(self) -> bool:
        """Whether every cell is empty, none of them a formula whose value was never saved.

        (Such a formula reads as empty, yet the row is data: it is read, and the
        formula reported by cell, never skipped as blank.)
        """
        return (
            self.problem is None
            and not self.formulas
            and all(c is None or (isinstance(c, str) and not c.strip()) for c in self.cells)
        )


def csv_rows(stream: IO[str]) -> Iterator[TableRow]:
    """The rows of a CSV text stream, header first.

    A row the csv module cannot parse (an over-long field, a quote never closed, text
    after a closing quote) becomes a row with a ``problem``; reading goes on. A quote
    never closed takes the rest of the file into its cell: the problem says from which
    line (read leniently, the rows after it were lost inside one order's cell).
    """
    reader = csv.reader(stream, strict=True)
    number = 0
    while True:
        first_line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            if "unexpected end of data" in str(exc):
                text = _(
                    "bad CSV: a quote opened on line {first} is never closed: lines {first} "
                    "to {last} (the end of the file) are one row"
                ).format(first=first_line, last=reader.line_num)
            else:
                text = _("bad CSV: {problem}").format(problem=exc)
            problem = RecordProblem("", text, "csv")
            yield TableRow(number, reader.line_num, (), problem)
            continue
        number += 1
        yield TableRow(number, reader.line_num, tuple(cells))


def xlsx_rows(source: str | IO[bytes], sheet: str | None = None) -> Iterator[TableRow]:
    """The rows of one worksheet (the first, unless ``sheet`` names one), header first.

    Merged cells are filled from their anchor; see :mod:`.workbook`.

    Raises:
        ReadError: the file is not an xlsx workbook, or has no such sheet.
    """
    from grievance_rules.reading.workbook import XlsxWorkbook

    with XlsxWorkbook(source) as workbook:
        yield from workbook.rows(workbook.sheetnames[0] if sheet is None else sheet)


HEADER_SEARCH = 20
"""How many rows from the top are searched for the header row."""


def split_header(
    rows: Iterator[TableRow],
    recognised: Callable[[Sequence[object]], int],
    where: str = "",
    known: Callable[[str], bool] | None = None,
) -> tuple[TableRow | None, list[TableRow], Iterator[TableRow]]:
    """Find the header row below any title rows (城东街道12345工单导出 2025年1月).

    The header is the first of the top :data:`HEADER_SEARCH` rows in which at
    least two cells are headers the table knows (``recognised`` counts them);
    non-blank rows above it are titles. When no row qualifies, the first
    non-blank row is the header (its columns may all be unknown).

    A header of two rows (xlsx: a group cell merged across over the headers
    below it, the other cells merged down over both rows) is read as one: see
    :func:`joined_header`. ``where`` names the table in its errors; ``known`` says
    whether a header names a column the table reads (by default: ``recognised``
    counts it).

    Returns:
        The header row (None for a table with no non-blank row), the title rows
        skipped above it, and the rows after it (unreadable rows above the
        header come first, for the reader to reject).

    Raises:
        ReadError: a header of more rows, or one whose columns cannot be named.
    """
    buffered: list[TableRow] = []
    for row in rows:
        buffered.append(row)
        if row.problem is None and not row.blank and recognised(row.cells) >= 2:
            before = buffered[:-1]
            titles = [r for r in before if r.problem is None and not r.blank]
            bad = [r for r in before if r.problem is not None]
            below = next(rows, None) if row.merges else None
            joined = joined_header(row, below, known or _counted(recognised), where)
            if joined is not None:
                return joined, titles, itertools.chain(bad, rows)
            header = _one_column_a_merge(row)
            return header, titles, itertools.chain(bad, [] if below is None else [below], rows)
        if len(buffered) >= HEADER_SEARCH:
            break
    for index, row in enumerate(buffered):
        if row.problem is None and not row.blank:
            bad = [r for r in buffered[:index] if r.problem is not None]
            return row, [], itertools.chain(bad, buffered[index + 1 :], rows)
    return None, [], itertools.chain(buffered, rows)


def _one_column_a_merge(header: TableRow) -> TableRow:
    """A header of one row whose cell is merged across (诉求内容 over E1:F1) names one column.

    Excel shows the name once, over the range; the reader fills every cell of a merged
    range with its anchor's value, which would name two columns 诉求内容. The name is the
    first column's; :func:`merged_header_problems` refuses a row with something else
    under the rest of the range.
    """
    spans = [(first, last) for first, last, end in header.merges if last > first]
    if not spans:
        return header
    cells = list(header.cells)
    for first, last in spans:
        for column in range(first + 1, min(last + 1, len(cells))):
            cells[column] = None
    return TableRow(
        header.row, header.line, tuple(cells), formulas=header.formulas, merges=header.merges
    )


def merged_header_problems(
    header: TableRow, row: TableRow, shown: Sequence[str]
) -> list[RecordProblem]:
    """A row's cells under a header merged across, past its first column, that are not its copy.

    A row whose cells are merged as the header is (or empty there) is read from the
    first column; a different value under the rest of the range belongs to no column,
    and is not guessed at. ``shown``: the headers as messages name them, by column.
    """
    from grievance_rules.reading.workbook import cell_name

    problems = []
    for first, last, end in header.merges:
        if last <= first or end != header.row:
            continue
        anchor = row.cells[first] if first < len(row.cells) else None
        for column in range(first + 1, last + 1):
            value = row.cells[column] if column < len(row.cells) else None
            if value is None or (isinstance(value, str) and not value.strip()) or value == anchor:
                continue
            problems.append(
                RecordProblem(
                    "",
                    _(
                        "cell {cell} holds {value} under the header {header!r}, which is "
                        "merged over {cells}: a merged header names one column, the first; "
                        "unmerge the header and name each column"
                    ).format(
                        cell=cell_name(row.row, column + 1),
                        value=shown_cell(value),
                        header=shown[first] if first < len(shown) else "",
                        cells=f"{cell_name(header.row, first + 1)}:"
                        f"{cell_name(header.row, last + 1)}",
                    ),
                    "merged_header",
                )
            )
    return problems


def _counted(recognised: Callable[[Sequence[object]], int]) -> Callable[[str], bool]:
    return lambda header: recognised([header]) > 0


def _filled(cells: Sequence[object], column: int) -> str | None:
    value = cells[column] if column < len(cells) else None
    if value is None or not str(value).strip():
        return None
    return str(value)


def joined_header(
    top: TableRow,
    below: TableRow | None,
    known: Callable[[str], bool],
    where: str = "",
) -> TableRow | None:
    """The header ``top`` and the row ``below`` read as one header, if they are one.

    They are when a cell of ``top`` is merged down into ``below``, or when
    ``top`` has a group cell merged across (办理环节 over 派单时间 … 满意度) with a
    header under each of its columns and nothing below the other cells. Each
    column is then named by its lowest header cell, or by the group's name and
    that cell's when these together are a header the table knows (``known``): 派单
    over 时间 and 单位 names 派单时间 and 派单单位.

    Returns:
        The joined header (numbered as ``top``), or None: ``top`` is the header alone.

    Raises:
        ReadError: a cell merged down over more than two rows, or a column under a
            group with no header of its own (the sheet, the rows and the columns named).
    """
    from grievance_rules.errors import ReadError
    from grievance_rules.reading.workbook import cell_name

    if below is None or below.row != top.row + 1 or below.problem is not None:
        return None
    groups = [(first, last) for first, last, end in top.merges if end == top.row and last > first]
    down = [(first, last, end) for first, last, end in top.merges if end > top.row]
    width = max(len(top.cells), len(below.cells))
    grouped = {c: first for first, last in groups for c in range(first, last + 1)}
    merged_down = {c for first, last, _end in down for c in range(first, last + 1)}
    if not down:
        if not groups:
            return None
        heads = all(_filled(below.cells, c) is not None for c in grouped)
        rest_empty = all(_filled(below.cells, c) is None for c in range(width) if c not in grouped)
        if not (heads and rest_empty):
            return None  # a merged header cell over data: a header of one row
    deep = [(first, last, end) for first, last, end in down if end > below.row]
    if deep:
        raise ReadError(
            _(
                "{where}: the header (row {row}) has cells merged down over more than two "
                "rows ({cells}); write the header in one or two rows"
            ).format(
                where=where,
                row=top.row,
                cells=join_list(
                    f"{cell_name(top.row, first + 1)}:{cell_name(end, last + 1)}"
                    for first, last, end in deep
                ),
            )
        )
    names: list[str | None] = []
    unnamed: list[int] = []
    for column in range(width):
        upper = _filled(top.cells, column)
        lower = _filled(below.cells, column)
        if column in merged_down or lower is None:
            if column in grouped and column not in merged_down:
                unnamed.append(column)
            names.append(upper)
        elif upper is None:
            names.append(lower)
        else:
            joined = f"{upper}{lower}"
            names.append(joined if known(joined) else lower)
    if unnamed:
        raise ReadError(
            _(
                "{where}: rows {top} and {below} are one header (cells merged over both), "
                "but the header is empty under a merged group cell at {cells}; name each "
                "column in row {below}, or write the header in one row"
            ).format(
                where=where,
                top=top.row,
                below=below.row,
                cells=join_list(
                    f"{cell_name(below.row, c + 1)} ({shown_header(_filled(top.cells, c) or '')})"
                    for c in unnamed
                ),
            )
        )
    return TableRow(top.row, top.line, tuple(names), formulas=top.formulas)


def _unreadable(text: str) -> bool:
    """Whether text holds bytes that were not valid in the file's encoding."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def unreadable_text(value: object) -> bool:
    """Whether a cell is text holding bytes that were not valid in the file's encoding."""
    return isinstance(value, str) and _unreadable(value)


def formula_problem(name: str, row: int, column: int, header: str) -> RecordProblem:
    """The problem of a formula cell whose value was never saved.

    ``header``: the column's header as messages name it (:func:`~.columns.shown_header`,
    which the caller's layout has made once for the table).
    """
    from grievance_rules.reading.workbook import cell_name

    return RecordProblem(
        name,
        _(
            "cell {cell} ({header}) holds a formula with no saved value; "
            "open the file in Excel and save it, or paste the values"
        ).format(cell=cell_name(row, column + 1), header=header),
        "formula",
    )


def error_problem(name: str, row: int, column: int, header: str, value: object) -> RecordProblem:
    """The problem of a cell showing an error value (``#N/A``): its value was lost.

    ``header``: as for :func:`formula_problem`.
    """
    from grievance_rules.reading.workbook import cell_name

    return RecordProblem(
        name,
        _(
            "cell {cell} ({header}) shows the error {value}, not a value; correct the "
            "formula in Excel, or enter the value"
        ).format(cell=cell_name(row, column + 1), header=header, value=value),
        "cell_error",
    )


def cell_problem(name: str, header: str, message: str) -> RecordProblem:
    """The problem of a cell that cannot be read, naming its column.

    ``header``: the column's header as messages name it (as :func:`formula_problem`).
    """
    return RecordProblem(
        name,
        _("column {header!r}: {message}").format(header=header, message=message),
        "invalid_cell",
    )


_TOTALS = re.compile(
    r"(?:合计|总计|小计|共计|total|subtotal|grandtotal)(?:[:(\[【].*|\d.*)?"
    r"|共\d+(?:条|件|单|项|个)(?:工单|记录)?",
    re.IGNORECASE,
)
"""A totals row's first cell (its white space removed, full-width forms made half-width):
合计, 合　计, 小计, 总计：2件, 共计, 共25条, Total."""

_NOTE = re.compile(
    r"[*※#]*(?:注|注释|附注|备注|说明|制表|制表人|制表单位|制表日期|制表时间|填表人|填报人|"
    r"填报单位|填报日期|审核|审核人|负责人|单位负责人|统计人|统计单位|统计时间|统计日期|"
    r"数据来源|数据截至|数据截止|导出时间|导出人|导出日期|打印时间|打印人|打印日期)\d*:"
)
"""A note's first cell begins so (after the same normalising): 注：…, 制表人：…, 数据来源：…."""

_AMOUNT = re.compile(
    r"(?:共计|共|计)?[-+]?[\d,.]+\s*(?:%|‰|件|条|单|个|项|次|天|日|小时|分钟|分|元|人|户)?|[-—/]"
)
"""What a totals row holds beside its label: a sum, a count (25件, 共4件), a rate (95%), a dash."""

_FIRST_CHARACTERS = frozenset("合总小共注附备说制填审负单统数导打*※#TtSsGg")
"""The characters a totals label or a note begins with: most rows are refused by this alone."""

_NOTE_SHOWN = 20
"""How many characters of a totals row's or a note's text its problem quotes."""


def blank_cell(value: object) -> bool:
    """Whether a cell holds nothing: no value, or only white space."""
    return value is None or (isinstance(value, str) and not value.strip())


def _amount(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and _AMOUNT.fullmatch(_normalised(value)) is not None


def _normalised(text: str) -> str:
    """Text as a totals row's or a note's marker is compared: NFKC, no white space."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def summary_row(row: TableRow, id_columns: Collection[int] = ()) -> RecordProblem | None:
    """The problem of a totals row (合计, 小计 …) or a note (注：…, 制表人：…): not an order.

    A row is one when its first non-empty cell is such a label, and it has no order id
    (its id cell, ``id_columns``, is empty or is that label); a totals row holds nothing
    else but sums, counts and rates, a note nothing else at all (a cell merged across
    the row repeats its text in each cell: that is nothing else). Any other row is read
    as an order, never taken for one of these.

    Example:
        >>> print(summary_row(TableRow(9, None, ("合计", None, None, 61.5)), (1,)))
        a totals row ('合计'), not an order: its cells are not read [summary_row]
        >>> summary_row(TableRow(9, None, ("合计", "A7", None, 61.5)), (1,)) is None
        True
    """
    cells = row.cells
    first = 0
    for label in cells:
        if not blank_cell(label):
            break
        first += 1
    else:
        return None
    if not isinstance(label, str) or label.lstrip()[:1] not in _FIRST_CHARACTERS:
        return None  # (most rows: an order id)
    text = _normalised(label)
    if _TOTALS.fullmatch(text):
        totals = True
    elif _NOTE.match(text):
        totals = False
    else:
        return None
    errors = frozenset(row.errors)
    for index in range(first + 1, len(cells)):
        value = cells[index]
        if blank_cell(value) or value == label:
            continue
        if index in id_columns:
            return None  # an order id, perhaps: an order
        if not totals or not (_amount(value) or index in errors):
            return None
    shown = label.strip()
    if len(shown) > _NOTE_SHOWN:
        shown = shown[:_NOTE_SHOWN] + "…"
    if totals:
        message = _("a totals row ({text}), not an order: its cells are not read")
    else:
        message = _("a note ({text}), not an order: its cells are not read")
    return RecordProblem("", message.format(text=shown_cell(shown)), "summary_row")


class UnnamedColumns:
    """The columns of a table that hold data under no header, found as its rows are read.

    A column has no header when its header cell is empty or the header row ends before
    it, unless a header cell merged across covers it (what is under such a range is
    :func:`merged_header_problems`' to say). A cell that repeats a range merged across
    from a cell on its left is no data of its own; nor is a cell of spaces. A formula
    never calculated is data (its value is unknown).

    Example:
        >>> found = UnnamedColumns(TableRow(1, None, ("工单编号", None, "诉求类型")), "工单")
        >>> for row in (TableRow(2, None, ("A1", "加急", "投诉", "x")),
        ...             TableRow(3, None, ("A2", " ", "投诉"))):
        ...     found.see(row)
        >>> [(c.column, c.first_row, c.rows) for c in found.found()]
        [('B', 2, 1), ('D', 2, 1)]
    """

    def __init__(self, header: TableRow, sheet: str | None) -> None:
        self.sheet = sheet
        self._width = len(header.cells)
        covered = {c for first, last, _end in header.merges for c in range(first + 1, last + 1)}
        self._unnamed = tuple(
            index
            for index, cell in enumerate(header.cells)
            if blank_cell(cell) and index not in covered
        )
        self._first: dict[int, int] = {}
        self._rows: dict[int, int] = {}

    def see(self, row: TableRow) -> None:
        """Note the data of ``row`` (a row of the table below its header) under no header."""
        cells = row.cells
        if not self._unnamed and len(cells) <= self._width:
            return  # (most tables: a header over every column)
        filled = (
            {c for first, last, _end in row.merges for c in range(first + 1, last + 1)}
            if row.merges
            else ()
        )
        for index in itertools.chain(self._unnamed, range(self._width, len(cells))):
            value = cells[index] if index < len(cells) else None
            if (blank_cell(value) and index not in row.formulas) or index in filled:
                continue
            self._first.setdefault(index, row.row)
            self._rows[index] = self._rows.get(index, 0) + 1

    def watch(self, rows: Iterable[TableRow]) -> Iterator[TableRow]:
        """``rows``, each seen (blank and unreadable rows aside) as it passes."""
        for row in rows:
            if not row.blank and row.problem is None:
                self.see(row)
            yield row

    def found(self) -> tuple[UnnamedColumn, ...]:
        """The columns with data and no header so far, left to right."""
        from openpyxl.utils.cell import get_column_letter

        return tuple(
            UnnamedColumn(self.sheet, get_column_letter(index + 1), first, self._rows[index])
            for index, first in sorted(self._first.items())
        )


def _json_array(name: str, value: object) -> list[Any]:
    """A ``units`` or ``events`` cell: a JSON array, as the JSON model writes the field.

    Raises:
        ValueError: anything else (a platform's 单位 column of unit names, say), with the
            way to leave the column unread.
    """
    try:
        loaded = json.loads(value) if isinstance(value, str) else None
    except json.JSONDecodeError:
        loaded = None
    if isinstance(loaded, list):
        return loaded
    shown = shown_cell(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    raise ValueError(
        _(
            "{value} is not a JSON array of {field} as the JSON model writes them "
            "([{{...}}, ...]); to leave this column unread, rename its header, or read with "
            "--column {field}={field} (grievance-rules read; columns= in Python)"
        ).format(value=shown, field=name)
    )


_COORDINATES = frozenset({"location.latitude", "location.longitude"})
"""Fields whose cell is a number (a yes/no cell is not one, though Python counts it so)."""


def record_from_cells(
    layout: TableLayout,
    cells: Sequence[object],
    *,
    tz: dt.tzinfo | None = None,
    row: TableRow | None = None,
) -> tuple[dict[str, Any], list[RecordProblem]]:
    """A row's cells as an order record (a dict for validation), and the cells' problems.

    Empty cells are left out, so that defaults apply and required fields are
    reported missing by validation. Instant columns take the forms of
    :func:`~.cells.instant_cell`, read in ``tz``.
    """
    record: dict[str, Any] = {}
    problems: list[RecordProblem] = []
    formulas = frozenset(row.formulas) if row is not None else frozenset()
    errors = frozenset(row.errors) if row is not None else frozenset()
    for index, name in layout.fields.items():
        value = cells[index] if index < len(cells) else None
        if index in formulas and row is not None:
            problems.append(formula_problem(name, row.row, index, layout.header(index, shown=True)))
            continue
        if index in errors and row is not None:
            header = layout.header(index, shown=True)
            problems.append(error_problem(name, row.row, index, header, value))
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, str) and _unreadable(value):
            problems.append(
                RecordProblem(name, _("cell is not valid text in the file's encoding"), "encoding")
            )
            continue
        try:
            if name in JSON_FIELDS:
                record[name] = _json_array(name, value)
            elif name in LIST_FIELDS:
                record[name] = list_cell(value)
            elif name.startswith("location."):
                if isinstance(value, bool) and name in _COORDINATES:  # (not the number 1.0)
                    raise ValueError(_("{value} is not a number").format(value=shown_cell(value)))
                record.setdefault("location", {})[name.removeprefix("location.")] = text_cell(value)
            elif name == "id":
                record[name] = id_cell(value)
            elif name in _TEXT_FIELDS:
                record[name] = text_cell(value)
            elif name in INSTANT_FIELDS:
                record[name] = instant_cell(value, tz)
            elif isinstance(value, dt.time):
                raise ValueError(
                    _("a time of day ({value}) is not an instant").format(value=shown_cell(value))
                )
            else:  # an enumeration: 12345 typed into 受理渠道 is a number cell, read as '12345'
                record[name] = text_cell(value)
        except (ValueError, RecursionError) as exc:  # (json.JSONDecodeError is a ValueError)
            problems.append(cell_problem(name, layout.header(index, shown=True), str(exc)))
    return record, problems
