"""Scenario reports in Chinese (``grievance-rules --lang zh test``); English as before."""

import dataclasses
from pathlib import Path

import pytest

from grievance_rules.i18n import language
from grievance_rules.testing.scenarios import (
    ScenarioFileError,
    load_scenarios,
    pack_coverage,
    run_scenario,
)

from .lakeside import REPLY_MET, REPLY_WRONG, write_pack

# the late reply (05-08 10:01) against an expectation of "met", with totals expected too
WRONG_WITH_TOTALS = REPLY_WRONG.replace(
    "      deductions: []", "      deductions: []\n      points: 0\n      unit_points: {c1: 0}"
)


def _case(tmp_path):
    path = write_pack(tmp_path, WRONG_WITH_TOTALS) / "scenarios" / "replies.yaml"
    (case,) = load_scenarios(path)
    return case


def test_mismatches_and_the_report_in_chinese(tmp_path) -> None:
    case = _case(tmp_path)
    with language("zh"):
        result = run_scenario(case)
        report = result.report()
    found = (
        "[{rule: LS-1.reply, occurrence: 0, state: breached, due: '2024-05-08T10:00:00+08:00', "
        "start: '2024-05-06T10:00:00+08:00', warning: null, unit: c1, order: L3}]"
    )
    assert result.mismatches == [
        "时限：预期 {rule: LS-1.reply, state: met, due: '2024-05-08T10:00:00+08:00'}；实际为 "
        + found,
        "扣加分：出现未预期的 {rule: LS-3.late, points: -1.0, unit: c1, order: L3, sequence: 1}",
        "分值：预期 0，实际 -1",
        "各单位分值：c1 预期 0，实际 -1",
    ]
    lines = report.splitlines()
    assert (
        lines[0]
        == f"场景 'a late reply expected in time'（replies.yaml 第 1 个用例，第 {case.line} 行）"
    )
    assert lines[1].startswith("  不符 时限：预期 ")
    assert "  时限：" in lines
    header = lines[lines.index("  时限：") + 1]
    assert header.startswith("      预期 ")
    assert header.endswith("│ 实际")
    assert "  分值：预期 0；实际 -1" in lines
    assert "  各单位分值：预期 {c1: 0}；实际 {c1: -1.0}" in lines
    # Mon 05-06 10:00 + 2 working days of 7 working hours (420 min) = Wed 05-08 10:00;
    # the reply at 10:01 is one minute late
    trace = lines.index(
        "  时限 {rule: LS-1.reply, order: L3, state: breached, due: '2024-05-08T10:00:00+08:00', "
        "start: '2024-05-06T10:00:00+08:00', unit: c1, occurrence: 0} 的计算过程："
    )
    assert lines[trace + 1 : trace + 6] == [
        "    2024-05-06T10:00:00+08:00 起算（流转环节 0（派单））",
        "    2个工作日（按工作时间计算）",
        "    时限取自参数 reply_time：2个工作日，自 2024-01-01 起施行",
        "    自起算时刻起按工作时间计 840 分钟（每个工作日 420 分钟）：2024-05-08T10:00:00+08:00",
        "    2024-05-08T10:01:00+08:00 停止计时（流转环节 1（回复））：超时",
    ]
    # the deduction is dated when the clock was breached (its due instant), not at the
    # late reply: a later reply never moves it to another day or period
    assert "    计入：时限 LS-1.reply#0 超时，时间 2024-05-08T10:00:00+08:00" in lines
    assert "    责任单位（承办单位）：c1 东岸社区" in lines  # the unit by id and name
    assert "  引用条款：" in lines


