"""Reading scenario files, running cases and counting coverage."""

import pytest

from grievance_rules.testing.scenarios import (
    ScenarioFileError,
    load_scenarios,
    pack_coverage,
    run_scenario,
)

from .lakeside import ALL_CASES, REPLY_BREACHED, REPLY_MET, REPLY_WRONG, write_pack


def scenario_file(tmp_path, *cases):
    return write_pack(tmp_path, *cases) / "scenarios" / "replies.yaml"


def changed_file(tmp_path, change):
    """The file of the one case REPLY_MET, with ``change`` (old, new) made once in it."""
    path = scenario_file(tmp_path, REPLY_MET)
    old, new = change
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("deductions: []", "deductoins: []"), r"case 1 \(.*\): expect\.deductoins: unknown"),
        (("as_of:", "asof:"), r"case 1 \(.*\): unknown key 'asof'"),
        (
            ("as_of: 2024-05-09T00:00:00+08:00", "as_of: 2024-05-09T00:00:00"),
            r"as_of: '2024-05-09T00:00:00' is not an ISO 8601 instant with an offset",
        ),
        (("state: met,", "stat: met,"), r"expect\.clocks\[0\]\.stat: unknown field; a clock has"),
        (("    order:\n      id: L1", "    ordr:\n      id: L1"), r"unknown key 'ordr'"),
        (("  - name:", "  - {name: x}\n  - nme:"), r"case 1 needs 'name' and 'expect'"),
        (("cases:", "cases: {}\nfoo:"), r"a scenario file has 'cases:', a list"),
        (("cases:", "cases: ["), r"not valid YAML"),
    ],
)
def test_a_file_not_in_the_format_is_refused_with_case_and_field(tmp_path, change, message):
    path = changed_file(tmp_path, change)
    with pytest.raises(ScenarioFileError, match=message) as failure:
        load_scenarios(path)
    assert str(path) in str(failure.value)
    assert isinstance(failure.value, ValueError)


def test_an_expectation_of_an_unknown_rule_is_a_mismatch_even_when_absent(tmp_path):
    path = scenario_file(tmp_path, REPLY_MET)
    text = path.read_text(encoding="utf-8").replace(
        "deductions: []", "deductions: []\n      records: [{rule: LS-99.typo, absent: true}]"
    )
    path.write_text(text, encoding="utf-8")
    (case,) = load_scenarios(path)
    result = run_scenario(case)
    assert result.mismatches == ["records: LS-99.typo is not a rule of pack lakeside"]
    # the side-by-side table agrees: not matched (it showed "=", as if the rule had none)
    assert "    ≠ {rule: LS-99.typo, absent: true} │ (none)" in result.report().splitlines()


def test_a_passing_case_and_its_report(tmp_path):
    (case,) = load_scenarios(scenario_file(tmp_path, REPLY_BREACHED))
    result = run_scenario(case)
    assert result.passed
    assert result.rules_exercised == {"LS-1.reply", "LS-3.late"}
    report = result.report()
    assert "    = {rule: LS-3.late, points: -1, unit: c1} │ {rule: LS-3.late, points: -1.0, " in (
        report
    )
    assert "MISMATCH" not in report
    assert "trace of" not in report  # traces only for findings that do not match


def test_the_report_pairs_each_expectation_with_the_nearest_finding(tmp_path):
    (case,) = load_scenarios(scenario_file(tmp_path, REPLY_WRONG))
    result = run_scenario(case)
    assert result.mismatches == [
        "clocks: expected {rule: LS-1.reply, state: met, due: '2024-05-08T10:00:00+08:00'}; "
        "found [{rule: LS-1.reply, occurrence: 0, state: breached, due: "
        "'2024-05-08T10:00:00+08:00', start: '2024-05-06T10:00:00+08:00', warning: null, "
        "unit: c1, order: L3}]",
        "deductions: unexpected {rule: LS-3.late, points: -1.0, unit: c1, order: L3, sequence: 1}",
    ]
    lines = result.report().splitlines()
    header = lines.index("  clocks:") + 1
    # the two columns line up: the bar is at the same place on every row of the table
    assert lines[header].index("│") == lines[header + 1].index("│")
    assert lines[header + 1].startswith("    ≠ {rule: LS-1.reply, state: met")
    assert lines[header + 1].endswith("│ {rule: LS-1.reply, state: breached, due: "
                                      "'2024-05-08T10:00:00+08:00'}")  # fmt: skip
    assert "    LS-3.late: lakeside.txt 第三条「超期回复的每件扣1分」" in lines


