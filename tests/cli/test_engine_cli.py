import json
from importlib import resources

from click.testing import CliRunner

from grievance_rules.cli import cli

SAMPLE = str(resources.files("grievance_rules") / "samples" / "orders.jsonl")


def test_evaluate_prints_one_assessment_per_line_and_counts() -> None:
    result = CliRunner().invoke(
        cli, ["evaluate", "--pack", "chengdong", "--as-of", "2026-04-30T18:00+08:00", SAMPLE]
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assessments = [json.loads(line) for line in lines]
    assert [a["order_id"] for a in assessments] == [f"S-000{i}" for i in range(1, 6)]
    assert "5 records: 5 assessed, 0 rejected" in result.stderr


def test_evaluate_table_and_rejections(tmp_path) -> None:
    path = tmp_path / "orders.jsonl"
    with open(SAMPLE, encoding="utf-8") as sample:
        good = sample.readline()
    path.write_text(good + '{"id": "broken"}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", "--pack", "daye", "--output", "table", str(path)])
    assert result.exit_code == 0, result.output
    assert "order S-0001 under daye@2023-05-19" in result.stdout
    assert "2 records: 1 assessed, 1 rejected" in result.stderr
    assert '"order_id": "broken"' in result.stderr


def test_packs_list_show_validate() -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["packs", "list"]).output
    for name in ("chengdong", "xiayang", "daye"):
        assert name in listed
    shown = runner.invoke(cli, ["packs", "show", "chengdong"]).output
    assert "CD-A2.7.redo-district" in shown
    assert "首次重办扣1分" in shown
    valid = runner.invoke(cli, ["packs", "validate", "--strict", "xiayang"])
    assert valid.exit_code == 0
    assert "valid" in valid.output
