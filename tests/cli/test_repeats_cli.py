"""Repeat conditions across orders on the command line (daye's 现场督办).

大冶 （十二）跟踪督办 五是现场督办: 「一个月内1名诉求人反映同一问题3次(含)以上或3名(含)以上
诉求人反映同一问题等情形,组织相关部门现场督办」. The pack reads 「一个月内」 as a rolling
month, the 30 natural days up to the order's receipt, the order included
(on_site_within: 30; policies/daye, Interpretations); the other reading is the
calendar month of the receipt (on_site_within: calendar_month). Worked by hand for the
orders below (one complainant c1, one issue i1, each received at 09:00 Beijing time):

* A 2024-05-06, B 2024-05-13, C 2024-05-20: the 30 days up to A hold one order of c1
  on i1; up to B (from 04-13 09:00), two; up to C (from 04-20 09:00), three. 3 >= 3,
  so DY-12.on-site-one-complainant escalates on C only (in May alone, the same).
  One complainant only, so the many-complainants rule (3 distinct complainants)
  never holds.
* C moved to 2024-06-03: the 30 days up to C run from 05-04 09:00 and hold A, B and
  C: C escalates, though June holds only C (no escalation under calendar_month).
* C moved to 2024-06-06 (the control): the 30 days up to C run from 05-07 09:00 and
  hold B and C; A, 31 days before, is outside. No escalation anywhere.
* Three complainants c1, c2, c3 on i1 on those May days: up to C, three distinct
  complainants on i1, so DY-12.on-site-many-complainants escalates on C only;
  each complainant has one order, so the one-complainant rule does not hold.

The CLI indexes FILE's orders in a first pass; ``--no-repeats`` does not, and
every order then carries the warning ``repeat_needs_other_orders`` (one per
repeat rule: two under daye) and no repeat escalation.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from grievance_rules.cli import cli
from grievance_rules.engine import RepeatIndex, evaluate_many
from grievance_rules.packs import find_pack

ONE = "DY-12.on-site-one-complainant"
MANY = "DY-12.on-site-many-complainants"
WARNING = "repeat_needs_other_orders"


def _order(order_id: str, day: str, complainant: str = "c1", issue: str = "i1") -> dict[str, Any]:
    at = f"{day}T09:00:00+08:00"
    return {
        "id": order_id,
        "channel": "12345",
        "category": "投诉",
        "received_at": at,
        "units": [
            {"id": "ctr", "name": "热线中心", "kind": "dispatch_centre"},
            {"id": "cgj", "name": "城管局", "kind": "street_office"},
        ],
        "events": [{"type": "dispatched", "at": at, "unit": "ctr", "to_unit": "cgj"}],
        "complainant": complainant,
        "issue": issue,
    }


def _file(tmp_path: Path, records: list[dict[str, Any] | str], name: str = "orders") -> str:
    path = tmp_path / f"{name}.jsonl"
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


SAME_MONTH = [_order("A", "2024-05-06"), _order("B", "2024-05-13"), _order("C", "2024-05-20")]
NEXT_MONTH = [_order("A", "2024-05-06"), _order("B", "2024-05-13"), _order("C", "2024-06-03")]
OUT_OF_WINDOW = [_order("A", "2024-05-06"), _order("B", "2024-05-13"), _order("C", "2024-06-06")]
MANY_PEOPLE = [
    _order("A", "2024-05-06", "c1"),
    _order("B", "2024-05-13", "c2"),
    _order("C", "2024-05-20", "c3"),
]


def _evaluate(file: str, *options: str, exit_code: int = 0) -> list[dict[str, Any]]:
    result = CliRunner().invoke(cli, ["evaluate", "--pack", "daye", *options, file])
    assert result.exit_code == exit_code, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def _escalations(assessments: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Order id → its repeat escalations' rule ids."""
    return {
        a["order_id"]: [e["rule_id"] for e in a["escalations"] if e["rule_id"] in (ONE, MANY)]
        for a in assessments
    }


