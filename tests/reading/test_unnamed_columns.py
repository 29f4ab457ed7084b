"""Data under a column with no header: not read (no header names its field), and said so.

A column whose header cell is empty, or which lies past the header's last cell, is
not read; when its cells hold data (an export that lost a header, notes typed beside
the table) the reader lists it, naming the sheet, the column's letter, the first row
with data and how many rows have data, as it lists columns whose header names no field.
"""

import datetime as dt
import io
import json

from click.testing import CliRunner
from openpyxl import load_workbook

from grievance_rules.cli import cli
from grievance_rules.i18n import language
from grievance_rules.reading import iter_orders, read_orders
from grievance_rules.reading.results import UnnamedColumn
from tests.reading.tables import write_xlsx

HEADER = ["工单编号", "受理渠道", "诉求类型", "受理时间", None, "备注"]
ROWS = [
    ["A1", "12345", "投诉", dt.datetime(2025, 3, 1, 9), "加急", None],
    ["A2", "12345", "咨询", dt.datetime(2025, 3, 1, 10), None, None],
    ["A3", "12345", "投诉", dt.datetime(2025, 3, 1, 11), "回访两次", None, "王五"],
]


def _workbook(tmp_path):
    return write_xlsx(tmp_path / "o.xlsx", [HEADER, *ROWS])


def test_data_under_an_empty_header_cell_or_past_the_header_is_listed(tmp_path):
    report = read_orders(_workbook(tmp_path), assume_tz="Asia/Shanghai")
    assert [o.id for o in report.orders] == ["A1", "A2", "A3"]  # the orders are read
    assert report.ignored_columns == ("备注",)
    assert report.unnamed_columns == (
        UnnamedColumn(sheet="工单", column="E", first_row=2, rows=2),
        UnnamedColumn(sheet="工单", column="G", first_row=4, rows=1),
    )
    assert report.to_dict()["unnamed_columns"] == [
        {"sheet": "工单", "column": "E", "first_row": 2, "rows": 2},
        {"sheet": "工单", "column": "G", "first_row": 4, "rows": 1},
    ]
    said = {}
    for lang in ("en", "zh"):
        with language(lang):
            said[lang] = [str(column) for column in report.unnamed_columns]
    assert said["en"] == [
        "column E of sheet '工单' has no header but holds data in 2 rows (the first is row 2):"
        " not read; give the column a header, or clear it",
        "column G of sheet '工单' has no header but holds data in 1 row (row 4): not read;"
        " give the column a header, or clear it",
    ]
    assert said["zh"] == [
        "工作表 '工单' 的 E 列没有表头，但有 2 行填有数据（第一行是第 2 行）：该列未读取；"
        "请为该列填写表头，或清空该列",
        "工作表 '工单' 的 G 列没有表头，但有 1 行填有数据（第一行是第 4 行）：该列未读取；"
        "请为该列填写表头，或清空该列",
    ]


def test_the_stream_knows_them_once_read(tmp_path):
    stream = iter_orders(_workbook(tmp_path), assume_tz="Asia/Shanghai")
    assert stream.unnamed_columns == ()
    assert len(list(stream)) == 3
    assert [(c.column, c.first_row, c.rows) for c in stream.unnamed_columns] == [
        ("E", 2, 2),
        ("G", 4, 1),
    ]


def test_an_empty_column_without_a_header_is_not_listed(tmp_path):
    # a column with no header and no data (styled cells, spaces, an empty text) is no loss
    path = write_xlsx(
        tmp_path / "o.xlsx",
        [["工单编号", "受理渠道", "诉求类型", "受理时间", None],
         ["A1", "12345", "投诉", dt.datetime(2025, 3, 1, 9), "  "],
         ["A2", "12345", "投诉", dt.datetime(2025, 3, 1, 9), ""]],
    )  # fmt: skip
    book = load_workbook(path)
    book.active["F3"].number_format = "yyyy/m/d"  # a cell with a style and no value
    book.save(path)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert len(report.orders) == 2
    assert report.unnamed_columns == ()


def test_cells_under_a_header_merged_across_are_left_to_the_merged_header_check(tmp_path):
    # 诉求内容 over E1:F1 names column E; F is no column without a header: a row merged the
    # same way is read, a different value under F refuses its row (merged_header)
    rows = [
        ["工单编号", "受理渠道", "诉求类型", "受理时间", "诉求内容", None],
        ["A1", "12345", "投诉", dt.datetime(2025, 3, 1, 9), "路灯不亮", None],
        ["A2", "12345", "投诉", dt.datetime(2025, 3, 1, 9), "噪音", "夜间"],
    ]
    path = write_xlsx(tmp_path / "o.xlsx", rows)
    book = load_workbook(path)
    book.active.merge_cells("E1:F1")
    book.active.merge_cells("E2:F2")
    book.save(path)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert [o.id for o in report.orders] == ["A1"]
    assert [p.code for p in report.rejected[0].problems] == ["merged_header"]
    assert report.unnamed_columns == ()


def test_a_csv_row_longer_than_its_header_is_listed_without_a_sheet():
    text = (
        "工单编号,受理渠道,诉求类型,受理时间\n"
        "A1,12345,投诉,2025/3/1 9:00,多出来的\n"
        "A2,12345,投诉,2025/3/1 9:00,\n"
    )
    report = read_orders(io.StringIO(text), format="csv", assume_tz="Asia/Shanghai")
    assert len(report.orders) == 2
    (column,) = report.unnamed_columns
    assert str(column) == (
        "column E has no header but holds data in 1 row (row 2): not read; give the column"
        " a header, or clear it"
    )


