import json
from importlib import resources
from pathlib import Path

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
    result = CliRunner().invoke(
        cli, ["evaluate", "--pack", "daye", "--output-format", "table", str(path)]
    )
    assert result.exit_code == 1, result.output  # a record was rejected
    assert "order S-0001 under daye@2023-05-19" in result.stdout
    assert "2 records: 1 assessed, 1 rejected" in result.stderr
    assert f"rejected {path}:2 (order broken): " in result.stderr


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


def _two_good_and_a_duplicate(tmp_path) -> str:
    path = tmp_path / "orders.jsonl"
    with open(SAMPLE, encoding="utf-8") as sample:
        first, second = sample.readline(), sample.readline()
    path.write_text(first + second + first, encoding="utf-8")
    return str(path)


def test_evaluate_rejects_a_duplicate_id_by_line_and_exits_1(tmp_path) -> None:
    result = CliRunner().invoke(
        cli, ["evaluate", "--pack", "daye", _two_good_and_a_duplicate(tmp_path)]
    )
    assert result.exit_code == 1
    assert len([line for line in result.stdout.splitlines() if line.startswith("{")]) == 2
    (rejected,) = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert rejected["rejected"]["order_id"] == "S-0001"
    assert rejected["rejected"]["source"].endswith("orders.jsonl:3")
    assert rejected["rejected"]["reasons"] == [
        f"id: duplicate order id 'S-0001' (first at {rejected['rejected']['source'][:-1]}1)"
    ]
    assert "3 records: 2 assessed, 1 rejected" in result.stderr


def test_evaluate_output_file_is_written_whole_and_ends_with_a_summary(tmp_path) -> None:
    out = tmp_path / "assessments.jsonl"
    result = CliRunner().invoke(cli, ["evaluate", "--pack", "xiayang", "-o", str(out), SAMPLE])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line.get("order_id") for line in lines[:-1]] == [f"S-000{i}" for i in range(1, 6)]
    assert lines[-1] == {
        "summary": {
            "records": 5,
            "assessed": 5,
            "rejected": 0,
            "excluded": 0,
            "pack": "xiayang@2022-06-08",
            "complete": True,
        }
    }
    assert [p.name for p in tmp_path.iterdir()] == ["assessments.jsonl"]  # no temporary left


def test_an_interrupted_evaluate_leaves_no_output_file(tmp_path, monkeypatch) -> None:
    from grievance_rules.scoring import stream

    def broken(*args, **kwargs):
        yield from ()
        raise KeyboardInterrupt

    monkeypatch.setattr("grievance_rules.cli._dataset.assess_stream", broken)
    out = tmp_path / "assessments.jsonl"
    result = CliRunner().invoke(cli, ["evaluate", "--pack", "daye", "-o", str(out), SAMPLE])
    assert result.exit_code != 0
    assert list(tmp_path.iterdir()) == []
    assert stream.assess_stream is not broken


def test_evaluate_output_is_a_file_and_says_so_when_given_a_format() -> None:
    result = CliRunner().invoke(cli, ["evaluate", "--pack", "daye", "--output", "table", SAMPLE])
    assert result.exit_code == 2
    assert "for the format use --output-format table" in result.output


def test_evaluate_keeps_the_last_record_of_an_id_when_asked(tmp_path) -> None:
    orders = _two_good_and_a_duplicate(tmp_path)
    result = CliRunner().invoke(cli, ["evaluate", "--pack", "daye", "--duplicates", "last", orders])
    assert result.exit_code == 1  # the replaced record counts as rejected
    kept = [json.loads(line)["order_id"] for line in result.stdout.splitlines() if line]
    assert kept == ["S-0002", "S-0001"]  # the first S-0001 (line 1) was replaced by line 3
    (rejected,) = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert rejected["rejected"]["source"].endswith("orders.jsonl:1")
    assert rejected["rejected"]["reasons"] == [
        "id: order id 'S-0001' replaced by a later input (#2)"
    ]


def test_a_record_the_engine_cannot_take_is_rejected_and_the_file_goes_on(tmp_path) -> None:
    """Issue 15 item 1: an order the reader accepts but the engine cannot judge."""
    with open(SAMPLE, encoding="utf-8") as sample:
        lines = sample.read().splitlines()
    huge = json.loads(lines[0])
    huge["id"] = "BIG"
    reply = next(event for event in huge["events"] if event["type"] == "replied")
    reply["round"] = 2**64
    path = tmp_path / "orders.jsonl"
    path.write_text(
        "\n".join([lines[1], json.dumps(huge, ensure_ascii=False), lines[2]]) + "\n",
        encoding="utf-8",
    )
    for command in (["evaluate"], ["score"]):
        result = CliRunner().invoke(cli, [*command, "--pack", "daye", str(path)])
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert "BIG" in result.output  # named where the command reports rejections
    result = CliRunner().invoke(cli, ["evaluate", "--pack", "daye", str(path)])
    assert [json.loads(line)["order_id"] for line in result.stdout.splitlines()] == [
        "S-0002",
        "S-0003",
    ]
    (rejected,) = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert rejected["rejected"]["source"].endswith("orders.jsonl:2")
    assert "is wider than the engine's 64-bit integers" in rejected["rejected"]["reasons"][0]
    assert "3 records: 2 assessed, 1 rejected" in result.stderr


