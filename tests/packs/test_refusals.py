"""What a user gets wrong about packs is refused in their language, saying what would do."""

from __future__ import annotations

from pathlib import Path

import pytest

from grievance_rules.errors import PackError
from grievance_rules.i18n import language
from grievance_rules.packs import builtin_packs_dir, load_pack
from grievance_rules.scoring.stream import resolve_packs


@pytest.fixture(scope="module")
def daye():
    return load_pack(builtin_packs_dir() / "daye")


def test_an_unknown_parameter_is_refused_with_the_parameters_there_are(daye) -> None:
    names = sorted(daye.parameters)
    assert "return_window" in names  # one of daye's (policies/daye/parameters.yaml)
    with language("en"), pytest.raises(PackError) as caught:
        daye.with_parameters({"points_overdue": -2})
    assert str(caught.value).startswith(
        "pack daye has no parameter 'points_overdue'; its parameters: "
    )
    assert str(caught.value).endswith(", ".join(names))
    assert caught.value.field == "points_overdue"
    with language("zh"), pytest.raises(PackError) as caught:
        daye.with_parameters({"points_overdue": -2})
    assert str(caught.value).startswith("规则包 daye 没有参数 'points_overdue'；它的参数：")


def test_a_folder_without_a_manifest_is_not_a_pack(tmp_path: Path) -> None:
    english = r"is not a policy pack: it has no pack\.yaml"
    with language("en"), pytest.raises(PackError, match=english):
        load_pack(tmp_path)
    with language("zh"), pytest.raises(PackError, match=r"不是规则包：其中没有 pack\.yaml"):
        load_pack(tmp_path)


def test_the_same_pack_twice_or_none_is_refused(daye) -> None:
    with language("en"), pytest.raises(PackError, match=r"^the same pack given twice: daye@"):
        resolve_packs(["daye", "chengdong", daye])
    with language("zh"), pytest.raises(PackError, match=r"^同一规则包给了两次：daye@"):
        resolve_packs([daye, "daye"])
    with language("zh"), pytest.raises(PackError, match=r"^未给出规则包$"):
        resolve_packs([])
    # as it was: a PackError is a ValueError too
    with language("en"), pytest.raises(ValueError, match=r"^no packs given$"):
        resolve_packs([])


def test_an_override_the_rules_cannot_take_is_refused_in_the_language(daye) -> None:
    with language("en"), pytest.raises(PackError) as english:
        daye.with_parameters({"warning_yellow": 2})
    assert str(english.value) == (
        "pack daye: with warning_yellow=2: rules/handling.yaml: rule DY-7a.signoff: "
        "warnings.0.param: must be a fraction of 0 to 1, got 2"
    )
    with language("zh"), pytest.raises(PackError) as chinese:
        daye.with_parameters({"warning_yellow": 2})
    assert str(chinese.value) == (
        "规则包 daye：设定 warning_yellow=2 后：rules/handling.yaml：规则 DY-7a.signoff："
        "warnings.0.param：须为 0 到 1 之间的小数，实际为 2"
    )
    with language("zh"), pytest.raises(PackError) as caught:
        daye.with_parameters({"warning_yellow": float("nan")})
    assert str(caught.value).startswith("规则包 daye：覆盖参数 warning_yellow=nan：参数值须为")


def test_a_bad_parameter_value_is_said_to_come_from_parameters_yaml(tmp_path: Path) -> None:
    # the rule using it is named (file, rule, field, line), and so is the parameter
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(Path(__file__).resolve().parents[2] / "docs" / "example-pack", pack)
    parameters = pack / "parameters.yaml"
    text = parameters.read_text(encoding="utf-8")
    parameters.write_text(text.replace("value: 1 working day", "value: 1 fortnight"), "utf-8")
    with language("en"), pytest.raises(PackError) as caught:
        load_pack(pack)
    assert caught.value.rule_id == "DXH-1.transfer"
    assert caught.value.field == "duration"
    assert "duration '1 fortnight' not understood" in str(caught.value)
    assert "(the value of parameter 'transfer_time' in parameters.yaml)" in str(caught.value)
    with language("zh"), pytest.raises(PackError) as caught:
        load_pack(pack)
    assert "（该值为 parameters.yaml 中参数 'transfer_time' 的取值）" in str(caught.value)
