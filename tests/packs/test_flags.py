"""A pack's flags: kept in English on the pack (shared, cached), said in the chosen language."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from grievance_rules.cli import cli
from grievance_rules.errors import PackError
from grievance_rules.i18n import language
from grievance_rules.packs import load_pack
from tests.testing.lakeside import PARAMETERS, write_pack

SECOND_LATE = """\
  - id: LS-3.late-again
    kind: deduction
    title: 超期回复再扣分
    clauses: [LS-3]
    citation: {source: lakeside.txt, clause: 第三条, text: 超期回复的每件扣1分}
    points: -1
    when: {clock: LS-1.reply, state: breached}
"""
ENGLISH = (
    "deductions LS-3.late and LS-3.late-again may count the same occurrence; "
    "declare same_occurrence_as if intended, or narrow a 'where'"
)
CHINESE = (
    "扣分规则 LS-3.late 与 LS-3.late-again 可能对同一次发生重复扣分；"
    "如属有意，请声明 same_occurrence_as，否则请收窄 'where'"
)


@pytest.fixture
def overlapping(tmp_path: Path) -> Path:
    return write_pack(tmp_path, extra_rules=SECOND_LATE)


def test_the_flag_on_the_pack_is_english_whatever_language_loads_it(overlapping: Path) -> None:
    with language("zh"):
        chinese = load_pack(overlapping)
    with language("en"):
        english = load_pack(overlapping)
    assert chinese.flags == english.flags == (ENGLISH,)


def test_packs_show_and_validate_say_the_flag_in_the_language(overlapping: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(cli, ["--lang", "zh", "packs", "show", str(overlapping)])
    assert f"提示：{CHINESE}" in shown.output, shown.output
    shown = runner.invoke(cli, ["--lang", "en", "packs", "show", str(overlapping)])
    assert f"flag: {ENGLISH}" in shown.output, shown.output


def test_strict_loading_refuses_it_in_the_language(overlapping: Path) -> None:
    with language("zh"), pytest.raises(PackError) as caught:
        load_pack(overlapping, strict=True)
    assert str(caught.value) == (
        f"rules/lakeside.yaml：第 27 行：{CHINESE}"
        "（LS-3.late-again 在 rules/lakeside.yaml 第 42 行）"
    )
    assert caught.value.rule_id == "LS-3.late"


# -- a parameter that says 'cited' (the default) and quotes no document -------------------

UNCITED = PARAMETERS + "      - {from: 2024-07-01, value: 3 working days}\n"
"""The lakeside pack's reply_time (cited), a second value from 1 July quoting nothing."""

UNCITED_EN = (
    "parameter reply_time: the value from 2024-07-01 has no citation, yet the parameter's "
    "basis is 'cited'; quote the document, or write basis: assumption"
)
UNCITED_ZH = (
    "参数 reply_time：自 2024-07-01 起的取值没有出处，但该参数的依据为 'cited'（文件规定）；"
    "请引用文件原文，或写明 'basis: assumption'（假定）"
)


@pytest.fixture
def uncited(tmp_path: Path) -> Path:
    pack = write_pack(tmp_path)
    (pack / "parameters.yaml").write_text(UNCITED, encoding="utf-8")
    return pack


def test_a_cited_parameter_value_without_its_citation_is_flagged(uncited: Path) -> None:
    with language("zh"):
        assert load_pack(uncited).flags == (UNCITED_EN,)
    shown = CliRunner().invoke(cli, ["--lang", "zh", "packs", "validate", str(uncited)])
    assert f"提示：{UNCITED_ZH}" in shown.output, shown.output
    with language("en"), pytest.raises(PackError) as caught:
        load_pack(uncited, strict=True)
    error = caught.value
    assert str(error) == f"parameters.yaml: line 7: {UNCITED_EN}"  # the second value's line
    assert (error.file, error.field, error.line) == (
        "parameters.yaml",
        "reply_time.values.1.citation",
        7,
    )
    # with the document quoted, or the value called an assumption, nothing is flagged
    (uncited / "parameters.yaml").write_text(
        UNCITED.replace("    values:", "    basis: assumption\n    values:"), encoding="utf-8"
    )
    assert load_pack(uncited).flags == ()