def test_coverage_counts_passing_cases_only(tmp_path):
    # the breached side is only seen by a case that fails: it does not count
    coverage = pack_coverage(write_pack(tmp_path, REPLY_MET, REPLY_WRONG))
    assert [r.passed for r in coverage.results] == [True, False]
    assert coverage.unexercised == ["LS-2.return-window", "LS-3.late", "LS-4.late-return"]
    assert coverage.one_sided == ["LS-1.reply (seen: met)", "LS-2.return-window (seen: nothing)"]
    assert not coverage.complete


def test_full_coverage(tmp_path):
    coverage = pack_coverage(write_pack(tmp_path, *ALL_CASES))
    assert coverage.failed == []
    assert coverage.unexercised == []
    assert coverage.one_sided == []
    assert coverage.complete
    assert coverage.titles["LS-1.reply"] == "两个工作日内回复"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("deductions: []", "deductions: []\n      unit_points: [1]"), "expect.unit_points: must"),
        (("deductions: []", "deductions: []\n      unit_points: {c1: lots}"), "unit_points: must"),
        (
            ("deductions: []", "deductions: []\n      points: lots"),
            "expect.points: must be a number",
        ),
        (("deductions: []", "deductions: []\n      warnings: late"), "expect.warnings: must be a"),
    ],
)
def test_a_totals_expectation_of_the_wrong_shape_is_refused_at_load(tmp_path, change, message):
    # unit_points: [1] ended in an AttributeError when the case ran
    path = changed_file(tmp_path, change)
    with pytest.raises(ScenarioFileError, match=message) as failure:
        load_scenarios(path)
    assert "case 1 (" in str(failure.value)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (("as_of:", "parameters: {reply_tim: 3 working days}\n    as_of:"), "parameters",
         "has no parameter 'reply_tim'"),
        (("unit: c1}\n    expect", "unit: c9}\n    expect"), "orders",
         "unit 'c9' is not among the order's units"),
    ],
)  # fmt: skip
def test_an_error_running_a_case_names_its_file_and_case(tmp_path, change, field, message):
    path = changed_file(tmp_path, change)
    (case,) = load_scenarios(path)
    with pytest.raises(ScenarioFileError) as failure:
        run_scenario(case)
    assert str(failure.value).startswith(f"{path}: case 1 (")
    assert f": {field}: " in str(failure.value)
    assert message in str(failure.value)
    assert failure.value.field == field


def test_two_cases_of_one_name_are_refused(tmp_path):
    # a case's name is its pytest id: two of one name would run as one test id
    path = scenario_file(tmp_path, REPLY_MET, REPLY_MET.replace("id: L1", "id: L9"))
    with pytest.raises(ScenarioFileError, match=r"case 2 \(.*\): name: case 1 has the same"):
        load_scenarios(path)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        # the instant's fast validation path was named, with its "valid datetime",
        # and the same refusal by the checked path counted as "(and 1 more)"
        (
            ("      id: L1\n", "      id: L1\n      received_at: '2024-05-06T09:00:00'\n"),
            # a scenario's order has no zone option: the offset is asked for, no --tz
            "received_at: naive timestamp '2024-05-06T09:00:00' has no UTC offset; add one "
            "(e.g. +08:00): no timezone is guessed",
        ),
        # pydantic's location with the union's tag (events.1.replied.round): now the
        # reader's field path
        (
            ("09:59:00+08:00, unit: c1}", "09:59:00+08:00, unit: c1, round: 0}"),
            "events[1].round: Input should be greater than or equal to 1 (got 0)",
        ),
    ],
)
def test_an_invalid_order_of_a_case_is_said_as_the_reader_says_it(tmp_path, change, said):
    path = changed_file(tmp_path, change)
    (case,) = load_scenarios(path)
    with pytest.raises(ScenarioFileError) as failure:
        run_scenario(case)
    assert str(failure.value) == f"{path}: case 1 ({case.name}): order 1 (L1): {said}"


