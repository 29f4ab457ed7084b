"""A pack author's slips, each refused with the file, the line, the rule and the field.

The slips are those a pack author made on a copy of the daye pack (a rules file saved
as ``.yml``, a pattern that reads nothing, a parameters file's key renamed ...), made
here on the small "lakeside" pack (tests/testing/lakeside.py) written into
``tmp_path``. The messages are written out in full, in English and in Chinese.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from grievance_rules.cli import cli, main
from grievance_rules.cli.packtest import coverage_lines
from grievance_rules.errors import PackError
from grievance_rules.i18n import language
from grievance_rules.packs import load_pack
from grievance_rules.testing.scenarios import Coverage, ScenarioFileError, load_scenarios
from tests.testing.lakeside import ALL_CASES, REPLY_WRONG, replace_in, write_pack


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    return write_pack(tmp_path, *ALL_CASES)


def refusal(pack: Path, lang: str = "en", *, strict: bool = False) -> PackError:
    with language(lang), pytest.raises(PackError) as caught:
        load_pack(pack, strict=strict)
    return caught.value


def where(error: PackError) -> tuple[str | None, int | None, str | None, str | None]:
    return error.file, error.line, error.rule_id, error.field


def add_to_manifest(pack: Path, text: str) -> None:
    manifest = pack / "pack.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + text, encoding="utf-8")


# -- 1. rule files: a pattern that reads nothing, a file it does not read, no rules --------


def test_a_rule_files_pattern_that_matches_nothing_is_refused(pack: Path) -> None:
    add_to_manifest(pack, 'rule_files: ["rule/*.yaml"]\n')
    error = refusal(pack)
    assert str(error) == (
        "pack.yaml: rule_files.0: 'rule/*.yaml' matches no file in the pack directory; the "
        "rules it was meant to read would be missing without a word (line 13)"
    )
    assert where(error) == ("pack.yaml", 13, None, "rule_files.0")
    assert str(refusal(pack, "zh")) == (
        "pack.yaml：rule_files.0：'rule/*.yaml' 在规则包目录中匹配不到任何文件；"
        "它本应读取的规则会悄无声息地缺失（第 13 行）"
    )


def test_a_yml_pattern_beside_yaml_rule_files_is_refused_naming_a_file_it_skips(
    pack: Path,
) -> None:
    add_to_manifest(pack, 'rule_files: ["rules/*.yml"]\n')
    error = refusal(pack)
    assert str(error) == (
        "pack.yaml: rule_files.0: 'rules/*.yml' matches no file, yet rules/lakeside.yaml "
        "lies where it looks; rename that file lakeside.yml, or change the pattern, else its "
        "rules would be missing without a word (line 13)"
    )
    assert where(error) == ("pack.yaml", 13, None, "rule_files.0")


def test_the_second_pattern_matching_nothing_is_named(pack: Path) -> None:
    add_to_manifest(pack, "rule_files:\n  - rules/*.yaml\n  - more/*.yaml\n")
    assert where(refusal(pack)) == ("pack.yaml", 15, None, "rule_files.1")


def test_a_rules_file_saved_as_yml_is_named_with_the_pattern_that_skips_it(pack: Path) -> None:
    (pack / "rules" / "lakeside.yaml").rename(pack / "rules" / "lakeside.yml")
    error = refusal(pack)
    assert str(error) == (
        "pack.yaml: rule_files.0: 'rules/*.yaml' (the default) matches no file, yet "
        "rules/lakeside.yml lies where it looks; rename that file lakeside.yaml, or change "
        "the pattern, else its rules would be missing without a word"
    )
    assert where(error) == ("pack.yaml", None, None, "rule_files.0")
    assert str(refusal(pack, "zh")) == (
        "pack.yaml：rule_files.0：默认的 'rules/*.yaml' 匹配不到任何文件，但它查找的位置有 "
        "rules/lakeside.yml；请把这个文件改名为 lakeside.yaml，或修改匹配模式，"
        "否则其中的规则会悄无声息地缺失"
    )


def test_a_yml_file_beside_rule_files_that_are_read_is_refused(pack: Path) -> None:
    # the pack keeps its other rules: the ones in hubin.yml would be lost without a word
    (pack / "rules" / "hubin.yml").write_text("rules: []\n", encoding="utf-8")
    error = refusal(pack)
    assert str(error) == (
        "rules/hubin.yml: rule files end in .yaml (rule_files.0: 'rules/*.yaml'), so this "
        "file is not read and its rules would be lost without a word; rename it "
        "hubin.yaml, or move it out of rules/"
    )
    assert where(error) == ("rules/hubin.yml", None, None, "rule_files.0")
    assert str(refusal(pack, "zh")) == (
        "rules/hubin.yml：规则文件以 .yaml 结尾（rule_files.0：'rules/*.yaml'），"
        "所以这个文件不会被读取，其中的规则会悄无声息地丢失；"
        "请改名为 hubin.yaml，或把它移出 rules/"
    )


def test_a_rule_file_with_its_suffix_in_capitals_is_refused(pack: Path) -> None:
    (pack / "rules" / "more.YAML").write_text("rules: []\n", encoding="utf-8")
    assert where(refusal(pack)) == ("rules/more.YAML", None, None, "rule_files.0")


def test_other_files_beside_the_rule_files_are_left_alone(pack: Path) -> None:
    (pack / "rules" / "notes.txt").write_text("草稿\n", encoding="utf-8")
    (pack / "rules" / "lakeside.yaml.bak").write_text("rules: []\n", encoding="utf-8")
    assert len(load_pack(pack).rules) == 4


def test_a_yml_file_a_pattern_names_outright_or_reads_is_fine(pack: Path) -> None:
    (pack / "rules" / "lakeside.yaml").rename(pack / "rules" / "lakeside.yml")
    add_to_manifest(pack, "rule_files: [rules/lakeside.yml]\n")
    assert len(load_pack(pack).rules) == 4


def test_a_pack_without_rules_is_refused(pack: Path) -> None:
    (pack / "rules" / "lakeside.yaml").write_text("rules: []\n", encoding="utf-8")
    error = refusal(pack)
    assert str(error) == (
        "pack.yaml: rule_files: the pack has no rules (rule files read: rules/lakeside.yaml); "
        "a pack without rules assesses nothing"
    )
    assert where(error) == ("pack.yaml", None, None, "rule_files")
    assert str(refusal(pack, "zh")) == (
        "pack.yaml：rule_files：规则包中没有规则（读取的规则文件：rules/lakeside.yaml）；"
        "没有规则的规则包什么也评判不了"
    )


def test_an_empty_rule_files_list_is_refused(pack: Path) -> None:
    add_to_manifest(pack, "rule_files: []\n")
    error = refusal(pack)
    assert str(error) == (
        "pack.yaml: rule_files: the pack has no rules (rule files read: none); "
        "a pack without rules assesses nothing (line 13)"
    )
    assert where(error) == ("pack.yaml", 13, None, "rule_files")


def test_test_command_refuses_a_pack_whose_pattern_reads_nothing(
    pack: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_to_manifest(pack, 'rule_files: ["rule/*.yaml"]\n')
    monkeypatch.setattr(sys, "argv", ["grievance-rules", "test", str(pack)])
    with pytest.raises(SystemExit) as done:
        main()
    out, err = capsys.readouterr()
    assert (done.value.code, out) == (2, "")
    assert err.strip() == (
        "error: pack.yaml: rule_files.0: 'rule/*.yaml' matches no file in the pack directory; "
        "the rules it was meant to read would be missing without a word (line 13)"
    )


def test_coverage_of_no_rules_says_nothing_was_exercised() -> None:
    coverage = Coverage(results=[], unexercised=[], one_sided=[], titles={})
    assert not coverage.complete
    assert coverage_lines(coverage) == ["coverage: the pack has no rules; nothing was exercised"]
    with language("zh"):
        assert coverage_lines(coverage) == ["覆盖情况：规则包中没有规则，什么也没有检验"]


def test_full_coverage_beside_failing_cases_says_it_counts_passing_cases_only(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(cli, ["test", str(write_pack(tmp_path, *ALL_CASES, REPLY_WRONG))])
    assert result.exit_code == 1
    assert result.output.endswith(
        "4 passed, 1 failed\ncoverage, counting the passing cases only: every rule exercised; "
        "every time limit seen on both sides\n"
    )


# -- 2. the parameters file's own keys -----------------------------------------------------


def test_an_unknown_key_beside_parameters_is_refused(pack: Path) -> None:
    parameters = pack / "parameters.yaml"
    parameters.write_text(
        parameters.read_text(encoding="utf-8") + "paramters_note: x\n", encoding="utf-8"
    )
    error = refusal(pack)
    assert str(error) == (
        "parameters.yaml: paramters_note: unknown field 'paramters_note'; "
        "allowed here: parameters (line 7)"
    )
    assert where(error) == ("parameters.yaml", 7, None, "paramters_note")
    assert str(refusal(pack, "zh")) == (
        "parameters.yaml：paramters_note：未知字段 'paramters_note'；"
        "此处可用的字段：parameters（第 7 行）"
    )


@pytest.mark.parametrize(
    "text", ["", "# the parameters, to be written\n\n# (none yet)\n", "\n  \n", "---\n"]
)
def test_an_empty_parameters_file_is_refused_saying_it_is_empty(pack: Path, text: str) -> None:
    # zero bytes, or only comments and blank lines: said so, not "must be a mapping"
    (pack / "parameters.yaml").write_text(text, encoding="utf-8")
    error = refusal(pack)
    assert str(error) == (
        "parameters.yaml is empty (nothing but blank lines or comments): write the pack's "
        "parameters under 'parameters:', or delete the file if the pack has none"
    )
    assert where(error) == ("parameters.yaml", None, None, None)
    assert str(refusal(pack, "zh")) == (
        "parameters.yaml 为空（只有空行或注释）：请在 parameters: 之下列出规则包的参数；"
        "规则包没有参数的，可删去此文件"
    )


def test_a_parameters_file_holding_only_null_is_not_called_empty(pack: Path) -> None:
    (pack / "parameters.yaml").write_text("~\n", encoding="utf-8")
    assert str(refusal(pack)) == "parameters.yaml: 'parameters' must be a mapping (line 1)"


def test_parameters_renamed_params_blames_the_parameters_file_not_a_rule(pack: Path) -> None:
    # it said: rules/lakeside.yaml: rule LS-1.reply: duration.param: unknown parameter
    replace_in(pack / "parameters.yaml", "parameters:", "params:")
    error = refusal(pack)
    assert str(error) == (
        "parameters.yaml: params: unknown field 'params'; allowed here: parameters (line 1)"
    )
    assert where(error) == ("parameters.yaml", 1, None, "params")


# -- 3. a rule id defined twice: each place with its own line -------------------------------


def test_a_rule_id_defined_in_two_files_names_each_file_with_its_own_line(pack: Path) -> None:
    # rules/main.yaml sorts before rules/other.yaml: its rule is the first definition
    (pack / "rules" / "lakeside.yaml").rename(pack / "rules" / "main.yaml")
    (pack / "rules" / "other.yaml").write_text(
        "# 补充规定\n"
        "rules:\n"
        "  - kind: clock\n"
        "    id: LS-1.reply\n"
        "    title: 两个工作日内回复\n"
        "    clauses: [LS-1]\n"
        "    citation: {source: lakeside.txt, clause: 第一条, text: 承办单位应在两个工作日内回复}\n"
        "    start: {event: dispatched}\n"
        "    stop: {event: replied}\n"
        "    duration: 2 working days\n"
        "    convention: working_time\n",
        encoding="utf-8",
    )
    error = refusal(pack)
    assert str(error) == (
        "rules/other.yaml: line 4: rule id 'LS-1.reply' is also defined in rules/main.yaml, line 2"
    )
    assert where(error) == ("rules/other.yaml", 4, "LS-1.reply", "id")
    assert str(refusal(pack, "zh")) == (
        "rules/other.yaml：第 4 行：规则 id 'LS-1.reply' 已在 rules/main.yaml 第 2 行定义过"
    )


# -- 4. what --strict refuses is named with its file and line -------------------------------

SECOND_LATE = """\
  - id: LS-3.late-again
    kind: deduction
    title: 超期回复再扣分
    clauses: [LS-3]
    citation: {source: lakeside.txt, clause: 第三条, text: 超期回复的每件扣1分}
    points: -1
    when: {clock: LS-1.reply, state: breached}
