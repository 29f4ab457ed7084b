"""Files that look like what 12345 platforms and Chinese Excel export, written cell by cell.

Three orders, given once as JSON (:data:`ORDERS_JSON`), and the same orders
written by hand in the forms offices send (not by the library's writer, so the
reader is checked against an independent spelling of each value):

* :func:`gb18030_long_csv`: the long layout as CSV files saved by Chinese Excel
  (GB18030, a title row above the header, times as ``2025/1/6 9:30``);
* :func:`messy_long_xlsx`: a workbook whose first sheet is empty, with the
  orders on the second sheet below a merged title row, a merged 受理渠道 cell
  over two orders, a formula column (序号, never calculated), times as date
  cells, Excel serial numbers and ``2025年1月6日 9:00`` text;
* :func:`wide_xlsx`: the wide layout (one row per order, milestone columns)
  with a 单位 sheet.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook

TITLE = "城东街道12345工单导出 2025年1月"

_DZB = {"id": "dzb", "name": "党政办公室", "kind": "dispatch_centre"}
_C07 = {"id": "c07", "name": "东风社区", "kind": "village_community"}
_CGB = {"id": "cgb", "name": "城管办公室", "kind": "street_office"}

ORDERS_JSON: list[dict[str, Any]] = [
    {
        "id": "2501060001",
        "channel": "hotline_12345",
        "category": "complaint",
        "received_at": "2025-01-06T09:00:00+08:00",
        "dispatched_at": "2025-01-06T09:30:00+08:00",
        "complainant": "p1",
        "summary": "夜间施工噪音扰民",
        "location": {"address": "东风路3号"},
        "units": [_DZB, _C07],
        "events": [
            {"type": "dispatched", "at": "2025-01-06T09:30:00+08:00", "unit": "dzb",
             "to_unit": "c07"},
            {"type": "signed_for", "at": "2025-01-06T10:00:00+08:00", "unit": "c07"},
            {"type": "first_contact", "at": "2025-01-06T11:20:00+08:00", "unit": "c07"},
            {"type": "replied", "at": "2025-01-08T16:00:00+08:00", "unit": "c07"},
            {"type": "callback", "at": "2025-01-09T10:00:00+08:00", "unit": "dzb",
             "satisfaction": "satisfied", "resolved": True},
            {"type": "closed", "at": "2025-01-09T10:30:00+08:00", "unit": "dzb"},
        ],
    },
    {
        "id": "2501060002",
        "channel": "hotline_12345",
        "category": "help_request",
        "received_at": "2025-01-06T20:15:00+08:00",
        "dispatched_at": "2025-01-07T08:40:00+08:00",
        "complainant": "p2",
        "summary": "路灯不亮",
        "units": [_DZB, _CGB],
        "events": [
            {"type": "dispatched", "at": "2025-01-07T08:40:00+08:00", "unit": "dzb",
             "to_unit": "cgb"},
            {"type": "signed_for", "at": "2025-01-07T09:05:00+08:00", "unit": "cgb"},
            {"type": "replied", "at": "2025-01-09T17:00:00+08:00", "unit": "cgb"},
            {"type": "callback", "at": "2025-01-10T09:30:00+08:00", "unit": "dzb",
             "satisfaction": "dissatisfied", "resolved": False},
            {"type": "redo_ordered", "at": "2025-01-10T10:00:00+08:00", "unit": "dzb",
             "to_unit": "cgb", "level": "street"},
            {"type": "replied", "at": "2025-01-13T15:00:00+08:00", "unit": "cgb", "round": 2},
            {"type": "callback", "at": "2025-01-14T09:00:00+08:00", "unit": "dzb", "round": 2,
             "satisfaction": "basically_satisfied", "resolved": True},
            {"type": "closed", "at": "2025-01-14T09:10:00+08:00", "unit": "dzb"},
        ],
    },
    {
        "id": "2501070003",
        "channel": "wechat",
        "category": "consultation",
        "received_at": "2025-01-07T10:05:00+08:00",
        "summary": "咨询垃圾分类时间",
    },
]  # fmt: skip
"""The three orders as JSON records."""

_ORDER_HEADER = ["工单编号", "受理渠道", "诉求类型", "受理时间", "派单时间", "诉求人", "诉求内容",
                 "事发地址"]  # fmt: skip
_ORDER_ROWS = [
    ["2501060001", "12345", "投诉", "2025/1/6 9:00", "2025/1/6 9:30", "p1", "夜间施工噪音扰民",
     "东风路3号"],
    ["2501060002", "12345", "求助", "2025/1/6 20:15", "2025/1/7 8:40", "p2", "路灯不亮", ""],
    ["2501070003", "微信", "咨询", "2025/1/7 10:05", "", "", "咨询垃圾分类时间", ""],
]  # fmt: skip
_EVENT_HEADER = ["工单编号", "环节", "时间", "单位", "目标单位", "轮次", "满意度", "是否解决",
                 "级别"]  # fmt: skip
_EVENT_ROWS = [
    ["2501060001", "派单", "2025/1/6 9:30", "党政办公室", "东风社区", "", "", "", ""],
    ["2501060001", "签收", "2025/1/6 10:00", "东风社区", "", "", "", "", ""],
    ["2501060001", "先行联系", "2025/1/6 11:20", "东风社区", "", "", "", "", ""],
    ["2501060001", "回复", "2025/1/8 16:00", "东风社区", "", "", "", "", ""],
    ["2501060001", "回访", "2025/1/9 10:00", "党政办公室", "", "", "满意", "是", ""],
    ["2501060001", "办结", "2025/1/9 10:30", "党政办公室", "", "", "", "", ""],
    ["2501060002", "派单", "2025/1/7 8:40", "党政办公室", "城管办公室", "", "", "", ""],
    ["2501060002", "签收", "2025/1/7 9:05", "城管办公室", "", "", "", "", ""],
    ["2501060002", "回复", "2025/1/9 17:00", "城管办公室", "", "", "", "", ""],
    ["2501060002", "回访", "2025/1/10 9:30", "党政办公室", "", "", "不满意", "否", ""],
    ["2501060002", "重办", "2025/1/10 10:00", "党政办公室", "城管办公室", "", "", "", "街道重办"],
    ["2501060002", "回复", "2025/1/13 15:00", "城管办公室", "", "2", "", "", ""],
    ["2501060002", "回访", "2025/1/14 9:00", "党政办公室", "", "2", "基本满意", "是", ""],
    ["2501060002", "办结", "2025/1/14 9:10", "党政办公室", "", "", "", "", ""],
]  # fmt: skip
_UNIT_HEADER = ["单位编号", "名称", "类型"]
_UNIT_ROWS = [["dzb", "党政办公室", "派件单位"], ["c07", "东风社区", "属地"],
              ["cgb", "城管办公室", "属事"]]  # fmt: skip


def _csv_text(rows: list[list[str]]) -> str:
    return "".join(",".join(row) + "\r\n" for row in rows)


def gb18030_long_csv(folder: Path) -> Path:
    """工单.csv, 工单.流转记录.csv and 工单.单位.csv in GB18030; a title row on the orders file."""
    orders = folder / "工单.csv"
    title = [TITLE] + [""] * (len(_ORDER_HEADER) - 1)
    orders.write_bytes(_csv_text([title, _ORDER_HEADER, *_ORDER_ROWS]).encode("gb18030"))
    (folder / "工单.流转记录.csv").write_bytes(
        _csv_text([_EVENT_HEADER, *_EVENT_ROWS]).encode("gb18030")
    )
    (folder / "工单.单位.csv").write_bytes(_csv_text([_UNIT_HEADER, *_UNIT_ROWS]).encode("gb18030"))
    return orders


def _serial(text: str) -> float:
    """An Excel serial day for a ``YYYY/M/D H:MM`` text, computed from 1899-12-30."""
    moment = dt.datetime.strptime(text, "%Y/%m/%d %H:%M")
    return (moment - dt.datetime(1899, 12, 30)) / dt.timedelta(days=1)


def messy_long_xlsx(path: Path) -> Path:
    """The long layout as an office's workbook: see the module docstring."""
    book = Workbook()
    empty = book.active
    assert empty is not None
    empty.title = "Sheet1"
    sheet = book.create_sheet("工单")
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(_ORDER_HEADER) + 1)
    sheet.append(["序号", *_ORDER_HEADER])
    for number, row in enumerate(_ORDER_ROWS, 3):
        cells: list[Any] = ["=ROW()-2", *row]
        cells[4] = dt.datetime.strptime(row[3], "%Y/%m/%d %H:%M")  # a date cell
        if row[4]:
            cells[5] = _serial(row[4])  # a serial number in a General cell
        if number == 3:
            cells[4] = "2025年1月6日 9:00"  # text as typed in Chinese
        sheet.append(cells)
    # 受理渠道 12345 of the first two orders, merged: only the anchor holds it
    sheet["C4"] = None
    sheet.merge_cells("C3:C4")
    events = book.create_sheet("流转记录")
    for row in [_EVENT_HEADER, *_EVENT_ROWS]:
        events.append(row)
    units = book.create_sheet("单位")
    for row in [_UNIT_HEADER, *_UNIT_ROWS]:
        units.append(row)
    book.save(path)
    return path


