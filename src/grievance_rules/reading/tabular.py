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
import json
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from grievance_rules.errors import ReadError
from grievance_rules.reading.columns import JSON_FIELDS, LIST_FIELDS, TableLayout
from grievance_rules.reading.results import RecordProblem

__all__ = ["TableRow", "csv_rows", "record_from_cells", "xlsx_rows"]

_SEPARATORS = re.compile(r"[,，;；、|]")
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
    """

    row: int
    line: int | None
    cells: tuple[object, ...]
    problem: RecordProblem | None = None

    @property
    def blank(self) -> bool:
        """Whether every cell is empty."""
        return self.problem is None and all(
            c is None or (isinstance(c, str) and not c.strip()) for c in self.cells
        )


def csv_rows(stream: IO[str]) -> Iterator[TableRow]:
    """The rows of a CSV text stream, header first.

    A row the csv module cannot parse (an over-long field, a stray quote at the
    end of the file) becomes a row with a ``problem``; reading goes on.
    """
    reader = csv.reader(stream)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            yield TableRow(number, reader.line_num, (), RecordProblem("", f"bad CSV: {exc}", "csv"))
            continue
        number += 1
        yield TableRow(number, reader.line_num, tuple(cells))


def xlsx_rows(source: str | IO[bytes], sheet: str | None = None) -> Iterator[TableRow]:
    """The rows of one worksheet (the first, unless ``sheet`` names one), header first.

    Raises:
        ReadError: the file is not an xlsx workbook, or has no such sheet.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ReadError(f"not a readable xlsx workbook: {exc}") from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise ReadError(f"no sheet {sheet!r}; sheets: {', '.join(workbook.sheetnames)}")
        for number, values in enumerate(worksheet.iter_rows(min_row=1, values_only=True), 1):
            yield TableRow(number, None, tuple(values))
    finally:
        workbook.close()


def _unreadable(text: str) -> bool:
    """Whether text holds bytes that were not valid in the file's encoding."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _text(value: object) -> object:
    """A cell meant as text: whole numbers read by a spreadsheet as floats become text again."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return value


def _list(value: object) -> object:
    if not isinstance(value, str):
        return [value]
    text = value.strip()
    if text.startswith("["):
        return json.loads(text)
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def record_from_cells(
    layout: TableLayout, cells: Sequence[object]
) -> tuple[dict[str, Any], list[RecordProblem]]:
    """A row's cells as an order record (a dict for validation), and the cells' problems.

    Empty cells are left out, so that defaults apply and required fields are
    reported missing by validation.
    """
    record: dict[str, Any] = {}
    problems: list[RecordProblem] = []
    for index, name in layout.fields.items():
        value = cells[index] if index < len(cells) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, str) and _unreadable(value):
            problems.append(
                RecordProblem(name, "cell is not valid text in the file's encoding", "encoding")
            )
            continue
        try:
            if name in JSON_FIELDS:
                if not isinstance(value, str):
                    raise ValueError(f"expected a JSON array, got {value!r}")
                record[name] = json.loads(value)
            elif name in LIST_FIELDS:
                record[name] = _list(value)
            elif name.startswith("location."):
                record.setdefault("location", {})[name.removeprefix("location.")] = _text(value)
            elif name in _TEXT_FIELDS:
                record[name] = _text(value)
            elif isinstance(value, dt.time):
                raise ValueError(f"a time of day ({value}) is not an instant")
            else:
                record[name] = value
        except (ValueError, RecursionError) as exc:
            problems.append(RecordProblem(name, f"cannot read the cell: {exc}", "invalid_cell"))
    return record, problems
