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
        "warnings.0.param: must be a fraction of 0 to 1, got 2 (the value of parameter "
        "'warning_yellow' given by the override warning_yellow=2)"
    )
    with language("zh"), pytest.raises(PackError) as chinese:
        daye.with_parameters({"warning_yellow": 2})
    assert str(chinese.value) == (
        "规则包 daye：设定 warning_yellow=2 后：rules/handling.yaml：规则 DY-7a.signoff："
        "warnings.0.param：须为 0 到 1 之间的小数，实际为 2"
        "（该值来自覆盖设定 warning_yellow=2，为参数 'warning_yellow' 的取值）"
    )
    with language("zh"), pytest.raises(PackError) as caught:
        daye.with_parameters({"warning_yellow": float("nan")})
    assert str(caught.value).startswith("规则包 daye：覆盖设定 warning_yellow=nan：参数值须为")


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


def test_a_bad_override_is_not_said_to_come_from_parameters_yaml(daye) -> None:
    # daye's parameters.yaml holds a good value; the bad one is the override's
    with language("en"), pytest.raises(PackError) as caught:
        daye.with_parameters({"return_window": "soon"})
    message = str(caught.value)
    assert "parameters.yaml" not in message
    assert message.endswith(
        "(the value of parameter 'return_window' given by the override return_window='soon')"
    )
    with language("en"), pytest.raises(PackError) as caught:
        daye.with_parameters({"return_window": "soon"}, given_by={"return_window": "form F"})
    assert str(caught.value).endswith("(the value of parameter 'return_window' given by form F)")
    with language("zh"), pytest.raises(PackError) as caught:
        daye.with_parameters({"return_window": "soon"})
    assert str(caught.value).endswith(
        "（该值来自覆盖设定 return_window='soon'，为参数 'return_window' 的取值）"
    )


def test_a_reading_parameter_takes_only_its_values() -> None:
    # a typo in the other reading's value picked no reading the pack knows, silently
    chengdong = load_pack(builtin_packs_dir() / "chengdong")
    with language("en"), pytest.raises(PackError) as caught:
        chengdong.with_parameters({"second_continuation_risk": "while-running"})
    assert str(caught.value) == (
        "pack chengdong: the override second_continuation_risk='while-running': "
        "'while-running' is not one of the values of parameter 'second_continuation_risk': "
        "reached, while_running"
    )
    assert caught.value.field == "second_continuation_risk"
    with language("zh"), pytest.raises(PackError) as caught:
        chengdong.with_parameters({"callback_orders": "all"})
    assert str(caught.value) == (
        "规则包 chengdong：覆盖设定 callback_orders='all'：'all' 不是参数 'callback_orders' "
        "的取值之一（可取：replied、respond_at_once）"
    )
    # a yes/no parameter takes true or false
    daye = load_pack(builtin_packs_dir() / "daye")
    with language("en"), pytest.raises(PackError, match=r"'late_signoff_phone': true, false$"):
        daye.with_parameters({"late_signoff_phone": "maybe"})
    assert daye.with_parameters({"late_signoff_phone": True})
    assert chengdong.with_parameters({"second_continuation_risk": "while_running"})


def test_a_pack_comparing_a_reading_with_a_value_it_does_not_have_is_refused(
    tmp_path: Path,
) -> None:
    import shutil

    pack = tmp_path / "chengdong"
    shutil.copytree(builtin_packs_dir() / "chengdong", pack)
    rules = pack / "rules" / "mechanisms.yaml"
    text = rules.read_text(encoding="utf-8")
    assert "second_continuation_risk: while_running" in text
    rules.write_text(
        text.replace(
            "second_continuation_risk: while_running", "second_continuation_risk: running"
        ),
        encoding="utf-8",
    )
    with language("en"), pytest.raises(PackError) as caught:
        load_pack(pack)
    assert caught.value.file == "rules/mechanisms.yaml"
    assert caught.value.rule_id == "CD-8.escalate"
    assert "'running' is not a value of parameter 'second_continuation_risk'; its values: " in str(
        caught.value
    )
    # and a parameters.yaml value outside its own labels
    rules.write_text(text, encoding="utf-8")
    parameters = pack / "parameters.yaml"
    params = parameters.read_text(encoding="utf-8")
    parameters.write_text(params.replace("value: reached,", "value: reachd,", 1), encoding="utf-8")
    with language("en"), pytest.raises(PackError) as caught:
        load_pack(pack)
    assert caught.value.file == "parameters.yaml"
    assert str(caught.value).startswith(
        "parameters.yaml: parameter second_continuation_risk: 'reachd' is not one of its values:"
    )


