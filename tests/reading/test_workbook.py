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
