"""The 黄灯/红灯 fractions are dated parameters, labelled assumptions, checked at load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from grievance_rules.errors import PackError
from grievance_rules.packs import find_pack, load_pack
from grievance_rules.packs.parameters import parameter_value
from grievance_rules.packs.readme import render_readme
from grievance_rules.packs.schema import ClockRule, ParamRef

PACKS = ("chengdong", "xiayang", "daye")


@pytest.mark.parametrize("name", PACKS)
def test_every_warning_reads_a_parameter_labelled_an_assumption(name: str) -> None:
    pack = find_pack(name)
    warned = [rule for rule in pack.rules_of(ClockRule) if rule.warnings]
    assert warned
    for rule in warned:
        # chengdong's 续报 turns red at the share 三（八） sets for the 提级办理 (its own
        # parameter, an assumption too)
        red = "second_continuation_risk_at" if rule.id == "CD-7.continuation" else "warning_red"
        assert [(w.level, w.param) for w in rule.warnings] == [
            ("yellow", "warning_yellow"),
            ("red", red),
        ], rule.id
    fractions = [("warning_yellow", 0.5), ("warning_red", 0.75)]
    if name == "chengdong":
        fractions.append(("second_continuation_risk_at", 0.75))
    for param, value in fractions:
        assert pack.parameters[param].basis == "assumption"
        assert [d.value for d in pack.parameters[param].values] == [value]
    readme = render_readme(pack, "zh")
    assert "| 黄灯预警：时限已用去的比例达到该值时亮黄灯（提示分管领导） | " in readme
    assert "| 50% | 假定 |" in readme
    assert "| 75% | 假定 |" in readme
    english = render_readme(pack, "en")
    assert "| `warning_yellow` |" in english  # the analysts' table names the parameter
    assert "| 50% | assumption |" in english


def test_a_fraction_outside_zero_to_one_refuses_the_pack(tmp_path: Path) -> None:
    directory = tmp_path / "chengdong"
    shutil.copytree(find_pack("chengdong").directory, directory)
    params = directory / "parameters.yaml"
    text = params.read_text(encoding="utf-8")
    params.write_text(text.replace("value: 0.75, note", "value: 1.5, note"), encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(directory)
    assert caught.value.field is not None
    assert caught.value.field.startswith("warnings.1.param")
    assert "must be a fraction of 0 to 1, got 1.5" in str(caught.value)
    with pytest.raises(PackError, match="must be a fraction of 0 to 1, got 2"):
        find_pack("chengdong").with_parameters({"warning_red": 2})


@pytest.mark.parametrize("name", ["xiayang", "daye"])
def test_the_other_reading_of_the_lights_sets_both_fractions(name: str) -> None:
    # "other fractions, e.g. yellow at 60 % and red at 80 %": one switch sets both lights
    pack = find_pack(name)
    reading = pack.parameters["warning_yellow"].interpretation
    assert reading is not None
    assert reading.switch is not None
    assert yaml.safe_load(reading.switch) == {"warning_yellow": 0.6, "warning_red": 0.8}
    other = pack.with_parameters(yaml.safe_load(reading.switch))
    on = other.manifest.effective_from
    names = ("warning_yellow", "warning_red")
    lights = [parameter_value(other, ParamRef(param=n), on) for n in names]
    assert lights == [0.6, 0.8]
    # the analysts' table lists the switch under both parameters, owned by the whole pack
    english = render_readme(pack, "en").split("## For analysts", 1)[1]
    for param in ("warning_yellow", "warning_red"):
        (row,) = [line for line in english.splitlines() if line.startswith(f"| `{param}` |")]
        assert row.endswith("| `{warning_yellow: 0.6, warning_red: 0.8}` (the whole pack) |")