def test_a_composite_weight_that_is_not_a_number_is_refused_before_scoring(daye) -> None:
    # daye weighs its three rates by parameters (weight_completion ...); a weight of 'two'
    # used to pass and then stop the scorecard with a ValueError from float('two')
    with language("en"), pytest.raises(PackError) as caught:
        daye.with_parameters({"weight_completion": "two"})
    assert str(caught.value) == (
        "pack daye: with weight_completion='two': pack.yaml: scoring.composite.completion: "
        "a weight must be a number of at least 0, got 'two' (the value of parameter "
        "'weight_completion' given by the override weight_completion='two')"
    )
    assert caught.value.field == "scoring.composite.completion"
    with language("zh"), pytest.raises(PackError) as chinese:
        daye.with_parameters({"weight_completion": -1})
    assert str(chinese.value) == (
        "规则包 daye：设定 weight_completion=-1 后：pack.yaml：scoring.composite.completion："
        "权重须为不小于 0 的数，而不是 -1"
        "（该值来自覆盖设定 weight_completion=-1，为参数 'weight_completion' 的取值）"
    )
    # 0 is a weight (the rate left out of the composite); True is not a number here
    assert daye.with_parameters({"weight_completion": 0}).overrides == {"weight_completion": 0}
    with language("en"), pytest.raises(PackError, match="at least 0, got True "):
        daye.with_parameters({"weight_completion": True})


def test_a_composite_weight_in_parameters_yaml_that_is_not_a_number_is_refused(
    tmp_path: Path,
) -> None:
    import shutil

    pack = tmp_path / "daye"
    shutil.copytree(builtin_packs_dir() / "daye", pack)
    parameters = pack / "parameters.yaml"
    text = parameters.read_text(encoding="utf-8")
    start = text.index("  weight_completion:")
    end = text.index("  weight_satisfaction:")
    part = text[start:end].replace("value: 1,", "value: one,")
    assert "value: one," in part
    parameters.write_text(text[:start] + part + text[end:], "utf-8")
    with language("en"), pytest.raises(PackError) as caught:
        load_pack(pack)
    assert str(caught.value) == (
        "pack.yaml: scoring.composite.completion: a weight must be a number of at least 0, "
        "got 'one' (the value of parameter 'weight_completion' in parameters.yaml)"
    )
    assert (caught.value.file, caught.value.field) == ("pack.yaml", "scoring.composite.completion")


def test_the_pack_key_writes_an_override_as_parameters_yaml_would(daye) -> None:
    # the key names an assessment's pack ('pack' in its JSON): true, as --set and YAML
    # write it, not Python's True
    assert daye.with_parameters({"preliminary_reply_stops": True}).key == (
        "daye@2023-05-19+preliminary_reply_stops=true"
    )
    assert daye.with_parameters(
        {"weight_completion": 0.5, "preliminary_reply_stops": False}
    ).key == ("daye@2023-05-19+preliminary_reply_stops=false,weight_completion=0.5")


def test_a_loaded_pack_cannot_be_changed_in_place(daye) -> None:
    # a parameter replaced in pack.parameters kept the content hash (and the cached plan)
    # while the pack gave other points
    import pickle

    name, parameter = next(iter(daye.parameters.items()))
    for table, key, value in (
        (daye.parameters, name, parameter),
        (daye.rule_files, next(iter(daye.rule_files)), "elsewhere.yaml"),
        (daye.overrides, "reply_time", "1 working day"),
    ):
        with pytest.raises(TypeError):
            table[key] = value  # type: ignore[index]
    again = pickle.loads(pickle.dumps(daye))
    assert again.content_hash == daye.content_hash
    assert dict(again.parameters) == dict(daye.parameters)
    variant = daye.with_parameters({"basically_satisfied_weight": 0.5})
    with pytest.raises(TypeError):
        variant.overrides["basically_satisfied_weight"] = 1.0  # type: ignore[index]
