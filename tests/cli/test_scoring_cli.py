import json
import re
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from grievance_rules.cli import cli
from grievance_rules.errors import PackError

SAMPLE = str(resources.files("grievance_rules") / "samples" / "orders.jsonl")


def _with_a_broken_record(tmp_path):
    path = tmp_path / "orders.jsonl"
    with open(SAMPLE, encoding="utf-8") as sample:
        text = sample.read()
    path.write_text(text + '{"id": "broken"}\n', encoding="utf-8")
    return str(path)


def test_score_json_counts_add_up(tmp_path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "score",
            "--pack",
            "chengdong",
            "--period",
            "quarter",
            "--output-format",
            "json",
            _with_a_broken_record(tmp_path),
        ],
    )
    assert result.exit_code == 1, result.output  # the report is written; a record was rejected
    card = json.loads(result.stdout)
    assert card["period_kind"] == "quarter"
    assert (card["inputs"], card["assessed"], card["excluded"], card["rejected"]) == (6, 5, 0, 1)
    assert {row["period"] for row in card["rows"]} == {"2026-Q1", "2026-Q2"}
    assert "6 inputs: 5 assessed, 1 rejected" in result.stderr


def _four_inputs(tmp_path: Path) -> Path:
    """Three orders, one excluded from assessment (不纳入测评), and a broken record:
    4 inputs = 2 assessed + 1 excluded + 1 rejected."""
    import datetime as dt

    from tests.scoring.orders import order

    monday = dt.date(2024, 5, 6)
    path = tmp_path / "four.jsonl"
    lines = [
        order("A", "c01", monday),
        order("B", "c01", monday, excluded=True),
        order("C", "c02", monday),
    ]
    text = "".join(o.model_dump_json() + "\n" for o in lines) + '{"id": "broken"}\n'
    path.write_text(text, encoding="utf-8")
    return path


def test_score_evaluate_and_compare_count_the_excluded_apart_and_the_counts_add_up(
    tmp_path,
) -> None:
    # three orders, one recorded as 不纳入测评, and a broken record: 2 assessed
    # + 1 excluded from assessment + 1 rejected = 4 inputs, in every command's closing
    # line as in the scorecard (score's report says the same:
    # "Inputs 4 = assessed 2 + excluded from assessment 1 + rejected 1")
    path = _four_inputs(tmp_path)

    def last_line(*args: str) -> str:
        result = CliRunner().invoke(cli, list(args))
        assert result.exit_code == 1, result.output  # a record was rejected
        return result.stderr.strip().splitlines()[-1]

    score = last_line("score", "--pack", "chengdong", str(path))
    assert score == "4 inputs: 2 assessed, 1 excluded from assessment, 1 rejected"
    inputs, assessed, excluded, rejected = map(int, re.findall(r"\d+", score))
    assert assessed + excluded + rejected == inputs
    assert last_line("evaluate", "--pack", "chengdong", str(path)) == (
        "4 records: 2 assessed, 1 excluded from assessment, 1 rejected"
    )
    assert last_line("compare", "--packs", "chengdong,daye", str(path)) == (
        "4 inputs: under chengdong@2024 2 assessed, 1 excluded from assessment; "
        "under daye@2023-05-19 2 assessed, 1 excluded from assessment; 1 rejected"
    )
    report = CliRunner().invoke(cli, ["score", "--pack", "chengdong", str(path)]).stdout
    assert "4 = assessed 2 + excluded from assessment 1 + rejected 1" in report
    assert last_line("--lang", "zh", "score", "--pack", "chengdong", str(path)) == (
        "共 4 条记录：已测评 2 件，不纳入测评 1 件，拒收 1 件"
    )
    assert last_line("--lang", "zh", "compare", "--packs", "chengdong,daye", str(path)) == (
        "共 4 条记录：chengdong@2024 下已测评 2 件、不纳入测评 1 件；"
        "daye@2023-05-19 下已测评 2 件、不纳入测评 1 件；拒收 1 件"
    )


def test_score_markdown_names_units_rates_and_period_rules() -> None:
    result = CliRunner().invoke(cli, ["score", "--pack", "chengdong", SAMPLE])
    assert result.exit_code == 0, result.output
    for text in ("东风社区", "2026-03", "completion rate"):  # units by name (issue 18)
        assert text in result.stdout
    chinese = CliRunner().invoke(cli, ["--lang", "zh", "score", "--pack", "chengdong", SAMPLE])
    assert chinese.exit_code == 0, chinese.output
    assert "东风社区" in chinese.stdout
    assert "办结率" in chinese.stdout
    # two villages ranked: nobody is 「排名后三名」 when every one would be (issue 14 item 6)
    assert "CD-10.bottom-three-secretary" not in result.stdout