_WIDE_HEADER = ["工单编号", "来电时间", "受理渠道", "诉求类型", "诉求人", "诉求内容", "事发地址",
                "派单单位", "承办单位", "派单时间", "签收时间", "首次联系时间", "回复时间",
                "回访单位", "回访时间", "满意度", "是否解决", "重办时间", "重办级别",
                "二次回复时间", "二次回访时间", "二次满意度", "二次是否解决", "办结时间",
                "重办次数"]  # fmt: skip
_WIDE_ROWS = [
    ["2501060001", "2025-01-06 09:00:00", "12345", "投诉", "p1", "夜间施工噪音扰民", "东风路3号",
     "党政办公室", "东风社区", "2025-01-06 09:30:00", "2025-01-06 10:00:00",
     "2025-01-06 11:20:00", "2025-01-08 16:00:00", "党政办公室", "2025-01-09 10:00:00", "满意",
     "是", "", "", "", "", "", "", "2025-01-09 10:30:00", 0],
    ["2501060002", "2025-01-06 20:15:00", "12345", "求助", "p2", "路灯不亮", "",
     "党政办公室", "城管办公室", "2025-01-07 08:40:00", "2025-01-07 09:05:00", "",
     "2025-01-09 17:00:00", "党政办公室", "2025-01-10 09:30:00", "不满意", "否",
     "2025-01-10 10:00:00", "街道重办", "2025-01-13 15:00:00", "2025-01-14 09:00:00",
     "基本满意", "是", "2025-01-14 09:10:00", 1],
    ["2501070003", "2025-01-07 10:05:00", "微信", "咨询", "", "咨询垃圾分类时间", "",
     "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
]  # fmt: skip


def wide_xlsx(path: Path, extra_rows: list[list[Any]] | None = None) -> Path:
    """The wide layout, with a 单位 sheet; ``extra_rows`` are appended to the orders."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "工单"
    sheet.append(_WIDE_HEADER)
    for row in [*_WIDE_ROWS, *(extra_rows or [])]:
        sheet.append([None if cell == "" else cell for cell in row])
    units = book.create_sheet("单位")
    for row in [_UNIT_HEADER, *_UNIT_ROWS]:
        units.append(row)
    book.save(path)
    return path


WIDE_HEADER = tuple(_WIDE_HEADER)
"""The wide sheet's header."""