def test_the_report_in_english_is_as_before(tmp_path) -> None:
    case = _case(tmp_path)
    with language("en"):
        result = run_scenario(case)
        lines = result.report().splitlines()
    assert result.mismatches[2:] == [
        "points: expected 0, got -1",
        "unit_points: c1 expected 0, got -1",
    ]
    # the line where the case begins: a failing case is found by it (it had none)
    text = case.file.read_text(encoding="utf-8").splitlines()
    line = text.index("  - name: a late reply expected in time") + 1
    assert case.line == line
    assert lines[0] == (
        f"scenario 'a late reply expected in time' (replies.yaml case 1, line {line})"
    )
    # a scalar is shown without YAML's document end marker ("0\n...")
    assert "  points: expected 0; actual -1" in lines
    assert "    started 2024-05-06T10:00:00+08:00 by event 0 (dispatched)" in lines
    assert "    stopped 2024-05-08T10:01:00+08:00 by event 1 (replied): breached" in lines
    assert "    charged to handling unit: c1 东岸社区" in lines  # the unit by id and name
    assert "  cited:" in lines


def test_coverage_in_chinese(tmp_path) -> None:
    pack = write_pack(tmp_path, REPLY_MET)
    with language("zh"):
        coverage = pack_coverage(pack)
    assert coverage.one_sided == [
        "LS-1.reply（已出现：按时）",
        "LS-2.return-window（已出现：无）",
    ]
    with language("en"):
        coverage = pack_coverage(pack)
    assert coverage.one_sided == [
        "LS-1.reply (seen: met)",
        "LS-2.return-window (seen: nothing)",
    ]


def test_a_scenario_file_refused_in_chinese(tmp_path) -> None:
    path = write_pack(tmp_path, REPLY_MET) / "scenarios" / "replies.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("as_of: 2024-05-09T00:00:00+08:00", "as_of: 2024-05-09T00:00:00"),
        encoding="utf-8",
    )
    with language("zh"), pytest.raises(ScenarioFileError) as failure:
        load_scenarios(path)
    assert str(failure.value) == (
        f"{path}：第 1 个用例（reply one minute before the two working days are up）："
        "as_of：'2024-05-09T00:00:00' 不是带时区偏移的 ISO 8601 时刻"
    )
    path.write_text(text.replace("state: met,", "stat: met,"), encoding="utf-8")
    with language("zh"), pytest.raises(ScenarioFileError) as failure:
        load_scenarios(path)
    assert str(failure.value) == (
        f"{path}：第 1 个用例（reply one minute before the two working days are up）："
        "expect.clocks[0].stat：无法识别的字段；时限的字段为 absent、due、occurrence、order、"
        "rule、start、state、unit、warning"
    )


def test_an_order_of_a_case_refused_in_chinese(tmp_path) -> None:
    path = write_pack(
        tmp_path, REPLY_MET.replace("      id: L1", "      id: L1\n      category: wish")
    )
    (case,) = load_scenarios(path / "scenarios" / "replies.yaml")
    with language("zh"), pytest.raises(ScenarioFileError) as failure:
        run_scenario(case)
    message = str(failure.value)
    assert "：第 1 个用例（reply one minute before the two working days are up）：" in message
    assert "：第 1 张工单（L1）：category：应为以下之一：咨询、求助、投诉、举报、建议" in message


def test_a_parameter_s_value_in_a_trace_with_the_pack_s_chinese_label() -> None:
    # chengdong's 续报 at risk of a second 续报, its 提级办理 left out of the expectation:
    # the unexpected escalation's trace is shown, with second_continuation_risk's label
    path = Path(__file__).resolve().parents[2] / "policies/chengdong/scenarios/continuations.yaml"
    case = next(c for c in load_scenarios(path) if c.name.startswith("续报 at risk"))
    case = dataclasses.replace(case, expect={**case.expect, "escalations": []})
    with language("zh"):
        lines = run_scenario(case).report().splitlines()
    assert (
        "    参数 second_continuation_risk：reached（续报亮红灯之时即应申请，办结后仍计）（是）"
        in lines
    )
    with language("en"):
        lines = run_scenario(case).report().splitlines()
    assert "    parameter second_continuation_risk: reached (yes)" in lines
