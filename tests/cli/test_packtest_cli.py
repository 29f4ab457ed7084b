"""``grievance-rules test PACK_DIR`` on a small third-party pack."""

import sys

import pytest
from click.testing import CliRunner

from grievance_rules.cli import cli, main
from tests.testing.lakeside import (
    ALL_CASES,
    REPLY_BREACHED,
    REPLY_MET,
    REPLY_WRONG,
    RETURN_LATE,
    write_pack,
)


def run(*args: str):
    return CliRunner().invoke(cli, ["test", *args])


def test_reports_rules_no_scenario_exercised_and_one_sided_time_limits(tmp_path):
    pack = write_pack(tmp_path, REPLY_MET)
    result = run(str(pack))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "ok   replies.yaml: reply one minute before the two working days are up"
    assert lines[lines.index("1 passed, 0 failed") :] == [
        "1 passed, 0 failed",
        "rules no scenario exercised (3):",
        "  LS-2.return-window  半个工作日内申请回退",
        "  LS-3.late           超期回复扣分",
        "  LS-4.late-return    超期回退约谈",
        "time limits without a case on each side of the boundary (2):",
        "  LS-1.reply (seen: met)",
        "  LS-2.return-window (seen: nothing)",
    ]


def test_one_side_of_each_limit_is_not_enough(tmp_path):
    # the clock expected breached (running too in the return case, but no case checks it
    # there: not seen), the window expected late only
    pack = write_pack(tmp_path, REPLY_BREACHED, RETURN_LATE)
    result = run(str(pack))
    assert result.exit_code == 0, result.output
    assert "rules no scenario exercised" not in result.output
    assert result.output.endswith(
        "time limits without a case on each side of the boundary (2):\n"
        "  LS-1.reply (seen: breached)\n"
        "  LS-2.return-window (seen: late)\n"
    )


def test_strict_fails_on_incomplete_coverage_and_passes_on_complete(tmp_path):
    incomplete = write_pack(tmp_path, REPLY_MET, REPLY_BREACHED, folder="part")
    assert run("--strict", str(incomplete)).exit_code == 1
    assert run(str(incomplete)).exit_code == 0
    complete = write_pack(tmp_path, *ALL_CASES, folder="full")
    result = run("--strict", str(complete))
    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        "4 passed, 0 failed\ncoverage: every rule exercised; every time limit seen on both sides\n"
    )


def test_a_failing_case_exits_1_with_its_report(tmp_path):
    pack = write_pack(tmp_path, REPLY_MET, REPLY_WRONG)
    result = run(str(pack))
    assert result.exit_code == 1
    assert "FAIL replies.yaml: a late reply expected in time" in result.output
    assert "    LS-1.reply: lakeside.txt 第一条「承办单位应在两个工作日内回复」" in result.output
    assert "1 passed, 1 failed" in result.output
    # a failing case counts for no side: the clock is seen met only
    assert "  LS-1.reply (seen: met)" in result.output


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (
            lambda pack: (pack / "scenarios" / "replies.yaml").write_text(
                "cases:\n  - {name: x, order: {id: A}, expect: {deduction: []}}\n",
                encoding="utf-8",
            ),
            "replies.yaml: case 1 (x): expect.deduction: unknown; one of clocks, deductions",
        ),
        (lambda pack: (pack / "pack.yaml").unlink(), "pack.yaml"),
    ],
)
def test_a_refused_pack_or_scenario_file_is_one_error_line_exit_2(
    tmp_path, monkeypatch, capsys, broken, message
):
    pack = write_pack(tmp_path, REPLY_MET)
    broken(pack)
    monkeypatch.setattr(sys, "argv", ["grievance-rules", "test", str(pack)])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert message in err
    assert len(err.strip().splitlines()) == 1
