"""chengdong against its source: quotes keep the seed's spacing, rules sit under their clause."""

import re

from grievance_rules.packs import find_pack
from tests.packs.seeds import SEEDS, checklist, needs_seeds, quoted_passages

SOURCE = "000_52d67764f2e06ee6.txt"


def _unfold(text: str) -> str:
    # a line break and the indentation around it (YAML folding, the seed's own lines)
    return re.sub(r"\s*\n\s*", "", text)


@needs_seeds
def test_quoted_passages_keep_the_seeds_spaces() -> None:
    # test_builtin_packs compares quotes with all whitespace squashed; a space the seed
    # has inside a line is part of the wording (附件2「一、考核对象： 各村（社区）」)
    seed = _unfold((SEEDS / SOURCE).read_text(encoding="utf-8"))
    pack = find_pack("chengdong")
    squashed_seed = re.sub(r"\s+", "", seed)
    changed = []
    for file, part in quoted_passages(pack):
        unfolded = _unfold(part)
        if unfolded not in seed and re.sub(r"\s+", "", unfolded) in squashed_seed:
            changed.append(f"{file}: 「{unfolded}」")
    assert changed == []


def _checklist_sections() -> dict[str, str]:
    """Checklist id → the clause label the source gives it (三（四）, 附件2 二、1)."""
    sections = {}
    for clause_id, label in checklist():
        if not clause_id.startswith("CD-"):
            continue
        item = re.match(r"附件2 第(\d+)项", label)
        sections[clause_id] = f"附件2 二、{item[1]}" if item else label.split("）")[0] + "）"
    return sections


@needs_seeds
def test_every_rule_is_filed_under_the_clause_it_cites() -> None:
    # a rule quoting 三（四） is filed under CD-4; 四、有关要求 has no checklist id, so a
    # rule quoting it is filed under the clause whose duty it enforces, which the pack's
    # limitations state ("<rule> … under <id>")
    sections = _checklist_sections()
    pack = find_pack("chengdong")
    stated = " ".join(pack.manifest.limitations)
    misfiled = []
    for rule in pack.rules:
        for clause in rule.clauses:
            if rule.citation.clause.startswith(sections[clause]):
                continue
            named = re.search(
                rf"{re.escape(rule.id)}( \([^)]*\))? under {re.escape(clause)},", stated
            )
            if not (rule.citation.clause.startswith("四") and named):
                misfiled.append(
                    f"{rule.id}: {clause} is {sections[clause]}, cites {rule.citation.clause}"
                )
    assert misfiled == []


@needs_seeds
def test_the_section_four_rules_are_filed_as_the_limitations_say() -> None:
    pack = find_pack("chengdong")
    filed = {rule.id: rule.clauses for rule in pack.rules if rule.citation.clause.startswith("四")}
    assert filed == {
        "CD-4.reminders-interview": ("CD-5",),
        "CD-4.discipline": ("CD-3",),
        "CD-10.monthly-collection": ("CD-A2.10",),
    }
