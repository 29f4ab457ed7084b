"""A clock's trace names the parameters its period was read from, and a dated value's notice.

A pack author whose city changes a limit by a later notice adds a dated value to the
parameter, citing the notice (docs: "adds a dated value rather than editing the old
one"). The finding cites the rule's clause (daye （八）: 5 working days), so its trace
must say that the 3 working days it computed come from the later notice, else a
finding would quote 5 days and compute 3.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

from grievance_rules.engine import evaluate
from grievance_rules.i18n import language
from grievance_rules.model import WorkOrder
from grievance_rules.packs import load_pack
from grievance_rules.reports.traces import trace_text

DAYE = Path(__file__).resolve().parents[2] / "policies" / "daye"
SAMPLE = resources.files("grievance_rules") / "samples" / "orders.jsonl"
NOTICE = "per hubin_2024_3.txt 第五条「一般工单应于签收后3个工作日内答复」"


@pytest.fixture(scope="module")
def revised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """daye with reply_time cut to 3 working days from 2024-01-10 by a later notice."""
    pack = tmp_path_factory.mktemp("revised") / "daye"
    shutil.copytree(DAYE, pack)
    manifest = pack / "pack.yaml"
    text = manifest.read_text(encoding="utf-8")
    source = "sources:\n  - file: hubin_2024_3.txt\n    title: 补充规定\n    issued: 2024-01-10\n"
    manifest.write_text(text.replace("sources:\n", source, 1), encoding="utf-8")
    parameters = pack / "parameters.yaml"
    text = parameters.read_text(encoding="utf-8")
    old = "        value: 5 working days\n        citation: {source: 002_cc7cbe507f08239f.txt"
    assert text.count(old) == 1
    line = text.index("\n", text.index(old) + len(old)) + 1
    added = (
        "      - from: 2024-01-10\n"
        "        value: 3 working days\n"
        "        citation: {source: hubin_2024_3.txt, clause: 第五条, "
        "text: 一般工单应于签收后3个工作日内答复}\n"
    )
    parameters.write_text(text[:line] + added + text[line:], encoding="utf-8")
    return pack


def _reply_clock(order: WorkOrder, pack: object) -> object:
    (clock,) = (c for c in evaluate(order, pack).clocks if c.rule_id == "DY-8b.reply")
    return clock


def _first_sample() -> WorkOrder:
    return WorkOrder.model_validate(json.loads(SAMPLE.read_text(encoding="utf-8").splitlines()[0]))


def test_a_dated_value_from_a_later_notice_is_named_with_its_citation(revised: Path) -> None:
    # S-0001 signed for Thu 2026-02-12 11:00 at 东风社区; office hours 09:00-12:00 and
    # 13:30-17:30 (420 minutes a day); 3 working days = 1,260 minutes: 300 that day,
    # 420 on Fri 02-13, 420 on Sat 02-14 (a make-up working day), then the Spring
    # Festival holidays 02-15 to 02-23, and 120 on Tue 02-24: due 2026-02-24 11:00
    clock = _reply_clock(_first_sample(), load_pack(revised))
    assert clock.due == dt.datetime(2026, 2, 24, 11, 0, tzinfo=clock.due.tzinfo)
    assert clock.due.utcoffset() == dt.timedelta(hours=8)
    assert clock.citation.text == "一般工单应于签收后5个工作日内进行答复"  # the rule's clause
    assert clock.trace[3] == (
        f"duration from parameter reply_time: 3 working days, in force from 2024-01-10, {NOTICE}"
    )
    assert clock.trace[2] == "3 working days (working_time)"
    with language("zh"):
        said = trace_text(clock.trace[3])
    assert said == (
        "时限取自参数 reply_time：3个工作日，自 2024-01-10 起施行，"
        "依据 hubin_2024_3.txt 第五条「一般工单应于签收后3个工作日内答复」"
    )


def test_the_value_of_the_rule_s_own_clause_is_named_without_repeating_it(revised: Path) -> None:
    # received before the notice: the 5 working days of （八）, which the finding cites
    order = _first_sample().model_copy(
        update={"received_at": dt.datetime(2023, 12, 1, 9, 0, tzinfo=dt.UTC)}
    )
    lines = [line for line in _reply_clock(order, load_pack(revised)).trace if "parameter" in line]
    assert "duration from parameter reply_time: 5 working days, in force from 2023-05-19" in lines
    assert not any("per " in line for line in lines)
    # the counting is the pack's own reading, said so
    assert (
        "counting from parameter convention: working_time, in force from 2023-05-19, "
        "the pack's assumption (no source gives it)"
    ) in lines


def test_a_what_if_value_is_said_to_be_overridden() -> None:
    pack = load_pack(DAYE).with_parameters({"reply_time": "4 working days"})
    trace = _reply_clock(_first_sample(), pack).trace
    assert "duration from parameter reply_time: 4 working days, overridden" in trace
    with language("zh"):
        said = trace_text("duration from parameter reply_time: 4 working days, overridden")
    assert said == "时限取自参数 reply_time：4个工作日，为本次运行另行设定的值（what-if）"


def test_points_set_by_a_what_if_run_are_traced_and_said_beside_the_quoted_clause() -> None:
    # what-if --set points_process_unsatisfied=-2: the finding showed -2 beside the clause
    # 「过程不满意件：每件扣1分」 and its trace said nothing of the value having been set
    from grievance_rules.packs import find_pack
    from grievance_rules.reading import read_orders
    from grievance_rules.reports.tables import order_divergence_table
    from grievance_rules.scoring import compare

    pack = find_pack("chengdong")
    variant = pack.with_parameters({"points_process_unsatisfied": -2})
    orders = read_orders(str(SAMPLE)).orders
    found = [
        d
        for order in orders
        for d in evaluate(order, variant).deductions
        if d.rule_id == "CD-A2.3.process-unsatisfied"
    ]
    assert [d.points for d in found] == [-2.0]
    (deduction,) = found
    assert "points from parameter points_process_unsatisfied: -2, overridden" in deduction.trace
    plain = [
        d
        for order in orders
        for d in evaluate(order, pack).deductions
        if d.rule_id == deduction.rule_id
    ]
    assert not any("overridden" in line for d in plain for line in d.trace)
    with language("zh"):
        assert trace_text(deduction.trace[1]) == (
            "分值取自参数 points_process_unsatisfied：-2，为本次运行另行设定的值（what-if）"
        )
        result = compare(orders, [pack, variant])
        (example,) = result.examples
        cells = [row[3] for row in order_divergence_table(result, example).rows]
    assert any(
        "（本次运行设定 points_process_unsatisfied=-2；所引条款为规则包原值）" in str(cell)
        for cell in cells
    )