def test_score_writes_the_report_its_output_files_name_asks_for(tmp_path) -> None:
    # -o card.html used to write Markdown under that name; an explicit format still rules
    starts = {
        "card.html": b"<!DOCTYPE html>",
        "card.json": b'{\n  "pack":',
        "card.csv": "\ufeffpack,period,".encode(),
        "card.md": b"# ",
        "card.xlsx": b"PK",
        "card.parquet": b"PAR1",
    }
    for name, start in starts.items():
        result = CliRunner().invoke(cli, ["score", "--pack", "daye", SAMPLE, "-o", tmp_path / name])
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).read_bytes().startswith(start), name
    explicit = tmp_path / "explicit.html"
    args = ["score", "--pack", "daye", SAMPLE, "--output-format", "markdown", "-o", explicit]
    assert CliRunner().invoke(cli, [str(a) for a in args]).exit_code == 0
    assert explicit.read_bytes().startswith(b"# ")


def test_compare_json_and_html(tmp_path) -> None:
    html = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli,
        [
            "compare",
            "--packs",
            "chengdong,xiayang,daye",
            "--json",
            "--html",
            str(html),
            "--csv",
            str(tmp_path / "csv"),
            SAMPLE,
        ],
    )
    assert result.exit_code == 0, result.output
    comparison = json.loads(result.stdout)
    assert comparison["packs"] == ["chengdong@2024", "xiayang@2022-06-08", "daye@2023-05-19"]
    assert comparison["inputs"] == comparison["assessed"] == 5
    assert comparison["orders_diverging"] == 5
    assert html.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")
    assert list((tmp_path / "csv").glob("*.csv"))
    assert result.stderr.strip().splitlines()[-1] == (
        "5 inputs: under chengdong@2024 5 assessed, 0 excluded from assessment; "
        "under xiayang@2022-06-08 5 assessed, 0 excluded from assessment; "
        "under daye@2023-05-19 5 assessed, 0 excluded from assessment; 0 rejected"
    )


def test_compare_needs_two_packs() -> None:
    result = CliRunner().invoke(cli, ["compare", "--packs", "chengdong", SAMPLE])
    assert result.exit_code == 2
    assert "at least two packs" in result.output


def test_what_if_shows_the_changed_parameter() -> None:
    result = CliRunner().invoke(
        cli,
        [
            "what-if",
            "--pack",
            "chengdong",
            "--set",
            "points_process_unsatisfied=-2",
            "--json",
            SAMPLE,
        ],
    )
    assert result.exit_code == 0, result.output
    comparison = json.loads(result.stdout)
    assert comparison["packs"][1] == "chengdong@2024+points_process_unsatisfied=-2"
    points = [o["points"] for o in comparison["outcomes"]]
    assert points[1] == points[0] - 1  # one process-unsatisfied order: −1 becomes −2
    [pattern] = comparison["divergences"]
    assert (pattern["topic"], pattern["pattern"]) == ("process_unsatisfied", ["-1", "-2"])


def test_what_if_refuses_an_unknown_parameter() -> None:
    result = CliRunner().invoke(
        cli, ["what-if", "--pack", "chengdong", "--set", "no_such=1", "--json", SAMPLE]
    )
    assert result.exit_code != 0
    assert "no parameter 'no_such'" in str(result.exception) + result.output


def test_compare_and_what_if_write_by_the_output_files_name(tmp_path) -> None:
    from openpyxl import load_workbook

    book = tmp_path / "对比.xlsx"
    result = CliRunner().invoke(
        cli, ["compare", "--packs", "chengdong,daye", "-o", str(book), SAMPLE]
    )
    assert result.exit_code == 0, result.output
    assert load_workbook(book).sheetnames  # a workbook, one sheet per table
    page = tmp_path / "what-if.html"
    result = CliRunner().invoke(
        cli,
        [
            "what-if",
            "--pack",
            "chengdong",
            "--set",
            "points_process_unsatisfied=-2",
            "--output",
            str(page),
            SAMPLE,
        ],
    )
    assert result.exit_code == 0, result.output
    assert page.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")
    report = tmp_path / "compare.md"
    result = CliRunner().invoke(
        cli, ["compare", "--packs", "chengdong,daye", "-o", str(report), SAMPLE]
    )
    assert result.exit_code == 0, result.output
    assert report.read_text(encoding="utf-8").startswith("#")


