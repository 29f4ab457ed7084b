"""The engine's trace lines as people read them: 简体中文 line for line, English as stored.

The engine writes every trace in English (it is data, byte-compared across
backends); :mod:`grievance_rules.reports.traces` says each line in Chinese when a
report is read in Chinese. The Chinese below is written by hand, one line for
each form of line the engine writes.
"""

from __future__ import annotations

import itertools
import re

import pytest

from grievance_rules.engine import RepeatIndex, evaluate_many
from grievance_rules.i18n import language
from grievance_rules.packs import find_pack
from grievance_rules.reports.formatting import unit_names_of
from grievance_rules.reports.traces import parameter_labels, trace_joined, trace_text
from grievance_rules.samples import generate_orders
from grievance_rules.scoring import score

T = "2025-01-02T09:31:00+08:00"
U = "2025-01-03T09:31:00+08:00"

LINES = [
    # a clock: how it starts
    (f"started {T} by event 0 (dispatched)", f"{T} 起算（流转环节 0（派单））"),
    (f"started {T} by the order's receipt", f"{T} 起算（工单受理）"),
    (
        f"started {T} by the due instant of DY-7a.signoff: no signed_for event, so the clock "
        "runs from the latest it should have happened",
        f"{T} 起算（DY-7a.signoff 的到期时刻）：没有签收记录，按其最迟应发生的时刻起算",
    ),
    (
        "the assignment of c14: its own clock, stopped by its own events",
        "c14 承办期间：单独计时，以该单位自己的办理环节停止",
    ),
    # its time limit, and the steps of the deadline (calendar.wording)
    ("1 working day (working_time)", "1个工作日（按工作时间计算）"),
    ("3 natural days (civil_code)", "3个自然日（按民法典的期间计算方法）"),
    ("1 hour (elapsed)", "1小时（按自然时间连续计算）"),
    ("same day (working_time)", "当日（按工作时间计算）"),
    (
        f"420 working minutes (420 per working day) from the start, through office hours: {U}",
        f"自起算时刻起按工作时间计 420 分钟（每个工作日 420 分钟）：{U}",
    ),
    ("received after closing time: the next working day", "下班后受理：顺延至下一个工作日"),
    ("counted make-up day 2025-01-26", "计入调休上班日 2025-01-26"),
    (
        f"due at the deadline written on the order: reply_deadline = {U}",
        f"按工单载明的办理期限到期：{U}",
    ),
    (
        f"due at the deadline written on the start event: committed_deadline = {U}",
        f"按起算环节载明的期限到期：{U}",
    ),
    (
        f"never after the due instant of XY-7.district: {U} becomes {T}",
        f"不晚于 XY-7.district 的到期时刻：到期时间由 {U} 提前至 {T}",
    ),
    # what moves or stops it
    (
        "event 3 (replied) does not stop the clock "
        "(kind: preliminary; parameter preliminary_reply_stops: false)",
        "流转环节 3（回复）不停止计时（初步回复；参数 preliminary_reply_stops 为否）",
    ),
    (
        "extension of event 4 granted after the due instant: not counted",
        "流转环节 4 的延期在到期后才批准：不予计入",
    ),
    (f"extension granted by event 4: due {U}", f"流转环节 4 批准延期：到期时间改为 {U}"),
    (
        f"capped at 30 working days from the start: {U}",
        f"延期后最长至起算后30个工作日：{U}",
    ),
    (
        f"paused from event 2 ({T}) to {U}: due moves to {U}",
        f"自流转环节 2（{T}）至 {U} 暂停计时：到期时间顺延至 {U}",
    ),
    (
        f"the order was taken from c09 {T} by event 2 (reassigned): already late when it left",
        f"{T} 工单从 c09 转出（流转环节 2（改派））：转出时已超时",
    ),
    (
        f"the order was taken from c11 {T} by event 3 (return_decided): not charged",
        f"{T} 工单从 c11 转出（流转环节 3（退单审核））：不计责任",
    ),
    (f"stopped {U} by event 1 (signed_for): met", f"{U} 停止计时（流转环节 1（签收））：按时"),
    (f"not stopped by {U} (as_of): running", f"截至 {U} 仍未停止计时：计时中"),
    # a window
    (f"opened {T} by event 0 (dispatched)", f"{T} 起算（流转环节 0（派单））"),
    (f"opened {T} by the order's receipt", f"{T} 起算（工单受理）"),
    (
        f"0.5 working days (working_time, half day: half_minutes): closes {U}",
        f"半个工作日（按工作时间计算）：{U} 截止",
    ),
    (
        f"event 2 (return_requested) at {U}: late",
        f"流转环节 2（退单申请） 于 {U}：逾期",
    ),
    # a deduction
    (
        f"counted clock CD-5.written-deadline#0 breached at {U}",
        f"计入：时限 CD-5.written-deadline#0 超时，时间 {U}",
    ),
    (
        f"counted window CD-2.return-window event 1 late at {U}",
        f"计入：期限 CD-2.return-window 流转环节 1 逾期，时间 {U}",
    ),
    (
        f"counted escalation CD-7.interview-office at {U}",
        f"计入：督促措施 CD-7.interview-office，时间 {U}",
    ),
    ("points from the event: -2", "分值取自该环节记录：-2"),
    (
        "occurrence 2 on this order: -1 × 2^1 = -2",
        "本工单第 2 次（逐次加倍）：-1 × 2^1 = -2",
    ),
    ("capped at 5 per order: -4 becomes -2", "每件工单以 5 分为限：-4 计为 -2"),
    (
        "capped at 5 per order, parameter cap_n: -4 becomes -2",
        "每件工单以 5 分为限：-4 计为 -2（参数 cap_n）",
    ),
    ("charged to handling unit: c01", "责任单位（承办单位）：c01"),
    ("charged to trigger unit: c05", "责任单位（该环节的办理单位）：c05"),
    ("charged to subject unit: cgb", "责任单位（该环节涉及的单位）：cgb"),
    (
        "cgb is a street_office; the points count for village_community only, "
        "parameter annex2_assesses: 0",
        "cgb 为街道办公室（中心），扣加分只计村（社区）：记 0 分（参数 annex2_assesses）",
    ),
    # an escalation's or a record's condition
    ("2 occurrences (>= 2)", "出现 2 次（不少于 2）"),
    ("1 occurrences (== 1, parameter n)", "出现 1 次（等于 1，参数 n）"),
    ("2 distinct by to_unit (>= 2)", "涉及 2 个不同的接收单位（不少于 2）"),
    ("2 distinct by unit (>= 2)", "涉及 2 个不同的办理单位（不少于 2）"),
    ("not (0 occurrences)", "排除情形出现 0 次"),
    (
        "3 orders by this complainant on this issue within calendar_month, "
        "parameter on_site_within",
        "受理当月内同一诉求人就同一问题的工单 3 件（参数 on_site_within）",
    ),
    (
        "4 complainants on this issue within 30 (>= 3, parameter on_site_at_least)",
        "此前 30 个自然日内就同一问题反映的诉求人 4 位（不少于 3，参数 on_site_at_least）",
    ),
    ("counted event 5 (callback)", "计入：流转环节 5（回访）"),
    (
        "counted clock CD-7.continuation#0 reached red (0.75 of its period, parameter "
        "warning_red: 1575 of 2100 minutes of office time from its start "
        f"2024-05-06T09:00:00+08:00) at {U}",
        "计入：时限 CD-7.continuation#0 亮红灯（用去期限的 0.75，参数 warning_red："
        "自 2024-05-06T09:00:00+08:00 起算，共 2100 分钟工作时间中已用 1575 分钟），"
        f"时间 {U}",
    ),
    (
        "counted clock X-1.reply#1 running, reached yellow (0.5 of its period: 30 of 60 "
        "minutes of clock time from its start 2024-05-06T09:00:00+08:00)",
        "计入：时限 X-1.reply#1 亮黄灯（用去期限的 0.5：自 2024-05-06T09:00:00+08:00 起算，"
        "共 60 分钟自然时间中已用 30 分钟）；当前计时中",
    ),
    (f"counted event 1 (return_requested) at {U}", f"计入：流转环节 1（退单申请），时间 {U}"),
    # a period finding and a ranking
    (
        "clock:XY-2.first-handling,XY-4.second-handling:breached: 2 (>= 1: yes)",
        "时限 XY-2.first-handling、XY-4.second-handling 超时：2（不少于 1：是）",
    ),
    (
        "deduction:CD-A2.3.process-unsatisfied: 1 (== 1: yes)",
        "扣加分 CD-A2.3.process-unsatisfied：1（等于 1：是）",
    ),
    (
        "deduction:CD-A2.3.process-unsatisfied: 0 (>= 2, parameter weekly_n: no)",
        "扣加分 CD-A2.3.process-unsatisfied：0（不少于 2，参数 weekly_n：否）",
    ),
    ("parameter weekly_other_deductions: any (yes)", "参数 weekly_other_deductions：any（是）"),
    (
        "2 of the 3 lowest of 17 units (village_community): -2.5 points, "
        "the place shared with c15, c16",
        "17个单位（村（社区））中排名后3位，倒数第2：-2.5分，与c15、c16并列",
    ),
    (
        "the 3 lowest: parameter bottom_n, in force on 2024-05-31",
        "后3位：参数 bottom_n，取2024-05-31施行的值",
    ),
    (
        "the tie at place 2 crosses the boundary: all tied units named",
        "第2位并列跨越界线：并列单位全部列入",
    ),
    # a comparison's details, and what a deduction counted
    (
        "CD-5.provincial-urgent: due 2026-02-14 10:30",
        "CD-5.provincial-urgent: 到期 2026-02-14 10:30",
    ),
    ("CD-A2.7.redo-city: event 10 (redo_ordered)", "CD-A2.7.redo-city: 流转环节 10（重办）"),
    ("event 4 (callback)", "流转环节 4（回访）"),
    ("clock CD-5.x#0 breached", "时限 CD-5.x#0 超时"),
]


