"""Totals rows (合计, 小计 …) and notes (注：…, 制表人：…) in a sheet: not orders, said so once.

Platforms export a sheet of orders with a totals row at its end, and offices add notes
under it. Such a row is refused with one problem (``summary_row``) instead of the
field errors of an order with no channel, category or time; it is still a record
(counted, refused with its reason). A row with an order id is never taken for one.
"""

import datetime as dt
import io

from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from grievance_rules.cli import cli
from grievance_rules.i18n import language
from grievance_rules.reading import read_orders
from tests.reading.exports import WIDE_HEADER, wide_xlsx
from tests.reading.tables import write_xlsx

HEADER = ["序号", "工单编号", "受理渠道", "诉求类型", "受理时间", "纬度"]
ORDERS = [
    [1, "A1", "12345", "投诉", dt.datetime(2025, 3, 1, 9), 30.5],
    [2, "A2", "12345", "咨询", dt.datetime(2025, 3, 1, 10), 30.25],
]
CLOSING = [
    ["合计", None, None, None, None, 60.75],
    [None, "注：本表数据截至2025年3月31日，不含已撤销工单", None, None, None, None],
    ["制表人：张三", None, None, None, None, None],
    ["数据来源：12345政务服务便民热线平台", None, None, None, None, None],
]


def _read(path):
    return read_orders(path, assume_tz="Asia/Shanghai")


def test_a_totals_row_and_notes_under_the_orders_are_each_refused_once_as_no_order(tmp_path):
    path = write_xlsx(tmp_path / "o.xlsx", [HEADER, *ORDERS, *CLOSING])
    report = _read(path)
    assert (report.records, len(report.accepted), len(report.rejected)) == (6, 2, 4)
    assert [o.id for o in report.orders] == ["A1", "A2"]
    assert [r.location.row for r in report.rejected] == [4, 5, 6, 7]
    assert [r.order_id for r in report.rejected] == [None] * 4
    assert [[(p.field, p.code) for p in r.problems] for r in report.rejected] == [
        [("", "summary_row")]
    ] * 4
    assert report.problem_counts() == {"summary_row": 4}
    assert [r.problems[0].message for r in report.rejected] == [
        "a totals row ('合计'), not an order: its cells are not read",
        "a note ('注：本表数据截至2025年3月31日，不…'), not an order: its cells are not read",
        "a note ('制表人：张三'), not an order: its cells are not read",
        "a note ('数据来源：12345政务服务便民热线平台'), not an order: its cells are not read",
    ]
    assert str(report.rejected[0]) == (
        f"{path} row 4: a totals row ('合计'), not an order: its cells are not read [summary_row]"
    )
    with language("zh"):
        chinese = [str(r) for r in read_orders(path, assume_tz="Asia/Shanghai").rejected[:2]]
    assert chinese == [
        f"{path} 第 4 行：合计行（'合计'），不是工单，其单元格不予读取 [summary_row]",
        f"{path} 第 5 行：注释行（'注：本表数据截至2025年3月31日，不…'），不是工单，"
        "其单元格不予读取 [summary_row]",
    ]


def test_the_usual_spellings_of_a_totals_row_are_known(tmp_path):
    rows = [
        HEADER,
        *ORDERS,
        [None, "小计", None, None, None, 61],  # in the id column, an integer sum
        ["合　计", None, None, None, None, "60.75"],  # a full-width space, a sum as text
        ["总计：2件", None, None, None, None, None],
        ["共计", None, "—", None, None, "100%"],
        ["Total", None, None, None, None, 60.75],
        ["合计", None, None, None, None, "共4件"],  # a count as 共N件 (three 'field required')
    ]
    report = _read(write_xlsx(tmp_path / "o.xlsx", rows))
    assert [(r.location.row, [p.code for p in r.problems]) for r in report.rejected] == [
        (4, ["summary_row"]),
        (5, ["summary_row"]),
        (6, ["summary_row"]),
        (7, ["summary_row"]),
        (8, ["summary_row"]),
        (9, ["summary_row"]),
    ]
    assert report.rejected[1].problems[0].message.startswith("a totals row ('合　计')")


def test_a_note_merged_across_the_row_is_one_note(tmp_path):
    # the reader fills every cell of a merged range with its text: still a note, not an
    # order whose every cell says the same
    path = write_xlsx(tmp_path / "o.xlsx", [HEADER, *ORDERS, ["注：以上为3月工单"]])
    book = load_workbook(path)
    book.active.merge_cells("A4:F4")
    book.save(path)
    report = _read(path)
    (rejected,) = report.rejected
    assert [(p.code, p.message) for p in rejected.problems] == [
        ("summary_row", "a note ('注：以上为3月工单'), not an order: its cells are not read")
    ]


def test_a_row_with_an_order_id_or_an_order_s_cells_is_never_taken_for_a_totals_row(tmp_path):
    rows = [
        HEADER,
        *ORDERS,
        # 小计 in 序号, but an order id: an order (accepted)
        ["小计", "A3", "12345", "投诉", dt.datetime(2025, 3, 2, 9), None],
        # 合计 as the id, with a channel, a category and a time: read as an order, as before
        [None, "合计", "12345", "投诉", dt.datetime(2025, 3, 2, 9), None],
        # a note with something else in the row: read as an order (and refused as one)
        ["注：加急", None, "12345", None, None, None],
        # a text that only begins like a note (no colon): read as an order
        [None, "注意事项", None, None, None, None],
        # a count in the id column: it could be an order's id, so it is read as one
        ["合计", 2, None, None, None, 60.75],
    ]
    report = _read(write_xlsx(tmp_path / "o.xlsx", rows))
    assert [o.id for o in report.orders] == ["A1", "A2", "A3", "合计"]
    assert [r.location.row for r in report.rejected] == [6, 7, 8]
    assert all(p.code != "summary_row" for r in report.rejected for p in r.problems)
    assert [(p.field, p.code) for p in report.rejected[0].problems] == [
        ("id", "missing"),
        ("category", "missing"),
        ("received_at", "missing"),
    ]


