"""Pack READMEs for an official: README.md in 简体中文, README.en.md in English.

The expected lines are written by hand from the packs' YAML and the source documents
(xiayang 二、1: 「承办部门应先行接单并在1个工作日之内予以先行联系」; chengdong 附件2 二、1:
超期件每件扣1分; 三（二）: 半个工作日内申请回退, 超期不予回退).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from grievance_rules.calendar.durations import Duration
from grievance_rules.cli import cli
from grievance_rules.errors import PackError
from grievance_rules.i18n import language
from grievance_rules.packs import find_pack, load_pack
from grievance_rules.packs.readme import (
    README_FILES,
    UNTRANSLATED,
    _duration,
    render_readme,
    untranslated_texts,
)
from grievance_rules.packs.schema import ClockRule

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "example-pack"
PACKS = ["chengdong", "daye", "xiayang"]

ENGINEERING_TERMS = [
    "half_minutes",
    "noon_cutoff",
    "to_unit_upstream",
    "working_time",
    "civil_code",
    "elapsed",
    "per_assignment",
    "not_stopped_by",
    "village_community",
    "leader_in_charge",
    "main_leader",
    "dispatched",
    "signed_for",
    "return_requested",
    "first_contact",
    "pack.with_parameters",
    "Other reading",
    "Example:",
    "Topics:",
]
"""Words of the engine and the English frame that a Chinese README must not show."""

_ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[\s,;:()/]+[A-Za-z][A-Za-z'’-]*){2,}")


def english_runs(markdown: str) -> list[str]:
    """Runs of three or more English words a reader sees.

    Allowed, and so not looked at: code spans (rule ids, file names) and the HTML comment
    that says how the file is generated (a reader of the page does not see it).
    """
    visible = re.sub(r"<!--.*?-->", "", markdown, flags=re.DOTALL)
    visible = re.sub(r"`[^`\n]*`", "", visible)
    return [match.group(0) for match in _ENGLISH_RUN.finditer(visible)]


def test_english_runs_are_found_and_ids_allowed() -> None:
    assert english_runs("自派单起1个工作日内签收，见 `XY-1.accept` 和 `001_757e.txt`。") == []
    assert english_runs("<!-- grievance-rules packs readme x --write -->\n无") == []
    assert english_runs("理由：the day of dispatch is not counted") == [
        "the day of dispatch is not counted"
    ]
    assert english_runs("两个词 two words 不算") == []


@pytest.mark.parametrize("name", PACKS)
def test_the_chinese_readme_has_no_untranslated_prose(name: str) -> None:
    pack = find_pack(name)
    text = (pack.directory / "README.md").read_text(encoding="utf-8")
    assert untranslated_texts(pack) == []
    assert UNTRANSLATED not in text
    assert english_runs(text) == []


@pytest.mark.parametrize("name", PACKS)
def test_the_chinese_readme_names_parameters_only_for_analysts(name: str) -> None:
    # an official reads the rules without the engine's words; an analyst who reads
    # Chinese finds, at the end, the name that picks each 另一种理解 (as in English)
    pack = find_pack(name)
    text = (pack.directory / "README.md").read_text(encoding="utf-8")
    for_officials, for_analysts = text.split("\n## 供分析人员：参数名\n")
    visible = re.sub(r"<!--.*?-->", "", for_officials, flags=re.DOTALL)
    terms = [*ENGINEERING_TERMS, *pack.parameters]
    found = [
        t for t in terms if re.search(rf"(?<![A-Za-z0-9_.-]){re.escape(t)}(?![A-Za-z_])", visible)
    ]
    assert found == []
    assert "| 参数名 | 事项 | 另一种理解 |" in for_analysts
    assert all(f"| `{name}` |" in for_analysts for name in pack.parameters)
    switches = [
        i.switch
        for i in [*(p.interpretation for p in pack.parameters.values())]
        + [r.interpretation for r in pack.rules]
        if i is not None and i.switch
    ]
    assert switches
    assert all(f"`{switch}`" in for_analysts for switch in switches)


@pytest.mark.parametrize("name", PACKS)
def test_the_english_readme_names_parameters_only_for_analysts(name: str) -> None:
    pack = find_pack(name)
    text = (pack.directory / "README.en.md").read_text(encoding="utf-8")
    for_officials, for_analysts = text.split("\n## For analysts: parameter names\n")
    visible = re.sub(r"<!--.*?-->", "", for_officials, flags=re.DOTALL)
    terms = [t for t in ENGINEERING_TERMS if "_" in t or "." in t] + list(pack.parameters)
    found = [
        t for t in terms if re.search(rf"(?<![A-Za-z0-9_.-]){re.escape(t)}(?![A-Za-z_])", visible)
    ]
    assert found == []
    assert UNTRANSLATED not in text
    assert all(f"| `{name}` |" in for_analysts for name in pack.parameters)


@pytest.mark.parametrize("name", PACKS)
def test_each_quote_is_shown_once_without_its_clause_label(name: str) -> None:
    pack = find_pack(name)
    text = (pack.directory / "README.md").read_text(encoding="utf-8")
    quotes = [line[2:] for line in text.splitlines() if line.startswith("> ")]
    assert len(quotes) == len(set(quotes))
    labels = {rule.citation.clause for rule in pack.rules}
    assert [q for q in quotes if any(q.startswith(label) for label in labels)] == []
    for rule in pack.rules:  # every rule's quote is there, inside one quoted passage
        assert any(rule.citation.text.strip() in q for q in quotes), rule.id
    for label in labels:  # each clause label heads one section
        assert text.count(f"\n### {label}\n") == 1, label


def test_xiayang_in_chinese() -> None:
    text = (find_pack("xiayang").directory / "README.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# 夏阳街道12345市民服务热线工作管理办法"
    assert "适用范围：上海市青浦区夏阳街道。版本2022-06-08，自2022-06-08起施行。" in lines
    assert (
        "| XY-1 | 二、1 工单流转 先行接单 | `XY-1.accept` | 时限 "
        "| 自派单起1个工作日内签收（每个承办单位分别计时） |"
    ) in lines
    assert (
        "| XY-5 | 二、2 退单与签派 谨慎退单 | `XY-5.return-window` | 期限窗口 "
        "| 自派单起2个工作日内退单申请（超期：逾期不予退单） |"
    ) in lines
    assert (  # actor: dispatch_centre; target: handling_unit, role department_head
        "| XY-3 | 四、2 疑难工单预警机制 | `XY-3.warning-order` | 督促措施 "
        "| 列为预警工单，在微信群内通报（派件单位；对象：承办单位的部门负责人） |"
    ) in lines
    # XY-10 is 四、2 "5+5": its one row shows that clause, not 二、1
    assert [line for line in lines if line.startswith("| XY-10 |")] == [
        "| XY-10 | 四、2 疑难工单预警机制 | `XY-3.warning-order` | 督促措施 "
        "| 列为预警工单，在微信群内通报（派件单位；对象：承办单位的部门负责人） |"
    ]
    assert "| 首次处置时限 | 2022-06-08 | 5个工作日 | 文件规定 | 二、1 工单流转 首次处置 |" in lines
    assert "| 随身拍工单处置时间 | 2022-06-08 | 3个自然日 | 文件规定 | 三、1 非常规工单 |" in lines
    assert "- 半个工作日：当日工作时间的一半。" in lines
    assert "- 每周自星期一起算。" in lines
    assert "- 工作时间为假定（文件未规定）。" in lines
    # 二、1 先行接单: the longer quote is shown, once, under its label; both rules under it
    section = text.split("### 二、1 工单流转 先行接单\n", 1)[1].split("\n### ", 1)[0]
    assert section.count("> ") == 1
    assert (
        "> 街道城运中心会将工单派遣至相关四级承办部门,"
        "承办部门应先行接单并在1个工作日之内予以先行联系" in section
    )
    assert "- **`XY-1.first-contact`** 先行联系（派单后1个工作日内）（时限）：" in section


def test_chengdong_in_chinese() -> None:
    lines = (find_pack("chengdong").directory / "README.md").read_text(encoding="utf-8")
    rows = lines.splitlines()
    assert (
        "| CD-2 | 三（二）当日回退制 | `CD-2.return-window` | 期限窗口 "
        "| 自派单起半个工作日内退单申请（超期：超期不予回退） |"
    ) in rows
    assert (
        "| CD-A2.1 | 附件2 二、1 超期件 | `CD-A2.1.overdue` | 扣加分 "
        "| 扣1分，每件工单在每个单位各计一次，只计入：属地 |"
    ) in rows
    assert (
        "| CD-A2.7 | 附件2 二、7（1）区重办 | `CD-A2.7.redo-district` | 扣加分 "
        "| 扣1分，同一工单再次发生的逐次加倍，只计入：属地 |"
    ) in rows
    assert "| 主动承办件每件加分 | 2024-01-01 | 加1分 | 文件规定 | 附件2 二、10 |" in rows
    assert (
        "| 黄灯预警：时限已用去的比例达到该值时亮黄灯（提示分管领导） | 2024-01-01 | 50% | 假定 "
        in lines
    )
    assert "黄灯：分管领导、红灯：主要领导。" in lines


def test_english_readme_has_the_english() -> None:
    text = (find_pack("xiayang").directory / "README.en.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# 夏阳街道12345市民服务热线工作管理办法 (xiayang)"
    assert (
        "| XY-1 | 二、1 工单流转 先行接单 | `XY-1.accept` | time limit "
        "| sign-off within 1 working day of dispatch (each unit the order is sent to on its own) |"
    ) in lines
    assert (
        "| Time limit for the first handling (首次处置) | 2022-06-08 | 5 working days | cited "
        "| 二、1 工单流转 首次处置 |"
    ) in lines
    assert "- Office hours are assumed (the document gives none)." in lines
    assert "## For analysts: parameter names" in lines
    assert "| `return_window` | Time limit for a return request (退单申请) |  |" in lines
    assert "未翻译" not in text


@pytest.mark.parametrize("name", PACKS)
def test_a_quotation_folded_over_two_lines_reads_whole_in_english(name: str) -> None:
    # a folded YAML scalar turns a line break into a space, also inside 「…」 in the English
    # prose (「派单后两个工作日 之内」): the README joins what the fold split
    wide = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
    text = (find_pack(name).directory / "README.en.md").read_text(encoding="utf-8")
    near = f"[{wide}]\\s+|\\s+[{wide}]"
    split = [q for q in re.findall("「[^」]*」", text) if re.search(near, q)]
    assert split == []
    if name == "xiayang":  # parameters.yaml breaks this one over two lines
        assert "「派单后两个工作日之内」" in text
    if name == "chengdong":  # and a rule this one, after its comma
        assert "「接诉即办件当日有个初步回复，2个工作日内办理完毕」" in text


def _copy_example(tmp_path: Path) -> Path:
    directory = tmp_path / "example"
    shutil.copytree(EXAMPLE, directory)
    return directory


def test_the_example_pack_is_translated() -> None:
    assert untranslated_texts(load_pack(EXAMPLE)) == []


def test_a_third_party_pack_in_english_only_is_flagged_untranslated(tmp_path: Path) -> None:
    directory = _copy_example(tmp_path)
    rules = directory / "rules" / "transfer.yaml"
    text = rules.read_text(encoding="utf-8")
    zh_line = next(line for line in text.splitlines() if "reading_zh:" in line)
    rules.write_text(text.replace(zh_line + "\n", ""), encoding="utf-8")
    pack = load_pack(directory)
    assert untranslated_texts(pack) == ["DXH-1.transfer: interpretation.reading"]
    chinese = render_readme(pack, "zh")
    line = next(x for x in chinese.splitlines() if x.startswith("- **`DXH-1.transfer`**（"))
    assert line == (
        "- **`DXH-1.transfer`**（东西湖区）：（未翻译）转办 is the receiving unit passing "
        "the order on to the unit that handles it: the clock runs from the dispatch to the "
        "receiving unit until that unit dispatches it onward."
    )
    assert english_runs(chinese) != []


def test_a_chinese_twin_without_chinese_refuses_the_pack(tmp_path: Path) -> None:
    directory = _copy_example(tmp_path)
    rules = directory / "rules" / "transfer.yaml"
    text = rules.read_text(encoding="utf-8")
    zh_line = next(line for line in text.splitlines() if "reading_zh:" in line)
    indent = zh_line[: len(zh_line) - len(zh_line.lstrip())]
    rules.write_text(
        text.replace(zh_line, f"{indent}reading_zh: the transfer, in English"), encoding="utf-8"
    )
    with pytest.raises(PackError) as caught:
        load_pack(directory)
    message = str(caught.value)
    assert "transfer.yaml" in message
    assert "interpretation.reading_zh" in message
    assert "(line 16)" in message
    assert caught.value.rule_id == "DXH-1.transfer"
    assert caught.value.field == "interpretation.reading_zh"
    assert "must be written in Chinese" in message


def test_limitations_in_chinese_one_for_each(tmp_path: Path) -> None:
    directory = _copy_example(tmp_path)
    manifest = directory / "pack.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(
        text.replace('  - "这是文档的示例，不是对该报道的完整编码。"\n', ""), encoding="utf-8"
    )
    with pytest.raises(PackError, match="limitations_zh has 2 entries and limitations 3"):
        load_pack(directory)


def test_packs_readme_writes_both_files(tmp_path: Path) -> None:
    directory = _copy_example(tmp_path)
    result = CliRunner().invoke(cli, ["packs", "readme", str(directory), "--write"])
    assert result.exit_code == 0, result.output
    pack = load_pack(directory)
    for lang, name in README_FILES.items():
        assert (directory / name).read_text(encoding="utf-8") == render_readme(pack, lang)
    chinese = (directory / "README.md").read_text(encoding="utf-8")
    assert "| DXH-1 | 东西湖区 | `DXH-1.transfer` | 时限 | 自派单起1个工作日内派单" in chinese
    assert "| 转办不及时扣分（每件） | 2024-01-01 | 扣1分 | 文件规定 | 东西湖区 |" in chinese
    printed = CliRunner().invoke(cli, ["--lang", "zh", "packs", "readme", str(directory)])
    assert printed.exit_code == 0, printed.output
    assert printed.output == chinese


def test_a_deadline_written_on_the_order_is_named_in_words() -> None:
    pack = load_pack(EXAMPLE)
    assert isinstance(pack.rule("DXH-2.deadline"), ClockRule)
    line = next(x for x in render_readme(pack, "zh").splitlines() if x.startswith("| DXH-2 |"))
    assert line == (
        "| DXH-2 | 东西湖区 | `DXH-2.deadline` | 时限 | 自派单起，于工单载明的办理期限前回复 |"
    )


units = st.sampled_from(
    ["working days", "working hours", "natural days", "hours", "minutes", "working day"]
)


@given(amount=st.integers(min_value=1, max_value=400), unit=units)
def test_a_duration_shown_in_chinese_reads_back_as_the_same_duration(
    amount: int, unit: str
) -> None:
    # what the README shows (2个工作日, 24小时, 30分钟) is a duration the packs accept
    text = f"{amount} {unit}"
    with language("zh"):
        shown = _duration(text)
    assert re.fullmatch(r"\d+(个工作日|个工作小时|个自然日|小时|分钟)", shown)
    assert Duration.parse(shown) == Duration.parse(text)
    with language("en"):
        assert Duration.parse(_duration(text)) == Duration.parse(text)


def test_half_a_working_day_and_the_same_day_in_chinese() -> None:
    with language("zh"):
        assert (_duration("半个工作日"), _duration("same day")) == ("半个工作日", "当日")
    with language("en"):
        assert (_duration("半个工作日"), _duration("当日")) == (
            "half a working day",
            "the same day",
        )


def test_a_clock_per_assignment_from_the_sign_off_names_no_other_start() -> None:
    """Each unit's own clock: 「分别计时」, not 「自其收到派单起」 after 「自签收起」."""
    text = render_readme(find_pack("daye"), "zh")
    assert (
        "| DY-8b | （八）限时办结 | `DY-8b.reply` | 时限 | 自签收起5个工作日内回复"
        "（初步回复不算、每个承办单位分别计时、经批准延期的期限顺延、连同延期最长30个工作日） |"
    ) in text.splitlines()
    assert "收到派单起" not in text