@pytest.mark.parametrize(("english", "chinese"), LINES, ids=[e for e, _c in LINES])
def test_each_line_in_chinese(english: str, chinese: str) -> None:
    with language("zh"):
        assert trace_text(english) == chinese


def test_english_reads_as_the_engine_wrote_it() -> None:
    lines = [english for english, _chinese in LINES] + ["something else entirely"]
    with language("en"):
        assert [trace_text(line) for line in lines] == lines
        assert trace_joined(lines[:2]) == "; ".join(lines[:2])


def test_a_trace_on_one_line_and_what_is_not_the_engines_shown_as_it_is() -> None:
    with language("zh"):
        assert trace_joined([f"started {T} by event 0 (dispatched)", "1 hour (elapsed)"]) == (
            f"{T} 起算（流转环节 0（派单））；1小时（按自然时间连续计算）"
        )
        assert trace_text("书面交办") == "书面交办"  # an escalation's action, from the pack
        assert trace_text("something else entirely") == "something else entirely"
        assert trace_text("soon (elapsed)") == "soon (elapsed)"  # no duration


NAMES = {
    "c09": "东风社区",
    "c11": "南湖村",
    "cgb": "城管办公室",
    "c15": "丰收村",
    "c16": "滨江社区",
}

NAMED = [
    # (the engine's line, in Chinese, in English): each unit by its id and name
    (
        "the assignment of c09: its own clock, stopped by its own events",
        "c09 东风社区 承办期间：单独计时，以该单位自己的办理环节停止",
        "the assignment of c09 东风社区: its own clock, stopped by its own events",
    ),
    (
        f"the order was taken from c09 {T} by event 2 (reassigned): already late when it left",
        f"{T} 工单从 c09 东风社区 转出（流转环节 2（改派））：转出时已超时",
        f"the order was taken from c09 东风社区 {T} by event 2 (reassigned): "
        "already late when it left",
    ),
    (
        f"the order was taken from c11 {T} by event 3 (return_decided): not charged",
        f"{T} 工单从 c11 南湖村 转出（流转环节 3（退单审核））：不计责任",
        f"the order was taken from c11 南湖村 {T} by event 3 (return_decided): not charged",
    ),
    (
        "charged to handling unit: c09",
        "责任单位（承办单位）：c09 东风社区",
        "charged to handling unit: c09 东风社区",
    ),
    (
        "charged to trigger unit: c11",
        "责任单位（该环节的办理单位）：c11 南湖村",
        "charged to trigger unit: c11 南湖村",
    ),
    (
        "charged to subject unit: cgb",
        "责任单位（该环节涉及的单位）：cgb 城管办公室",
        "charged to subject unit: cgb 城管办公室",
    ),
    (
        "cgb is a street_office; the points count for village_community only, "
        "parameter annex2_assesses: 0",
        "cgb 城管办公室 为街道办公室（中心），扣加分只计村（社区）："
        "记 0 分（参数 annex2_assesses）",
        "cgb 城管办公室 is a street_office; the points count for village_community only, "
        "parameter annex2_assesses: 0",
    ),
    (
        "2 of the 3 lowest of 17 units (village_community): -2.5 points, "
        "the place shared with c15, c16",
        "17个单位（村（社区））中排名后3位，倒数第2：-2.5分，与c15 丰收村、c16 滨江社区并列",
        "2 of the 3 lowest of 17 units (village_community): -2.5 points, "
        "the place shared with c15 丰收村, c16 滨江社区",
    ),
    (  # a unit without a name keeps its id
        "2 of the 3 lowest of 17 units (village_community): -2.5 points, "
        "the place shared with c15, c99",
        "17个单位（村（社区））中排名后3位，倒数第2：-2.5分，与c15 丰收村、c99并列",
        "2 of the 3 lowest of 17 units (village_community): -2.5 points, "
        "the place shared with c15 丰收村, c99",
    ),
    ("charged to handling unit: c99", "责任单位（承办单位）：c99", "charged to handling unit: c99"),
]


