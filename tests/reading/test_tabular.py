"""Tables' headers as offices write them: a header of two rows, merged as Excel merges it."""

import datetime as dt

import pytest
from openpyxl import Workbook

from grievance_rules.errors import ReadError
from grievance_rules.reading import read_orders

_UNITS = [
    ["单位编号", "名称", "类型"],
    ["dzb", "党政办公室", "派件单位"],
    ["c07", "东风社区", "属地"],
]

_ORDER = {"工单编号": "CD2603001", "受理渠道": "12345热线", "诉求类型": "投诉",
          "受理时间": "2026/3/2 9:10", "承办单位": "东风社区"}  # fmt: skip
_STEPS = ("派单时间", "签收时间", "回复时间", "回访时间", "满意度")
_CELLS = ["2026/3/2 9:30", "2026/3/2 10:00", "2026/3/4 15:00", "2026/3/5 10:00", "满意"]


def _two_row_header_book(path, group="办理环节", subs=_STEPS, cells=_CELLS):  # type: ignore[no-untyped-def]
    """A title row; 工单编号 … 承办单位 and 办结时间 merged down over rows 2-3; ``group``
    merged across row 2 over ``subs`` in row 3; one order on row 4."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "工单明细"
    sheet["A1"] = "城东街道12345热线工单明细表（2026年3月）"
    last = len(_ORDER) + len(subs) + 1
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    for column, (header, value) in enumerate(_ORDER.items(), 1):
        sheet.cell(2, column, header)
        sheet.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
        sheet.cell(4, column, value)
    first = len(_ORDER) + 1
    sheet.cell(2, first, group)
    sheet.merge_cells(start_row=2, start_column=first, end_row=2, end_column=last - 1)
    for column, (header, value) in enumerate(zip(subs, cells, strict=True), first):
        sheet.cell(3, column, header)
        sheet.cell(4, column, value)
    sheet.cell(2, last, "办结时间")
    sheet.merge_cells(start_row=2, start_column=last, end_row=3, end_column=last)
    sheet.cell(4, last, "2026/3/5 11:00")
    units = book.create_sheet("单位")
    for row in _UNITS:
        units.append(row)
    book.save(path)
    return path


def _events(report):  # type: ignore[no-untyped-def]
    return [
        (e.type, e.at.isoformat(), getattr(e, "satisfaction", None))
        for order in report.orders
        for e in order.events
    ]


def test_a_header_of_two_rows_merged_as_excel_merges_it_reads_as_one(tmp_path):
    report = read_orders(_two_row_header_book(tmp_path / "w.xlsx"), assume_tz="Asia/Shanghai")
    assert report.rejected == (), [str(r) for r in report.rejected]
    assert [r.location.row for r in report.accepted] == [4]
    assert report.ignored_columns == ()
    assert _events(report) == [
        ("dispatched", "2026-03-02T09:30:00+08:00", None),
        ("signed_for", "2026-03-02T10:00:00+08:00", None),
        ("replied", "2026-03-04T15:00:00+08:00", None),
        ("callback", "2026-03-05T10:00:00+08:00", "satisfied"),
        ("closed", "2026-03-05T11:00:00+08:00", None),
    ]


def test_a_group_and_its_column_together_name_the_column_when_that_is_the_header(tmp_path):
    # 派单 over 时间 and 单位: 派单时间 and 派单单位 (单位 alone would be the units column)
    path = _two_row_header_book(
        tmp_path / "w.xlsx", "派单", ("时间", "单位"), ("2026/3/2 9:30", "党政办公室")
    )
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert report.rejected == (), [str(r) for r in report.rejected]
    assert report.ignored_columns == ()
    (order,) = report.orders
    assert [(e.type, e.at.isoformat(), e.unit) for e in order.events] == [
        ("dispatched", "2026-03-02T09:30:00+08:00", "dzb"),
        ("closed", "2026-03-05T11:00:00+08:00", "dzb"),
    ]
    assert order.events[0].to_unit == "c07"


def test_a_column_under_a_group_without_a_header_of_its_own_refuses_the_sheet(tmp_path):
    path = _two_row_header_book(
        tmp_path / "w.xlsx", subs=("派单时间", None, "回复时间", "回访时间", "满意度")
    )
    with pytest.raises(ReadError) as caught:
        read_orders(path, assume_tz="Asia/Shanghai")
    message = str(caught.value)
    assert message.startswith(f"{path}[工单明细]: rows 2 and 3 are one header")
    assert "the header is empty under a merged group cell at G3 (办理环节)" in message


def test_a_header_merged_down_over_three_rows_is_refused_not_read_as_orders(tmp_path):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for column, header in enumerate(["工单编号", "受理渠道", "诉求类型", "受理时间"], 1):
        sheet.cell(1, column, header)
        sheet.merge_cells(start_row=1, start_column=column, end_row=3, end_column=column)
    sheet.append(["A1", "12345", "投诉", dt.datetime(2026, 3, 2, 9, 10)])
    path = tmp_path / "three.xlsx"
    book.save(path)
    with pytest.raises(ReadError, match=r"\(row 1\) has cells merged down over more than two "
                       r"rows \(A1:A3, B1:B3, C1:C3, D1:D3\)"):  # fmt: skip
        read_orders(path, assume_tz="Asia/Shanghai")


def test_a_number_cell_in_an_enumeration_column_is_read_as_the_text_it_shows(tmp_path):
    # Excel stores 12345 typed into 受理渠道 as a number; '12345' is an accepted
    # spelling of 12345热线, so the number cell is too.
    from tests.reading.tables import write_xlsx

    rows = [
        ["工单编号", "受理渠道", "诉求类型", "受理时间"],
        ["A1", 12345, "投诉", dt.datetime(2024, 5, 6, 9, 12)],
        ["A2", 12345.0, "投诉", dt.datetime(2024, 5, 6, 9, 12)],
    ]
    report = read_orders(write_xlsx(tmp_path / "o.xlsx", rows), assume_tz="Asia/Shanghai")
    assert report.rejected == ()
    assert [o.channel.value for o in report.orders] == ["hotline_12345", "hotline_12345"]


def test_a_cell_that_cannot_be_read_names_its_column_as_the_sheet_heads_it(tmp_path):
    # 工单号 holds an id too long for a number cell; 涉及单位 (a header of the JSON `units`
    # field) holds a platform's unit name: each is named by its column, and the 涉及单位 one
    # says how to leave the column unread (it said "Expecting value: line 1 column 1").
    from grievance_rules.i18n import language
    from tests.reading.tables import write_xlsx

    rows = [
        ["工单号", "受理渠道", "诉求类型", "受理时间", "涉及单位"],
        [250106000100000001, "12345", "投诉", dt.datetime(2024, 5, 6, 9, 12), None],
        ["A2", "12345", "投诉", dt.datetime(2024, 5, 6, 9, 12), "东风社区"],
    ]
    path = write_xlsx(tmp_path / "o.xlsx", rows)
    first, second = read_orders(path, assume_tz="Asia/Shanghai").rejected
    assert [(p.field, p.message.split(": ")[0]) for p in first.problems] == [
        ("id", "column '工单号'")
    ]
    assert [(p.field, p.message) for p in second.problems] == [
        (
            "units",
            "column '涉及单位': '东风社区' is not a JSON array of units as the JSON model "
            "writes them ([{...}, ...]); to leave this column unread, rename its header, or "
            "read with --column units=units (grievance-rules read; columns= in Python)",
        )
    ]
    with language("zh"):
        (_, second) = read_orders(path, assume_tz="Asia/Shanghai").rejected
        assert second.problems[0].message == (
            "列 '涉及单位'：'东风社区' 不是按 JSON 模型写法填写的 units JSON 数组（[{...}, ...]）；"
            "如不需读取该列，请修改该列表头，或加 --column units=units 重新读取"
            "（grievance-rules read；Python 中用 columns=）"
        )
    report = read_orders(path, assume_tz="Asia/Shanghai", columns={"units": "units"})
    assert [o.id for o in report.orders] == ["A2"]
    assert report.ignored_columns == ("涉及单位",)


def _merged_across_book(path, cells):  # type: ignore[no-untyped-def]
    """受理时间 merged over D1:E1, a header of one row; a row of ``cells`` below it."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "工单"
    sheet.append(["工单编号", "受理渠道", "诉求类型", "受理时间", None, "诉求内容"])
    sheet.merge_cells("D1:E1")
    sheet.append(cells)
    return path, book, sheet