def test_a_csv_export_s_totals_row_is_refused_the_same_way():
    text = (
        "工单编号,受理渠道,诉求类型,受理时间\n"
        "A1,12345,投诉,2025/3/1 9:00\n"
        "合计,,,\n"
        "注：数据截至3月31日,,,\n"
    )
    report = read_orders(io.StringIO(text), format="csv", assume_tz="Asia/Shanghai")
    assert [o.id for o in report.orders] == ["A1"]
    assert [(r.location.row, [p.code for p in r.problems]) for r in report.rejected] == [
        (3, ["summary_row"]),
        (4, ["summary_row"]),
    ]


def test_a_wide_sheet_s_totals_row_is_refused_once(tmp_path):
    # the sum of 重办次数 (1) is more than the row's redo milestones (0): as an order the
    # row said so, besides the missing fields
    totals = [""] * len(WIDE_HEADER)
    totals[WIDE_HEADER.index("工单编号")] = "合计"
    totals[WIDE_HEADER.index("重办次数")] = 1
    report = _read(wide_xlsx(tmp_path / "wide.xlsx", [totals]))
    assert len(report.orders) == 3
    (rejected,) = report.rejected
    assert [p.code for p in rejected.problems] == ["summary_row"]


def test_two_subtotal_rows_of_the_long_layout_are_no_repeated_order(tmp_path):
    # 小计 in the id column twice: two totals rows, not one order on two rows
    book = Workbook()
    orders = book.active
    orders.title = "工单"
    for row in [["工单编号", "受理渠道", "诉求类型", "受理时间"],
                ["A1", "12345", "投诉", "2025/1/6 9:00"], ["小计", None, None, None],
                ["A2", "12345", "投诉", "2025/1/6 9:10"], ["小计", None, None, None]]:  # fmt: skip
        orders.append(row)
    events = book.create_sheet("流转记录")
    for row in [["工单编号", "环节", "时间", "单位", "目标单位"],
                ["A1", "派单", "2025/1/6 9:30", "dzb", "c07"],
                ["A2", "派单", "2025/1/6 9:40", "dzb", "c07"]]:  # fmt: skip
        events.append(row)
    units = book.create_sheet("单位")
    for row in [["单位编号", "名称", "类型"], ["dzb", "党政办公室", "派件单位"],
                ["c07", "东风社区", "属地"]]:  # fmt: skip
        units.append(row)
    path = tmp_path / "long.xlsx"
    book.save(path)
    report = _read(path)
    assert [o.id for o in report.orders] == ["A1", "A2"]
    assert [(r.location.row, [p.code for p in r.problems]) for r in report.rejected] == [
        (3, ["summary_row"]),
        (5, ["summary_row"]),
    ]


def test_read_says_each_totals_row_once_and_the_counts_add_up(tmp_path):
    path = write_xlsx(tmp_path / "o.xlsx", [HEADER, *ORDERS, *CLOSING[:2]])
    result = CliRunner().invoke(cli, ["read", str(path), "--tz", "Asia/Shanghai"])
    assert result.exit_code == 1  # a record refused, as every refused record is counted
    assert result.output.splitlines() == [
        f"rejected {path} row 4: a totals row ('合计'), not an order: its cells are not read "
        "[summary_row]",
        f"rejected {path} row 5: a note ('注：本表数据截至2025年3月31日，不…'), not an order: "
        "its cells are not read [summary_row]",
        "ignored columns: 序号",
        f"{path}: 4 records, 2 accepted (0 warnings), 2 rejected",
    ]


def test_a_totals_row_and_a_note_under_the_events_sheet_are_refused_as_no_order(tmp_path):
    # 流转记录 ends with 合计 (a count under 时间's neighbour) and a note: they were read as
    # event rows of an order '合计' (and of no order) the orders sheet does not have
    # (orphan_events); now each is one record refused as what it is
    book = Workbook()
    orders = book.active
    orders.title = "工单"
    for row in [["工单编号", "受理渠道", "诉求类型", "受理时间"],
                ["A1", "12345", "投诉", "2025/1/6 9:00"]]:  # fmt: skip
        orders.append(row)
    events = book.create_sheet("流转记录")
    for row in [["工单编号", "环节", "时间", "单位", "目标单位", "序号"],
                ["A1", "派单", "2025/1/6 9:30", "dzb", "c07", 1],
                ["合计", None, None, None, None, 1],
                ["注：时间为北京时间", None, None, None, None, None]]:  # fmt: skip
        events.append(row)
    units = book.create_sheet("单位")
    for row in [["单位编号", "名称", "类型"], ["dzb", "党政办公室", "派件单位"],
                ["c07", "东风社区", "属地"]]:  # fmt: skip
        units.append(row)
    path = tmp_path / "long.xlsx"
    book.save(path)
    report = _read(path)
    assert [o.id for o in report.orders] == ["A1"]
    assert report.records == 3
    assert [
        (r.location.sheet, r.location.row, r.order_id, [p.code for p in r.problems])
        for r in report.rejected
    ] == [("流转记录", 3, None, ["summary_row"]), ("流转记录", 4, None, ["summary_row"])]
    assert [r.problems[0].message for r in report.rejected] == [
        "a totals row ('合计'), not an order: its cells are not read",
        "a note ('注：时间为北京时间'), not an order: its cells are not read",
    ]