"""


def test_strict_names_both_overlapping_deductions_with_file_and_line(tmp_path: Path) -> None:
    pack = write_pack(tmp_path)
    (pack / "rules" / "more.yaml").write_text("rules:\n" + SECOND_LATE, encoding="utf-8")
    error = refusal(pack, strict=True)
    assert str(error) == (
        "rules/lakeside.yaml: line 27: deductions LS-3.late and LS-3.late-again may count the "
        "same occurrence; declare same_occurrence_as if intended, or narrow a 'where' "
        "(LS-3.late-again is at rules/more.yaml, line 8)"
    )
    assert where(error) == ("rules/lakeside.yaml", 27, "LS-3.late", "when")
    assert len(load_pack(pack).rules) == 5  # flagged, not refused, without --strict


def test_strict_names_the_parameters_file_of_a_value_without_its_citation(pack: Path) -> None:
    replace_in(
        pack / "parameters.yaml",
        "text: 承办单位应在两个工作日内回复}}\n",
        "text: 承办单位应在两个工作日内回复}}\n      - {from: 2024-07-01, value: 3 working days}\n",
    )
    error = refusal(pack, "zh", strict=True)
    assert str(error) == (
        "parameters.yaml：第 7 行：参数 reply_time：自 2024-07-01 起的取值没有出处，"
        "但该参数的依据为 'cited'（文件规定）；请引用文件原文，或写明 'basis: assumption'（假定）"
    )
    assert where(error) == ("parameters.yaml", 7, None, "reply_time.values.1.citation")


# -- 5. a tab, a tag: said as what they are, in both languages ------------------------------


def test_a_tab_indenting_a_rules_file_is_said_to_be_a_tab(pack: Path) -> None:
    # PyYAML's words were: while scanning for the next token / found character that
    # cannot start any token / in "<unicode string>", line 10, column 1
    replace_in(pack / "rules" / "lakeside.yaml", "    duration: {param", "\tduration: {param")
    error = refusal(pack)
    assert str(error) == (
        "rules/lakeside.yaml: not valid YAML: a tab (line 9, column 1); YAML indents with "
        "spaces only: replace the tab with spaces"
    )
    assert where(error) == ("rules/lakeside.yaml", 9, None, None)
    assert str(refusal(pack, "zh")) == (
        "rules/lakeside.yaml：不是有效的 YAML：制表符（第 9 行第 1 列）；"
        "YAML 只能用空格缩进：请把制表符换成空格"
    )


def test_a_tab_in_a_scenario_file_is_said_the_same_way(pack: Path) -> None:
    path = pack / "scenarios" / "replies.yaml"
    replace_in(path, "    as_of:", "\tas_of:")
    with pytest.raises(ScenarioFileError) as caught:
        load_scenarios(path)
    assert str(caught.value) == (
        f"{path}: not valid YAML: a tab (line 11, column 1); YAML indents with spaces only: "
        "replace the tab with spaces"
    )


def test_a_python_tag_is_refused_in_english_as_in_chinese(pack: Path) -> None:
    replace_in(
        pack / "rules" / "lakeside.yaml",
        "title: 两个工作日内回复",
        'title: !!python/object/apply:os.system ["true"]',
    )
    error = refusal(pack)
    assert str(error) == (
        "rules/lakeside.yaml: not valid YAML: the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system' is not read (a pack is data: "
        "no tags) (line 4, column 12)"
    )
    assert where(error) == ("rules/lakeside.yaml", 4, None, None)
    assert str(refusal(pack, "zh")) == (
        "rules/lakeside.yaml：不是有效的 YAML：不读取标签 "
        "'tag:yaml.org,2002:python/object/apply:os.system'（规则包只是数据，不接受标签）"
        "（第 4 行第 12 列）"
    )


def test_other_yaml_errors_say_what_and_where_on_one_line(pack: Path) -> None:
    replace_in(pack / "rules" / "lakeside.yaml", "clauses: [LS-1]", "clauses: [LS-1")
    error = refusal(pack)
    assert "\n" not in str(error)
    assert "<unicode string>" not in str(error)
    assert error.line is not None
    assert f"(line {error.line}, column" in str(error)


# -- 6. a misspelt key in a case, a misspelt clock state: the word quoted ------------------


def test_a_case_with_expects_for_expect_names_the_key_and_the_case(pack: Path) -> None:
    path = pack / "scenarios" / "replies.yaml"
    replace_in(path, "    expect:", "    expects:")
    with pytest.raises(ScenarioFileError) as caught:
        load_scenarios(path)
    assert str(caught.value) == (
        f"{path}: case 1 (reply one minute before the two working days are up): unknown key "
        "'expects'; a case has as_of, expect, name, name_zh, note, order, orders, parameters"
    )
    assert caught.value.field == "expects"
    with language("zh"), pytest.raises(ScenarioFileError) as caught:
        load_scenarios(path)
    assert str(caught.value) == (
        f"{path}：第 1 个用例（reply one minute before the two working days are up）："
        "无法识别的键 'expects'；用例的键为 as_of、expect、name、name_zh、note、order、orders、"
        "parameters"
    )


def test_a_case_with_a_misspelt_name_key_names_the_key(pack: Path) -> None:
    path = pack / "scenarios" / "replies.yaml"
    replace_in(path, "  - name:", "  - nmae:")
    with pytest.raises(ScenarioFileError) as caught:
        load_scenarios(path)
    assert str(caught.value) == (
        f"{path}: case 1: unknown key 'nmae'; a case has as_of, expect, name, name_zh, note, "
        "order, orders, parameters"
    )


def test_a_misspelt_clock_state_inside_any_all_is_quoted(pack: Path) -> None:
    replace_in(
        pack / "rules" / "lakeside.yaml",
        "when: {clock: LS-1.reply, state: breached}",
        "when:\n      any:\n        - all:\n            - {event: replied}\n"
        "            - {clock: LS-1.reply, state: breachd}",
    )
    error = refusal(pack)
    assert str(error) == (
        "rules/lakeside.yaml: rule LS-3.late: when.any.0.all.1: a clock trigger needs "
        "state: breached, met, running or paused; got 'breachd' (line 31)"
    )
    assert where(error) == ("rules/lakeside.yaml", 31, "LS-3.late", "when.any.0.all.1")
    assert str(refusal(pack, "zh")) == (
        "rules/lakeside.yaml：规则 LS-3.late：when.any.0.all.1：时限触发条件须有 "
        "state：breached、met、running 或 paused；实际为 'breachd'（第 31 行）"
    )
