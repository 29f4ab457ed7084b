"""grievance-rules watch and timeline: every output format, from one file of orders."""

import csv
import io
import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from grievance_rules.cli import cli
from tests.operations.conftest import dispatched, order

AS_OF = "2024-06-15T10:00+08:00"


def _file(tmp_path: Path) -> Path:
    orders = [
        order("Y1", "2024-06-14T15:00", dispatched("2024-06-14T15:30")),
        order("R1", "2024-06-07T08:30", dispatched("2024-06-07T09:00")),
        order("S1", "2024-06-14T15:00", dispatched("2024-06-14T15:40", to="off")),
    ]
    path = tmp_path / "orders.jsonl"
    path.write_text("".join(o.model_dump_json() + "\n" for o in orders) + "{not json\n")
    return path


def _run(*args: str) -> tuple[str, str]:
    """The command's output; watch exits 1 here, the file having a record it rejects."""
    result = CliRunner().invoke(cli, list(args))
    expected = 1 if "watch" in args else 0
    assert result.exit_code == expected, result.output + (result.stderr or "")
    return result.stdout, result.stderr


def test_jsonl_lists_items_by_due_instant_and_counts_add_up(tmp_path: Path) -> None:
    path = _file(tmp_path)
    out, err = _run(
        "watch",
        "--pack",
        "chengdong",
        "--as-of",
        AS_OF,
        "--within",
        "3d",
        "--output-format",
        "jsonl",
        str(path),
    )
    items = [json.loads(line) for line in out.splitlines()]
    assert [i["due"] for i in items] == sorted(i["due"] for i in items)
    urgent = {i["order_id"]: i for i in items if i["rule_id"] == "CD-5.provincial-urgent"}
    # R1 was due Tue 11 June 17:30 (test_watch): breached by Saturday 15 June
    assert urgent["R1"]["level"] == "breached"
    assert urgent["Y1"]["changes"][0]["level"] == "yellow"
    assert "4 records: 3 assessed, 1 rejected" in err


def test_table_has_a_summary_line_per_unit(tmp_path: Path) -> None:
    out, _ = _run("watch", "--pack", "chengdong", "--as-of", AS_OF, str(_file(tmp_path)))
    summaries = [line for line in out.splitlines() if "turning yellow" in line]
    assert any(line.startswith("东风社区:") and "breached 1" in line for line in summaries)
    assert any(line.startswith("城管办:") for line in summaries)
    chinese, _ = _run(
        "--lang", "zh", "watch", "--pack", "chengdong", "--as-of", AS_OF, str(_file(tmp_path))
    )
    summaries = [line for line in chinese.splitlines() if "将变黄" in line]
    assert any(line.startswith("东风社区：") and "超期 1" in line for line in summaries)
    assert "turning" not in chinese


def test_csv_and_xlsx_agree(tmp_path: Path) -> None:
    path = _file(tmp_path)
    out, _ = _run(
        "watch", "--pack", "chengdong", "--as-of", AS_OF, "--output-format", "csv", str(path)
    )
    rows = list(csv.reader(io.StringIO(out)))
    book = tmp_path / "watch.xlsx"
    _run(
        "watch",
        "--pack",
        "chengdong",
        "--as-of",
        AS_OF,
        "--output-format",
        "xlsx",
        "-o",
        str(book),
        str(path),
    )
    sheet = openpyxl.load_workbook(book)["Watch list"]
    cells = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    # the due instant: an Excel date-time (Shanghai), the text the CSV writes
    assert cells[0][0] == "due (Asia/Shanghai, UTC+08:00)"
    for row in cells[1:]:
        row[0] = row[0].strftime("%Y-%m-%d %H:%M:%S")
    assert [r[0] for r in cells[1:]] == [r[0] for r in rows[1:]]
    # CSV guards cells that start like a formula ("-21:00") with a quote; Excel cells need none
    assert cells[1:] == [[c[1:] if c.startswith("'") else c for c in row] for row in rows[1:]]
    units = openpyxl.load_workbook(book)["Units"]
    assert next(units.iter_rows(values_only=True))[0] == "unit"


def test_xlsx_needs_an_output_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "watch",
            "--pack",
            "chengdong",
            "--as-of",
            AS_OF,
            "--output-format",
            "xlsx",
            str(_file(tmp_path)),
        ],
    )
    assert result.exit_code != 0
    assert result.exit_code == 2
    assert "--output-format xlsx needs --output FILE" in result.output


def test_timeline_jsonl_carries_the_library_assessment(tmp_path: Path) -> None:
    import datetime as dt

    from grievance_rules.engine import evaluate
    from grievance_rules.packs import find_pack

    path = _file(tmp_path)
    out, _ = _run(
        "timeline",
        "--pack",
        "chengdong",
        "--order",
        "Y1",
        "--output-format",
        "jsonl",
        "--until",
        "2024-06-19",
        str(path),
    )
    o = order("Y1", "2024-06-14T15:00", dispatched("2024-06-14T15:30"))
    pack = find_pack("chengdong")
    steps = [json.loads(line) for line in out.splitlines()]
    assert [s["cause"] for s in steps][:2] == ["received", "event"]
    assert [s["what"] for s in steps if s["cause"] == "level"][:2] == [
        "CD-5.provincial-urgent#0 turns yellow",
        "CD-5.provincial-urgent#0 turns red",
    ]
    for line, step in zip(out.splitlines(), steps, strict=True):
        expected = evaluate(o, pack, dt.datetime.fromisoformat(step["at"])).model_dump_json()
        assert line.endswith(',"assessment":' + expected + "}")


def test_a_bad_horizon_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["watch", "--pack", "chengdong", "--within", "tomorrow", str(_file(tmp_path))]
    )
    assert result.exit_code == 2
    assert "'tomorrow' is not a horizon" in result.output


def test_html_page_is_written(tmp_path: Path) -> None:
    page = tmp_path / "watch.html"
    _run(
        "watch",
        "--pack",
        "chengdong",
        "--as-of",
        AS_OF,
        "--output-format",
        "html",
        "-o",
        str(page),
        str(_file(tmp_path)),
    )
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert text.count("<section") == 2  # 东风社区 and 城管办
    assert "breached 1" in text


def test_timeline_of_an_unknown_order_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["timeline", "--pack", "chengdong", "--order", "NOPE", str(_file(tmp_path))]
    )
    assert result.exit_code == 1
    assert "no order NOPE" in result.output


def test_an_order_received_after_as_of_is_counted_not_listed(tmp_path: Path) -> None:
    # Y2 is received at 11:00 on 15 June, an hour after the list's instant (10:00): it
    # did not exist then, so nothing of it is open; the closing line counts it apart
    path = _file(tmp_path)
    late = order("Y2", "2024-06-15T11:00", dispatched("2024-06-15T11:10"))
    path.write_text(path.read_text() + late.model_dump_json() + "\n")
    out, err = _run(
        "watch", "--pack", "chengdong", "--as-of", AS_OF, "--output-format", "jsonl", str(path)
    )
    assert "Y2" not in {json.loads(line)["order_id"] for line in out.splitlines()}
    assert "Y2" not in err  # not rejected: only the bad JSON line is
    assert "5 records: 3 assessed, 1 received after --as-of (not open then), 1 rejected" in err
