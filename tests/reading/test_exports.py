"""Real-looking exports read to the same orders as the JSON: GB18030 CSV, a messy workbook, wide."""

import datetime as dt
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
    with pytest.raises(ReadError) as caught:
        read_orders(path, assume_tz="Asia/Shanghai", encoding="utf-8")
    assert str(caught.value) == (
        f"{path}: the header (row 1) is not valid text in utf-8; read it with --encoding auto "
        "to have its encoding detected, or name it (--encoding gb18030 for what Chinese "
        "Excel saves)"
    )


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
    assert str(unit.problems[0]).startswith("承办单位: unit '南湖村': its kind (类型) is known")


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


# -- what platform exports do that a smoke run found read wrong ---------------------------


def _messy_book(tmp_path, name: str = "导出.xlsx"):  # type: ignore[no-untyped-def]
    """The messy workbook, opened again with openpyxl to be changed."""
    from openpyxl import load_workbook

    path = messy_long_xlsx(tmp_path / name)
    return path, load_workbook(path)


def test_a_row_of_formulas_never_calculated_is_reported_not_skipped(tmp_path):
    # the orders sheet: a row whose every needed cell is a formula with no saved value
    # reads as empty to openpyxl; it was skipped as a blank row, so an order vanished
    path, book = _messy_book(tmp_path)
    sheet = book["工单"]
    for column in range(2, sheet.max_column + 1):  # (column A is the 序号 formula)
        sheet.cell(
            row=5, column=column
        ).value = f'=IF(1,{sheet.cell(row=5, column=column).coordinate},"")'
    book.save(path)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert report.records == len(report.orders) + len(report.rejected)
    assert [o.id for o in report.orders] == ["2501060001", "2501060002"]
    formula = [r for r in report.rejected if r.location.row == 5]
    assert formula, [str(r) for r in report.rejected]
    assert {p.code for p in formula[0].problems} == {"formula"}
    assert (
        "cell B5 (工单编号) holds a formula with no saved value" in formula[0].problems[0].message
    )


def test_an_event_row_whose_order_cell_is_an_uncalculated_formula_is_named(tmp_path):
    path, book = _messy_book(tmp_path)
    events = book["流转记录"]
    events.cell(row=2, column=1).value = '=IF(1,"2501060001","")'
    book.save(path)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    orphan = [r for r in report.rejected if "orphan_events" in {p.code for p in r.problems}]
    assert len(orphan) == 1
    codes = [p.code for p in orphan[0].problems]
    assert codes == ["orphan_events", "formula"]
    assert "cell A2 (流转记录: 工单编号) holds a formula" in orphan[0].problems[1].message


def test_a_date_cell_showing_no_time_is_refused_not_read_as_midnight(tmp_path):
    # 受理时间 2025/1/6 as a date cell formatted yyyy/m/d: the time of day was never
    # written; a cell formatted with a time at 00:00 is midnight, as written
    path, book = _messy_book(tmp_path)
    sheet = book["工单"]
    header = [c.value for c in sheet[2]]
    column = header.index("受理时间") + 1
    date_only = sheet.cell(row=4, column=column)
    date_only.value = dt.datetime(2025, 1, 6)
    date_only.number_format = "yyyy/m/d"
    zh_date = sheet.cell(row=5, column=column)  # Excel zh-CN's built-in 31: yyyy"年"m"月"d"日"
    zh_date.value = dt.datetime(2025, 1, 6)
    zh_date.number_format = 'yyyy"年"m"月"d"日"'
    book.save(path)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    refused = {r.location.row: r.problems for r in report.rejected}
    assert sorted(refused) == [4, 5]
    for problems in refused.values():
        (problem,) = problems
        assert problem.field == "received_at"
        assert "2025-01-06 is a date without a time of day" in problem.message
    # the same cells with a time in their format: midnight, as written
    for cell in (date_only, zh_date):
        cell.number_format = "yyyy/m/d h:mm"
    book.save(path)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert report.rejected == (), [str(r) for r in report.rejected]
    midnight = dt.datetime(2025, 1, 6, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert [o.received_at for o in report.orders][1:] == [midnight, midnight]


def test_a_bad_leaders_cell_rejects_the_order_naming_the_units_row(tmp_path):
    # the units sheet is a registry here: every order whose events name dzb lists it
    path, book = _messy_book(tmp_path)
    units = book["单位"]
    units.cell(row=1, column=4).value = "领导"
    units.cell(row=2, column=4).value = '{"主要领导": 张三'  # dzb's, broken JSON
    book.save(path)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    naming_dzb = [o["id"] for o in ORDERS_JSON if "dzb" in json.dumps(o.get("events", []))]
    assert naming_dzb  # (the test means something)
    assert [r.order_id for r in report.rejected] == naming_dzb
    assert len(report.orders) + len(report.rejected) == 3
    for rejected in report.rejected:
        (problem,) = rejected.problems
        assert (problem.field, problem.code) == ("units.leaders", "invalid_cell")
        assert problem.message.startswith(
            "单位 row 2, column '领导': 领导 '{\"主要领导\": 张三' is not a JSON object"
        )


def test_the_orders_sheet_is_the_one_naming_most_order_columns(tmp_path):
    # a hidden list of allowed values (字典) placed first names three order columns
    path, book = _messy_book(tmp_path)
    values = book.create_sheet("字典", 0)
    values.append(["受理渠道", "诉求类型", "紧急程度"])
    values.append(["12345热线", "投诉", "一般"])
    values.sheet_state = "hidden"
    book.save(path)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert report.rejected == (), [str(r) for r in report.rejected]
    assert report.orders == EXPECTED
    assert report.accepted[0].location.sheet == "工单"


def test_an_id_longer_than_a_spreadsheet_keeps_is_refused_not_merged(tmp_path):
    # two 18-digit 工单编号 typed as numbers: Excel keeps 15 digits, so both read as
    # 250106000100000000 (one order); each is refused, and their events left orphans
    path, book = _messy_book(tmp_path)
    sheet = book["工单"]
    sheet["B3"] = 250106000100000001
    sheet["B4"] = 250106000100000002
    book.save(path)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert report.records == len(report.orders) + len(report.rejected)
    refused = {r.location.row: r.problems for r in report.rejected if r.location.sheet == "工单"}
    assert sorted(refused) == [3, 4]
    for problems in refused.values():
        assert problems[0].field == "id"
        assert "is a number of more than 15 digits" in problems[0].message
    assert [o.id for o in report.orders] == ["2501070003"]


def test_a_file_read_without_a_zone_says_so_once_per_record(tmp_path):
    # every timestamp of the messy workbook is naive: one problem a record, naming the
    # record's other naive timestamps, rather than one per timestamp
    report = read_orders(messy_long_xlsx(tmp_path / "导出.xlsx"))
    assert report.orders == ()
    first = report.rejected[0]
    (problem,) = first.problems
    assert (problem.field, problem.code) == ("received_at", "timezone_aware")
    expected = EXPECTED[0]
    more = 1 + len(expected.events)  # dispatched_at ... and each event's 'at'
    assert f"so have {more} more of this record's timestamps (" in problem.message, problem.message
    assert problem.message.startswith(
        "naive timestamp '2025-01-06T09:00:00' has no UTC offset; add one (e.g. +08:00) or read "
        "it with assume_tz naming the zone it is in (no timezone is guessed)"  # (the CLI: --tz)
    ), problem.message
