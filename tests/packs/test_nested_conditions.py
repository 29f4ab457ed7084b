"""A mistake inside a condition nested in all / any / not is said as plainly as one at the top.

Pydantic tries every kind of condition on a mapping that fits none and reports an error
for each, the trigger's first ("Extra inputs are not permitted" for the key ``any``
itself); the loader says the error of the kind the mapping names, at its own path.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.packs.refusals import refusals

MANIFEST = """\
id: broken
name: 测试
jurisdiction: 测试
revision: "1"
sources:
  - {file: demo.txt, title: 测试}
effective_from: 2024-01-01
calendar: {office_hours: "09:00-12:00,13:30-17:30"}
"""

RULE = """\
rules:
  - id: E-1
    kind: escalation
    title: 约谈
    clauses: [X-1]
    citation: {source: demo.txt, clause: 一, text: 超期约谈}
    action: 约谈
    actor: {unit: handling_unit}
"""

TRIGGER_KEYS = (
    "event, where, after, unless_after, same_unit, assigns, clock, window, escalation, "
    "deduction, "
    "state, level, reached, occurrence"
)
TRIGGER_KEYS_ZH = TRIGGER_KEYS.replace(", ", "、")


def _pack(tmp_path: Path, rule: str) -> Path:
    pack = tmp_path / "broken"
    (pack / "rules").mkdir(parents=True)
    (pack / "pack.yaml").write_text(MANIFEST, encoding="utf-8")
    (pack / "rules" / "r.yaml").write_text(rule, encoding="utf-8")
    return pack


def test_an_unknown_key_of_a_count_inside_any_is_named_with_the_keys_a_count_has(
    tmp_path: Path,
) -> None:
    pack = _pack(
        tmp_path,
        RULE
        + "    when:\n"
        + "      any:\n"
        + "        - {event: replied}\n"
        + "        - {count: {event: continuation}, at_least: 2, bogus: 3}\n",
    )
    english, chinese = refusals(pack)
    assert str(english) == (
        "rules/r.yaml: rule E-1: when.any.1.bogus: unknown field 'bogus'; "
        "allowed here: count, at_least, equals, distinct (line 12)"
    )
    assert str(chinese) == (
        "rules/r.yaml：规则 E-1：when.any.1.bogus：未知字段 'bogus'；"
        "此处可用的字段：count、at_least、equals、distinct（第 12 行）"
    )
    assert (english.file, english.line, english.rule_id, english.field) == (
        "rules/r.yaml",
        12,
        "E-1",
        "when.any.1.bogus",
    )


def test_an_unknown_key_of_a_trigger_inside_all_lists_a_trigger_s_keys_and_the_combinations(
    tmp_path: Path,
) -> None:
    pack = _pack(
        tmp_path,
        RULE
        + "    when:\n"
        + "      all:\n"
        + "        - {event: replied}\n"
        + "        - {event: continuation, colour: red}\n",
    )
    english, chinese = refusals(pack)
    assert str(english) == (
        "rules/r.yaml: rule E-1: when.all.1.colour: unknown field 'colour'; "
        f"allowed here: {TRIGGER_KEYS}, all, any, not, count, repeat, param_is (line 12)"
    )
    assert str(chinese) == (
        "rules/r.yaml：规则 E-1：when.all.1.colour：未知字段 'colour'；"
        f"此处可用的字段：{TRIGGER_KEYS_ZH}、all、any、not、count、repeat、param_is（第 12 行）"
    )
    assert english.field == "when.all.1.colour"


def test_an_unknown_key_in_the_trigger_a_count_counts_inside_not(tmp_path: Path) -> None:
    pack = _pack(
        tmp_path,
        RULE
        + "    when:\n"
        + "      not:\n"
        + "        count: {event: continuation, colour: red}\n"
        + "        at_least: 2\n",
    )
    english, chinese = refusals(pack)
    assert str(english) == (
        "rules/r.yaml: rule E-1: when.not.count.colour: unknown field 'colour'; "
        f"allowed here: {TRIGGER_KEYS} (line 11)"
    )
    assert chinese.field == english.field == "when.not.count.colour"
    assert chinese.line == english.line == 11


def test_a_text_where_not_wants_a_condition_is_said_with_the_keys_a_condition_has(
    tmp_path: Path,
) -> None:
    pack = _pack(tmp_path, RULE + "    when:\n      not: replied\n")
    english, chinese = refusals(pack)
    keys = "event, clock, window, escalation, deduction, all, any, not, count, repeat, param_is"
    keys_zh = keys.replace(", ", "、")  # a Chinese list: the enumeration comma
    assert str(english) == (
        "rules/r.yaml: rule E-1: when.not: should be a mapping with one of the keys: "
        f"{keys}; got 'replied' (line 10)"
    )
    assert str(chinese) == (
        "rules/r.yaml：规则 E-1：when.not：应为含以下键之一的对象（键：值）："
        f"{keys_zh}；实际为 'replied'（第 10 行）"
    )


def test_a_wrong_type_inside_all_says_what_was_expected(tmp_path: Path) -> None:
    pack = _pack(
        tmp_path,
        RULE
        + "    when:\n"
        + "      all:\n"
        + "        - {event: replied}\n"
        + "        - {count: {event: continuation}, at_least: many}\n",
    )
    english, chinese = refusals(pack)
    assert str(english) == (
        "rules/r.yaml: rule E-1: when.all.1.at_least: should be a whole number, "
        "or a parameter ({param: NAME}); got 'many' (line 12)"
    )
    assert str(chinese) == (
        "rules/r.yaml：规则 E-1：when.all.1.at_least：应为整数，"
        "或为参数引用（{param: 参数名}）；实际为 'many'（第 12 行）"
    )
    assert english.field == "when.all.1.at_least"


def test_any_that_is_not_a_list_says_so(tmp_path: Path) -> None:
    pack = _pack(tmp_path, RULE + "    when:\n      any: {event: replied}\n")
    english, chinese = refusals(pack)
    assert str(english) == "rules/r.yaml: rule E-1: when.any: should be a list (line 10)"
    assert str(chinese) == "rules/r.yaml：规则 E-1：when.any：应为列表（第 10 行）"


def test_a_mistyped_parameter_key_deep_in_a_period_tier_is_named(tmp_path: Path) -> None:
    # {parm: x}: 'param' is missing too, but the unknown key is the mistake to show
    rule = (
        RULE.replace("kind: escalation", "kind: period")
        .replace("    action: 约谈\n    actor: {unit: handling_unit}\n", "")
        .replace("title: 约谈", "title: 周约谈")
        + "    period: week\n"
        + "    tiers:\n"
        + "      - id: t1\n"
        + "        action: 约谈\n"
        + "        actor: {unit: handling_unit}\n"
        + "        when:\n"
        + "          any:\n"
        + "            - {count: {event: replied}, at_least: {parm: weekly_limit}}\n"
    )
    english, chinese = refusals(_pack(tmp_path, rule))
    assert str(english) == (
        "rules/r.yaml: rule E-1: tiers.0.when.any.0.at_least.parm: "
        "unknown field 'parm'; allowed here: param (line 14)"
    )
    assert str(chinese) == (
        "rules/r.yaml：规则 E-1：tiers.0.when.any.0.at_least.parm："
        "未知字段 'parm'；此处可用的字段：param（第 14 行）"
    )


def test_an_unknown_key_at_the_top_of_a_when_is_said_the_same_way(tmp_path: Path) -> None:
    pack = _pack(tmp_path, RULE + "    when: {event: replied, bogus: 1}\n")
    english, _chinese = refusals(pack)
    assert str(english) == (
        "rules/r.yaml: rule E-1: when.bogus: unknown field 'bogus'; "
        f"allowed here: {TRIGGER_KEYS}, all, any, not, count, repeat, param_is (line 9)"
    )


def test_an_unknown_key_beside_param_is_inside_any_is_named_at_its_own_path(
    tmp_path: Path,
) -> None:
    # the path is the pack's (when.any.1.colour), without pydantic's member name
    # ('ParamIs'); the key is said as an unknown key at the top of a rule is
    pack = _pack(
        tmp_path,
        RULE
        + "    when:\n"
        + "      any:\n"
        + "        - {event: replied}\n"
        + "        - {param_is: {weekly_limit: any}, colour: red}\n",
    )
    english, chinese = refusals(pack)
    assert str(english) == (
        "rules/r.yaml: rule E-1: when.any.1.colour: unknown field 'colour'; "
        "allowed here: param_is (line 12)"
    )
    assert str(chinese) == (
        "rules/r.yaml：规则 E-1：when.any.1.colour：未知字段 'colour'；"
        "此处可用的字段：param_is（第 12 行）"
    )
    assert (english.file, english.rule_id, english.field, english.line) == (
        "rules/r.yaml",
        "E-1",
        "when.any.1.colour",
        12,
    )


def test_an_unknown_key_beside_param_is_deep_in_all_and_not_is_named_at_its_own_path(
    tmp_path: Path,
) -> None:
    pack = _pack(
        tmp_path,
        RULE
        + "    when:\n"
        + "      all:\n"
        + "        - {event: replied}\n"
        + "        - not:\n"
        + "            any:\n"
        + "              - {param_is: {weekly_limit: any}, colour: red}\n",
    )
    english, chinese = refusals(pack)
    assert english.field == chinese.field == "when.all.1.not.any.0.colour"
    assert str(english) == (
        "rules/r.yaml: rule E-1: when.all.1.not.any.0.colour: unknown field 'colour'; "
        "allowed here: param_is (line 14)"
    )


@pytest.mark.parametrize(("given", "count"), [("{a: 1, b: 2}", 2), ("{}", 0)])
def test_param_is_with_several_parameters_or_none_says_how_to_write_several(
    tmp_path: Path, given: str, count: int
) -> None:
    # was pydantic's 'Dictionary should have at most 1 item after validation, not more'
    pack = _pack(
        tmp_path,
        RULE + "    when:\n      all:\n        - {event: replied}\n"
        f"        - {{param_is: {given}}}\n",
    )
    english, chinese = refusals(pack)
    assert str(english) == (
        "rules/r.yaml: rule E-1: when.all.1.param_is: param_is names exactly one "
        f"parameter and its value, got {count}; to test several, give each its own: "
        "{all: [{param_is: {a: x}}, {param_is: {b: y}}]} (line 12)"
    )
    assert str(chinese) == (
        "rules/r.yaml：规则 E-1：when.all.1.param_is：param_is 只能写一个参数及其取值，"
        f"实际写了 {count} 个；要同时判断几个参数，请各写一个："
        "{all: [{param_is: {a: x}}, {param_is: {b: y}}]}（第 12 行）"
    )
    assert (english.rule_id, english.field, english.line) == (
        "E-1",
        "when.all.1.param_is",
        12,
    )
