"""Workbooks as Excel users keep them: a chart moved to a sheet of its own beside the data."""

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from grievance_rules.i18n import language
from grievance_rules.reading import read_orders


def _with_chart_sheet(path, data=True):  # type: ignore[no-untyped-def]
    """A 图表 chart sheet first (as Excel's 移动图表 → 新工作表 puts it), then the orders."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "数据"
    sheet.append(["工单编号", "受理渠道", "诉求类型", "受理时间"])
    sheet.append(["A1", "12345", "投诉", "2024/5/6 9:00"])
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=1, min_row=1, max_row=2))
    book.create_chartsheet("图表", 0).add_chart(chart)
    if not data:
        book.remove(sheet)
    book.save(path)
    return path


def test_a_chart_sheet_is_passed_over_and_the_orders_read(tmp_path):
    # it was a traceback: 'Chartsheet' object has no attribute 'iter_rows'
    report = read_orders(_with_chart_sheet(tmp_path / "o.xlsx"), assume_tz="Asia/Shanghai")
    assert [o.id for o in report.orders] == ["A1"]
    assert report.accepted[0].location.sheet is None  # one sheet of cells: not named


def test_a_chart_sheet_named_as_the_orders_sheet_is_refused_saying_what_it_is(tmp_path):
    import pytest

    from grievance_rules.errors import ReadError

    path = _with_chart_sheet(tmp_path / "o.xlsx")
    with language("zh"), pytest.raises(ReadError) as info:
        read_orders(path, sheet="图表")
    assert str(info.value) == "工作表 '图表' 是图表，不是数据表；现有工作表：数据"
    with pytest.raises(ReadError, match=r"^the workbook has no sheet of cells, only charts: 图表$"):
        read_orders(_with_chart_sheet(tmp_path / "c.xlsx", data=False))


def test_a_cell_showing_an_error_value_is_reported_by_cell_not_read_as_data(tmp_path):
    # #N/A (a lookup that found nothing) in 工单编号 was read as the order id '#N/A', and
    # #REF! as the address; the value is lost, as with a formula never calculated.
    import datetime as dt

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "工单"
    sheet.append(["工单编号", "受理渠道", "诉求类型", "受理时间", "事发地址"])
    sheet.append(["#N/A", "12345", "投诉", dt.datetime(2024, 5, 6, 9), "#REF!"])
    sheet.append(["A2", "12345", "投诉", dt.datetime(2024, 5, 6, 9), "东风路3号"])
    events = book.create_sheet("流转记录")
    events.append(["工单编号", "环节", "时间", "满意度"])
    events.append(["A2", "#N/A", dt.datetime(2024, 5, 6, 10), None])
    path = tmp_path / "o.xlsx"
    book.save(path)
    assert sheet["A2"].data_type == "e"  # stored as Excel stores an error value
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert report.accepted == ()
    first, second = report.rejected
    assert first.order_id is None
    assert [(p.field, p.code, p.message) for p in first.problems] == [
        ("id", "cell_error", "cell A2 (工单编号) shows the error #N/A, not a value; "
         "correct the formula in Excel, or enter the value"),
        ("location.address", "cell_error", "cell E2 (事发地址) shows the error #REF!, not a "
         "value; correct the formula in Excel, or enter the value"),
    ]  # fmt: skip
    assert second.problems[0].field == "events[0].type"
    assert second.problems[0].message.startswith("cell B2 (流转记录: 环节) shows the error #N/A")
    with language("zh"):
        first = read_orders(path, assume_tz="Asia/Shanghai").rejected[0]
    assert first.problems[0].message == (
        "单元格 A2（工单编号）显示错误值 #N/A，没有数据；请在 Excel 中改正公式，或填入数值"
    )


def test_a_sheet_named_with_a_space_at_its_end_is_found_without_it(tmp_path):
    # the sheet is '工单 ' (a space no one sees); --sheet 工单 said: no sheet '工单'; sheets:
    # 工单 、说明
    import pytest

    from grievance_rules.errors import ReadError

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "工单 "
    sheet.append(["工单编号", "受理渠道", "诉求类型", "受理时间"])
    sheet.append(["A1", "12345", "投诉", "2024/5/6 9:00"])
    book.create_sheet("说明").append(["本表由平台导出"])
    path = tmp_path / "o.xlsx"
    book.save(path)
    report = read_orders(path, sheet="工单", assume_tz="Asia/Shanghai")
    assert [o.id for o in report.orders] == ["A1"]
    assert report.accepted[0].location.sheet == "工单 "
    with language("zh"), pytest.raises(ReadError) as info:
        read_orders(path, sheet="工单表")
    assert str(info.value) == "没有工作表 '工单表'；现有工作表：'工单 '、说明"


_HEADER = ["工单编号", "受理渠道", "诉求类型", "受理时间"]


def _orders_book(sheets):  # type: ignore[no-untyped-def]
    """A workbook with these sheets: name → (ids, hidden)."""
    import datetime as dt

    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for name, (ids, hidden) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(_HEADER)
        for order_id in ids:
            sheet.append([order_id, "12345", "投诉", dt.datetime(2025, 3, 3, 9)])
        if hidden:
            sheet.sheet_state = "hidden"
    return book


def test_a_sheet_whose_dimension_is_stale_is_read_to_its_last_row(tmp_path):
    # some exporters write <dimension ref="A1"/> (or the extent before rows were added):
    # read-only openpyxl read only cell A1, and the file gave 0 records
    import re
    import zipfile

    path = tmp_path / "o.xlsx"
    book = _orders_book({"工单": (["A0", "A1", "A2"], False)})
    book.active["F4"] = "东风路"  # (a column past the others: read too)
    book.save(path)
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(stale, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                assert b"<dimension" in data
                data = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>', data)
            target.writestr(item, data)
    report = read_orders(stale, assume_tz="Asia/Shanghai")
    assert [o.id for o in report.orders] == ["A0", "A1", "A2"]


def test_a_hidden_sheet_is_passed_over_for_the_visible_orders(tmp_path):
    # a hidden sheet of old orders first: it was read, and the four visible orders lost
    path = tmp_path / "o.xlsx"
    _orders_book({"旧数据": (["OLD1"], True), "工单": (["F0", "F1", "F2", "F3"], False)}).save(path)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert [o.id for o in report.orders] == ["F0", "F1", "F2", "F3"]
    # named, it is read
    report = read_orders(path, assume_tz="Asia/Shanghai", sheet="旧数据")
    assert [o.id for o in report.orders] == ["OLD1"]


def test_orders_on_several_sheets_are_refused_naming_them(tmp_path):
    # 1月 and 2月: only 1月 was read, 2月's orders neither counted nor mentioned
    import pytest

    from grievance_rules.errors import ReadError

    path = tmp_path / "o.xlsx"
    _orders_book({"1月": (["J1", "J2", "J3"], False), "2月": (["F1"], False)}).save(path)
    with language("en"), pytest.raises(ReadError) as info:
        read_orders(path, assume_tz="Asia/Shanghai")
    assert str(info.value) == f"{path}: " + (
        "orders on several sheets: 1月, 2月; read one at a time with --sheet NAME "
        "(sheet= in Python), or put them on one sheet"
    )
    report = read_orders(path, assume_tz="Asia/Shanghai", sheet="2月")
    assert [o.id for o in report.orders] == ["F1"]


def test_events_on_several_sheets_are_refused_naming_them(tmp_path):
    # a second 流转记录 sheet was passed over: its events lost, the orders accepted without them
    import datetime as dt

    import pytest

    from grievance_rules.errors import ReadError

    path = tmp_path / "o.xlsx"
    book = _orders_book({"工单": (["A1"], False)})
    for name in ("流转记录", "流转记录2"):
        events = book.create_sheet(name)
        events.append(["工单编号", "环节", "时间", "操作单位"])
        events.append(["A1", "派单", dt.datetime(2025, 3, 3, 10), "12345"])
    book.save(path)
    with language("en"), pytest.raises(ReadError) as info:
        read_orders(path, assume_tz="Asia/Shanghai")
    assert str(info.value) == f"{path}: " + (
        "several sheets hold 流转记录 (events): 流转记录, 流转记录2; put them on one sheet"
    )
