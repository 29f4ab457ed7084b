import json
import subprocess
import sys

from click.testing import CliRunner

from grievance_rules.cli import cli


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_is_workday_names_the_make_up_day_and_its_notice() -> None:
    out = run("calendar", "is-workday", "2026-02-14")
    assert "2026-02-14 Sat: make-up working day (春节 调休) -> working day" in out
    assert "国务院办公厅关于2026年部分节假日安排的通知" in out


def test_is_workday_json() -> None:
    data = json.loads(run("calendar", "is-workday", "2026-02-17", "--json"))
    assert data["is_working_day"] is False
    assert data["kind"] == "holiday"
    assert data["name"] == "春节"


def test_add_lists_skipped_and_counted_days() -> None:
    out = run("calendar", "add", "2026-02-13", "2")
    assert out.splitlines()[0] == "2026-02-13 + 2 working days = 2026-02-24 Tue"
    assert "counted 2026-02-14 Sat: make-up working day" in out
    assert "skipped 2026-02-23 Mon: holiday (春节)" in out


def test_between() -> None:
    out = run("calendar", "between", "2026-09-30", "2026-10-12")
    assert "working days in (2026-09-30, 2026-10-12]: 4" in out  # 8, 9, 10 (Sat), 12


def test_explain_working_time() -> None:
    out = run(
        "calendar",
        "explain",
        "2026-01-30T15:00+08:00",
        "1 working day",
        "--office-hours",
        "09:00-12:00,13:30-17:30",
    )
    assert "due       2026-02-02T15:00:00+08:00" in out
    assert "skipped 2026-01-31 Sat: weekend" in out


def test_explain_json_and_provisional() -> None:
    data = json.loads(run("calendar", "explain", "2027-02-03", "5 working days", "--json"))
    assert data["provisional"] is True
    assert data["convention"] == "civil_code"


def test_explain_refuses_a_naive_start_unless_a_zone_is_named() -> None:
    result = CliRunner().invoke(cli, ["calendar", "explain", "2026-03-09T10:00", "1 hour"])
    assert result.exit_code != 0
    assert "no UTC offset" in result.output
    out = run(
        "calendar",
        "explain",
        "2026-03-09T10:00",
        "1 hour",
        "--convention",
        "elapsed",
        "--tz",
        "Asia/Shanghai",
    )
    assert "due       2026-03-09T11:00:00+08:00" in out


def test_coverage() -> None:
    out = run("calendar", "coverage")
    assert "through 2026-12-24" in out


def test_library_errors_are_one_line_and_exit_2() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "grievance_rules", "calendar", "add", "1999-01-01", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: 1999-01-01 is outside the calendar")
    assert "Traceback" not in result.stderr


def test_a_day_that_does_not_exist_is_said_so() -> None:
    # 2023 is no leap year: "not a date of the form YYYY-MM-DD" blamed a form that is right
    runner = CliRunner()
    day = runner.invoke(cli, ["calendar", "is-workday", "2023-02-29"])
    assert day.exit_code == 2
    assert "'2023-02-29' names no day: there is no 2023-02-29" in day.output
    start = runner.invoke(cli, ["calendar", "explain", "2023-02-29T10:00+08:00", "1 working day"])
    assert start.exit_code == 2
    assert "there is no 2023-02-29" in start.output
    chinese = runner.invoke(cli, ["--lang", "zh", "calendar", "is-workday", "2023-04-31"])
    assert "没有 2023-04-31 这一天" in chinese.output