def test_compare_output_of_an_unknown_kind_is_refused_before_reading(tmp_path) -> None:
    missing = tmp_path / "no-orders-here.jsonl"
    missing.write_text("not json at all\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["compare", "--packs", "chengdong,daye", "-o", str(tmp_path / "x.txt"), str(missing)]
    )
    assert result.exit_code == 2
    assert ".md, .html or .xlsx" in result.output
    assert not (tmp_path / "x.txt").exists()


def _generated(tmp_path, count=300):
    from grievance_rules.samples import generate_lines

    path = tmp_path / "year.jsonl"
    path.write_text("\n".join(generate_lines(count, seed=41)) + "\n", encoding="utf-8")
    return str(path)


def test_every_engine_of_score_and_compare_gives_the_same_bytes(tmp_path) -> None:
    """Issue 17: --engine per-order|columnar forces a path; auto and durable agree."""
    orders = _generated(tmp_path)
    runs = {
        "score": ["score", "--pack", "daye", "--output-format", "json", orders],
        "compare": ["compare", "--packs", "chengdong,xiayang,daye", "-o", "OUT.md", orders],
    }
    for name, args in runs.items():
        outputs = set()
        for engine in ("per-order", "columnar", "auto", "native"):
            out = tmp_path / f"{name}-{engine}.md"
            argv = [a if a != "OUT.md" else str(out) for a in args] + ["--engine", engine]
            result = CliRunner().invoke(cli, argv)
            assert result.exit_code == 0, result.output
            outputs.add(out.read_text(encoding="utf-8") if name == "compare" else result.stdout)
        assert len(outputs) == 1, name


def test_columnar_on_several_processes_is_refused(tmp_path) -> None:
    result = CliRunner().invoke(
        cli, ["score", "--pack", "daye", "--engine", "columnar", "--processes", "2", SAMPLE]
    )
    assert result.exit_code == 2
    assert "--engine columnar runs in one process" in result.output


def test_a_pack_named_twice_or_an_unknown_parameter_is_a_library_error() -> None:
    """A library error, which the console script prints as one line (exit 2), not a traceback."""
    runner = CliRunner()
    twice = runner.invoke(cli, ["--lang", "zh", "compare", "--packs", "xiayang,xiayang", SAMPLE])
    assert isinstance(twice.exception, PackError), twice.exception
    assert str(twice.exception).startswith("同一规则包给了两次：xiayang@")
    unknown = runner.invoke(cli, ["--lang", "zh", "what-if", "--pack", "xiayang",
                                  "--set", "points_overdue=-2", SAMPLE])  # fmt: skip
    assert isinstance(unknown.exception, PackError), unknown.exception
    message = str(unknown.exception)
    assert message.startswith("规则包 xiayang 没有参数 'points_overdue'；它的参数：")
    assert "first_contact_time" in message  # the one it might have meant


def test_the_console_script_prints_a_library_error_as_one_line(tmp_path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "grievance_rules", "--lang", "zh", "compare",
         "--packs", "daye,daye", SAMPLE],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("错误：同一规则包给了两次：daye@"), done.stderr
    assert "Traceback" not in done.stderr


def test_compare_to_an_html_or_xlsx_file_prints_no_markdown(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # -o a.html wrote the HTML report and printed the whole Markdown report (298,044 bytes)
    from importlib import resources

    from click.testing import CliRunner

    from grievance_rules.cli import cli

    sample = str(resources.files("grievance_rules") / "samples" / "orders.jsonl")
    runner = CliRunner()
    for name in ("a.html", "a.xlsx"):
        result = runner.invoke(
            cli, ["compare", "--packs", "chengdong,daye", sample, "-o", str(tmp_path / name)]
        )
        assert result.exit_code == 0
        assert result.stdout == ""
        assert (tmp_path / name).stat().st_size > 0
    result = runner.invoke(cli, ["compare", "--packs", "chengdong,daye", sample])
    assert result.stdout.startswith("#")


@pytest.mark.parametrize(
    "command",
    [
        ["compare", "--packs", "chengdong,daye"],
        ["what-if", "--pack", "chengdong", "--set", "points_process_unsatisfied=-2"],
    ],
)
def test_json_and_a_markdown_file_are_both_written(tmp_path, command) -> None:
    # --json with -o x.md (or --markdown x.md): the JSON was printed and the Markdown file
    # never written, without a word
    report = tmp_path / "c.md"
    result = CliRunner().invoke(cli, [*command, SAMPLE, "--json", "-o", str(report)])
    assert result.exit_code == 0, result.output
    assert report.read_text(encoding="utf-8").startswith("# ")
    assert f"wrote {report}" in result.output
    assert '"packs": [' in result.output  # the JSON on standard output


@pytest.mark.parametrize("name", ["card.csv", "card.parquet"])
def test_a_scorecard_table_file_says_each_rejected_record(tmp_path, name) -> None:
    # the CSV and Parquet scorecards hold units, not records: the rejected records' reasons
    # were said nowhere (only "1 rejected"); each is now on standard error
    bad = tmp_path / "orders.jsonl"
    lines = Path(SAMPLE).read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([*lines, '{"id": "X9"}']) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["score", str(bad), "--pack", "daye", "-o", str(tmp_path / name)]
    )
    assert result.exit_code == 1, result.output
    rejected = [json.loads(line)["rejected"] for line in result.stderr.splitlines()
                if line.startswith('{"rejected"')]  # fmt: skip
    assert [(r["source"], r["order_id"]) for r in rejected] == [(f"{bad}:{len(lines) + 1}", "X9")]