def test_the_events_sheet_s_unnamed_columns_are_listed_too(tmp_path):
    path = write_xlsx(
        tmp_path / "long.xlsx",
        [
            ["工单编号", "受理渠道", "诉求类型", "受理时间"],
            ["A1", "12345", "投诉", "2025/1/6 9:00"],
        ],
    )
    book = load_workbook(path)
    events = book.create_sheet("流转记录")
    for row in [["工单编号", "环节", "时间", "单位", "目标单位", None],
                ["A1", "派单", "2025/1/6 9:30", "dzb", "c07", "张三"]]:  # fmt: skip
        events.append(row)
    units = book.create_sheet("单位")
    for row in [["单位编号", "名称", "类型"], ["dzb", "党政办公室", "派件单位"],
                ["c07", "东风社区", "属地"], ["c08", "西湖社区", "属地", "备用"]]:  # fmt: skip
        units.append(row)
    book.save(path)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert [o.id for o in report.orders] == ["A1"]
    assert report.unnamed_columns == (
        UnnamedColumn(sheet="流转记录", column="F", first_row=2, rows=1),
        UnnamedColumn(sheet="单位", column="D", first_row=4, rows=1),
    )


def test_read_prints_them_and_lists_them_in_json(tmp_path):
    path = _workbook(tmp_path)
    result = CliRunner().invoke(cli, ["read", str(path), "--tz", "Asia/Shanghai"])
    assert result.exit_code == 0, result.output  # every order accepted
    assert result.output.splitlines() == [
        "ignored columns: 备注",
        "column E of sheet '工单' has no header but holds data in 2 rows (the first is row 2):"
        " not read; give the column a header, or clear it",
        "column G of sheet '工单' has no header but holds data in 1 row (row 4): not read;"
        " give the column a header, or clear it",
        f"{path}: 3 records, 3 accepted (0 warnings), 0 rejected",
    ]
    result = CliRunner().invoke(cli, ["read", str(path), "--tz", "Asia/Shanghai", "--json"])
    assert json.loads(result.output)["unnamed_columns"] == [
        {"sheet": "工单", "column": "E", "first_row": 2, "rows": 2},
        {"sheet": "工单", "column": "G", "first_row": 4, "rows": 1},
    ]


def test_evaluate_score_and_convert_say_them_on_stderr_once(tmp_path):
    # the commands that assess a file said nothing of the data they did not read: an
    # official scoring an export that lost a header lost those cells without a word;
    # nor of a column whose header names no field (only ``read`` listed those)
    path = str(_workbook(tmp_path))
    runs = {
        "evaluate": ["evaluate", "--pack", "chengdong", path, "--tz", "Asia/Shanghai"],
        "score": ["score", "--pack", "daye", path, "--tz", "Asia/Shanghai"],
        "convert": ["convert", path, str(tmp_path / "o.jsonl"), "--tz", "Asia/Shanghai"],
    }
    for name, args in runs.items():
        result = CliRunner().invoke(cli, ["--lang", "en", *args])
        assert result.exit_code == 0, (name, result.output)
        notes = [line for line in result.stderr.splitlines() if "has no header" in line]
        assert [n.split(":")[0] for n in notes] == [
            "column E of sheet '工单' has no header but holds data in 2 rows (the first is row 2)",
            "column G of sheet '工单' has no header but holds data in 1 row (row 4)",
        ], name
        assert "has no header" not in result.stdout, name  # the command's own output is clean
        # and the column whose header names no field (备注), as ``read`` names it
        assert "ignored columns: 备注" in result.stderr.splitlines(), name
        assert "ignored columns" not in result.stdout, name
    result = CliRunner().invoke(cli, ["--lang", "zh", *runs["score"]])
    assert "工作表 '工单' 的 E 列没有表头，但有 2 行填有数据（第一行是第 2 行）" in result.stderr
    assert "未使用的列：备注" in result.stderr.splitlines()


def test_a_header_excel_holds_as_a_date_is_named_as_its_date(tmp_path):
    # an official's export with a month's column headed 2025-05-01 (a date cell, which
    # openpyxl reads as a datetime at midnight) and one headed with a time of day
    header = ["工单编号", "受理渠道", "诉求类型", "受理时间",
              dt.datetime(2025, 5, 1), dt.datetime(2025, 5, 1, 9, 30)]  # fmt: skip
    rows = [["A1", "12345", "投诉", dt.datetime(2025, 3, 1, 9), 1, 2]]
    path = write_xlsx(tmp_path / "o.xlsx", [header, *rows])
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert [o.id for o in report.orders] == ["A1"]
    assert report.ignored_columns == ("2025-05-01", "2025-05-01 09:30")
    said = "未使用的列：2025-05-01、2025-05-01 09:30"
    read = CliRunner().invoke(cli, ["--lang", "zh", "read", str(path), "--tz", "Asia/Shanghai"])
    assert said in read.stdout  # (read's report)
    judged = CliRunner().invoke(
        cli, ["--lang", "zh", "evaluate", str(path), "--pack", "daye", "--tz", "Asia/Shanghai"]
    )
    assert judged.exit_code == 0, judged.output
    assert said in judged.stderr  # (beside the assessments)