@pytest.mark.parametrize(("english", "chinese", "named"), NAMED, ids=[e for e, _c, _n in NAMED])
def test_a_unit_a_line_names_is_named_by_id_and_name(
    english: str, chinese: str, named: str
) -> None:
    with language("zh"):
        assert trace_text(english, unit_names=NAMES) == chinese
    with language("en"):
        assert trace_text(english, unit_names=NAMES) == named


def test_units_named_in_a_trace_on_one_line() -> None:
    lines = [f"counted event 1 (return_requested) at {U}", "charged to trigger unit: c11"]
    with language("zh"):
        assert trace_joined(lines, unit_names=NAMES) == (
            f"计入：流转环节 1（退单申请），时间 {U}；责任单位（该环节的办理单位）：c11 南湖村"
        )
    with language("en"):
        assert trace_joined(lines, unit_names=NAMES) == (
            f"counted event 1 (return_requested) at {U}; charged to trigger unit: c11 南湖村"
        )


def test_a_line_naming_no_unit_reads_the_same_with_names() -> None:
    plain = [e for e, _c in LINES if not re.search(r"\b(c\d\d|cgb)\b", e)]
    assert len(plain) > 50
    with language("en"):
        assert [trace_text(line, unit_names=NAMES) for line in plain] == plain
    with language("zh"):
        assert trace_text(f"started {T} by event 0 (dispatched)", unit_names=NAMES) == (
            f"{T} 起算（流转环节 0（派单））"
        )