def test_a_header_cell_merged_across_names_one_column_and_a_merged_row_under_it_is_read(
    tmp_path,
):
    # it stopped the reading: columns 4 and 5 ('受理时间') both hold 'received_at'
    path, book, sheet = _merged_across_book(
        tmp_path / "o.xlsx", ["C1", "12345", "投诉", "2024/5/6 9:12", None, "路灯坏了"]
    )
    sheet.append(["C2", "12345", "投诉", "2024/5/6 10:00", None, "井盖"])
    sheet.merge_cells("D3:E3")
    book.save(path)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert [o.received_at.isoformat() for o in report.orders] == [
        "2024-05-06T09:12:00+08:00",
        "2024-05-06T10:00:00+08:00",
    ]
    assert report.ignored_columns == ()


def test_another_value_under_a_merged_header_refuses_its_row(tmp_path):
    # a date and a time under one merged 受理时间: which is the column is not guessed
    from grievance_rules.i18n import language

    path, book, _sheet = _merged_across_book(
        tmp_path / "o.xlsx", ["C1", "12345", "投诉", "2024/5/6 9:12", "9:12", "路灯坏了"]
    )
    book.save(path)
    with language("zh"):
        (rejected,) = read_orders(path, assume_tz="Asia/Shanghai").rejected
        assert [(p.field, p.code, p.message) for p in rejected.problems] == [
            (
                "",
                "merged_header",
                "单元格 E2 的值 '9:12' 位于表头 '受理时间' 之下，而该表头合并了 D1:E1：合并的表头只"
                "对应其中第一列；请取消合并，并为每一列填写表头",
            )
        ]
