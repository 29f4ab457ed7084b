"""The built-in packs: valid, cited verbatim, every checklist clause covered, README current."""

import re

import pytest

from grievance_rules.i18n import Language
from grievance_rules.packs import builtin_pack_names, find_pack
from grievance_rules.packs.readme import README_FILES, render_readme
from tests.packs.seeds import SEEDS, checklist, needs_seeds, quoted_passages

PREFIX = {"chengdong": "CD", "xiayang": "XY", "daye": "DY"}
PACKS = ["chengdong", "daye", "xiayang"]


def test_the_three_packs_are_built_in() -> None:
    assert builtin_pack_names() == PACKS


@pytest.mark.parametrize("name", PACKS)
def test_pack_loads_strictly(name: str) -> None:
    pack = find_pack(name, strict=True)
    assert pack.flags == ()
    assert len(pack.rules) >= 15


@pytest.mark.parametrize("name", PACKS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_readme_is_generated_from_the_data(name: str, lang: Language) -> None:
    pack = find_pack(name)
    readme = (pack.directory / README_FILES[lang]).read_text(encoding="utf-8")
    assert readme == render_readme(pack, lang), (
        f"policies/{name}/{README_FILES[lang]} is stale: "
        f"run grievance-rules packs readme {name} --write"
    )


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@needs_seeds
@pytest.mark.parametrize("name", PACKS)
def test_every_citation_quotes_its_source_verbatim(name: str) -> None:
    pack = find_pack(name)
    quotes = [(rule.id, rule.citation) for rule in pack.rules]
    quotes += [
        (f"parameter {p}", v.citation)
        for p, parameter in pack.parameters.items()
        for v in parameter.values
        if v.citation is not None
    ]
    missing = []
    for where, citation in quotes:
        source = _squash((SEEDS / citation.source).read_text(encoding="utf-8"))
        for part in citation.text.split("…"):
            if _squash(part) not in source:
                missing.append(f"{where}: 「{part}」")
    assert missing == []


NOT_QUOTES = {
    "N个工作日": "the form of the periods a convention counts, not a passage",
    "有业务时间的，停止业务活动的时间为截止时间": "民法典 art. 203, not a seed document",
    "期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日": "民法典 art. 203",
    "法定休假日": "民法典 art. 203's term (weekly rest days and public holidays)",
    "已解决": "the closure outcome resolved by its Chinese term",
}
"""Text in 「」 in a pack's prose that is a term or another law's words, with why."""


@needs_seeds
@pytest.mark.parametrize("name", PACKS)
def test_every_quoted_passage_in_a_packs_prose_is_verbatim(name: str) -> None:
    # readings, limitations and descriptions quote the documents in 「」: each passage
    # (each part between …) is in a seed document, word for word, punctuation too
    seeds = _squash("".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("0*.txt")))
    pack = find_pack(name)
    missing = [
        f"{file}: 「{_squash(part)}」"
        for file, part in quoted_passages(pack)
        if _squash(part) not in seeds and _squash(part) not in NOT_QUOTES
    ]
    assert missing == []


@needs_seeds
@pytest.mark.parametrize("name", PACKS)
def test_every_checklist_clause_has_a_rule_and_every_rule_a_clause(name: str) -> None:
    ids = {clause for clause, _label in checklist() if clause.startswith(f"{PREFIX[name]}-")}
    pack = find_pack(name)
    covered = {clause for rule in pack.rules for clause in rule.clauses}
    assert ids - covered == set(), "checklist clauses with no rule"
    assert covered - ids == set(), "rules citing clauses the checklist does not have"


def test_daye_rules_filed_under_a_clause_cite_it() -> None:
    # （十三）线索移交 and （十八）责任追究 have different triggers (推诿扯皮难以交办,
    # 书面督办后仍未解决 … against 重大消极影响, 重大民生舆情): a rule quoting （十三）
    # is not filed under DY-18
    filed = {
        clause: sorted(
            rule.citation.clause for rule in find_pack("daye").rules if clause in rule.clauses
        )
        for clause in ("DY-13", "DY-18")
    }
    assert filed == {"DY-13": ["（十三）线索移交"], "DY-18": ["（十八）责任追究"]}
