import datetime as dt

import pytest

from grievance_rules.errors import ReadError
from grievance_rules.model import WorkOrder
from grievance_rules.reading import read_orders
from tests.model.samples import record
from tests.reading.tables import FIELDS, row_of, write_xlsx


def test_round_trip(tmp_path):
    order = WorkOrder.model_validate(record())
    row = row_of(order)
    path = write_xlsx(tmp_path / "orders.xlsx", [FIELDS, [row[f] for f in FIELDS]])
    report = read_orders(path)
    assert report.orders == (order,)
    assert str(report.accepted[0].location) == f"{path} row 2"


def test_office_spreadsheet_with_naive_datetimes_and_numeric_ids(tmp_path):
    rows = [
        ["工单编号", "受理渠道", "诉求类型", "受理时间", "工单规定回复时限", "备注"],
        [2405060001, "省级热线", "投诉", dt.datetime(2024, 5, 6, 9, 12),
         dt.datetime(2024, 5, 8, 17, 30), "x"],
        [None, None, None, None, None, None],
        [2405060002.0, "微信", "咨询", dt.datetime(2024, 5, 6, 10, 0), None, None],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "工单.xlsx", rows)
    refused = read_orders(path)
    assert refused.records == 2
    assert {p.code for r in refused.rejected for p in r.problems} == {"timezone_aware"}
    assert refused.rejected[0].location.row == 2
    assert refused.rejected[1].location.row == 4
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert [o.id for o in report.orders] == ["2405060001", "2405060002"]
    assert report.orders[0].received_at.isoformat() == "2024-05-06T09:12:00+08:00"
    assert report.ignored_columns == ("备注",)
    assert report.accepted[0].location.sheet is None


def test_excel_serial_days_are_dates_but_other_numbers_are_not_guessed(tmp_path):
    # 45418 days after 1899-12-30 is 2024-05-06 (2024-01-01 is 45292, plus 31+29+31+30+5);
    # .5 is noon. 1714957200 (seconds since 1970?) is beyond the serials of 1900-2199.
    rows = [
        ["工单编号", "受理渠道", "诉求类型", "受理时间"],
        ["A1", "app", "咨询", 45418.5],
        ["A2", "app", "咨询", 1714957200],
    ]
    report = read_orders(write_xlsx(tmp_path / "o.xlsx", rows), assume_tz="Asia/Shanghai")
    assert [o.received_at.isoformat() for o in report.orders] == ["2024-05-06T12:00:00+08:00"]
    (problem,) = report.rejected[0].problems
    assert problem.field == "received_at"
    assert "column '受理时间'" in problem.message
    assert "not read as instants" in problem.message
    assert "2025/1/1 8:00" in problem.message  # an example of what works


def test_sheet_selection(tmp_path):
    path = write_xlsx(tmp_path / "o.xlsx", [["id"]], title="说明")
    with pytest.raises(ReadError, match="no sheet"):
        list(read_orders(path, sheet="工单").accepted)
    report = read_orders(path, sheet="说明")
    assert report.records == 0


def test_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(ReadError, match="not a readable xlsx"):
        read_orders(path)


def test_a_cell_under_a_header_wrapped_in_its_cell_names_it_on_one_line(tmp_path):
    # 受理\n时间 and 规定回复\n时限 are read as 受理时间 and 规定回复时限; their cells'
    # problems name them as the list of unused columns does, a line break as a space
    rows = [
        ["工单编号", "受理渠道", "诉求类型", "受理\n时间", "规定回复\n时限"],
        ["A1", "12345", "投诉", "明天", "=NOW()+3"],
    ]
    report = read_orders(write_xlsx(tmp_path / "o.xlsx", rows), assume_tz="Asia/Shanghai")
    (rejected,) = report.rejected
    assert [str(p).split(";")[0] for p in rejected.problems] == [
        "received_at: column '受理 时间': '明天' is not a date and time",
        "reply_deadline: cell E2 (规定回复 时限) holds a formula with no saved value",
    ]


def test_a_cell_the_model_refuses_names_its_column_as_the_sheet_heads_it(tmp_path):
    # 来源渠道, 缓急程度 and 纬度（WGS84） are this office's headers of channel, urgency
    # and location.latitude: the message names them, not the default 受理渠道 …
    from grievance_rules.i18n import language

    rows = [
        ["工单号", "来源渠道", "诉求类别", "来电时间", "缓急程度", "纬度（WGS84）"],
        ["A1", "短信", "投诉", dt.datetime(2024, 5, 6, 9, 12), "很急", "abc"],
        ["A2", "12345", None, dt.datetime(2024, 5, 6, 9, 12), None, None],
    ]
    path = write_xlsx(tmp_path / "o.xlsx", rows)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    first, second = report.rejected
    assert [(p.field, p.message.split(": ")[0]) for p in first.problems] == [
        ("channel", "column '来源渠道'"),
        ("urgency", "column '缓急程度'"),
        ("location.latitude", "column '纬度（WGS84）'"),
    ]
    assert [(p.field, p.message) for p in second.problems] == [
        ("category", "column '诉求类别': field required")
    ]
    with language("zh"):
        report = read_orders(path, assume_tz="Asia/Shanghai")
        assert str(report.rejected[1]) == (
            f"{path} 第 3 行（工单 A2）：诉求类型（category）：列 '诉求类别'：必填项缺失 [missing]"
        )
