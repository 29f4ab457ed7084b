import json

from click.testing import CliRunner

from grievance_rules.cli import cli
from tests.model.samples import minimal, record


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
    path = _write(tmp_path, minimal() | {"received_at": "2024-05-06 09:00"}, minimal())
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
