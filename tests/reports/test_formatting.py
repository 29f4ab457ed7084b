"""The words of the reports: periods, traces, units and states in each language."""

from __future__ import annotations

from grievance_rules.i18n import language
from grievance_rules.reports.formatting import (
    outcome_text,
    period_text,
    role_text,
    trace_text,
    unit_kind_label,
    unit_label,
)

RANKED = "1 of the 3 lowest of 6 units (village_community): -1 points, the place shared with c02"


def test_english_traces_and_periods_read_as_the_engine_wrote_them():
    for line in (
        "deduction:CD-A2.3.process-unsatisfied: 1 (== 1: yes)",
        RANKED,
        "the 3 lowest: parameter bottom_n, in force on 2024-05-31",
        "CD-5.provincial-urgent: due 2026-02-14 10:30",
        "something else entirely",
    ):
        assert trace_text(line) == line
    assert period_text("week of 2024-05-06") == "week of 2024-05-06"
    assert outcome_text("breached, met") == "breached, met"


def test_chinese_traces_periods_and_states():
    with language("zh"):
        assert trace_text("deduction:CD-A2.3.process-unsatisfied: 1 (== 1: yes)") == (
            "扣加分 CD-A2.3.process-unsatisfied：1（== 1：是）"
        )
        assert (
            trace_text("clock:CD-5.x:breached: 2 (>= 1: no)") == "时限 CD-5.x 超时：2（>= 1：否）"
        )
        assert trace_text(RANKED) == "6个单位（村（社区））中排名后3位，倒数第1：-1分，与c02并列"
        assert trace_text("the 3 lowest: parameter bottom_n, in force on 2024-05-31") == (
            "后3位：参数 bottom_n，取2024-05-31施行的值"
        )
        assert trace_text("CD-5.provincial-urgent: due 2026-02-14 10:30") == (
            "CD-5.provincial-urgent: 到期 2026-02-14 10:30"
        )
        assert period_text("week of 2024-05-06") == "2024-05-06 当周"
        assert trace_text("event 4 (callback)") == "流转环节 4（回访）"
        assert trace_text("clock CD-5.x#0 breached") == "时限 CD-5.x#0 超时"
        assert period_text("2024-Q2") == "2024-Q2"
        assert outcome_text("breached, met") == "超时、按时"
        assert outcome_text("-1") == "-1"
        assert unit_kind_label("street_office") == "街道办公室（中心）"
        assert role_text("party_secretary") == "村（社区）书记"
    assert unit_label("c07", {"c07": "东风社区"}) == "东风社区 (c07)"
    assert unit_label("c08", {}) == "c08"


def test_every_data_warning_the_engine_gives_reads_in_chinese():
    import re
    from pathlib import Path

    from grievance_rules.i18n import language
    from grievance_rules.reports.formatting import warning_text

    engine = Path(__file__).resolve().parents[2] / "src" / "grievance_rules" / "engine"
    codes = set()
    for source in engine.glob("*.py"):
        codes |= set(re.findall(r"\.warn\(\s*\"([a-z_]+)\"", source.read_text(encoding="utf-8")))
    assert len(codes) >= 7, codes  # the codes found by hand: seven
    with language("zh"):
        for code in codes:
            text = warning_text(code, "R-1: an English message", "R-1")
            assert text != "R-1: an English message", code
            assert re.search(r"[\u4e00-\u9fff]", text), code
    with language("zh"):
        assert warning_text("missing_deadline", "R-1: x", "R-1") == (
            "R-1：工单未填写书面期限，本规则的时限不适用于该工单"
        )
    with language("en"):
        assert warning_text("missing_deadline", "R-1: x", "R-1") == "R-1: x"
