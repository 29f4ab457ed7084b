"""Writing orders in the long layout, for Excel: the workbook (or CSV files) the reader reads.

Three tables (:mod:`.long`): 工单 (one row per order), 流转记录 (one row per
event) and 单位 (each order's units, with its 工单编号). Headers are Chinese;
enumerations are written as their Chinese terms, yes/no as 是/否, lists
separated by 、. In a workbook numbers are numbers and instants real Excel
date-times on the wall clock of ``tz`` (Asia/Shanghai by default: read the
file back with the same ``--tz``); an instant that wall time cannot hold
exactly (fractions of a second, the repeated hour of a daylight-saving change)
is written as ISO 8601 text with its offset, and a number that needs more than
the 16 significant digits a workbook keeps as text. CSV files hold every instant as
ISO 8601 text on Shanghai time with its offset, in UTF-8 with a BOM (what Excel opens as UTF-8).
The header row is frozen and the columns are as wide as their contents.

Reading what was written gives the same orders (a property test checks it).

Example:
    >>> import io
    >>> from grievance_rules.reading import read_orders
    >>> from grievance_rules.samples import generate_orders
    >>> orders = list(generate_orders(3, seed=7))
    >>> buffer = io.BytesIO()
    >>> write_long_xlsx(orders, buffer)
    3
    >>> _ = buffer.seek(0)
    >>> read_orders(buffer, format="xlsx", assume_tz="Asia/Shanghai").orders == tuple(orders)
    True
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from grievance_rules.atomic import atomic_path
from grievance_rules.calendar import SHANGHAI
from grievance_rules.model import EVENT_CLASSES, WorkOrder, in_shanghai
from grievance_rules.model.events import Evidence
from grievance_rules.reading.columns import DEFAULT_HEADERS
from grievance_rules.reading.long import EVENT_HEADERS, UNIT_HEADERS
from grievance_rules.text_width import display_width
from grievance_rules.workbook_bytes import fixed_workbook_bytes, xlsx_text

__all__ = ["ORDER_COLUMNS", "long_tables", "write_long_csv", "write_long_xlsx"]

ORDER_COLUMNS = tuple(name for name in DEFAULT_HEADERS if name not in ("units", "events"))
"""The orders table's fields, in column order."""
_EVENT_COLUMNS = tuple(EVENT_HEADERS)
_UNIT_COLUMNS = tuple(UNIT_HEADERS)
_SHEETS = ("工单", "流转记录", "单位")
_MAX_WIDTH = 60


def _header(headers: dict[str, tuple[str, ...]], name: str) -> str:
    """The first Chinese header of a field."""
    return next((h for h in headers[name] if not h.isascii()), headers[name][0])


