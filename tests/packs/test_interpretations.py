"""Every choice a pack makes is an Interpretation, in Chinese and English, with its switch.

A parameter offering another reading (``basis: assumption``, or a yes/no) is a
choice. A rule that reads such a parameter must say so in the README's
Interpretations: in its own interpretation, whose ``switch`` names the parameter,
or through the parameter's own (pack-wide) interpretation. Each such entry has
the reading and the other reading in both languages, and its switch works.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import yaml

from grievance_rules.packs import Pack, find_pack
from grievance_rules.packs.parameters import parameter_value
from grievance_rules.packs.readme import render_readme
from grievance_rules.packs.schema import Interpretation, ParamRef

PACKS = ("chengdong", "xiayang", "daye")


def _params(value: Any) -> set[str]:
    """The parameters a rule refers to, anywhere in it."""
    if isinstance(value, dict):
        if set(value) == {"param"}:
            return {value["param"]}
        if set(value) == {"param_is"}:
            return set(value["param_is"])
        return set().union(*(_params(v) for v in value.values())) if value else set()
    if isinstance(value, list | tuple):
        return set().union(*(_params(v) for v in value)) if value else set()
    return set()


def _switch(i: Interpretation) -> dict[str, Any]:
    assert i.switch is not None
    parsed = yaml.safe_load(i.switch)
    assert isinstance(parsed, dict), f"switch {i.switch!r} is not 'parameter: value'"
    return parsed


def _incomplete(i: Interpretation | None) -> str | None:
    if i is None:
        return "no interpretation"
    missing = [
        name
        for name in ("reading_zh", "alternative", "alternative_zh", "switch")
        if not getattr(i, name)
    ]
    return f"interpretation lacks {', '.join(missing)}" if missing else None


def unexplained_choices(pack: Pack) -> list[str]:
    """Rules that read a choice parameter with no complete Interpretations entry naming it."""
    problems = []
    for rule in pack.rules:
        for name in sorted(_params(rule.model_dump(mode="json"))):
            parameter = pack.parameters[name]
            if not parameter.is_choice:
                continue
            if parameter.interpretation is not None and not _incomplete(parameter.interpretation):
                continue  # a pack-wide reading, shown first in the README
            why = _incomplete(rule.interpretation)
            if why is None:
                assert rule.interpretation is not None
                if name not in _switch(rule.interpretation):
                    why = f"its switch {rule.interpretation.switch!r} does not name it"
            if why:
                problems.append(f"{pack.id}: {rule.id} reads the choice {name}: {why}")
    return problems


@pytest.mark.parametrize("name", PACKS)
def test_every_choice_a_rule_reads_is_an_interpretation(name: str) -> None:
    assert unexplained_choices(find_pack(name)) == []


@pytest.mark.parametrize("name", PACKS)
def test_every_switch_names_a_parameter_and_works(name: str) -> None:
    pack = find_pack(name)
    entries = [r.interpretation for r in pack.rules if r.interpretation is not None]
    entries += [p.interpretation for p in pack.parameters.values() if p.interpretation]
    switched = [i for i in entries if i.switch]
    assert switched
    for i in switched:
        values = _switch(i)
        assert set(values) <= set(pack.parameters), i.switch
        other = pack.with_parameters(values)  # refused if the value does not fit
        for key, value in values.items():
            assert (
                parameter_value(other, ParamRef(param=key), other.manifest.effective_from) == value
            )
        assert i.reading_zh, f"{i.switch}: the reading in Chinese is missing"
        assert i.alternative_zh, f"{i.switch}: the other reading in Chinese is missing"


@pytest.mark.parametrize("name", PACKS)
def test_the_readme_explains_how_working_days_are_counted(name: str) -> None:
    pack = find_pack(name)
    what = pack.parameters["convention"].description_zh
    section = render_readme(pack, "zh").split("## 理解与假定", 1)[1].split("\n## ", 1)[0]
    assert f"- **{what}**（自起算时刻起按工作时间连续计算）：" in section
    assert "  - 示例：" in section
    assert "  - 另一种理解：" in section
    english = render_readme(pack, "en")
    section = english.split("## Interpretations", 1)[1].split("\n## ", 1)[0]
    assert "(counted as office time from the instant): " in section
    assert "  - Example: " in section
    assert "`convention: civil_code` (the whole pack)" in english.split("## For analysts", 1)[1]


def test_daye_counts_the_days_of_zi_jiaoban_zhi_ri_qi() -> None:
    # （七）「自交办之日起」: day counting by default, the other reading one switch away
    daye = find_pack("daye")
    section = render_readme(daye, "zh").split("## 理解与假定", 1)[1]
    assert "- **（七）及时受理的天数计算方法：" in section
    assert "**（按民法典计算期间（起算当日不计入））：「自交办之日起" in section
    analysts = render_readme(daye, "en").split("## For analysts", 1)[1]
    assert "`signoff_convention: working_time`" in analysts


def test_a_rule_whose_choice_is_not_explained_is_reported() -> None:
    pack = find_pack("chengdong")
    rules = tuple(
        rule.model_copy(update={"interpretation": None})
        if rule.id == "CD-10.bottom-three-secretary"
        else rule
        for rule in pack.rules
    )
    stripped = dataclasses.replace(pack, rules=rules)
    assert unexplained_choices(stripped) == [
        "chengdong: CD-10.bottom-three-secretary reads the choice bottom_ties: no interpretation"
    ]
    half = tuple(
        rule.model_copy(
            update={"interpretation": rule.interpretation.model_copy(update={"switch": None})}
        )
        if rule.id == "CD-10.bottom-three-liaison" and rule.interpretation
        else rule
        for rule in pack.rules
    )
    assert unexplained_choices(dataclasses.replace(pack, rules=half)) == [
        "chengdong: CD-10.bottom-three-liaison reads the choice bottom_ties: "
        "interpretation lacks switch"
    ]