_MET_EXPECT = (
    "    expect:\n      clocks: [{rule: LS-1.reply, state: met, due: 2024-05-08T10:00:00+08:00}]\n"
    "      deductions: []"
)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # a case that checks nothing passed: a test that cannot fail
        ((_MET_EXPECT, "    expect: {}"), r"case 1 \(.*\): expect: checks nothing"),
        ((_MET_EXPECT, "    expect:\n      warnings: []"), r"expect: checks nothing"),
        (
            ("deductions: []", "deductions: []\n      records: []"),
            r"expect\.records: an empty list checks nothing: records lists findings that must be "
            r"there; to say a rule has none, give \{rule: ID, absent: true\}",
        ),
        (("deductions: []", "deductions: []\n      windows:"), r"expect\.windows: an empty list"),
        # a mistyped key of defaults: its fields were dropped without a word
        (
            ("defaults:\n  order:", "defaults:\n  ordr: {}\n  order:"),
            r"defaults: unknown key 'ordr'",
        ),
        (("defaults:\n  order:", "defaults: [1, 2]\nx:\n  order:"), None),
        (
            ("    order:\n      id: L1", "    orders: [{id: L9}]\n    order:\n      id: L1"),
            r"case 1 \(.*\): give 'order' or 'orders', not both",
        ),
        (
            ("    order:\n      id: L1", "    parameters: [reply_time]\n    order:\n      id: L1"),
            r"case 1 \(.*\): parameters: must be a mapping of parameter name to value",
        ),
    ],
)
def test_a_case_that_checks_nothing_or_loses_a_field_is_refused(tmp_path, change, message):
    path = changed_file(tmp_path, change)
    if message is None:  # (the same refusal, written another way: see the cases above)
        with pytest.raises(ScenarioFileError):
            load_scenarios(path)
        return
    with pytest.raises(ScenarioFileError, match=message):
        load_scenarios(path)


def test_a_defaults_that_is_not_a_mapping_is_refused_not_a_traceback(tmp_path):
    path = scenario_file(tmp_path, REPLY_MET)
    text = path.read_text(encoding="utf-8")
    _head, _, rest = text.partition("cases:")
    path.write_text("defaults: [1, 2]\ncases:" + rest, encoding="utf-8")
    with pytest.raises(ScenarioFileError, match=r"defaults: must be a mapping with 'order'"):
        load_scenarios(path)


def test_coverage_counts_only_the_findings_a_case_checked(tmp_path):
    # a case whose only check is a total of no points: its clock is there, met, and no
    # expectation looks at it; coverage counted it exercised, and seen met
    path = scenario_file(tmp_path, REPLY_MET)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(_MET_EXPECT, "    expect:\n      points: 0"), encoding="utf-8")
    (case,) = load_scenarios(path)
    result = run_scenario(case)
    assert result.passed
    assert result.actual["clocks"][0]["state"] == "met"
    assert (result.rules_exercised, result.states_checked) == (set(), {})
    coverage = pack_coverage(path.parent.parent)
    assert "LS-1.reply" in coverage.unexercised
    assert "LS-1.reply (seen: nothing)" in coverage.one_sided
    # as written, the case checks the clock and its state, and that nothing is deducted
    path.write_text(text, encoding="utf-8")
    (case,) = load_scenarios(path)
    result = run_scenario(case)
    assert (result.rules_exercised, result.states_checked) == (
        {"LS-1.reply"},
        {"LS-1.reply": {"met"}},
    )
