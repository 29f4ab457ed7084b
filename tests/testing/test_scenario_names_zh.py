"""A case's name in 简体中文 (``name_zh``): shown under Chinese as ``name_zh（name）``.

Under English the output is as before; a ``name_zh`` that is not text with a Chinese
character in it is refused, naming the file, the case and the field; every case of
the built-in packs whose name has a Latin letter carries one.
"""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from grievance_rules.cli import cli
from grievance_rules.i18n import language
from grievance_rules.testing.scenarios import ScenarioFileError, load_scenarios, run_scenario

from .lakeside import REPLY_MET, REPLY_WRONG, write_pack

ROOT = Path(__file__).resolve().parents[2]
BUILT_IN = ("chengdong", "xiayang", "daye")
LATIN = re.compile(r"[A-Za-z]")
HAN = re.compile(r"[\u3400-\u9fff]")

MET_NAME = "reply one minute before the two working days are up"
WRONG_NAME = "a late reply expected in time"


def _named(case: str, name: str, name_zh: str) -> str:
    """A lakeside case with a ``name_zh:`` line after its ``name:`` line."""
    line = f"  - name: {name}\n"
    assert line in case
    return case.replace(line, f"{line}    name_zh: {name_zh}\n")


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        (
            "zh",
            "通过 first_contact.yaml：在1个工作日时限前一分钟、后一分钟先行接单并先行联系"
            "（accepted and contacted one minute before / one minute after the "
            "1-working-day limit）",
        ),
        (
            "en",
            "ok   first_contact.yaml: accepted and contacted one minute before / one minute "
            "after the 1-working-day limit",
        ),
    ],
)
def test_the_test_command_shows_the_chinese_name_with_the_english_in_brackets(lang, line):
    result = CliRunner().invoke(cli, ["--lang", lang, "test", str(ROOT / "policies" / "xiayang")])
    assert result.exit_code == 0, result.output
    assert line in result.output.splitlines()


def test_a_failing_case_is_reported_by_its_chinese_name_under_chinese(tmp_path):
    pack = write_pack(tmp_path, _named(REPLY_WRONG, WRONG_NAME, "超期回复却预期按时"))
    (case,) = load_scenarios(pack / "scenarios" / "replies.yaml")
    assert (case.name, case.name_zh) == (WRONG_NAME, "超期回复却预期按时")
    with language("zh"):
        assert run_scenario(case).report().splitlines()[0] == (
            "场景 '超期回复却预期按时（a late reply expected in time）'"
            f"（replies.yaml 第 1 个用例，第 {case.line} 行）"
        )
    output = CliRunner().invoke(cli, ["--lang", "zh", "test", str(pack)]).output.splitlines()
    assert "失败 replies.yaml：超期回复却预期按时（a late reply expected in time）" in output
    with language("en"):
        assert run_scenario(case).report().splitlines()[0] == (
            f"scenario 'a late reply expected in time' (replies.yaml case 1, line {case.line})"
        )
    output = CliRunner().invoke(cli, ["--lang", "en", "test", str(pack)]).output.splitlines()
    assert "FAIL replies.yaml: a late reply expected in time" in output


def test_without_name_zh_the_name_is_shown_as_it_is_in_both_languages(tmp_path):
    (case,) = load_scenarios(write_pack(tmp_path, REPLY_MET) / "scenarios" / "replies.yaml")
    assert case.name_zh is None
    for lang in ("zh", "en"):
        with language(lang):
            assert case.shown_name == MET_NAME


@pytest.mark.parametrize(
    ("value", "english", "chinese"),
    [
        (
            "reply in time",
            "name_zh: 'reply in time' has no Chinese character in it; "
            "a '_zh' text must be written in Chinese",
            "name_zh：'reply in time' 中没有汉字；'_zh' 文本须用中文书写",
        ),
        (
            "[两个工作日内回复]",
            "name_zh: must be text, the case's name in Chinese; got ['两个工作日内回复']",
            "name_zh：应为文本，即用例名称的中文，实际为 ['两个工作日内回复']",
        ),
        (
            "12345",
            "name_zh: must be text, the case's name in Chinese; got 12345",
            "name_zh：应为文本，即用例名称的中文，实际为 12345",
        ),
    ],
    ids=["not-chinese", "a-list", "a-number"],
)
def test_a_name_zh_not_chinese_text_is_refused_naming_file_case_and_field(
    tmp_path, value, english, chinese
):
    path = write_pack(tmp_path, _named(REPLY_MET, MET_NAME, value)) / "scenarios" / "replies.yaml"
    with language("en"), pytest.raises(ScenarioFileError) as failure:
        load_scenarios(path)
    assert str(failure.value) == f"{path}: case 1 ({MET_NAME}): {english}"
    assert (failure.value.file, failure.value.field) == (str(path), "name_zh")
    with language("zh"), pytest.raises(ScenarioFileError) as failure:
        load_scenarios(path)
    assert str(failure.value) == f"{path}：第 1 个用例（{MET_NAME}）：{chinese}"
    assert (failure.value.file, failure.value.field) == (str(path), "name_zh")


@pytest.mark.parametrize("pack", BUILT_IN)
def test_every_built_in_case_named_with_latin_letters_has_a_chinese_name(pack):
    files = sorted((ROOT / "policies" / pack / "scenarios").glob("*.yaml"))
    cases = [case for file in files for case in load_scenarios(file)]
    assert cases
    missing = [
        f"{case.file.name} case {case.index + 1} ({case.name})"
        for case in cases
        if LATIN.search(case.name) and not (case.name_zh and HAN.search(case.name_zh))
    ]
    assert missing == []
