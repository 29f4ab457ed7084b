"""Counts, repeats, caps and rankings read from dated parameters.

The demo pack is copied with its thresholds turned into parameters whose value
changes on 1 July 2024, so that the same order or week is judged one way before
that date and another way after it.
"""

from __future__ import annotations

import datetime as dt
import functools
import shutil
from pathlib import Path

import pytest
import yaml

from grievance_rules.engine import RepeatIndex, evaluate_periods
from grievance_rules.engine import evaluate as checked_evaluate
from grievance_rules.errors import PackError
from grievance_rules.packs import Pack, load_pack

from .conftest import HERE, at, dispatched, make_order, same_complaint

# small hand-built histories that exercise one threshold each; the history checks
# are tested in tests/engine/test_input_checks.py
evaluate = functools.partial(checked_evaluate, check_history=False)

CHANGE = "2024-07-01"

PARAMETERS = {
    "continuations_for_interview": [(2, "2024-01-01"), (3, CHANGE)],
    "repeat_orders": [(3, "2024-01-01"), (2, CHANGE)],
    "repeat_within": [("calendar_month", "2024-01-01"), (30, CHANGE)],
    "redo_cap": [(3, "2024-01-01"), (7, CHANGE)],
    "weekly_interview_from": [(2, "2024-01-01"), (3, "2024-07-03")],  # a Wednesday
    "ranked_bottom": [(3, "2024-01-01"), (1, CHANGE)],
}

EDITS = {
    "escalations.yaml": [
        (
            "when: {count: {event: continuation}, at_least: 2}",
            "when: {count: {event: continuation}, at_least: {param: continuations_for_interview}}",
        ),
        (
            "when: {repeat: complainant, within: calendar_month, at_least: 3}",
            "when: {repeat: complainant, within: {param: repeat_within}, "
            "at_least: {param: repeat_orders}}",
        ),
    ],
    "deductions.yaml": [
        (
            "    progression: {kind: doubling}\n",
            "    progression: {kind: doubling}\n    cap: {param: redo_cap}\n",
        )
    ],
    "records.yaml": [
        (
            "when: {count: {deduction: D-process}, at_least: 2}",
            "when: {count: {deduction: D-process}, at_least: {param: weekly_interview_from}}",
        ),
        ("bottom: 3", "bottom: {param: ranked_bottom}"),
    ],
}


def _dated_copy(target: Path, edits: dict[str, list[tuple[str, str]]] = EDITS) -> Path:
    shutil.copytree(HERE / "packs" / "demo", target)
    for name, replacements in edits.items():
        path = target / "rules" / name
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, (name, old)
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    path = target / "parameters.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, values in PARAMETERS.items():
        data["parameters"][name] = {
            "description": name,
            "values": [{"from": dt.date.fromisoformat(d), "value": v} for v, d in values],
        }
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Pack:
    return load_pack(_dated_copy(tmp_path_factory.mktemp("dated") / "demo"))


def _continuations(received: str, count: int):
    day = dt.date.fromisoformat(received)
    return make_order(
        dispatched(f"{received}T09:30"),
        *[
            {
                "type": "continuation",
                "at": f"{day + dt.timedelta(days=d)}T10:00",
                "unit": "c07",
                "committed_deadline": "2024-12-31T17:30:00+08:00",
            }
            for d in range(1, count + 1)
        ],
        received_at=f"{received}T09:00:00+08:00",
    )


def _interviews(pack: Pack, received: str, count: int, **kw):
    a = evaluate(_continuations(received, count), pack, at("2024-12-31T00:00"), **kw)
    return [e for e in a.escalations if e.rule_id == "D-interview"]


def test_a_count_threshold_is_the_one_in_force_when_the_order_was_received(dated: Pack) -> None:
    (before,) = _interviews(dated, "2024-06-03", 2)
    assert before.trace[0] == "2 occurrences (>= 2, parameter continuations_for_interview)"
    assert _interviews(dated, "2024-07-01", 2) == []
    (after,) = _interviews(dated, "2024-07-01", 3)
    assert after.trace[0] == "3 occurrences (>= 3, parameter continuations_for_interview)"
    assert after.since == at("2024-07-04T10:00")  # the third continuation made it hold
    # judged by the earlier revision on request
    assert len(_interviews(dated, "2024-07-01", 2, judged_on=dt.date(2024, 6, 30))) == 1