def _english_left(text: str, units: set[str]) -> list[str]:
    """The Latin words of a Chinese line other than rule ids, parameter names, unit ids and
    the names of source files.

    A parameter's value after its name (``参数 second_continuation_risk：reached``) is the
    code a user sets with ``--set``, as the name is; ``any`` is a value of chengdong's
    parameter weekly_other_deductions.
    """
    text = re.sub(r"\d{4}-\d{2}-\d{2}T[\d:.]+[+-]\d{2}:\d{2}", " ", text)  # instants
    text = re.sub(r"参数 [a-z0-9_]+(：[a-z_]+)?", " ", text)  # a parameter (and its value)
    text = re.sub(r"[\w-]+\.(txt|md|pdf|docx?)", " ", text)  # a source file's name
    words = re.findall(r"[A-Za-z][A-Za-z0-9_.#-]*", text)
    kept = re.compile(r"[A-Z]{2}-[A-Za-z0-9_.#-]+|[a-z0-9]+(?:_[a-z0-9]+)+|any")
    return [word for word in words if not kept.fullmatch(word) and word not in units]


@pytest.fixture(scope="module")
def sample_lines() -> tuple[set[str], dict[str, str], set[str]]:
    """Every line the engine writes on sample orders (three packs); the units' names and ids."""
    orders = list(generate_orders(400, seed=1, months=3))
    repeats = RepeatIndex.from_orders(orders)
    lines: set[str] = set()
    for pack in ("chengdong", "daye", "xiayang"):
        for result in evaluate_many(orders, pack, repeats=repeats):
            assert result.assessment is not None
            found = result.assessment
            for finding in itertools.chain(
                found.clocks, found.windows, found.deductions, found.escalations, found.records
            ):
                lines.update(finding.trace)
            lines.update(deduction.occurrence for deduction in found.deductions)
        for period in ("month", "week"):
            for finding in score(orders, pack, period=period).findings():
                lines.update(finding.trace)
    assert len(lines) > 500
    units = [unit for order in orders for unit in order.units]
    return lines, unit_names_of(units), {unit.id for unit in units}


