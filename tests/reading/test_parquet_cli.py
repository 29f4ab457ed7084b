"""The command line and Parquet: sample, convert, score over a dataset, scorecards as Parquet."""

import json

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from grievance_rules.cli import cli
from grievance_rules.model import WorkOrder
from grievance_rules.samples import generate_orders


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _orders(path):
    return [WorkOrder.model_validate_json(line) for line in path.read_text("utf-8").splitlines()]


def test_sample_as_parquet_partitions_holds_the_sample_orders(tmp_path):
    result = _run(
        "sample",
        "--orders",
        25,
        "--seed",
        8,
        "--format",
        "parquet",
        "--partition-size",
        10,
        "-o",
        tmp_path / "ds",
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "ds" / "orders").iterdir()) == [
        "part-00000.parquet",
        "part-00001.parquet",
        "part-00002.parquet",
    ]
    back = _run("convert", tmp_path / "ds", tmp_path / "back.jsonl")
    assert back.exit_code == 0, back.output
    assert _orders(tmp_path / "back.jsonl") == list(generate_orders(25, seed=8))


def test_convert_jsonl_to_parquet_and_back(tmp_path):
    source = tmp_path / "in.jsonl"
    assert _run("sample", "--orders", 40, "--seed", 2, "-o", source).exit_code == 0
    first = _run("convert", source, tmp_path / "ds")
    assert first.exit_code == 0, first.output
    assert "40 records: 40 orders written" in first.output
    assert _run("convert", tmp_path / "ds", tmp_path / "one.jsonl").exit_code == 0
    assert _orders(tmp_path / "one.jsonl") == _orders(source)
    # the second round trip gives the same bytes
    assert (
        _run("convert", tmp_path / "one.jsonl", tmp_path / "ds2", "--partition-size", 6).exit_code
        == 0
    )
    assert _run("convert", tmp_path / "ds2", tmp_path / "two.jsonl").exit_code == 0
    assert (tmp_path / "two.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()


def test_convert_reports_each_rejected_record_and_exits_1(tmp_path):
    source = tmp_path / "in.jsonl"
    lines = [o.model_dump_json() for o in generate_orders(3, seed=1)]
    broken = json.loads(lines[1])
    broken["category"] = "抱怨"
    lines[1] = json.dumps(broken, ensure_ascii=False)
    source.write_text("\n".join(lines) + "\n", "utf-8")
    result = _run("convert", source, tmp_path / "ds")
    assert result.exit_code == 1
    assert f"in.jsonl:2 (order {broken['id']}): category:" in result.output
    assert "3 records: 2 orders written" in result.output
    assert "1 rejected" in result.output


@pytest.mark.parametrize("target", ["ds", "out.jsonl", "out.xlsx"])
def test_convert_rejects_a_second_record_of_an_id_as_the_other_commands_do(tmp_path, target):
    # a file with its first order exported a second time at the end: the copy is
    # rejected (named, with where the first is), so the output scores like its source
    source = tmp_path / "in.jsonl"
    lines = [o.model_dump_json() for o in generate_orders(4, seed=3)]
    source.write_text("\n".join([*lines, lines[0]]) + "\n", "utf-8")
    first = json.loads(lines[0])["id"]
    result = _run("convert", source, tmp_path / target)
    assert result.exit_code == 1
    assert (
        f"{source}:5 (order {first}): id: duplicate order id '{first}' (first at {source}:1)"
        in result.output
    )
    assert "5 records: 4 orders written" in result.output
    scored = _run("score", tmp_path / target, "--pack", "daye", "--output-format", "json")
    assert json.loads(scored.stdout)["inputs"] == 4


def test_score_reads_a_dataset_and_writes_parquet(tmp_path):
    source = tmp_path / "in.jsonl"
    assert _run("sample", "--orders", 60, "--seed", 4, "-o", source).exit_code == 0
    assert _run("convert", source, tmp_path / "ds", "--partition-size", 25).exit_code == 0
    from_jsonl = _run("score", source, "--pack", "daye", "--output-format", "json")
    from_parquet = _run("score", tmp_path / "ds", "--pack", "daye", "--output-format", "json")
    assert from_parquet.exit_code == 0, from_parquet.output
    assert from_parquet.stdout == from_jsonl.stdout
    card = json.loads(from_jsonl.stdout)
    out = tmp_path / "card.parquet"
    written = _run(
        "score", tmp_path / "ds", "--pack", "daye", "--output-format", "parquet", "-o", out
    )
    assert written.exit_code == 0, written.output
    table = pq.read_table(out)
    assert table.num_rows == len(card["rows"])
    assert table.column("score").to_pylist() == [row["score"] for row in card["rows"]]
    assert table.column("unit").to_pylist() == [row["unit"] for row in card["rows"]]


def test_parquet_output_needs_a_file_and_a_cluster_needs_a_dataset(tmp_path):
    source = tmp_path / "in.jsonl"
    assert _run("sample", "--orders", 2, "--seed", 4, "-o", source).exit_code == 0
    result = CliRunner().invoke(
        cli, ["score", str(source), "--pack", "daye", "--output-format", "parquet"]
    )
    assert result.exit_code == 2
    assert "needs --output FILE" in result.output
    result = CliRunner().invoke(cli, ["score", str(source), "--pack", "daye", "--workers", "2"])
    assert result.exit_code == 2
    assert "need a Parquet dataset" in result.output


@pytest.mark.slow
def test_score_on_two_local_workers_prints_the_same_bytes(tmp_path):
    assert (
        _run(
            "sample",
            "--orders",
            90,
            "--seed",
            6,
            "--format",
            "parquet",
            "--partition-size",
            30,
            "-o",
            tmp_path / "ds",
        ).exit_code
        == 0
    )
    here = _run("score", tmp_path / "ds", "--pack", "xiayang", "--output-format", "json")
    there = _run(
        "score", tmp_path / "ds", "--pack", "xiayang", "--output-format", "json", "--workers", 2
    )
    assert there.exit_code == 0, there.output
    assert there.stdout == here.stdout


def test_evaluate_writes_one_row_per_finding_as_parquet(tmp_path):
    source = tmp_path / "in.jsonl"
    assert _run("sample", "--orders", 30, "--seed", 5, "-o", source).exit_code == 0
    assert _run("convert", source, tmp_path / "ds", "--partition-size", 12).exit_code == 0
    as_json = _run("evaluate", tmp_path / "ds", "--pack", "xiayang")
    assert as_json.exit_code == 0, as_json.output
    assessments = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert len(assessments) == 30
    out = tmp_path / "findings.parquet"
    written = _run(
        "evaluate", tmp_path / "ds", "--pack", "xiayang", "--output-format", "parquet", "-o", out
    )
    assert written.exit_code == 0, written.output
    rows = pq.read_table(out).to_pylist()
    expected = [
        (a["order_id"], kind, finding["rule_id"])
        for a in assessments
        for kind, key in (
            ("clock", "clocks"),
            ("window", "windows"),
            ("deduction", "deductions"),
            ("escalation", "escalations"),
        )
        for finding in a[key]
    ]
    assert [(r["order_id"], r["kind"], r["rule_id"]) for r in rows] == expected
    points = [r["points"] for r in rows if r["kind"] == "deduction"]
    assert points == [d["points"] for a in assessments for d in a["deductions"]]


@pytest.mark.slow
def test_evaluate_on_two_local_workers_prints_the_same_lines(tmp_path):
    assert (
        _run(
            "sample",
            "--orders",
            60,
            "--seed",
            7,
            "--format",
            "parquet",
            "--partition-size",
            20,
            "-o",
            tmp_path / "ds",
        ).exit_code
        == 0
    )
    here = _run("evaluate", tmp_path / "ds", "--pack", "daye")
    there = _run("evaluate", tmp_path / "ds", "--pack", "daye", "--workers", 2)
    assert there.exit_code == 0, there.output
    assert there.stdout == here.stdout


def test_convert_a_workbook_of_the_long_layout_to_parquet(tmp_path):
    book = tmp_path / "orders.xlsx"
    assert (
        _run("sample", "--orders", 12, "--seed", 3, "--format", "xlsx", "-o", book).exit_code == 0
    )
    result = _run("convert", book, tmp_path / "ds", "--tz", "Asia/Shanghai")
    assert result.exit_code == 0, result.output
    assert _run("convert", tmp_path / "ds", tmp_path / "back.jsonl").exit_code == 0
    assert _orders(tmp_path / "back.jsonl") == list(generate_orders(12, seed=3))


def test_read_reports_a_dataset_that_convert_wrote(tmp_path):
    # 'read' refused the folder 'convert' writes ("... is a directory")
    source = tmp_path / "in.jsonl"
    assert _run("sample", "--orders", 25, "--seed", 4, "-o", source).exit_code == 0
    assert _run("convert", source, tmp_path / "ds").exit_code == 0
    result = _run("read", tmp_path / "ds", "--accepted-out", tmp_path / "back.jsonl", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["records"], report["accepted"], report["rejected"]) == (25, 25, 0)
    assert report["layout"] == "parquet"
    assert _orders(tmp_path / "back.jsonl") == _orders(source)


def test_a_column_that_names_no_field_is_said(tmp_path) -> None:
    # urgency renamed urgency_level by another tool: urgent orders read as normal, the
    # score changed, exit 0 and no word (a spreadsheet's such column is named)
    import pyarrow.parquet as pq
    from click.testing import CliRunner

    from grievance_rules.cli import cli
    from grievance_rules.reading.parquet import parquet_partitions, unread_columns
    from grievance_rules.reading.parquet_export import write_parquet
    from grievance_rules.samples import generate_orders

    write_parquet(list(generate_orders(12, seed=9)), tmp_path / "ds", partition_size=6)
    for partition in parquet_partitions(tmp_path / "ds"):
        table = pq.read_table(partition.orders)
        pq.write_table(table.rename_columns(
            ["urgency_level" if n == "urgency" else n for n in table.column_names]
        ), partition.orders)  # fmt: skip
    assert unread_columns(parquet_partitions(tmp_path / "ds")) == {"orders": ["urgency_level"]}
    result = CliRunner().invoke(cli, ["score", str(tmp_path / "ds"), "--pack", "xiayang"])
    assert result.exit_code == 0, result.output
    assert "ignored columns of the orders table: urgency_level" in result.stderr
