"""Real-looking exports read to the same orders as the JSON: GB18030 CSV, a messy workbook, wide."""

import io
import json

import pytest
from openpyxl import Workbook

from grievance_rules.errors import ReadError
from grievance_rules.model import WorkOrder
from grievance_rules.reading import read_orders
from tests.reading.exports import (
    ORDERS_JSON,
    WIDE_HEADER,
    gb18030_long_csv,
    messy_long_xlsx,
    wide_xlsx,
)

EXPECTED = tuple(WorkOrder.model_validate(record) for record in ORDERS_JSON)


def test_the_json_itself_reads():
    data = json.dumps(ORDERS_JSON, ensure_ascii=False).encode()
    assert read_orders(io.BytesIO(data), format="json").orders == EXPECTED


def test_gb18030_csv_with_a_title_row(tmp_path):
    path = gb18030_long_csv(tmp_path)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert report.rejected == (), [str(r) for r in report.rejected]
    assert report.orders == EXPECTED
    assert [r.location.row for r in report.accepted] == [3, 4, 5]  # title 1, header 2


def test_gb18030_csv_read_as_utf8_on_request_is_refused_at_the_header(tmp_path):
    path = gb18030_long_csv(tmp_path)
    with pytest.raises(ReadError, match=r"header \(row 1\) is not valid text in utf-8"):
        read_orders(path, assume_tz="Asia/Shanghai", encoding="utf-8")


def test_messy_workbook_second_sheet_merged_cells_formula_and_excel_dates(tmp_path):
    path = messy_long_xlsx(tmp_path / "导出.xlsx")
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert report.rejected == (), [str(r) for r in report.rejected]
    assert report.orders == EXPECTED
    assert report.accepted[0].location.sheet == "工单"
    assert report.ignored_columns == ("序号",)  # the formula column, not needed


def test_a_needed_formula_cell_without_a_saved_value_is_reported_by_cell(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["工单编号", "受理渠道", "诉求类型", "受理时间"])
    sheet.append(["A1", "12345", '=IF(1,"投诉","")', "2025/1/6 9:00"])
    sheet.append(["A2", "12345", "投诉", "2025/1/6 9:00"])
    path = tmp_path / "f.xlsx"
    book.save(path)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert [o.id for o in report.orders] == ["A2"]
    (problem,) = report.rejected[0].problems
    assert (problem.field, problem.code) == ("category", "formula")
    assert "cell C2 (诉求类型)" in problem.message


def test_an_empty_chosen_sheet_says_where_the_data_is(tmp_path):
    path = messy_long_xlsx(tmp_path / "导出.xlsx")
    with pytest.raises(ReadError, match="sheet 'Sheet1' has no orders; sheet '工单' has data"):
        read_orders(path, sheet="Sheet1")


def test_wide_export_reads_to_the_same_orders(tmp_path):
    report = read_orders(wide_xlsx(tmp_path / "wide.xlsx"), assume_tz="Asia/Shanghai")
    assert report.rejected == (), [str(r) for r in report.rejected]
    assert report.orders == EXPECTED
    assert report.ignored_columns == ()


def _wide_row(**cells):
    row = [""] * len(WIDE_HEADER)
    for header, value in cells.items():
        row[WIDE_HEADER.index(header)] = value
    return row


def test_what_a_wide_sheet_cannot_say_rejects_the_row(tmp_path):
    third_redo = _wide_row(
        工单编号="2501080004", 来电时间="2025-01-08 09:00:00", 受理渠道="12345", 诉求类型="投诉",
        派单单位="党政办公室", 承办单位="东风社区", 派单时间="2025-01-08 09:10:00",
        回复时间="2025-01-09 09:00:00", 回访单位="党政办公室", 回访时间="2025-01-09 10:00:00",
        重办时间="2025-01-09 11:00:00", 重办级别="街道重办", 二次回复时间="2025-01-10 09:00:00",
        二次回访时间="2025-01-10 10:00:00", 重办次数=3,
    )  # fmt: skip
    unknown_unit = _wide_row(
        工单编号="2501080005", 来电时间="2025-01-08 09:00:00", 受理渠道="12345", 诉求类型="投诉",
        承办单位="南湖村", 派单时间="2025-01-08 09:10:00",
    )  # fmt: skip
    path = wide_xlsx(tmp_path / "wide.xlsx", [third_redo, unknown_unit])
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert report.orders == EXPECTED
    redo, unit = report.rejected
    assert [p.code for p in redo.problems] == ["wide_incomplete"]
    assert "重办次数 is 3 but the sheet has columns for 1 重办" in redo.problems[0].message
    assert [p.code for p in unit.problems] == ["unit_kind"]
    assert "承办单位 '南湖村'" in unit.problems[0].message


def test_an_office_mapping_file_names_its_own_columns_and_units(tmp_path):
    mapping = tmp_path / "office.toml"
    mapping.write_text(
        """
[roles.handling]
headers = ["办理部门"]
[[milestone]]
type = "dispatched"
at = ["下派时间"]
to_unit = "handling"
[[milestone]]
type = "replied"
at = ["办复时间"]
unit = "handling"
[[unit]]
id = "c11"
name = "南湖村"
kind = "属地"
""",
        encoding="utf-8",
    )
    text = "工单编号,受理渠道,诉求类型,受理时间,办理部门,下派时间,办复时间\n" \
        "B1,12345,投诉,2025/1/8 9:00,南湖村,2025/1/8 9:10,2025/1/9 16:00\n"  # fmt: skip
    report = read_orders(io.StringIO(text), format="csv", assume_tz="Asia/Shanghai",
                         mapping=mapping)  # fmt: skip
    (order,) = report.orders
    assert [u.id for u in order.units] == ["c11"]
    assert [(e.type, e.at.isoformat()) for e in order.events] == [
        ("dispatched", "2025-01-08T09:10:00+08:00"),
        ("replied", "2025-01-09T16:00:00+08:00"),
    ]