def test_every_line_the_engine_writes_on_sample_orders_reads_in_chinese(sample_lines) -> None:
    lines, names, units = sample_lines
    with language("zh"):
        left = {line: _english_left(trace_text(line, unit_names=names), units) for line in lines}
    assert {line: words for line, words in left.items() if words} == {}


def test_in_english_a_line_of_the_sample_orders_reads_as_written_but_for_unit_names(
    sample_lines,
) -> None:
    lines, names, _units = sample_lines
    named = 0
    with language("en"):
        for line in lines:
            shown = trace_text(line, unit_names=names)
            named += shown != line
            for unit, name in names.items():
                shown = shown.replace(f"{unit} {name}", unit)
            assert shown == line
    assert named > 50  # the lines that charge a unit, hand it over, rank it ...


LABELS = {
    "second_continuation_risk": {
        "reached": "续报亮红灯之时即应申请，办结后仍计",
        "while_running": "仅限续报仍在办理且处于红灯时",
    }
}


def test_a_parameter_s_value_in_chinese_with_its_label() -> None:
    line = "parameter second_continuation_risk: reached (yes)"
    with language("zh"):
        assert trace_text(line, parameter_labels=LABELS) == (
            "参数 second_continuation_risk：reached（续报亮红灯之时即应申请，办结后仍计）（是）"
        )
        assert trace_joined(["2 occurrences (>= 2)", line], parameter_labels=LABELS) == (
            "出现 2 次（不少于 2）；"
            "参数 second_continuation_risk：reached（续报亮红灯之时即应申请，办结后仍计）（是）"
        )
        # a value or a parameter without a label, or no labels given: the code alone
        assert trace_text(
            "parameter weekly_other_deductions: any (yes)", parameter_labels=LABELS
        ) == ("参数 weekly_other_deductions：any（是）")
        assert trace_text(
            "parameter second_continuation_risk: other (no)", parameter_labels=LABELS
        ) == ("参数 second_continuation_risk：other（否）")
        assert trace_text(line) == "参数 second_continuation_risk：reached（是）"
    with language("en"):  # the code is the English word: as the engine wrote it
        assert trace_text(line, parameter_labels=LABELS) == line


def test_a_pack_s_parameter_labels() -> None:
    labels = parameter_labels(find_pack("chengdong"))
    assert labels["second_continuation_risk"] == LABELS["second_continuation_risk"]
    assert labels["callback_orders"] == {
        "replied": "所有已回复的投诉件",
        "respond_at_once": "仅限接诉即办件（三（五）要求当日回复）",
    }
    assert "warning_red" not in labels  # a number: no labels