def test_a_literal_threshold_keeps_its_trace(demo: Pack) -> None:
    (interview,) = _interviews(demo, "2024-06-03", 2)
    assert interview.trace[0] == "2 occurrences (>= 2)"


def test_an_override_sets_a_threshold_and_a_bad_one_is_refused(dated: Pack) -> None:
    stricter = dated.with_parameters({"continuations_for_interview": 4})
    assert _interviews(stricter, "2024-07-01", 3) == []
    with pytest.raises(PackError) as caught:
        dated.with_parameters({"continuations_for_interview": "two"})
    error = caught.value
    assert error.rule_id == "D-interview"
    assert error.field == "when.at_least"
    assert error.file == "rules/escalations.yaml"
    assert "continuations_for_interview='two'" in str(error)
    assert "must be a whole number of at least 1, got 'two'" in str(error)
    with pytest.raises(PackError, match="must be a whole number of at least 1, got 0"):
        dated.with_parameters({"ranked_bottom": 0})
    with pytest.raises(PackError, match="must be calendar_month or a number of days of at least 1"):
        dated.with_parameters({"repeat_within": "month"})
    with pytest.raises(PackError, match="a string, a number or a boolean"):
        dated.with_parameters({"redo_cap": [1, 2]})


def test_an_override_of_a_duration_is_checked_too(demo: Pack) -> None:
    with pytest.raises(PackError, match=r"reply_time='3 fortnights'") as caught:
        demo.with_parameters({"reply_time": "3 fortnights"})
    assert caught.value.rule_id == "D-reply"


def _repeaters(pack: Pack, days: list[str]):
    orders = same_complaint(*days)
    index = RepeatIndex.from_orders(orders)
    return [
        [e for e in evaluate(o, pack, repeats=index).escalations if e.rule_id == "D-on-site"]
        for o in orders
    ]


def test_a_repeat_reads_its_window_and_count_from_parameters(dated: Pack) -> None:
    # before July: three orders in the calendar month of receipt
    fired = _repeaters(dated, ["2024-05-06", "2024-05-13", "2024-05-20"])
    assert [len(f) for f in fired] == [0, 0, 1]
    assert fired[2][0].trace == (
        "3 orders by this complainant on this issue within calendar_month, "
        "parameter repeat_within (>= 3, parameter repeat_orders)",
    )
    # from July: two orders within 30 natural days, across a month's end
    fired = _repeaters(dated, ["2024-07-25", "2024-08-10"])
    assert [len(f) for f in fired] == [0, 1]
    assert "within 30, parameter repeat_within" in fired[1][0].trace[0]
    # the same two orders under the literal rule (calendar month, three): nothing
    assert [
        len(f) for f in _repeaters(load_pack(HERE / "packs" / "demo"), ["2024-07-25", "2024-08-10"])
    ] == [0, 0]


def _redos(pack: Pack, received: str) -> list[tuple[float, tuple[str, ...]]]:
    day = dt.date.fromisoformat(received)
    order = make_order(
        dispatched(f"{received}T09:30"),
        *[
            {
                "type": "redo_ordered",
                "at": f"{day + dt.timedelta(days=d)}T10:00",
                "unit": "ctr",
                "level": "district",
            }
            for d in (1, 2, 3)
        ],
        received_at=f"{received}T09:00:00+08:00",
    )
    a = evaluate(order, pack, at("2024-12-31T00:00"))
    return [(d.points, d.trace) for d in a.deductions if d.rule_id == "D-redo-district"]


def test_a_deduction_cap_from_a_parameter(dated: Pack) -> None:
    before = _redos(dated, "2024-06-03")
    assert [p for p, _ in before] == [-1.0, -2.0]  # −4 would pass the cap of 3: nothing left
    after = _redos(dated, "2024-07-01")
    assert [p for p, _ in after] == [-1.0, -2.0, -4.0]
    halved = _redos(dated.with_parameters({"redo_cap": 2}), "2024-07-01")
    assert [p for p, _ in halved] == [-1.0, -1.0]
    assert "capped at 2 per order, parameter redo_cap: -2 becomes -1" in halved[1][1]


