"""A parameter whose first value takes effect after the pack does (a clause brought in later).

The pack is daye with a supplementary document of 2024-01-10 (湖滨 第六条: first contact
within 2 hours of the sign-off) whose parameters start on that date, while the pack is in
force from 2023-05-19: on an order received before, the rule reading them has no value.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from grievance_rules.cli import cli
from grievance_rules.errors import PackError
from grievance_rules.i18n import language
from grievance_rules.packs import builtin_packs_dir, find_pack, load_pack
from grievance_rules.packs.diff import diff_packs
from grievance_rules.packs.readme import render_readme
from grievance_rules.reports.formatting import warning_text

SOURCE = """\
  - file: hubin_2024_3.txt
    title: 湖滨市12345热线工单办理补充规定
    number: 湖政办〔2024〕3号
    issued: 2024-01-10
"""
PARAMETERS = """\
  first_contact_time:
    description: "Time limit for first contact with the complainant after the sign-off"
    description_zh: "签收后首次联系诉求人的时限"
    values:
      - from: 2024-01-10
        value: 2 hours
        citation:
          source: hubin_2024_3.txt
          clause: 第六条
          text: 承办单位应于签收后2小时内联系诉求人
  first_contact_convention:
    description: "How the first-contact limit is counted"
    description_zh: "首次联系时限的计算方法"
    basis: assumption
    values:
      - {from: 2024-01-10, value: elapsed, note: "wall clock", note_zh: "按自然时间"}
"""
RULES = """\
rules:
  - id: HB-6.first-contact
    kind: clock
    title: 签收后2小时内联系诉求人
    clauses: [HB-6]
    topics: [first_contact]
    citation: {source: SOURCE, clause: 第六条, text: 承办单位应于签收后2小时内联系诉求人}
    start: {event: signed_for}
    per_assignment: true
    stop: {event: first_contact}
    stop_by: same_unit
    duration: {param: first_contact_time}
    convention: {param: first_contact_convention}
  - id: HB-6.late-contact
    kind: deduction
    title: 超时联系扣0.5分
    clauses: [HB-6]
    topics: [first_contact]
    citation: {source: hubin_2024_3.txt, clause: 第六条, text: 超时联系的扣0.5分}
    when: {clock: HB-6.first-contact, state: breached}
    points: -0.5
    charge: handling_unit
"""
ORDER = {
    "id": "X1",
    "channel": "12345",
    "category": "投诉",
    "received_at": "2023-06-05T09:00:00+08:00",
    "units": [{"id": "rx", "kind": "dispatch_centre"}, {"id": "ljq", "kind": "township"}],
    "events": [
        {"type": "dispatched", "at": "2023-06-05T09:30:00+08:00", "unit": "rx", "to_unit": "ljq"},
        {"type": "signed_for", "at": "2023-06-05T10:00:00+08:00", "unit": "ljq"},
    ],
}


def _mycity(target: Path, rule_source: str = "hubin_2024_3.txt") -> Path:
    """daye as mycity, with the 2024 supplement; its clock cites ``rule_source``."""
    source = builtin_packs_dir() / "daye"
    target.mkdir()
    shutil.copytree(source / "rules", target / "rules")
    manifest = (source / "pack.yaml").read_text(encoding="utf-8")
    manifest = manifest.replace("id: daye\n", "id: mycity\n", 1)
    manifest = manifest.replace("sources:\n", "sources:\n" + SOURCE, 1)
    (target / "pack.yaml").write_text(manifest, encoding="utf-8")
    parameters = (source / "parameters.yaml").read_text(encoding="utf-8")
    (target / "parameters.yaml").write_text(parameters.rstrip("\n") + "\n" + PARAMETERS)
    (target / "rules" / "hubin.yaml").write_text(
        RULES.replace("source: SOURCE", f"source: {rule_source}"), encoding="utf-8"
    )
    return target


@pytest.fixture
def dated(tmp_path: Path) -> Path:
    """The clock cites the supplement, issued 2024-01-10: it applies only from then."""
    return _mycity(tmp_path / "mycity")


@pytest.fixture
def undated(tmp_path: Path) -> Path:
    """The clock cites daye's own document of 2023-05-19: nothing dates it."""
    return _mycity(tmp_path / "mycity", rule_source="002_cc7cbe507f08239f.txt")


def test_validate_notes_a_rule_its_source_dates(dated: Path) -> None:
    runner = CliRunner()
    for strict in ([], ["--strict"]):
        result = runner.invoke(cli, ["--lang", "en", "packs", "validate", *strict, str(dated)])
        assert result.exit_code == 0, result.output
        assert (
            "note: parameters.yaml (parameter first_contact_time): its first value takes effect "
            "on 2024-01-10, after the pack's effective_from 2023-05-19; rule(s) "
            "HB-6.first-contact read it and apply only from 2024-01-10 (their source was issued "
            "then): an order received before then is not assessed by them\n"
        ) in result.output
        assert "0 flags" in result.output
    result = runner.invoke(cli, ["--lang", "zh", "packs", "validate", str(dated)])
    assert (
        "说明：parameters.yaml（参数 first_contact_time）：其第一个取值自 2024-01-10 起生效，"
        "晚于规则包的生效日期（effective_from）2023-05-19；读取该参数的规则 HB-6.first-contact "
        "自 2024-01-10 起适用（其依据文件于该日发布）：此前受理的工单不按这些规则测评\n"
    ) in result.output