def test_evaluate_counts_an_order_excluded_from_assessment_apart(tmp_path) -> None:
    # two orders, one recorded as 不纳入测评: the engine judges both, and the closing
    # line counts the excluded one apart from those assessed, as score and its
    # scorecard count them (inputs = assessed + excluded + rejected)
    import datetime as dt

    from tests.scoring.orders import order

    monday = dt.date(2024, 5, 6)
    path = tmp_path / "two.jsonl"
    lines = [order("A", "c01", monday), order("B", "c01", monday, excluded=True)]
    path.write_text("".join(o.model_dump_json() + "\n" for o in lines), encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", "--pack", "chengdong", str(path)])
    assert "2 records: 1 assessed, 1 excluded from assessment, 0 rejected" in result.stderr
    chinese = CliRunner().invoke(
        cli, ["--lang", "zh", "evaluate", "--pack", "chengdong", str(path)]
    )
    assert "共 2 条记录：已测评 1 件，不纳入测评 1 件，拒收 0 件" in chinese.stderr


def test_evaluate_refuses_an_output_named_for_a_format_it_does_not_write(tmp_path) -> None:
    # -o findings.csv wrote JSON Lines under that name; nothing is written now
    for name in ("findings.csv", "report.html", "report.md"):
        out = tmp_path / name
        result = CliRunner().invoke(cli, ["evaluate", "--pack", "daye", "-o", str(out), SAMPLE])
        assert result.exit_code == 2, result.output
        ending = name[name.index(".") :]
        assert f"evaluate writes JSON Lines, a table, xlsx or parquet, not {ending}" in (
            result.output
        )
        assert not out.exists()
    written = tmp_path / "findings.jsonl"
    result = CliRunner().invoke(cli, ["evaluate", "--pack", "daye", "-o", str(written), SAMPLE])
    assert result.exit_code == 0, result.output
    assert written.read_text(encoding="utf-8").startswith('{"order_id":"S-0001"')


def test_evaluate_as_a_table_says_each_rejected_record_as_read_does(tmp_path) -> None:
    # for people, not JSON: where, the order, every reason
    path = tmp_path / "bad.jsonl"
    first = Path(SAMPLE).read_text(encoding="utf-8").splitlines()[0]
    path.write_text(first + '\n{"id": "X-1", "channel": "12345"}\nnot json\n', encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["evaluate", "--pack", "daye", "--output-format", "table", str(path)]
    )
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"rejected {path}:2 (order X-1): category: field required; received_at: field required"
    )
    assert lines[1].startswith(f"rejected {path}:3: ")
    assert not any(line.startswith("{") for line in lines)
    chinese = CliRunner().invoke(
        cli, ["--lang", "zh", "evaluate", "--pack", "daye", "--output-format", "table", str(path)]
    )
    assert chinese.stderr.splitlines()[0] == (
        f"拒收 {path}:2（工单 X-1）："
        "诉求类型（category）：必填项缺失；受理时间（received_at）：必填项缺失"
    )


def test_evaluate_as_a_table_names_units_in_english_too() -> None:
    # S-0001's 省级热线 clock runs at 东风社区 (c07): the table names the unit by id and
    # name in English as in Chinese (it gave the id alone in English)
    result = CliRunner().invoke(
        cli, ["evaluate", "--pack", "chengdong", "--output-format", "table", SAMPLE]
    )
    clock = next(line for line in result.stdout.splitlines() if "CD-5.provincial-urgent " in line)
    assert clock.endswith("breached  c07 东风社区")


def test_evaluate_to_a_parquet_name_writes_parquet_and_the_summary_counts_the_excluded(
    tmp_path: Path,
) -> None:
    # -o ev.parquet wrote JSON Lines under that name; the JSON Lines summary said nothing
    # of the 14 orders the closing line counted as excluded from assessment
    import pyarrow.parquet as pq

    from grievance_rules.samples import generate_orders

    orders = tmp_path / "o.jsonl"
    orders.write_text(
        "".join(o.model_dump_json() + "\n" for o in generate_orders(600, seed=1)),
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "--lang",
            "en",
            "evaluate",
            "--pack",
            "xiayang",
            str(orders),
            "-o",
            str(tmp_path / "ev.parquet"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ev.parquet").read_bytes()[:4] == b"PAR1"
    assert pq.read_table(tmp_path / "ev.parquet").num_rows > 0
    result = runner.invoke(
        cli,
        [
            "--lang",
            "en",
            "evaluate",
            "--pack",
            "xiayang",
            str(orders),
            "-o",
            str(tmp_path / "ev.jsonl"),
        ],
    )
    lines = (tmp_path / "ev.jsonl").read_text(encoding="utf-8").splitlines()
    summary = json.loads(lines[-1])["summary"]
    excluded = sum(1 for line in lines[:-1] if json.loads(line)["excluded_from_assessment"])
    assert excluded > 0
    assert (summary["records"], summary["assessed"], summary["excluded"], summary["rejected"]) == (
        600,
        600,
        excluded,
        0,
    )
    assert f"600 records: {600 - excluded} assessed, {excluded} excluded" in result.output
