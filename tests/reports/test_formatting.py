"""The words of the reports: periods, units and states in each language (traces: test_traces)."""

from __future__ import annotations

from grievance_rules.i18n import language
from grievance_rules.model import Unit
from grievance_rules.reports.formatting import (
    outcome_text,
    period_text,
    role_text,
    unit_kind_label,
    unit_names_of,
    unit_with_name,
)


def test_english_periods_and_outcomes_read_as_the_engine_wrote_them():
    assert period_text("week of 2024-05-06") == "week of 2024-05-06"
    assert outcome_text("breached, met") == "breached, met"
    assert outcome_text("电话督办, 公函督办，限时办结") == "电话督办, 公函督办，限时办结"


def test_chinese_periods_states_and_roles():
    with language("zh"):
        assert period_text("week of 2024-05-06") == "2024-05-06 当周"
        assert period_text("2024-Q2") == "2024-Q2"
        assert outcome_text("breached, met") == "超时、按时"
        assert outcome_text("-1") == "-1"
        # escalations' actions under one topic, as compare joins them: listed with 、
        assert outcome_text("电话督办, 公函督办，限时办结") == "电话督办、公函督办，限时办结"
        assert unit_kind_label("street_office") == "街道办公室（中心）"
        assert role_text("party_secretary") == "村（社区）书记"


def test_a_unit_by_id_and_name_as_the_tables_for_people_write_it():
    units = [
        Unit(id="c07", name="东风社区", kind="village_community"),
        Unit(id="c08", kind="village_community"),  # no name
        Unit(id="c07", name="东风村", kind="village_community"),  # the first name wins
    ]
    names = unit_names_of(units)
    assert names == {"c07": "东风社区"}
    assert unit_with_name("c07", names) == "c07 东风社区"
    assert unit_with_name("c08", names) == "c08"
    assert unit_with_name("c09", {"c09": "c09"}) == "c09"  # a name that is its id


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


def test_a_deadline_missing_from_the_start_event_names_that_event() -> None:
    # daye's 公函督办 clock is due at the deadline the letter (a supervision) sets; a letter
    # recorded without one: the warning names the letter, not the order
    import datetime as dt

    from grievance_rules.engine import evaluate
    from grievance_rules.model import WorkOrder
    from grievance_rules.reports.formatting import warning_text

    order = WorkOrder.model_validate(
        {
            "id": "L3",
            "received_at": "2024-05-06T09:00:00+08:00",
            "channel": "12345",
            "category": "投诉",
            "units": [
                {"id": "rx", "name": "市12345公共热线服务中心", "kind": "市热线中心"},
                {"id": "ljq", "name": "罗家桥街道", "kind": "街道"},
            ],
            "events": [
                {"type": "dispatched", "at": "2024-05-06T09:30:00+08:00", "unit": "rx",
                 "to_unit": "ljq"},
                {"type": "supervision", "at": "2024-05-09T10:00:00+08:00", "unit": "rx",
                 "level": "市督办", "mode": "书面督办", "to_unit": "ljq"},
            ],
        }
    )  # fmt: skip
    assessment = evaluate(order, "daye", dt.datetime(2024, 5, 16, 9, tzinfo=dt.UTC))
    (warning,) = [w for w in assessment.warnings if w.code == "missing_deadline"]
    assert warning.message == (
        "DY-12.letter-deadline: the supervision event has no deadline; the clock cannot run "
        "(no written time limit applies to it under this rule)"
    )
    with language("zh"):
        said = warning_text(
            warning.code, warning.message, warning.rule_id, event_type=warning.event_type
        )
        assert said == "DY-12.letter-deadline：督办未写明期限，本规则的时限不适用于该工单"


def test_the_evaluate_table_names_the_letter_a_deadline_is_missing_from() -> None:
    # the table reads the warning's event_type (the letter is a supervision: 督办), as
    # it said before from the English message
    import datetime as dt

    from grievance_rules.cli.evaluate import _table
    from grievance_rules.engine import evaluate
    from grievance_rules.model import WorkOrder

    order = WorkOrder.model_validate(
        {
            "id": "L4",
            "received_at": "2024-05-06T09:00:00+08:00",
            "channel": "12345",
            "category": "投诉",
            "units": [
                {"id": "rx", "name": "市12345公共热线服务中心", "kind": "市热线中心"},
                {"id": "ljq", "name": "罗家桥街道", "kind": "街道"},
            ],
            "events": [
                {"type": "dispatched", "at": "2024-05-06T09:30:00+08:00", "unit": "rx",
                 "to_unit": "ljq"},
                {"type": "supervision", "at": "2024-05-09T10:00:00+08:00", "unit": "rx",
                 "level": "市督办", "mode": "书面督办", "to_unit": "ljq"},
            ],
        }
    )  # fmt: skip
    assessment = evaluate(order, "daye", dt.datetime(2024, 5, 16, 9, tzinfo=dt.UTC))
    with language("zh"):
        lines = _table(assessment, order)
    said = [line for line in lines if "DY-12.letter-deadline：" in line]
    assert len(said) == 1
    assert said[0].endswith("DY-12.letter-deadline：督办未写明期限，本规则的时限不适用于该工单")
