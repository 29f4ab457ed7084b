import csv
import json

from click.testing import CliRunner
from openpyxl import load_workbook

from grievance_rules.cli import cli
from tests.model.samples import minimal, record
from tests.reading.tables import write_xlsx


def _write(tmp_path, *records):
    path = tmp_path / "orders.jsonl"
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def test_all_accepted(tmp_path):
    path = _write(tmp_path, record(), minimal())
    out = tmp_path / "facts.jsonl"
    result = CliRunner().invoke(cli, ["read", str(path), "--accepted-out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("2 records, 2 accepted (0 warnings), 0 rejected")
    facts = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [f["id"] for f in facts] == ["CD2405060001", "M1"]


def test_rejections_exit_1_and_name_the_line(tmp_path):
    path = _write(
        tmp_path, minimal() | {"received_at": "2024-05-06 09:00"}, minimal() | {"id": "M2"}
    )
    result = CliRunner().invoke(cli, ["read", str(path)])
    assert result.exit_code == 1
    assert f"rejected {path}:1 (order M1): received_at: naive timestamp" in result.output
    ok = CliRunner().invoke(cli, ["read", str(path), "--assume-tz", "Asia/Shanghai"])
    assert ok.exit_code == 0, ok.output


def test_json_report_and_columns(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("编号,渠道,类别,登记时间,备注\nA1,app,咨询,2024-05-06T09:00:00+08:00,x\n")
    result = CliRunner().invoke(
        cli,
        ["read", str(path), "--json", "--column", "id=编号", "--column", "received_at=登记时间",
         "--column", "category=类别"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["records"] == report["accepted"] == 1
    assert report["ignored_columns"] == ["备注"]


def test_bad_column_option(tmp_path):
    path = _write(tmp_path, minimal())
    result = CliRunner().invoke(cli, ["read", str(path), "--column", "nonsense"])
    assert result.exit_code != 0
    assert "FIELD=HEADER" in str(result.exception) + result.output


def test_warnings_are_printed(tmp_path):
    path = _write(tmp_path, record() | {"dispatched_at": "2024-05-06T09:31:00+08:00"})
    result = CliRunner().invoke(cli, ["read", str(path)])
    assert result.exit_code == 0
    assert "[dispatched_at_mismatch]" in result.output
    strict = CliRunner().invoke(cli, ["read", str(path), "--strict"])
    assert strict.exit_code == 1


# Excel exports often wrap a header in its cell (Alt+Enter: 办结\n时间). The list of
# unused columns names each on one line, its line breaks as spaces (the reader matches
# headers ignoring white space, so 办结 时间 is what it compared), while --json keeps
# the headers as written.
WRAPPED = ["工单编号", "受理渠道", "诉求类型", "受理\n时间", "办结\r\n时间", "处理\n\n意见", "备注"]
WRAPPED_ROW = ["A1", "12345", "投诉", "2025-01-06T09:00:00+08:00", "2025-01-09T09:00:00+08:00",
               "已处理", "x"]  # fmt: skip


def _ignored_line(output):
    lines = [line for line in output.splitlines() if line.startswith("ignored columns: ")]
    assert len(lines) == 1, output
    return lines[0]


def test_wrapped_unused_headers_of_a_workbook_are_listed_on_one_line(tmp_path):
    path = write_xlsx(tmp_path / "o.xlsx", [WRAPPED, WRAPPED_ROW])
    result = CliRunner().invoke(cli, ["read", str(path)])
    assert result.exit_code == 0, result.output
    # 受理\n时间 is read as 受理时间 (not listed); the three others are unused
    assert _ignored_line(result.output) == "ignored columns: 办结 时间, 处理 意见, 备注"
    report = json.loads(CliRunner().invoke(cli, ["read", str(path), "--json"]).output)
    # (the workbook's XML holds the \r\n typed in 办结\r\n时间 as \n)
    assert report["ignored_columns"] == ["办结\n时间", "处理\n\n意见", "备注"]


def test_wrapped_unused_headers_of_a_csv_file_are_listed_on_one_line(tmp_path):
    path = tmp_path / "o.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([WRAPPED, WRAPPED_ROW])
    result = CliRunner().invoke(cli, ["read", str(path)])
    assert result.exit_code == 0, result.output
    assert _ignored_line(result.output) == "ignored columns: 办结 时间, 处理 意见, 备注"
    report = json.loads(CliRunner().invoke(cli, ["read", str(path), "--json"]).output)
    assert report["ignored_columns"] == ["办结\r\n时间", "处理\n\n意见", "备注"]


def test_wrapped_unused_headers_of_the_long_and_wide_layouts_are_listed_on_one_line(tmp_path):
    long = write_xlsx(tmp_path / "long.xlsx", [
        ["工单编号", "受理渠道", "诉求类型", "受理时间", "办结\n时间"],
        ["A1", "12345", "投诉", "2025/1/6 9:00", None],
    ])  # fmt: skip
    book = load_workbook(long)
    events = book.create_sheet("流转记录")
    for row in [["工单编号", "环节", "时间", "单位", "目标单位", "处理\n人"],
                ["A1", "派单", "2025/1/6 9:30", "dzb", "c07", "张三"]]:  # fmt: skip
        events.append(row)
    units = book.create_sheet("单位")
    for row in [["单位编号", "名称", "类型"], ["dzb", "党政办公室", "派件单位"],
                ["c07", "东风社区", "属地"]]:  # fmt: skip
        units.append(row)
    book.save(long)
    result = CliRunner().invoke(cli, ["read", str(long), "--tz", "Asia/Shanghai"])
    assert result.exit_code == 0, result.output
    assert _ignored_line(result.output) == "ignored columns: 办结 时间, 流转记录: 处理 人"

    wide = write_xlsx(tmp_path / "wide.xlsx", [
        ["工单编号", "受理渠道", "诉求类型", "受理时间", "派单\n时间", "回复\n时间", "处理\n意见"],
        ["A1", "12345", "投诉", "2025/1/6 9:00", "2025/1/6 9:30", "2025/1/7 9:30", "已处理"],
    ])  # fmt: skip
    result = CliRunner().invoke(cli, ["read", str(wide), "--tz", "Asia/Shanghai"])
    # (the order is refused: no unit handles it; the columns are listed all the same)
    assert _ignored_line(result.output) == "ignored columns: 处理 意见"