def _process_unsatisfied(unit: str, day: dt.date, k: int):
    return make_order(
        dispatched(f"{day}T09:30", to=unit),
        {
            "type": "callback",
            "at": f"{day}T15:00",
            "unit": "ctr",
            "process_satisfaction": "dissatisfied",
        },
        id=f"{unit}-{day}-{k}",
        received_at=f"{day}T09:00:00+08:00",
    )


def _weekly(pack: Pack, monday: dt.date, bad: int) -> list[tuple[str, tuple[str, ...]]]:
    orders = [_process_unsatisfied("c07", monday, k) for k in range(bad)]
    findings = evaluate_periods([evaluate(o, pack) for o in orders], pack)
    return [(f.tier_id, f.trace) for f in findings if f.rule_id == "D-weekly"]


def test_a_period_tier_reads_its_threshold_on_the_periods_first_day(dated: Pack) -> None:
    june = dt.date(2024, 6, 3)  # a Monday
    [(tier, trace)] = _weekly(dated, june, 2)
    assert tier == "D-weekly.interview"
    assert "deduction:D-process: 2 (>= 2, parameter weekly_interview_from: yes)" in trace
    later = dt.date(2024, 7, 8)  # a Monday after the threshold became 3
    assert _weekly(dated, later, 2) == []  # 2 is no longer enough, and not == 1 either
    assert [t for t, _ in _weekly(dated, later, 3)] == ["D-weekly.interview"]
    # the week of Monday 1 July began under the old threshold: judged by it to its end,
    # although its two deductions fall on Thursday, after the change
    thursday = dt.date(2024, 7, 4)
    orders = [_process_unsatisfied("c07", thursday, k) for k in (0, 1)]
    findings = evaluate_periods([evaluate(o, dated) for o in orders], dated)
    assert [f.tier_id for f in findings if f.rule_id == "D-weekly"] == ["D-weekly.interview"]


def test_a_period_that_began_before_the_pack_reads_its_first_values(dated: Pack) -> None:
    # the demo pack takes effect on Monday 1 January 2024; the week of 25 December
    # 2023 began before it, and its parameters are read on 1 January
    sunday = dt.date(2023, 12, 31)
    orders = [_process_unsatisfied("c07", sunday, k) for k in (0, 1)]
    findings = evaluate_periods([evaluate(o, dated) for o in orders], dated)
    weekly = [f for f in findings if f.rule_id == "D-weekly"]
    assert [(f.period, f.tier_id) for f in weekly] == [("week of 2023-12-25", "D-weekly.interview")]


def test_a_rankings_bottom_n_from_a_parameter(dated: Pack) -> None:
    units = {"c07": "village_community", "c08": "village_community"}

    def bottom(month_day: dt.date) -> list[str]:
        orders = [_process_unsatisfied("c07", month_day, 0)]
        findings = evaluate_periods([evaluate(o, dated) for o in orders], dated, unit_kinds=units)
        return [f"{f.unit}: {' | '.join(f.trace)}" for f in findings if f.rule_id == "D-bottom"]

    # bottom 3 of 2 units: nobody is "bottom three" when every unit would be
    assert bottom(dt.date(2024, 6, 3)) == []
    assert bottom(dt.date(2024, 7, 1)) == [
        "c07: 1 of the 1 lowest of 2 units (village_community): -1 points"
        " | the 1 lowest: parameter ranked_bottom, in force on 2024-07-01",
    ]


def test_a_threshold_parameter_that_is_not_a_whole_number_refuses_the_pack(
    tmp_path: Path,
) -> None:
    directory = _dated_copy(tmp_path / "demo")
    path = directory / "parameters.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["parameters"]["repeat_orders"]["values"][1]["value"] = 2.5
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(directory)
    error = caught.value
    assert (error.file, error.rule_id, error.field) == (
        "rules/escalations.yaml",
        "D-on-site",
        "when.at_least",
    )
    assert "must be a whole number of at least 1, got 2.5" in str(error)
    assert error.line is not None
