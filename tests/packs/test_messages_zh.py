"""Pack refusals in Chinese: the place they name is said with （参数 …） and ：, not ASCII."""

from __future__ import annotations

from pathlib import Path

import pytest

from grievance_rules.errors import PackError
from grievance_rules.i18n import language
from grievance_rules.packs import load_pack
from tests.testing.lakeside import write_pack


def _refusal(pack: Path, lang: str) -> str:
    with language(lang), pytest.raises(PackError) as caught:
        load_pack(pack)
    return str(caught.value)


def test_a_parameter_refused_is_named_in_chinese(tmp_path: Path) -> None:
    pack = write_pack(tmp_path)
    parameters = pack / "parameters.yaml"
    text = parameters.read_text(encoding="utf-8")
    parameters.write_text(text.replace("    description: 回复时限\n", "    description: [1]\n"))
    chinese = _refusal(pack, "zh")
    assert chinese.startswith("parameters.yaml（参数 reply_time）：description：")
    assert " (parameter " not in chinese
    english = _refusal(pack, "en")
    assert english.startswith("parameters.yaml (parameter reply_time): description: ")


def test_a_rule_file_leading_outside_is_named_with_full_width_colons(tmp_path: Path) -> None:
    pack = write_pack(tmp_path)
    outside = tmp_path / "outside.yaml"
    outside.write_text("rules: []\n", encoding="utf-8")
    (pack / "rules" / "evil.yaml").symlink_to(outside)
    chinese = _refusal(pack, "zh")
    assert chinese.startswith("rules/evil.yaml：rule_files.0：")
    assert "rules/evil.yaml: " not in chinese
    english = _refusal(pack, "en")
    assert english.startswith(
        "rules/evil.yaml: rule_files.0: leads outside the pack directory (a symbolic link)"
    )