def _term(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return getattr(value, "zh", None) or value.value
    return value


def _terms(values: Iterable[Any]) -> str | None:
    text = "、".join(str(_term(v)) for v in values)
    return text or None


def _evidence(items: Sequence[Evidence]) -> str | None:
    if not items:
        return None
    if all(item.ref is None for item in items):
        return _terms(item.kind for item in items)
    return json.dumps(
        [{"kind": _term(item.kind), "ref": item.ref} for item in items], ensure_ascii=False
    )


def _cell(value: Any) -> Any:
    """A model value as a cell: None, str, int, float, bool-as-是/否 or an aware datetime."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, enum.Enum):
        return _term(value)
    if isinstance(value, str):
        return value or None
    if isinstance(value, tuple | list):
        if value and isinstance(value[0], Evidence):
            return _evidence(value)
        return _terms(value)
    if isinstance(value, dict):
        if not value:
            return None
        return json.dumps({_term(k): v for k, v in value.items()}, ensure_ascii=False)
    return value


def long_tables(
    orders: Iterable[WorkOrder],
) -> tuple[list[str], Iterator[tuple[str, list[Any]]]]:
    """The three tables' rows, as ``(table, cells)`` in order; the tables' headers first.

    Returns:
        The table names, and an iterator of rows: ``("工单", [...])``,
        ``("流转记录", [...])``, ``("单位", [...])``; each table's header row
        comes before its first data row.
    """

    def rows() -> Iterator[tuple[str, list[Any]]]:
        yield _SHEETS[0], [_header(DEFAULT_HEADERS, n) for n in ORDER_COLUMNS]
        yield _SHEETS[1], [_header(EVENT_HEADERS, n) for n in _EVENT_COLUMNS]
        yield _SHEETS[2], [_header(UNIT_HEADERS, n) for n in _UNIT_COLUMNS]
        for order in orders:
            row = []
            for name in ORDER_COLUMNS:
                if name.startswith("location."):
                    location = order.location
                    value = getattr(location, name.removeprefix("location."), None)
                else:
                    value = getattr(order, name)
                row.append(_cell(value))
            yield _SHEETS[0], row
            for event in order.events:
                cells: list[Any] = []
                fields = EVENT_CLASSES[event.type].model_fields
                for name in _EVENT_COLUMNS:
                    if name == "order":
                        cells.append(order.id)
                    elif name == "type":
                        cells.append(EVENT_CLASSES[event.type].zh)
                    elif name in fields:
                        cells.append(_cell(getattr(event, name)))
                    else:
                        cells.append(None)
                yield _SHEETS[1], cells
            for unit in order.units:
                yield (
                    _SHEETS[2],
                    [order.id if n == "order" else _cell(getattr(unit, n)) for n in _UNIT_COLUMNS],
                )

    return list(_SHEETS), rows()


def _wall_time(instant: dt.datetime, tz: dt.tzinfo) -> dt.datetime | None:
    """The naive wall time of ``instant`` in ``tz``, when it gives the instant back exactly."""
    local = instant.astimezone(tz).replace(tzinfo=None)
    if local.microsecond or local.replace(tzinfo=tz) != instant:
        return None
    return local


def _width(value: Any) -> int:
    if isinstance(value, dt.datetime):
        return 19
    return display_width(str(value))


def write_long_xlsx(
    orders: Iterable[WorkOrder],
    target: str | os.PathLike[str] | IO[bytes],
    *,
    tz: dt.tzinfo = SHANGHAI,
) -> int:
    """Write the orders as a workbook of the long layout; the number of orders written."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    first = book.active
    if first is not None:
        book.remove(first)
    names, rows = long_tables(orders)
    sheets = {name: book.create_sheet(name) for name in names}
    widths: dict[str, dict[int, int]] = {name: {} for name in names}
    count = 0
    written = dict.fromkeys(names, 0)  # rows written to each sheet (not sheet.max_row:
    # openpyxl finds that by scanning every cell, which made writing quadratic)
    for name, cells in rows:
        sheet = sheets[name]
        row_number = written[name] = written[name] + 1
        count += name == names[0] and row_number > 1
        for column, value in enumerate(cells, 1):
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                local = _wall_time(value, tz)
                value = local if local is not None else value.isoformat()
            elif isinstance(value, float) and float(f"{value:.16g}") != value:
                value = repr(value)  # openpyxl writes 16 significant digits: keep them all
            if isinstance(value, str):
                value = xlsx_text(value)  # a control character (\x0b) no cell can hold
            cell = sheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(value, str):
                cell.data_type = "s"  # a text starting with = stays text
            seen = widths[name]
            seen[column] = max(seen.get(column, 0), _width(value))
    for name, sheet in sheets.items():
        sheet.freeze_panes = "A2"
        for column, width in widths[name].items():
            sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, _MAX_WIDTH)
    data = fixed_workbook_bytes(book)  # the same orders, the same bytes
    if isinstance(target, str | os.PathLike):
        with atomic_path(target) as tmp:  # an interrupted run leaves no half-written workbook
            tmp.write_bytes(data)
    else:
        target.write(data)
    return count


def write_long_csv(orders: Iterable[WorkOrder], path: str | os.PathLike[str]) -> int:
    """Write the orders as CSV files of the long layout; the number of orders written.

    ``工单.csv`` gets ``工单.流转记录.csv`` and ``工单.单位.csv`` beside it (the
    names the reader looks for).
    """
    base = Path(path)
    paths = {
        "工单": base,
        "流转记录": base.with_name(f"{base.stem}.流转记录{base.suffix}"),
        "单位": base.with_name(f"{base.stem}.单位{base.suffix}"),
    }
    handles = {name: p.open("w", encoding="utf-8-sig", newline="") for name, p in paths.items()}
    try:
        writers = {name: csv.writer(handle) for name, handle in handles.items()}
        _, rows = long_tables(orders)
        count = -1
        for name, cells in rows:
            count += name == "工单"
            writers[name].writerow(
                [
                    ""
                    if value is None
                    else in_shanghai(value).isoformat(sep=" ")  # as the orders' JSON is
                    if isinstance(value, dt.datetime)
                    else repr(value)
                    if isinstance(value, float)
                    else value
                    for value in cells
                ]
            )
    finally:
        for handle in handles.values():
            handle.close()
    return count