def test_a_deadline_written_on_the_start_event_is_named_by_that_event() -> None:
    # daye DY-12.letter-deadline: 公函督办「限时办结」, due at the deadline the letter
    # supervision (督办) carries; the README says so in words, not by the field's name
    pack = find_pack("daye")
    zh = render_readme(pack, "zh").splitlines()
    en = render_readme(pack, "en").splitlines()
    assert (
        "| DY-12 | （十二）跟踪督办 二是公函督办 | `DY-12.letter-deadline` | 时限 "
        "| 自督办起，于督办写明的期限前回复或办结（初步回复不算、每次督办分别计时） |"
    ) in zh
    assert (
        "| DY-12 | （十二）跟踪督办 二是公函督办 | `DY-12.letter-deadline` | time limit "
        "| reply or closure by the deadline written on the supervision, counted from "
        "supervision (a preliminary reply (初步回复) does not count, a limit for each "
        "supervision) |"
    ) in en


def test_limitations_in_chinese_are_counted_with_the_noun_in_number(tmp_path: Path) -> None:
    from grievance_rules.i18n import language

    directory = _copy_example(tmp_path)
    manifest = directory / "pack.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(
        text.replace('  - "这是文档的示例，不是对该报道的完整编码。"\n', "").replace(
            '  - "该报道是新闻报道，没有施行日期；2024-01-01为假定。"\n', ""
        ),
        encoding="utf-8",
    )
    for lang, said in (
        ("en", "limitations_zh has 1 entry and limitations 3: give one Chinese entry for each "),
        ("zh", "limitations_zh 有 1 条而 limitations 有 3 条：请为每条英文给出一条中文"),
    ):
        with language(lang), pytest.raises(PackError) as caught:
            load_pack(directory)
        assert said in str(caught.value)