def _warnings(assessments: list[dict[str, Any]]) -> dict[str, int]:
    return {a["order_id"]: sum(w["code"] == WARNING for w in a["warnings"]) for a in assessments}


def test_evaluate_counts_one_complainant_three_times_in_a_month(tmp_path: Path) -> None:
    found = _evaluate(_file(tmp_path, SAME_MONTH))
    assert _escalations(found) == {"A": [], "B": [], "C": [ONE]}
    assert _warnings(found) == {"A": 0, "B": 0, "C": 0}
    (escalation,) = [e for e in found[2]["escalations"] if e["rule_id"] == ONE]
    assert escalation["target_unit"] == "cgj"
    assert escalation["since"] == "2024-05-20T09:00:00+08:00"  # the third order's receipt


def test_evaluate_the_third_in_the_next_month_within_30_days_is_a_repeat(tmp_path: Path) -> None:
    found = _evaluate(_file(tmp_path, NEXT_MONTH))
    assert _escalations(found) == {"A": [], "B": [], "C": [ONE]}
    assert _warnings(found) == {"A": 0, "B": 0, "C": 0}
    # the other reading: June holds only C
    month = find_pack("daye").with_parameters({"on_site_within": "calendar_month"})
    found_month = evaluate_many(NEXT_MONTH, month, repeats=RepeatIndex.from_inputs(NEXT_MONTH))
    assert [
        [e.rule_id for e in r.assessment.escalations if e.rule_id == ONE]
        for r in found_month
        if r.assessment is not None
    ] == [[], [], []]


def test_evaluate_the_first_31_days_before_the_third_is_no_repeat(tmp_path: Path) -> None:
    found = _evaluate(_file(tmp_path, OUT_OF_WINDOW))
    assert _escalations(found) == {"A": [], "B": [], "C": []}
    assert _warnings(found) == {"A": 0, "B": 0, "C": 0}


def test_evaluate_three_complainants_on_one_issue(tmp_path: Path) -> None:
    found = _evaluate(_file(tmp_path, MANY_PEOPLE))
    assert _escalations(found) == {"A": [], "B": [], "C": [MANY]}


def test_no_repeats_warns_and_counts_nothing(tmp_path: Path) -> None:
    found = _evaluate(_file(tmp_path, SAME_MONTH), "--no-repeats")
    assert _escalations(found) == {"A": [], "B": [], "C": []}
    assert _warnings(found) == {"A": 2, "B": 2, "C": 2}  # one per repeat rule of daye


