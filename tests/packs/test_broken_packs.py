"""Each pack in broken/ is refused with the error its expect.yaml names."""

import re
from pathlib import Path

import pytest
import yaml

from grievance_rules.errors import PackError
from grievance_rules.i18n import language
from grievance_rules.packs import load_pack

BROKEN = sorted((Path(__file__).parent / "broken").iterdir())


@pytest.mark.parametrize("case", BROKEN, ids=[p.name for p in BROKEN])
def test_broken_pack_is_refused_with_file_line_rule_and_field(case: Path) -> None:
    expect = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    with pytest.raises(PackError) as caught:
        load_pack(case)
    error = caught.value
    assert expect["message"] in str(error)
    assert error.file == expect["file"]
    assert error.rule_id == expect["rule_id"]
    if expect["rule_id"] is not None:  # the message a pack author reads names the rule too
        assert expect["rule_id"] in str(error)
    if expect["field"] is not None:
        assert error.field == expect["field"]
    if expect["line"] is not None:
        assert error.line == expect["line"]
        assert f"line {expect['line']}" in str(error)


def test_a_missing_manifest_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PackError, match=r"has no pack\.yaml"):
        load_pack(tmp_path)


# -- the same refusals in 简体中文 ---------------------------------------------------------

LITERAL_WORDS = {"YAML", "id", "any", "true", "false"}
"""Code words a Chinese message keeps as they are written in a pack (YAML keys, literals)."""

_QUOTED = re.compile(r"'[^']*'|\[[^\]]*\]")
_LIST = re.compile(r"[\w ]+(?:(?:, |、)[\w ]+)+")
_IDENTIFIER = re.compile(r"\S*[._/0-9-]\S*")


def _english_words_left(message: str, error: PackError, case: Path) -> list[str]:
    """The Latin words of 3+ letters a Chinese message still has, once literals are taken out.

    Taken out: quoted values and lists (``'...'``, ``[...]``), comma-separated lists of
    values, the file name, identifiers and field paths (with ``.``, ``_``, ``/``,
    digits, ``-``), words the pack's own files hold, and :data:`LITERAL_WORDS`.
    """
    pack_words: set[str] = set()
    for path in case.rglob("*.yaml"):
        if path.name != "expect.yaml":
            pack_words |= set(re.findall(r"[A-Za-z]+", path.read_text(encoding="utf-8")))
    text = message.replace(error.file or "", " ")
    text = _QUOTED.sub(" ", text)
    text = _LIST.sub(" ", text)
    text = _IDENTIFIER.sub(" ", text)
    words = re.findall(r"[A-Za-z]{3,}", text)
    return [word for word in words if word not in LITERAL_WORDS | pack_words]


def _refusal(case: Path, lang: str) -> PackError:
    with language(lang), pytest.raises(PackError) as caught:
        load_pack(case)
    return caught.value


@pytest.mark.parametrize("case", BROKEN, ids=[p.name for p in BROKEN])
def test_broken_pack_is_refused_in_chinese_with_the_same_file_line_rule_and_field(
    case: Path,
) -> None:
    english = _refusal(case, "en")
    chinese = _refusal(case, "zh")
    expect = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    message = str(chinese)
    assert (chinese.file, chinese.rule_id, chinese.field, chinese.line) == (
        english.file,
        english.rule_id,
        english.field,
        english.line,
    )
    assert chinese.file == expect["file"]
    shown = re.sub(r" \(parameter (\S+)\)$", r"（参数 \1）", chinese.file or "")
    assert message.startswith(f"{shown}：")  # parameters.yaml（参数 reply）：
    if chinese.rule_id is not None:
        assert chinese.rule_id in message
    if chinese.line is not None:
        assert f"第 {chinese.line} 行" in message
        assert f"line {chinese.line}" not in message
    assert re.search(r"[\u4e00-\u9fff]", message), message
    assert _english_words_left(message, chinese, case) == [], message


CHINESE_MESSAGES = {
    "unknown_parameter": (
        "rules/r.yaml：规则 R-1：duration.param：未知的参数 'reply_days'；现有参数：无（第 9 行）"
    ),
    "unknown_reference": "rules/r.yaml：规则 R-2：when.clock：引用了未知的规则 'R-9'（第 17 行）",
    "bad_convention": (
        "rules/r.yaml：规则 R-1：convention：未知的计算方法 'lunar'；"
        "可选 civil_code、working_time、elapsed（第 10 行）"
    ),
    "unknown_rule_kind": (
        "rules/r.yaml：规则 R-1：kind：未知的规则类型 'timer'；应为以下之一："
        "clock、window、deduction、escalation、record、period、ranking（第 2 行）"
    ),
    "duplicate_rule_id": "rules/r.yaml：第 11 行：规则 id 'R-1' 已在 rules/r.yaml 第 2 行定义过",
}


@pytest.mark.parametrize("name", sorted(CHINESE_MESSAGES))
def test_broken_pack_chinese_message_in_full(name: str) -> None:
    error = _refusal(Path(__file__).parent / "broken" / name, "zh")
    assert str(error) == CHINESE_MESSAGES[name]


def test_the_line_suffix_is_said_in_the_chosen_language() -> None:
    with language("zh"):
        assert str(PackError("坏了", line=3)) == "坏了（第 3 行）"
        assert str(PackError("第 3 行有误", line=3)) == "第 3 行有误"
    with language("en"):
        assert str(PackError("bad", line=3)) == "bad (line 3)"
        assert str(PackError("bad at line 3", line=3)) == "bad at line 3"
