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


def test_explain_lists_the_days_in_date_order_and_names_the_make_up_days_festival() -> None:
    # 国办发明电〔2025〕7号: 春节 off Sun 02-15 to Mon 02-23, Sat 02-14 worked (调休).
    # From Thu 02-12 the start day is not counted: Fri 02-13 is the 1st working day,
    # Sat 02-14 the 2nd, Tue 02-24 the 3rd; the make-up Saturday comes before the holiday
    args = ["calendar", "explain", "2026-02-12T10:00+08:00", "3 working days"]
    lines = run(*args).splitlines()
    assert lines[5:] == [
        "  counted 2026-02-14 Sat: make-up working day (春节 调休)",
        "  skipped 2026-02-15 Sun: holiday 春节",
        "  skipped 2026-02-16 Mon: holiday 春节",
        "  skipped 2026-02-17 Tue: holiday 春节",
        "  skipped 2026-02-18 Wed: holiday 春节",
        "  skipped 2026-02-19 Thu: holiday 春节",
        "  skipped 2026-02-20 Fri: holiday 春节",
        "  skipped 2026-02-21 Sat: holiday 春节",
        "  skipped 2026-02-22 Sun: holiday 春节",
        "  skipped 2026-02-23 Mon: holiday 春节",
        "due       2026-02-25T00:00:00+08:00",
    ]
    chinese = run("--lang", "zh", *args).splitlines()
    assert chinese[5:8] == [
        "  计入 2026-02-14 周六：调休上班（春节）",
        "  跳过 2026-02-15 周日：节假日（春节）",
        "  跳过 2026-02-16 周一：节假日（春节）",
    ]
    assert chinese[-1] == "到期      2026-02-25T00:00:00+08:00"


def test_between_with_end_before_start_says_so_and_gives_the_signed_count() -> None:
    # working_days_between is antisymmetric: (2026-09-30, 2026-10-12] holds 4 working
    # days (10-08, 10-09, Sat 10-10 worked for 国庆节, 10-12), so 10-12 back to 09-30 is -4
    out = run("calendar", "between", "2026-10-12", "2026-09-30").splitlines()
    assert out[0] == (
        "END 2026-09-30 is before START 2026-10-12: "
        "the working days in (2026-09-30, 2026-10-12], negative: -4"
    )
    assert out[1] == "  skipped 2026-10-01 Thu: holiday (国庆节)"
    assert "  counted 2026-10-10 Sat: make-up working day (国庆节 调休)" in out
    chinese = run("--lang", "zh", "calendar", "between", "2026-10-12", "2026-09-30")
    assert chinese.splitlines()[0] == (
        "END 2026-09-30 早于 START 2026-10-12：(2026-09-30, 2026-10-12] 内的工作日数取负：-4"
    )


def test_a_bare_date_start_is_shanghai_midnight_whatever_tz_and_the_help_says_so() -> None:
    # a date alone names a day of the China calendar: 00:00 Shanghai time; --tz reads
    # only a date-time without offset (Tokyo's midnight would be 02-12 23:00 Shanghai)
    out = run("calendar", "explain", "2026-02-13", "1 natural day", "--tz", "Asia/Tokyo")
    assert out.splitlines()[0] == "start     2026-02-13T00:00:00+08:00"
    naive = run(
        "calendar",
        "explain",
        "2026-02-13T00:00",
        "1 hour",
        "--convention",
        "elapsed",
        "--tz",
        "Asia/Tokyo",
    )
    assert naive.splitlines()[0] == "start     2026-02-12T23:00:00+08:00"
    help_text = " ".join(run("calendar", "explain", "--help").split())
    assert "a START that is a date alone is 00:00 Shanghai time, whatever --tz says" in help_text
    chinese = "".join(run("--lang", "zh", "calendar", "explain", "--help").split())
    assert "只写日期的START为上海时间当日0时，不受--tz影响" in chinese


def test_add_reads_a_negative_n_as_a_number_and_gives_the_librarys_refusal() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["calendar", "add", "2026-02-13", "-1"])
    assert result.exit_code == 2
    assert "No such option" not in result.output
    assert "Invalid value for 'N': the number of working days must be at least 1, not -1" in (
        result.output
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    zero = runner.invoke(cli, ["calendar", "add", "2026-02-13", "0"])
    assert zero.exit_code == 2
    assert "must be at least 1, not 0" in zero.output
    chinese = runner.invoke(cli, ["--lang", "zh", "calendar", "add", "2026-02-13", "-1"])
    assert chinese.exit_code == 2
    assert "工作日数必须至少为 1，而不是 -1" in chinese.output


def test_a_word_with_a_minus_sign_and_a_digit_is_a_value_not_options() -> None:
    # click read "-1h" as the options -1 and -h (the help, printed as if it were the
    # answer), and "-1 hour" as an unknown option -1
    runner = CliRunner()
    hours = runner.invoke(cli, ["--lang", "en", "calendar", "add", "2026-02-13", "-1h"])
    assert hours.exit_code == 2
    assert "Show this message and exit" not in hours.output
    assert "Invalid value for 'N': '-1h' is not a valid integer." in hours.output
    negative = runner.invoke(
        cli, ["--lang", "en", "calendar", "explain", "2026-02-13T09:00+08:00", "-1 hour"]
    )
    said = f"{negative.output} {negative.exception}"  # (the library's error, as main says it)
    assert "No such option" not in said
    assert "duration '-1 hour': the amount '-1' is not understood" in said
    # options still come anywhere, before or after the signed value, with their values
    after = runner.invoke(cli, ["calendar", "add", "2026-02-13", "-1", "--lang", "en"])
    assert "must be at least 1, not -1" in after.output
    json_after = run("calendar", "explain", "2026-02-13T15:00+08:00", "1 working day", "--json")
    assert json.loads(json_after)["convention"] == "civil_code"
    unknown = runner.invoke(cli, ["calendar", "explain", "2026-02-13", "-1 hour", "--bogus"])
    assert unknown.exit_code == 2
    assert "No such option '--bogus'" in unknown.output
    # an option's value that begins with a minus sign stays that option's
    tz = runner.invoke(
        cli, ["calendar", "explain", "2026-02-13T09:00", "-1 hour", "--tz", "Asia/Shanghai"]
    )
    assert "No such option" not in f"{tz.output} {tz.exception}"
    assert "duration '-1 hour'" in str(tz.exception)