def test_evaluate_table_shows_the_escalation_without_a_warning(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["evaluate", "--pack", "daye", "--output-format", "table", _file(tmp_path, SAME_MONTH)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.count(ONE) == 1
    assert WARNING not in result.stdout


def test_a_rejected_record_is_not_indexed(tmp_path: Path) -> None:
    # A, an invalid record of c1 on i1 (no channel) on 05-10, B: up to B, two valid
    # orders; were the rejected record counted, B would be the third
    broken = {k: v for k, v in _order("X", "2024-05-10").items() if k != "channel"}
    found = _evaluate(
        _file(tmp_path, [SAME_MONTH[0], broken, SAME_MONTH[1]]), exit_code=1
    )  # exit 1: a record was rejected
    assert _escalations(found) == {"A": [], "B": []}


def test_a_duplicate_rejected_is_not_indexed(tmp_path: Path) -> None:
    # a second record of A on 05-07 is rejected (--duplicates reject): up to B two
    # orders (A, B), up to C three; were it counted, B would be the third
    again = _order("A", "2024-05-07")
    found = _evaluate(_file(tmp_path, [SAME_MONTH[0], again, *SAME_MONTH[1:]]), exit_code=1)
    assert _escalations(found) == {"A": [], "B": [], "C": [ONE]}


def test_duplicates_last_indexes_the_kept_record_only(tmp_path: Path) -> None:
    # A on 05-06, B 05-13, C 05-20, A again on 05-21: the last A is kept, the first is
    # replaced. Up to C: B and C, two (the first A is not counted); up to the last
    # A: B, C and A, three. Were the replaced A counted, C would be the third.
    records = [*SAME_MONTH, _order("A", "2024-05-21")]
    found = _evaluate(_file(tmp_path, records), "--duplicates", "last", exit_code=1)
    assert [(a["order_id"], a["as_of"][:10]) for a in found] == [
        ("B", "2024-05-13"),
        ("C", "2024-05-20"),
        ("A", "2024-05-21"),
    ]
    assert [_escalations([a]) for a in found] == [{"B": []}, {"C": []}, {"A": [ONE]}]


def test_as_of_indexes_only_orders_received_by_then(tmp_path: Path) -> None:
    # as of 05-15 C (received 05-20) is not known yet: up to C only A and B are,
    # two orders; C itself is rejected (it did not exist then), naming both instants
    result = CliRunner().invoke(
        cli,
        [
            "evaluate",
            "--pack",
            "daye",
            "--as-of",
            "2024-05-15T00:00+08:00",
            _file(tmp_path, SAME_MONTH),
        ],
    )
    assert result.exit_code == 1, result.output
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert _escalations(found) == {"A": [], "B": []}
    (rejected,) = [json.loads(x)["rejected"] for x in result.stderr.splitlines() if x[:1] == "{"]
    assert rejected["order_id"] == "C"
    assert rejected["reasons"] == [
        "order C: received_at 2024-05-20T09:00:00+08:00 is after the assessment instant "
        "(as_of) 2024-05-15T00:00:00+08:00: the order was not yet received then"
    ]
    after = _evaluate(_file(tmp_path, SAME_MONTH), "--as-of", "2024-05-31T00:00+08:00")
    assert _escalations(after) == {"A": [], "B": [], "C": [ONE]}


def _score(file: str, *options: str) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli, ["score", "--pack", "daye", "--output-format", "json", *options, file]
    )
    assert result.exit_code == 0, result.output
    card: dict[str, Any] = json.loads(result.stdout)
    return card


def _counted(card: dict[str, Any], rule: str) -> dict[tuple[str, str], int]:
    """(period, unit) → how often the escalation was counted."""
    key = f"escalation:{rule}"
    return {(r["period"], r["unit"]): r["counts"][key] for r in card["rows"] if key in r["counts"]}


def test_score_counts_the_repeat_escalation(tmp_path: Path) -> None:
    file = _file(tmp_path, SAME_MONTH)
    assert _counted(_score(file), ONE) == {("2024-05", "cgj"): 1}
    assert _counted(_score(file, "--processes", "2"), ONE) == {("2024-05", "cgj"): 1}
    assert _counted(_score(file, "--no-repeats"), ONE) == {}
    many = _file(tmp_path, MANY_PEOPLE, "many")
    assert _counted(_score(many), MANY) == {("2024-05", "cgj"): 1}
    assert _counted(_score(_file(tmp_path, NEXT_MONTH, "next")), ONE) == {("2024-06", "cgj"): 1}
    assert _counted(_score(_file(tmp_path, OUT_OF_WINDOW, "out")), ONE) == {}


def test_compare_and_what_if_count_it_under_daye(tmp_path: Path) -> None:
    file = _file(tmp_path, SAME_MONTH)
    result = CliRunner().invoke(cli, ["compare", "--packs", "daye,xiayang", "--json", file])
    assert result.exit_code == 0, result.output
    outcomes = {o["pack"]: o["escalations"] for o in json.loads(result.stdout)["outcomes"]}
    plain = CliRunner().invoke(
        cli, ["compare", "--packs", "daye,xiayang", "--json", "--no-repeats", file]
    )
    before = {o["pack"]: o["escalations"] for o in json.loads(plain.stdout)["outcomes"]}
    assert outcomes["daye@2023-05-19"] == before["daye@2023-05-19"] + 1  # C's 现场督办
    assert outcomes["xiayang@2022-06-08"] == before["xiayang@2022-06-08"]  # no repeat rule
    changed = CliRunner().invoke(
        cli,
        ["what-if", "--pack", "daye", "--set", "on_site_within=calendar_month", "--json", file],
    )
    assert changed.exit_code == 0, changed.output
    # in May up to C, or within 30 natural days before C (from 04-20): A, B and C, three
    # either way
    sides = [o["escalations"] for o in json.loads(changed.stdout)["outcomes"]]
    assert sides == [outcomes["daye@2023-05-19"]] * 2


def test_parquet_input_is_indexed(tmp_path: Path) -> None:
    dataset = tmp_path / "dataset"
    converted = CliRunner().invoke(cli, ["convert", _file(tmp_path, SAME_MONTH), str(dataset)])
    assert converted.exit_code == 0, converted.output
    assert _counted(_score(str(dataset)), ONE) == {("2024-05", "cgj"): 1}
    assert _escalations(_evaluate(str(dataset))) == {"A": [], "B": [], "C": [ONE]}


def test_the_index_travels_to_worker_processes() -> None:
    index = RepeatIndex.from_inputs(SAME_MONTH)
    copy = pickle.loads(pickle.dumps(index))
    assert copy == index
    found = list(evaluate_many(SAME_MONTH, "daye", repeats=copy, processes=2, chunk_size=1))
    assert [
        [e.rule_id for e in r.assessment.escalations if e.rule_id == ONE]
        for r in found
        if r.assessment is not None
    ] == [[], [], [ONE]]


@pytest.mark.slow
def test_a_cluster_run_indexes_every_partition(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    # one order a partition: C's count needs A and B from the other partitions
    dataset = tmp_path / "dataset"
    converted = CliRunner().invoke(
        cli, ["convert", "--partition-size", "1", _file(tmp_path, SAME_MONTH), str(dataset)]
    )
    assert converted.exit_code == 0, converted.output
    assert _counted(_score(str(dataset), "--workers", "2"), ONE) == {("2024-05", "cgj"): 1}
    assert _counted(_score(str(dataset), "--workers", "2", "--no-repeats"), ONE) == {}
    assert _escalations(_evaluate(str(dataset), "--workers", "2")) == {
        "A": [],
        "B": [],
        "C": [ONE],
    }
    many = tmp_path / "many"
    file = _file(tmp_path, MANY_PEOPLE, "m")
    CliRunner().invoke(cli, ["convert", "--partition-size", "1", file, str(many)])

    def outcomes(*options: str) -> dict[str, int]:
        args = ["compare", "--packs", "daye,xiayang", "--json", *options]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        return {o["pack"]: o["escalations"] for o in json.loads(result.stdout)["outcomes"]}

    here, plain = outcomes(file), outcomes("--no-repeats", file)
    assert here["daye@2023-05-19"] == plain["daye@2023-05-19"] + 1  # C's 现场督办
    assert outcomes("--workers", "2", str(many)) == here


def test_timeline_replays_with_the_same_index(tmp_path: Path) -> None:
    file = _file(tmp_path, SAME_MONTH)
    result = CliRunner().invoke(
        cli, ["timeline", "--pack", "daye", "--order", "C", "--output-format", "jsonl", file]
    )
    assert result.exit_code == 0, result.output
    steps = [json.loads(line) for line in result.stdout.splitlines()]
    # C is received and dispatched at 09:00 on 2024-05-20: the third order of c1 on i1 in May
    last = steps[-1]["assessment"]
    assert [e["rule_id"] for e in last["escalations"] if e["rule_id"] in (ONE, MANY)] == [ONE]
    assert all(w["code"] != WARNING for step in steps for w in step["assessment"]["warnings"])
    off = CliRunner().invoke(
        cli,
        [
            "timeline",
            "--pack",
            "daye",
            "--order",
            "C",
            "--output-format",
            "jsonl",
            "--no-repeats",
            file,
        ],
    )
    assert off.exit_code == 0, off.output
    last_off = json.loads(off.stdout.splitlines()[-1])["assessment"]
    assert sum(w["code"] == WARNING for w in last_off["warnings"]) == 2