def test_a_parameter_set_twice_is_refused() -> None:
    # the earlier value was dropped without a word
    args = ["what-if", "--pack", "daye", "--set", "warning_yellow=0.5"]
    result = CliRunner().invoke(cli, [*args, "--set", "warning_yellow=0.6", SAMPLE])
    assert result.exit_code == 2
    assert "warning_yellow is set twice ('warning_yellow=0.5' and 'warning_yellow=0.6')" in (
        result.output
    )


def test_a_yellow_light_set_above_the_red_is_refused() -> None:
    # xiayang's red comes at 0.75 of the period: yellow at 0.8 was taken without a word
    result = CliRunner().invoke(
        cli, ["what-if", "--pack", "xiayang", "--set", "warning_yellow=0.8", SAMPLE]
    )
    assert result.exit_code != 0
    from grievance_rules.packs import find_pack

    pack = find_pack("xiayang")
    with pytest.raises(PackError, match=r"increasing order \(here: yellow 0.8, red 0.75\)"):
        pack.with_parameters({"warning_yellow": 0.8})


def test_what_if_markdown_shows_the_composites_a_weight_moved_as_the_csv_does(tmp_path) -> None:
    # the audit's run: 300 generated orders (seed 7), daye by quarter, the 满意率 weighed 2.
    # The CSV scorecards (both packs' rows) showed 20 of 165 unit-quarters' composite
    # moved; the Markdown showed none. Now it lists the same rows, before and after
    import csv
    from decimal import ROUND_HALF_UP, Decimal

    from grievance_rules.samples import generate_lines

    orders = tmp_path / "orders.jsonl"
    orders.write_text("\n".join(generate_lines(300, seed=7)) + "\n", encoding="utf-8")
    report, tables = tmp_path / "what-if.md", tmp_path / "csv"
    result = CliRunner().invoke(
        cli,
        ["--lang", "en", "what-if", "--pack", "daye", "--set", "weight_satisfaction=2",
         "--period", "quarter", "--csv", str(tables), "-o", str(report), str(orders)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with open(tables / "scorecards.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    base, changed = sorted({row["pack"] for row in rows}, key=len)
    composites: dict[tuple[str, str, str], dict[str, str]] = {}
    for row in rows:
        key = (row["period"], row["unit_name"], row["kind_name"])
        composites.setdefault(key, {})[row["pack"]] = row["composite"]

    def shown(value: str) -> str:  # the CSV's share as the reports write a percentage
        return f"{(Decimal(value) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"

    # (a weight moves a composite that has a value; none becomes undefined, nor defined)
    moved = [
        [*key, shown(pair[base]), shown(pair[changed])]
        for key, pair in composites.items()
        if pair[base] != pair[changed]
    ]
    assert moved
    text = report.read_text(encoding="utf-8")
    part = text.split("## Composite scores under each pack\n", 1)[1].split("\n## ", 1)[0]
    assert (
        f"differs between the packs for {len(moved)} of the {len(composites)} units and periods"
        in part
    )
    lines = [line for line in part.splitlines() if line.startswith("| ")]
    assert lines[0] == f"| period | unit | kind of unit | {base} | {changed} | change |"
    listed = [[cell.strip() for cell in line.split("|")[1:-1]] for line in lines[1:]]
    assert sorted(cells[:5] for cells in listed) == sorted(moved)


def test_what_if_json_counts_add_up_as_its_report_and_closing_line_count(tmp_path) -> None:
    # `what-if --json` said "assessed": 300 where its report said 293 assessed + 7 excluded
    # from assessment: "assessed" was the inputs not rejected. Three orders, one excluded
    # from assessment (不纳入测评), and a broken record: 4 inputs = 2 assessed + 1 excluded
    # + 1 rejected, in the JSON as in the Markdown report and the closing line
    path = _four_inputs(tmp_path)
    report = tmp_path / "what-if.md"
    result = CliRunner().invoke(
        cli,
        ["--lang", "en", "what-if", "--pack", "chengdong", "--set",
         "points_process_unsatisfied=-2", "--json", "-o", str(report), str(path)],
    )  # fmt: skip
    assert result.exit_code == 1, result.output  # a record was rejected
    counts = json.loads(result.stdout)
    assert (counts["inputs"], counts["assessed"], counts["excluded"], counts["rejected"]) == (
        4,
        2,
        1,
        1,
    )
    assert counts["assessed"] + counts["excluded"] + counts["rejected"] == counts["inputs"]
    # the former "assessed" (the inputs not rejected, those excluded among them), named
    assert counts["not_rejected"] == counts["assessed"] + counts["excluded"] == 3
    assert len(counts["rejections"]) == counts["rejected"]
    for card in counts["scorecards"]:  # each pack's own count, as before
        assert (card["assessed"], card["excluded"], card["rejected"]) == (2, 1, 1)
    assert "Inputs 4 = assessed 2 + excluded from assessment 1 + rejected 1;" in (
        report.read_text(encoding="utf-8")
    )
    assert result.stderr.strip().splitlines()[-1] == (
        "4 inputs: under chengdong@2024 2 assessed, 1 excluded from assessment; "
        "under chengdong@2024+points_process_unsatisfied=-2 2 assessed, "
        "1 excluded from assessment; 1 rejected"
    )


def test_compare_json_and_the_html_figures_count_as_the_report_does(tmp_path) -> None:
    # compare --json said "assessed": 3 for 2 assessed + 1 excluded from assessment, and
    # the HTML report's figures "assessed 3" above its sentence "assessed 2 + excluded 1"
    path = _four_inputs(tmp_path)
    page = tmp_path / "compare.html"
    result = CliRunner().invoke(
        cli,
        ["--lang", "en", "compare", "--packs", "chengdong,daye", "--json",
         "--html", str(page), str(path)],
    )  # fmt: skip
    assert result.exit_code == 1, result.output  # a record was rejected
    counts = json.loads(result.stdout)
    assert (counts["inputs"], counts["assessed"], counts["excluded"], counts["rejected"]) == (
        4,
        2,
        1,
        1,
    )
    assert counts["not_rejected"] == 3
    html = page.read_text(encoding="utf-8")
    figures = re.findall(r"<li><b>(\d+)</b><span>([^<]+)</span></li>", html)
    assert [(label, int(value)) for value, label in figures][:4] == [
        ("inputs", 4),
        ("assessed", 2),
        ("excluded from assessment", 1),
        ("rejected", 1),
    ]


def test_score_says_how_many_assessed_orders_are_in_no_units_row(tmp_path) -> None:
    # a file of rows (Parquet, CSV) holds the units' rows only, which did not add up to
    # the assessed orders, and nothing said so: O1 at 村1 (c01), O2 answered online by
    # the operator (话务员在线答复), never sent to a unit. By hand: 2 assessed, 1 in no row.
    import datetime as dt

    from tests.scoring.orders import answered_online, order

    monday = dt.date(2024, 5, 6)
    path = tmp_path / "two.jsonl"
    orders = [order("O1", "c01", monday), answered_online("O2", monday)]
    path.write_text("".join(o.model_dump_json() + "\n" for o in orders), encoding="utf-8")
    for lang, said in (
        ("en", "Of the assessed, 1 counts for no unit (answered online by the operator 1)."),
        ("zh", "已测评的工单中，1 件不计入任何单位（话务员在线答复 1 件）。"),
    ):
        out = tmp_path / f"card-{lang}.csv"
        result = CliRunner().invoke(
            cli, ["--lang", lang, "score", "--pack", "chengdong", "-o", str(out), str(path)]
        )
        assert result.exit_code == 0, result.output
        assert result.stderr.strip().splitlines()[-1] == said
    # every order in a row: nothing more said
    alone = tmp_path / "one.jsonl"
    alone.write_text(orders[0].model_dump_json() + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--lang", "en", "score", "--pack", "chengdong", str(alone)])
    assert result.stderr.strip().splitlines()[-1] == "1 input: 1 assessed, 0 rejected"