def test_validate_flags_an_undated_rule_and_strict_refuses_it(undated: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--lang", "en", "packs", "validate", str(undated)])
    assert result.exit_code == 0, result.output
    assert (
        "flag: parameters.yaml (parameter first_contact_time): its first value takes effect on "
        "2024-01-10, after the pack's effective_from 2023-05-19, and rule(s) HB-6.first-contact "
        "read it: on an order received before 2024-01-10 they cannot be computed (the "
        "assessment warns instead). If the rule applies only from 2024-01-10, date it: cite "
        "the document that brought it in, listed in pack.yaml's sources with issued: "
        "2024-01-10; otherwise give the parameter a value from 2023-05-19\n"
    ) in result.output
    assert "2 flags" in result.output  # first_contact_time and first_contact_convention
    with language("zh"), pytest.raises(PackError) as caught:
        load_pack(undated, strict=True)
    assert str(caught.value).startswith(
        "parameters.yaml（参数 first_contact_time）：其第一个取值自 2024-01-10 "
        "起生效，晚于规则包的生效日期（effective_from）2023-05-19，而规则 HB-6.first-contact "
        "读取该参数：2024-01-10 之前受理的工单无法按这些规则计算（测评结果给出提示）。"
    )
    assert caught.value.file == "parameters.yaml"
    assert caught.value.field == "first_contact_time.values.0.from"
    assert caught.value.rule_id == "HB-6.first-contact"
    assert caught.value.line is not None
    result = runner.invoke(cli, ["packs", "validate", "--strict", str(undated)])
    assert isinstance(result.exception, PackError)  # main() says it on one line, exit 2


def test_diff_without_on_reads_the_pack_from_its_parameters_first_date(dated: Path) -> None:
    diff = diff_packs(find_pack("daye"), load_pack(dated))
    daye, mycity = diff.packs
    assert (daye.on.isoformat(), mycity.on.isoformat()) == ("2023-05-19", "2024-01-10")
    assert daye.note is None
    assert mycity.note == (
        "read on 2024-01-10, not on its effective_from 2023-05-19: parameter(s) "
        "first_contact_time, first_contact_convention have no value before 2024-01-10 "
        "(read by rule(s) HB-6.first-contact)"
    )
    assert mycity.note_zh == (
        "按 2024-01-10 的取值比较，而不是按其生效日期 2023-05-19：参数 "
        "first_contact_time、first_contact_convention 在 2024-01-10 之前没有取值"
        "（规则 HB-6.first-contact 读取这些参数）"
    )
    result = CliRunner().invoke(cli, ["--lang", "zh", "packs", "diff", "daye", str(dated)])
    assert result.exit_code == 0, result.output
    assert f"- `mycity`：{mycity.note_zh}。\n" in result.output


def test_diff_on_a_date_without_the_value_says_so_in_the_language(dated: Path) -> None:
    runner = CliRunner()
    on = ["packs", "diff", "daye", str(dated), "--on", "2023-06-01"]
    with language("zh"):
        result = runner.invoke(cli, ["--lang", "zh", *on])
    assert str(result.exception) == (
        "规则包 mycity：参数 'first_contact_time' 在 2023-06-01 没有取值"
        "（其第一个取值自 2024-01-10 起生效）（规则 HB-6.first-contact 读取该参数）；"
        "请改用 2024-01-10 或之后的日期比较"
    )
    result = runner.invoke(cli, ["--lang", "en", *on])
    assert str(result.exception) == (
        "pack mycity: parameter 'first_contact_time' has no value on 2023-06-01 "
        "(its first value takes effect on 2024-01-10) (read by rule HB-6.first-contact); "
        "compare on 2024-01-10 or later"
    )


def test_the_warning_of_an_earlier_order_is_told_in_the_language(
    dated: Path, tmp_path: Path
) -> None:
    orders = tmp_path / "o2023.jsonl"
    orders.write_text(json.dumps(ORDER, ensure_ascii=False) + "\n", encoding="utf-8")
    args = ["evaluate", "--pack-dir", str(dated), "--as-of", "2023-07-01T00:00:00+08:00"]
    result = CliRunner().invoke(cli, ["--lang", "zh", *args, str(orders)])
    (warning,) = json.loads(result.output.splitlines()[0])["warnings"]
    message = (  # the assessment keeps it in English: data, the same in every language
        "HB-6.first-contact: pack mycity: parameter 'first_contact_time' has no value on "
        "2023-06-05 (its first value takes effect on 2024-01-10)"
    )
    assert warning["message"] == message
    with language("zh"):
        said = warning_text("deadline_not_computable", message, "HB-6.first-contact")
    assert said == (
        "HB-6.first-contact：无法计算期限（规则包 mycity：参数 'first_contact_time' 在 "
        "2023-06-05 没有取值（其第一个取值自 2024-01-10 起生效））"
    )
    table = CliRunner().invoke(
        cli, ["--lang", "zh", *args, "--output-format", "table", str(orders)]
    )
    assert said in table.output
    assert "has no value" not in table.output


def test_the_readme_says_the_rules_apply_only_from_the_first_date(dated: Path) -> None:
    pack = load_pack(dated)
    english = render_readme(pack, "en")
    assert (
        "| HB-6 | 第六条 | `HB-6.first-contact` | time limit | first contact within 2 hours of "
        "sign-off (applies only from 2024-01-10, each unit the order is sent to on its own) |"
    ) in english
    assert (
        "| HB-6 | 第六条 | `HB-6.late-contact` | points | minus 0.5 points "
        "(applies only from 2024-01-10) |"
    ) in english
    chinese = render_readme(pack, "zh")
    assert "| `HB-6.late-contact` | 扣加分 | 扣0.5分（自2024-01-10起适用） |" in chinese
    assert "自签收起2小时内先行联系（自2024-01-10起适用、" in chinese
    assert english.count("applies only from") == 4  # two rules, in the table and the list
    assert render_readme(find_pack("daye"), "en").count("applies only from") == 0
