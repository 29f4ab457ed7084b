"""Pack refusals in Chinese: the place they name is said with （参数 …） and ：, not ASCII."""

from __future__ import annotations

from pathlib import Path

import pytest

from grievance_rules.errors import PackError
from grievance_rules.i18n import language
from grievance_rules.packs import load_pack
from tests.testing.lakeside import replace_in, write_pack


def _refusal(pack: Path, lang: str) -> str:
    with language(lang), pytest.raises(PackError) as caught:
        load_pack(pack)
    return str(caught.value)


def test_a_parameter_refused_is_named_in_chinese(tmp_path: Path) -> None:
    pack = write_pack(tmp_path)
    parameters = pack / "parameters.yaml"
    text = parameters.read_text(encoding="utf-8")
    parameters.write_text(text.replace("    description: 回复时限\n", "    description: [1]\n"))
    chinese = _refusal(pack, "zh")
    assert chinese.startswith("parameters.yaml（参数 reply_time）：description：")
    assert " (parameter " not in chinese
    english = _refusal(pack, "en")
    assert english.startswith("parameters.yaml (parameter reply_time): description: ")


def test_a_rule_file_leading_outside_is_named_with_full_width_colons(tmp_path: Path) -> None:
    pack = write_pack(tmp_path)
    outside = tmp_path / "outside.yaml"
    outside.write_text("rules: []\n", encoding="utf-8")
    (pack / "rules" / "evil.yaml").symlink_to(outside)
    chinese = _refusal(pack, "zh")
    assert chinese.startswith("rules/evil.yaml：rule_files.0：")
    assert "rules/evil.yaml: " not in chinese
    english = _refusal(pack, "en")
    assert english.startswith(
        "rules/evil.yaml: rule_files.0: leads outside the pack directory (a symbolic link)"
    )


def test_the_keys_allowed_are_listed_with_the_enumeration_comma_in_chinese(
    tmp_path: Path,
) -> None:
    # keys are code identifiers, joined in Chinese by 、 (not ", ")
    pack = write_pack(tmp_path)
    replace_in(
        pack / "rules" / "lakeside.yaml",
        "    when: {window: LS-2.return-window, state: late}\n",
        "    wehn: {window: LS-2.return-window, state: late}\n",
    )
    keys = "id, title, clauses, citation, interpretation, applies_to, topics, kind, when"
    # an escalation's: every rule's, then its own
    keys += ", action, actor, target, for_unit_kind, once_per"
    assert _refusal(pack, "en") == (
        "rules/lakeside.yaml: rule LS-4.late-return: wehn: unknown field 'wehn'; "
        f"allowed here: {keys} (line 33)"
    )
    assert _refusal(pack, "zh") == (
        "rules/lakeside.yaml：规则 LS-4.late-return：wehn：未知字段 'wehn'；"
        "此处可用的字段：id、title、clauses、citation、interpretation、applies_to、topics、"
        "kind、when、action、actor、target、for_unit_kind、once_per（第 33 行）"
    )


def test_an_operator_table_s_operators_are_listed_with_the_enumeration_comma_in_chinese(
    tmp_path: Path,
) -> None:
    pack = write_pack(tmp_path)
    replace_in(
        pack / "rules" / "lakeside.yaml",
        "    when: {clock: LS-1.reply, state: breached}\n",
        "    when: {event: replied, where: {round: {gte: 2, lt: 5}}}\n",
    )
    assert _refusal(pack, "zh") == (
        "rules/lakeside.yaml：规则 LS-3.late：when.where.round：操作符表须且只须含以下之一："
        "exists、ne、gte、lte、gt、lt；实际为：gte、lt（第 27 行）"
    )
    assert _refusal(pack, "en") == (
        "rules/lakeside.yaml: rule LS-3.late: when.where.round: an operator table has exactly "
        "one of exists, ne, gte, lte, gt, lt; got gte, lt (line 27)"
    )


def test_a_yaml_error_in_english_keeps_its_or_english():
    # "did not find the expected ',' 或 ']'" under LANG=C: the 或 was put in whatever the language
    from grievance_rules.errors import PackError
    from grievance_rules.i18n import language
    from grievance_rules.packs.files import load_yaml

    for lang, said in (("en", "',' or ']'"), ("zh", "',' 或 ']'")):
        with language(lang), pytest.raises(PackError) as refused:
            load_yaml("cases: [a, b\nx: 1\n", "f.yaml")
        assert said in str(refused.value)
