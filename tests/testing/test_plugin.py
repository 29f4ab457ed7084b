"""The pytest plugin on a third party's pack, run by pytester in a temporary folder."""

import subprocess
import sys

import pytest

# pytester runs pytest in this process and afterwards drops the modules the run
# imported; importing what the scenarios use here keeps one copy of each module
import grievance_rules.engine
import grievance_rules.packs
import grievance_rules.testing.scenarios  # noqa: F401

from .lakeside import REPLY_BREACHED, REPLY_MET, REPLY_WRONG, write_pack

PLAIN = ("-p", "no:cacheprovider", "-p", "no:randomly")


def test_a_third_party_pack_gets_its_scenarios_collected_one_test_per_case(pytester):
    write_pack(pytester.path, REPLY_MET, REPLY_BREACHED)
    result = pytester.runpytest("-v", *PLAIN)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*lakeside/scenarios/replies.yaml::reply one minute before the two working days are up "
            "PASSED*",
            "*lakeside/scenarios/replies.yaml::reply one minute after the two working days are up "
            "PASSED*",
        ]
    )


def test_a_failing_case_shows_expected_and_actual_side_by_side_with_citations(pytester):
    write_pack(pytester.path, REPLY_MET, REPLY_WRONG)
    result = pytester.runpytest(*PLAIN)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "scenario 'a late reply expected in time' (replies.yaml case 2, line *)",
            "  clocks:",
            "      expected * │ actual",
            "    ≠ {rule: LS-1.reply, state: met, due: '2024-05-08T10:00:00+08:00'} │ "
            "{rule: LS-1.reply, state: breached, due: '2024-05-08T10:00:00+08:00'}",
            "  deductions:",
            "    + * │ {rule: LS-3.late, order: L3, points: -1.0, unit: c1, sequence: 1}",
            "  trace of clock *",
            "    stopped 2024-05-08T10:01:00+08:00 by event 1 (replied): breached",
            "  cited:",
            "    LS-1.reply: lakeside.txt 第一条「承办单位应在两个工作日内回复」",
            "    LS-3.late: lakeside.txt 第三条「超期回复的每件扣1分」",
        ]
    )
    # the report replaces the traceback
    assert "Traceback" not in result.stdout.str()
    assert "ScenarioMismatchError" not in result.stdout.str()


def test_only_scenario_files_beside_a_pack_are_collected(pytester):
    write_pack(pytester.path, REPLY_MET)
    loose = pytester.path / "notes" / "scenarios"
    loose.mkdir(parents=True)
    (loose / "draft.yaml").write_text("cases: [oops]\n", encoding="utf-8")
    result = pytester.runpytest("--collect-only", "-q", *PLAIN)
    result.stdout.fnmatch_lines(["*replies.yaml::reply one minute before*", "1 test collected*"])


def test_another_projects_pack_yaml_and_scenarios_are_left_alone(pytester):
    # a tool of its own with a pack.yaml and scenarios/: its run broke ("a scenario file
    # has 'cases:', a list / Interrupted: 1 error during collection")
    tool = pytester.path / "tool" / "scenarios"
    tool.mkdir(parents=True)
    (tool.parent / "pack.yaml").write_text("name: x\n", encoding="utf-8")
    (tool / "smoke.yaml").write_text("users: 10\n", encoding="utf-8")
    pytester.makepyfile(test_ok="def test_ok():\n    assert True\n")
    result = pytester.runpytest(*PLAIN)
    result.assert_outcomes(passed=1)


def test_a_broken_scenario_file_is_a_collection_error_naming_case_and_field(pytester):
    pack = write_pack(pytester.path, REPLY_MET.replace("deductions: []", "deduction: []"))
    result = pytester.runpytest(*PLAIN)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            f"*{pack / 'scenarios' / 'replies.yaml'}: case 1 (reply one minute before the two "
            "working days are up): expect.deduction: unknown; one of clocks, deductions, *"
        ]
    )


def test_an_invalid_order_fails_its_case_with_the_field_named(pytester):
    bad = REPLY_MET.replace("09:59:00+08:00, unit: c1}", "09:59:00+08:00, unit: c1, round: 0}")
    write_pack(pytester.path, bad)
    result = pytester.runpytest(*PLAIN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*case 1 (*): order 1 (L1): events[[]1].round: "
            "Input should be greater than or equal to 1 (got 0)*"
        ]
    )


@pytest.mark.slow
def test_importing_the_plugin_does_not_import_the_engine():
    code = (
        "import sys, grievance_rules.testing.pytest_plugin\n"
        "heavy = ('grievance_rules.engine', 'durable', 'grievance_rules.packs', "
        "'grievance_rules.testing.scenarios', 'grievance_rules.model', 'hypothesis')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_case_with_name_zh_keeps_its_english_test_id_and_is_reported_in_chinese(
    pytester, monkeypatch
):
    # name_zh changes what people read under Chinese, not the test id (the name)
    monkeypatch.setenv("GRIEVANCE_RULES_LANG", "zh")
    wrong = REPLY_WRONG.replace(
        "  - name: a late reply expected in time\n",
        "  - name: a late reply expected in time\n    name_zh: 超期回复却预期按时\n",
    )
    write_pack(pytester.path, wrong)
    result = pytester.runpytest("-v", *PLAIN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*lakeside/scenarios/replies.yaml::a late reply expected in time FAILED*",
            "场景 '超期回复却预期按时（a late reply expected in time）'"
            "（replies.yaml 第 1 个用例，第 10 行）",
        ]
    )
