"""Every command that reads orders takes the same reading options."""

import pytest
from click.testing import CliRunner

from grievance_rules.cli import cli
from tests.reading.exports import gb18030_long_csv, messy_long_xlsx


@pytest.fixture
def gbk_csv(tmp_path):
    return str(gb18030_long_csv(tmp_path))


@pytest.mark.parametrize(
    "command",
    [
        ["read"],
        ["evaluate", "--pack", "chengdong"],
        ["score", "--pack", "chengdong"],
        ["compare", "--packs", "chengdong,daye"],
        ["what-if", "--pack", "chengdong", "--set", "points_overdue=-2"],
        ["watch", "--pack", "chengdong", "--as-of", "2025-01-15T00:00:00+08:00"],
        ["timeline", "--pack", "chengdong", "--order", "2501060002"],
    ],
)
def test_gb18030_csv_with_tz_and_encoding_on_every_command(command, gbk_csv):
    runner = CliRunner()
    result = runner.invoke(cli, [*command, gbk_csv, "--tz", "Asia/Shanghai",
                                 "--encoding", "gb18030"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "rejected" not in result.output or "0 rejected" in result.output


def test_without_a_zone_the_naive_times_are_refused(gbk_csv):
    result = CliRunner().invoke(cli, ["read", gbk_csv])
    assert result.exit_code == 1
    assert "3 records, 0 accepted" in result.output
    assert "title rows above the header, skipped: 1" in result.output
    # the command line names its own option (a Python caller is told of assume_tz)
    assert "or read it with --tz naming the zone it is in" in result.output
    assert "assume_tz" not in result.output


def test_assume_tz_still_works_but_is_hidden_and_deprecated(gbk_csv):
    result = CliRunner().invoke(cli, ["read", gbk_csv, "--assume-tz", "Asia/Shanghai"])
    assert result.exit_code == 0, result.output
    assert "--assume-tz is deprecated; use --tz" in result.output
    assert "--assume-tz" not in CliRunner().invoke(cli, ["read", "--help"]).output


def test_an_empty_sheet_points_to_the_one_with_data(tmp_path):
    path = messy_long_xlsx(tmp_path / "导出.xlsx")
    result = CliRunner().invoke(cli, ["read", str(path), "--sheet", "Sheet1"])
    assert "sheet 'Sheet1' has no orders; sheet '工单' has data" in str(result.exception)


def test_sample_writes_a_workbook_that_reads_back(tmp_path):
    path = tmp_path / "orders.xlsx"
    runner = CliRunner()
    written = runner.invoke(cli, ["sample", "--orders", "12", "--seed", "7", "--format", "xlsx",
                                  "-o", str(path)])  # fmt: skip
    assert written.exit_code == 0, written.output
    result = runner.invoke(cli, ["read", str(path), "--tz", "Asia/Shanghai"])
    assert result.exit_code == 0, result.output
    assert "12 records, 12 accepted" in result.output
    assert runner.invoke(cli, ["sample", "--orders", "1", "--seed", "1",
                               "--format", "csv"]).exit_code == 2  # fmt: skip


@pytest.mark.parametrize(
    ("name", "extra", "starts_with"),
    [
        ("orders.xlsx", [], b"PK"),  # a zip: the workbook
        ("orders.csv", [], "\ufeff工单编号".encode()),  # the long layout's header, BOM for Excel
        ("orders.jsonl", [], b'{"id":'),
        ("orders.xlsx", ["--format", "jsonl"], b'{"id":'),  # what was asked, whatever the name
    ],
)
def test_sample_writes_the_format_its_output_is_named_for(tmp_path, name, extra, starts_with):
    path = tmp_path / name
    runner = CliRunner()
    written = runner.invoke(cli, ["sample", "--orders", "4", "--seed", "3", "-o", str(path),
                                  *extra])  # fmt: skip
    assert written.exit_code == 0, written.output
    assert path.read_bytes().startswith(starts_with)
    if not extra:  # read back, by its name
        result = runner.invoke(cli, ["read", str(path), "--tz", "Asia/Shanghai"])
        assert "4 records, 4 accepted" in result.output, result.output
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_score_takes_o(tmp_path, gbk_csv):
    out = tmp_path / "card.md"
    result = CliRunner().invoke(cli, ["score", "--pack", "chengdong", gbk_csv, "--tz",
                                      "Asia/Shanghai", "-o", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("#")


def test_read_converts_a_wide_sheet_to_the_long_layout(tmp_path):
    from grievance_rules.reading import read_orders
    from tests.reading.exports import wide_xlsx

    wide = wide_xlsx(tmp_path / "wide.xlsx")
    long = tmp_path / "long.xlsx"
    result = CliRunner().invoke(cli, ["read", str(wide), "--tz", "Asia/Shanghai",
                                      "--accepted-out", str(long)])  # fmt: skip
    assert result.exit_code == 0, result.output
    expected = read_orders(wide, assume_tz="Asia/Shanghai").orders
    assert read_orders(long, assume_tz="Asia/Shanghai").orders == expected
    assert len(expected) == 3


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "a Parquet dataset (a folder holding orders.parquet or orders/, or a .parquet "
               "file) is known by its name: drop --format"),
        ("zh", "Parquet 数据集（含 orders.parquet 或 orders/ 的文件夹，或一个 .parquet 文件）"
               "按其名称识别：请去掉 --format"),
    ],
)  # fmt: skip
def test_format_parquet_says_a_dataset_is_known_by_its_name(tmp_path, lang, expected):
    folder = tmp_path / "ds"
    made = CliRunner().invoke(cli, ["sample", "--orders", "5", "--seed", "1",
                                    "--format", "parquet", "-o", str(folder)])  # fmt: skip
    assert made.exit_code == 0, made.output
    refused = CliRunner().invoke(
        cli, ["--lang", lang, "evaluate", str(folder), "--pack", "daye", "--format", "parquet"]
    )
    assert refused.exit_code == 2
    assert expected in " ".join(refused.output.split()).replace("； ", "；")
    read = CliRunner().invoke(cli, ["evaluate", str(folder), "--pack", "daye"])
    assert read.exit_code == 0, read.output
    assert read.output.count('"order_id"') == 5
